"""The audit report: one stored reconciliation rendered as HTML, Markdown, CSV or JSON (`xxgk report`).

    rec = latest_reconciliation(db, agency, year)       # archive.reconcile
    text = render(rec, "html", db)                       # db gives the evidence behind each number

Everything taken from crawled pages or the annual report (titles, quotes, category names, URLs) is
escaped by the renderer of each format; the HTML carries no script at all.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

FORMATS = ("html", "md", "csv", "json")
STATUS_TEXT = {"match": "match", "fewer_found": "fewer found", "more_found": "more found",
               "unverifiable": "unverifiable"}
STATUS_MARK = {"match": "✓", "fewer_found": "▼", "more_found": "▲", "unverifiable": "?"}
BOUND_MARK = {"exact": "", "lower": "≥", "upper": "≤", "approx": "≈"}


def num(value: Any) -> str:
    """A count for display: integers without '.0', None as '–'."""
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def signed(value: Any) -> str:
    if value is None:
        return "–"
    return f"+{num(value)}" if value > 0 else num(value)


def label(row: dict[str, Any]) -> str:
    """'catalog · 政务动态', 'wechat · reads', 'applications'."""
    parts = [row.get("channel") or row.get("kind") or "?"]
    if row.get("kind") == "reads":
        parts.append("reads")
    elif row.get("category"):
        parts.append(row["category"])
    elif row.get("kind") == "published":
        parts.append("total")
    return " · ".join(parts)


def claimed_text(row: dict[str, Any]) -> str:
    return f"{BOUND_MARK.get(row.get('bound') or 'exact', '')}{num(row.get('claimed'))}"


def interpretation_text(row: dict[str, Any]) -> str:
    interp = row.get("interpretation")
    if not interp:
        return ""
    return interp.get("text") or json.dumps(interp, ensure_ascii=False)


def evidence(db: Database | None, rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For every counted document: title, date, URL, status, capture id and the sha256 of that capture."""
    if db is None:
        return {}
    from archive.annual_report import resolve_capture

    ids = sorted({i for r in rec["rows"] for i in r.get("document_ids") or []})
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        for d in db.query(
            "select d.id, d.title, d.published_date, d.canonical_url, d.status, d.item_type, d.capture_id, "
            f"c.sha256, c.outcome from documents d left join captures c on c.id = d.capture_id where d.id in ({marks})",
            chunk,
        ):
            d = dict(d)
            if d["capture_id"] and d["outcome"] not in ("ok", "revisit", None):
                held = resolve_capture(db, d["capture_id"])  # a 304: the evidence is the last full capture
                if held is not None:
                    d["capture_id"], d["sha256"] = held["id"], held["sha256"]
            out[d["id"]] = d
    return out


def render(rec: dict[str, Any], fmt: str, db: Database | None = None) -> str:
    if fmt == "json":
        return json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(rec)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(rec)
    if fmt == "html":
        from .html import render_html

        return render_html(rec, evidence(db, rec))
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
