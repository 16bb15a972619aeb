"""One crawl's write session: the run row, the WARC files and batched SQLite transactions.

Every write of a crawl process goes through one `ArchiveSession`, opened and closed by the crawl's
run-log extension (`crawler/extensions/runlog.py`), which the capture middleware and the store
pipeline ask for it. Writes happen inside
an open transaction committed every `batch_size` operations or `batch_seconds`, so a crawl killed
with SIGKILL loses at most the last uncommitted batch and never leaves half a document: rows are
written in the order the responses arrived, and a document row is committed together with (or
after) the capture it points to.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .ids import new_id
from .lock import pid_alive
from .rows import Rows
from .schema import dumps, open_db
from .search_index import PendingIndex
from .times import iso, utcnow
from .warcstore import WarcStore


class StorageError(Exception):
    """The archive cannot be written (disk full, database locked, I/O error): the crawl must stop."""


# What a failing disk or database raises: SQLite's operational errors (locked, disk full, I/O error), a damaged
# file (the bare DatabaseError "database disk image is malformed"), and OSError (ENOSPC, EFBIG, EIO) from WARC
# writes. A constraint violation (IntegrityError) is a bug in what was stored, not a storage failure.
STORAGE_ERRORS = (sqlite3.OperationalError, OSError)


def storage_failure(exc: BaseException) -> bool:
    return isinstance(exc, STORAGE_ERRORS) or type(exc) is sqlite3.DatabaseError


class ArchiveSession:
    # Whether `record_seen` may write here (a shared frontier's worker session is read-only: its unchanged
    # documents go to the writer as items).
    records_seen = True

    def __init__(self, db_path: str | Path, warc_dir: str | Path, agency: dict[str, Any], channel: str,
                 settings: dict[str, Any], software: str, batch_size: int = 200, batch_seconds: float = 2.0,
                 busy_timeout: float = 30.0):
        self.db_path = Path(db_path)
        self.db: Database = open_db(self.db_path)
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self.rows = Rows(self.db.conn)  # the hot path's prepared statements (sqlite-utils stays for the rest)
        self.search_index = PendingIndex()  # written just before each commit
        self.agency = agency
        self.channel = channel
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self._pending = 0
        self._last_commit = time.monotonic()
        self.completeness: list[dict[str, Any]] = []  # per-category coverage, gathered by the store pipeline
        self.run_id = new_id("run-")
        self.broken = ""  # why the archive stopped accepting writes, once it did
        self.on_broken: Callable[[str], None] | None = None  # set by the run-log extension: stops the crawl
        try:
            self.recover_interrupted()
            self.db["agencies"].upsert({"id": agency["id"], "name": agency["name"], "host": agency["host"],
                                        "registry": dumps(agency)}, pk="id")
            self.db["runs"].insert({"id": self.run_id, "agency": agency["id"], "channel": channel,
                                    "started_at": iso(utcnow()), "status": "running", "pid": os.getpid(),
                                    "settings": dumps(settings)})
        except sqlite3.Error as exc:
            self.db.close()
            raise StorageError(f"the run could not be started in {self.db_path}: {exc}") from exc
        self.warc = WarcStore(warc_dir, self.run_id, software, info={"agency": agency["id"], "channel": channel})
        self.db.begin()

    # ------------------------------------------------------------ storage failures

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Writes inside this block that fail for storage reasons (disk full, database locked, I/O error)
        stop the crawl: the first failure is recorded and reported once, every later write is refused, so
        nothing is half-stored after it."""
        if self.broken:
            raise StorageError(self.broken)
        try:
            yield
        except (sqlite3.DatabaseError, OSError) as exc:
            if not storage_failure(exc):
                raise
            self.fail(f"{type(exc).__name__}: {exc}")
            raise StorageError(self.broken) from exc

    def fail(self, reason: str) -> None:
        if self.broken:
            return
        self.broken = f"the archive could not be written: {reason}"
        if self.on_broken is not None:
            self.on_broken(self.broken)

    # ------------------------------------------------------------ transactions

    def wrote(self, n: int = 1) -> None:
        """Count writes; commit the batch when it is big or old enough."""
        self._pending += n
        if self._pending >= self.batch_size or time.monotonic() - self._last_commit >= self.batch_seconds:
            self.commit()

    def commit(self) -> None:
        self.search_index.flush(self.db.conn)
        self.db.commit()
        self._pending = 0
        self._last_commit = time.monotonic()
        self.db.begin()

    # ------------------------------------------------------------ runs

    def recover_interrupted(self) -> None:
        """Runs left 'running' by a killed process become 'interrupted' (their pid is gone)."""
        for row in self.db.query("select id, pid from runs where status = 'running'"):
            if row["pid"] and pid_alive(row["pid"]) and row["pid"] != os.getpid():
                continue
            self.db["runs"].update(row["id"], {"status": "interrupted", "ended_at": iso(utcnow()),
                                               "error": "the crawl process ended without closing its run"})

    def finish(self, status: str, stats: dict[str, Any], completeness: list[dict[str, Any]],
               summary: dict[str, Any], error: str = "", patience: float = 30.0) -> str | None:
        """Close the run with its final status; None when recorded, else why it could not be.

        A broken archive first drops the writes of its last, unfinished batch (so nothing half-stored is
        committed), then the run row alone is written: it is small enough to fit where the batch did not.
        A locked database is waited for up to `patience` seconds."""
        with contextlib.suppress(*STORAGE_ERRORS):
            self.warc.close()
        if self.broken:
            with contextlib.suppress(sqlite3.Error):
                self.db.conn.rollback()
        row = {"ended_at": iso(utcnow()), "status": status, "stats": dumps(stats), "completeness": dumps(completeness),
               "summary": dumps(summary), "warc_files": dumps(self.warc.files), "error": error}
        deadline = time.monotonic() + patience
        problem: str | None = None
        while True:
            try:
                if self.db.conn.in_transaction and self.broken:
                    self.db.conn.rollback()
                if not self.broken:
                    self.search_index.flush(self.db.conn)  # the last batch's documents, committed with the run
                self.db["runs"].update(self.run_id, row)
                self.db.conn.commit()
                problem = None
                break
            except sqlite3.Error as exc:
                problem = f"{type(exc).__name__}: {exc}"
                with contextlib.suppress(sqlite3.Error):
                    self.db.conn.rollback()
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        return problem

    # ------------------------------------------------------------ captures

    def previous_capture(self, url: str, sha256: str) -> dict[str, Any] | None:
        """The earliest full (non-revisit) capture of the same payload of the same URL."""
        return self.rows.one(
            "select id, url, fetched_at, warc_file, warc_offset from captures where url = ? and sha256 = ? "
            "and outcome in ('ok', 'blocked') and revisit_of is null order by fetched_at limit 1", [url, sha256])

    def last_validators(self, url: str) -> dict[str, str]:
        """ETag / Last-Modified of the latest 200 capture of a URL (for conditional requests)."""
        row = self.db.conn.execute(
            "select response_headers from captures where url = ? and status = 200 order by fetched_at desc limit 1",
            [url]).fetchone()
        if row is None:
            return {}
        headers = {k.lower(): v for k, v in json.loads(row[0] or "[]")}
        return {k: headers[k] for k in ("etag", "last-modified") if k in headers}

    def stored_fingerprint(self, document_id: str) -> str | None:
        """The list fingerprint of a document archived completely: its page read and every attachment
        it lists stored (None otherwise, so an interrupted crawl's loose ends are fetched again)."""
        return self.stored_fingerprints([document_id]).get(document_id)

    def stored_fingerprints(self, document_ids: list[str]) -> dict[str, str | None]:
        """`stored_fingerprint` of many documents (None for each not archived completely), a list page's worth
        in one query rather than one each."""
        return {k: v[0] for k, v in self.stored_listing(document_ids).items()}

    def stored_listing(self, document_ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """(list fingerprint, status) of each document archived completely; (None, None) for the others."""
        found: dict[str, tuple[str | None, str | None]] = dict.fromkeys(document_ids, (None, None))
        for i in range(0, len(document_ids), 500):  # under SQLite's limit on bound parameters
            chunk = document_ids[i:i + 500]
            found.update((doc, (fingerprint, status)) for doc, fingerprint, status in self.db.conn.execute(
                "select id, list_fingerprint, status from documents d where id in (" + ",".join("?" * len(chunk)) +
                ") and (content_sha256 is not null or exists (select 1 from wechat_articles w where w.document_id = d.id "
                "and w.page_state in ('deleted', 'violation'))) and (select count(*) from attachments a where "
                "a.document_id = d.id and a.status in ('ok', 'not_modified')) >= "
                "json_array_length(coalesce(d.attachments, '[]'))", chunk))
        return found

    def record_seen(self, seen: list[tuple[str, str, str | None, list[dict[str, Any]]]]) -> None:
        """Documents listed unchanged, (document id, listing source, capture id, checks) each: what the store
        pipeline writes for one (last seen, an observation, its checks), a list page's worth in three statements.
        The page counts as one write towards the batch's commit: its rows are small, and a commit every two
        list pages (at 100 documents each) cost more CPU than the statements themselves."""
        now, run = iso(utcnow()), self.run_id
        with self.guard():
            conn = self.db.conn
            conn.executemany("update documents set last_seen_at = ?, last_run_id = ? where id = ?",
                             [(now, run, doc) for doc, _, _, _ in seen])
            conn.executemany("insert into observations (document_id, run_id, source, capture_id, observed_at) "
                             "values (?, ?, ?, ?, ?)", [(doc, run, source, cap, now) for doc, source, cap, _ in seen])
            conn.executemany("insert into document_checks (document_id, run_id, capture_id, field, table_value, "
                             "detail_value) values (?, ?, ?, ?, ?, ?)",
                             [(doc, run, cap, c.get("field"), str(c.get("table_value", "")), str(c.get("detail_value", "")))
                              for doc, _, cap, checks in seen for c in checks])
            self.wrote()

    def document_for_url(self, url: str) -> str | None:
        """The document a listed URL led to before (WeChat short links carry no identity of their own)."""
        if not url:
            return None
        row = self.db.conn.execute("select document_id from wechat_articles where short_url = ? or long_url = ? limit 1",
                              [url, url]).fetchone()
        if row is None:  # else the document whose page was read from that URL
            row = self.db.conn.execute("select d.id from documents d join captures c on c.id = d.capture_id "
                                  "where c.url = ? limit 1", [url]).fetchone()
        return row[0] if row else None

    def native_id(self, document_id: str) -> str | None:
        row = self.db.conn.execute("select native_id from documents where id = ?", [document_id]).fetchone()
        return row[0] if row else None

    def add_capture(self, row: dict[str, Any]) -> str:
        row = {**row, "run_id": self.run_id}
        row.setdefault("id", new_id("cap-"))
        with self.guard():
            self.rows.insert("captures", row)
            self.wrote()
        return row["id"]
