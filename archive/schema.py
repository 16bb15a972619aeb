"""The archive's SQLite schema, as sqlite-utils migrations.

Every derived row points at the capture it came from; history is kept as versions (changed
fields only) and events, never by overwriting. Times: `*_at` columns are UTC ISO-8601 instants;
`*_date` columns are Asia/Shanghai local dates (YYYY-MM-DD).
"""

from __future__ import annotations

import json
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


def dumps(value: Any) -> str:
    """A JSON column's value as stored: UTF-8 text, sorted keys, anything else as its string."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


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
