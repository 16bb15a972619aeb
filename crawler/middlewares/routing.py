"""Route real origins to the simulator, keeping the real URL canonical.

With `XXGK_SIMULATOR` set, a request for `http://www.kaiping.gov.cn/…` (or `https://mp.weixin.qq.com/…`)
is re-issued to the simulator with the real host in the `Host` header, in the real host's download
slot (so per-host politeness is unchanged), and its response is given back the real URL. Everything
else in the crawl — spiders, captures, the archive — only ever sees canonical URLs. A host that is
not routed is refused, so a test or demo can never reach the network.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

CANONICAL = "xxgk_canonical_url"


class SimulatorRoutingMiddleware:
    def __init__(self, base: str, hosts: set[str]):
        self.base = base.rstrip("/")
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206 - Scrapy's factory signature
        base = crawler.settings.get("XXGK_SIMULATOR")
        if not base:
            raise NotConfigured("no simulator configured")
        return cls(base, {h.lower() for h in crawler.settings.getlist("XXGK_ROUTED_HOSTS")})

    def process_request(self, request: Request) -> Request | None:
        if CANONICAL in request.meta:
            return None
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if host not in self.hosts:
            raise IgnoreRequest(f"refusing {request.url}: host {host!r} is not routed to the simulator")
        target = self.base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = request.headers.copy()
        headers["Host"] = parts.netloc
        meta = {**request.meta, CANONICAL: request.url, "download_slot": host}
        return request.replace(url=target, headers=headers, meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        canonical = request.meta.get(CANONICAL)
        if canonical and response.url != canonical:
            location = response.headers.get(b"Location")
            if location and location.startswith(self.base.encode()):
                # A redirect the simulator expressed relative to itself: map it back too.
                host = urlsplit(canonical)
                response.headers[b"Location"] = f"{host.scheme}://{host.netloc}".encode() + location[len(self.base):]
            return response.replace(url=canonical)
        return response
