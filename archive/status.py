"""Recent runs per agency and channel with their health, the archive's lock and the last scheduler jobs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import health as run_health
from .lock import lock_path, probe
from .schema import open_read
from .times import now_iso, parse_iso


def _duration(a: str | None, b: str | None) -> float | None:
    start, end = parse_iso(a), parse_iso(b)
    return round((end - start).total_seconds(), 1) if start and end else None


def collect_status(db_path: str | Path, limit: int = 5, agency: str | None = None,
                   tz: str = "Asia/Shanghai") -> dict[str, Any]:
    """Recent runs per agency and channel with their health, the lock and the last scheduler jobs."""
    zone = ZoneInfo(tz)
    conn = open_read(db_path)[0].conn  # read-only: status never writes (a read-only archive is read too)
    conn.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        groups: list[dict[str, Any]] = []
        if "runs" in tables:
            keys = conn.execute("select distinct agency, channel from runs" + (" where agency = ?" if agency else "")
                                + " order by agency, channel", (agency,) if agency else ()).fetchall()
            for key in keys:
                rows = conn.execute("select * from runs where agency = ? and channel = ? order by started_at desc "
                                    "limit ?", (key["agency"], key["channel"], limit)).fetchall()
                runs = []
                for r in map(dict, rows):
                    try:
                        summary = json.loads(r.get("summary") or "{}")
                    except ValueError:
                        summary = {}
                    verdict = run_health.stored_or_assessed(conn, r)
                    started = parse_iso(r["started_at"])
                    seen = verdict.get("documents_seen")
                    if seen is None and summary:
                        seen = sum(int(summary.get(k) or 0) for k in ("new", "changed", "unchanged"))
                    runs.append({
                        "run_id": r["id"], "started_at": r["started_at"], "ended_at": r["ended_at"],
                        "when_local": started.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if started else None,
                        "duration_s": _duration(r["started_at"], r["ended_at"]), "status": r["status"],
                        "health": verdict.get("status"), "health_reasons": verdict.get("reasons", []),
                        "health_stored": verdict.get("stored", False), "documents_seen": seen,
                        **{k: summary.get(k) for k in ("requests", "new", "changed", "unchanged", "disappeared",
                                                       "reappeared", "blocked", "errors")},
                        "problem": summary.get("problem") or r.get("error") or "",
                    })
                groups.append({"agency": key["agency"], "channel": key["channel"], "runs": runs})
        jobs: list[dict[str, Any]] = []
        if "schedule_jobs" in tables:
            for j in map(dict, conn.execute("select * from schedule_jobs order by started_at desc limit ?", (limit,))):
                started = parse_iso(j["started_at"])
                jobs.append({"job_id": j["id"], "trigger": j["trigger"], "started_at": j["started_at"],
                             "when_local": started.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if started else None,
                             "duration_s": _duration(j["started_at"], j["ended_at"]), "outcome": j["outcome"],
                             "detail": j["detail"] or "", "pid": j["pid"]})
    finally:
        conn.close()
    holder = probe(db_path)
    return {"db": str(db_path), "generated_at": now_iso(),
            "timezone": tz, "lock": {"file": str(lock_path(db_path)), "held": holder is not None, "holder": holder},
            "channels": groups, "jobs": jobs}
