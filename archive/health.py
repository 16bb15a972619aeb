"""Run health: did a finished run see what it should have?

A run's `status` (ok / partial / failed / interrupted) says how the crawl itself went. Its health
says whether the result looks right, against the previous run of the same agency and channel:

- `failed`: the run failed, was interrupted or never finished;
- `degraded`: it harvested nothing, or it saw sharply fewer documents than the previous ok/partial
  run (`drop`, default 30 %), or it met many blocked (WAF / challenge / throttled) responses
  (`blocked` responses, or `blocked_ratio` of its requests);
- `ok`: none of these.

"Documents seen" is the number of distinct documents the run observed (its `observations`).
The assessment is stored inside the run's summary JSON under `health`, so `runs.status` keeps its
meaning; `xxgk status` shows it, and computes it for runs nobody assessed (e.g. a plain cron crawl).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

DEFAULT_THRESHOLDS: dict[str, float] = {
    "drop": 0.30,           # degraded when documents seen fall by this fraction or more vs the previous run
    "min_previous": 10,     # ... and the previous run saw at least this many (tiny runs jump around)
    "blocked": 20,          # degraded at this many blocked responses
    "blocked_ratio": 0.25,  # ... or when this fraction of the requests were blocked
}
LEVELS = {"ok": 0, "degraded": 1, "failed": 2}


def worst(*levels: str) -> str:
    return max(levels or ("ok",), key=lambda h: LEVELS.get(h, 2))


def thresholds_with(overrides: dict[str, Any] | None) -> dict[str, float]:
    out = dict(DEFAULT_THRESHOLDS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            raise ValueError(f"unknown health threshold {key!r} (known: {', '.join(DEFAULT_THRESHOLDS)})")
        out[key] = float(value)
    return out


def _conn(db: Any) -> sqlite3.Connection:
    """Accept a sqlite3 connection or a sqlite-utils Database."""
    return getattr(db, "conn", db)


def _row(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> dict[str, Any] | None:
    cur = conn.execute(sql, params)
    row = cur.fetchone()
    return None if row is None else dict(zip([c[0] for c in cur.description], row, strict=True))


def documents_seen(db: Any, run_id: str) -> int:
    return _conn(db).execute("select count(distinct document_id) from observations where run_id = ?",
                             (run_id,)).fetchone()[0]


def previous_run(db: Any, run: dict[str, Any]) -> dict[str, Any] | None:
    """The latest earlier ok/partial run of the same agency and channel (the baseline)."""
    return _row(_conn(db), "select * from runs where agency = ? and channel = ? and started_at < ? and id != ? "
                           "and status in ('ok', 'partial') order by started_at desc limit 1",
                (run["agency"], run["channel"], run["started_at"], run["id"]))


def _summary(run: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(run.get("summary") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def assess(db: Any, run_id: str, thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """The health of one run (not stored; see `record`)."""
    t = thresholds_with(thresholds)
    conn = _conn(db)
    run = _row(conn, "select * from runs where id = ?", (run_id,))
    if run is None:
        raise KeyError(f"no run {run_id}")
    summary = _summary(run)
    seen = documents_seen(conn, run_id)
    blocked, requests = int(summary.get("blocked") or 0), int(summary.get("requests") or 0)
    reasons: list[str] = []
    out: dict[str, Any] = {"status": "ok", "reasons": reasons, "documents_seen": seen, "blocked": blocked,
                           "requests": requests, "previous_run": None, "previous_seen": None, "drop": None,
                           "thresholds": t,
                           "assessed_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")}
    if run["status"] in ("failed", "interrupted", "running"):
        problem = summary.get("problem") or run.get("error") or ""
        reasons.append(f"run {run['status']}" + (f": {problem}" if problem else ""))
        out["status"] = "failed"
        return out
    if seen == 0:
        reasons.append("harvested nothing: the run saw no document")
    prev = previous_run(conn, run)
    if prev is not None:
        prev_seen = documents_seen(conn, prev["id"])
        out.update(previous_run=prev["id"], previous_seen=prev_seen)
        if prev_seen:
            drop = (prev_seen - seen) / prev_seen
            out["drop"] = round(drop, 4)
            if seen and prev_seen >= t["min_previous"] and drop >= t["drop"]:
                reasons.append(f"documents seen dropped {drop:.0%} against run {prev['id']} "
                               f"({prev_seen} → {seen}; threshold −{t['drop']:.0%})")
    if blocked and (blocked >= t["blocked"] or (requests and blocked / requests >= t["blocked_ratio"])):
        reasons.append(f"{blocked} blocked responses of {requests} requests "
                       f"(thresholds {int(t['blocked'])} or {t['blocked_ratio']:.0%})")
    if reasons:
        out["status"] = "degraded"
    return out


def record(db: Any, run_id: str, health: dict[str, Any]) -> None:
    """Store the assessment as `health` inside the run's summary JSON (runs.status is left alone)."""
    conn = _conn(db)
    row = conn.execute("select summary from runs where id = ?", (run_id,)).fetchone()
    if row is None:
        raise KeyError(f"no run {run_id}")
    try:
        summary = json.loads(row[0] or "{}")
    except ValueError:
        summary = {}
    summary["health"] = health
    with conn:
        conn.execute("update runs set summary = ? where id = ?",
                     (json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str), run_id))


def stored_or_assessed(db: Any, run: dict[str, Any], thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stored health of a run, else a fresh assessment marked `"stored": false`."""
    stored = _summary(run).get("health")
    if isinstance(stored, dict) and stored.get("status"):
        return {**stored, "stored": True}
    if run.get("status") == "running":
        return {"status": "running", "reasons": [], "stored": False}
    return {**assess(db, run["id"], thresholds), "stored": False}
