"""What the archive's runs say about a channel's coverage: the latest record of each listing unit."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .rules import FAILED_OUTCOMES


@dataclass
class Coverage:
    """What the archive's runs say about one channel: the latest coverage record of each listing unit."""

    channel: str
    units: dict[str, dict[str, Any]]  # category_id -> latest category_runs row (+ run fields)
    runs: list[dict[str, Any]]  # runs whose records are used, with blocked/failed request counts
    runs_of_channel: list[dict[str, Any]]  # every finished run of the channel
    later_without_records: list[dict[str, Any]]

    def caveats(self) -> list[str]:
        out = []
        for r in self.runs:
            bits = []
            if r["blocked"]:
                bits.append(f"{r['blocked']} blocked")
            if r["failed"]:
                bits.append(f"{r['failed']} failed")
            if bits:
                out.append(f"run {r['id']} ({r['status']}, {r['started_at']}) had {' and '.join(bits)} requests "
                           "(retried; the listings' coverage records say whether they were complete)")
            elif r["status"] not in ("ok",):
                out.append(f"run {r['id']} ended {r['status']}")
        for r in self.later_without_records:
            out.append(("a later " if self.runs else "") + f"{self.channel} run {r['id']} ({r['status']}, "
                       f"{r['started_at']}) recorded no coverage" + (f" ({r['error']})" if r.get("error") else "")
                       + ("; the counts rest on the earlier run(s)" if self.runs else ""))
        return out


def load_coverage(db: Database, agency: str, channel: str) -> Coverage:
    units: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "select cr.*, r.started_at as run_started_at, r.status as run_status from category_runs cr "
        "join runs r on r.id = cr.run_id where cr.agency = ? and coalesce(cr.channel, 'catalog') = ? "
        "and r.status != 'running' order by r.started_at, cr.rowid", [agency, channel]):
        units[row["category_id"]] = row  # the latest record of each unit wins
    runs_of_channel = list(db.query(
        "select * from runs where agency = ? and status != 'running' and (channel = ? or channel = 'all' or id in "
        "(select run_id from category_runs where agency = ? and coalesce(channel, 'catalog') = ?)) "
        "order by started_at", [agency, channel, agency, channel]))
    used = sorted({u["run_id"] for u in units.values()})
    failures: Counter[tuple[str, str]] = Counter()
    if used:
        marks = ",".join("?" for _ in used)
        for r in db.query(f"select run_id, outcome, count(*) n from captures where run_id in ({marks}) "
                          "group by run_id, outcome", used):
            failures[(r["run_id"], r["outcome"])] += r["n"]
    runs = []
    for r in runs_of_channel:
        if r["id"] in used:
            runs.append({"id": r["id"], "channel": channel, "run_channel": r["channel"], "started_at": r["started_at"],
                         "ended_at": r["ended_at"], "status": r["status"],
                         "blocked": failures[(r["id"], "blocked")],
                         "failed": sum(failures[(r["id"], o)] for o in FAILED_OUTCOMES)})
    last_used = max((r["started_at"] for r in runs), default="")
    later = [r for r in runs_of_channel if r["started_at"] > last_used and r["id"] not in used]
    return Coverage(channel, units, runs, [dict(r) for r in runs_of_channel], [dict(r) for r in later])


def unit_text(u: dict[str, Any]) -> str:
    listed = (u.get("harvested") or 0) + (u.get("search_backfilled") or 0)
    notes = []
    try:
        notes = json.loads(u.get("notes") or "[]")
    except ValueError:
        pass
    return (f"{u['name']}: stated {u.get('stated_post_count')}, API total {u.get('api_total')}, listed {listed}, "
            f"stopped on {u.get('stop_reason') or '?'} (complete={bool(u.get('complete'))}, "
            f"healthy={bool(u.get('healthy'))}, run {u['run_id']})" + (f"; {'; '.join(notes)}" if notes else ""))


# ------------------------------------------------------------------ the reconciler
