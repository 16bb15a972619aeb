"""One channel of many agencies in this process: one crawl after another, each with its own settings, session
and run row (`xxgk crawl --agency all|ID,ID|@FILE`).

Agencies crawl one at a time, so a host's politeness budget (its delay and concurrency) is never shared by
two live crawls, whatever the number of agencies on it; and an archive session's batched transaction never
waits on another's. One agency's failure (an unreadable index, a blocked host, an archive that refuses its run)
is recorded as that agency's result and the next one starts; a signal (SIGTERM, Ctrl-C) ends the crawl running
now as interrupted and starts no other. A Twisted reactor cannot restart: call `run_crawls` once per process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from .run import SPIDERS, crawler_process

Job = tuple[str, Any]  # (agency id, the crawl's settings: crawler/run.py `crawl_settings`)


def run_crawls(jobs: list[Job], channel: str, on_done: Callable[[str, dict[str, Any]], None] | None = None
               ) -> dict[str, dict[str, Any]]:
    """Crawl the channel of every job's agency in turn; each agency's result (status, summary, run id as
    `run_crawl` returns it; `failed` with a `problem` when its run could not start or the crawl raised;
    `not_started` when a signal ended the process first), by agency id. `on_done(agency, result)` is called as
    each one ends (progress)."""
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from scrapy.utils.misc import load_object
    from scrapy.utils.reactor import install_reactor
    from twisted.internet import defer

    from archive.session import StorageError

    from . import settings as defaults
    from .extensions.runlog import open_session
    from .secrets import install_log_redaction

    results: dict[str, dict[str, Any]] = {}
    if not jobs:
        return results
    first = jobs[0][1]
    # The process's own settings at the lowest priority: `process.crawl(crawler)` merges them into every
    # crawler's, and each agency's own (its XXGK_AGENCY, politeness, routed hosts) must win.
    process_settings = Settings()
    process_settings.setmodule(defaults, priority="default")
    for key in ("LOG_LEVEL", "TWISTED_REACTOR", "ASYNCIO_EVENT_LOOP"):
        process_settings.set(key, first[key], priority="default")
    process = crawler_process(process_settings)
    # The reactor now, as the first crawler of a CrawlerProcess would: the chain starts once it runs.
    install_reactor(first["TWISTED_REACTOR"], first["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor

    install_log_redaction()
    spider = load_object(SPIDERS[channel])
    stopping: list[bool] = []

    def done(agency_id: str, result: dict[str, Any]) -> None:
        results[agency_id] = result
        if on_done is not None:
            on_done(agency_id, result)

    @defer.inlineCallbacks
    def chain():  # noqa: ANN202 - a Twisted inlineCallbacks generator
        for agency_id, settings in jobs:
            if stopping:
                break
            crawler = Crawler(spider, settings)
            try:  # the run row first: an archive that cannot take this run fails this agency only
                crawler.xxgk_session = open_session(settings, settings.getdict("XXGK_AGENCY"), channel)
            except StorageError as exc:
                done(agency_id, {"status": "failed", "run_id": None, "summary": {"problem": str(exc)}})
                continue
            problem = "the crawl ended before its run could be recorded"
            try:
                yield process.crawl(crawler)
            except Exception as exc:  # noqa: BLE001 - one agency's crash never stops the others
                problem = f"{type(exc).__name__}: {exc}"
            result = getattr(crawler, "xxgk_result", None)
            if result is None:  # its run row is closed here, failed, so it is never left `running`
                summary = {"problem": problem}
                with contextlib.suppress(Exception):
                    crawler.xxgk_session.finish("failed", {}, [], summary, error=problem)
                result = {"status": "failed", "run_id": crawler.xxgk_session.run_id, "summary": summary}
            done(agency_id, result)
            if result["status"] == "interrupted":
                stopping.append(True)

    def stop_reactor(_: Any) -> None:
        process._stop_reactor()  # noqa: SLF001 - what CrawlerProcess.start does after its own crawls

    # A signal: Scrapy stops the running crawl (interrupted) and then the reactor, so no other agency starts.
    reactor.callWhenRunning(lambda: chain().addBoth(stop_reactor))
    process.start(stop_after_crawl=False)
    for agency_id, _ in jobs:
        results.setdefault(agency_id, {"status": "not_started", "run_id": None,
                                       "summary": {"problem": "the crawl was stopped before this agency's turn"}})
    return results
