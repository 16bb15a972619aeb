"""Datasette in process (datasette.client, httpx over ASGI) on an archive built by a real crawl.

The instance is the one `xxgk serve` builds (archive.serve.snapshot + make_datasette): an immutable
snapshot, our metadata, plugin and templates.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from datasette.utils import tilde_encode
from warcio.archiveiterator import ArchiveIterator

from archive.datasette.metadata import (
    DATABASE,
    QUERIES,
    TABLES,
    build_metadata,
    configuration,
    descriptive,
    to_yaml,
)
from archive.datasette.search import FACET_CAP
from archive.i18n import metadata as zh_text
from archive.schema import open_db
from archive.serve import make_datasette, snapshot

from .conftest import AGENCY, YEAR, Archive

HOSTILE_SCRIPT = '<script>alert("xss")</script>'
HOSTILE_IMG = '<img src=x onerror="alert(1)">'


class Client:
    """Datasette's ASGI client on one event loop for the whole module."""

    def __init__(self, ds: Any):
        self.ds = ds
        self.loop = asyncio.new_event_loop()

    def get(self, path: str, status: int | None = 200) -> Any:
        response = self.loop.run_until_complete(self.ds.client.get(path))
        if status is not None:
            assert response.status_code == status, f"{path}: {response.status_code}\n{response.text[:2000]}"
        return response

    def json(self, path: str) -> Any:
        return self.get(path).json()

    def rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """All rows of a canned query (the test instance returns up to 20,000 rows, never truncated)."""
        qs = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
        data = self.json(f"/{DATABASE}/{query}.json?_shape=objects&{qs}")
        assert data["ok"] and not data.get("truncated"), data
        return data["rows"]

    def search(self, query: str) -> list[str]:
        """Every document the canned search query finds, page by page (1,000 rows a page)."""
        found: list[str] = []
        for page in range(1, 1000):
            rows = self.rows("search", q=query, page=page)
            found += [r["document_id"] for r in rows]
            if len(rows) < 1000:
                return found
        raise AssertionError("search never stopped paging")

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def served(crawled: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    before = hashlib.sha256(crawled.db.read_bytes()).hexdigest()
    snap = snapshot(crawled.db, tmp_path_factory.mktemp("snapshot") / "archive.sqlite")
    # The live archive is never written by serving it.
    assert hashlib.sha256(crawled.db.read_bytes()).hexdigest() == before
    ds = make_datasette(snap, crawled.warc_dir, settings={"max_returned_rows": 20000})
    client = Client(ds)
    yield client, snap
    client.close()


@pytest.fixture(scope="module")
def client(served: tuple[Client, Path]) -> Client:
    return served[0]


def q(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ metadata

def test_every_table_and_column_of_a_fresh_archive_is_described(tmp_path: Path) -> None:
    db = open_db(tmp_path / "fresh.sqlite")  # the search index included (a migration)
    tables = build_metadata()["databases"][DATABASE]["tables"]
    missing = []
    for name in db.table_names():
        meta = tables.get(name)
        if not meta or not meta.get("description"):
            missing.append(name)
            continue
        missing += [f"{name}.{c}" for c in db[name].columns_dict if not (meta.get("columns") or {}).get(c)]
    assert not missing, f"describe these in archive/datasette/metadata.py: {missing}"
    # …and nothing described that the schema does not have (stale descriptions).
    stale = [f"{t}.{c}" for t, m in TABLES.items() if t in db.table_names()
             for c in m.columns if c not in db[t].columns_dict]
    assert not stale and set(TABLES) == set(db.table_names())


def test_metadata_document_and_its_1_0_split() -> None:
    meta = build_metadata([{"id": AGENCY, "name": "开平市教育局",
                            "registry": {"gkmlpt": {"base": "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/"}}}], "/w")
    for key in ("title", "license", "license_url", "source", "source_url", "description_html"):
        assert meta[key], key
    assert yaml.safe_load(to_yaml(meta)) == meta
    # Descriptive metadata and configuration (canned queries, plugins) are built apart (Datasette 1.0 split).
    assert "plugins" not in descriptive() and "queries" not in json.dumps(descriptive())
    assert set(configuration()["databases"][DATABASE]["queries"]) == set(QUERIES)
    docs = meta["databases"][DATABASE]["tables"]["documents"]
    assert docs["facets"] == ["agency", "channel", "category", "year", "status"]
    assert docs["sort_desc"] == "published_date"
    assert docs["source_url"] == "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/"


def test_served_metadata_title_source_license_and_descriptions(client: Client) -> None:
    home = client.get("/").text
    assert "xxgk-archive" in home and "政府信息公开条例" in home and "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/" in home
    served = client.json("/-/metadata.json")
    assert served["databases"][DATABASE]["tables"]["documents"]["columns"]["doc_number"].startswith("文号")  # zh default
    page = client.get(f"/{DATABASE}/documents").text
    assert zh_text.TABLES["documents"][:20] in page
    assert zh_text.QUERIES["claims_vs_observed"][0] in client.get(f"/{DATABASE}").text
    english = build_metadata(lang="en")["databases"][DATABASE]
    assert english["tables"]["documents"]["columns"]["doc_number"].startswith("Document number")
    assert english["tables"]["documents"]["description"] == TABLES["documents"].description


def test_every_table_and_canned_query_has_its_chinese() -> None:
    assert set(TABLES) <= set(zh_text.TABLES)  # every table has its Chinese
    assert set(zh_text.QUERIES) == set(QUERIES)
    zh = build_metadata(lang="zh")["databases"][DATABASE]
    for name, query in zh["queries"].items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in query["title"]), name
    for table in ("documents", "captures", "runs", "reconciliation_rows"):
        assert set(zh_text.COLUMNS[table]) <= set(TABLES[table].columns), table


# ------------------------------------------------------------------ read-only

def test_served_read_only(client: Client, served: tuple[Client, Path]) -> None:
    ds = client.ds
    assert not ds.databases[DATABASE].is_mutable
    assert set(ds.databases) == {DATABASE, "_internal"}
    # Arbitrary SQL is read-only, and the database cannot be written at all (immutable).
    resp = client.get(f"/{DATABASE}.json?sql=" + quote("delete from documents"), status=None)
    assert resp.status_code == 400
    with pytest.raises(AssertionError):
        client.loop.run_until_complete(ds.databases[DATABASE].execute_write("delete from documents"))
    assert q(served[1], "select count(*) n from documents")[0]["n"] > 0
    assert client.get("/robots.txt").text.startswith("User-agent: *\nDisallow: /")


# ------------------------------------------------------------------ documents table: facets, sort, search

def test_documents_facets_and_sort(client: Client, crawled: Archive) -> None:
    data = client.json(f"/{DATABASE}/documents.json?_size=100")
    facets = data["facet_results"]
    assert set(facets) == {"agency", "channel", "category", "year", "status"}
    channels = {f["value"]: f["count"] for f in facets["channel"]["results"]}
    assert channels == {r["channel"]: r["n"] for r in q(crawled.db, "select channel, count(*) n from documents group by 1")}
    statuses = {f["value"]: f["count"] for f in facets["status"]["results"]}
    assert statuses == {r["status"]: r["n"] for r in q(crawled.db, "select status, count(*) n from documents group by 1")}
    dates = [r[data["columns"].index("published_date")] for r in data["rows"]]
    assert dates == sorted(dates, reverse=True) and "sorted by published_date descending" in data["human_description_en"]
    assert data["filtered_table_rows_count"] == q(crawled.db, "select count(*) n from documents")[0]["n"]


def _expected(db: Path, query: str) -> set[str]:
    """Documents whose title / 文号 / publisher / body contain every term: a plain Python substring check."""
    terms = query.split()
    out = set()
    for r in q(db, "select id, title, doc_number, publisher, body_text from documents"):
        fields = [r["title"] or "", r["doc_number"] or "", r["publisher"] or "", r["body_text"] or ""]
        if all(any(t in f for f in fields) for t in terms):
            out.add(r["id"])
    return out


SEARCHES = ["公开", "招生", "诈骗", "信息公开", "招生计划", "安全生产", "防范网络诈骗", "教育 公开", "学校 安全 工作",
            "政务 动态", "开教〔2024〕", "2024年", "校", "年 招生"]


@pytest.mark.parametrize("query", SEARCHES)
def test_search_returns_exactly_the_documents_containing_every_term(client: Client, crawled: Archive,
                                                                     query: str) -> None:
    expected = _expected(crawled.db, query)
    total = q(crawled.db, "select count(*) n from documents")[0]["n"]
    assert 0 < len(expected) < total, query  # a meaningful query on this archive
    found = client.search(query)
    assert len(found) == len(set(found))
    assert set(found) == expected, f"{query}: missing {sorted(expected - set(found))[:5]}, extra {sorted(set(found) - expected)[:5]}"
    # The documents table's own search box (?_search=) gives the same set.
    table = client.json(f"/{DATABASE}/documents.json?_search={quote(query)}&_size=1&_facet=channel")
    assert table["filtered_table_rows_count"] == len(expected)
    if len(expected) <= FACET_CAP:
        assert sum(f["count"] for f in table["facet_results"]["channel"]["results"]) == len(expected)
    else:  # facets would read every match: left out, and the page says so
        assert not table["facet_results"] and "no facets above" in table["human_description_en"]


def test_search_edge_cases(client: Client) -> None:
    assert client.rows("search", q="") == []
    assert client.rows("search", q="不存在的词语组合") == []
    assert client.rows("search", q='" OR NEAR(') == []  # FTS syntax is never passed through
    page = client.get(f"/{DATABASE}/documents?_search={quote('信息公开')}").text
    assert 'name="_search" value="信息公开"' in page  # the table page shows its search box


def _search_page_ids(client: Client, path: str) -> tuple[list[str], int]:
    """Every document the search page lists, following its next-page links; and how many pages it took."""
    ids: list[str] = []
    pages = 0
    while path:
        html = client.get(path).text
        pages += 1
        ids += [unquote_id(m) for m in re.findall(r'<td class="col-document_id"><a href="[^"]*/documents/([^"]+)"', html)]
        m = re.search(r'<a href="([^"]+)" rel="next">', html)
        path = f"/{DATABASE}/search" + html_unescape(m.group(1)) if m else ""
    return ids, pages


def unquote_id(encoded: str) -> str:
    from datasette.utils import tilde_decode

    return tilde_decode(html_unescape(encoded))


def test_search_pages_past_1000_rows_and_counts(client: Client, crawled: Archive) -> None:
    query = "公开"
    expected = _expected(crawled.db, query)
    assert len(expected) > 1000  # beyond one page of the canned query and Datasette's max_returned_rows
    # the canned query, 1,000 rows a page (page=2 …)
    assert len(client.rows("search", q=query, page=1)) == 1000
    assert set(client.search(query)) == expected
    # the search page: counted, 50 a page, next-page links (keyset) to the last page, newest first
    first = client.get(f"/{DATABASE}/search?q={quote(query)}").text
    assert f"{len(expected):,} 个文件符合" in first  # in Chinese unless English is asked for
    ids, pages = _search_page_ids(client, f"/{DATABASE}/search?q={quote(query)}")
    assert sorted(ids) == sorted(expected) and pages == -(-len(expected) // 50)
    dates = {r["id"]: r["published_date"] or "" for r in q(crawled.db, "select id, published_date from documents")}
    assert [dates[i] for i in ids] == sorted((dates[i] for i in ids), reverse=True)
    # the documents table's ?_search=, through Datasette's own next links
    found, path = [], f"/{DATABASE}/documents.json?_search={quote(query)}&_size=max&_shape=objects"
    while path:
        data = client.json(path)
        found += [r["id"] for r in data["rows"]]
        path = data.get("next_url") and data["next_url"].split("://", 1)[-1].split("/", 1)[-1]
        path = path and "/" + path
    assert sorted(found) == sorted(expected)


def test_search_highlights_matches(client: Client) -> None:
    html = client.get(f"/{DATABASE}/search?q={quote('招生 计划')}").text
    assert "<mark>招生</mark>" in html and "<mark>计划</mark>" in html
    table = client.get(f"/{DATABASE}/documents?_search={quote('招生')}").text
    assert "<mark>招生</mark>" in table
    assert "<mark>" not in client.get(f"/{DATABASE}/documents").text  # no search, no marks


def test_the_search_page_speaks_the_reader_s_language_and_escapes_the_query(client: Client) -> None:
    hostile = "<b>招生</b>"
    zh = client.get(f"/{DATABASE}/search?q={quote(hostile)}").text
    assert "<h1>搜索文件</h1>" in zh and "个文件符合" in zh and "按发布日期由新到旧" in zh
    assert "Search documents" not in zh and "documents match" not in zh
    en = client.get(f"/{DATABASE}/search?q={quote(hostile)}&_lang=en").text
    assert "<h1>Search documents</h1>" in en and "newest first" in en and "个文件符合" not in en
    for html in (zh, en):  # the query is text in every sentence it appears in, never markup
        assert "<b>招生</b>" not in html and "&lt;b&gt;招生&lt;/b&gt;" in html


def test_one_character_search(client: Client, crawled: Archive) -> None:
    # Answered (this archive is small enough to count it within the one-character time limit), exactly.
    expected = _expected(crawled.db, "校")
    html = client.get(f"/{DATABASE}/search?q={quote('校')}&_lang=en").text
    assert f"{len(expected):,} documents match" in html or f"{len(expected):,} document matches" in html
    assert set(client.search("校")) == expected


def test_plain_datasette_searches_a_crawled_archive(crawled: Archive, tmp_path: Path) -> None:
    """`datasette archive.sqlite`, no xxgk metadata, templates or plugins folder: the installed package's
    plugin (entry point) and the index in the file make the documents table's search box work."""
    from datasette.app import Datasette

    copy = tmp_path / "archive.sqlite"
    src, dst = sqlite3.connect(crawled.db), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    client = Client(Datasette(files=[str(copy)]))
    try:
        for query in ("招生", "信息公开", "教育 公开"):
            expected = _expected(crawled.db, query)
            data = client.json(f"/archive/documents.json?_search={quote(query)}&_size=1")
            assert data["filtered_table_rows_count"] == len(expected) > 0, query  # not every row, not none
        assert "<mark>招生</mark>" in client.get(f"/archive/documents?_search={quote('招生')}").text
    finally:
        client.close()


# ------------------------------------------------------------------ canned queries for auditors

def test_every_canned_query_runs(client: Client, crawled: Archive) -> None:
    run = crawled.runs["catalog"]["run_id"]
    url = q(crawled.db, "select d.canonical_url from documents d join captures c on c.id = d.capture_id "
                        "where d.channel = 'catalog' and c.url = d.canonical_url limit 1")[0]["canonical_url"]
    params = {"search": {"q": "公开"}, "claims_vs_observed": {"agency": AGENCY, "year": YEAR},
              "claim_documents": {"agency": AGENCY, "year": YEAR, "claim": 0}, "listing_coverage": {"run_id": run},
              "url_captures": {"url": url}}
    for name in QUERIES:
        rows = client.rows(name, **params.get(name, {}))
        assert rows, name
        if name == "url_captures":
            assert len(rows) == q(crawled.db, "select count(*) n from captures where url = ?", (url,))[0]["n"]
        assert client.get(f"/{DATABASE}/{name}?" + "&".join(f"{k}={quote(str(v))}" for k, v in
                                                             params.get(name, {}).items())).status_code == 200


def test_claims_vs_observed(client: Client, crawled: Archive) -> None:
    rows = client.rows("claims_vs_observed", agency=AGENCY, year=YEAR)
    stored = q(crawled.db, "select * from reconciliation_rows where reconciliation_id = (select id from "
                           "reconciliations order by created_at desc limit 1) order by claim_index")
    assert [(r["claim_index"], r["claimed"], r["observed"], r["status"]) for r in rows] == \
           [(r["claim_index"], r["claimed"], r["observed"], r["status"]) for r in stored]
    total = next(r for r in rows if r["kind"] == "published" and r["channel"] == "catalog" and not r["category"])
    truth_2024 = crawled.truth["agencies"][AGENCY]["catalog"]["by_year"][str(YEAR)]
    assert total["observed"] == truth_2024["first_seen"]
    assert total["documents_counted"] == truth_2024["first_seen"]
    assert client.rows("claims_vs_observed", agency=AGENCY, year=1999) == []


def test_claim_documents(client: Client, crawled: Archive) -> None:
    claims = client.rows("claims_vs_observed", agency=AGENCY, year=YEAR)
    for claim in claims:
        docs = client.rows("claim_documents", agency=AGENCY, year=YEAR, claim=claim["claim_index"])
        assert len(docs) == claim["documents_counted"], claim
    total = next(c for c in claims if c["kind"] == "published" and c["channel"] == "catalog" and not c["category"])
    docs = client.rows("claim_documents", agency=AGENCY, year=YEAR, claim=total["claim_index"])
    truth_ids = {str(i) for i in crawled.truth["agencies"][AGENCY]["catalog"]["by_year"][str(YEAR)]["first_seen_ids"]}
    assert {d["document_id"].rsplit("/", 1)[1] for d in docs} == truth_ids
    assert all(d["capture_id"] and len(d["capture_sha256"] or "") == 64 for d in docs if d["item_type"] != "url")


def test_disappeared(client: Client, crawled: Archive) -> None:
    rows = client.rows("disappeared")
    events = q(crawled.db, "select document_id from document_events where event = 'disappeared'")
    assert sorted(r["document_id"] for r in rows) == sorted(e["document_id"] for e in events)
    deleted = {f"{AGENCY}/catalog/{e['id']}" for e in crawled.truth["events"]
               if e["channel"] == "catalog" and e["action"] == "delete" and "2025-03-31" < e["day"] <= "2025-04-03"}
    wechat = {f"{AGENCY}/wechat/{'/'.join(map(str, e['id']))}" for e in crawled.truth["events"]
              if e["channel"] == "wechat" and e["action"] == "delete" and e["day"] <= "2025-03-31"}
    assert deleted and wechat and {r["document_id"] for r in rows} == deleted | wechat
    assert all(r["status_now"] == "disappeared" for r in rows)


def test_changed_before_and_after(client: Client, crawled: Archive) -> None:
    rows = client.rows("changed")
    edits = [e for e in crawled.truth["events"] if e["channel"] == "catalog" and e["action"] == "edit"
             and e["day"] <= "2025-04-03"]
    assert {r["document_id"] for r in rows} == {f"{AGENCY}/catalog/{e['id']}" for e in edits}
    expected_rows = sum(len(json.loads(v["changed_fields"])) for v in q(
        crawled.db, "select changed_fields from document_versions where previous not in ('', '{}')"))
    assert len(rows) == expected_rows
    titles = [r for r in rows if r["field"] == "title"]
    assert {r["document_id"].rsplit("/", 1)[1] for r in titles} == \
           {str(e["id"]) for e in edits if "title_suffix" in e["fields"]}
    for r in titles:
        assert r["after"] == r["before"] + "（更新）" and r["title_now"] == r["after"]
    attachment = [r for r in rows if r["field"] == "attachments"]
    assert len(attachment) == 1 and json.loads(attachment[0]["before"]) == [] and json.loads(attachment[0]["after"])


def test_runs_health_and_listing_coverage(client: Client, crawled: Archive) -> None:
    rows = client.rows("runs_health")
    assert {r["run_id"] for r in rows} == {s["run_id"] for s in crawled.runs.values()}
    assert [r["started_at"] for r in rows] == sorted((r["started_at"] for r in rows), reverse=True)
    by_id = {r["run_id"]: r for r in rows}
    second = by_id[crawled.runs["catalog-2"]["run_id"]]
    assert (second["status"], second["changed"], second["disappeared"]) == ("ok", 3, 1)
    website = by_id[crawled.runs["website"]["run_id"]]
    assert website["coverage_gaps"] >= 1 and website["incomplete_listings"] >= 1  # the NFCMS 100-page cap
    coverage = client.rows("listing_coverage", run_id=crawled.runs["catalog-2"]["run_id"])  # the truth's day
    truth = {c["name"]: c for c in crawled.truth["agencies"][AGENCY]["catalog"]["categories"] if c["leaf"]
             and not c["jump_url"]}
    assert {r["name"]: (r["stated_post_count"], r["api_total"]) for r in coverage} == \
           {n: (c["post_count"], c["api_total"]) for n, c in truth.items()}


# ------------------------------------------------------------------ document page, WARC, dashboard

def _hostile(db: Path) -> str:
    return q(db, "select id from documents where title like ?", (f"%{HOSTILE_SCRIPT}%",))[0]["id"]


def _assert_no_live_html(html: str) -> None:
    assert HOSTILE_SCRIPT not in html and "<script>alert" not in html
    assert HOSTILE_IMG not in html and "<img src=x" not in html


def test_no_live_html_from_crawled_text(client: Client, crawled: Archive) -> None:
    doc = _hostile(crawled.db)
    pages = {
        "row": f"/{DATABASE}/documents/{tilde_encode(doc)}",
        "table": f"/{DATABASE}/documents?_search={quote('防范网络诈骗')}",
        "search": f"/{DATABASE}/search?q={quote('防范网络诈骗')}",
        "search-script": f"/{DATABASE}/search?q={quote(HOSTILE_SCRIPT)}",
        "table-facet": f"/{DATABASE}/documents?title__contains={quote('<script>')}",
    }
    for name, path in pages.items():
        html = client.get(path).text
        _assert_no_live_html(html)
        assert "&lt;script&gt;alert(" in html, name  # it is there, as text
    # the search for the literal markup finds the document
    assert [r["document_id"] for r in client.rows("search", q=HOSTILE_SCRIPT)] == [doc]
    _assert_no_live_html(client.get("/-/xxgk/dashboard").text)


def test_document_page_shows_versions_events_attachments_and_warc(client: Client, crawled: Archive) -> None:
    doc = q(crawled.db, "select document_id from document_versions where changed_fields like '%attachments%' "
                        "and previous not in ('', '{}')")[0]["document_id"]
    zh = client.get(f"/{DATABASE}/documents/{tilde_encode(doc)}").text  # Chinese by default
    html = client.get(f"/{DATABASE}/documents/{tilde_encode(doc)}?_lang=en").text
    assert "版本（2）" in zh and "事件（2）" in zh and "下载其 WARC 记录" in zh
    n_versions = q(crawled.db, "select count(*) n from document_versions where document_id = ?", (doc,))[0]["n"]
    n_events = q(crawled.db, "select count(*) n from document_events where document_id = ?", (doc,))[0]["n"]
    atts = q(crawled.db, "select name, sha256 from attachments where document_id = ?", (doc,))
    assert n_versions == 2 and n_events == 2 and atts
    assert f"Versions ({n_versions})" in html and f"Events ({n_events})" in html
    assert f"Attachments ({len(atts)})" in html and all(a["sha256"] in html for a in atts)
    assert "first_seen" in html and "changed" in html
    cap = q(crawled.db, "select capture_id from documents where id = ?", (doc,))[0]["capture_id"]
    assert f'href="/-/xxgk/warc/{cap}"' in html and "download its WARC record" in html


def test_warc_record_download(client: Client, crawled: Archive) -> None:
    caps = q(crawled.db, "select c.* from documents d join captures c on c.id = d.capture_id where d.channel = 'catalog' "
                         "and c.outcome = 'ok' and d.item_type = 'normal' limit 3")
    caps += q(crawled.db, "select * from captures where outcome = 'revisit' limit 1")
    assert len(caps) == 4
    for cap in caps:
        resp = client.get(f"/-/xxgk/warc/{cap['id']}")
        body = resp.content
        assert resp.headers["content-type"] == "application/gzip"
        assert resp.headers["content-disposition"] == f'attachment; filename="{cap["id"]}.warc.gz"'
        assert len(body) == cap["warc_length"] and body[:2] == b"\x1f\x8b"
        assert gzip.decompress(body).startswith(b"WARC/1.1\r\n")
        seen = []
        for rec in ArchiveIterator(io.BytesIO(body)):
            payload = rec.raw_stream.read()  # the entity as received (content coding kept)
            seen.append((rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID"),
                         rec.rec_headers.get_header("WARC-Target-URI"), hashlib.sha256(payload).hexdigest()))
        assert len(seen) == 1  # exactly the one record: a valid .warc.gz on its own
        rec_type, record_id, uri, digest = seen[0]
        assert (record_id, uri) == (cap["warc_record_id"], cap["url"])
        assert rec_type == ("revisit" if cap["outcome"] == "revisit" else "response")
        if rec_type == "response":
            assert digest == cap["sha256"]
    assert client.get("/-/xxgk/warc/cap-does-not-exist", status=404)
    assert client.get("/-/xxgk/warc/..%2F..%2Fetc%2Fpasswd", status=None).status_code in (400, 404)


def test_dashboard(client: Client, crawled: Archive) -> None:
    html = client.get("/-/xxgk/dashboard").text
    rec = q(crawled.db, "select * from reconciliations order by created_at desc limit 1")[0]
    rows = q(crawled.db, "select * from reconciliation_rows where reconciliation_id = ?", (rec["id"],))
    assert rec["id"] in html and html.count("<svg") >= 2
    assert 'class="chart"' in html and "years-chart" in html
    assert "年报所称与存档所见（逐项）" in html and "少于年报所称" in html  # Chinese by default
    english = client.get("/-/xxgk/dashboard?_lang=en").text
    assert "Claimed versus observed, per claim" in english and "fewer found" in english
    for status, n in json.loads(rec["summary"])["statuses"].items():
        if n:
            assert f"<strong>{n}</strong>" in html, status
    assert html.count('<tr id="claim-') == len(rows)
    assert f"/{DATABASE}/claim_documents?agency={AGENCY}&amp;year={YEAR}&amp;claim=0" in html
    assert client.get(f"/-/xxgk/dashboard?agency={AGENCY}&year={YEAR}").text.count("<svg") >= 2
    assert client.get("/-/xxgk/dashboard?year=1999", status=404)


# ------------------------------------------------------------------ the command

def test_serve_command_checks_its_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xxgk.commands.serve import serve

    runner = CliRunner()
    out = runner.invoke(serve, ["--help"])
    assert out.exit_code == 0 and "--warc-dir" in out.output and "127.0.0.1" in out.output
    out = runner.invoke(serve, ["--db", str(tmp_path / "missing.sqlite")])
    assert out.exit_code == 2 and "no archive database" in out.output


def test_serving_a_published_copy_in_place(tmp_path: Path) -> None:
    from archive.publish import publish_database
    from archive.search_index import reindex_document

    source, path = tmp_path / "archive.sqlite", tmp_path / "published.sqlite"
    db = open_db(source)
    db["agencies"].insert({"id": "x", "name": "某局"})
    record = {"id": "x/catalog/1", "agency": "x", "channel": "catalog", "title": "政府信息公开年度报告",
              "published_date": "2024-03-01", "year": 2024, "status": "live"}
    db["documents"].insert(record)
    reindex_document(db.conn, record["id"], None, record)  # as the store does
    db.conn.commit()
    db.close()
    publish_database(source, path)  # what the scheduler publishes: the copy carries the search index
    assert not Path(f"{path}-wal").exists()
    client = Client(make_datasette(path))
    try:
        assert [r["document_id"] for r in client.rows("search", q="公开")] == ["x/catalog/1"]
        assert client.get("/-/xxgk/warc/cap-x", status=404).text.startswith("no WARC folder")
        assert "存档中尚无核对记录" in client.get("/-/xxgk/dashboard").text
        assert "No reconciliation in this archive yet" in client.get("/-/xxgk/dashboard?_lang=en").text
    finally:
        client.close()
