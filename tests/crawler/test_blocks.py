"""crawler/parsing/blocks.py: every simulator fault page is recognised, no normal page is flagged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from crawler.parsing.blocks import detect_block
from simulator.http import SimRequest, SimResponse, SimState
from simulator.server import WAF_PAGES, serve
from simulator.sites import gkmlpt, nfcms
from simulator.world import Agency, World

HOST = "www.kaiping.gov.cn"
GK = "/jmkpsjyj/gkmlpt/"
WEB = "/kpsjyjzww/"
SEARCH = "search.gd.gov.cn"
WECHAT = "mp.weixin.qq.com"


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agencies[0]


def fetch(state: SimState, host: str, path: str, headers: dict[str, str] | None = None,
          **query: object) -> tuple[SimResponse, str]:
    q = {k: str(v) for k, v in query.items()}
    resp = serve(SimRequest("GET", host, path, q, dict(headers or {})), state)
    url = f"http://{host}{path}" + (f"?{urlencode(q)}" if q else "")
    return resp, url


def verdict(state: SimState, host: str, path: str, headers: dict[str, str] | None = None, **query: object) -> str | None:
    resp, url = fetch(state, host, path, headers, **query)
    assert not resp.reset
    return detect_block(resp.status, {**resp.headers, "Content-Type": resp.content_type}, resp.body, url)


def sample_urls(world: World, agency: Agency, state: SimState) -> Iterator[tuple[str, str, dict[str, object]]]:
    """(host, path, query) of a broad sample of normal pages of every channel."""
    today = state.today
    yield HOST, GK + "index", {}
    yield HOST, GK + "mindex", {}
    for cat in [0, *(c.id for c in agency.all_categories() if not c.jump_url)]:
        total = min(len(agency.catalog_listing(cat, today)), agency.api_window())
        for page in range(1, (total + 99) // 100 + 1):
            yield HOST, f"{GK}api/all/{cat}", {"page": page, "sid": agency.sid}
    yield HOST, f"{GK}api/all/0", {"page": 1, "sid": "1"}  # sid error: an error, not a block
    for doc in agency.docs:
        if doc.kind == "normal" and doc.visible(today):
            yield HOST, gkmlpt.doc_url(agency, doc).split(HOST, 1)[1], {}
            for att in doc.attachments_on(today):
                yield HOST, att.path, {}
    count = len(agency.catalog_listing(0, today))
    for page in range(0, count // 50 + 3):  # including page 0 and pages past the end (empty, legitimately)
        yield SEARCH, f"/jsonp/site/{agency.sid}", {"page": page, "pagesize": 50, "callback": "cb"}
    yield SEARCH, f"/jsonp/site/{agency.sid}", {"page": 1, "text": "教育", "callback": "jQuery_1"}
    yield SEARCH, f"/jsonp/site/{agency.sid}", {"page": 1}  # the errcode answer
    yield HOST, WEB, {}
    yield HOST, WEB + "zwgk/", {}
    yield HOST, WEB + "zwgk", {}  # 301
    for column in agency.column_names():
        n = len(agency.column_listing(column, today))
        for page in range(1, min((n + 19) // 20, 100) + 2):  # one past the end: 404
            yield HOST, nfcms.list_url(agency, column, page).split(HOST, 1)[1], {}
    for art in agency.articles[::7]:
        if art.visible(today):
            yield HOST, nfcms.article_url(agency, art).split(HOST, 1)[1], {}
    assert agency.wechat is not None
    for art in agency.wechat.articles[::9]:
        yield WECHAT, f"/s/{art.token}", {}
    for art in agency.wechat.articles:
        if art.state(today) in ("deleted", "violation", "unavailable"):
            yield WECHAT, f"/s/{art.token}", {}
    yield WECHAT, "/s/unknowntoken", {}
    yield WECHAT, "/mp/aboutbiz", {"__biz": agency.wechat.biz}
    yield WECHAT, "/cgi-bin/appmsgpublish", {"sub": "list", "begin": 0, "count": 5}
    yield "weread.qq.com", "/web/mp/articles", {"bookId": agency.wechat.weread_book_id, "offset": 0}
    yield "wewe-rss.localhost", f"/feeds/{agency.wechat.weread_book_id}.atom", {}
    yield "wewe-rss.localhost", "/feeds", {}
    yield HOST, "/robots.txt", {}
    yield HOST, "/nothing/here", {}


def test_normal_pages_are_not_flagged(world: World, agency: Agency, state: SimState) -> None:
    seen: dict[int, int] = {}
    flagged = []
    for host, path, query in sample_urls(world, agency, state):
        resp, url = fetch(state, host, path, **query)
        seen[resp.status] = seen.get(resp.status, 0) + 1
        reason = detect_block(resp.status, dict(resp.headers), resp.body, url)
        if reason is not None:
            flagged.append((url, reason))
    assert flagged == []
    assert seen.get(200, 0) > 1500 and seen.get(404, 0) >= 4 and seen.get(301, 0) >= 1


def test_wechat_message_pages_are_content_not_walls(agency: Agency, state: SimState) -> None:
    assert agency.wechat is not None
    states = {art.state(state.today) for art in agency.wechat.articles}
    assert {"deleted", "violation", "unavailable"} <= states  # covered by the sample above


@pytest.mark.parametrize("status, reason", [(412, "waf_412"), (521, "waf_521"), (200, "challenge_page")])
def test_waf_pages_on_every_channel(state: SimState, agency: Agency, status: int, reason: str) -> None:
    state.set_faults([{"kind": "waf", "status": status}])
    doc = next(d for d in agency.docs if d.kind == "normal" and d.visible(state.today))
    for host, path, query in [(HOST, GK + "index", {}), (HOST, f"{GK}api/all/0", {"page": 1}),
                              (HOST, gkmlpt.doc_url(agency, doc).split(HOST, 1)[1], {}),
                              (HOST, WEB + "zwgk/tzgg/", {}), (SEARCH, "/jsonp/site/750118", {"callback": "cb"})]:
        resp, url = fetch(state, host, path, **query)
        assert resp.status == status and resp.body == WAF_PAGES[status].encode()
        assert detect_block(resp.status, {}, resp.body, url) == reason


def test_waf_pages_directly() -> None:
    for status, reason in [(412, "waf_412"), (521, "waf_521")]:
        assert detect_block(status, {}, WAF_PAGES[status].encode(), "http://x/") == reason
        assert detect_block(status, {}, b"", "http://x/") == reason
        # the same bodies behind a 200 are challenges by their markup ($_ts, document.cookie=__jsl_clearance)
        assert detect_block(200, {}, WAF_PAGES[status].encode(), "http://x/") == "challenge_page"
    assert detect_block(200, {}, WAF_PAGES[200].encode(), "http://x/") == "challenge_page"
    assert detect_block(200, {}, WAF_PAGES[200].encode("gbk"), "http://x/") == "challenge_page"
    plain_jsl = b"<html><script>document.cookie='__jsl_clearance=1.2|0|abc;path=/';location.reload()</script></html>"
    assert detect_block(200, {}, plain_jsl, "http://x/") == "challenge_page"
    title_only = "<html><head><title>安全验证</title></head><body><p>请稍候</p></body></html>".encode()
    assert detect_block(200, {}, title_only, "http://x/") == "challenge_page"


def test_verification_wall(state: SimState, agency: Agency) -> None:
    assert agency.wechat is not None
    art = agency.wechat.articles[-1]
    state.set_faults([{"kind": "verify_wall", "after": 0}])
    resp, url = fetch(state, WECHAT, f"/s/{art.token}")
    assert resp.status == 302 and "wappoc_appmsgcaptcha" in resp.headers["Location"]
    assert detect_block(resp.status, resp.headers, resp.body, url) == "verification_wall"
    upper = {k.upper(): v for k, v in resp.headers.items()}
    assert detect_block(resp.status, upper, resp.body, url) == "verification_wall"  # header case
    location = resp.headers["Location"]
    wall, wall_url = fetch(state, WECHAT, "/mp/wappoc_appmsgcaptcha",
                           **dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&")))
    assert wall.status == 200 and "环境异常" in wall.body.decode()
    assert detect_block(wall.status, {}, wall.body, location) == "verification_wall"
    # the body alone is recognised too (e.g. when a redirect was followed and the URL is lost)
    assert detect_block(200, {}, wall.body, "https://mp.weixin.qq.com/s/x") == "verification_wall"
    assert detect_block(302, {"location": "https://weixin110.qq.com/security/x"}, b"", url) == "verification_wall"
    assert detect_block(302, {"Location": "https://mp.weixin.qq.com/s/other"}, b"", url) is None
    scrapy_style = {b"Location": [location.encode()]}  # scrapy.http.Headers shape
    assert detect_block(302, scrapy_style, b"", url) == "verification_wall"


def test_throttled_empty_gkmlpt_api(state: SimState, agency: Agency) -> None:
    state.set_faults([{"kind": "throttled_empty", "match": {"channel": "gkmlpt"}}])
    cats = [0, *(c.id for c in agency.all_categories() if not c.jump_url)]
    for cat in cats:
        resp, url = fetch(state, HOST, f"{GK}api/all/{cat}", page=1, sid=agency.sid)
        assert resp.status == 200 and b'"articles":[]' in resp.body
        assert detect_block(resp.status, {}, resp.body, url) == "throttled_empty", cat
    resp, url = fetch(state, HOST, f"{GK}api/all/0", page=2, sid=agency.sid)
    assert detect_block(resp.status, {}, resp.body, url) == "throttled_empty"
    # an empty list that is really empty (offset past total, or total 0) is content
    assert detect_block(200, {}, b'{"classify":{},"total":0,"offset":0,"articles":[]}', url) is None
    assert detect_block(200, {}, b'{"classify":{},"total":100,"offset":100,"articles":[]}', url) is None


def test_throttled_empty_nfcms_lists(state: SimState, agency: Agency) -> None:
    state.set_faults([{"kind": "throttled_empty", "match": {"channel": "website"}}])
    for column in agency.column_names():
        for page in (1, 2):
            path = nfcms.list_url(agency, column, page).split(HOST, 1)[1]
            resp, url = fetch(state, HOST, path)
            assert resp.status == 200
            assert b'<ul class="side-list"><li>' in resp.body  # the side widget keeps its items
            assert detect_block(resp.status, {}, resp.body, url) == "throttled_empty", url
    # article pages and the home page are not lists: unaffected
    assert verdict(state, HOST, WEB) is None


def test_throttled_empty_search(state: SimState, agency: Agency) -> None:
    state.set_faults([{"kind": "throttled_empty", "match": {"channel": "search"}}])
    count = len(agency.catalog_listing(0, state.today))
    for page, size in [(1, 20), (2, 50), ((count - 1) // 20 + 1, 20)]:
        assert verdict(state, SEARCH, "/jsonp/site/750118", page=page, pagesize=size, callback="cb") == \
            "throttled_empty"
    # past the last page an empty result is genuine; so is page 0
    assert verdict(state, SEARCH, "/jsonp/site/750118", page=count // 20 + 2, pagesize=20, callback="cb") is None
    assert verdict(state, SEARCH, "/jsonp/site/750118", page=0, callback="cb") is None
    # default page/pagesize when the URL does not say
    assert verdict(state, SEARCH, "/jsonp/site/750118", callback="cb") == "throttled_empty"


def test_other_faults_are_not_blocks(state: SimState, agency: Agency) -> None:
    doc = next(d for d in agency.docs if d.kind == "normal" and d.visible(state.today))
    doc_path = gkmlpt.doc_url(agency, doc).split(HOST, 1)[1]
    for fault in ({"kind": "http_error", "status": 503}, {"kind": "http_error", "status": 500},
                  {"kind": "rate_limit", "retry_after": 2}, {"kind": "truncated_json"}, {"kind": "gbk"}):
        state.set_faults([fault])
        for path, query in [(f"{GK}api/all/0", {"page": 1}), (doc_path, {}), (WEB + "zwgk/tzgg/", {})]:
            assert verdict(state, HOST, path, **query) is None, (fault, path)


def test_words_alone_do_not_flag_a_document(state: SimState, agency: Agency) -> None:
    doc = next(d for d in agency.docs if d.kind == "normal" and d.visible(state.today))
    resp, url = fetch(state, HOST, gkmlpt.doc_url(agency, doc).split(HOST, 1)[1])
    words = ("<p>关于开展网络安全验证工作的通知：请勿访问 nc_1_wrapper、$_ts、__jsl_clearance、"
             "document.cookie= 等，如遇环境异常请点击去验证。</p>")
    body = resp.body.decode().replace('<div class="article-content">', '<div class="article-content">' + words)
    assert detect_block(200, {}, body.encode(), url) is None
    titled = body.replace("<title>", "<title>安全验证工作方案_", 1)
    assert detect_block(200, {}, titled.encode(), url) is None
    tags = body.replace(words, "<h2>环境异常</h2><p>安全验证</p><a>去验证</a>")
    assert detect_block(200, {}, tags.encode(), url) is None  # a WeChat-like phrase, but no wall markup


def test_large_bodies_are_fast() -> None:
    big = b"<html><body>" + b"<p>\xe6\xad\xa3\xe6\x96\x87 text</p>" * 400_000 + b"</body></html>"
    assert len(big) > 7_000_000
    start = time.perf_counter()
    for _ in range(10):
        assert detect_block(200, {"Content-Type": "text/html"}, big, "http://x/") is None
    assert time.perf_counter() - start < 1.0
    blob = bytes(range(256)) * 40_000
    assert detect_block(200, {}, blob, "http://x/a.pdf") is None
    assert detect_block(200, {}, b"", "http://x/") is None
