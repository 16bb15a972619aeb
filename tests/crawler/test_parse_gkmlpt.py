"""crawler/parsing/gkmlpt.py against the simulator's pages, checked against the world (ground truth)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest

from crawler.parsing.common import ParseError
from crawler.parsing.gkmlpt import (
    NO_TOTALS,
    article_time,
    clean_title,
    list_fingerprint,
    parse_document,
    parse_index,
    parse_list,
    parse_search,
    search_to_article,
    walk_tree,
)
from simulator.http import SimRequest, SimResponse, SimState
from simulator.report import report_text
from simulator.server import serve
from simulator.sites import gkmlpt, search
from simulator.world import SHANGHAI, Agency, CatalogDoc, World

HOST = "www.kaiping.gov.cn"
BASE = "/jmkpsjyj/gkmlpt/"
CHROME = ("字号", "打印本页", "关闭窗口", "浏览次数", "当前位置", "主办单位", "技术支持", "来源：")


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agencies[0]


def get(state: SimState, path: str, host: str = HOST, **query: object) -> SimResponse:
    resp = gkmlpt.handle(SimRequest("GET", host, path, {k: str(v) for k, v in query.items()}, {}), state)
    assert resp is not None
    return resp


def search_call(state: SimState, **query: object) -> SimResponse:
    resp = search.handle(SimRequest("GET", search.HOST, "/jsonp/site/750118",
                                    {k: str(v) for k, v in query.items()}, {}), state)
    assert resp is not None
    return resp


def live_docs(agency: Agency, today: date, kind: str | None = "normal") -> list[CatalogDoc]:
    return [d for d in agency.docs if d.visible(today) and (kind is None or d.kind == kind)]


def doc_page(state: SimState, agency: Agency, doc: CatalogDoc) -> tuple[str, str]:
    url = gkmlpt.doc_url(agency, doc)
    resp = get(state, url.split(HOST, 1)[1])
    assert resp.status == 200
    return resp.body.decode("utf-8"), url


def local_day(ts: int) -> str:
    return datetime.fromtimestamp(ts, SHANGHAI).date().isoformat()


# ---------------------------------------------------------------- index and TREE


@pytest.mark.parametrize("page", ["index", "mindex"])
def test_parse_index_reads_config(state: SimState, agency: Agency, page: str) -> None:
    cfg = parse_index(get(state, BASE + page).body.decode())
    assert cfg.sid == agency.sid == "750118"
    assert cfg.tree == gkmlpt.tree_for(state.world, agency, state.today)
    assert cfg.search_jsonp_url == "//search.gd.gov.cn/jsonp/site/750118"
    assert cfg.service_area_id == agency.gkmlpt["service_area_id"]
    assert cfg.keys[:3] == ["SID", "SITE_NAME", "SITE_CODE"]
    assert {"TREE", "SERVICE_AREA_ID", "SEARCH_JSONP_URL", "APP_URL"} <= set(cfg.keys)
    assert "DETAIL" not in cfg.keys


def test_parse_index_on_a_document_page_has_detail_key(state: SimState, agency: Agency) -> None:
    html, _ = doc_page(state, agency, live_docs(agency, state.today)[0])
    cfg = parse_index(html)
    assert cfg.keys.index("DETAIL") == cfg.keys.index("TREE") - 1  # DETAIL right before TREE (§5.3)
    assert cfg.sid == agency.sid


@pytest.mark.parametrize("html, message", [
    ("<html><body>nothing here</body></html>", "window._CONFIG"),
    ("<script>window._CONFIG = {SITE_NAME: 'x', TREE: []};</script>", "no SID"),
    ("<script>window._CONFIG = {SID: '1', SERVICE_AREA_ID: 2};</script>", "no TREE"),
    ("<script>window._CONFIG = {SID: '1', TREE: buildTree(), X: 1};</script>", "TREE is not a JSON array"),
    ("<script>window._CONFIG = {SID: '1', TREE: [1, 2]};</script>", "TREE[0] is not an object"),
    ("<script>window._CONFIG = {SID: '', TREE: []};</script>", "SID"),
    ("<script>window._CONFIG = {SID: '1', TREE: [{\"id\": 1}", "not closed"),
])
def test_parse_index_errors(html: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_index(html)


def test_parse_index_numeric_sid() -> None:
    cfg = parse_index("<script>window._CONFIG = {SID: 750118, TREE: []};</script>")
    assert cfg.sid == "750118" and cfg.search_jsonp_url == "" and cfg.service_area_id is None


def test_walk_tree_matches_world_categories(state: SimState, agency: Agency) -> None:
    cfg = parse_index(get(state, BASE + "index").body.decode())
    nodes = walk_tree(cfg.tree)
    # Every category, depth-first in TREE order (the jump_url node has no children to skip here).
    assert [n.id for n in nodes] == [c.id for c in agency.all_categories()]
    assert [n.id for n in nodes if n.is_leaf] == [c.id for c in agency.leaf_categories()]
    by_id = {n.id: n for n in nodes}
    jump = [c for c in agency.all_categories() if c.jump_url]
    assert jump and all(not by_id[c.id].is_leaf and by_id[c.id].jump_url == c.jump_url for c in jump)
    for cat in agency.all_categories():
        node = by_id[cat.id]
        assert (node.name, node.parent) == (cat.name, cat.parent)
        assert node.depth == (0 if cat.parent == 0 else 1)
        assert node.post_count == len(agency.catalog_listing(cat.id, state.today))


def test_walk_tree_leaf_rule_edge_cases() -> None:
    tree = [
        {"id": 1, "name": "外链", "parent": 0, "jump_url": "http://x/", "children": [
            {"id": 11, "name": "hidden", "parent": 1, "children": []}]},
        {"id": 2, "name": "只有外链子栏目", "parent": 0, "children": [
            {"id": 21, "name": "外链子", "parent": 2, "jump_url": "http://y/"}]},
        {"id": 3, "name": "A", "parent": 0, "post_count": "7", "children": [
            {"id": 31, "name": "B", "parent": 3, "children": [{"id": 311, "name": "C", "parent": 31}]},
            {"id": 32, "name": "D", "parent": 3, "jump_url": ""}]},
    ]
    nodes = walk_tree(tree)
    assert [(n.id, n.is_leaf, n.depth) for n in nodes] == [
        (1, False, 0),  # jump_url: listed, subtree (11) skipped
        (2, True, 0), (21, False, 1),  # children yield no leaf → the node itself is a leaf
        (3, False, 0), (31, False, 1), (311, True, 2), (32, True, 1),
    ]
    assert nodes[3].post_count == 7 and nodes[0].post_count is None
    with pytest.raises(ParseError, match=r"TREE\[0\]\.children\[0\]: node without 'id'"):
        walk_tree([{"id": 1, "children": [{"name": "x"}]}])
    with pytest.raises(ParseError, match="not an integer"):
        walk_tree([{"id": "abc"}])


# ---------------------------------------------------------------- list API


def test_parse_list_reproduces_every_category_listing(state: SimState, agency: Agency) -> None:
    window = agency.api_window()
    for cat in [0, *(c.id for c in agency.all_categories() if not c.jump_url)]:
        truth = [d.id for d in agency.catalog_listing(cat, state.today)]
        ids: list[int] = []
        page = 1
        while True:
            resp = get(state, f"{BASE}api/all/{cat}", page=page, sid=agency.sid)
            if resp.status == 404:
                break
            lp = parse_list(resp.body)
            assert lp.offset == (page - 1) * 100 and lp.total == min(len(truth), window)
            assert lp.classify["id"] == cat and lp.classify["post_count"] == len(truth)
            ids += [a["id"] for a in lp.articles]
            if lp.offset + len(lp.articles) >= lp.total:
                break
            page += 1
        assert ids == truth[:window], cat
    assert parse_list(get(state, f"{BASE}api/all/1805", page=0).body) == \
        parse_list(get(state, f"{BASE}api/all/1805", page=1).body)


def test_parse_list_accepts_str_and_bytes(state: SimState) -> None:
    body = get(state, f"{BASE}api/all/1801", page=1).body
    assert parse_list(body) == parse_list(body.decode()) == parse_list(b"\xef\xbb\xbf" + body)


def test_parse_list_errors(state: SimState, agency: Agency) -> None:
    wrong_sid = get(state, f"{BASE}api/all/0", page=1, sid="999999")
    with pytest.raises(ParseError, match="sid error"):
        parse_list(wrong_sid.body)
    state.set_faults([{"kind": "truncated_json"}])
    truncated = serve(SimRequest("GET", HOST, f"{BASE}api/all/1805", {"page": "1", "sid": agency.sid}, {}), state)
    assert truncated.status == 200
    with pytest.raises(ParseError, match=r"list API: invalid JSON .*truncated"):
        parse_list(truncated.body)
    cases = {
        b"": "invalid JSON",
        b"[1, 2]": "expected a JSON object, got list",
        b'{"classify": {}, "total": 5, "offset": 0}': "missing key 'articles'",
        b'{"classify": {}, "total": 5, "offset": 0, "articles": {}}': "'articles' is not a list",
        b'{"classify": {}, "total": 5, "offset": 0, "articles": [{"title": "x"}]}': "articles[0] has no 'id'",
        b"\xff\xfe{}": "not UTF-8",
    }
    for body, message in cases.items():
        with pytest.raises(ParseError, match=re.escape(message)):
            parse_list(body)


def test_parse_list_degrades_when_a_catalog_leaves_out_totals() -> None:
    # Other cities' catalogs (and trimmed captures) leave out or stringify total/offset/classify: the
    # page is still read, and says what it left out.
    got = parse_list(b'{"classify": {"id": 7}, "articles": [{"id": 1}]}')
    assert (got.total, got.offset, got.classify, got.articles) == (None, None, {"id": 7}, [{"id": 1}])
    assert got.notes == [NO_TOTALS]
    got = parse_list(b'{"classify": {}, "total": "5", "offset": "0", "articles": []}')
    assert (got.total, got.offset, got.notes) == (5, 0, [])
    got = parse_list(b'{"total": 1, "offset": 0, "articles": []}')
    assert got.classify == {} and got.notes == ["the list page's classify is missing"]
    got = parse_list(b'{"classify": [], "total": "many", "offset": 0, "articles": []}')
    assert got.total is None and got.notes == ["the list page's classify is not an object",
                                               NO_TOTALS + " (total 'many')"]


def test_article_time_reads_create_time_else_created_at_else_display_time() -> None:
    assert article_time({"create_time": 1783392529, "created_at": "1999-01-01"}) == 1783392529
    assert article_time({"create_time": "1783392529"}) == 1783392529
    for text in ("2026-07-07 10:48:49", "2026.07.07 10:48:49", "2026/7/7 10:48:49", "2026年7月7日 10:48:49"):
        assert article_time({"created_at": text}) == 1783392529, text  # local time, Asia/Shanghai
    assert article_time({"created_at": "2026-07-07"}) == 1783353600
    assert article_time({"display_publish_time": 1783353601}) == 1783353601
    assert article_time({"created_at": "soon"}) is None and article_time({}) is None


# ---------------------------------------------------------------- titles


def test_api_titles_clean_to_world_titles(state: SimState, agency: Agency) -> None:
    world, today = state.world, state.today
    styles: set[str] = set()
    for doc in live_docs(agency, today, kind=None):
        raw = gkmlpt.article_for(world, agency, doc, today)["title"]
        truth = doc.title_on(today)
        if doc.title_style == "hostile":
            # data that looks like markup: the cleaned API title is the text without the tags
            assert clean_title(raw) == '关于alert("xss")防范网络诈骗的提醒' == clean_title(truth)
        else:
            assert clean_title(raw) == truth, (doc.id, doc.title_style, raw)
        if doc.title_style in ("percent_u", "html"):
            assert raw != truth
        styles.add(doc.title_style)
    assert styles == {"plain", "percent_u", "html", "hostile"}


@pytest.mark.parametrize("raw, clean", [
    ("%u5173%u4E8E%u5F00%u5C55%28%u7B2C%u4E00%u6279%29", "关于开展(第一批)"),
    ("%uD83D%uDE00%20ok", "😀 ok"),
    ("\\u5173\\u4e8e\\u901a\\u77e5", "关于通知"),
    ("关于开展<br/>工作的通知", "关于开展工作的通知"),
    ("2024<br>年度报告", "2024年度报告"),
    ("Annual<br />Report", "Annual Report"),
    ("<em>关于</em>印发", "关于印发"),
    ("R&amp;D &quot;plan&quot; &#x4E2D;", 'R&D "plan" 中'),
    ("  多个\n\t空白\u3000字符  ", "多个 空白 字符"),
    ("增长5%以上 a%20b", "增长5%以上 a%20b"),  # not escape()d: percent signs are text
    ("&lt;b&gt;加粗&lt;/b&gt;", "加粗"),
    ("a < b > c", "a < b > c"),
    ("", ""),
])
def test_clean_title_cases(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean
    assert clean_title(clean_title(raw)) == clean_title(raw)


def test_clean_title_is_idempotent_on_every_api_title(state: SimState, agency: Agency) -> None:
    for doc in live_docs(agency, state.today, kind=None):
        once = clean_title(gkmlpt.article_for(state.world, agency, doc, state.today)["title"])
        assert clean_title(once) == once


# ---------------------------------------------------------------- search JSONP


def test_parse_search_callbacks_and_trailing_noise(state: SimState) -> None:
    ref = None
    for callback in ("cb", "jQuery1124_17000", "__bid", "a.b.c"):
        body = search_call(state, page=1, pagesize=5, callback=callback).body
        for variant in (body, body + b";", body + b" ;\n", b"\n " + body + b"\r\n", b"/**/" + body):
            page = parse_search(variant)
            assert len(page.results) == 5
            ref = ref or page
            assert page == ref
    assert ref is not None and ref.count == len(live_docs(state.world.agencies[0], state.today, kind=None))


def test_parse_search_errors(state: SimState) -> None:
    no_callback = search_call(state, page=1).body
    with pytest.raises(ParseError, match="调用失败，请检查参数"):
        parse_search(no_callback)
    full = search_call(state, page=1, callback="cb").body
    with pytest.raises(ParseError, match="not closed"):
        parse_search(full[: len(full) // 2])
    for body, message in [(b"cb([1,2])", "expected a JSON object"), (b'cb({"count": 1})', "missing key 'results'"),
                          (b"<html>", "no callback"), (b'cb({"results": [1], "count": 1})', "list of objects")]:
        with pytest.raises(ParseError, match=re.escape(message)):
            parse_search(body)
    # a count written as a string is read; a missing one degrades to paging until an empty page
    assert parse_search(b'cb({"results": [], "count": "3"})').count == 3
    page = parse_search(b'cb({"results": [{"id": 1}]})')
    assert page.count is None and page.results == [{"id": 1}] and "no count" in page.notes[0]
    assert parse_search(search_call(state, page=0, callback="cb").body).count == 0


def all_search_results(state: SimState, **query: object) -> list[dict]:
    out: list[dict] = []
    page = 1
    while True:
        sp = parse_search(search_call(state, page=page, pagesize=50, callback="cb", **query).body)
        if not sp.results:
            return out
        out += sp.results
        page += 1


def test_search_to_article_equals_api_article_on_fingerprint(state: SimState, agency: Agency) -> None:
    world, today = state.world, state.today
    results = all_search_results(state)
    assert len(results) == len(live_docs(agency, today, kind=None))  # search reaches past the API window
    for result in results:
        doc = world.doc_by_id[result["id"]]
        api = gkmlpt.article_for(world, agency, doc, today)
        art = search_to_article(result)
        assert list_fingerprint(art) == list_fingerprint(api), doc.id
        assert art["type"] == api["type"] == doc.kind and "post_type" not in art
        assert art["attachment"] == api["attachment"]
        assert art["title"] == clean_title(api["title"])
        assert art["category"] == doc.category.name and art["isgkml"] == 1  # unknown keys kept
    # <em> highlighting of a text search does not change the fingerprint either
    highlighted = all_search_results(state, text="教育")
    assert highlighted and all("<em>教育</em>" in r["title"] for r in highlighted)
    for result in highlighted:
        api = gkmlpt.article_for(world, agency, world.doc_by_id[result["id"]], today)
        assert list_fingerprint(search_to_article(result)) == list_fingerprint(api)


def test_search_to_article_time_fallbacks() -> None:
    base = {"id": 5, "title": "<em>关于</em>通知", "post_type": "normal", "attachment": "", "pub_time": "2025-01-01"}
    art = search_to_article(base)
    assert art["create_time"] == int(datetime(2025, 1, 1, tzinfo=SHANGHAI).timestamp()) == 1735660800
    assert art["title"] == "关于通知" and art["attachment"] == [] and art["type"] == "normal"
    assert art["publisher"] is None and art["pub_time"] == "2025-01-01"
    assert search_to_article({**base, "display_publish_time": 1735661400})["create_time"] == 1735661400
    assert search_to_article({**base, "create_time": 1735661401})["create_time"] == 1735661401
    assert search_to_article({**base, "pub_time": "2025-01-01 00:10:00"})["create_time"] == 1735661400
    with pytest.raises(ParseError, match="attachment is not JSON"):
        search_to_article({**base, "attachment": "[{"})
    with pytest.raises(ParseError, match="not a JSON list"):
        search_to_article({**base, "attachment": "{}"})


# ---------------------------------------------------------------- fingerprint


def test_fingerprint_ignores_jitter_and_key_order(state: SimState, agency: Agency) -> None:
    doc = next(d for d in live_docs(agency, state.today) if d.attachments)
    api = gkmlpt.article_for(state.world, agency, doc, state.today)
    fp = list_fingerprint(api)
    assert re.fullmatch(r"[0-9a-f]{64}", fp)
    assert list_fingerprint(dict(reversed(list(api.items())))) == fp
    assert list_fingerprint({**api, "created_at": "2000-01-01 00:00:00", "display_publish_time": 1}) == fp
    att = [{**a, "mime": "x/y", "type": "zzz"} for a in reversed(api["attachment"])]
    assert list_fingerprint({**api, "attachment": att}) == fp  # only (id, name, size, url) count
    assert list_fingerprint({**api, "url": api["url"].replace("http:", "https:")}) == fp
    assert list_fingerprint({**api, "id": str(api["id"])}) == fp
    for key, value in [("title", api["title"] + "（更新）"), ("create_time", api["create_time"] + 60),
                       ("document_number", "开教〔2099〕1号"), ("is_abolished", 1),
                       ("attachment", api["attachment"][:-1])]:
        assert list_fingerprint({**api, key: value}) != fp, key
    # stable across runs: a fixed input has a fixed digest
    assert list_fingerprint({"id": 1, "title": "t"}) == list_fingerprint({"title": "t", "id": 1, "attachment": []})


def test_fingerprint_changes_exactly_for_edited_documents(world: World, agency: Agency) -> None:
    before, after = date(2025, 3, 31), date(2025, 4, 2)
    fps = {}
    for day in (before, after):
        fps[day] = {d.id: list_fingerprint(gkmlpt.api_article(world, agency, d, day))
                    for d in live_docs(agency, day, kind=None)}
    changed = {i for i in fps[before] if i in fps[after] and fps[before][i] != fps[after][i]}
    edited = {e["id"] for e in world.event_log if e["day"] == "2025-04-02" and e["action"] == "edit"
              and e["channel"] == "catalog"}
    assert len(edited) == 3 and changed == edited


# ---------------------------------------------------------------- document pages


def test_parse_document_matches_world_for_every_document(state: SimState, agency: Agency) -> None:
    world, today = state.world, state.today
    docs = live_docs(agency, today)
    assert len(docs) > 900
    with_atts = reports = 0
    for doc in docs:
        html, url = doc_page(state, agency, doc)
        page = parse_document(html, url)
        expected = {
            "索引号": gkmlpt.identifier_for(world, doc), "分类": doc.category.name, "发布机构": doc.publisher,
            "成文日期": doc.written.isoformat(), "名称": doc.title_on(today), "文号": doc.doc_number,
            "发布日期": doc.published.strftime("%Y-%m-%d"), "主题词": doc.keywords,
        }
        assert page.meta == expected, doc.id
        assert page.title == doc.title_on(today)
        assert page.h1 == doc.title_on(today)  # <br/> and <em> markup of "html" titles read as text
        atts = doc.attachments_on(today)
        assert [(a.aid, a.url, a.name) for a in page.attachments] == \
            [(str(a.aid), f"http://{agency.host}{a.path}", a.name) for a in atts]
        with_atts += bool(atts)
        lines = page.body_text.split("\n")
        if doc.report_year is not None:
            reports += 1
            assert page.body_text.startswith(report_text(world, agency, doc.report_year))
        else:
            paragraphs = world.body_paragraphs("catalog", doc.id, doc.year)
            assert lines[: len(paragraphs)] == paragraphs
        assert lines[len(lines) - len(page.attachments):] == [a.text for a in page.attachments]
        for chrome in CHROME:
            assert chrome not in page.body_text, (doc.id, chrome)
        assert "发布日期：" not in page.body_text
        assert page.body_html.startswith("<p") and "article-content" not in page.body_html
        assert page.detail is not None and page.detail["id"] == doc.id
        assert page.checks == [], (doc.id, page.checks)
    assert with_atts > 50 and reports >= 5


def test_hostile_title_is_returned_as_literal_text(state: SimState, agency: Agency) -> None:
    doc = next(d for d in agency.docs if d.title_style == "hostile")
    html, url = doc_page(state, agency, doc)
    assert "<script>alert" not in html.split("window._CONFIG")[0]  # escaped in the page markup
    page = parse_document(html, url)
    assert page.title == page.meta["名称"] == page.h1 == doc.title == \
        '关于<script>alert("xss")</script>防范网络诈骗的提醒<img src=x onerror="alert(1)">'
    assert page.detail is not None and page.detail["title"] == doc.title and page.checks == []


def test_html_title_detail_has_markup_but_no_check(state: SimState, agency: Agency) -> None:
    doc = next(d for d in live_docs(agency, state.today) if d.title_style == "html")
    page = parse_document(*doc_page(state, agency, doc))
    assert page.detail is not None and re.search(r"<(br/|em)>", page.detail["title"])
    assert page.title == doc.title_on(state.today) and page.checks == []


def test_table_with_tbody_and_ths(state: SimState, agency: Agency) -> None:
    doc = live_docs(agency, state.today)[10]
    html, url = doc_page(state, agency, doc)
    plain = parse_document(html, url)
    with_tbody = html.replace('<table class="table">', '<table class="table"><tbody>').replace("</table>", "</tbody></table>", 1)
    assert "<tbody>" in with_tbody
    assert parse_document(with_tbody, url).meta == plain.meta
    # a label cell without the td-label class, and a one-cell "标签：值" variant
    variant = with_tbody.replace('<td class="td-label">索引号：</td>', "<th>索引号:</th>")
    variant = re.sub(r'<td class="td-label">文号：</td><td class="td-value-xl"><span>(.*?)</span></td>',
                     r"<td>文号：\1</td>", variant)
    assert parse_document(variant, url).meta == plain.meta


def test_changed_detail_title_gives_exactly_one_check(state: SimState, agency: Agency) -> None:
    doc = [d for d in live_docs(agency, state.today) if d.title_style == "plain"][20]
    html, url = doc_page(state, agency, doc)
    title = doc.title_on(state.today)
    detail_title = f'DETAIL: {{"id":{doc.id},"title":"{title}"'
    assert detail_title in html
    page = parse_document(html.replace(detail_title, f'DETAIL: {{"id":{doc.id},"title":"另一个标题"'), url)
    assert page.checks == [{"field": "title", "table_value": title, "detail_value": "另一个标题"}]
    assert page.title == title  # the table stays the source of truth


def test_changed_detail_dates_and_fields_are_checked(state: SimState, agency: Agency) -> None:
    doc = live_docs(agency, state.today)[30]
    html, url = doc_page(state, agency, doc)
    art = gkmlpt.article_for(state.world, agency, doc, state.today)
    html = html.replace(f'"create_time":{art["create_time"]}', f'"create_time":{art["create_time"] + 86400}')
    html = html.replace(f'"classify_main_name":"{doc.category.name}"', '"classify_main_name":"别的分类"')
    page = parse_document(html, url)
    assert sorted(c["field"] for c in page.checks) == ["category", "published_date"]
    published = next(c for c in page.checks if c["field"] == "published_date")
    assert published["table_value"] == doc.published.strftime("%Y-%m-%d")
    assert published["detail_value"] == local_day(art["create_time"] + 86400)


def test_boundary_item_dates_use_shanghai_time(state: SimState, agency: Agency) -> None:
    # 2025-01-01 00:10 local is 2024-12-31 in UTC: a UTC reading of create_time would disagree.
    doc = next(d for d in agency.docs if d.published == datetime(2025, 1, 1, 0, 10, tzinfo=SHANGHAI))
    page = parse_document(*doc_page(state, agency, doc))
    assert page.meta["发布日期"] == "2025-01-01" and page.checks == []


def test_missing_or_broken_detail_is_recorded(state: SimState, agency: Agency) -> None:
    doc = live_docs(agency, state.today)[40]
    html, url = doc_page(state, agency, doc)
    no_detail = re.sub(r"    DETAIL: .*\n", "", html)
    assert "DETAIL" not in no_detail
    page = parse_document(no_detail, url)
    assert page.detail is None and [c["field"] for c in page.checks] == ["detail"]
    assert "no DETAIL" in page.checks[0]["reason"]
    broken = html.replace("    DETAIL: {", "    DETAIL: oops({", 1)
    page = parse_document(broken, url)
    assert page.detail is None and page.checks[0]["field"] == "detail"
    no_config = html.split("<script>\nwindow._CONFIG")[0]
    page = parse_document(no_config, url)
    assert page.detail is None and "unreadable" in page.checks[0]["reason"]
    assert page.meta["名称"] == doc.title_on(state.today)
    # the category TREE after DETAIL is not the document's: broken, it costs the page nothing
    broken_tree = html.replace("    TREE: [", "    TREE: '[", 1)  # an unterminated string
    assert broken_tree != html
    assert parse_document(broken_tree, url) == parse_document(html, url)


def test_attachments_resolved_and_deduplicated() -> None:
    html = """<html><body><div class="content"><h1 class="title">标题<br/>续</h1>
    <div class="article-content"><p>正文 <b>加粗</b>文字</p><ul><li>一</li><li>二</li></ul>
    <table><tr><td>甲</td><td></td><td><span>乙</span><span>丙</span></td></tr></table>
    <div>行一<br>行二</div>
    <p><a class="nfw-cms-attachment" attachment-id="7" href="../../a/7/1.pdf" alt="名单.pdf">点击下载</a></p>
    <p><a class="nfw-cms-attachment" href="/a/8/1.doc">附件二.doc</a></p>
    <p><a class="nfw-cms-attachment" attachment-id="7" href="http://h.gov.cn/x/a/7/1.pdf">重复</a></p>
    <script>var x = "不是正文";</script></div></div></body></html>"""
    page = parse_document(html, "http://h.gov.cn/x/gkmlpt/content/post_1.html")
    assert page.meta == {} and page.title == page.h1 == "标题续"
    assert [(a.aid, a.url, a.name, a.text) for a in page.attachments] == [
        ("7", "http://h.gov.cn/x/a/7/1.pdf", "名单.pdf", "点击下载"),
        ("", "http://h.gov.cn/a/8/1.doc", "附件二.doc", "附件二.doc"),
    ]
    assert page.body_text.split("\n") == ["正文 加粗文字", "一", "二", "甲 |  | 乙丙", "行一", "行二",
                                          "点击下载", "附件二.doc", "重复"]
    assert page.detail is None and page.checks[0]["field"] == "detail"


def test_not_a_document_page_raises(state: SimState) -> None:
    with pytest.raises(ParseError, match="not a document page"):
        parse_document(get(state, BASE + "index").body.decode(), f"http://{HOST}{BASE}index")
    missing = get(state, BASE + "content/0/1/post_1.html")
    assert missing.status == 404
    with pytest.raises(ParseError, match="neither a div.classify table nor an h1.title"):
        parse_document(missing.body.decode(), "http://x/")


def test_detail_json_matches_api_article(state: SimState, agency: Agency) -> None:
    doc = next(d for d in live_docs(agency, state.today) if d.attachments and d.title_style == "plain")
    page = parse_document(*doc_page(state, agency, doc))
    api = gkmlpt.article_for(state.world, agency, doc, state.today)
    assert page.detail is not None
    assert {k: page.detail[k] for k in api} == api
    assert list_fingerprint(page.detail) == list_fingerprint(api)
    assert json.loads(json.dumps(page.detail))["content"].startswith("<p")
