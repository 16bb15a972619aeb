"""The run: its archive session opened with the crawl, closed with its status, stats, coverage and summary.

This extension owns the crawl's `ArchiveSession` (the run row, the WARC files, the batched SQLite
transactions); the capture middleware, the incremental middleware and the store pipeline get it with
`archive_session(crawler)`. Extensions are built before the engine's middlewares and pipelines, so the
session exists when they ask for it.

Status: `failed` when the crawl could not start its listing (index unreadable, nothing listed) or the
archive stopped accepting writes (disk full, database locked: the crawl stops at the first such
failure), `interrupted` when a signal stopped it (SIGTERM, Ctrl-C), `partial` when anything stayed
blocked, failed, truncated or incomplete in the end, `ok` otherwise — a request that failed and then
succeeded on a retry is not a failure. The summary is what `xxgk crawl` prints and what health checks
read. When even the run row cannot be written, the result says so (`recorded: false`) and `xxgk crawl`
exits non-zero; the next run marks the row `interrupted`.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from archive.session import ArchiveSession

# Settings recorded with a run (never secrets: those live in the environment only).
RECORDED_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER", "CONCURRENT_REQUESTS",
                     "CONCURRENT_REQUESTS_PER_DOMAIN", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_MAX_DELAY", "RETRY_TIMES",
                     "DOWNLOAD_TIMEOUT", "XXGK_SIMULATOR", "XXGK_FULL_REFRESH", "XXGK_ATTACHMENT_MAX_BYTES",
                     "XXGK_EMPTY_PAGE_RETRIES", "XXGK_BACKOFF_BASE")


# Final failures only: a request retried into success counts nowhere here (its attempts stay in `captures`).
FINAL_ERRORS = ("xxgk/documents/page_failed", "xxgk/attachments/failed", "xxgk/attachments/truncated",
                "xxgk/attachments/blocked", "log_count/ERROR")


def summarize(stats: dict[str, Any], completeness: list[dict[str, Any]], problem: str) -> tuple[str, dict[str, Any]]:
    def n(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    blocked = sum(v for k, v in stats.items() if k.startswith("xxgk/blocked/"))
    errors = sum(n(k) for k in FINAL_ERRORS)
    gaps = [{"category": c["name"], "stated": c["stated_post_count"], "api_total": c["api_total"],
             "listed": c["harvested"] + c["search_backfilled"], "stop_reason": c["stop_reason"], "notes": c["notes"],
             "structural": bool(c.get("capped")) and c["healthy"]}
            for c in completeness if not (c["complete"] and c["healthy"])]
    # Requests actually sent = capture rows of fetches (the routing middleware re-issues requests, so
    # Scrapy's downloader/request_count counts simulator-routed requests twice; refused links were never sent).
    sent = sum(v for k, v in stats.items() if k.startswith("xxgk/captures/"))
    summary = {
        "requests": sent, "responses": n("downloader/response_count"),
        "new": n("xxgk/documents/new"), "changed": n("xxgk/documents/changed"),
        "unchanged": n("xxgk/documents/unchanged"), "disappeared": n("xxgk/documents/disappeared"),
        "reappeared": n("xxgk/documents/reappeared"), "skipped_unchanged": n("xxgk/incremental/skipped"),
        "blocked": blocked, "blocked_final": n("xxgk/documents/page_blocked") + n("xxgk/attachments/blocked"),
        "truncated": n("xxgk/documents/page_truncated") + n("xxgk/attachments/truncated"),
        "refused": n("xxgk/refused"), "retries": n("retry/count"), "errors": errors,
        "categories": len(completeness), "coverage_gaps": gaps, "problem": problem,
        "finish_reason": stats.get("finish_reason", ""),
    }
    if problem:
        status = "failed"
    elif summary["finish_reason"] == "shutdown":
        # A signal stopped it (even before it had listed anything): what it saw is stored, the rest is unknown.
        status = "interrupted"
    elif not completeness:
        status = "failed"
    # A structural gap (the NFCMS 100-page cap) is recorded as coverage, but is not a failure of the run.
    elif [g for g in gaps if not g["structural"]] or errors or summary["finish_reason"] != "finished":
        status = "partial"
    else:
        status = "ok"
    return status, summary


def open_session(s: Any, agency: dict[str, Any], channel: str) -> ArchiveSession:
    """The crawl's session (its run row, WARC files and transactions) from its settings; StorageError when the
    archive cannot take a run now (locked by another writer, no room)."""
    return ArchiveSession(s.get("XXGK_DB"), s.get("XXGK_WARC_DIR"), agency, channel,
                          settings={k: s.get(k) for k in RECORDED_SETTINGS}, software=s.get("XXGK_SOFTWARE"),
                          batch_size=s.getint("XXGK_BATCH_SIZE"), batch_seconds=s.getfloat("XXGK_BATCH_SECONDS"),
                          busy_timeout=s.getfloat("XXGK_BUSY_TIMEOUT"))


class RunLogExtension:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        # `xxgk crawl` opens the session before Scrapy starts (so a locked or full archive is one clear line);
        # a plain `scrapy crawl -a agency=ID` names the agency on the spider, and the session opens here.
        session = getattr(crawler, "xxgk_session", None)
        if session is None:
            spider = getattr(crawler, "spider", None)
            session = open_session(crawler.settings, crawler.settings.getdict("XXGK_AGENCY") or spider.agency,
                                   getattr(spider, "channel", None) or crawler.settings.get("XXGK_CHANNEL"))
        self.session = session
        self.session.on_broken = self.stop
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        spider.logger.info(f"run {self.session.run_id}: archive {self.session.db_path}, "
                           f"WARC in {self.session.warc.folder}")

    def stop(self, why: str) -> None:
        """The archive stopped accepting writes: end the crawl now (nothing more could be stored)."""
        self.crawler.spider.logger.error(f"{why}; stopping the crawl")
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    def closed(self, spider: Any, reason: str) -> None:
        session = self.session
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        status, summary = summarize(stats, session.completeness,
                                    session.broken or getattr(self.crawler, "xxgk_unreachable", None)
                                    or getattr(spider, "index_problem", ""))
        summary["run_id"] = session.run_id
        unrecorded = session.finish(status, {k: str(v) if not isinstance(v, (int, float, str)) else v
                                             for k, v in stats.items()},
                                    session.completeness, summary, error=summary["problem"],
                                    patience=self.crawler.settings.getfloat("XXGK_BUSY_TIMEOUT"))
        if unrecorded:
            spider.logger.error(f"run {session.run_id} could not be closed ({unrecorded}); the next run will mark "
                                "it interrupted")
        self.crawler.xxgk_result = {"status": status, "summary": summary, "run_id": session.run_id,
                                    "recorded": not unrecorded, "unrecorded": unrecorded or ""}


def archive_session(crawler: Any) -> ArchiveSession:
    """The session of a running crawl, owned by its RunLogExtension."""
    for ext in crawler.extensions.middlewares:
        if isinstance(ext, RunLogExtension):
            return ext.session
    raise RuntimeError("the crawl has no archive session: enable crawler.extensions.runlog.RunLogExtension")
