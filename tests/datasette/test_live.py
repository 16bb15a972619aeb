"""The served archive is the live one (read-only): a reconciliation made after `xxgk serve` started shows on
the dashboard and in the canned queries, whose empty parameters mean "the latest reconciliation"."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from pathlib import Path

from simulator.testing import launched
from tests.support import XXGK, xxgk

from .conftest import AGENCY, YEAR, Archive
from .test_browser import LISTENING


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - loopback only
        return resp.read().decode("utf-8")


def _latest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select id from reconciliations order by created_at desc, rowid desc limit 1").fetchone()[0]
    finally:
        conn.close()


def test_a_reconciliation_made_after_serve_started_is_shown(crawled: Archive, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    src, dst = sqlite3.connect(crawled.db), sqlite3.connect(db)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    (tmp_path / "warc").symlink_to(crawled.warc_dir, target_is_directory=True)
    before = _latest(db)
    cmd = [XXGK, "serve", "--db", str(db), "--port", "0", "--no-snapshot"]
    with launched(cmd, LISTENING, "xxgk serve") as (_, m):
        base = m.group(1)
        assert before in _get(base + "/-/xxgk/dashboard")
        xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db))
        after = _latest(db)
        assert after != before
        page = _get(base + "/-/xxgk/dashboard")
        assert after in page and "（最新）" in page
        # The canned queries, opened with no parameters, show the latest reconciliation's claims and documents.
        rows = json.loads(_get(base + "/archive/claims_vs_observed.json?_shape=objects&agency=&year="))["rows"]
        assert rows and {r["reconciliation_id"] for r in rows} == {after}
        docs = json.loads(_get(base + "/archive/claim_documents.json?_shape=objects&agency=&year=&claim="))["rows"]
        assert docs and {r["claim_index"] for r in docs} <= {r["claim_index"] for r in rows}
