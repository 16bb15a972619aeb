"""CPU of each of the project's components inside a real catalog crawl, in ms per request.

Runs `xxgk crawl` in this process with the functions below wrapped: each call's thread CPU time
(`time.thread_time`, the reactor thread's, where Scrapy runs everything of ours) is added to the component,
and taken out of the component it ran inside, so `self` figures add up without counting a nested call twice
(a batch commit runs inside whichever write filled the batch: it is the commit's, not that write's).
What is not listed (Scrapy, Twisted, our spider callbacks' own lines and generator middlewares) is
the process's CPU less their sum. The wrapper costs ~1.5 us a call (measured on an empty function); its calls are counted in the output.

Used by `bench/crawl_catalog.py --components` (which prints the result beside bare Scrapy); alone:

    .venv/bin/python bench/crawl_components.py OUT.json -- --agency kaiping-edu --simulator URL --db A.sqlite
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import json
import resource
import sys
import time
from typing import Any

# (label, "module:Owner.attribute" or "module:name"). A name a module imported from elsewhere is wrapped
# where the caller looks it up (its own module's namespace).
COMPONENTS = [
    ("capture middleware", "crawler.middlewares.capture:CaptureMiddleware.process_response"),
    ("WARC records, gzip and write", "archive.warcstore:WarcStore.write_exchange"),
    ("block detection", "crawler.middlewares.capture:detect_block"),
    ("header and URL redaction", "crawler.middlewares.capture:redact_headers"),
    ("capture row", "archive.session:ArchiveSession.add_capture"),
    ("earlier capture look-up", "archive.session:ArchiveSession.previous_capture"),
    ("fetch policy middleware", "crawler.middlewares.policy:FetchPolicyMiddleware.process_response"),
    ("document page parsing", "crawler.spiders.gkmlpt:parse_document"),
    ("list page parsing", "crawler.spiders.gkmlpt:parse_list"),
    ("validate pipeline", "pipelines.validate:ValidatePipeline.process_item"),
    ("normalize pipeline", "pipelines.normalize:NormalizePipeline.process_item"),
    ("store pipeline", "pipelines.store:StorePipeline.process_item"),
    ("search-index text", "archive.search_index:index_text"),
    ("unchanged documents recorded as seen", "archive.session:ArchiveSession.record_seen"),
    ("batch commit (search index writes included)", "archive.session:ArchiveSession.commit"),
]


class Timer:
    def __init__(self) -> None:
        self.inclusive: dict[str, float] = {}
        self.children: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[str] = []
        self.absent: set[str] = set()

    def wrap(self, label: str, spec: str) -> None:
        self.inclusive[label] = self.children[label] = 0.0
        self.calls[label] = 0
        module, _, path = spec.partition(":")
        *parents, name = path.split(".")
        try:
            owner: Any = importlib.import_module(module)
            for parent in parents:
                owner = getattr(owner, parent)
            original = getattr(owner, name)
        except (ImportError, AttributeError):
            # Absent from the checkout measured (an older one, for a before/after): reported as absent.
            self.absent.add(label)
            return
        stack, inclusive, children, calls = self._stack, self.inclusive, self.children, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            stack.append(label)
            t0 = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time() - t0
                stack.pop()
                inclusive[label] += spent
                calls[label] += 1
                if stack:
                    children[stack[-1]] += spent

        setattr(owner, name, timed)

    def report(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"process_cpu_s": usage.ru_utime + usage.ru_stime,
                "components": [{"component": label, "calls": None if label in self.absent else self.calls[label],
                                "inclusive_s": self.inclusive[label],
                                "self_s": self.inclusive[label] - self.children[label]}
                               for label in self.inclusive]}  # in the order wrapped


def main() -> None:
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    ap = argparse.ArgumentParser(description="Time each component inside one `xxgk crawl`.",
                                 usage="%(prog)s OUT.json -- XXGK-CRAWL-ARGS…")
    ap.add_argument("out", help="where the JSON of the components' CPU is written at exit")
    out = ap.parse_args(argv[:cut]).out
    args = argv[cut + 1:]
    if not args:
        ap.error("the crawl's arguments go after --")
    timer = Timer()
    for label, spec in COMPONENTS:
        timer.wrap(label, spec)

    def write() -> None:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(timer.report(), fh)

    atexit.register(write)  # the CLI leaves through SystemExit with the crawl's status
    from xxgk.cli import main as xxgk_main

    sys.argv = ["xxgk", "crawl", *args]
    xxgk_main()


if __name__ == "__main__":
    main()
