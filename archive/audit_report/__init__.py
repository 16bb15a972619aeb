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
    """'catalog · 政务动态', 'wechat · reads', 'applications', 'no channel · total'."""
    kind = row.get("kind")
    parts = [row.get("channel") or ("no channel" if kind == "published" else kind) or "?"]
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


def statements(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Every quote of the row: a claim the report states twice is one row with two quotes."""
    if row.get("quotes"):
        return list(row["quotes"])
    return [{"claim_index": row.get("claim_index"), "quote": row.get("quote"), "quote_start": row.get("quote_start"),
             "quote_end": row.get("quote_end")}] if row.get("quote") else []


def structure_text(row: dict[str, Any]) -> str:
    """'part of #0; stated 2 times (#11, #24)': where the row sits among the report's claims."""
    bits = []
    if row.get("part_of") is not None:
        bits.append(f"part of #{row['part_of']}")
    quotes = row.get("quotes") or []
    if len(quotes) > 1:
        bits.append(f"stated {len(quotes)} times (" + ", ".join(f"#{q.get('claim_index')}" for q in quotes) + ")")
    return "; ".join(bits)


def structure_lines(rec: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) lines of the summary about the rows: supplied claims, readings, parts, merged statements."""
    s = rec.get("summary") or {}
    out = []
    supplied = s.get("claims_supplied")
    if supplied:
        origin = supplied.get("extracted_from") or {}
        out.append(("Claims supplied", f"{supplied.get('claims')} claims from {supplied.get('file')} (sha256 "
                    f"{supplied.get('sha256')})" + (f", extracted from {origin.get('file') or origin.get('document')}"
                                                   if origin else "") + "; not extracted by this reconciliation"))
    less = s.get("channel_less") or {}
    if less.get("rows"):
        how = "set in the agency file" if less.get("set_in_registry") else "the default"
        out.append(("Claims naming no channel", f"rows {', '.join(f'#{i}' for i in less['rows'])} are shown under two "
                    f"readings (the catalog; all channels together); their status follows the "
                    f"{'catalog' if less.get('reading') == 'catalog' else 'all-channels'} reading (registry "
                    f"reconcile.channel_less: {less.get('reading')}, {how})"))
    for p in s.get("parts") or []:
        out.append((f"Parts of #{p['total']}", ", ".join(f"#{i}" for i in p["parts"])
                    + (" (the report's list ends with 等: some parts only)" if p.get("open") else "")))
    for m in s.get("merged") or []:
        kinds = set((m.get("how") or {}).values())
        what = "the same claim stated again" if kinds == {"duplicate"} else "one category named again, summed"
        out.append((f"Row #{m['row']}", f"claims {', '.join(f'#{i}' for i in m['claims'])}: {what}; one row, "
                    "counted once"))
    return out


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
