"""The framework-free request/response types the site renderers work with.

Site modules (simulator/sites/*.py) are pure: `handle(req, state) -> SimResponse | None`. They
never touch aiohttp, so tests can call them directly; simulator/server.py adapts them to HTTP.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from .world import World


@dataclass
class SimRequest:
    method: str
    host: str  # the real host the client asked for, lower case, without port
    path: str  # path without query, percent-decoded
    query: dict[str, str]  # first value of each query parameter
    headers: dict[str, str]  # header names lower-cased
    channel: str = ""  # set by the router: gkmlpt, website, attachment, search, wechat, weread, feeds
    body: bytes = b""
    attempt: int = 1  # set by the server: how many times this URL has been asked for (1 = first)

    @property
    def url(self) -> str:
        """The URL as the client meant it (scheme omitted: the simulator serves plain HTTP)."""
        q = "&".join(f"{k}={v}" for k, v in sorted(self.query.items()))
        return f"{self.host}{self.path}" + (f"?{q}" if q else "")

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class SimResponse:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Static-file-like responses get an ETag and honour If-None-Match/If-Modified-Since.
    cacheable: bool = False
    last_modified: datetime | None = None
    # Set by a fault: abort the connection instead of answering.
    reset: bool = False
    # Set by a fault: announce the whole body's Content-Length, send only this many bytes, close.
    cut_at: int | None = None
    # Set by a fault: stream this many bytes of body, chunked, with no Content-Length.
    stream_bytes: int | None = None

    @classmethod
    def html(cls, text: str, status: int = 200, **kw: Any) -> SimResponse:
        return cls(status=status, body=text.encode("utf-8"), content_type="text/html; charset=utf-8", **kw)

    @classmethod
    def json(cls, data: Any, status: int = 200, **kw: Any) -> SimResponse:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, content_type="application/json; charset=utf-8", **kw)

    @classmethod
    def text(cls, text: str, content_type: str = "text/plain; charset=utf-8", status: int = 200, **kw: Any) -> SimResponse:
        return cls(status=status, body=text.encode("utf-8"), content_type=content_type, **kw)

    @classmethod
    def not_found(cls) -> SimResponse:
        return cls.html(NOT_FOUND_PAGE, status=404)


NOT_FOUND_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
                  "<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>")


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


# ---------------------------------------------------------------- faults


FAULT_KINDS = {
    # generic, applied by the server before or after the site renderer
    "http_error", "slow", "reset", "rate_limit", "waf", "truncated_json", "gbk", "require_ua",
    # hostile or broken transfers: a short body (`truncated`: complete response, half the body; `cut`: the
    # whole body's Content-Length, part of it sent, connection closed), a gzip bomb, an endless chunked
    # body, a redirect anywhere (`file:`, a private address), any text of a response rewritten
    "truncated", "cut", "gzip_bomb", "oversize", "redirect", "rewrite",
    # consulted by the site renderers
    "throttled_empty", "list_without_totals",
    "wechat_200013", "wechat_200003", "getmsg_ret", "verify_wall", "weread_error", "weread_app_shape",
}


@dataclass
class Fault:
    """One fault switch. `match` narrows it to requests (host, channel, path regex);
    `times` is how many attempts of each matching URL it affects (-1: every attempt);
    `every` keeps one matching URL in `every` (chosen by a hash of the URL, so deterministic);
    `after` is for counting faults (WeChat): how many calls pass before it fires."""

    kind: str
    match: dict[str, str] = field(default_factory=dict)
    times: int = -1
    every: int = 1
    after: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: dict[str, Any]) -> Fault:
        if not isinstance(spec, dict) or "kind" not in spec:
            raise ValueError(f"a fault needs a 'kind': {spec!r}")
        kind = spec["kind"]
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(FAULT_KINDS))}")
        known = {"kind", "match", "times", "every", "after"}
        params = {k: v for k, v in spec.items() if k not in known}
        match = dict(spec.get("match") or {})
        for key in match:
            if key not in ("host", "channel", "path"):
                raise ValueError(f"fault {kind}: unknown match key {key!r} (host, channel, path)")
        return cls(kind=kind, match=match, times=int(spec.get("times", -1)), every=max(1, int(spec.get("every", 1))),
                   after=int(spec.get("after", 0)), params=params)

    def matches(self, req: SimRequest) -> bool:
        m = self.match
        if "host" in m and m["host"] != req.host:
            return False
        if "channel" in m and m["channel"] != req.channel:
            return False
        if "path" in m and not re.search(m["path"], req.path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(req.query.items())) if req.query else "")):
            return False
        if self.every > 1 and zlib.crc32(req.url.encode()) % self.every != 0:
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "match": self.match, "times": self.times, "every": self.every,
                "after": self.after, **self.params}


class SimState:
    """The mutable side of a running simulator: clock, faults and counters."""

    def __init__(self, world: World, faults: list[dict[str, Any]] | None = None):
        self.world = world
        self.today: date = world.start_today
        self.faults: list[Fault] = [Fault.parse(f) for f in (faults or [])]
        self.attempts: dict[tuple[str, str], int] = {}  # (method, url) -> attempts so far
        self.calls: dict[str, int] = {}  # named counters, e.g. "mp_backend", "article"
        self.requests = 0

    def set_faults(self, specs: list[dict[str, Any]], replace: bool = True) -> None:
        parsed = [Fault.parse(f) for f in specs]  # parse all first: a bad spec changes nothing
        self.faults = parsed if replace else self.faults + parsed

    def attempt(self, req: SimRequest) -> int:
        """Count this attempt of the request's URL and return its number (1-based)."""
        key = (req.method, req.url)
        self.attempts[key] = self.attempts.get(key, 0) + 1
        return self.attempts[key]

    def count(self, name: str) -> int:
        """Increment and return a named call counter."""
        self.calls[name] = self.calls.get(name, 0) + 1
        return self.calls[name]

    def active(self, kind: str, req: SimRequest) -> Fault | None:
        """The first fault of `kind` that applies to this attempt of the request, if any.

        `times` is checked against `req.attempt`; counting faults (`after`) are checked by the
        caller against its own counter (see `count`).
        """
        for f in self.faults:
            if f.kind != kind or not f.matches(req):
                continue
            if f.times >= 0 and req.attempt > f.times:
                continue
            return f
        return None

    def all_active(self, kind: str, req: SimRequest) -> list[Fault]:
        """Every fault of `kind` that applies to this attempt (for faults that compose, like `rewrite`)."""
        return [f for f in self.faults if f.kind == kind and f.matches(req) and not (0 <= f.times < req.attempt)]

    def snapshot(self) -> dict[str, Any]:
        return {"scenario": self.world.name, "today": self.today.isoformat(),
                "faults": [f.to_dict() for f in self.faults], "calls": dict(self.calls), "requests": self.requests}
