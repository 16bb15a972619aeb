"""The fetch policy, in one place: which URLs a crawl may fetch, how big a response may be, and what a
failed or refused fetch is called.

- Schemes: `http` and `https` only (`file:`, `ftp:`, `data:` … are refused).
- Hosts: the agency's registered hosts (`Agency.hosts`: its catalog, search and website hosts, and
  the WeChat hosts when it has an account), the feed hosts it configures, the public hosts every
  agency's channels use (`PUBLIC_HOSTS`), and `XXGK_ALLOWED_HOSTS`. Anything else — another site, an
  internal name, a private, loopback or link-local address — is refused, and recorded as a refused
  link. Redirects are new requests and pass the same check.
- Sizes: a response may be at most `download_maxsize` bytes (`DOWNLOAD_MAXSIZE`, or the attachment cap)
  as sent *and* once decoded (gzip, deflate, brotli): a declared `Content-Length` over the cap, a body
  that grows past it (chunked), and a compressed body that inflates past it (a gzip bomb) are all
  `too_large`.
- Completeness: a body shorter than its `Content-Length`, an HTML page cut before `</html>`, or a
  file (PDF, DOCX/XLSX, DOC/XLS) without its own end is `truncated` (`truncation()`); such a response
  is recorded, retried, and never parsed or stored as content.

The middleware that applies it is `crawler/middlewares/policy.py`; the capture middleware asks
`response_problem()` for the outcome of what it records; spiders ask `failure_outcome()` what an
errback's failure was.
"""

from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError

from crawler.filecheck import file_problem
from crawler.parsing.common import html_truncation

SCHEMES = frozenset({"http", "https"})
# Public services an agency's channels use whatever its registry file says (reference gkmlpt.md §4.6,
# wechat.md §1–2): the province search JSONP, WeChat articles and the WeRead lister.
PUBLIC_HOSTS = frozenset({"search.gd.gov.cn", "mp.weixin.qq.com", "weread.qq.com"})
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# Blocks that stop the whole run at once, never retried (reference wechat.md §4.1: "stop the whole run on
# the verification wall, and never retry in a tight loop"): after the first one no request is sent.
HALTING_BLOCKS = frozenset({"verification_wall"})
HALT = "xxgk_halt"  # crawler attribute: why the crawl stopped sending requests

REFUSED = "refused"
TOO_LARGE = "too_large"
TRUNCATED = "truncated"


class RefusedURL(IgnoreRequest):
    """A URL the fetch policy does not allow (scheme, host or address)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"refused {url}: {reason}")
        self.url, self.reason = url, reason


class Halted(IgnoreRequest):
    """A request not sent because the run already met a halting block."""


class TooLarge(IgnoreRequest):
    """A response over the size cap (as sent, as streamed or once decoded)."""

    def __init__(self, url: str, detail: str):
        super().__init__(f"too large: {url}: {detail}")
        self.url, self.detail = url, detail


class Truncated(IgnoreRequest):
    """A response whose body is shorter than it should be: never parsed or stored as content."""

    def __init__(self, url: str, detail: str):
        super().__init__(f"truncated: {url}: {detail}")
        self.url, self.detail = url, detail


# ---------------------------------------------------------------- hosts


def allowed_hosts(agency: Mapping[str, Any], feeds: Iterable[str] = (), extra: Iterable[str] = ()) -> set[str]:
    """The hosts a crawl of this agency may fetch: its registered hosts, its feed hosts, the public hosts
    and any extra ones (`XXGK_ALLOWED_HOSTS`)."""
    from crawler.registry import RegistryError, agency_from_data

    hosts: set[str] = set(PUBLIC_HOSTS)
    try:
        hosts |= set(agency_from_data(dict(agency), "the crawl's agency").hosts)
    except RegistryError:
        hosts |= {h for h in (agency.get("host"),) if isinstance(h, str) and h}
    wechat = agency.get("wechat") if isinstance(agency.get("wechat"), dict) else {}
    for url in [*(wechat.get("feeds") or []), *feeds]:
        host = urlsplit(str(url)).hostname if "://" in str(url) else None
        if host:
            hosts.add(host)
    hosts |= {h.strip() for h in extra if h and h.strip()}
    return {h.lower().rstrip(".") for h in hosts}


def _internal_address(host: str) -> bool:
    if host in LOCAL_NAMES or host.endswith(".localhost") and host not in PUBLIC_HOSTS:
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


class FetchPolicy:
    """Which URLs a crawl may fetch: `hosts` exactly, and `domains` with their subdomains (a spider's Scrapy
    `allowed_domains`, e.g. a discovery spider's hosts of the URLs the user gave)."""

    def __init__(self, hosts: Iterable[str], domains: Iterable[str] = ()):
        self.hosts = {h.lower().rstrip(".") for h in hosts}
        self.domains = tuple(d.lower().strip(".") for d in domains if d)

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None when it may."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError as exc:
            return f"not a URL ({exc})"
        if parts.scheme.lower() not in SCHEMES:
            return f"scheme {parts.scheme or '(none)'!r} is not http(s)"
        if not host:
            return "no host"
        if host in self.hosts or any(host == d or host.endswith("." + d) for d in self.domains):
            return None
        if _internal_address(host):
            return f"host {host!r} is a local or internal address"
        return f"host {host!r} is not one of the agency's registered hosts"


# ---------------------------------------------------------------- sizes and completeness


def _header(headers: Any, name: bytes) -> bytes:
    value = headers.get(name) if headers is not None else None
    return value or b""


def decode_bounded(body: bytes, encodings: list[bytes], limit: int) -> tuple[bytes | None, bool]:
    """(the decoded body, or None when a coding is unknown or broken; whether it decodes to more than
    `limit` bytes). Never holds more than `limit` + 1 decoded bytes, so a gzip bomb stops at the cap."""
    data = body
    for coding in reversed(encodings):
        coding = coding.strip().lower()
        out: bytes | None = None
        if coding in (b"gzip", b"x-gzip", b"deflate"):
            # wbits 47: a gzip or zlib header, auto-detected; raw deflate (some servers send it) as fallback.
            for wbits in (47, -15):
                try:
                    out = zlib.decompressobj(wbits).decompress(data, limit + 1)
                    break
                except zlib.error:
                    continue
        elif coding == b"br":
            try:
                import brotli

                out = brotli.Decompressor().process(data, output_buffer_limit=limit + 1)
            except Exception:  # noqa: BLE001 - brotli not installed or the stream is broken: Scrapy reports it
                out = None
        elif coding == b"identity":
            out = data
        if out is None:
            return None, False
        if len(out) > limit:
            return None, True
        data = out
    return data, False


def truncation(status: int, headers: Any, body: bytes, decoded: bytes | None, flags: Iterable[str] = ()) -> str | None:
    """Why a response's body is incomplete, or None: fewer bytes than its Content-Length, a transfer the
    client flagged as cut, or an HTML page (`decoded`: its decoded body) that ends before `</html>`."""
    if status != 200:
        return None
    flags = set(flags)
    if flags & {"dataloss", "partial"}:
        return "the connection closed before the whole body arrived"
    if "download_stopped" in flags:
        return "the download was stopped before its end"
    declared = _header(headers, b"Content-Length")
    if declared.isdigit() and len(body) < int(declared):
        return f"{len(body)} of the {int(declared)} bytes its Content-Length announces"
    if decoded is None:
        return None
    kind = _header(headers, b"Content-Type").split(b";")[0].strip().lower()
    if kind in (b"text/html", b"application/xhtml+xml"):
        return html_truncation(decoded)
    return file_problem(decoded)  # a PDF, DOCX/XLSX or DOC/XLS that lacks its own end


# Decoding for the checks is bounded even when no cap is set.
UNCAPPED_DECODE_LIMIT = 1024 * 1024 * 1024


def response_problem(status: int, headers: Any, body: bytes, flags: Iterable[str], maxsize: int) -> tuple[str, str] | None:
    """(outcome, detail) for a response the policy does not accept as complete content, or None."""
    if maxsize and len(body) > maxsize:
        return TOO_LARGE, f"{len(body)} bytes, over the cap of {maxsize}"
    encodings = [c for c in _header(headers, b"Content-Encoding").split(b",") if c.strip()]
    decoded: bytes | None = body
    if encodings:
        decoded, over = decode_bounded(body, encodings, maxsize or UNCAPPED_DECODE_LIMIT)
        if over:
            return TOO_LARGE, f"{len(body)} bytes that decode to more than the cap of {maxsize}"
    reason = truncation(status, headers, body, decoded, flags)
    return (TRUNCATED, reason) if reason else None


# ---------------------------------------------------------------- failures


class BlockedResponse(IgnoreRequest):
    """A page that stayed blocked (WAF, challenge, wall) or throttled after every retry (raised by the retry
    middleware for the spider's errback)."""

    def __init__(self, reason: str, url: str, status: int):
        super().__init__(f"{reason} at {url} (HTTP {status})")
        self.reason, self.url, self.status = reason, url, status


def failure_outcome(failure: Any) -> str:
    """What an errback's failure means for the thing requested: refused, too_large, truncated, blocked or failed."""
    exc = failure.value
    request = getattr(failure, "request", None)
    meta = getattr(request, "meta", {}) or {}
    if isinstance(exc, RefusedURL):
        return REFUSED
    if isinstance(exc, TooLarge) or meta.get(OUTCOME) == TOO_LARGE:
        return TOO_LARGE
    if isinstance(exc, DownloadCancelledError) and "max size" in str(exc):
        return TOO_LARGE
    if isinstance(exc, IgnoreRequest) and "max size" in str(exc).lower():
        return TOO_LARGE  # HttpCompressionMiddleware's decompression limit (a coding we do not check)
    if isinstance(exc, Truncated) or meta.get(OUTCOME) == TRUNCATED:
        return TRUNCATED
    if isinstance(exc, ResponseDataLossError):
        return TRUNCATED  # fewer bytes than the Content-Length, after every retry
    if isinstance(exc, BlockedResponse):
        return "blocked"
    return "failed"


def exception_outcome(exception: BaseException) -> str:
    """The capture outcome of a download that raised instead of answering."""
    if isinstance(exception, DownloadCancelledError) and "max size" in str(exception):
        return TOO_LARGE  # a declared Content-Length over the cap: a policy decision, not a failure
    if isinstance(exception, ResponseDataLossError):
        return TRUNCATED
    return "error"


OUTCOME = "xxgk_policy_outcome"  # request.meta key: what the policy found (too_large, truncated)
