"""Storing and loading reconciliations: one transaction per reconciliation with all its rows."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from ..ids import new_id
from ..schema import dumps
from ..times import now_iso
from .counting import Reconciler
from .grouping import Group, group_claims, parts, parts_caveat
from .rules import CHANNELS, COUNTING_RULES, STATUSES, Row, bound_of


def _rows(rec: Reconciler, groups: list[Group]) -> list[Row]:
    """One row per group: counted once, with every quote, and the total it is a part of."""
    by_index = {g.index: g for g in groups}
    totals = parts(groups)
    rows = []
    for g in groups:
        row = rec.row(g.index, g.claim)
        row.quotes, row.part_of = g.quotes, g.part_of
        repeats = [i for i, how in g.merged.items() if how == "category_repeat"]
        if repeats:
            row.caveats.insert(0, f"the report names {g.claim.get('category')} more than once under one total "
                               f"(claims {', '.join(f'#{i}' for i in [g.index, *repeats])}): one row claiming the "
                               f"sum, {row.claimed}")
        if g.index in totals:
            caveat = parts_caveat(g, [by_index[i] for i in totals[g.index]])
            if caveat:
                row.caveats.insert(0, caveat)
        rows.append(row)
    return rows


def _structure(groups: list[Group], rows: list[Row], agency: Any) -> dict[str, Any]:
    """What the summary says about the rows: parts of totals, merged statements, channel-less readings."""
    by_index = {g.index: g for g in groups}
    return {
        "parts": [{"total": t, "parts": p, "open": bool(by_index[t].claim.get("breakdown_open"))}
                  for t, p in parts(groups).items()],
        "merged": [{"row": g.index, "claims": g.members, "how": {str(i): how for i, how in g.merged.items()}}
                   for g in groups if g.merged],
        "channel_less": {"reading": agency.channel_less_reading,
                         "set_in_registry": "channel_less" in agency.reconcile,
                         "rows": [r.claim_index for r in rows if r.interpretation and "all" in r.interpretation]},
    }


def reconcile(db: Database, agency: Any, year: int, extracted: dict[str, Any], *, annual_report_source: str,
              annual_report_sha256: str | None, annual_report_document_id: str | None = None,
              report_meta: dict[str, Any] | None = None, claims_meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reconcile the extracted claims against the archive, store the result, and return it (as loaded).
    `claims_meta` records claims an auditor supplied (file, sha256) instead of extracted ones."""
    rec = Reconciler(db, agency, year)
    claims = list(extracted.get("claims") or [])
    groups = group_claims(claims)
    rows = _rows(rec, groups)
    notes = list(extracted.get("notes") or [])
    if extracted.get("year") not in (None, year):
        notes.insert(0, f"the report's own year is {extracted['year']}, not {year}")
    runs = [r for ch in CHANNELS for r in rec.coverage(ch).runs]
    channels = {ch: {"crawled": rec.crawled(ch), "runs": [r["id"] for r in rec.coverage(ch).runs]}
                for ch in CHANNELS}
    summary = {
        "statuses": {s: sum(1 for r in rows if r.status == s) for s in STATUSES},
        "claims": len(claims),
        "rows": len(rows),
        **_structure(groups, rows, agency),
        "channels": channels,
        "annual_report": {"year": extracted.get("year"), "period": extracted.get("period"),
                   "format": extracted.get("format"), "agency": extracted.get("agency"),
                   "missing_tables": extracted.get("missing"), **(report_meta or {})},
        "agency_name": agency.name,
        "counting_rules": COUNTING_RULES,
    }
    if claims_meta:
        summary["claims_supplied"] = claims_meta
    rec_id = new_id("rec-")
    head = {
        "id": rec_id, "agency": agency.id, "year": year, "annual_report_source": annual_report_source,
        "annual_report_sha256": annual_report_sha256, "annual_report_document_id": annual_report_document_id,
        "claims": dumps(claims), "checks": dumps(extracted.get("checks") or []),
        "notes": dumps(notes), "summary": dumps(summary), "created_at": now_iso(), "runs": dumps(runs)}
    body = [{
        "reconciliation_id": rec_id, "claim_index": r.claim_index, "kind": r.kind, "channel": r.channel,
        "category": r.category, "claimed": r.claimed, "approx": int(r.approx), "unit": r.unit, "quote": r.quote,
        "quote_start": r.quote_start, "quote_end": r.quote_end, "observed": r.observed,
        "observed_live": r.observed_live, "delta": r.delta, "status": r.status,
        "interpretation": dumps(r.interpretation) if r.interpretation is not None else None,
        "document_ids": dumps(r.document_ids), "caveats": dumps(r.caveats), "method": r.method,
        "quotes": dumps(r.quotes), "part_of": r.part_of, "bound": r.bound,
        "mapping": dumps(r.mapping) if r.mapping is not None else None,
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
        for key in ("document_ids", "caveats", "quotes"):
            r[key] = json.loads(r[key]) if r.get(key) else []
        for key in ("interpretation", "mapping"):
            r[key] = json.loads(r[key]) if r.get(key) else None
        r["approx"] = bool(r["approx"])
        r["claimed"] = _num(r["claimed"])
        claim = out["claims"][r["claim_index"]] if r["claim_index"] < len(out["claims"]) else {}
        if not r.get("bound"):  # rows stored before the bound had a column of its own
            r["bound"] = bound_of(claim) if claim else ("approx" if r["approx"] else "exact")
        if not r["quotes"] and r.get("quote"):
            r["quotes"] = [{"claim_index": r["claim_index"], "quote": r["quote"], "quote_start": r["quote_start"],
                            "quote_end": r["quote_end"]}]
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
