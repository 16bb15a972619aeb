"""Store items in the archive: documents with versions and events, categories, attachments.

History, not overwrite: a document row holds the current state; `document_versions` records the
fields a crawl found changed (with the values before and after, and the capture that showed them);
`document_events` records first_seen, changed, disappeared and reappeared. A document disappears
only when a category listing that was complete and healthy in this run no longer lists it.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exceptions import DropItem

from archive.ids import attachment_id, category_id, document_id
from archive.schema import dumps
from archive.search_index import FIELDS as SEARCHED
from archive.session import ArchiveSession, StorageError
from archive.times import iso, to_instants, utcnow
from crawler.extensions.runlog import archive_session
from crawler.idset import IdSet
from crawler.items import (
    AttachmentItem,
    CategoryItem,
    CategoryRunItem,
    DocumentItem,
    MetricItem,
    ObservationItem,
    WechatPushItem,
)

# Fields compared between crawls (normalized values).
TRACKED = ("title", "category", "category_id", "canonical_url", "item_type", "link_url", "post_url",
           "published_at", "published_date", "year", "written_date", "publisher", "index_no", "doc_number",
           "keywords", "abstract", "body_text", "content_sha256", "attachments")
# Fields a list entry alone determines (used for `type: url` entries, which have no page).
LIST_ONLY = ("title", "category", "category_id", "item_type", "link_url", "post_url", "published_at",
             "published_date", "year", "written_date", "publisher", "index_no", "doc_number", "keywords", "abstract")

SEARCHED_SELECT = f"select {', '.join(SEARCHED)} from documents where id = ?"


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


def settled(item: DocumentItem) -> bool:
    """Whether this observation read everything there is to read: the page, a link-only entry, or a
    WeChat page that is gone for good. Only then may a later crawl skip it when its listing is unchanged."""
    return item.page_fetched or item.item_type != "normal" or item.extra.get("state") in ("deleted", "violation")


def alive(item: DocumentItem) -> bool:
    """Whether this observation shows the document alive. Being listed is enough for the catalog and the
    website; a WeChat article is alive only when its page was read and is not deleted or violating (listers
    keep listing deleted articles, so a listing alone says nothing about them)."""
    if item.channel == "wechat":
        return item.extra.get("state") == "ok"
    return True


class StorePipeline:
    def __init__(self, session: ArchiveSession, stats: Any, spider: Any = None):
        self.session = session
        self.stats = stats
        self.spider = spider
        self.category_runs: list[CategoryRunItem] = []
        self.observations: list[ObservationItem] = []  # applied at the end, when every document is stored
        self.rows = session.rows  # prepared statements (archive/rows.py), in the session's open transaction

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(archive_session(crawler), crawler.stats, crawler.spider)

    def process_item(self, item: Any) -> Any:
        try:
            with self.session.guard():
                self.store(item)
        except StorageError as exc:
            # The first failure stops the crawl (ArchiveSession.fail); this item and any in flight are not stored.
            raise DropItem(f"not stored: {exc}") from None
        return item

    def store(self, item: Any) -> None:
        if isinstance(item, DocumentItem):
            self.store_document(item)
        elif isinstance(item, AttachmentItem):
            self.store_attachment(item)
        elif isinstance(item, CategoryItem):
            self.store_category(item)
        elif isinstance(item, CategoryRunItem):
            self.store_category_run(item)
        elif isinstance(item, WechatPushItem):
            self.store_push(item)
        elif isinstance(item, MetricItem):
            self.store_metric(item)
        elif isinstance(item, ObservationItem):
            self.observations.append(item)

    def close_spider(self) -> None:
        if self.session.broken:
            return  # what this run saw was not all stored: conclude nothing from it (no disappearances)
        try:
            with self.session.guard():
                for item in getattr(self.spider, "leftover_items", list)():
                    self.store(item)  # listers that never finished are recorded, not dropped
                self.store_observations()
                self.store_memberships()
                self.mark_disappeared()
                self.session.commit()
        except StorageError:
            pass  # recorded by the session; the run ends failed

    def store_observations(self) -> None:
        """Listings of documents another lister already led to: each is an observation, and its lister a
        source of the article, whatever order the listers answered in (so two identical crawls agree)."""
        now, run = iso(utcnow()), self.session.run_id
        for obs in self.observations:
            doc_id = document_id(obs.agency, obs.channel, obs.native_id) if obs.native_id else None
            if not (doc_id and self.rows.exists("documents", "id = ?", [doc_id])):
                doc_id = self.session.document_for_url(obs.url)
            if not doc_id:
                continue  # the article it names was never stored (its page failed): nothing to attach it to
            self.rows.insert("observations", {"document_id": doc_id, "run_id": run, "source": obs.source,
                                       "capture_id": obs.capture_id or None, "observed_at": now})
            self.add_source(doc_id, obs.source)
            self.session.wrote()

    def add_source(self, doc_id: str, source: str) -> None:
        """One more lister that lists a WeChat article (the `sources` of its row, a sorted set)."""
        row = self.rows.one("select sources from wechat_articles where document_id = ?", [doc_id])
        if row is not None and source:
            sources = set(json.loads(row["sources"] or "[]")) | {source}
            self.rows.update("wechat_articles", {"document_id": doc_id}, {"sources": dumps(sorted(sources))})

    def store_memberships(self) -> None:
        """Website columns: which columns listed each article (one document, several memberships)."""
        now, run = iso(utcnow()), self.session.run_id
        for c in self.category_runs:
            if c.channel != "website":
                continue
            for native in c.listed_ids:
                doc_id = document_id(c.agency, "website", native)
                if not self.rows.exists("documents", "id = ?", [doc_id]):
                    continue
                key = (doc_id, str(c.native_id))
                if self.rows.exists("document_columns", "document_id = ? and column_path = ?", list(key)):
                    self.rows.update("document_columns", {"document_id": key[0], "column_path": key[1]},
                                     {"last_seen_at": now, "last_run_id": run})
                else:
                    self.rows.insert("document_columns", {"document_id": doc_id, "column_path": str(c.native_id), "column_name": c.name,
                                  "first_seen_at": now, "last_seen_at": now, "last_run_id": run})
                self.session.wrote()

    # ------------------------------------------------------------ documents

    def doc_id(self, item: DocumentItem) -> str:
        return document_id(item.agency, item.channel, item.native_id)

    def store_document(self, item: DocumentItem) -> None:
        now, run = iso(utcnow()), self.session.run_id
        doc_id = self.doc_id(item)
        values = document_values(item)
        capture = item.page_capture_id or item.list_capture_id or None
        # What this observation can change: every tracked field when the page was read, the list's fields for
        # a link-only entry, else nothing (a document listed unchanged: only the columns that say so are read).
        compare = TRACKED if item.page_fetched else (LIST_ONLY if item.item_type != "normal" else ())
        row = self.rows.one(f"select {', '.join(('status', 'disappeared_at', 'content_sha256', *compare))} "
                            "from documents where id = ?", [doc_id])
        if row is None:
            record = {"id": doc_id, "agency": item.agency, "channel": item.channel, "native_id": item.native_id,
                      **values, "listing_source": item.listing_source,
                      "list_fingerprint": item.list_fingerprint if settled(item) else None,
                      "capture_id": capture, "first_seen_at": now, "last_seen_at": now, "status": "live",
                      "first_run_id": run, "last_run_id": run}
            twin = self._twin(item)
            if twin:
                record["twin_id"] = twin
                self.rows.update("documents", {"id": twin}, {"twin_id": doc_id})
            self.rows.insert("documents", record)
            self.session.search_index.reindex(self.rows.conn, doc_id, None, record)  # written before the commit
            self._version(doc_id, capture, {k: v for k, v in values.items() if v is not None}, {})
            self._event(doc_id, "first_seen", capture, {"source": item.listing_source})
            self.stats.inc_value("xxgk/documents/new")
        else:
            update: dict[str, Any] = {"last_seen_at": now, "last_run_id": run}
            if row["status"] != "live" and alive(item):
                update.update(status="live", disappeared_at=None)
                self._event(doc_id, "reappeared", capture, {"disappeared_at": row["disappeared_at"]})
                self.stats.inc_value("xxgk/documents/reappeared")
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
                if settled(item):
                    update["list_fingerprint"] = item.list_fingerprint
                self.stats.inc_value("xxgk/documents/unchanged")
            # The search index needs the stored text it replaces: read only when a searched field changed.
            searched = self.rows.one(SEARCHED_SELECT, [doc_id]) if any(f in changed for f in SEARCHED) else None
            self.rows.update("documents", {"id": doc_id}, update)
            if searched is not None:
                self.session.search_index.reindex(self.rows.conn, doc_id, searched, update)
        self.rows.insert("observations", {"document_id": doc_id, "run_id": run, "source": item.listing_source,
                                          "capture_id": capture, "observed_at": now})
        if item.channel == "wechat" and item.extra.get("biz"):
            self.store_wechat_article(doc_id, item, capture)
        elif item.channel == "wechat":
            self.add_source(doc_id, item.listing_source)  # listed, not fetched (unchanged): still a source
        for check in item.checks:
            self.rows.insert("document_checks", {"document_id": doc_id, "run_id": run, "capture_id": capture,
                                                 "field": check.get("field"),
                                                 "table_value": str(check.get("table_value", "")),
                                                 "detail_value": str(check.get("detail_value", ""))})
        self.session.wrote()

    def _twin(self, item: DocumentItem) -> str | None:
        """A website article and a catalog document with the same post id are one publication."""
        other = {"website": "catalog", "catalog": "website"}.get(item.channel)
        if other is None:
            return None
        twin = document_id(item.agency, other, item.native_id)
        return twin if self.rows.exists("documents", "id = ?", [twin]) else None

    def _version(self, doc_id: str, capture: str | None, values: dict[str, Any], previous: dict[str, Any]) -> None:
        self.rows.insert("document_versions", {
            "document_id": doc_id, "run_id": self.session.run_id, "capture_id": capture, "observed_at": iso(utcnow()),
            "changed_fields": dumps(sorted(values)), "values": dumps(values), "previous": dumps(previous)})

    def _event(self, doc_id: str, event: str, capture: str | None, details: dict[str, Any]) -> None:
        self.rows.insert("document_events", {"document_id": doc_id, "run_id": self.session.run_id, "event": event,
                                                   "at": iso(utcnow()), "capture_id": capture, "details": dumps(details)})

    # ------------------------------------------------------------ WeChat

    def store_wechat_article(self, doc_id: str, item: DocumentItem, capture: str | None) -> None:
        """WeChat-only fields, and the page state: a deleted or violating page ends the document's life."""
        now, x = iso(utcnow()), item.extra
        row = self.rows.one("select * from wechat_articles where document_id = ?", [doc_id])
        push_id = f"{x['biz']}/{x['push_key']}" if x.get("push_key") else (row or {}).get("push_id")
        record = {"document_id": doc_id, "biz": x["biz"], "mid": x["mid"], "idx": x["idx"], "sn": x.get("sn"),
                  "push_id": push_id, "author": x.get("author"), "digest": x.get("digest"), "cover": x.get("cover"),
                  "original": None if x.get("original") is None else int(x["original"]),
                  "item_show_type": x.get("item_show_type"), "long_url": item.canonical_url,
                  "short_url": x.get("short_url") or (row or {}).get("short_url"),
                  "page_state": x.get("state"), "state_checked_at": now, "state_capture_id": capture}
        sources = set(json.loads(row["sources"])) if row and row["sources"] else set()
        record["sources"] = dumps(sorted(sources | {x.get("source") or item.listing_source}))
        if push_id and x.get("mid") and not self.rows.exists("wechat_pushes", "id = ?", [push_id]):
            # Listers that only give links (WeRead, feeds) still reveal the push through the page's mid.
            self.store_push(WechatPushItem(agency=item.agency, biz=x["biz"], push_key=str(x["mid"]),
                                           source=x.get("source") or item.listing_source, mid=x["mid"],
                                           sent_ts=item.published_ts, n_articles=x["idx"] or 0))
        if row is None:
            self.rows.insert("wechat_articles", record)
        else:
            if row["page_state"] != record["page_state"] and record["page_state"]:
                self._version(doc_id, capture, {"page_state": record["page_state"]}, {"page_state": row["page_state"]})
                self._event(doc_id, "changed", capture, {"page_state": [row["page_state"], record["page_state"]]})
                self.stats.inc_value("xxgk/documents/changed")
            self.rows.update("wechat_articles", {"document_id": doc_id}, record)
        doc = self.rows.one("select status from documents where id = ?", [doc_id])
        if record["page_state"] in ("deleted", "violation") and doc["status"] == "live":
            self.rows.update("documents", {"id": doc_id}, {"status": "disappeared", "disappeared_at": now})
            self._event(doc_id, "disappeared", capture, {"page_state": record["page_state"]})
            self.stats.inc_value("xxgk/documents/disappeared")

    def store_push(self, item: WechatPushItem) -> None:
        now = iso(utcnow())
        push_id = f"{item.biz}/{item.push_key}"
        row = self.rows.one("select * from wechat_pushes where id = ?", [push_id])
        sent_at, sent_date, year = to_instants(item.sent_ts, "")
        sources = set(json.loads(row["sources"])) if row and row["sources"] else set()
        record = {"id": push_id, "agency": item.agency, "biz": item.biz, "mid": item.mid, "msgid": item.push_key,
                  "sent_at": sent_at or (row or {}).get("sent_at"), "sent_date": sent_date or (row or {}).get("sent_date"),
                  "year": year or (row or {}).get("year"),
                  "notified": None if item.notified is None else int(item.notified),
                  "n_articles": max(item.n_articles, (row or {}).get("n_articles") or 0),
                  "sources": dumps(sorted(sources | {item.source})), "last_seen_at": now}
        if row is None:
            self.rows.insert("wechat_pushes", {**record, "first_seen_at": now})
        else:
            if record["notified"] is None:
                record["notified"] = row["notified"]
            self.rows.update("wechat_pushes", {"id": push_id}, record)
        self.session.wrote()

    def store_metric(self, item: MetricItem) -> None:
        self.rows.insert("metrics", {
            "document_id": document_id(item.agency, "wechat", item.document_native_id), "run_id": self.session.run_id,
            "read_num": item.read_num, "like_num": item.like_num, "share_num": item.share_num, "source": item.source,
            "read_at": iso(utcnow()), "capture_id": item.capture_id or None})
        self.session.wrote()

    # ------------------------------------------------------------ attachments, categories

    def store_attachment(self, item: AttachmentItem) -> None:
        now = iso(utcnow())
        att_id = attachment_id(item.agency, item.channel, item.native_id)
        doc_id = document_id(item.agency, item.channel, item.document_native_id)
        row = self.rows.one("select * from attachments where id = ?", [att_id])
        record = {"id": att_id, "document_id": doc_id, "native_id": item.native_id, "url": item.url, "name": item.name,
                  "file_name": item.file_name, "mime": item.mime, "declared_size": item.declared_size, "last_seen_at": now}
        if item.status == "not_modified" and row is None:
            # A 304 for a file this archive has not recorded yet (its crawl was interrupted after the
            # download): the evidence is the earlier full capture the validators came from.
            prior = self.rows.one("select id, sha256, payload_length from captures where url = ? and status = 200 "
                                  "order by fetched_at desc limit 1", [item.url])
            if prior is not None:
                record.update(size=prior["payload_length"], sha256=prior["sha256"], status="ok", capture_id=prior["id"])
            else:
                record.update(status="failed")
        elif item.status != "not_modified" and not (item.status != "ok" and row is not None and row["status"] == "ok"):
            record.update(size=item.size, sha256=item.sha256 or None, status=item.status, capture_id=item.capture_id or None)
        # (A file that could not be read whole this time — failed, truncated, too large, refused — never
        # replaces a good copy: the last good version stands, and this run's capture row says what happened.)
        if row is None:
            record["first_seen_at"] = now
            self.rows.insert("attachments", record)
        else:
            self.rows.update("attachments", {"id": att_id}, record)
        self.session.wrote()

    def store_category(self, item: CategoryItem) -> None:
        now = iso(utcnow())
        cat_id = category_id(item.agency, "catalog", item.native_id)
        record = {"id": cat_id, "agency": item.agency, "channel": "catalog", "native_id": item.native_id, "name": item.name,
                  "parent_id": item.parent_id, "jump_url": item.jump_url, "is_leaf": int(item.is_leaf),
                  "post_count": item.post_count, "last_seen_at": now, "last_run_id": self.session.run_id}
        if self.rows.exists("categories", "id = ?", [cat_id]):
            self.rows.update("categories", {"id": cat_id}, record)
        else:
            self.rows.insert("categories", {**record, "first_seen_at": now})
        self.session.wrote()

    def store_category_run(self, item: CategoryRunItem) -> None:
        self.category_runs.append(item)
        self.rows.insert("category_runs", {
            "run_id": self.session.run_id, "category_id": category_id(item.agency, item.channel, item.native_id),
            "channel": item.channel, "oldest_date": item.oldest_date or None, "capped": int(item.capped), "agency": item.agency,
            "name": item.name, "stated_post_count": item.stated_post_count, "api_total": item.api_total,
            "harvested": item.harvested, "search_backfilled": item.search_backfilled, "pages_fetched": item.pages_fetched,
            "stop_reason": item.stop_reason, "complete": int(item.complete), "healthy": int(item.healthy),
            "window": int(item.window), "notes": json.dumps(item.notes, ensure_ascii=False)})
        self.session.completeness.append({k: v for k, v in item.__dict__.items() if k != "listed_ids"})
        self.session.wrote()

    # ------------------------------------------------------------ disappearance

    def mark_disappeared(self) -> None:
        """Documents no longer listed by a complete and healthy listing of this run.

        A document belongs to the listing unit named by its category_id (catalog leaf category,
        website primary column); it disappears when that unit was listed completely and healthily
        and no listing of this run showed it.
        """
        runs = [c for c in self.category_runs if c.check_disappearance]
        trusted = {str(c.native_id) for c in runs if c.complete and c.healthy}
        if not trusted:
            return
        listed = IdSet()  # a million listed ids in a few MB, not a set of str
        for c in self.category_runs:
            listed.update(c.listed_ids)
        agency, channel = runs[0].agency, runs[0].channel
        marks = ",".join("?" for _ in trusted)
        # Streamed, keeping only the documents that are gone: a million listed documents never sit in memory
        # as rows (the updates follow once the query is done, so it never reads a table it is changing).
        cursor = self.rows.conn.execute(
            f"select id, native_id, category_id from documents where agency = ? and channel = ? "
            f"and status = 'live' and item_type is not null and category_id in ({marks})",
            [agency, channel, *sorted(trusted)])
        gone = [(doc_id, category) for doc_id, native, category in cursor if native not in listed]
        now = iso(utcnow())
        for doc_id, category in gone:
            self.rows.update("documents", {"id": doc_id}, {"status": "disappeared", "disappeared_at": now})
            self._event(doc_id, "disappeared", None, {"category_id": category, "run_id": self.session.run_id})
            self.stats.inc_value("xxgk/documents/disappeared")
            self.session.wrote()
