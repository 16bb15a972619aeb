"""Retries with exponential backoff, Retry-After, and retries of blocked or throttled pages.

Replaces Scrapy's RetryMiddleware (same settings) because the stock one retries at once: real gov
hosts throttle, and a page retried immediately after a 429, a WAF page or an empty "throttled"
list page fails again (reference gkmlpt.md §8: back off 2 s·3^k). The wait happens in
`process_request` without holding a download slot. After the last retry a blocked response
becomes a `BlockedResponse` error for the spider's errback (a halting block — the WeChat
verification wall — at once, and no request is sent after it), and a truncated one (the capture
middleware flags it) a `Truncated` error: neither body is ever parsed.

No network: when the run's first XXGK_UNREACHABLE_AFTER attempts all fail at the network level (DNS lookup,
connection refused, no route, timed out) before any response arrived, the crawl ends at once with the problem
"network unreachable: …" (a `failed` run, crawler/extensions/runlog.py) instead of minutes of backoff.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import error as net

from crawler.policy import HALT, HALTING_BLOCKS, OUTCOME, TRUNCATED, BlockedResponse, Truncated

from .capture import BLOCKED

DELAY = "xxgk_delay"
UNREACHABLE = "xxgk_unreachable"  # crawler attribute: the "network unreachable" problem of the run
NETWORK_ERRORS = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError,  # Scrapy ≥ 2.14
                  net.DNSLookupError, net.ConnectionRefusedError, net.NoRouteError, net.TCPTimedOutError,
                  net.ConnectError, net.TimeoutError)


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any):
        super().__init__(settings)
        self.base = settings.getfloat("XXGK_BACKOFF_BASE")
        self.cap = settings.getfloat("XXGK_BACKOFF_MAX")
        self.retry_after_cap = settings.getfloat("XXGK_RETRY_AFTER_MAX")
        self.block_retries = settings.getint("XXGK_BLOCK_RETRIES")
        self.empty_retries = settings.getint("XXGK_EMPTY_PAGE_RETRIES")
        self.unreachable_after = settings.getint("XXGK_UNREACHABLE_AFTER")
        self.responded = False  # any response at all: the network works, failures are the site's
        self.network_failures = 0

    async def process_request(self, request: Request) -> None:
        delay = request.meta.get(DELAY)
        if delay:
            await asyncio.sleep(float(delay))

    def _backoff(self, request: Request) -> float:
        return min(self.cap, self.base * 3 ** request.meta.get("retry_times", 0))

    def _retry_with_delay(self, request: Request, reason: str, delay: float, max_times: int | None = None) -> Request | None:
        retry = get_retry_request(request, spider=self.crawler.spider, reason=reason,
                                  max_retry_times=max_times if max_times is not None else self.max_retry_times,
                                  priority_adjust=self.priority_adjust, stats_base_key="retry")
        if retry is not None:
            retry.meta[DELAY] = delay
            retry.meta.pop(BLOCKED, None)
            retry.meta.pop(OUTCOME, None)
        return retry

    def process_response(self, request: Request, response: Response) -> Request | Response:
        self.responded = True
        if request.meta.get("dont_retry"):
            return response
        blocked = request.meta.get(BLOCKED)
        if blocked in HALTING_BLOCKS:
            # Retrying a wall is what makes it worse: stop sending anything, and let the spider end the run.
            setattr(self.crawler, HALT, blocked)
            raise BlockedResponse(blocked, response.url, response.status)
        if blocked:
            limit = self.empty_retries if blocked == "throttled_empty" else self.block_retries
            retry = self._retry_with_delay(request, f"blocked:{blocked}", self._backoff(request), limit)
            if retry is not None:
                return retry
            raise BlockedResponse(blocked, response.url, response.status)
        if request.meta.get(OUTCOME) == TRUNCATED:
            # A cut body (a flaky link, an overloaded host) is worth another try; never parsed as it is.
            retry = self._retry_with_delay(request, "truncated", self._backoff(request), self.block_retries)
            if retry is not None:
                return retry
            raise Truncated(response.url, "the body stayed truncated after every retry")
        if response.status in self.retry_http_codes:
            delay = self._backoff(request)
            after = response.headers.get(b"Retry-After")
            if after:
                try:
                    delay = min(self.retry_after_cap, max(delay, float(after)))
                except ValueError:
                    pass  # an HTTP-date Retry-After: keep the exponential backoff
            retry = self._retry_with_delay(request, f"HTTP {response.status}", delay)
            return retry or response
        return response

    def process_exception(self, request: Request, exception: BaseException) -> Request | None:
        if self._network_down(request, exception):
            raise IgnoreRequest(f"network unreachable: {request.url}")
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry"):
            return self._retry_with_delay(request, type(exception).__name__, self._backoff(request))
        return None

    def _network_down(self, request: Request, exception: BaseException) -> bool:
        """True once the run's first attempts all failed at the network level: the crawl is then closed."""
        if getattr(self.crawler, UNREACHABLE, None):
            return True
        if self.responded or not self.unreachable_after or not isinstance(exception, NETWORK_ERRORS):
            return False
        self.network_failures += 1
        if self.network_failures < self.unreachable_after:
            return False
        what = str(exception).strip().splitlines()[0] if str(exception).strip() else type(exception).__name__
        problem = (f"network unreachable: the first {self.network_failures} attempts failed before any response "
                   f"({type(exception).__name__} at {request.url}: {what}); check the connection, DNS or proxy")
        setattr(self.crawler, UNREACHABLE, problem)
        self.crawler.spider.logger.error(problem)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="network_unreachable"))
        return True
