"""Scale-out on Redis (scrapy-redis): several worker processes share one frontier and one duplicate filter.

One crawl of one agency's catalog or website is split over N worker processes (on one machine or many) and one writer
(`pipelines/redis_queue.py`). The writer opens the run row and publishes its id; each worker then crawls with:

- `SharedScheduler`, scrapy-redis's scheduler (a priority queue and a fingerprint set in Redis) that also knows
  when the crawl is over: a worker closes only when the shared queue is empty and no other worker has a request
  in flight (each worker's state is a field of one Redis hash);
- `RedisGkmlptSpider` / `RedisWebsiteSpider`, the catalog and website spiders made stateless between requests
  (`CarriedState`): a category's or column's listing state travels in its list (and search) requests, so any
  worker may read its next page, and the set of document pages already asked for is a Redis set;
- `WorkerSession`, an archive session that never writes the database: it reads it (read-only) for what the
  incremental and capture middlewares ask, writes its WARC files itself (`<run>-<worker>-NNNNN.warc.gz`) and
  sends every capture row, in order, through the same Redis list as the items (`pipelines.redis_queue`).

The archive keeps one writer. WeChat is not scaled out (its lister callbacks are lister-object methods, which a
request in Redis cannot name).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler

from archive.session import ArchiveSession
from archive.warcstore import WarcStore
from crawler import items, wire
from crawler.parsing.gkmlpt import CategoryNode
from crawler.spiders.gkmlpt import CategoryState, GkmlptSpider
from crawler.spiders.website import ColumnState, WebsiteSpider

# What may cross Redis (crawler/wire.py): the items, and the listing states carried in a listing's requests.
wire.allow(items.CategoryItem, items.CategoryRunItem, items.DocumentItem, items.AttachmentItem, items.ObservationItem,
           items.WechatPushItem, items.MetricItem, CategoryState, CategoryNode, ColumnState)

STATE = "xxgk_category_state"  # request meta: the category's listing state, carried from page to page
CHANNELS = ("catalog", "website")  # the channels that scale out


def keys(agency: str, channel: str) -> dict[str, str]:
    """The Redis keys of one agency's crawl of one channel."""
    prefix = f"xxgk:{agency}:{channel}"
    return {name: f"{prefix}:{name}" for name in ("run", "requests", "dupefilter", "documents", "items", "active")}


def connect(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def frontier_settings(settings: Any, url: str, agency: str, channel: str) -> None:
    """Turn a crawl's settings (crawler/run.py `crawl_settings`) into a worker's."""
    k = keys(agency, channel)
    settings.set("XXGK_FRONTIER", url, priority="cmdline")
    settings.set("REDIS_URL", url, priority="cmdline")
    settings.set("SCHEDULER", "crawler.redis_frontier.SharedScheduler", priority="cmdline")
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="cmdline")
    settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority="cmdline")
    settings.set("SCHEDULER_SERIALIZER", "crawler.wire", priority="cmdline")  # JSON, never pickle
    settings.set("SCHEDULER_QUEUE_KEY", k["requests"], priority="cmdline")
    settings.set("SCHEDULER_DUPEFILTER_KEY", k["dupefilter"], priority="cmdline")
    settings.set("SCHEDULER_PERSIST", True, priority="cmdline")  # the writer clears the keys, not a worker
    # Items go to the writer through Redis; nothing in a worker writes the database.
    settings.set("ITEM_PIPELINES", {"pipelines.redis_queue.PushPipeline": 300}, priority="cmdline")


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, closing the crawl only when every worker is idle and the queue is empty."""

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        instance = super().from_crawler(crawler)
        instance.active_key = keys(crawler.settings.getdict("XXGK_AGENCY")["id"],
                                   crawler.settings.get("XXGK_CHANNEL"))["active"]
        instance.worker = worker_name()
        instance.busy = False
        crawler.signals.connect(instance.idle, signal=signals.spider_idle)
        # The engine's heartbeat is when an idle crawl asks its scheduler again; Scrapy has no setting for it, so a
        # shared frontier sets the engine's attribute (without it, Scrapy's 5 s stays: slower, never wrong).
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = crawler.settings.getfloat("XXGK_FRONTIER_POLL")
        return instance

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.server.hset(self.active_key, self.worker, int(busy))
            self.busy = busy

    def open(self, spider: Any) -> Any:
        self._set_busy(True)  # before its start requests: a worker that has not listed yet is not idle
        return super().open(spider)

    # scrapy-redis 0.9.1's own enqueue/next pass `spider=` to the stats collector, which Scrapy 2.19 deprecates.
    def enqueue_request(self, request: Any) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Any:
        # Busy before the pop: another worker never sees the queue empty and this one idle while it holds a request.
        self._set_busy(True)
        request = self.queue.pop(self.idle_before_close)
        if request:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def idle(self, spider: Any) -> None:
        """Nothing in flight here: close only if the queue is empty and no other worker can add to it."""
        self._set_busy(False)
        if len(self) > 0:
            raise DontCloseSpider
        states = self.server.hgetall(self.active_key)
        if any(int(v) for k, v in states.items() if k.decode() != self.worker):
            raise DontCloseSpider


class SharedSet:
    """A Redis set seen as the spider's `documents_requested`: asking whether a post is in it adds it, atomically
    (SADD), so two workers reading two listings that name the same post ask for its page once."""

    def __init__(self, server: Any, key: str):
        self.server, self.key = server, key

    def __contains__(self, value: str) -> bool:
        return self.server.sadd(self.key, value) == 0

    def add(self, value: str) -> None:
        self.server.sadd(self.key, value)

    def add_new(self, value: str) -> bool:
        """As IdSet.add_new: add, and whether it was not there yet (one SADD)."""
        return self.server.sadd(self.key, value) == 1


class CarriedState:
    """A spider made stateless between requests for shared frontiers: every worker lists the starting points
    itself (the duplicate filter keeps one of each), a listing's state (a catalog category, a website column)
    travels in the requests of its listing, which are sequential (page n+1 follows page n), and the set of pages
    already asked for is a Redis set."""

    states_attr = ""  # the spider's dict of listing states (categories, columns)
    key_arg = ""  # the callback argument naming a listing (cat_id, path)
    requested_attr = ""  # the spider's set of pages already asked for

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        super().configure(settings, section)  # type: ignore[misc]
        k = keys(self.agency_id, self.channel)  # type: ignore[attr-defined]
        setattr(self, self.requested_attr, SharedSet(connect(settings.get("XXGK_FRONTIER")), k["documents"]))

    def _carry(self, request: Any) -> Any:
        request.meta[STATE] = getattr(self, self.states_attr)[request.cb_kwargs[self.key_arg]]
        return request

    def _restore(self, request: Any) -> None:
        if STATE in request.meta:
            getattr(self, self.states_attr)[request.cb_kwargs[self.key_arg]] = request.meta[STATE]


class RedisGkmlptSpider(CarriedState, GkmlptSpider):
    name = "gkmlpt_redis"
    states_attr, key_arg, requested_attr = "categories", "cat_id", "documents_requested"

    def list_request(self, cat_id: int, page: int, retry: int = 0) -> Any:
        return self._carry(super().list_request(cat_id, page, retry))

    def search_request(self, cat_id: int, page: int, retry: int = 0) -> Any:
        return self._carry(super().search_request(cat_id, page, retry))

    def parse_list_page(self, response: Any, cat_id: int, page: int) -> Any:
        self._restore(response.request)
        return super().parse_list_page(response, cat_id, page)

    def parse_search_page(self, response: Any, cat_id: int, page: int) -> Any:
        self._restore(response.request)
        return super().parse_search_page(response, cat_id, page)

    def list_failed(self, failure: Any) -> Any:
        self._restore(failure.request)
        return super().list_failed(failure)

    def search_failed(self, failure: Any) -> Any:
        self._restore(failure.request)
        return super().search_failed(failure)


class RedisWebsiteSpider(CarriedState, WebsiteSpider):
    name = "website_redis"
    states_attr, key_arg, requested_attr = "columns", "path", "requested"

    def list_request(self, state: Any, page: int) -> Any:
        return self._carry(super().list_request(state, page))

    def parse_list_page(self, response: Any, path: str, page: int) -> Any:
        self._restore(response.request)
        return super().parse_list_page(response, path, page)

    def list_failed(self, failure: Any) -> Any:
        self._restore(failure.request)
        return super().list_failed(failure)


SPIDERS = {"catalog": RedisGkmlptSpider, "website": RedisWebsiteSpider}


class WorkerSession(ArchiveSession):
    """The archive as a worker sees it: read-only, its WARC files its own, capture rows sent to the writer."""

    records_seen = False  # documents listed unchanged go to the writer as items

    def __init__(self, db_path: str | Path, warc_dir: str | Path, agency: dict[str, Any], channel: str,
                 run_id: str, software: str, server: Any, items_key: str):
        from archive.rows import Rows
        from archive.schema import open_read

        self.db_path = Path(db_path)
        self.db, _ = open_read(self.db_path)
        self.rows = Rows(self.db.conn)
        self.agency, self.channel, self.run_id = agency, channel, run_id
        self.completeness: list[dict[str, Any]] = []
        self.broken = ""
        self.on_broken = None
        self.server, self.items_key = server, items_key
        self.worker = worker_name()
        self.warc = WarcStore(warc_dir, f"{run_id}-{self.worker}", software,
                              info={"agency": agency["id"], "channel": channel})

    def send(self, kind: str, payload: Any) -> None:
        self.server.rpush(self.items_key, wire.dumps([kind, payload]))

    def add_capture(self, row: dict[str, Any]) -> str:
        row = {**row, "run_id": self.run_id}
        row.setdefault("id", _new_capture_id())
        self.send("capture", row)
        return row["id"]

    def wrote(self, n: int = 1) -> None:
        pass

    def commit(self) -> None:
        pass

    def finish(self, status: str, stats: dict[str, Any], completeness: list[dict[str, Any]],
               summary: dict[str, Any], error: str = "", patience: float = 30.0) -> str | None:
        """The worker's end: its WARC files closed, its counters and files sent to the writer (which closes the run)."""
        self.warc.close()
        self.db.close()
        numbers = {k: v for k, v in stats.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        self.send("done", {"worker": self.worker, "stats": numbers, "warc_files": list(self.warc.files),
                           "finish_reason": stats.get("finish_reason", ""), "problem": summary.get("problem", "")})
        return None


def _new_capture_id() -> str:
    from archive.ids import new_id

    return new_id("cap-")


def wait_for_run(server: Any, key: str, timeout: float) -> str:
    """The run id the writer publishes once its run row exists (workers may start first)."""
    deadline = time.monotonic() + timeout
    while not (run := server.get(key)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no writer published a run at {key} within {timeout:.0f} s")
        time.sleep(0.2)  # another process's start-up, not a synchronisation of this one's own work
    return run.decode()


def run_worker(settings: Any, channel: str, timeout: float = 120.0) -> dict[str, Any] | None:
    """One worker: wait for the writer's run, crawl with the shared frontier, send the items; what it did."""
    from .run import crawler_process, start
    from .secrets import install_log_redaction

    agency = settings.getdict("XXGK_AGENCY")
    k = keys(agency["id"], channel)
    server = connect(settings.get("XXGK_FRONTIER"))
    run_id = wait_for_run(server, k["run"], timeout)
    process = crawler_process(settings)
    install_log_redaction()
    crawler = process.create_crawler(SPIDERS[channel])
    crawler.xxgk_session = WorkerSession(settings.get("XXGK_DB"), settings.get("XXGK_WARC_DIR"), agency, channel,
                                         run_id, settings.get("XXGK_SOFTWARE"), server, k["items"])
    process.crawl(crawler)
    start(process)
    result = getattr(crawler, "xxgk_result", None)
    if result is None:
        return None
    # The run's status is the writer's to say (a worker sees no category end); the worker's own share of it:
    s = result["summary"]
    return {"worker": crawler.xxgk_session.worker, "run_id": run_id, "requests": s["requests"],
            "skipped_unchanged": s["skipped_unchanged"], "finish_reason": s["finish_reason"], "problem": s["problem"]}
