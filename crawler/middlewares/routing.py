"""Route real origins to the simulator, keeping the real URL canonical.

With `XXGK_SIMULATOR` set, requests for the agency's real hosts go to the simulator:
- `http://` URLs through the simulator's forward-proxy mode (`meta["proxy"]`): the URL never
  changes, so nothing else in the crawl can tell;
- `https://` URLs (WeChat), which a proxy would tunnel, are re-issued to the simulator over plain
  HTTP with the real host in the `Host` header and in the real host's download slot, and their
  responses get the real URL back.
Everything else in the crawl — spiders, captures, the archive — only ever sees canonical URLs. A
host that is not routed is refused, so a test or demo can never reach the network.
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
        if parts.scheme == "http":
            request.meta["proxy"] = self.base
            return None
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
            return with_url(response, canonical)
        return response


def with_url(response: Response, url: str) -> Response:
    """The same response under another URL.

    Not `response.replace(url=...)`: for a text response that copies `encoding`, which forces
    charset detection (charset_normalizer over the whole body) before anyone needs the text.
    """
    return response.__class__(url=url, status=response.status, headers=response.headers, body=response.body,
                              flags=response.flags, request=response.request, certificate=response.certificate,
                              ip_address=response.ip_address, protocol=response.protocol)
