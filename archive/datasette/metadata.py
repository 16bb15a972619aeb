"""The ONE description of every table and column of the archive, and the Datasette metadata built from it.

`TABLES` describes every table a migrated archive has (archive/schema.py, the search index of
archive/search_index.py included); tests fail when a table or column of a fresh archive is missing here.

Datasette 0.65 reads descriptive metadata, table options, canned queries and plugin settings from
one metadata document; Datasette 1.0 splits them into metadata.yaml and datasette.yaml. So this
module builds them apart — `descriptive()` (titles, descriptions, source, licence, table options)
and `configuration()` (canned queries, plugin settings) — and `build_metadata()` merges them for
0.65. Moving to 1.0 means writing the two halves to two files.

    python -m archive.datasette.metadata > metadata.yaml      # the merged 0.65 document as YAML
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from archive.facet_counts import TABLE as FACET_COUNTS
from archive.search_index import FIELDS, FTS_TABLE

DATABASE = "archive"  # the name Datasette serves the archive under (/archive)
PLUGIN = "xxgk_plugin"  # plugins loaded with --plugins-dir are named after their file


def archive_db_name(datasette: Any) -> str:
    """The name the archive is served under (the plugin's `database` setting, else DATABASE)."""
    return (datasette.plugin_config(PLUGIN) or {}).get("database") or DATABASE

TITLE = "xxgk-archive: 政府信息公开 evidence archive"
DESCRIPTION = (
    "What Chinese government agencies published in their information-disclosure channels "
    "(政府信息公开目录 gkmlpt catalog, bureau website, WeChat account), as crawled, with every capture "
    "kept as WARC evidence, the history of every document, and the reconciliation of each annual report "
    "(政府信息公开工作年度报告) against what was really published. Times: *_at columns are UTC instants; "
    "*_date columns and year are Asia/Shanghai local dates."
)
LICENSE = "Public government information (政府信息公开条例); archive software MIT"
LICENSE_URL = "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm"


@dataclass
class Table:
    description: str
    columns: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # "catalog" | "website" | "wechat" | "crawl" | "report" | "archive": picks source/source_url


TABLES: dict[str, Table] = {
    "agencies": Table(
        "The agencies whose channels are archived, as their registry files said when they were crawled "
        "(the built-in crawler/agencies/*.yaml or the user's registry folders).",
        {
            "id": "Registry id of the agency (e.g. kaiping-edu).",
            "name": "The agency's official Chinese name (e.g. 开平市教育局).",
            "host": "The agency's web host (e.g. www.kaiping.gov.cn).",
            "registry": "The agency's registry entry as JSON: endpoints, website columns, WeChat account, "
                        "annual report category and column, optional category aliases, politeness profile.",
        },
        {"label_column": "name"}, "archive"),
    "runs": Table(
        "One row per crawl run of one agency and channel, with its health: status, settings, Scrapy stats, "
        "per-category completeness and a summary (new / changed / disappeared documents, blocked requests, "
        "errors, coverage gaps).",
        {
            "id": "Run id (run-<UTC timestamp>-<random>); also the prefix of the run's WARC files.",
            "agency": "Agency id (agencies.id).",
            "channel": "Channel crawled: catalog, website or wechat (all for a combined run).",
            "started_at": "When the run started (UTC).",
            "ended_at": "When the run ended (UTC); empty while running or after a kill.",
            "status": "running, ok, partial (some listings incomplete, blocked or failed), failed or interrupted.",
            "pid": "Process id of the crawler that ran it.",
            "settings": "The effective crawl settings as JSON (politeness, retries, simulator URL if any).",
            "stats": "Scrapy's final stats as JSON (requests, responses, status codes, timings).",
            "completeness": "Per listing (catalog category, website column, WeChat lister) coverage as JSON: "
                            "stated count, API total, harvested, stop reason, complete / healthy flags.",
            "summary": "The run summary as JSON: requests, new / changed / unchanged / disappeared / reappeared "
                       "documents, blocked responses, errors, coverage gaps.",
            "warc_files": "JSON list of the WARC files this run wrote (in the WARC folder).",
            "error": "Why the run failed or was interrupted, if it did.",
        },
        {"sort_desc": "started_at", "facets": ["agency", "channel", "status"]}, "crawl"),
    "captures": Table(
        "Every HTTP response the crawler received (the evidence): URL, status, headers, sha256 of the payload "
        "and where its WARC record is. Secrets are redacted from stored headers.",
        {
            "id": "Capture id (cap-<UTC timestamp>-<random>).",
            "run_id": "The run that fetched it (runs.id).",
            "url": "The real, canonical URL requested (never the simulator's address).",
            "method": "HTTP method (GET, POST).",
            "status": "HTTP status code received.",
            "outcome": "ok; revisit (payload identical to an earlier capture, stored as a WARC revisit record); "
                       "not_modified (304); blocked (WAF / challenge / throttled page, never parsed); "
                       "http_error; error (no response); too_large.",
            "blocked_reason": "Why the response was judged a block or challenge page, if it was.",
            "error": "The network or processing error, for failed requests.",
            "content_type": "Response Content-Type header.",
            "request_headers": "Request headers as a JSON list of [name, value] (cookies and tokens redacted).",
            "response_headers": "Response headers as a JSON list of [name, value] (secrets redacted).",
            "sha256": "sha256 of the payload as received (content coding kept).",
            "payload_length": "Payload length in bytes.",
            "warc_file": "WARC file holding the record (relative to the WARC folder).",
            "warc_offset": "Byte offset of the record's gzip member in the WARC file.",
            "warc_length": "Length in bytes of that gzip member (the record alone).",
            "warc_record_id": "WARC-Record-ID of the response (or revisit) record.",
            "revisit_of": "For a revisit: the capture whose payload it repeats.",
            "fetched_at": "When the response was received (UTC).",
            "discovery": "How the URL was found (seed, category:<id>, column:<path>, lister …).",
            "ip_address": "Server IP address, when known.",
        },
        {"sort_desc": "fetched_at", "facets": ["outcome", "status"]}, "crawl"),
    "categories": Table(
        "Catalog categories (gkmlpt TREE), website columns and WeChat listers as last seen, with the count "
        "the site states for each.",
        {
            "id": "<agency>/<channel>/<native id>.",
            "agency": "Agency id (agencies.id).",
            "channel": "catalog, website or wechat.",
            "native_id": "The site's own category id (gkmlpt category number).",
            "name": "Category name as published (e.g. 政务动态).",
            "parent_id": "Native id of the parent category (0 at the top).",
            "jump_url": "For a category that is only a link to another site: its URL (not crawled).",
            "is_leaf": "1 when the category has no children (only leaves are listed).",
            "post_count": "Number of documents the site states for the category (post_count).",
            "first_seen_at": "When the category was first seen (UTC).",
            "last_seen_at": "When it was last seen (UTC).",
            "last_run_id": "The last run that saw it (runs.id).",
        },
        {"label_column": "name", "facets": ["agency", "channel"]}, "catalog"),
    "category_runs": Table(
        "Per run and listing (catalog category, website column, WeChat lister): what the site stated, what the "
        "API or pages offered, what was harvested, and why paging stopped. The coverage behind every count.",
        {
            "run_id": "The run (runs.id).",
            "category_id": "The listing (categories.id).",
            "agency": "Agency id.",
            "name": "Listing name (category or column name, lister).",
            "stated_post_count": "Count the site states (gkmlpt post_count, NFCMS page script).",
            "api_total": "Total the list API reported (gkmlpt serves only a window of the newest items).",
            "harvested": "Distinct items listed in this run.",
            "search_backfilled": "Items beyond the API window found through the province search JSONP.",
            "pages_fetched": "List pages fetched.",
            "stop_reason": "Why listing stopped: reached_total, last_page, complete, page_cap (NFCMS 100-page cap), "
                           "empty_page, blocked, failed, unparseable, account_not_found.",
            "complete": "1 when everything stated was listed.",
            "healthy": "1 when no listing page was blocked or failed (only then can disappearances be recorded).",
            "window": "1 when the API window (total < post_count) applied.",
            "notes": "JSON list of notes about coverage (caps, windows, gaps).",
            "channel": "catalog, website or wechat.",
            "oldest_date": "Oldest publication date reachable through this listing (capped listings).",
            "capped": "1 when paging was capped before the oldest item.",
        },
        {"facets": ["channel", "stop_reason", "complete", "healthy"]}, "crawl"),
    "documents": Table(
        "One row per published item, current state: gkmlpt catalog documents, website articles and WeChat "
        "articles. Older states are in document_versions, lifecycle in document_events, the page as received "
        "in captures / WARC.",
        {
            "id": "<agency>/<channel>/<native id>.",
            "agency": "Agency id (agencies.id).",
            "channel": "catalog (gkmlpt 政府信息公开目录), website (bureau NFCMS site) or wechat (公众号).",
            "native_id": "The site's own id: gkmlpt / NFCMS post id, or {biz}/{mid}/{idx} for WeChat.",
            "canonical_url": "The document's real URL.",
            "title": "Title as published (标题), plain text.",
            "category": "Catalog category or website column name (e.g. 政务动态, 通知公告).",
            "category_id": "Native category id (catalog) or column path (website).",
            "published_at": "Publication instant (发布日期) in UTC.",
            "published_date": "Publication date (发布日期) in Asia/Shanghai.",
            "year": "Publication year in Asia/Shanghai: the annual-report year the document counts in.",
            "written_date": "Date written (成文日期), when published.",
            "publisher": "Publishing body (发布机构).",
            "index_no": "Index number (索引号): credit code + /YYYY-NNNNN.",
            "doc_number": "Document number (文号), e.g. 开教〔2024〕12号.",
            "keywords": "Keywords (主题词 / 关键词).",
            "abstract": "Abstract (摘要), when given.",
            "body_text": "The text of the page body, as plain text.",
            "item_type": "normal, or url for catalog entries that only link elsewhere (type: url).",
            "link_url": "For url entries: where the entry links.",
            "post_url": "The URL the listing gave for the item.",
            "listing_source": "Where the item was first listed: api, search (province JSONP), column:<path>, or a "
                              "WeChat lister.",
            "list_fingerprint": "sha256 of the list entry's fields (a change triggers a re-fetch).",
            "content_sha256": "sha256 of the normalized content (title, body, attachments …).",
            "attachments": "JSON list of the attachments linked from the page (id, name, url).",
            "capture_id": "The capture the current state was read from (captures.id).",
            "first_seen_at": "When the archive first saw it (UTC).",
            "last_seen_at": "When a listing or fetch last saw it (UTC).",
            "disappeared_at": "When a complete and healthy listing no longer listed it (UTC).",
            "status": "live, or disappeared (no longer listed by a complete and healthy listing, or the page "
                      "says deleted).",
            "first_run_id": "The run that first saw it.",
            "last_run_id": "The last run that saw it.",
            "twin_id": "For a website article that is also a catalog document (same post id): the catalog "
                       "document's id.",
        },
        {"label_column": "title", "sort_desc": "published_date",
         "facets": ["agency", "channel", "category", "year", "status"], "facet_size": 12}, "catalog"),
    "document_versions": Table(
        "The history of each document: one row per observed state, holding only the fields that changed, with "
        "their values before and after and the capture that showed them. The first row holds the first state.",
        {
            "id": "Row id.",
            "document_id": "The document (documents.id).",
            "run_id": "The run that observed the change.",
            "capture_id": "The capture that showed the new values (captures.id).",
            "observed_at": "When the change was observed (UTC).",
            "changed_fields": "JSON list of the fields that changed.",
            "values": "JSON object: the changed fields' new values.",
            "previous": "JSON object: the same fields' values before ({} for the first version).",
        },
        {"sort_desc": "observed_at"}, "crawl"),
    "document_events": Table(
        "Lifecycle events of each document: first_seen, changed, disappeared, reappeared.",
        {
            "id": "Row id.",
            "document_id": "The document (documents.id).",
            "run_id": "The run that recorded it.",
            "event": "first_seen, changed, disappeared or reappeared.",
            "at": "When (UTC).",
            "capture_id": "The capture behind the event, if any.",
            "details": "JSON details (changed fields, page state, listing).",
        },
        {"sort_desc": "at", "facets": ["event"]}, "crawl"),
    "document_checks": Table(
        "Disagreements between a gkmlpt document page's metadata table (the source of truth) and its embedded "
        "DETAIL JSON, and validation problems.",
        {
            "id": "Row id.",
            "document_id": "The document (documents.id).",
            "run_id": "The run that found it.",
            "capture_id": "The capture of the page.",
            "field": "The field that disagrees (or 'validation').",
            "table_value": "Value in the page's metadata table.",
            "detail_value": "Value in the DETAIL JSON.",
        },
        {"facets": ["field"]}, "catalog"),
    "attachments": Table(
        "Files attached to documents (PDF, DOCX, XLS …), downloaded and hashed; links-only entries recorded.",
        {
            "id": "<agency>/<channel>/<attachment id>.",
            "document_id": "The document (documents.id).",
            "native_id": "The site's attachment id.",
            "url": "Download URL.",
            "name": "Name as shown on the page.",
            "file_name": "Safe file name derived from it.",
            "mime": "Media type received.",
            "declared_size": "Size the site declared, if any (bytes).",
            "size": "Size received (bytes).",
            "sha256": "sha256 of the file as received.",
            "status": "ok, too_large, failed, blocked or not_modified.",
            "capture_id": "The capture of the file (captures.id).",
            "first_seen_at": "When first seen (UTC).",
            "last_seen_at": "When last seen (UTC).",
        },
        {"label_column": "name", "facets": ["mime", "status"]}, "catalog"),
    "document_columns": Table(
        "Website column memberships: an article listed in several columns is one document with several rows.",
        {
            "document_id": "The document (documents.id).",
            "column_path": "Column path (e.g. zwgk/tzgg).",
            "column_name": "Column name (e.g. 通知公告).",
            "first_seen_at": "When first listed there (UTC).",
            "last_seen_at": "When last listed there (UTC).",
            "last_run_id": "The last run that listed it there.",
        },
        {"facets": ["column_name"]}, "website"),
    "wechat_pushes": Table(
        "WeChat pushes (群发 / 发表 records): one push carries 1–8 articles.",
        {
            "id": "{biz}/{mid}.",
            "agency": "Agency id.",
            "biz": "The account's __biz.",
            "mid": "Message id of the push.",
            "msgid": "The lister's message id.",
            "sent_at": "When it was sent (UTC).",
            "sent_date": "Date sent (Asia/Shanghai).",
            "year": "Year sent (Asia/Shanghai).",
            "notified": "1 for a notified push (群发), 0 for a publish without notification (发表).",
            "n_articles": "Number of articles in the push.",
            "sources": "JSON list of the listers that reported it.",
            "first_seen_at": "When first seen (UTC).",
            "last_seen_at": "When last seen (UTC).",
        },
        {"sort_desc": "sent_at", "facets": ["year", "notified"]}, "wechat"),
    "wechat_articles": Table(
        "What only WeChat articles have (the article itself is a row of documents with channel wechat).",
        {
            "document_id": "The document (documents.id).",
            "biz": "The account's __biz.",
            "mid": "Message id of the push.",
            "idx": "Position in the push (1 = headline).",
            "sn": "The article's signature parameter.",
            "push_id": "The push (wechat_pushes.id).",
            "author": "Author as shown.",
            "digest": "Digest (摘要) as listed.",
            "cover": "Cover image URL.",
            "original": "1 when marked original (原创).",
            "item_show_type": "WeChat's item_show_type (0 article, others: picture, video, text …).",
            "short_url": "The short /s/… URL.",
            "long_url": "The long /s?__biz=…&mid=…&idx=…&sn=… URL.",
            "page_state": "ok, deleted (删除), violation (违规), unavailable (temporarily), blocked (verification wall) or error.",
            "state_checked_at": "When the page state was last checked (UTC).",
            "state_capture_id": "The capture that showed the state.",
            "sources": "JSON list of the listers that reported it.",
        },
        {"facets": ["page_state", "original"]}, "wechat"),
    "observations": Table(
        "Every time a listing or lister saw a document, with its source (API, search, column, lister).",
        {
            "id": "Row id.",
            "document_id": "The document (documents.id).",
            "run_id": "The run.",
            "source": "api, search, column:<path>, or the WeChat lister.",
            "capture_id": "The capture of the listing page.",
            "observed_at": "When (UTC).",
        },
        {"facets": ["source"]}, "crawl"),
    "metrics": Table(
        "WeChat read / like / share counts, only when client credentials made them available, with when read.",
        {
            "id": "Row id.",
            "document_id": "The document (documents.id).",
            "run_id": "The run.",
            "read_num": "Reads (阅读).",
            "like_num": "Likes (在看 / 赞).",
            "share_num": "Shares.",
            "source": "Where the numbers came from (getappmsgext, lister).",
            "read_at": "When they were read (UTC): counts keep growing.",
            "capture_id": "The capture holding them.",
        },
        {}, "wechat"),
    "schedule_jobs": Table(
        "The nightly scheduler's journal: one row per job (crawls, reconciliation, reports, publish), "
        "skipped ones included.",
        {
            "id": "Job id.",
            "trigger": "What started it: the cron schedule, --once, or a catch-up after a missed time.",
            "started_at": "When the job started (UTC).",
            "ended_at": "When it ended (UTC).",
            "outcome": "running, ok, degraded, failed, skipped (the archive was locked), interrupted or error.",
            "detail": "Why: the lock holder for a skip, the failing step, the health verdicts.",
            "pid": "Process id of the scheduler.",
            "host": "Host name the job ran on.",
            "agencies": "JSON list of the agencies crawled.",
            "channels": "JSON list of the channels crawled.",
            "years": "JSON list of the report years reconciled.",
            "runs": "JSON list of the crawl runs (runs.id) the job started.",
            "steps": "JSON list of the job's steps with their exit status and timing.",
            "published": "Path of the database published for Datasette, if published.",
            "health_file": "Path of the health JSON written next to the published database.",
            "webhook": "What the webhook answered, when one was called.",
        },
        {"sort_desc": "started_at", "facets": ["outcome"]}, "crawl"),
    "reconciliations": Table(
        "One annual report's claims reconciled against the archive, for an agency and year.",
        {
            "id": "Reconciliation id (rec-<UTC timestamp>-<random>).",
            "agency": "Agency id.",
            "year": "Report year.",
            "annual_report_source": "Where the report was read (archived document or file).",
            "annual_report_sha256": "sha256 of the report as read.",
            "annual_report_document_id": "The archived report document (documents.id), if read from the archive.",
            "claims": "JSON list of the claims extracted from the report (number, unit, quote, position).",
            "checks": "JSON list of the report's own consistency checks and their results.",
            "notes": "JSON list of notes on reading the report.",
            "summary": "JSON summary: statuses, channels crawled, report metadata, counting rules.",
            "created_at": "When reconciled (UTC).",
            "runs": "JSON list of the crawl runs whose coverage was considered.",
        },
        {"sort_desc": "created_at", "facets": ["agency", "year"]}, "report"),
    "agency_audits": Table(
        "One row per reconciliation across agencies (xxgk reconcile|report --agency all …): every agency asked for, "
        "with its outcome; the page /-/xxgk/agencies shows agencies × claims.",
        {
            "id": "Agency audit id (aud-<UTC timestamp>-<random>).",
            "year": "Report year.",
            "scope": "What --agency named: all, a list of ids, or @FILE.",
            "created_at": "When it ran (UTC).",
            "agencies": "JSON list, one entry per agency: id, name, status (reconciled, no_report: no annual "
                        "report of the year in the archive, failed: the report or the registry file could not be "
                        "read), the reason, and the reconciliation it produced (reconciliations.id).",
            "summary": "JSON: how many agencies, and how many of each status.",
        },
        {"sort_desc": "created_at", "facets": ["year"]}, "report"),
    "reconciliation_rows": Table(
        "One row per claim: claimed vs observed, status, and the documents counted as evidence.",
        {
            "id": "Row id.",
            "reconciliation_id": "The reconciliation (reconciliations.id).",
            "claim_index": "Position of the claim in the report.",
            "kind": "published (items published), applications, reads …",
            "channel": "catalog, website, wechat, weibo, key_areas or other; empty when the claim names no channel "
                       "(then shown under two readings, see interpretation).",
            "category": "Category (catalog) or column (website) named by the claim, if any.",
            "claimed": "The number the report claims.",
            "approx": "1 when the claim is not exact (约 approximate, or 超过/余/多 a lower bound).",
            "unit": "Unit as written (条, 篇, 次 …).",
            "quote": "The report's sentence that makes the claim.",
            "quote_start": "Start offset of the quote in the report text.",
            "quote_end": "End offset of the quote.",
            "observed": "What the archive shows (as first seen: including documents deleted since).",
            "observed_live": "Of those, still live.",
            "delta": "observed − claimed.",
            "status": "match, fewer_found, more_found or unverifiable (coverage short or channel not crawled).",
            "interpretation": "JSON: the readings of the claim and which one the status follows: for WeChat, "
                              "articles and pushes; for a claim naming no channel, the catalog and all channels "
                              "together (the registry's reconcile.channel_less decides).",
            "document_ids": "JSON list of the documents counted (documents.id): the evidence behind observed.",
            "caveats": "JSON list of coverage caveats that limit the number.",
            "method": "How the number was computed.",
            "quotes": "JSON list of every statement of the claim (quote, offsets, claim index): a claim the report "
                      "states twice is one row with two quotes; a category named twice under one total, summed.",
            "part_of": "claim_index of the row of the total this claim is a part of (其中/包括 lists).",
            "bound": "exact, lower (超过/余/多: match when observed ≥ claimed) or approx (约/近: within 10 %).",
            "mapping": "JSON: the catalog categories or website columns the claim was counted in, and how its "
                       "words were matched to them.",
        },
        {"facets": ["status", "channel", "kind"]}, "report"),
    "_sqlite_migrations": Table(
        "Schema migrations applied to this archive (sqlite-utils Migrations).",
        {
            "id": "Row id.",
            "migration_set": "Migration set (xxgk).",
            "name": "Migration name (m001_core …).",
            "applied_at": "When applied (UTC).",
        },
        {"hidden": True}, "archive"),
    FTS_TABLE: Table(
        "Chinese full-text index of documents (title, 文号, publisher, body text): FTS5 with the stock unicode61 "
        "tokenizer over overlapping bigrams (信息公开 → 信息 息公 公开 开), kept current by the store "
        "(archive/search_index.py). Search it with the search page, the documents table's search box, or "
        "MATCH zh_query(q).",
        {f: f"documents.{f}, as indexed (bigram form; read from documents)." for f in FIELDS},
        {"hidden": True}, "archive"),
}
TABLES[FACET_COUNTS] = Table(
    "How many documents have each value of the documents table's default facets, per channel: kept exact by "
    "triggers on documents in the same transaction as every write (archive/facet_counts.py), so the table page "
    "and a channel click read a few hundred rows instead of counting up to every document.",
    {
        "channel": "The documents' channel (documents.channel).",
        "facet": "The faceted column of documents (agency, channel, category, year or status).",
        "value": "The column's value (never NULL: facets skip NULLs).",
        "n": "How many documents of that channel have that value (never 0: the row goes).",
    },
    {"hidden": True}, "archive")
# FTS5's own shadow tables: described generically (Datasette hides them).
for _suffix, _cols in (("data", ("id", "block")), ("idx", ("segid", "term", "pgno")),
                       ("docsize", ("id", "sz")), ("config", ("k", "v"))):
    TABLES[f"{FTS_TABLE}_{_suffix}"] = Table(
        f"FTS5 internal table ({_suffix}) of {FTS_TABLE}.",
        {c: f"FTS5 internal column ({_suffix}.{c})." for c in _cols}, {"hidden": True}, "archive")

SOURCES = {
    "catalog": "政府信息公开目录 (gkmlpt catalog)",
    "website": "bureau website (NFCMS)",
    "wechat": "WeChat official account (公众号)",
}


# ------------------------------------------------------------------ canned queries (for auditors)

# The latest reconciliation of an agency and year; either left empty means any (the latest of all).
LATEST = ("select id from reconciliations where (:agency = '' or agency = :agency) and (:year = '' or year = :year) "
          "order by created_at desc, rowid desc limit 1")


def _q(title: str, description: str, sql: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "description": description, "sql": " ".join(sql.split()), **extra}


QUERIES: dict[str, dict[str, Any]] = {
    "search": _q(
        "Search documents (Chinese full text)",
        "Title, 文号, publisher and body text. Separate terms with spaces: every term must occur. Works for "
        "2-character words (公开), longer words and mixed terms (开教〔2024〕). Never matches a document lacking "
        "a term. Newest first, 1,000 rows a page (page=2, 3 …); the search page shows 50 at a time, counted "
        "and highlighted.",
        # `+d.rowid`: walk the documents in date order testing each against the match set (collected once), not
        # fetch and sort every match — 0.3 s instead of 5 s for a common word at 100,000 documents.
        "select d.id as document_id, d.published_date, d.channel, d.category, d.title, d.doc_number, d.publisher, "
        f"d.status, zh_excerpt(d.body_text, :q) as excerpt from documents d where +d.rowid in (select rowid from "
        f"{FTS_TABLE} where {FTS_TABLE} match zh_query(:q)) order by d.published_date desc, d.rowid desc "
        "limit 1000 offset 1000 * (max(cast(coalesce(nullif(:page, ''), '1') as integer), 1) - 1)",
        hide_sql=True,
    ),
    "claims_vs_observed": _q(
        "Claims vs observed (latest reconciliation of an agency and year)",
        "Each claim of the annual report against what the archive shows, with its status and the number of "
        "documents counted. agency, year (e.g. kaiping-edu, 2024): empty shows the latest reconciliation.",
        "select r.claim_index, r.kind, r.channel, r.category, r.bound, r.claimed, r.observed, r.observed_live, "
        "r.delta, r.status, r.part_of, json_array_length(coalesce(nullif(r.quotes, ''), '[]')) as statements, "
        "json_array_length(coalesce(nullif(r.document_ids, ''), '[]')) as documents_counted, "
        "json_array_length(coalesce(nullif(r.caveats, ''), '[]')) as caveats, r.quote, r.id as row_id, "
        "r.reconciliation_id from reconciliation_rows r where r.reconciliation_id = (" + LATEST + ") "
        "order by r.claim_index",
    ),
    "claim_documents": _q(
        "Documents counted for one claim",
        "The documents behind one claim's observed number (reconciliation_rows.document_ids), with the capture "
        "each was read from and its sha256. agency, year: the latest reconciliation (empty: the latest of all); "
        "claim: the claim_index (empty: every claim).",
        "select r.claim_index, d.id as document_id, d.published_date, d.channel, d.category, d.title, d.status, "
        "d.item_type, d.canonical_url, d.capture_id, c.sha256 as capture_sha256 from reconciliation_rows r "
        "join json_each(r.document_ids) j join documents d on d.id = j.value "
        "left join captures c on c.id = d.capture_id where r.reconciliation_id = (" + LATEST + ") "
        "and (:claim = '' or r.claim_index = :claim) order by r.claim_index, d.published_date, d.id",
    ),
    "disappeared": _q(
        "Documents that disappeared",
        "Every disappearance recorded (a complete and healthy listing no longer listed the document, or the "
        "page said deleted), with the document's current status (reappeared documents are live again).",
        "select e.at as disappeared_at, e.document_id, d.channel, d.category, d.published_date, d.title, "
        "d.status as status_now, e.details, e.run_id, d.canonical_url from document_events e "
        "join documents d on d.id = e.document_id where e.event = 'disappeared' order by e.at desc, e.id desc",
    ),
    "changed": _q(
        "Documents that changed (before and after)",
        "One row per changed field of every later version: the value before and after, and the capture that "
        "showed the change.",
        "select v.observed_at, v.document_id, d.channel, d.title as title_now, f.value as field, "
        "json_extract(v.previous, '$.\"' || f.value || '\"') as before, "
        "json_extract(v.[values], '$.\"' || f.value || '\"') as after, v.run_id, v.capture_id "
        "from document_versions v join json_each(v.changed_fields) f join documents d on d.id = v.document_id "
        "where v.previous is not null and v.previous not in ('', '{}') order by v.observed_at desc, v.id, f.key",
    ),
    "runs_health": _q(
        "Recent runs and their health",
        "The latest crawl runs with their status and summary: requests, new / changed / disappeared documents, "
        "blocked responses, errors, coverage gaps and incomplete listings.",
        "select r.id as run_id, r.agency, r.channel, r.started_at, r.ended_at, r.status, "
        "json_extract(r.summary, '$.requests') as requests, json_extract(r.summary, '$.new') as new, "
        "json_extract(r.summary, '$.changed') as changed, json_extract(r.summary, '$.disappeared') as disappeared, "
        "json_extract(r.summary, '$.reappeared') as reappeared, json_extract(r.summary, '$.blocked') as blocked, "
        "json_extract(r.summary, '$.errors') as errors, "
        "json_array_length(coalesce(json_extract(r.summary, '$.coverage_gaps'), '[]')) as coverage_gaps, "
        "(select count(*) from category_runs cr where cr.run_id = r.id and (cr.complete = 0 or cr.healthy = 0)) "
        "as incomplete_listings, r.error from runs r order by r.started_at desc limit 100",
    ),
    "listing_coverage": _q(
        "Stated vs harvested per listing (one run)",
        "For a run (run_id; empty: the latest run): each catalog category, website column or WeChat lister with the "
        "count the site "
        "states, the API total, what was harvested and why paging stopped.",
        "select cr.channel, cr.name, cr.stated_post_count, cr.api_total, cr.harvested, cr.search_backfilled, "
        "cr.pages_fetched, cr.stop_reason, cr.complete, cr.healthy, cr.window, cr.capped, cr.oldest_date, cr.notes "
        "from category_runs cr where cr.run_id = coalesce(nullif(:run_id, ''), (select id from runs "
        "order by started_at desc limit 1)) order by cr.channel, cr.name",
    ),
    "url_captures": _q(
        "All captures of a URL",
        "Every capture of one URL (url), with status, outcome, digest and WARC location.",
        "select c.id as capture_id, c.fetched_at, c.status, c.outcome, c.sha256, c.payload_length, c.warc_file, "
        "c.warc_offset, c.revisit_of, c.run_id from captures c where c.url = :url order by c.fetched_at",
    ),
}


# ------------------------------------------------------------------ building the metadata

def descriptive(agencies: list[dict[str, Any]] | None = None, lang: str = "en") -> dict[str, Any]:
    """Titles, descriptions, source, licence and table options (what stays in metadata.yaml under 1.0), in `lang`
    (the Chinese from archive/i18n/metadata.py; a column it lacks keeps its English)."""
    from archive.i18n import metadata as zh_text

    zh = lang == "zh"
    agencies = agencies or []
    urls = _source_urls(agencies)
    who = ("、" if zh else ", ").join(f"{a.get('name') or a['id']}" for a in agencies) or (
        "已登记机关" if zh else "the registered agencies")
    tables: dict[str, Any] = {}
    for name, t in TABLES.items():
        columns = {**t.columns, **(zh_text.COLUMNS.get(name, {}) if zh else {})}
        description = zh_text.TABLES.get(name, t.description) if zh else t.description
        entry: dict[str, Any] = {"description": description, "columns": columns, **t.options}
        src = t.source
        if src in SOURCES and urls.get(src):
            entry["source"] = f"{who}的{zh_text.SOURCES[src]}" if zh else f"{SOURCES[src]} of {who}"
            entry["source_url"] = urls[src]
        tables[name] = entry
    top_source = zh_text.SOURCE.format(who=who) if zh else f"Crawled from the information-disclosure channels of {who}"
    title = zh_text.TITLE if zh else TITLE
    licence = zh_text.LICENSE if zh else LICENSE
    out: dict[str, Any] = {
        "title": title,
        "description_html": zh_text.HOME.format(db=DATABASE) if zh else _home_html(),
        "license": licence,
        "license_url": LICENSE_URL,
        "source": top_source,
        "databases": {DATABASE: {
            "title": title,
            "description": zh_text.DESCRIPTION if zh else DESCRIPTION,
            "source": top_source,
            "license": licence,
            "license_url": LICENSE_URL,
            "tables": tables,
        }},
    }
    if urls.get("catalog"):
        out["source_url"] = urls["catalog"]
        out["databases"][DATABASE]["source_url"] = urls["catalog"]
    return out


def configuration(warc_dir: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Canned queries and plugin settings (what moves to datasette.yaml under 1.0); query titles in `lang`."""
    from archive.i18n import metadata as zh_text

    queries = {k: dict(v) for k, v in QUERIES.items()}
    if lang == "zh":
        for name, (title, description) in zh_text.QUERIES.items():
            queries[name].update(title=title, description=description)
    return {
        "plugins": {PLUGIN: {"warc_dir": warc_dir, "database": DATABASE, "lang": lang}},
        "databases": {DATABASE: {"queries": queries}},
    }


def build_metadata(agencies: list[dict[str, Any]] | None = None, warc_dir: str | None = None,
                   lang: str = "en") -> dict[str, Any]:
    """The merged Datasette 0.65 metadata document, in `lang`."""
    meta = descriptive(agencies, lang)
    conf = configuration(warc_dir, lang)
    meta["plugins"] = conf["plugins"]
    meta["databases"][DATABASE]["queries"] = conf["databases"][DATABASE]["queries"]
    return meta


def agencies_from_db(conn: Any) -> list[dict[str, Any]]:
    """The agencies table as dicts (registry decoded), for source URLs; [] when absent."""
    try:
        rows = conn.execute("select id, name, host, registry from agencies order by id").fetchall()
    except Exception:  # noqa: BLE001 - an archive without agencies still gets metadata
        return []
    out = []
    for r in rows:
        try:
            registry = json.loads(r[3] or "{}")
        except ValueError:
            registry = {}
        out.append({"id": r[0], "name": r[1], "host": r[2], "registry": registry})
    return out


def _source_urls(agencies: list[dict[str, Any]]) -> dict[str, str]:
    if not agencies:
        return {}
    reg = agencies[0].get("registry") or {}
    urls = {}
    if (reg.get("gkmlpt") or {}).get("base"):
        urls["catalog"] = reg["gkmlpt"]["base"]
    if (reg.get("website") or {}).get("base"):
        urls["website"] = reg["website"]["base"]
    urls["wechat"] = "https://mp.weixin.qq.com/"
    for key in ("crawl", "report", "archive"):
        if urls.get("catalog"):
            urls[key] = urls["catalog"]
    return urls


def _home_html() -> str:
    return (
        "<p>Evidence archive of government information-disclosure channels (政府信息公开): every document, its "
        "history, and every capture as WARC evidence.</p><ul>"
        f'<li><a href="/{DATABASE}/search">Search documents</a> (Chinese full text: 2-character words work)</li>'
        f'<li><a href="/{DATABASE}/documents">Browse documents</a> by agency, channel, category, year and status</li>'
        '<li><a href="/-/xxgk/dashboard">Reconciliation dashboard</a>: annual-report claims vs observed</li>'
        '<li><a href="/-/xxgk/agencies">Agencies × claims</a>: every agency\'s annual report against the archive</li>'
        f'<li><a href="/{DATABASE}/runs_health">Crawl runs and their health</a></li></ul>'
    )


def to_yaml(meta: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=110)


if __name__ == "__main__":  # pragma: no cover - a convenience for writing metadata.yaml
    sys.stdout.write(to_yaml(build_metadata()))
