"""`xxgk serve` never writes to or locks the archive it serves, and never leaves a snapshot behind
(docs/reliability.md). Real `xxgk serve` processes on a small archive."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import urllib.request
from pathlib import Path

from archive.schema import open_db
from archive.search_index import reindex_document
from simulator.testing import launched
from tests.support import XXGK

LISTENING = re.compile(r"listening on (http://[\d.]+:(\d+))/")


def small_archive(path: Path) -> Path:
    db = open_db(path)  # WAL, every migration: a live archive as a crawl leaves it
    db["agencies"].insert({"id": "x", "name": "某局"})
    record = {"id": "x/catalog/1", "agency": "x", "channel": "catalog", "title": "第一份", "status": "live"}
    db["documents"].insert(record)
    reindex_document(db.conn, record["id"], None, record)  # as the store does
    db.conn.commit()
    db.close()
    return path


def content(db: Path) -> tuple[str, int]:
    """The database file's digest and the size of its WAL (a reader may create an empty -wal and -shm: SQLite's
    shared-memory index, not the archive's content)."""
    wal = Path(f"{db}-wal")
    return hashlib.sha256(db.read_bytes()).hexdigest(), wal.stat().st_size if wal.exists() else 0


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def test_no_snapshot_reads_the_live_archive_without_writing_or_locking_it(tmp_path: Path) -> None:
    db = small_archive(tmp_path / "archive.sqlite")
    before = content(db)
    with launched([XXGK, "serve", "--no-snapshot", "--db", str(db), "--port", "0"], LISTENING, "serve") as (_, m):
        titles = [r[0] for r in get_json(f"{m.group(1)}/archive.json?sql=select+title+from+documents")["rows"]]
        assert titles == ["第一份"]
        # The archive's own search index answers, read-only.
        found = get_json(f"{m.group(1)}/archive/search.json?q=%E7%AC%AC%E4%B8%80&_shape=objects")["rows"]
        assert [r["document_id"] for r in found] == ["x/catalog/1"]
        assert content(db) == before  # nothing written, no checkpoint
        # A crawl writing meanwhile is never kept waiting: the write lock is free, at once.
        writer = sqlite3.connect(db, timeout=0)
        writer.execute("begin immediate")
        writer.execute("insert into documents (id, agency, channel, title, status) values "
                       "('x/catalog/2', 'x', 'catalog', '第二份', 'live')")
        writer.commit()
        assert writer.execute("pragma wal_checkpoint(truncate)").fetchone()[0] == 0  # not blocked by serve
        writer.close()
        # And what it wrote is served at once (read-only, not a frozen view).
        rows = get_json(f"{m.group(1)}/archive.json?sql=select+title+from+documents+order+by+id")["rows"]
        assert [r[0] for r in rows] == ["第一份", "第二份"]


def test_a_killed_serve_leaves_a_snapshot_the_next_serve_removes(tmp_path: Path) -> None:
    db = small_archive(tmp_path / "archive.sqlite")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    cmd = [XXGK, "serve", "--snapshot", "--db", str(db), "--port", "0"]

    def snapshots() -> list[Path]:
        return sorted(scratch.glob("xxgk-serve-*"))

    with launched(cmd, LISTENING, "serve", env=env) as (proc, _):
        assert len(snapshots()) == 1
        proc.send_signal(signal.SIGKILL)  # no clean-up possible
        proc.wait(timeout=30)
    stale = snapshots()
    assert len(stale) == 1 and stale[0].is_dir()
    with launched(cmd, LISTENING, "serve", env=env) as (proc, _):
        current = snapshots()
        assert stale[0] not in current and len(current) == 1  # the stale one is gone, its own is there
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    assert snapshots() == []  # SIGTERM: its own snapshot removed too
