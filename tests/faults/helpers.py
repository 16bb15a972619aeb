"""What the fault suite reads back from an archive after a crawl under faults."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from simulator.testing import RunningSimulator
from tests.e2e.helpers import query
from tests.support import crawl_args, xxgk

from .conftest import WECHAT_ARGS, WECHAT_ENV


def run(sim: RunningSimulator, db: Path, channel: str, *extra: str, expect: int | None = 0,
        env: dict[str, str] | None = None) -> dict[str, Any]:
    """One crawl (WeChat with the suite's credentials and feed); its JSON result, exit code and stderr."""
    base = {k: v for k, v in os.environ.items() if k not in WECHAT_ENV}
    if channel == "wechat":
        env, extra = {**WECHAT_ENV, **(env or {})}, (*WECHAT_ARGS, *extra)
    out = xxgk(*crawl_args(sim.url, db, channel, *extra), env=env, base_env=base, expect=expect, timeout=600)
    result = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
    return {**result, "exit": out.returncode, "stderr": out.stderr}


def documents(db: Path) -> dict[str, tuple]:
    """Each document's stored state: status, title, content digest, body text and attachments."""
    rows = query(db, "select id, status, title, content_sha256, body_text, attachments from documents")
    return {r["id"]: (r["status"], r["title"], r["content_sha256"], r["body_text"], r["attachments"]) for r in rows}


def run_events(db: Path, run_id: str) -> Counter:
    return Counter(r["event"] for r in query(db, "select event from document_events where run_id = ?", (run_id,)))


def outcomes(db: Path, run_id: str) -> Counter:
    return Counter(r["outcome"] for r in query(db, "select outcome from captures where run_id = ?", (run_id,)))


