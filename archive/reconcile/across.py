"""Reconciliation across agencies: every agency's annual report of a year, found and reconciled, and the table
of agencies × claims an auditor of a whole city reads (`xxgk reconcile|report --agency all`, Datasette's
/-/xxgk/agencies).

- `reconcile_agencies` reconciles each agency's archived report of year Y (or takes its latest reconciliation
  when asked to) and stores an *agency audit*: one row naming every agency asked for with its outcome —
  `reconciled` (with the reconciliation), `no_report` (nothing in the archive is its year-Y report: the reason
  says what the archive holds) or `failed` (the report was found but could not be read, or the agency's
  registry file could not be) — so no agency is skipped silently.
- `agencies_matrix` builds the table from the archive: per agency its status, the latest reconciliation of the
  year, how many claims match or not, its largest discrepancy and the key claims (the catalog total, the
  website, WeChat articles, a total naming no channel), sortable by any of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..ids import new_id
from ..schema import dumps
from ..times import now_iso
from .rules import STATUSES
from .store import latest_reconciliation, load_reconciliation

AGENCY_STATUSES = ("reconciled", "no_report", "failed", "not_reconciled")
# The claims shown as columns: (key, heading, kind, channel) of a total (a claim without a category).
KEY_CLAIMS = (("catalog", "catalog total", "published", "catalog"), ("website", "website", "published", "website"),
              ("wechat", "WeChat articles", "published", "wechat"), ("total", "total (no channel)", "published", None))
SORTS = ("discrepancy", "agency", "name", "status", "claims", *STATUSES, *(k for k, *_ in KEY_CLAIMS))


def _archived_documents(db: Database, agency_id: str) -> int:
    if "documents" not in db.table_names():
        return 0
    return db.execute("select count(*) from documents where agency = ?", [agency_id]).fetchone()[0]


def no_report_reason(db: Database, agency: Any, year: int) -> str:
    """Why the archive holds no year-Y annual report of the agency, in a sentence."""
    n = _archived_documents(db, agency.id)
    if n == 0:
        return f"nothing of {agency.id} is archived: crawl it first (xxgk crawl --agency {agency.id})"
    where = f"catalog category {agency.report_category}"
    if getattr(agency, "report_column", None):
        where += f" or website column {agency.report_column}"
    return f"no {year} annual report among the {n} archived documents ({where})"


def reconcile_agencies(db: Database, agencies: list[Any], year: int, warc_dir: Path, *,
                       broken: dict[str, str] | None = None, reuse: bool = False, scope: str = "") -> dict[str, Any]:
    """Reconcile every agency's archived year-Y annual report (`reuse`: take its latest reconciliation of the
    year when there is one), store the agency audit and return it. `broken`: agencies whose registry file could
    not be read (id → why), listed as failed."""
    from ..annual_report import AnnualReportError, find_annual_report_document
    from ..claims import ReportReadError
    from .inputs import reconcile_archived_report

    entries: list[dict[str, Any]] = []
    for agency in agencies:
        entry: dict[str, Any] = {"agency": agency.id, "name": agency.name, "status": "reconciled", "reason": "",
                                 "reconciliation_id": None}
        rec = latest_reconciliation(db, agency.id, year) if reuse else None
        try:
            if rec is None and find_annual_report_document(db, agency, year) is None:
                entry.update(status="no_report", reason=no_report_reason(db, agency, year))
            elif rec is None:
                rec = reconcile_archived_report(db, agency, year, warc_dir)
        except (AnnualReportError, ReportReadError) as exc:
            entry.update(status="failed", reason=f"its {year} annual report could not be read: {exc}")
        except Exception as exc:  # noqa: BLE001 - one agency's failure never hides the others: it is recorded
            entry.update(status="failed", reason=f"{type(exc).__name__}: {exc}")
        if rec is not None:
            entry["reconciliation_id"] = rec["id"]
        entries.append(entry)
    for agency_id, why in (broken or {}).items():
        entries.append({"agency": agency_id, "name": agency_id, "status": "failed",
                        "reason": f"its registry file cannot be read: {why}", "reconciliation_id": None})
    summary = {s: sum(1 for e in entries if e["status"] == s) for s in AGENCY_STATUSES[:3]}
    audit = {"id": new_id("aud-"), "year": year, "scope": scope, "created_at": now_iso(),
             "agencies": dumps(entries), "summary": dumps({"agencies": len(entries), **summary})}
    with db.conn:
        db.conn.execute("insert into agency_audits (id, year, scope, created_at, agencies, summary) "
                        "values (?, ?, ?, ?, ?, ?)", [audit[k] for k in ("id", "year", "scope", "created_at",
                                                                          "agencies", "summary")])
    return load_audit(db, audit["id"]) or {}


def load_audit(db: Database, audit_id: str) -> dict[str, Any] | None:
    if "agency_audits" not in db.table_names():
        return None
    row = next(db.query("select * from agency_audits where id = ?", [audit_id]), None)
    if row is None:
        return None
    out = dict(row)
    for key in ("agencies", "summary"):
        out[key] = json.loads(out[key]) if out.get(key) else ([] if key == "agencies" else {})
    return out


def year_audits(db: Database, year: int) -> list[dict[str, Any]]:
    """The agency audits of a year, oldest first."""
    if "agency_audits" not in db.table_names():
        return []
    ids = [r["id"] for r in db.query("select id from agency_audits where year = ? order by created_at, rowid", [year])]
    return [a for a in (load_audit(db, i) for i in ids) if a]


# ---------------------------------------------------------------- the table of agencies × claims


def _label(row: dict[str, Any]) -> str:
    from ..audit_report import label

    return label(row)


def _key_claim(rows: list[dict[str, Any]], kind: str, channel: str | None) -> dict[str, Any] | None:
    """The first row claiming the total of a channel (no category); for WeChat, the articles."""
    for r in rows:
        if r.get("kind") == kind and r.get("channel") == channel and not r.get("category"):
            return {k: r.get(k) for k in ("claim_index", "claimed", "bound", "observed", "delta", "status")}
    return None


def agency_row(entry: dict[str, Any], rec: dict[str, Any] | None) -> dict[str, Any]:
    """One agency's line of the table: its status, counts by claim status, its largest discrepancy (the claim
    found fewer or more than claimed by the most: `discrepancy` = its |observed − claimed|, 0 when every verifiable
    claim matches) and the key claims."""
    out: dict[str, Any] = {**entry, "statuses": dict.fromkeys(STATUSES, 0), "claims": 0, "discrepancy": None,
                           "largest": None, "key": {}, "rows": [], "created_at": None}
    if rec is None:
        return out
    rows = rec["rows"]
    off = [r for r in rows if r["status"] in ("fewer_found", "more_found") and r.get("delta") is not None]
    out.update(status="reconciled", reconciliation_id=rec["id"], created_at=rec["created_at"], claims=len(rows),
               name=(rec.get("summary") or {}).get("agency_name") or entry.get("name") or rec["agency"],
               discrepancy=max((abs(r["delta"]) for r in off), default=0),
               annual_report_source=rec.get("annual_report_source"))
    for r in rows:
        out["statuses"][r["status"]] = out["statuses"].get(r["status"], 0) + 1
    if off:
        big = max(off, key=lambda r: (abs(r["delta"]), -r["claim_index"]))
        out["largest"] = {"label": _label(big), "kind": big.get("kind"), "channel": big.get("channel"),
                          "category": big.get("category"), "delta": big["delta"], "claimed": big["claimed"],
                          "bound": big.get("bound"), "observed": big["observed"], "status": big["status"],
                          "claim_index": big["claim_index"]}
    out["key"] = {key: _key_claim(rows, kind, channel) for key, _, kind, channel in KEY_CLAIMS}
    out["rows"] = [{"claim_index": r["claim_index"], "label": _label(r), "kind": r.get("kind"),
                    "channel": r.get("channel"), "category": r.get("category"), "claimed": r.get("claimed"),
                    "bound": r.get("bound"), "observed": r.get("observed"), "observed_live": r.get("observed_live"),
                    "delta": r.get("delta"), "status": r["status"], "part_of": r.get("part_of")} for r in rows]
    return out


def _sort_value(row: dict[str, Any], key: str) -> tuple[int, Any]:
    """(0, value) to sort on, (1, …) for rows without one (always last)."""
    if key in ("agency", "name"):
        return (0, str(row.get(key) or ""))
    if key == "status":
        return (0, AGENCY_STATUSES.index(row["status"]) if row["status"] in AGENCY_STATUSES else 9)
    if key == "claims":
        return (0, row["claims"]) if row["status"] == "reconciled" else (1, 0)
    if key in STATUSES:
        return (0, row["statuses"].get(key, 0)) if row["status"] == "reconciled" else (1, 0)
    if key == "discrepancy":
        return (0, row["discrepancy"]) if row["discrepancy"] is not None else (1, 0)
    claim = row["key"].get(key) if row.get("key") else None
    if claim is None or claim.get("delta") is None:
        return (1, 0)
    return (0, claim["delta"])


def sort_rows(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    """Rows by `key` (one of SORTS), those without a value last whatever the direction; ties by agency id."""
    if key not in SORTS:
        raise ValueError(f"unknown sort {key!r}; one of {', '.join(SORTS)}")
    by_agency = sorted(rows, key=lambda r: str(r["agency"]))
    have = [r for r in by_agency if _sort_value(r, key)[0] == 0]
    lack = [r for r in by_agency if _sort_value(r, key)[0] != 0]
    return sorted(have, key=lambda r: _sort_value(r, key)[1], reverse=descending) + lack


def agencies_matrix(db: Database, year: int, audit: dict[str, Any] | None = None, sort: str = "discrepancy",
                    descending: bool = True, only_audit: bool = False) -> dict[str, Any]:
    """The table of agencies × claims for year Y: the agencies of `audit` (default: of every agency audit of
    the year, each as the latest audit naming it left it) and, unless `only_audit`, every agency with a reconciliation of Y and every archived agency
    (`not_reconciled` when none of these names it); each with its latest reconciliation of Y, or the audit's
    reason when it has none."""
    audits = [audit] if audit is not None else year_audits(db, year)
    audit = audits[-1] if audits else None
    entries: dict[str, dict[str, Any]] = {}
    for a in audits:  # every agency any audit of the year asked for, as its latest audit left it
        for e in a.get("agencies") or []:
            entries[e["agency"]] = dict(e)
    tables = db.table_names()
    latest: dict[str, str] = {}
    if "reconciliations" in tables:
        for r in db.query("select id, agency, created_at from reconciliations where year = ? "
                          "order by created_at, rowid", [year]):
            latest[r["agency"]] = r["id"]  # the last one wins
    archived: dict[str, str] = {}
    if "agencies" in tables:
        archived = {r["id"]: r["name"] for r in db.query("select id, name from agencies order by id")}
    for agency_id in [] if only_audit else [*latest, *archived]:
        entries.setdefault(agency_id, {"agency": agency_id, "name": archived.get(agency_id) or agency_id,
                                       "status": "not_reconciled", "reconciliation_id": None,
                                       "reason": f"no reconciliation of {year} is stored: run xxgk reconcile "
                                                 f"--agency {agency_id} --year {year} (or --agency all)"})
    rows = []
    for agency_id, entry in entries.items():
        rec = None
        newest = latest.get(agency_id)
        if newest and (entry["status"] == "reconciled" or entry["status"] == "not_reconciled"
                       or (audit and _newer(db, newest, audit["created_at"]))):
            rec = load_reconciliation(db, newest)
        if entry["status"] == "reconciled" and rec is None and entry.get("reconciliation_id"):
            rec = load_reconciliation(db, entry["reconciliation_id"])
        if entry.get("name") in (None, "", agency_id) and agency_id in archived:
            entry["name"] = archived[agency_id]
        rows.append(agency_row(entry, rec))
    rows = sort_rows(rows, sort, descending)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in AGENCY_STATUSES}
    return {"year": year, "audit": {k: audit[k] for k in ("id", "created_at", "scope")} if audit else None,
            "sort": sort, "descending": descending, "agencies": rows, "counts": counts,
            "claim_statuses": {s: sum(r["statuses"].get(s, 0) for r in rows) for s in STATUSES},
            "key_claims": [{"key": k, "heading": h} for k, h, *_ in KEY_CLAIMS]}


def _newer(db: Database, rec_id: str, when: str) -> bool:
    row = next(db.query("select created_at from reconciliations where id = ?", [rec_id]), None)
    return bool(row and row["created_at"] > when)
