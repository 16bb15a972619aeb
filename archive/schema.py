"""The archive's SQLite schema, as sqlite-utils migrations.

Every derived row points at the capture it came from; history is kept as versions (changed
fields only) and events, never by overwriting. Times: `*_at` columns are UTC ISO-8601 instants;
`*_date` columns are Asia/Shanghai local dates (YYYY-MM-DD).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Database, Migrations

migrations = Migrations("xxgk")


@migrations()
def m001_core(db: Database) -> None:
    db["agencies"].create({"id": str, "name": str, "host": str, "registry": str}, pk="id")
    db["runs"].create({
        "id": str, "agency": str, "channel": str, "started_at": str, "ended_at": str,
        "status": str,  # running | ok | partial | failed | interrupted
        "pid": int, "settings": str, "stats": str, "completeness": str, "summary": str, "warc_files": str,
        "error": str,
    }, pk="id", foreign_keys=[("agency", "agencies", "id")])
    db["runs"].create_index(["agency", "channel", "started_at"])
    db["captures"].create({
        "id": str, "run_id": str, "url": str, "method": str, "status": int,
        # ok | blocked | error | not_modified | revisit
        "outcome": str, "blocked_reason": str, "error": str,
        "content_type": str, "request_headers": str, "response_headers": str,
        "sha256": str, "payload_length": int, "warc_file": str, "warc_offset": int, "warc_length": int,
        "warc_record_id": str, "revisit_of": str, "fetched_at": str, "discovery": str, "ip_address": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["captures"].create_index(["url"])
    db["captures"].create_index(["sha256"])
    db["captures"].create_index(["run_id"])
    db["categories"].create({
        "id": str, "agency": str, "channel": str, "native_id": int, "name": str, "parent_id": int,
        "jump_url": str, "is_leaf": int, "post_count": int, "first_seen_at": str, "last_seen_at": str,
        "last_run_id": str,
    }, pk="id", foreign_keys=[("agency", "agencies", "id")])
    db["category_runs"].create({
        "run_id": str, "category_id": str, "agency": str, "name": str, "stated_post_count": int,
        "api_total": int, "harvested": int, "search_backfilled": int, "pages_fetched": int,
        "stop_reason": str, "complete": int, "healthy": int, "window": int, "notes": str,
    }, pk=("run_id", "category_id"))
    db["documents"].create({
        "id": str, "agency": str, "channel": str, "native_id": str, "canonical_url": str, "title": str,
        "category": str, "category_id": str, "published_at": str, "published_date": str, "year": int,
        "written_date": str, "publisher": str, "index_no": str, "doc_number": str, "keywords": str,
        "abstract": str, "body_text": str, "item_type": str, "link_url": str, "post_url": str,
        "listing_source": str, "list_fingerprint": str, "content_sha256": str, "attachments": str, "capture_id": str,
        "first_seen_at": str, "last_seen_at": str, "disappeared_at": str, "status": str,
        "first_run_id": str, "last_run_id": str,
    }, pk="id", foreign_keys=[("agency", "agencies", "id"), ("capture_id", "captures", "id")])
    for cols in (["agency", "channel", "year"], ["category_id"], ["published_date"], ["status"], ["canonical_url"]):
        db["documents"].create_index(cols)
    db["document_versions"].create({
        "id": int, "document_id": str, "run_id": str, "capture_id": str, "observed_at": str,
        "changed_fields": str, "values": str, "previous": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("capture_id", "captures", "id")])
    db["document_versions"].create_index(["document_id"])
    db["document_events"].create({
        "id": int, "document_id": str, "run_id": str, "event": str, "at": str, "capture_id": str, "details": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")])
    db["document_events"].create_index(["document_id"])
    db["document_events"].create_index(["event", "at"])
    db["document_checks"].create({
        "id": int, "document_id": str, "run_id": str, "capture_id": str, "field": str,
        "table_value": str, "detail_value": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")])
    db["attachments"].create({
        "id": str, "document_id": str, "native_id": str, "url": str, "name": str, "file_name": str,
        "mime": str, "declared_size": int, "size": int, "sha256": str, "status": str, "capture_id": str,
        "first_seen_at": str, "last_seen_at": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")])
    db["attachments"].create_index(["document_id"])


@migrations()
def m002_website_and_wechat(db: Database) -> None:
    # Website: an article listed in several columns is one document with several memberships; a
    # website article that is also a catalog document (same post id) links to its twin.
    db["documents"].add_column("twin_id", str)
    db["document_columns"].create({
        "document_id": str, "column_path": str, "column_name": str, "first_seen_at": str, "last_seen_at": str,
        "last_run_id": str,
    }, pk=("document_id", "column_path"), foreign_keys=[("document_id", "documents", "id")])
    # Coverage beyond catalog categories: website columns (the 100-page cap) and WeChat listers.
    db["category_runs"].add_column("channel", str)
    db["category_runs"].add_column("oldest_date", str)
    db["category_runs"].add_column("capped", int)
    # WeChat: articles are documents (channel 'wechat', native id "{biz}/{mid}/{idx}"); these tables
    # hold what only WeChat has. Pushes are kept as well as articles.
    db["wechat_pushes"].create({
        "id": str, "agency": str, "biz": str, "mid": int, "msgid": str, "sent_at": str, "sent_date": str,
        "year": int, "notified": int, "n_articles": int, "sources": str, "first_seen_at": str, "last_seen_at": str,
    }, pk="id")
    db["wechat_articles"].create({
        "document_id": str, "biz": str, "mid": int, "idx": int, "sn": str, "push_id": str, "author": str,
        "digest": str, "cover": str, "original": int, "item_show_type": int, "short_url": str, "long_url": str,
        "page_state": str, "state_checked_at": str, "state_capture_id": str, "sources": str,
    }, pk="document_id", foreign_keys=[("document_id", "documents", "id")])
    db["wechat_articles"].create_index(["push_id"])
    # Every observation of a document keeps its source (lister, column, API, search …).
    db["observations"].create({
        "id": int, "document_id": str, "run_id": str, "source": str, "capture_id": str, "observed_at": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")])
    db["observations"].create_index(["document_id"])
    db["observations"].create_index(["source"])
    # Read counts only when credentials made them available, with the time they were read.
    db["metrics"].create({
        "id": int, "document_id": str, "run_id": str, "read_num": int, "like_num": int, "share_num": int,
        "source": str, "read_at": str, "capture_id": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")])


@migrations()
def m003_reconciliation(db: Database) -> None:
    # One reconciliation = one annual report's claims against the archive, for an agency and year.
    db["reconciliations"].create({
        "id": str, "agency": str, "year": int, "report_source": str, "report_sha256": str, "report_document_id": str,
        "claims": str, "checks": str, "notes": str, "summary": str, "created_at": str, "runs": str,
    }, pk="id")
    db["reconciliation_rows"].create({
        "id": int, "reconciliation_id": str, "claim_index": int, "kind": str, "channel": str, "category": str,
        "claimed": float, "approx": int, "unit": str, "quote": str, "quote_start": int, "quote_end": int,
        "observed": int, "observed_live": int, "delta": int, "status": str, "interpretation": str,
        "document_ids": str, "caveats": str, "method": str,
    }, pk="id", foreign_keys=[("reconciliation_id", "reconciliations", "id")])
    db["reconciliation_rows"].create_index(["reconciliation_id"])


@migrations()
def m004_schedule_jobs(db: Database) -> None:
    # The scheduler's journal: every job, skipped ones included (archive/schedule.py).
    db["schedule_jobs"].create({
        "id": str, "trigger": str, "started_at": str, "ended_at": str,
        "outcome": str,  # running | ok | degraded | failed | skipped | interrupted | error
        "detail": str, "pid": int, "host": str, "agencies": str, "channels": str, "years": str,
        "runs": str, "steps": str, "published": str, "health_file": str, "webhook": str,
    }, pk="id", if_not_exists=True)
    db["schedule_jobs"].create_index(["started_at"], if_not_exists=True)


@migrations()
def m005_annual_report_names(db: Database) -> None:
    # "report" alone meant both the agency's annual report and our audit report: name the annual one.
    for column in ("source", "sha256", "document_id"):
        db.execute(f"alter table reconciliations rename column report_{column} to annual_report_{column}")
    db.execute("update reconciliations set summary = json_set(json_remove(summary, '$.report'), '$.annual_report', "
               "json(json_extract(summary, '$.report'))) where json_type(summary, '$.report') = 'object'")


@migrations()
def m006_reconciliation_quotes(db: Database) -> None:
    # A claim the report states twice is one row with every quote; parts name their total's row; the bound
    # (exact, lower, approx) is kept on the row; mapping = the catalog categories / website columns counted.
    for column, kind in (("quotes", str), ("part_of", int), ("bound", str), ("mapping", str)):
        db["reconciliation_rows"].add_column(column, kind)


@migrations()
def m007_agency_audits(db: Database) -> None:
    # One row per cross-agency reconciliation (`xxgk reconcile|report --agency all …`): every agency asked for,
    # with its outcome (reconciled, no_report, failed), the reason and the reconciliation it produced.
    db["agency_audits"].create({
        "id": str, "year": int, "scope": str, "created_at": str, "agencies": str, "summary": str,
    }, pk="id", if_not_exists=True)
    db["agency_audits"].create_index(["year", "created_at"], if_not_exists=True)


@migrations()
def m008_search_index(db: Database) -> None:
    # Chinese full-text search lives in the archive (archive/search_index.py): an FTS5 index of the documents,
    # kept current by the store in the same transaction as each document. Existing documents are indexed here
    # (with progress); the tables earlier versions built at serve or publish time are dropped.
    from archive import search_index

    for old in ("documents_search_fts", "documents_search"):
        db.execute(f"drop table if exists [{old}]")
    search_index.build(db.conn, progress=search_index.migration_progress())


@migrations()
def m009_facet_indexes(db: Database) -> None:
    # The documents table's default facets (agency, channel, category, year, status) count from an index each
    # instead of reading every row; under a channel (the commonest facet click) every other facet is counted
    # from one covering index, and its newest documents are read in order instead of sorted.
    for cols in (["channel", "agency", "category", "year", "status"], ["channel", "published_date"], ["category"],
                 ["year"]):
        db["documents"].create_index(cols, if_not_exists=True)


@migrations()
def m010_facet_counts(db: Database) -> None:
    # The documents table's default facets answered from counts the archive keeps exact with triggers
    # (archive/facet_counts.py) instead of counting up to every document on each page.
    from archive import facet_counts

    facet_counts.create(db.conn)


@migrations()
def m011_url_lookups(db: Database) -> None:
    # A WeChat listing that names an article only by its URL is matched to the document its URL led to before
    # (ArchiveSession.document_for_url): without these, every such entry read the whole wechat_articles and
    # documents tables (3 ms an entry at a thousand articles, a full scan of a million documents at scale).
    db["wechat_articles"].create_index(["short_url"], if_not_exists=True)
    db["wechat_articles"].create_index(["long_url"], if_not_exists=True)
    db["documents"].create_index(["capture_id"], if_not_exists=True)


def dumps(value: Any) -> str:
    """A JSON column's value as stored: UTF-8 text, sorted keys, anything else as its string."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class ArchiveError(Exception):
    """An archive database that cannot be used as asked (garbage, truncated, read-only, newer schema); the
    message says which file and why, in one line."""


class ArchiveWriteError(ArchiveError):
    """The archive is sound but this write did not fit (disk full, file size limit, I/O error): a failure of
    the moment, not of the input; SQLite rolled the transaction back, so nothing stored was changed."""


# SQLite's words for a write the device refused (SQLITE_FULL, SQLITE_IOERR), not for a damaged file.
_WRITE_FAILURES = ("database or disk is full", "disk I/O error", "File too large")


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file(path: str | Path) -> None:
    """Raise ArchiveError unless `path` looks like a whole SQLite database (header and size; cheap, no open)."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"no archive database at {path}" + (" (it is not a regular file)" if path.exists() else ""))
    try:
        with open(path, "rb") as f:
            header = f.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveError(f"archive database {path} cannot be read: {exc.strerror or exc}") from exc
    if not header:
        raise ArchiveError(f"archive database {path} is an empty file, not an archive")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise ArchiveError(f"{path} is not an SQLite database (damaged, or another kind of file)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages, valid_for, changes = (int.from_bytes(header[i:i + 4], "big") for i in (28, 92, 24))
    if page_size < 512 or page_size & (page_size - 1):
        raise ArchiveError(f"archive database {path} has a damaged header (page size {page_size})")
    if pages and valid_for == changes and size < pages * page_size:
        raise ArchiveError(f"archive database {path} is truncated: {size} bytes of the {pages * page_size} its "
                           "header announces")


def unknown_migrations(db: Database) -> list[str]:
    """Migrations applied to this archive that this code does not know: a newer xxgk-archive migrated it."""
    known = {m.name for m in migrations._migrations}
    return [m.name for m in migrations.applied(db) if m.name not in known]


def _refuse_newer(db: Database, path: Path) -> None:
    newer = unknown_migrations(db)
    if newer:
        latest = migrations._migrations[-1].name
        raise ArchiveError(f"archive database {path} was migrated by a newer xxgk-archive (schema "
                           f"{', '.join(newer)}; this version knows up to {latest}): refusing to write it; "
                           "upgrade xxgk-archive")


def _describe(exc: sqlite3.Error, path: Path) -> ArchiveError:
    text = str(exc)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return ArchiveError(f"archive database {path} cannot be written ({text}): check the file's and its "
                            "folder's permissions")
    if "locked" in text or "busy" in text:
        return ArchiveError(f"archive database {path} is locked by another process ({text})")
    if any(words in text for words in _WRITE_FAILURES):
        return ArchiveWriteError(f"archive database {path} could not be written ({text}): the disk is full or a "
                                 "file size limit was reached; nothing already stored was changed")
    return ArchiveError(f"archive database {path} is unreadable ({text}): damaged or not an archive")


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) an archive database, in WAL mode, with every migration applied.

    Raises ArchiveError for a file that is not a whole SQLite database, cannot be written, or was migrated
    by a newer version (whose migrations this code does not know: it is never written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        reader, _ = open_read(path)  # unreadable or newer: refused before anything could write to it
        try:
            _refuse_newer(reader, path)
        finally:
            reader.close()
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise ArchiveError(f"archive database {path} cannot be written (read-only file or folder)")
    db = None
    try:
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA busy_timeout = 30000")
        if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db)
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        raise _describe(exc, path) from exc
    except ArchiveError:
        if db is not None:
            db.close()
        raise
    return db


def open_read(path: str | Path) -> tuple[Database, str]:
    """Open an existing archive for reading only (never written, never migrated): the database and a note
    for the user ("" when there is nothing to say). Raises ArchiveError when it cannot be read."""
    path = Path(path)
    check_file(path)
    # A file nothing can write (read-only file system or permissions) cannot change under us: opened
    # immutable, SQLite needs no -shm/-wal next to it (a WAL archive in a read-only folder opens too).
    frozen = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    try:
        conn = sqlite3.connect(f"file:{path}?{'immutable=1' if frozen else 'mode=ro'}", uri=True)
        conn.execute("PRAGMA busy_timeout = 30000")
        db = sqlite_utils.Database(conn)
        db.execute("select count(*) from sqlite_master").fetchone()
        newer, pending = unknown_migrations(db), [m.name for m in migrations.pending(db)]
    except sqlite3.Error as exc:
        raise _describe(exc, path) from exc
    note = ""
    if newer:
        note = (f"archive {path} was migrated by a newer xxgk-archive ({', '.join(newer)}): reading it anyway, "
                "some columns may be missing")
    elif pending:
        note = f"archive {path} predates migration(s) {', '.join(pending)}: reading it as it is"
    return db, note
