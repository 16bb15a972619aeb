"""The reconciliation as CSV: one row per claim with the main columns (for spreadsheets and cron diffs).

Text cells that a spreadsheet would read as a formula (=, +, -, @ first) are prefixed with an
apostrophe: report text and crawled titles are not trusted. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from . import interpretation_text, statements

COLUMNS = ["reconciliation_id", "agency", "year", "claim_index", "kind", "channel", "category", "claimed", "bound",
           "unit", "observed", "observed_live", "delta", "status", "interpretation", "documents", "caveats", "method",
           "quote", "quote_start", "quote_end", "part_of", "statements", "readings"]


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _n(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def render_csv(rec: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
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
        ])
    return buf.getvalue()
