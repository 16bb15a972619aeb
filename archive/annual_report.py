"""The annual report as the archive holds it: found by category/column and title, read from its WARC capture.

The report of year Y is a catalog document in the registry's report category whose title names
year Y's 年度报告; failing that, an article of the registry's report website column. Its text and
HTML are read back from the capture (the evidence), never from a re-fetch: the WARC payload is the
entity as the server sent it, so the content coding (gzip, deflate, br) is undone here, and the
charset comes from the headers or the page. Claims are extracted from the article body container
(div.article-content), whose HTML carries the tables 二/三/四; offsets index that body's text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .claims.readers import html_to_text
from .warcstore import read_record

# "2024年政府信息公开工作年度报告", "2024年度政府信息公开年报", "2024 年 … 年度报告"
_STRICT = re.compile(r"(\d{4})\s*年度?[^\d]{0,16}?(?:政府信息公开|政务公开)[^\d]{0,10}?(?:年度报告|年报|报告)")
_LOOSE = re.compile(r"(\d{4})\s*年度?[^\d]{0,24}?(?:年度报告|年报)")
# The article body container on gkmlpt document pages and NFCMS article pages.
_BODY_XPATHS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//div[@id='zoom']",
)


class AnnualReportError(Exception):
    """The report is not in the archive, or its capture cannot be read back."""


@dataclass
class AnnualReport:
    document_id: str
    title: str
    channel: str
    canonical_url: str
    published_date: str | None
    capture_id: str
    sha256: str  # of the capture's payload as archived (what `xxgk verify` re-hashes)
    text: str  # what claims are extracted from; claim offsets index this
    html: str | None  # the body container's HTML (tables), or the whole page when there is none
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return f"archived {self.channel} document {self.document_id} ({self.canonical_url})"


def title_names_year(title: str | None, year: int, strict: bool = True) -> bool:
    """True when the title names year Y's annual report (not another year's, not another report)."""
    text = unicodedata.normalize("NFKC", title or "")
    rx = _STRICT if strict else _LOOSE
    return any(int(m.group(1)) == year for m in rx.finditer(text))


def _annual_report_candidates(db: Database, agency: Any, year: int) -> list[dict[str, Any]]:
    """Catalog documents of the report category naming year Y, then website articles of the report column."""
    names = agency.catalog_names_for(agency.report_category)
    marks = ",".join("?" for _ in names)
    cat_ids = [str(r["native_id"]) for r in db.query(
        f"select native_id from categories where agency = ? and coalesce(channel, 'catalog') = 'catalog' "
        f"and name in ({marks})", [agency.id, *names])]
    rows = list(db.query(
        f"select * from documents where agency = ? and channel = 'catalog' and (category in ({marks}) "
        f"or category_id in ({','.join('?' for _ in cat_ids) or 'null'})) "
        "order by (status = 'live') desc, published_date desc", [agency.id, *names, *cat_ids]))
    found = [r for r in rows if title_names_year(r["title"], year, strict=False)]
    if found:
        return found
    if agency.report_column:
        rows = list(db.query(
            "select d.* from documents d join document_columns m on m.document_id = d.id "
            "where d.agency = ? and d.channel = 'website' and m.column_path = ? "
            "order by (d.status = 'live') desc, d.published_date desc", [agency.id, agency.report_column]))
        found = [r for r in rows if title_names_year(r["title"], year)]
    return found


def find_annual_report_document(db: Database, agency: Any, year: int) -> dict[str, Any] | None:
    """The archived document that is the agency's year-Y annual report, or None."""
    found = _annual_report_candidates(db, agency, year)
    return found[0] if found else None


def resolve_capture(db: Database, capture_id: str | None) -> dict[str, Any] | None:
    """The capture that holds the payload: a revisit points at its original; a 304 at the last full 200."""
    row = next(db.query("select * from captures where id = ?", [capture_id]), None) if capture_id else None
    seen: set[str] = set()
    while row is not None and row["id"] not in seen:
        seen.add(row["id"])
        if row["outcome"] == "revisit" and row["revisit_of"]:
            row = next(db.query("select * from captures where id = ?", [row["revisit_of"]]), None)
            continue
        if row["status"] == 200 and row["warc_file"] and row["outcome"] == "ok":
            return row
        # A 304 or an empty answer: the last full capture of the same URL is the evidence.
        row = next(db.query(
            "select * from captures where url = ? and status = 200 and outcome in ('ok', 'revisit') "
            "and warc_file is not null order by fetched_at desc limit 1", [row["url"]]), None)
    return None


def _headers(capture: dict[str, Any]) -> dict[str, str]:
    try:
        pairs = json.loads(capture.get("response_headers") or "[]")
    except ValueError:
        return {}
    return {str(k).lower(): str(v) for k, v in pairs}


def decode_content(body: bytes, encoding: str) -> bytes:
    """Undo a Content-Encoding (possibly a list, applied in order)."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = gzip.decompress(body)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:  # raw deflate without the zlib wrapper, as some servers send
                body = zlib.decompress(body, -zlib.MAX_WBITS)
        elif coding == "br":
            import brotli  # Scrapy's optional dependency; present when a server could have sent br

            body = brotli.decompress(body)
        elif coding != "identity":
            raise AnnualReportError(f"unsupported Content-Encoding {coding!r}")
    return body


def decode_text(body: bytes, content_type: str) -> str:
    m = re.search(r"charset=[\"']?([A-Za-z0-9_-]+)", content_type or "") or re.search(
        rb"charset=[\"']?([A-Za-z0-9_-]+)", body[:4096])
    hint = m.group(1) if m else None
    if isinstance(hint, bytes):
        hint = hint.decode("ascii", "replace")
    for enc in [e for e in (hint, "utf-8", "gb18030") if e]:
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace")


def body_html(page: str) -> tuple[str | None, str]:
    """(the body container's HTML or None, a note on what was taken)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return None, "page could not be parsed as HTML"
    for xp in _BODY_XPATHS:
        found = root.xpath(xp)
        if found:
            return lxml.html.tostring(found[0], encoding="unicode"), f"body container {xp}"
    return None, "no article body container (div.article-content): the whole page was read"


def read_capture_payload(db: Database, warc_dir: str | Path, capture_id: str | None) -> tuple[dict[str, Any], bytes]:
    """(capture row, decoded entity bytes) of a capture; the payload's sha256 is checked against the row."""
    capture = resolve_capture(db, capture_id)
    if capture is None:
        raise AnnualReportError(f"capture {capture_id} has no readable payload in the archive")
    try:
        _, raw = read_record(warc_dir, capture["warc_file"], capture["warc_offset"])
    except Exception as exc:  # warcio and gzip raise several types for a damaged or missing file
        raise AnnualReportError(
            f"cannot read capture {capture['id']} from {Path(warc_dir) / capture['warc_file']}: {exc}") from exc
    if capture.get("sha256") and hashlib.sha256(raw).hexdigest() != capture["sha256"]:
        raise AnnualReportError(f"capture {capture['id']}: WARC payload does not match its sha256 (run xxgk verify)")
    headers = _headers(capture)
    return capture, decode_content(raw, headers.get("content-encoding", ""))


def load_document(db: Database, document_id: str, warc_dir: str | Path) -> AnnualReport:
    """Read an archived document (by full id, or a native id if unambiguous) back from its capture."""
    doc = next(db.query("select * from documents where id = ?", [document_id]), None)
    if doc is None:
        rows = list(db.query("select * from documents where native_id = ?", [document_id]))
        if len(rows) > 1:
            # A website article and its catalog twin share the post id: prefer the catalog document.
            rows = [r for r in rows if r["channel"] == "catalog"] or rows
        if len(rows) != 1:
            raise AnnualReportError(f"no single archived document with id {document_id!r} ({len(rows)} found)")
        doc = rows[0]
    if doc.get("item_type") == "url":
        raise AnnualReportError(f"document {doc['id']} is a link entry (type: url) with no archived page")
    capture, body = read_capture_payload(db, warc_dir, doc["capture_id"])
    page = decode_text(body, _headers(capture).get("content-type", capture.get("content_type") or ""))
    notes = []
    if capture["id"] != doc["capture_id"]:
        notes.append(f"payload read from capture {capture['id']} (the document's capture {doc['capture_id']} "
                     "is a revisit or a 304)")
    container, note = body_html(page)
    notes.append(note)
    html = container if container is not None else page
    return AnnualReport(
        document_id=doc["id"], title=doc["title"] or "", channel=doc["channel"], canonical_url=doc["canonical_url"] or "",
        published_date=doc["published_date"], capture_id=capture["id"], sha256=capture["sha256"],
        text=html_to_text(html), html=html, notes=notes)


def read_annual_report(db: Database, agency: Any, year: int, warc_dir: str | Path) -> AnnualReport:
    """The year-Y annual report of the agency, read from the archive; AnnualReportError when absent."""
    doc = find_annual_report_document(db, agency, year)
    if doc is None:
        where = f"catalog category {agency.report_category}"
        if agency.report_column:
            where += f" or website column {agency.report_column}"
        raise AnnualReportError(f"no {year} annual report of {agency.id} in the archive ({where}); "
                                  "crawl the catalog first or give --report FILE")
    return load_document(db, doc["id"], warc_dir)
