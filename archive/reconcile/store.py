"""Storing and loading reconciliations: one transaction per reconciliation with all its rows."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from ..ids import new_id
from ..schema import dumps
from ..times import now_iso
from .counting import Reconciler
from .rules import CHANNELS, COUNTING_RULES, STATUSES, bound_of


def reconcile(db: Database, agency: Any, year: int, extracted: dict[str, Any], *, annual_report_source: str,
              annual_report_sha256: str | None, annual_report_document_id: str | None = None,
              report_meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reconcile the extracted claims against the archive, store the result, and return it (as loaded)."""
    rec = Reconciler(db, agency, year)
    rows = [rec.row(i, c) for i, c in enumerate(extracted.get("claims") or [])]
    notes = list(extracted.get("notes") or [])
    if extracted.get("year") not in (None, year):
        notes.insert(0, f"the report's own year is {extracted['year']}, not {year}")
    runs = [r for ch in CHANNELS for r in rec.coverage(ch).runs]
    channels = {ch: {"crawled": rec.crawled(ch), "runs": [r["id"] for r in rec.coverage(ch).runs]}
                for ch in CHANNELS}
    summary = {
        "statuses": {s: sum(1 for r in rows if r.status == s) for s in STATUSES},
        "claims": len(rows),
        "channels": channels,
        "annual_report": {"year": extracted.get("year"), "period": extracted.get("period"),
                   "format": extracted.get("format"), "agency": extracted.get("agency"),
                   "missing_tables": extracted.get("missing"), **(report_meta or {})},
        "agency_name": agency.name,
        "counting_rules": COUNTING_RULES,
    }
    rec_id = new_id("rec-")
    head = {
        "id": rec_id, "agency": agency.id, "year": year, "annual_report_source": annual_report_source,
        "annual_report_sha256": annual_report_sha256, "annual_report_document_id": annual_report_document_id,
        "claims": dumps(extracted.get("claims") or []), "checks": dumps(extracted.get("checks") or []),
        "notes": dumps(notes), "summary": dumps(summary), "created_at": now_iso(), "runs": dumps(runs)}
    body = [{
        "reconciliation_id": rec_id, "claim_index": r.claim_index, "kind": r.kind, "channel": r.channel,
        "category": r.category, "claimed": r.claimed, "approx": int(r.approx), "unit": r.unit, "quote": r.quote,
        "quote_start": r.quote_start, "quote_end": r.quote_end, "observed": r.observed,
        "observed_live": r.observed_live, "delta": r.delta, "status": r.status,
        "interpretation": dumps(r.interpretation) if r.interpretation is not None else None,
        "document_ids": dumps(r.document_ids), "caveats": dumps(r.caveats), "method": r.method,
    } for r in rows]
    # One transaction: a reconciliation is stored with all its rows or not at all.
    with db.conn:
        db.conn.execute(_insert_sql("reconciliations", head), list(head.values()))
        if body:
            db.conn.executemany(_insert_sql("reconciliation_rows", body[0]), [list(b.values()) for b in body])
    loaded = load_reconciliation(db, rec_id)
    assert loaded is not None
    return loaded


def _num(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def load_reconciliation(db: Database, rec_id: str) -> dict[str, Any] | None:
    """A stored reconciliation with its rows, JSON columns decoded."""
    rec = next(db.query("select * from reconciliations where id = ?", [rec_id]), None)
    if rec is None:
        return None
    out = dict(rec)
    for key in ("claims", "checks", "notes", "summary", "runs"):
        out[key] = json.loads(out[key]) if out.get(key) else ([] if key != "summary" else {})
    rows = []
    for r in db.query("select * from reconciliation_rows where reconciliation_id = ? order by claim_index", [rec_id]):
        r = dict(r)
        for key in ("document_ids", "caveats"):
            r[key] = json.loads(r[key]) if r.get(key) else []
        r["interpretation"] = json.loads(r["interpretation"]) if r.get("interpretation") else None
        r["approx"] = bool(r["approx"])
        r["claimed"] = _num(r["claimed"])
        claim = out["claims"][r["claim_index"]] if r["claim_index"] < len(out["claims"]) else {}
        r["bound"] = bound_of(claim) if claim else ("approx" if r["approx"] else "exact")
        rows.append(r)
    out["rows"] = rows
    return out


def latest_reconciliation(db: Database, agency: str, year: int) -> dict[str, Any] | None:
    if "reconciliations" not in db.table_names():
        return None
    row = next(db.query("select id from reconciliations where agency = ? and year = ? "
                        "order by created_at desc, rowid desc limit 1", [agency, year]), None)
    return load_reconciliation(db, row["id"]) if row else None


def _insert_sql(table: str, record: dict[str, Any]) -> str:
    cols = ", ".join(f"[{k}]" for k in record)
    return f"insert into [{table}] ({cols}) values ({', '.join('?' for _ in record)})"
