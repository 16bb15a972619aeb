"""Evidence capture: every request/response pair goes to the run's WARC files and a `captures` row.

Sits at 950, above HttpCompressionMiddleware (590), so the body is the entity as the server sent
it (content coding kept). An unchanged payload of a URL already captured becomes a WARC revisit
record pointing at the original. Blocks (WAF pages, challenge bodies, the WeChat wall, throttled
empty list pages) are captured with outcome `blocked` and flagged in `request.meta` so the retry
middleware retries them and no spider ever parses them. Transport failures get a capture row too.

Secrets never reach a capture: request headers that carry credentials are replaced by a marker
naming the header and a hash prefix, secret query parameters are masked in stored URLs (the Referer
too), and every encoding of every credential value is replaced wherever it appears (crawler/secrets.py).

The fetch policy (crawler/policy.py) decides what is not content: a response over its size cap as
sent or once decoded (a gzip bomb) is captured `too_large` without its body; a body shorter than its
Content-Length or an HTML page cut before `</html>` is captured `truncated`. Either way the request
is flagged (`policy.OUTCOME`): too large fails at once with `TooLarge`; truncated is retried by the
retry middleware like a blocked page, then fails with `Truncated`, so no spider parses it.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.python import to_unicode

from archive.schema import dumps
from archive.session import ArchiveSession
from archive.times import iso, utcnow
from archive.warcstore import payload_digest_header
from crawler.extensions.runlog import archive_session
from crawler.middlewares.routing import CANONICAL
from crawler.parsing.blocks import detect_block
from crawler.policy import OUTCOME, TOO_LARGE, TooLarge, exception_outcome, response_problem
from crawler.secrets import redact_bytes, redact_headers, redact_text, redact_url, secret_values

BLOCKED = "xxgk_blocked"
CAPTURE_ID = "xxgk_capture_id"
STATUS_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
                  412: "Precondition Failed", 429: "Too Many Requests", 500: "Internal Server Error",
                  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 521: "Web Server Is Down"}


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((to_unicode(name), to_unicode(value, errors="replace")))
    return pairs


class CaptureMiddleware:
    def __init__(self, session: ArchiveSession, stats: Any, maxsize: int = 0):
        self.session = session
        self.stats = stats
        self.maxsize = maxsize
        self.secrets = secret_values()

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(archive_session(crawler), crawler.stats, crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        # The routing middleware (740) gives a re-issued response its real URL only after us (950).
        url = redact_text(redact_url(request.meta.get(CANONICAL, response.url)), self.secrets)
        if request.meta.get(OUTCOME) == TOO_LARGE:  # stopped mid-body by the fetch policy
            return self._over_cap(request, url, response, f"the body grew past the cap after {len(response.body)} bytes")
        problem = response_problem(response.status, response.headers, response.body, response.flags,
                                   request.meta.get("download_maxsize", self.maxsize))
        if problem and problem[0] == TOO_LARGE:
            return self._over_cap(request, url, response, problem[1])
        # A page that echoes our own credentials is archived with them replaced (the digests are of
        # what is stored, and the capture row says so).
        body, redacted = redact_bytes(response.body, self.secrets)
        sha = hashlib.sha256(body).hexdigest()
        resp_headers = header_pairs(response.headers)
        reason = detect_block(response.status, {k: v for k, v in resp_headers}, body, response.url)
        if reason:
            outcome = "blocked"
            self.stats.inc_value(f"xxgk/blocked/{reason}")
        elif problem:
            outcome = problem[0]  # truncated: recorded as evidence, never parsed
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
        resp_headers = redact_headers([(k, redact_text(v, self.secrets)) for k, v in resp_headers])
        fetched = utcnow()
        with self.session.guard():  # a full disk stops the crawl here (archive/session.py)
            written = self.session.warc.write_exchange(
                url=url, method=request.method, request_headers=req_headers,
                request_target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                status=response.status, reason=STATUS_REASONS.get(response.status, ""),
                response_headers=resp_headers, body=body, fetched_at=fetched,
                ip_address=str(response.ip_address) if response.ip_address else None,
                revisit_of={"digest": payload_digest_header(body), "uri": previous["url"],
                            "date": previous["fetched_at"]} if previous else None,
            )
        capture_id = self.session.add_capture({
            "url": url, "method": request.method, "status": response.status, "outcome": "revisit" if previous else outcome,
            "blocked_reason": reason or "", "content_type": to_unicode(response.headers.get(b"Content-Type") or b""),
            "request_headers": dumps(req_headers), "response_headers": dumps(resp_headers),
            "sha256": sha, "payload_length": len(body), "warc_file": written.warc_file, "warc_offset": written.offset,
            "warc_length": written.length, "warc_record_id": written.record_id,
            "revisit_of": previous["id"] if previous else None, "fetched_at": iso(fetched),
            "error": problem[1] if problem else "credentials found in the body were replaced by REDACTED" if redacted else None,
            "discovery": request.meta.get("xxgk_discovery", ""),
            "ip_address": str(response.ip_address) if response.ip_address else "",
        })
        self.stats.inc_value(f"xxgk/captures/{'revisit' if previous else outcome}")
        request.meta[CAPTURE_ID] = capture_id
        if reason:
            request.meta[BLOCKED] = reason
        else:
            request.meta.pop(BLOCKED, None)
        if problem and not reason:
            request.meta[OUTCOME] = problem[0]  # the retry middleware retries it, then fails it as Truncated
        else:
            request.meta.pop(OUTCOME, None)
        return response

    def _over_cap(self, request: Request, url: str, response: Response, detail: str) -> Response:
        """A response over the size cap: a capture row saying so (no body is archived), then `TooLarge`."""
        request.meta[CAPTURE_ID] = self.session.add_capture({
            "url": url, "method": request.method, "status": response.status, "outcome": TOO_LARGE, "error": detail,
            "content_type": to_unicode(response.headers.get(b"Content-Type") or b""),
            "request_headers": dumps(redact_headers([(k, redact_text(v, self.secrets))
                                                      for k, v in header_pairs(request.headers)])),
            "response_headers": dumps(redact_headers([(k, redact_text(v, self.secrets))
                                                       for k, v in header_pairs(response.headers)])),
            "payload_length": len(response.body), "fetched_at": iso(utcnow()),
            "discovery": request.meta.get("xxgk_discovery", ""),
        })
        self.stats.inc_value(f"xxgk/captures/{TOO_LARGE}")
        request.meta[OUTCOME] = TOO_LARGE
        raise TooLarge(url, detail)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # our own skips and refusals are not fetch attempts
        # A download the size cap cancelled is a policy decision, recorded, not a failure.
        outcome = exception_outcome(exception)
        if outcome != "error":
            request.meta[OUTCOME] = outcome
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
