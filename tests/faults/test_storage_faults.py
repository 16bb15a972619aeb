"""A run row always ends with a final status and the exit code says it: a full disk, a database another
process keeps locked, SIGTERM. Real `xxgk crawl` processes; the full disk is a file-size limit
(RLIMIT_FSIZE) on the crawl process, so its WARC and SQLite writes fail as on a full disk."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from archive.schema import open_db
from tests.e2e.helpers import query
from tests.support import XXGK, crawl_args, xxgk

from .helpers import documents, run

# Four list pages that answer after 3 s: the crawl is still waiting for them when the test acts on it.
SLOW_LISTS = {"kind": "slow", "seconds": 1.5, "match": {"path": r"/api/all/18(05|06|11|12)"}}


def wait_for_run(db: Path, proc: subprocess.Popen) -> str:
    """The id of the crawl's run once it has stored captures, i.e. is crawling (a condition, polled; the crawl
    must still be running)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        try:
            rows = query(db, "select r.id from runs r where r.status = 'running' and exists "
                             "(select 1 from captures c where c.run_id = r.id)")
        except sqlite3.OperationalError:
            rows = []
        if rows:
            return rows[0]["id"]
        time.sleep(0.05)
    raise AssertionError("the crawl never recorded its run")


def file_size_limit(limit: int) -> Callable[[], None]:
    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return full_disk


def fresh_archive_size(tmp_path: Path) -> int:
    """The largest file (database or WAL) a new, fully migrated archive needs."""
    folder = tmp_path / "fresh"
    open_db(folder / "archive.sqlite").close()
    return max(p.stat().st_size for p in folder.iterdir())


def test_a_full_disk_fails_the_run_and_says_so(sim, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    # Bytes a file may grow to: room for a new archive and its first rows, then the WARC file or the SQLite
    # WAL fills it mid-crawl.
    limit = fresh_archive_size(tmp_path) + 300_000
    out = subprocess.run([XXGK, *crawl_args(sim.url, db, "catalog")], capture_output=True, text=True, timeout=300,
                         preexec_fn=file_size_limit(limit))
    assert out.returncode == 1, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    assert "File too large" in out.stderr or "disk I/O error" in out.stderr
    first = query(db, "select id, status, error from runs")[0]
    if first["status"] != "running":  # recorded: failed, and why
        assert first["status"] == "failed" and "could not be written" in first["error"]
        assert json.loads(out.stdout)["status"] == "failed"
    else:  # not even the run row fitted: the exit says so, and the next run closes it
        assert "could not be written" in out.stderr and "next crawl records it as interrupted" in out.stderr
    # What was stored is whole: every capture row points at a complete WARC record.
    xxgk("verify", "--db", str(db), timeout=300)
    # With room again, the next crawl completes the archive and the first run has a final status.
    again = run(sim, db, "catalog")
    assert again["status"] == "ok"
    statuses = [r["status"] for r in query(db, "select status from runs order by started_at")]
    assert statuses[0] in ("failed", "interrupted") and statuses[1] == "ok"
    assert not query(db, "select 1 from documents where content_sha256 is null and item_type = 'normal'")
    xxgk("verify", "--db", str(db), timeout=300)


def test_a_disk_too_full_to_create_the_archive_fails_with_one_line(sim, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    out = subprocess.run([XXGK, *crawl_args(sim.url, db, "catalog")], capture_output=True, text=True, timeout=300,
                         preexec_fn=file_size_limit(fresh_archive_size(tmp_path) // 4))
    assert out.returncode == 1 and "Traceback" not in out.stderr  # a failure of the moment, not bad input
    assert "could not be written" in out.stderr and "disk is full" in out.stderr
    assert "damaged" not in out.stderr
    assert run(sim, db, "catalog")["status"] == "ok"  # with room again the same file becomes the archive


def test_a_database_kept_locked_stops_the_crawl_with_a_failing_exit(sim, archive_of) -> None:
    db = archive_of("catalog")
    before = documents(db)
    sim.set_faults([SLOW_LISTS])
    # Every write committed at once (batch of 1), so the other writer gets the lock while the crawl waits for pages.
    proc = subprocess.Popen([XXGK, *crawl_args(sim.url, db, "catalog", "--full-refresh", "-s", "XXGK_BUSY_TIMEOUT=1",
                                               "-s", "XXGK_BATCH_SIZE=1")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run_id = wait_for_run(db, proc)
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("begin immediate")  # another writer that ignores the archive's lock file, and never lets go
    try:
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        holder.rollback()
        holder.close()
    assert proc.returncode == 1, stderr[-3000:]
    assert "locked" in stderr and "could not be written" in stderr
    assert query(db, "select status from runs where id = ?", (run_id,))[0]["status"] in ("running", "failed")
    assert documents(db) == before
    again = run(sim, db, "catalog")  # the next crawl gives the stranded run its final status
    assert again["status"] == "ok"
    assert query(db, "select status from runs where id = ?", (run_id,))[0]["status"] in ("interrupted", "failed")


def test_sigterm_ends_an_interrupted_run_and_exit_143(sim, archive_of) -> None:
    db = archive_of("catalog")
    before = documents(db)
    sim.set_faults([SLOW_LISTS])
    # Every write committed at once (batch of 1): the run's first captures are seen while it waits for the slow
    # pages, not only at its end (a fast crawl could otherwise finish inside its first 2-second batch).
    proc = subprocess.Popen([XXGK, *crawl_args(sim.url, db, "catalog", "--full-refresh", "-s", "XXGK_BATCH_SIZE=1")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    run_id = wait_for_run(db, proc)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143, (stdout[-2000:], stderr[-3000:])
    assert json.loads(stdout)["status"] == "interrupted"
    row = query(db, "select status, ended_at from runs where id = ?", (run_id,))[0]
    assert row["status"] == "interrupted" and row["ended_at"]
    assert not query(db, "select 1 from document_events where run_id = ? and event = 'disappeared'", (run_id,))
    assert documents(db) == before


def test_a_crawl_that_cannot_start_its_run_says_so_in_one_line(sim, archive_of) -> None:
    db = archive_of("catalog")
    holder = sqlite3.connect(db)
    holder.execute("begin immediate")
    try:
        out = xxgk(*crawl_args(sim.url, db, "catalog", "-s", "XXGK_BUSY_TIMEOUT=1"), expect=1)
    finally:
        holder.rollback()
        holder.close()
    assert out.stderr.strip().splitlines() == [f"xxgk crawl: the run could not be started in {db}: database is locked"]
    assert not query(db, "select 1 from runs where status = 'running'")
