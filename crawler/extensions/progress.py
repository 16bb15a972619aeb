"""A live progress display: a rich status line on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals


class ProgressExtension:
    def __init__(self, crawler: Any, interval: float = 5.0):
        self.crawler, self.interval = crawler, interval
        self.live = None
        self.last = 0.0
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.tick, signal=signals.response_received)
        crawler.signals.connect(self.tick, signal=signals.item_scraped)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getbool("XXGK_PROGRESS"):
            raise NotConfigured
        return cls(crawler)

    def line(self) -> str:
        s = self.crawler.stats.get_value

        def n(key: str) -> int:
            return int(s(key, 0) or 0)

        blocked = sum(v for k, v in self.crawler.stats.get_stats().items() if k.startswith("xxgk/blocked/"))
        return (f"requests {n('downloader/request_count')}  responses {n('downloader/response_count')}  "
                f"new {n('xxgk/documents/new')}  changed {n('xxgk/documents/changed')}  "
                f"unchanged {n('xxgk/documents/unchanged')}  skipped {n('xxgk/incremental/skipped')}  "
                f"blocked {blocked}  retries {n('retry/count')}")

    def opened(self, spider: Any) -> None:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.live import Live

            self.live = Live("", console=Console(stderr=True), refresh_per_second=4, transient=True)
            self.live.start()

    def tick(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if self.live is not None:
            if now - self.last > 0.25:
                self.live.update(self.line())
                self.last = now
        elif now - self.last > self.interval:
            self.crawler.spider.logger.info("progress: " + self.line())
            self.last = now

    def closed(self, spider: Any) -> None:
        if self.live is not None:
            self.live.stop()
