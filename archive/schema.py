"""The archive's SQLite schema, as sqlite-utils migrations.

Every derived row points at the capture it came from; history is kept as versions (changed
fields only) and events, never by overwriting. Times: `*_at` columns are UTC ISO-8601 instants;
`*_date` columns are Asia/Shanghai local dates (YYYY-MM-DD).
"""

from __future__ import annotations

from pathlib import Path

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


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) an archive database, in WAL mode, with every migration applied."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db
