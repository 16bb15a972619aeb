"""The reconciliation as CSV, for spreadsheets: one row per claim (`csv`), and one row per counted document
per claim (`csv-documents`: the evidence, with each document's capture and WARC location).

Both start with a UTF-8 byte-order mark, so Excel on a Chinese Windows reads the Chinese text as UTF-8, not
as GBK mojibake. Column names and codes stay English (stable for scripts); the `label` column is in the
report's language. Text cells a spreadsheet would read as a formula (=, +, -, @ first) are prefixed with an
apostrophe: report text and crawled titles are not trusted. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from . import Links, interpretation_text, label, statements

BOM = "\ufeff"
COLUMNS = ["reconciliation_id", "agency", "year", "claim_index", "kind", "channel", "category", "claimed", "bound",
           "unit", "observed", "observed_live", "delta", "status", "interpretation", "documents", "caveats", "method",
           "quote", "quote_start", "quote_end", "part_of", "statements", "readings", "label"]
DOCUMENT_COLUMNS = ["reconciliation_id", "agency", "year", "claim_index", "claim_status", "document_id", "channel",
                    "category", "title", "published_date", "status", "item_type", "canonical_url", "capture_id",
                    "capture_sha256", "fetched_at", "warc_file", "warc_offset", "warc_length", "replay_url", "warc_url"]


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _n(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def _writer() -> tuple[io.StringIO, Any]:
    buf = io.StringIO()
    buf.write(BOM)
    return buf, csv.writer(buf, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them


def render_csv(rec: dict[str, Any], lang: str = "zh") -> str:
    buf, w = _writer()
    w.writerow(COLUMNS)
    for r in rec["rows"]:
        interp = r.get("interpretation") or {}
        w.writerow([
            rec["id"], rec["agency"], rec["year"], r["claim_index"], r.get("kind"), r.get("channel") or "",
            _text(r.get("category") or ("total" if r.get("kind") == "published" else "")),
            _n(r.get("claimed")), r.get("bound"), _text(r.get("unit")), _n(r.get("observed")),
            _n(r.get("observed_live")), _n(r.get("delta")), r["status"], _text(interp.get("used", "")),
            len(r.get("document_ids") or []), _text(" | ".join(r.get("caveats") or [])), _text(r.get("method")),
            _text(r.get("quote")), _n(r.get("quote_start")), _n(r.get("quote_end")), _n(r.get("part_of")),
            " ".join(str(q.get("claim_index")) for q in statements(r)), _text(interpretation_text(r)),
            _text(label(r, lang)),
        ])
    return buf.getvalue()


def render_documents_csv(rec: dict[str, Any], docs: dict[str, dict[str, Any]], links: Links | None = None) -> str:
    """One row per document counted by each claim (a document counted by a total and by its part is in both)."""
    links = links or Links()
    buf, w = _writer()
    w.writerow(DOCUMENT_COLUMNS)
    for r in rec["rows"]:
        for doc_id in r.get("document_ids") or []:
            d = docs.get(doc_id, {})
            cid = d.get("capture_id")
            w.writerow([
                rec["id"], rec["agency"], rec["year"], r["claim_index"], r["status"], _text(doc_id),
                d.get("channel") or "", _text(d.get("category")), _text(d.get("title")), d.get("published_date") or "",
                d.get("status") or "", d.get("item_type") or "", _text(d.get("canonical_url")), cid or "",
                d.get("sha256") or "", d.get("fetched_at") or "", d.get("warc_file") or "", _n(d.get("warc_offset")),
                _n(d.get("warc_length")), links.replay(cid) or "", links.warc(cid) or "",
            ])
    return buf.getvalue()
