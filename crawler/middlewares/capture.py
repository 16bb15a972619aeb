"""Evidence capture: every request/response pair goes to the run's WARC files and a `captures` row.

Sits at 950, above HttpCompressionMiddleware (590), so the body is the entity as the server sent
it (content coding kept). An unchanged payload of a URL already captured becomes a WARC revisit
record pointing at the original. Blocks (WAF pages, challenge bodies, the WeChat wall, throttled
empty list pages) are captured with outcome `blocked` and flagged in `request.meta` so the retry
middleware retries them and no spider ever parses them. Transport failures get a capture row too.

Secrets never reach a capture: request headers that carry credentials are replaced by a marker
naming the header and a hash prefix, and secret query parameters are masked in stored URLs.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.python import to_unicode

from archive.schema import dumps
from archive.session import ArchiveSession
from archive.times import iso, utcnow
from archive.warcstore import payload_digest_header
from crawler.extensions.runlog import archive_session
from crawler.middlewares.routing import CANONICAL
from crawler.parsing.blocks import detect_block
from crawler.secrets import redact_bytes, redact_text, secret_values

BLOCKED = "xxgk_blocked"
CAPTURE_ID = "xxgk_capture_id"
SECRET_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-wechat-key"}
SECRET_PARAMS = {"token", "key", "pass_ticket", "appmsg_token", "uin", "wxtoken", "access_token", "wap_sid2"}
STATUS_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
                  412: "Precondition Failed", 429: "Too Many Requests", 500: "Internal Server Error",
                  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 521: "Web Server Is Down"}


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:,")))


def redact_headers(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, value in pairs:
        if name.lower() in SECRET_HEADERS:
            names = sorted({c.split("=", 1)[0].strip() for c in value.split(";") if "=" in c})
            digest = hashlib.sha256(value.encode()).hexdigest()[:12]
            value = f"REDACTED(names={','.join(names)};sha256={digest})"
        elif name.lower() == "set-cookie":
            value = re.sub(r"=([^;]*)", "=REDACTED", value, count=1)
        out.append((name, value))
    return out


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((to_unicode(name), to_unicode(value, errors="replace")))
    return pairs


class CaptureMiddleware:
    def __init__(self, session: ArchiveSession, stats: Any):
        self.session = session
        self.stats = stats
        self.secrets = secret_values()

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(archive_session(crawler), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        # The routing middleware (740) gives a re-issued response its real URL only after us (950).
        url = redact_text(redact_url(request.meta.get(CANONICAL, response.url)), self.secrets)
        # A page that echoes our own credentials is archived with them replaced (the digests are of
        # what is stored, and the capture row says so).
        body, redacted = redact_bytes(response.body, self.secrets)
        sha = hashlib.sha256(body).hexdigest()
        resp_headers = header_pairs(response.headers)
        reason = detect_block(response.status, {k: v for k, v in resp_headers}, body, response.url)
        if reason:
            outcome = "blocked"
            self.stats.inc_value(f"xxgk/blocked/{reason}")
        elif response.status == 304:
            outcome = "not_modified"
        elif response.status >= 500 or response.status == 429:
            outcome = "http_error"
        else:
            outcome = "ok"
        previous = self.session.previous_capture(url, sha) if outcome == "ok" and response.status == 200 and body else None
        parts = urlsplit(url)
        sent = [(k, redact_text(v, self.secrets)) for k, v in header_pairs(request.headers) if k.lower() != "host"]
        req_headers = redact_headers([("Host", parts.netloc), *sent])
        resp_headers = [(k, redact_text(v, self.secrets)) for k, v in resp_headers]
        fetched = utcnow()
        written = self.session.warc.write_exchange(
            url=url, method=request.method, request_headers=req_headers,
            request_target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            status=response.status, reason=STATUS_REASONS.get(response.status, ""),
            response_headers=redact_headers(resp_headers), body=body, fetched_at=fetched,
            ip_address=str(response.ip_address) if response.ip_address else None,
            revisit_of={"digest": payload_digest_header(body), "uri": previous["url"],
                        "date": previous["fetched_at"]} if previous else None,
        )
        capture_id = self.session.add_capture({
            "url": url, "method": request.method, "status": response.status, "outcome": "revisit" if previous else outcome,
            "blocked_reason": reason or "", "content_type": to_unicode(response.headers.get(b"Content-Type") or b""),
            "request_headers": dumps(req_headers), "response_headers": dumps(redact_headers(resp_headers)),
            "sha256": sha, "payload_length": len(body), "warc_file": written.warc_file, "warc_offset": written.offset,
            "warc_length": written.length, "warc_record_id": written.record_id,
            "revisit_of": previous["id"] if previous else None, "fetched_at": iso(fetched),
            "error": "credentials found in the body were replaced by REDACTED" if redacted else None,
            "discovery": request.meta.get("xxgk_discovery", ""),
            "ip_address": str(response.ip_address) if response.ip_address else "",
        })
        self.stats.inc_value(f"xxgk/captures/{'revisit' if previous else outcome}")
        request.meta[CAPTURE_ID] = capture_id
        if reason:
            request.meta[BLOCKED] = reason
        else:
            request.meta.pop(BLOCKED, None)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # our own skips and refusals are not fetch attempts
        # A download the size cap cancelled is a policy decision, recorded, not a failure.
        outcome = "too_large" if isinstance(exception, DownloadCancelledError) and "max size" in str(exception) else "error"
        self.session.add_capture({
            "url": redact_text(redact_url(request.meta.get(CANONICAL, request.url)), self.secrets),
            "method": request.method,
            "status": None, "outcome": outcome,
            "error": redact_text(f"{type(exception).__name__}: {exception}", self.secrets)[:500],
            "request_headers": redact_text(dumps(redact_headers(header_pairs(request.headers))), self.secrets),
            "fetched_at": iso(utcnow()),
            "discovery": request.meta.get("xxgk_discovery", ""),
        })
        self.stats.inc_value(f"xxgk/captures/{outcome}")
        return None
