"""Store items in the archive: documents with versions and events, categories, attachments.

History, not overwrite: a document row holds the current state; `document_versions` records the
fields a crawl found changed (with the values before and after, and the capture that showed them);
`document_events` records first_seen, changed, disappeared and reappeared. A document disappears
only when a category listing that was complete and healthy in this run no longer lists it.
"""

from __future__ import annotations

import json
from typing import Any

from archive.session import ArchiveSession, dumps, iso, utcnow
from crawler.items import AttachmentItem, CategoryItem, CategoryRunItem, DocumentItem

# Fields compared between crawls (normalized values).
TRACKED = ("title", "category", "category_id", "canonical_url", "item_type", "link_url", "post_url",
           "published_at", "published_date", "year", "written_date", "publisher", "index_no", "doc_number",
           "keywords", "abstract", "body_text", "content_sha256", "attachments")
# Fields a list entry alone determines (used for `type: url` entries, which have no page).
LIST_ONLY = ("title", "category", "category_id", "item_type", "link_url", "post_url", "published_at",
             "published_date", "year", "written_date", "publisher", "index_no", "doc_number", "keywords", "abstract")


def document_values(item: DocumentItem) -> dict[str, Any]:
    return {
        "title": item.title, "category": item.category, "category_id": item.category_id,
        "canonical_url": item.canonical_url, "item_type": item.item_type, "link_url": item.link_url,
        "post_url": item.post_url, "published_at": item.published_at, "published_date": item.published_date,
        "year": item.year, "written_date": item.written_date, "publisher": item.publisher, "index_no": item.index_no,
        "doc_number": item.doc_number, "keywords": item.keywords, "abstract": item.abstract,
        "body_text": item.body_text if item.page_fetched else None,
        "content_sha256": item.content_sha256 if item.page_fetched else None,
        "attachments": dumps([{"id": str(a.get("id")), "name": a.get("name"), "url": a.get("url")} for a in item.attachments])
        if item.page_fetched else None,
    }


class StorePipeline:
    def __init__(self, session: ArchiveSession, stats: Any):
        self.session = session
        self.stats = stats
        self.category_runs: list[CategoryRunItem] = []

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(ArchiveSession.for_crawler(crawler), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentItem):
            self.store_document(item)
        elif isinstance(item, AttachmentItem):
            self.store_attachment(item)
        elif isinstance(item, CategoryItem):
            self.store_category(item)
        elif isinstance(item, CategoryRunItem):
            self.store_category_run(item)
        return item

    def close_spider(self) -> None:
        self.mark_disappeared()
        self.session.commit()

    # ------------------------------------------------------------ documents

    def doc_id(self, item: DocumentItem) -> str:
        return f"{item.agency}/{item.channel}/{item.native_id}"

    def store_document(self, item: DocumentItem) -> None:
        db, now, run = self.session.db, iso(utcnow()), self.session.run_id
        doc_id = self.doc_id(item)
        values = document_values(item)
        capture = item.page_capture_id or item.list_capture_id or None
        row = next(db.query("select * from documents where id = ?", [doc_id]), None)
        if row is None:
            record = {"id": doc_id, "agency": item.agency, "channel": item.channel, "native_id": item.native_id,
                      **values, "listing_source": item.listing_source, "list_fingerprint": item.list_fingerprint
                      if (item.page_fetched or item.item_type != "normal") else None,
                      "capture_id": capture, "first_seen_at": now, "last_seen_at": now, "status": "live",
                      "first_run_id": run, "last_run_id": run}
            db["documents"].insert(record)
            self._version(doc_id, capture, {k: v for k, v in values.items() if v is not None}, {})
            self._event(doc_id, "first_seen", capture, {"source": item.listing_source})
            self.stats.inc_value("xxgk/documents/new")
        else:
            update: dict[str, Any] = {"last_seen_at": now, "last_run_id": run}
            if row["status"] != "live":
                update.update(status="live", disappeared_at=None)
                self._event(doc_id, "reappeared", capture, {"disappeared_at": row["disappeared_at"]})
                self.stats.inc_value("xxgk/documents/reappeared")
            compare = TRACKED if item.page_fetched else (LIST_ONLY if item.item_type != "normal" else ())
            changed = {k: values[k] for k in compare if values[k] != row[k]}
            if changed:
                first_read = item.page_fetched and row["content_sha256"] is None
                previous = {k: row[k] for k in changed}
                update.update(changed, capture_id=capture, list_fingerprint=item.list_fingerprint)
                self._version(doc_id, capture, changed, previous)
                if not first_read:  # completing a record first stored from its list entry is not a change
                    self._event(doc_id, "changed", capture, {"fields": sorted(changed)})
                    self.stats.inc_value("xxgk/documents/changed")
            else:
                if item.page_fetched or item.item_type != "normal":
                    update["list_fingerprint"] = item.list_fingerprint
                self.stats.inc_value("xxgk/documents/unchanged")
            db["documents"].update(doc_id, update)
        db["observations"].insert({"document_id": doc_id, "run_id": run, "source": item.listing_source,
                                   "capture_id": capture, "observed_at": now})
        for check in item.checks:
            db["document_checks"].insert({"document_id": doc_id, "run_id": run, "capture_id": capture,
                                          "field": check.get("field"), "table_value": str(check.get("table_value", "")),
                                          "detail_value": str(check.get("detail_value", ""))})
        self.session.wrote()

    def _version(self, doc_id: str, capture: str | None, values: dict[str, Any], previous: dict[str, Any]) -> None:
        self.session.db["document_versions"].insert({
            "document_id": doc_id, "run_id": self.session.run_id, "capture_id": capture, "observed_at": iso(utcnow()),
            "changed_fields": dumps(sorted(values)), "values": dumps(values), "previous": dumps(previous)})

    def _event(self, doc_id: str, event: str, capture: str | None, details: dict[str, Any]) -> None:
        self.session.db["document_events"].insert({"document_id": doc_id, "run_id": self.session.run_id, "event": event,
                                                   "at": iso(utcnow()), "capture_id": capture, "details": dumps(details)})

    # ------------------------------------------------------------ attachments, categories

    def store_attachment(self, item: AttachmentItem) -> None:
        db, now = self.session.db, iso(utcnow())
        att_id = f"{item.agency}/{item.native_id}"
        doc_id = f"{item.agency}/catalog/{item.document_native_id}"
        row = next(db.query("select * from attachments where id = ?", [att_id]), None)
        record = {"id": att_id, "document_id": doc_id, "native_id": item.native_id, "url": item.url, "name": item.name,
                  "file_name": item.file_name, "mime": item.mime, "declared_size": item.declared_size, "last_seen_at": now}
        if item.status == "not_modified" and row is None:
            # A 304 for a file this archive has not recorded yet (its crawl was interrupted after the
            # download): the evidence is the earlier full capture the validators came from.
            prior = next(db.query("select id, sha256, payload_length from captures where url = ? and status = 200 "
                                  "order by fetched_at desc limit 1", [item.url]), None)
            if prior is not None:
                record.update(size=prior["payload_length"], sha256=prior["sha256"], status="ok", capture_id=prior["id"])
            else:
                record.update(status="failed")
        elif item.status != "not_modified":
            record.update(size=item.size, sha256=item.sha256 or None, status=item.status, capture_id=item.capture_id or None)
        if row is None:
            record["first_seen_at"] = now
            db["attachments"].insert(record)
        else:
            db["attachments"].update(att_id, record)
        self.session.wrote()

    def store_category(self, item: CategoryItem) -> None:
        now = iso(utcnow())
        cat_id = f"{item.agency}/catalog/{item.native_id}"
        table = self.session.db["categories"]
        record = {"id": cat_id, "agency": item.agency, "channel": "catalog", "native_id": item.native_id, "name": item.name,
                  "parent_id": item.parent_id, "jump_url": item.jump_url, "is_leaf": int(item.is_leaf),
                  "post_count": item.post_count, "last_seen_at": now, "last_run_id": self.session.run_id}
        if table.count_where("id = ?", [cat_id]):
            table.update(cat_id, record)
        else:
            table.insert({**record, "first_seen_at": now})
        self.session.wrote()

    def store_category_run(self, item: CategoryRunItem) -> None:
        self.category_runs.append(item)
        self.session.db["category_runs"].insert({
            "run_id": self.session.run_id, "category_id": f"{item.agency}/catalog/{item.native_id}", "agency": item.agency,
            "name": item.name, "stated_post_count": item.stated_post_count, "api_total": item.api_total,
            "harvested": item.harvested, "search_backfilled": item.search_backfilled, "pages_fetched": item.pages_fetched,
            "stop_reason": item.stop_reason, "complete": int(item.complete), "healthy": int(item.healthy),
            "window": int(item.window), "notes": json.dumps(item.notes, ensure_ascii=False)})
        self.session.completeness.append({k: v for k, v in item.__dict__.items() if k != "listed_ids"})
        self.session.wrote()

    # ------------------------------------------------------------ disappearance

    def mark_disappeared(self) -> None:
        """Documents no longer listed by a complete and healthy category listing of this run."""
        trusted = {str(c.native_id) for c in self.category_runs if c.complete and c.healthy}
        if not trusted:
            return
        listed = {i for c in self.category_runs for i in c.listed_ids}
        agency = self.category_runs[0].agency
        marks = ",".join("?" for _ in trusted)
        rows = list(self.session.db.query(
            f"select id, native_id, category_id from documents where agency = ? and channel = 'catalog' "
            f"and status = 'live' and item_type is not null and category_id in ({marks})", [agency, *sorted(trusted)]))
        now = iso(utcnow())
        for row in rows:
            if row["native_id"] in listed:
                continue
            self.session.db["documents"].update(row["id"], {"status": "disappeared", "disappeared_at": now})
            self._event(row["id"], "disappeared", None, {"category_id": row["category_id"], "run_id": self.session.run_id})
            self.stats.inc_value("xxgk/documents/disappeared")
            self.session.wrote()
