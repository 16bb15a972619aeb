"""The gkmlpt catalogue replica: index shell, list API, document pages (simulator/sites/gkmlpt.py)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from urllib.parse import unquote

import pytest
from lxml import html as lhtml

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites import gkmlpt, search
from simulator.sites.files import file_bytes
from simulator.world import SHANGHAI, World

HOST = "www.kaiping.gov.cn"
BASE = "/jmkpsjyj/gkmlpt/"
ARTICLE_FIELDS = {
    "id": int, "title": str, "url": str, "post_url": str, "type": str, "date": int, "create_time": int,
    "created_at": str, "display_publish_time": int, "publisher": str, "identifier": str, "document_number": str,
    "keywords": str, "abstract": str, "classify_main": int, "classify_main_name": str, "classify_genre_name": str,
    "classify_theme_name": str, "attachment": list, "is_expired": int, "is_abolished": int, "relation": str,
}


@pytest.fixture(scope="module")
def agency(world: World):
    return world.agencies[0]


def get(state: SimState, path: str, host: str = HOST, attempt: int = 1, **query: object) -> SimResponse | None:
    req = SimRequest("GET", host, path, {k: str(v) for k, v in query.items()}, {}, channel="gkmlpt", attempt=attempt)
    return gkmlpt.handle(req, state)


def api(state: SimState, cat: int, **query: object) -> dict:
    resp = get(state, f"{BASE}api/all/{cat}", **query)
    assert resp is not None and resp.status == 200
    assert resp.content_type.startswith("application/json")
    return json.loads(resp.body)


def all_articles(state: SimState, cat: int) -> list[dict]:
    out: list[dict] = []
    page = 1
    while True:
        resp = get(state, f"{BASE}api/all/{cat}", page=page, sid="750118")
        if resp.status == 404:
            return out
        data = json.loads(resp.body)
        out += data["articles"]
        page += 1


def config_object(page: str) -> str:
    """The `window._CONFIG = {...}` object text, brace-matched (string-aware)."""
    start = page.index("window._CONFIG = {") + len("window._CONFIG = ")
    depth, quote, i = 0, "", start
    while True:
        ch = page[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return page[start:i + 1]
        i += 1


def doc_path(agency, doc) -> str:
    return gkmlpt.doc_url(agency, doc).removeprefix(f"http://{HOST}")


def local(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, SHANGHAI)


# ---------------------------------------------------------------- index and TREE


def test_index_config_and_tree(state: SimState, agency) -> None:
    resp = get(state, f"{BASE}index")
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    page = resp.body.decode()
    assert '<div id="app"></div>' in page and "chunk-common.c1553651.js" in page
    assert "NFCMS_SITE_ID" in page and "statistics.gd.gov.cn" in page
    assert "post_" not in page.split("window._CONFIG")[0]  # a shell: no article list
    obj = config_object(page)
    assert re.search(r"SID:\s*'(\d+)'", obj).group(1) == "750118"
    tree = json.loads(re.search(r"TREE:\s*(\[.*?\])\s*,\s*SERVICE_AREA_ID", obj, re.S).group(1))
    assert re.search(r"SERVICE_AREA_ID:\s*440783", obj)
    assert "SEARCH_JSONP_URL: '//search.gd.gov.cn/jsonp/site/750118'" in obj
    assert "APP_URL:" in obj

    def walk(nodes):
        for n in nodes:
            yield n
            yield from walk(n["children"])

    nodes = list(walk(tree))
    for n in nodes:
        assert set(n) == {"id", "name", "parent", "children", "jump_url", "post_count"}
        if n["children"]:
            assert n["post_count"] == sum(c["post_count"] for c in n["children"])
            assert all(c["parent"] == n["id"] for c in n["children"])
        else:
            assert n["post_count"] == len(agency.catalog_listing(n["id"], state.today))
    jumps = [n for n in nodes if n["jump_url"]]
    assert [n["name"] for n in jumps] == ["重点领域信息公开"] and jumps[0]["post_count"] == 0
    assert sum(n["post_count"] for n in tree) == len(agency.catalog_listing(0, state.today))
    assert [n["id"] for n in tree if n["parent"] == 0] == [c.id for c in agency.categories]


def test_index_variants_and_foreign_paths(state: SimState) -> None:
    for p in ("index/", "mindex", "mindex/"):
        assert get(state, BASE + p).status == 200
    assert "/mobile/" in get(state, BASE + "mindex").body.decode()
    assert get(state, "/nosuchsite/gkmlpt/index") is None
    assert get(state, BASE + "index", host="www.jiangmen.gov.cn") is None
    assert get(state, BASE + "nothing") is None
    assert get(state, "/kpsjyjzww/zwgk/tzgg/index.html") is None


# ---------------------------------------------------------------- list API


def test_paging_window_and_404(state: SimState, agency) -> None:
    window = agency.api_window()
    assert window == 200
    for cat in agency.all_categories():
        d1 = api(state, cat.id, page=1, sid="750118")
        post_count = len(agency.catalog_listing(cat.id, state.today))
        assert d1["classify"]["post_count"] == post_count
        assert d1["total"] == min(post_count, window)
        assert d1["offset"] == 0
    # The window bites on 政务动态 and 部门预决算 (both span more than 200 docs over 2020-2025).
    for cid in (1805, 1807):
        d = api(state, cid, page=1)
        assert d["total"] == 200 < d["classify"]["post_count"]
    p0 = get(state, f"{BASE}api/all/1805", page=0, sid="750118").body
    p1 = get(state, f"{BASE}api/all/1805", page=1, sid="750118").body
    assert p0 == p1 == get(state, f"{BASE}api/all/1805", sid="750118").body
    d2 = api(state, 1805, page=2)
    assert d2["offset"] == 100 and len(d2["articles"]) == 100
    assert get(state, f"{BASE}api/all/1805", page=3).status == 404
    # a category whose last page is short
    d = api(state, 1812, page=1)
    assert d["total"] > 100 and d["total"] % 100
    last = (d["total"] - 1) // 100 + 1
    dl = api(state, 1812, page=last)
    assert len(dl["articles"]) == d["total"] - (last - 1) * 100 and dl["offset"] == (last - 1) * 100
    resp = get(state, f"{BASE}api/all/1812", page=last + 1)
    assert resp.status == 404 and b"nginx" in resp.body
    # newest first, served slice = the newest `total` docs of the category
    arts = all_articles(state, 1805)
    ids = [a["id"] for a in arts]
    assert ids == [x.id for x in agency.catalog_listing(1805, state.today)[:200]]
    assert [a["create_time"] for a in arts] == sorted((a["create_time"] for a in arts), reverse=True)


def test_empty_unknown_and_sid(state: SimState) -> None:
    d = api(state, 1810, page=1)  # the jump_url node
    assert d["articles"] == [] and d["total"] == 0
    assert d["classify"]["jump_url"].startswith("http://")
    assert get(state, f"{BASE}api/all/1810", page=2).status == 404
    assert get(state, f"{BASE}api/all/9999", page=1).status == 404
    bad = get(state, f"{BASE}api/all/1805", page=1, sid="755001")
    assert bad.status == 200 and json.loads(bad.body) == {"code": -1, "msg": "sid error"}
    assert api(state, 1805, page="x")["offset"] == 0


def test_category_zero_and_parent(state: SimState, agency) -> None:
    d = api(state, 0, page=1, sid="750118")
    n = len(agency.catalog_listing(0, state.today))
    assert d["classify"]["id"] == 0 and d["classify"]["name"] == "全部" and d["classify"]["post_count"] == n
    assert d["total"] == min(n, 200)
    arts = all_articles(state, 0)
    assert len(arts) == d["total"]
    assert [a["id"] for a in arts] == [x.id for x in agency.catalog_listing(0, state.today)[:200]]
    assert len({a["classify_main"] for a in arts}) > 3
    parent = all_articles(state, 1804)
    assert {a["classify_main"] for a in parent} == {1811, 1812}
    assert api(state, 1804)["classify"]["parent"] == 0 and api(state, 1811)["classify"]["parent"] == 1804


def test_article_fields(state: SimState, world: World, agency) -> None:
    arts = all_articles(state, 0) + all_articles(state, 1813) + all_articles(state, 1814)
    kinds = set()
    for a in arts:
        for key, typ in ARTICLE_FIELDS.items():
            assert isinstance(a[key], typ), (key, a[key])
        doc = world.doc_by_id[a["id"]]
        kinds.add(a["type"])
        if a["type"] == "normal":
            assert a["url"] == f"http://{HOST}{BASE}content/{a['id'] // 1000000}/{a['id'] // 1000}/post_{a['id']}.html"
        else:
            assert a["type"] == "url" and a["url"] == doc.link_url and a["url"].startswith("http://")
        written = local(a["date"])
        assert (written.hour, written.minute, written.second) == (0, 0, 0) and written.date() == doc.written
        assert local(a["create_time"]) == doc.published and a["display_publish_time"] == a["create_time"]
        lag = datetime.strptime(a["created_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI) - doc.published
        assert timedelta(0) < lag < timedelta(seconds=10)
        assert re.fullmatch(r"11440783MB2D51374X/\d{4}-\d{5}", a["identifier"])
        assert a["identifier"][19:23] == str(doc.year)
        assert a["classify_main"] == doc.category.id and a["classify_main_name"] == doc.category.name
        assert a["relation"] == "[]" and a["is_expired"] == 0 and a["is_abolished"] == 0
        if doc.website_column:
            assert a["post_url"] == f"http://{HOST}/kpsjyjzww/{doc.website_column}/content/post_{a['id']}.html"
        for att in a["attachment"]:
            assert set(att) == {"id", "name", "type", "mime", "size", "url"}
            assert isinstance(att["id"], int) and isinstance(att["size"], str) and att["size"].isdigit()
            assert att["url"].startswith(f"http://{HOST}/attachment/") and att["url"].endswith(f"/{a['id']}.{att['name'].rsplit('.', 1)[1]}")
            a_obj = world.attachment_by_path[att["url"].removeprefix(f"http://{HOST}")]
            assert int(att["size"]) == len(file_bytes(a_obj, world))
    assert kinds == {"normal", "url"}
    assert any(a["attachment"] for a in arts) and any(a["document_number"] for a in arts)
    # identifiers are unique and number each year's documents in publication order
    idents = [gkmlpt.identifier_for(world, d) for d in agency.docs]
    assert len(set(idents)) == len(idents)
    y2024 = sorted((d for d in agency.docs if d.year == 2024), key=lambda d: (d.published, d.id))
    assert [gkmlpt.identifier_for(world, d)[-5:] for d in y2024] == [f"{i:05d}" for i in range(1, len(y2024) + 1)]


def _served(state: SimState, doc) -> dict | None:
    for a in all_articles(state, doc.category.id):
        if a["id"] == doc.id:
            return a
    return None


def test_percent_u_and_html_titles(state: SimState, agency) -> None:
    pu = [d for d in agency.docs if d.title_style == "percent_u" and d.visible(state.today)]
    hs = [d for d in agency.docs if d.title_style == "html" and d.visible(state.today)]
    checked_pu = checked_html = 0
    for doc in pu:
        a = _served(state, doc)
        if a is None:
            continue  # outside the API window
        assert re.fullmatch(r"(%u[0-9A-F]{4}|%[0-9A-F]{2}|[A-Za-z0-9@*_+\-./])+", a["title"])
        decoded = unquote(re.sub(r"%u([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), a["title"]))
        assert decoded == doc.title
        checked_pu += 1
    for doc in hs:
        a = _served(state, doc)
        if a is None:
            continue
        assert "<br/>" in a["title"] or "<em>" in a["title"]
        assert re.sub(r"<[^>]+>", "", a["title"]) == doc.title
        checked_html += 1
    assert checked_pu and checked_html
    assert gkmlpt.js_escape("a b€😀") == "a%20b%u20AC%uD83D%uDE00"


# ---------------------------------------------------------------- document pages


def _table(page: str) -> dict[str, str]:
    tree = lhtml.fromstring(page)
    cells = tree.xpath("//div[@class='classify']//td")
    out = {}
    for label, value in zip(cells[::2], cells[1::2], strict=True):
        out[label.text_content().strip().rstrip("：")] = value.xpath("string(./span)")
    return out


def _detail(page: str) -> dict:
    obj = config_object(page)
    start = obj.index("DETAIL:") + len("DETAIL:")
    start = obj.index("{", start)
    detail, _ = json.JSONDecoder().raw_decode(obj, start)
    return detail


def test_document_page_matches_api(state: SimState, world: World, agency) -> None:
    arts = [a for a in all_articles(state, 1811) if a["type"] == "normal"]
    with_att = [a for a in all_articles(state, 1813) if a["attachment"]]
    for a in arts[:15] + with_att[:3]:
        resp = get(state, a["url"].removeprefix(f"http://{HOST}"))
        assert resp.status == 200 and resp.cacheable
        doc = world.doc_by_id[a["id"]]
        assert resp.last_modified == doc.modified_on(state.today)
        page = resp.body.decode()
        t = _table(page)
        assert list(t) == ["索引号", "分类", "发布机构", "成文日期", "名称", "文号", "发布日期", "主题词"]
        assert t["索引号"] == a["identifier"] and t["分类"] == a["classify_main_name"]
        assert t["发布机构"] == a["publisher"] and t["文号"] == a["document_number"]
        assert t["成文日期"] == local(a["date"]).date().isoformat()
        assert t["发布日期"] == local(a["create_time"]).date().isoformat()
        assert t["名称"] == doc.title and t["主题词"] == a["keywords"]
        assert "<tbody" not in page
        tree = lhtml.fromstring(page)
        assert tree.xpath("string(//h1[contains(@class,'title') and contains(@class,'document-number')])") == doc.title
        assert tree.xpath("//div[@class='date-row']") and tree.xpath("//div[@class='op-row']")
        body = tree.xpath("//div[@class='article-content']")[0]
        assert body.xpath(".//p")
        links = body.xpath(".//a[@class='nfw-cms-attachment']")
        assert [(int(x.get("attachment-id")), x.get("href"), x.get("alt")) for x in links] == \
            [(x["id"], x["url"], x["name"]) for x in a["attachment"]]
        assert "NFCMS_PUB_TYPE = 'post'" in page and f"NFCMS_POST_ID = '{a['id']}'" in page
        detail = _detail(page)
        for key in ("id", "identifier", "document_number", "publisher", "classify_main_name", "date", "create_time",
                    "attachment", "abstract"):
            assert detail[key] == a[key], key
        assert detail["content"].startswith("<p") and detail["title"] == doc.title
        assert "\\u003C" in page and "\\u0022" in page
        # the regexes crawlers use work too
        assert json.loads(re.search(r"DETAIL:\s*({.*?})\s*,\s*TREE:", page, re.S).group(1))["id"] == a["id"]
        json.loads(re.search(r"TREE:\s*(\[.*?\])\s*,\s*SERVICE_AREA_ID", page, re.S).group(1))


def test_document_page_404s(state: SimState, world: World, agency) -> None:
    doc = next(d for d in agency.catalog_listing(1811, state.today) if d.kind == "normal")
    a, b = doc.id // 1000000, doc.id // 1000
    assert get(state, f"{BASE}content/{a}/{b}/post_{doc.id}.html").status == 200
    assert get(state, f"{BASE}content/{a}/{b + 1}/post_{doc.id}.html").status == 404
    assert get(state, f"{BASE}content/{a + 1}/{b}/post_{doc.id}.html").status == 404
    assert get(state, f"{BASE}content/{a}/{b}/post_{doc.id + 100000000}.html").status == 404
    url_doc = next(d for d in agency.catalog_listing(0, state.today) if d.kind == "url")
    assert get(state, doc_path(agency, url_doc)).status == 404


def test_hostile_and_html_titles_escaped(state: SimState, agency) -> None:
    doc = next(d for d in agency.docs if d.title_style == "hostile")
    assert doc.visible(state.today)
    page = get(state, doc_path(agency, doc)).body.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert _detail(page)["title"] == doc.title
    assert _table(page)["名称"] == doc.title
    served = _served(state, doc)
    assert served is not None and served["title"] == doc.title  # JSON-encoded as it is
    html_doc = next(d for d in agency.docs if d.title_style == "html" and d.visible(state.today) and d.kind == "normal")
    page = get(state, doc_path(agency, html_doc)).body.decode()
    h1 = re.search(r'<h1 class="title document-number">(.*?)</h1>', page).group(1)
    assert ("<br/>" in h1 or "<em>" in h1) and re.sub(r"<[^>]+>", "", h1) == html_doc.title
    assert _table(page)["名称"] == html_doc.title


def test_annual_report_page(state: SimState, agency) -> None:
    doc = next(d for d in agency.docs if d.report_year == 2024)
    page = get(state, doc_path(agency, doc)).body.decode()
    assert "2024年政府信息公开工作年度报告" in _detail(page)["content"]


# ---------------------------------------------------------------- faults, clock, determinism


def test_throttled_empty(world: World) -> None:
    state = SimState(world, faults=[{"kind": "throttled_empty", "match": {"path": "api/all"}, "times": 1}])
    first = api(state, 1805, page=2)
    resp = get(state, f"{BASE}api/all/1805", attempt=2, page=2)
    second = json.loads(resp.body)
    assert first["articles"] == [] and len(second["articles"]) == 100
    assert {k: v for k, v in first.items() if k != "articles"} == {k: v for k, v in second.items() if k != "articles"}


def test_future_doc_appears_when_clock_moves(world: World, agency) -> None:
    state = SimState(world)
    doc = min((d for d in agency.docs if d.published.date() > state.today and d.kind == "normal"),
              key=lambda d: d.published)
    cat = doc.category.id
    assert doc.id not in {a["id"] for a in api(state, cat)["articles"]}
    assert doc.id not in {a["id"] for a in api(state, 0)["articles"]}
    assert get(state, doc_path(agency, doc)).status == 404
    before = api(state, cat)["classify"]["post_count"]
    sreq = SimRequest("GET", "search.gd.gov.cn", "/jsonp/site/750118",
                      {"callback": "cb", "classify_main": str(cat), "pagesize": "50"}, {})
    assert str(doc.id) not in search.handle(sreq, state).body.decode()
    state.today = doc.published.date()
    d = api(state, cat)
    assert d["articles"][0]["id"] == doc.id and d["classify"]["post_count"] == before + 1
    assert api(state, 0)["articles"][0]["id"] == doc.id
    assert get(state, doc_path(agency, doc)).status == 200
    assert f'"id":{doc.id},' in search.handle(sreq, state).body.decode()


def test_deletion_restore_and_edit_follow_clock(world: World, agency) -> None:
    deleted = next(e["id"] for e in world.event_log
                   if e["action"] == "delete" and e["channel"] == "catalog" and e["day"] == "2025-04-03")
    doc = world.doc_by_id[deleted]
    assert doc.category.name == "行政执法公示"
    state = SimState(world)
    state.today = date(2025, 4, 2)
    assert deleted in {a["id"] for a in all_articles(state, doc.category.id)}
    assert get(state, doc_path(agency, doc)).status == 200
    state.today = date(2025, 4, 3)
    assert deleted not in {a["id"] for a in all_articles(state, doc.category.id)}
    assert get(state, doc_path(agency, doc)).status == 404
    state.today = date(2025, 4, 5)
    assert get(state, doc_path(agency, doc)).status == 200
    # edits of 2025-04-02: a title suffix and an added attachment
    edited = [world.doc_by_id[e["id"]] for e in world.event_log
              if e["action"] == "edit" and e["channel"] == "catalog" and e["day"] == "2025-04-02"]
    for d in edited:
        for day, expect in ((date(2025, 4, 1), False), (date(2025, 4, 2), True)):
            state.today = day
            page = get(state, doc_path(agency, d)).body.decode()
            detail = _detail(page)
            if "title_suffix" in d.timeline.edits[0][1]:
                assert detail["title"].endswith("（更新）") is expect
            else:
                assert any(x["name"].startswith("补充材料") for x in detail["attachment"]) is expect
            assert (get(state, doc_path(agency, d)).last_modified.date() == date(2025, 4, 2)) is expect


def test_deterministic_bytes(agency) -> None:
    w1, w2 = World(load("kaiping-2024")), World(load("kaiping-2024"))
    s1, s2 = SimState(w1), SimState(w2)
    doc = next(d for d in w1.agencies[0].catalog_listing(1813, s1.today) if d.attachments)
    for path, q in ((f"{BASE}index", {}), (f"{BASE}api/all/0", {"page": 2}), (f"{BASE}api/all/1813", {"page": 1}),
                    (doc_path(agency, doc), {})):
        assert get(s1, path, **q).body == get(s2, path, **q).body


def test_js_json_escapes_round_trip() -> None:
    data = {"a": 'x\\"<b>&"</script>', "b": "ends with \\", "c": ["\u2028\x00", 1, None], "d<": "\\\\\""}
    text = gkmlpt.js_json(data)
    assert json.loads(text) == data
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert '\\"' not in text.replace("\\\\", "")
    assert "\\u003C/script\\u003E" in text and "\\u0022" in text


def test_list_pages_without_totals_on_a_fault(world: World, agency) -> None:
    state = SimState(world, faults=[{"kind": "list_without_totals", "match": {"path": "/api/all/1805"}}])
    bare = api(state, 1805, page=1)
    assert set(bare) == {"classify", "articles"} and bare["articles"]  # total and offset left out
    assert bare["articles"] == api(SimState(world), 1805, page=1)["articles"]
    assert {"total", "offset"} <= set(api(state, 1806, page=1))  # other categories as before
    # the end of the list is still a 404
    pages = -(-min(len(world.agencies[0].catalog_listing(1805, state.today)), agency.api_window()) // 100)
    assert get(state, "/jmkpsjyj/gkmlpt/api/all/1805", page=pages + 1, sid=agency.sid).status == 404


def test_document_pages_say_action_content(world: World, agency) -> None:
    state = SimState(world)
    doc = next(d for d in agency.docs if d.kind == "normal" and d.visible(state.today))
    page = get(state, doc_path(agency, doc)).body.decode()
    assert re.search(r"window\._CONFIG = \{\n    ACTION: 'content',\n    SID: ", page)
