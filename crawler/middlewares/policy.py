"""Apply the fetch policy (crawler/policy.py) to every request, redirects and robots.txt included.

First of the downloader middlewares (priority 50): a request whose URL the policy refuses — another
scheme, a host that is not the agency's, a local or internal address — never reaches robots.txt,
the routing or the network; it gets a `captures` row with outcome `refused` (the link is evidence
too) and fails with `RefusedURL`, which the spider records on the document or attachment that
linked to it. A redirect is a new request and passes here again.

It also watches bodies as they arrive (the `bytes_received` signal): a body without a
Content-Length that grows past the request's `download_maxsize` is stopped there and marked
`too_large`, so the capture middleware records it as such and the spider sees `TooLarge`.

Once the run met a halting block (the WeChat verification wall: the retry middleware sets
`policy.HALT`), no further request is sent at all.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.exceptions import StopDownload

from archive.schema import dumps
from archive.session import ArchiveSession
from archive.times import iso, utcnow
from crawler.extensions.runlog import archive_session
from crawler.middlewares.capture import CAPTURE_ID
from crawler.middlewares.routing import CANONICAL
from crawler.policy import HALT, OUTCOME, TOO_LARGE, FetchPolicy, Halted, RefusedURL, allowed_hosts
from crawler.secrets import redact_text, redact_url, secret_values

logger = logging.getLogger(__name__)


class FetchPolicyMiddleware:
    def __init__(self, policy: FetchPolicy, session: ArchiveSession | None, stats: Any, maxsize: int,
                 crawler: Any = None):
        self.policy, self.session, self.stats, self.maxsize = policy, session, stats, maxsize
        self.crawler = crawler
        self.secrets = secret_values()
        self.received: dict[int, int] = {}

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        s = crawler.settings
        agency = s.getdict("XXGK_AGENCY") or getattr(crawler.spider, "agency", None) or {}
        hosts = allowed_hosts(agency, s.getlist("XXGK_WECHAT_FEEDS"), s.getlist("XXGK_ALLOWED_HOSTS"))
        policy = FetchPolicy(hosts, getattr(crawler.spider, "allowed_domains", None) or ())
        try:
            session = archive_session(crawler)
        except RuntimeError:
            session = None  # a crawl that archives nothing (discovery): refusals are logged, not recorded
        mw = cls(policy, session, crawler.stats, s.getint("DOWNLOAD_MAXSIZE"), crawler)
        crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def process_request(self, request: Request) -> None:
        halt = getattr(self.crawler, HALT, None)
        if halt:
            self.stats.inc_value("xxgk/halted")
            raise Halted(f"not sent: the run stopped at a {halt}")
        # A request the routing middleware re-issued to the simulator was checked under its real URL.
        url = request.meta.get(CANONICAL, request.url)
        reason = self.policy.refusal(url)
        if reason is not None:
            self.refuse(request, url, reason)

    def refuse(self, request: Request, url: str, reason: str) -> None:
        """Record the refused link (a capture row with outcome `refused`, never sent) and fail the request."""
        url = redact_text(redact_url(url), self.secrets)
        if self.session is not None:
            request.meta[CAPTURE_ID] = self.session.add_capture({
                "url": url, "method": request.method, "status": None, "outcome": "refused", "error": reason,
                "request_headers": dumps([]), "fetched_at": iso(utcnow()),
                "discovery": request.meta.get("xxgk_discovery", ""),
            })
        logger.info("refused %s: %s", url, reason)
        self.stats.inc_value("xxgk/refused")
        request.meta[OUTCOME] = "refused"
        raise RefusedURL(url, reason)

    def bytes_received(self, data: bytes, request: Request, spider: Any) -> None:
        """Stop a body that grows past its cap (Scrapy's own check only covers a declared Content-Length
        and then cancels without saying why)."""
        limit = request.meta.get("download_maxsize", self.maxsize)
        if not limit:
            return
        key = id(request)
        total = self.received.get(key, 0) + len(data)
        if total > limit:
            self.received.pop(key, None)
            request.meta[OUTCOME] = TOO_LARGE
            raise StopDownload(fail=False)
        self.received[key] = total

    def process_response(self, request: Request, response: Any) -> Any:
        self.received.pop(id(request), None)
        # A redirect to a URL the policy refuses (Scrapy's redirect middleware hands back a `file:` redirect
        # as a response; an http(s) one comes back here as a new request and is checked above).
        location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
        if location:
            target = urljoin(request.meta.get(CANONICAL, request.url), location.decode("latin-1"))
            reason = self.policy.refusal(target)
            if reason is not None:
                self.refuse(request, target, f"redirected there: {reason}")
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self.received.pop(id(request), None)
        return None
