"""Items through Redis to the archive's one writer (scale-out: crawler/redis_frontier.py).

Workers push every item (`PushPipeline`) and every capture row (`WorkerSession.add_capture`) to one Redis list,
in the order they happened in that worker: a capture row always precedes the items that cite it. The writer
(`run_writer`) owns the run row, drains the list through the normal pipelines (validate, normalize, store) in
the store's batched transactions, and ends the run when every worker it waits for has said it is done; the
run's counters are the writer's (documents) plus the workers' (requests, captures, retries).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.exceptions import DropItem

from crawler import wire
from crawler.extensions.runlog import open_session, summarize
from crawler.redis_frontier import connect, keys
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline


class PushPipeline:
    """A worker's only pipeline: the item, as a frontier message (crawler/wire.py), to the writer's list."""

    def __init__(self, server: Any, key: str):
        self.server, self.key = server, key

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        s = crawler.settings
        return cls(connect(s.get("XXGK_FRONTIER")), keys(s.getdict("XXGK_AGENCY")["id"], s.get("XXGK_CHANNEL"))["items"])

    def process_item(self, item: Any) -> Any:
        self.server.rpush(self.key, wire.dumps(["item", item]))
        return item


class Stats:
    """The little of Scrapy's stats collector the pipelines use, for a writer that runs no crawler."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self.values[key] += count

    def get_value(self, key: str, default: Any = None, spider: Any = None) -> Any:
        return self.values.get(key, default)

    def get_stats(self, spider: Any = None) -> dict[str, Any]:
        return dict(self.values)


def reset(server: Any, agency: str, channel: str) -> None:
    """Forget a previous crawl's frontier, fingerprints and leftovers (each run starts its own)."""
    server.delete(*keys(agency, channel).values())


def run_writer(settings: Any, channel: str, workers: int, timeout: float = 600.0) -> dict[str, Any]:
    """Open the run, publish it, store what `workers` workers send until each is done; the run's result.
    `timeout`: the longest wait for the next message before the run ends failed (a worker died)."""
    agency = settings.getdict("XXGK_AGENCY")
    k = keys(agency["id"], channel)
    server = connect(settings.get("XXGK_FRONTIER"))
    reset(server, agency["id"], channel)
    session = open_session(settings, agency, channel)
    stats = Stats()
    store = StorePipeline(session, stats)
    steps = [ValidatePipeline(stats), NormalizePipeline()]
    server.set(k["run"], session.run_id)
    done: list[dict[str, Any]] = []
    problem = ""
    while len(done) < workers:
        popped = server.blpop([k["items"]], timeout=timeout)
        if popped is None:
            problem = f"{workers - len(done)} worker(s) sent nothing for {timeout:.0f} s"
            break
        try:  # JSON: a message can rebuild no object outside wire.ALLOWED
            message = wire.loads(popped[1])
            if not (isinstance(message, list) and len(message) == 2 and message[0] in ("item", "capture", "done")):
                raise ValueError("not a [kind, payload] pair")
            kind, payload = message
        except ValueError as exc:  # not our workers' (another program, or tampering): nothing after it is trusted
            problem = f"the frontier's item list held a message that is not an xxgk worker's: {exc}"
            break
        if kind == "done":
            done.append(payload)
        elif kind == "capture":
            with session.guard():
                session.rows.insert("captures", payload)
                session.wrote()
        else:
            try:
                for step in steps:
                    payload = step.process_item(payload)
            except DropItem:
                continue
            store.process_item(payload)
    if not problem:
        store.close_spider()
    for d in done:
        for key, value in d["stats"].items():
            if not key.startswith("xxgk/documents/"):  # the store's counters are the writer's
                stats.inc_value(key, value)
        session.warc.files.extend(d["warc_files"])
    reasons = {d["finish_reason"] for d in done}
    values = stats.get_stats()
    values["finish_reason"] = "finished" if reasons == {"finished"} and not problem else ",".join(sorted(reasons))
    problem = problem or "; ".join(d["problem"] for d in done if d["problem"])
    status, summary = summarize(values, session.completeness, session.broken or problem)
    summary.update(run_id=session.run_id, workers=[d["worker"] for d in done])
    unrecorded = session.finish(status, values, session.completeness, summary, error=summary["problem"])
    reset(server, agency["id"], channel)
    return {"status": status, "summary": summary, "run_id": session.run_id, "recorded": not unrecorded,
            "unrecorded": unrecorded or ""}
