"""The scheduler's journal: one `schedule_jobs` row per job, skipped ones included (migration m004)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from archive.schema import open_db
from archive.times import utcnow


def new_job_id() -> str:
    return f"job-{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(3)}"


def journal(db: Path, job: dict[str, Any]) -> None:
    """Insert or update the job's row; keys the table has no column for (the migration decides) stay out."""
    conn = open_db(db)
    try:
        table = conn["schedule_jobs"]
        columns = set(table.columns_dict)
        row = {k: (json.dumps(v, ensure_ascii=False, sort_keys=True, default=str) if isinstance(v, list | dict) else v)
               for k, v in job.items() if k in columns}
        table.upsert(row, pk="id")
    finally:
        conn.close()
