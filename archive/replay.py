"""A capture as it was: its payload read back from the WARC record, made safe to show (`xxgk serve` replay).

    cap = find_capture(conn, capture_id)          # the row, and the capture holding the payload (revisits, 304s)
    payload = read_payload(warc_dir, cap.held)    # decoded (chunked, gzip, br) HTTP entity + headers
    body, ctype = safe_body(payload, url_for)     # HTML/CSS with every subresource rewritten into the archive

Safety does not rest on the rewriting: the replayed response carries a Content-Security-Policy that sandboxes
it (no script runs, no form, no plugin, no popup) and lets it load only from the archive itself, and the replay
page frames it in an `<iframe sandbox>` without `allow-scripts`. The rewriting is what makes the page look
right: images and styles the archive captured are served from it, links lead to their archived copies, and
scripts, event handlers, frames, plugins, refreshes and `<base>` are removed. Nothing here writes anything.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

MAX_PAYLOAD = 64 * 1024 * 1024  # a replayed payload is read into memory: the crawl's own size cap is below this
# What a replayed response may do: nothing but show itself with the archive's own images, styles and fonts.
CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
       "media-src 'self'; frame-src 'none'; child-src 'none'; worker-src 'none'; object-src 'none'; "
       "script-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'")
# (No Cross-Origin-Resource-Policy: the sandboxed frame has an opaque origin, so same-origin would block its images.)
SAFE_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
                "cache-control": "private, max-age=3600"}
INLINE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/css", "application/json",
                "application/javascript", "text/javascript", "application/x-javascript", "text/xml", "application/xml",
                "application/atom+xml", "application/rss+xml")
# Shown as plain text (never executed, never rendered as markup): scripts, JSON(P), XML feeds.
AS_TEXT = ("application/json", "application/javascript", "text/javascript", "application/x-javascript", "text/xml",
           "application/xml", "application/atom+xml", "application/rss+xml", "text/plain")
REMOVED_TAGS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "template")
LINK_RELS = ("stylesheet", "icon", "shortcut icon")


class ReplayError(Exception):
    """Why a capture cannot be replayed (no WARC record, the file is gone, the record is not where it says)."""


@dataclass
class Capture:
    row: dict[str, Any]                 # the capture asked for
    held: dict[str, Any] | None         # the capture holding its payload (itself, or what a revisit / 304 repeats)
    others: list[dict[str, Any]] = field(default_factory=list)  # every capture of the same URL


@dataclass
class Payload:
    status: int | None
    content_type: str
    headers: list[tuple[str, str]]
    body: bytes


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


CAPTURE_COLUMNS = ("id, run_id, url, method, status, outcome, content_type, sha256, payload_length, warc_file, "
                   "warc_offset, warc_length, warc_record_id, revisit_of, fetched_at")


def _capture(conn: sqlite3.Connection, capture_id: str) -> dict[str, Any] | None:
    rows = _rows(conn, f"select {CAPTURE_COLUMNS} from captures where id = ?", [capture_id])
    return rows[0] if rows else None


def holding(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any] | None:
    """The capture whose WARC record holds `row`'s payload: a revisit's original, a 304's last full capture."""
    seen: set[str] = set()
    current: dict[str, Any] | None = row
    while current is not None and current["id"] not in seen:
        seen.add(current["id"])
        if current["outcome"] == "revisit" and current["revisit_of"]:
            current = _capture(conn, current["revisit_of"])
            continue
        if current["outcome"] == "ok" and current["warc_file"]:
            return current
        later = _rows(conn, f"select {CAPTURE_COLUMNS} from captures where url = ? and outcome in ('ok', 'revisit') "
                            "and warc_file is not null and fetched_at <= ? order by fetched_at desc limit 1",
                      [current["url"], current["fetched_at"] or "9999"])
        current = later[0] if later else None
    return None


def find_capture(conn: sqlite3.Connection, capture_id: str) -> Capture | None:
    row = _capture(conn, capture_id)
    if row is None:
        return None
    others = _rows(conn, "select id, fetched_at, status, outcome, sha256 from captures where url = ? "
                         "order by fetched_at, id", [row["url"]])
    return Capture(row, holding(conn, row), others)


def capture_for_url(conn: sqlite3.Connection, url: str, near: str | None = None) -> str | None:
    """The id of the capture of `url` closest in time to capture `near` (else the latest), that has a payload."""
    when = None
    if near:
        at = _capture(conn, near)
        when = at["fetched_at"] if at else None
    candidates = _rows(conn, "select id, fetched_at from captures where url = ? and outcome in ('ok', 'revisit', "
                             "'not_modified') and method = 'GET'", [url])
    if not candidates and url.endswith("/"):
        candidates = _rows(conn, "select id, fetched_at from captures where url = ? and outcome in ('ok', 'revisit') "
                                 "and method = 'GET'", [url.rstrip("/")])
    if not candidates:
        return None
    if when is None:
        return max(candidates, key=lambda c: c["fetched_at"] or "")["id"]
    from archive.times import parse_iso

    target = parse_iso(when)

    def distance(c: dict[str, Any]) -> float:
        t = parse_iso(c["fetched_at"])
        return abs((t - target).total_seconds()) if t and target else float("inf")

    return min(candidates, key=distance)["id"]


def warc_path(warc_dir: str | Path, warc_file: str) -> Path | None:
    """The WARC file inside the WARC folder, or None when the name would leave it or it is missing."""
    if not warc_file or Path(warc_file).name != warc_file or warc_file.startswith("."):
        return None
    folder = Path(warc_dir).resolve()
    path = (folder / warc_file).resolve()
    return path if path.parent == folder and path.is_file() else None


def read_member(warc_dir: str | Path, row: dict[str, Any]) -> bytes:
    """The record's gzip member, as the capture row locates it."""
    path = warc_path(warc_dir, row.get("warc_file") or "")
    if path is None:
        raise ReplayError(f"WARC file {row.get('warc_file') or '(none)'} not found")
    offset, length = row.get("warc_offset"), row.get("warc_length")
    if offset is None or not length:
        raise ReplayError("the capture has no WARC offset")
    with open(path, "rb") as fh:
        fh.seek(int(offset))
        data = fh.read(int(length))
    if data[:2] != b"\x1f\x8b":
        raise ReplayError("the WARC record is not where the capture says")
    return data


def read_payload(warc_dir: str | Path, row: dict[str, Any]) -> Payload:
    """The HTTP response of a capture's WARC record: status, headers and the entity decoded (chunking and
    content coding undone, as a browser would see it)."""
    from warcio.archiveiterator import ArchiveIterator

    member = read_member(warc_dir, row)
    for record in ArchiveIterator(io.BytesIO(member)):
        if record.rec_type not in ("response", "resource"):
            continue
        headers = record.http_headers
        body = record.content_stream().read(MAX_PAYLOAD + 1)
        if len(body) > MAX_PAYLOAD:
            raise ReplayError(f"the payload is larger than {MAX_PAYLOAD // (1024 * 1024)} MB")
        pairs = list(headers.headers) if headers is not None else []
        status = int(headers.get_statuscode()) if headers is not None and headers.get_statuscode() else None
        ctype = (headers.get_header("Content-Type") if headers is not None else None) or row.get("content_type") or ""
        return Payload(status, ctype, pairs, body)
    raise ReplayError("the WARC record holds no response")


def mime_of(content_type: str) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def shown_inline(content_type: str) -> bool:
    mime = mime_of(content_type)
    return mime in INLINE_TYPES or mime.startswith("image/") or not mime


# ---------------------------------------------------------------- rewriting

UrlFor = Callable[[str, str], str]  # (absolute URL, "page" | "resource") → our replay URL


def _rewrite_url(url_for: UrlFor, base: str, link: str, kind: str) -> str:
    link = (link or "").strip()
    if not link or link.startswith("#"):
        return link
    if link.lower().startswith("data:"):
        return link if kind == "resource" else "#"
    absolute = urljoin(base, link)
    if urlsplit(absolute).scheme.lower() not in ("http", "https"):
        return "#"  # javascript:, file:, mailto: … never a live link
    return url_for(absolute.split("#")[0], kind)


def rewrite_css(text: str, base: str, url_for: UrlFor) -> str:
    """Every url(…) and @import of a stylesheet into the archive."""
    def sub(m: re.Match[str]) -> str:
        return f'url("{_rewrite_url(url_for, base, m.group(2), "resource")}")'

    text = re.sub(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", sub, text, flags=re.I)
    return re.sub(r"""@import\s+(['"])(.*?)\1""",
                  lambda m: f'@import url("{_rewrite_url(url_for, base, m.group(2), "resource")}")', text, flags=re.I)


def rewrite_html(body: bytes, content_type: str, base: str, url_for: UrlFor) -> bytes:
    """The page with its scripts, handlers, frames, plugins, refreshes and <base> removed and every link and
    subresource pointing into the archive; UTF-8."""
    import lxml.html
    from w3lib.encoding import html_to_unicode

    _, text = html_to_unicode(content_type, body)
    if not text.strip():
        return b""
    doc = lxml.html.document_fromstring(text)
    for el in list(doc.iter(*REMOVED_TAGS)):
        el.drop_tree()
    for el in list(doc.iter("noscript")):
        el.drop_tag()  # scripts never run here: what a page says without them is what it shows
    for el in list(doc.iter("meta")):
        if (el.get("http-equiv") or "").lower() in ("refresh", "content-type", "set-cookie",
                                                     "content-security-policy") or el.get("charset") is not None:
            el.drop_tree()
    for el in list(doc.iter("link")):
        if (el.get("rel") or "").lower().strip() not in LINK_RELS:
            el.drop_tree()  # preload, prefetch, dns-prefetch, preconnect, manifest, import …
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            low = name.lower()
            if low.startswith("on") or low in ("srcset", "imagesrcset", "ping", "formaction", "action", "integrity"):
                del el.attrib[name]
    for el in doc.iter("a", "area", "form"):
        el.attrib.pop("target", None)

    done: set[tuple[int, str | None]] = set()
    for el, attr, link, _pos in list(doc.iterlinks()):
        if (id(el), attr) in done:  # a style with several url(…) is rewritten once, whole
            continue
        done.add((id(el), attr))
        kind = "page" if el.tag in ("a", "area") else "resource"
        if attr is None:  # a <style> element: rewrite its text
            el.text = rewrite_css(el.text or "", base, url_for)
            continue
        if attr == "style":
            el.set("style", rewrite_css(el.get("style") or "", base, url_for))
            continue
        el.set(attr, _rewrite_url(url_for, base, link, kind))
    head = doc.find("head")
    if head is None:
        head = lxml.html.Element("head")
        doc.insert(0, head)
    meta = lxml.html.Element("meta", charset="utf-8")
    head.insert(0, meta)
    html = lxml.html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return html.encode("utf-8")


def safe_body(payload: Payload, base: str, url_for: UrlFor) -> tuple[bytes, str]:
    """(body, content type) to send for a replayed payload."""
    mime = mime_of(payload.content_type)
    if mime in ("text/html", "application/xhtml+xml") or (not mime and payload.body.lstrip()[:1] == b"<"):
        return rewrite_html(payload.body, payload.content_type, base, url_for), "text/html; charset=utf-8"
    if mime == "text/css":
        from w3lib.encoding import html_to_unicode

        _, text = html_to_unicode(payload.content_type, payload.body)
        return rewrite_css(text, base, url_for).encode("utf-8"), "text/css; charset=utf-8"
    if mime in AS_TEXT:
        from w3lib.encoding import html_to_unicode

        _, text = html_to_unicode(payload.content_type, payload.body)
        return text.encode("utf-8"), "text/plain; charset=utf-8"
    if mime.startswith("image/") and mime != "image/svg+xml":
        return payload.body, mime
    return payload.body, "application/octet-stream"
