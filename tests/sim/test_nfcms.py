"""The bureau website (NFCMS) renderer: paging, list markup, article pages, timeline, faults."""

from __future__ import annotations

import copy
import re
from datetime import date
from html.parser import HTMLParser

from simulator.http import SimRequest, SimResponse, SimState
from simulator.report import report_body_html
from simulator.scenario import load
from simulator.sites import nfcms
from simulator.world import World

HOST = "www.kaiping.gov.cn"
WC = "/kpsjyjzww"


def get(state: SimState, path: str, host: str = HOST, attempt: int = 1) -> SimResponse | None:
    req = SimRequest("GET", host, path, {}, {}, channel="website", attempt=attempt)
    return nfcms.handle(req, state)


def ok(state: SimState, path: str) -> str:
    r = get(state, path)
    assert r is not None and r.status == 200, (path, r and r.status)
    return r.body.decode()


def status(state: SimState, path: str) -> int:
    r = get(state, path)
    assert r is not None
    return r.status


class Lists(HTMLParser):
    """Every <ul> of a page: its class and its items (href, title attribute, text, date span)."""

    def __init__(self, html: str):
        super().__init__()
        self.uls: list[tuple[str, list[dict]]] = []
        self._stack: list[list[dict]] = []
        self._li: dict | None = None
        self._in: str = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ul":
            items: list[dict] = []
            self.uls.append((a.get("class") or "", items))
            self._stack.append(items)
        elif tag == "li" and self._stack:
            self._li = {"href": None, "title": None, "text": "", "date": ""}
            self._stack[-1].append(self._li)
        elif tag == "a" and self._li is not None:
            self._li["href"], self._li["title"], self._in = a.get("href"), a.get("title"), "text"
        elif tag == "span" and self._li is not None:
            self._in = "date"

    def handle_endtag(self, tag):
        if tag == "ul" and self._stack:
            self._stack.pop()
        elif tag in ("a", "span"):
            self._in = ""
        elif tag == "li":
            self._li = None

    def handle_data(self, data):
        if self._li is not None and self._in:
            self._li[self._in] += data

    def info_list(self) -> list[dict]:
        found = [items for cls, items in self.uls if cls == "infoList"]
        assert len(found) == 1
        return found[0]


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("&gt;", ">")


def listing(world: World, column: str, today: date) -> list:
    return world.agencies[0].column_listing(column, today)


def page_path(column: str, n: int) -> str:
    return f"{WC}/{column}/" + ("" if n == 1 else f"index_{n}.html")


# ---------------------------------------------------------------- routing and paging


def test_routing(state: SimState) -> None:
    assert get(state, f"{WC}/", host="other.example.com") is None
    assert get(state, "/nosuchsite/zwgk/tzgg/") is None
    assert status(state, f"{WC}/nosuch/col/") == 404
    r = get(state, WC)
    assert r is not None and r.status == 301 and r.headers["Location"] == f"http://{HOST}{WC}/"
    r = get(state, f"{WC}/zwgk/tzgg")
    assert r is not None and r.status == 301 and r.headers["Location"] == f"http://{HOST}{WC}/zwgk/tzgg/"
    assert ok(state, f"{WC}/") == ok(state, f"{WC}/index.html")
    assert "通知公告" in ok(state, f"{WC}/zwgk/")  # the breadcrumb's section page exists


def test_paging_rules(world: World, state: SimState) -> None:
    col = "zwgk/tzgg"
    arts = listing(world, col, state.today)
    assert ok(state, f"{WC}/{col}/") == ok(state, f"{WC}/{col}/index.html")
    assert status(state, f"{WC}/{col}/index_1.html") == 404
    assert status(state, f"{WC}/{col}/index_0.html") == 404
    last = -(-len(arts) // 20)
    seen: list[str] = []
    for n in range(1, last + 1):
        html = ok(state, page_path(col, n))
        items = Lists(html).info_list()
        assert len(items) == (20 if n < last else len(arts) - 20 * (last - 1))
        seen += [i["href"] for i in items]
        m = re.search(r"var totalPage = Math\.ceil\((\d+)/(\d+)\); var pages_limit=(\d+); "
                      r"if\(totalPage>pages_limit\)\{ totalPage=pages_limit \}", html)
        assert m and (int(m[1]), int(m[2]), int(m[3])) == (len(arts), 20, 100)
        assert 'createPageHTML(totalPage, currentPage, "index", "html")' in html
        assert f"var currentPage = {n};" in html
    assert status(state, page_path(col, last + 1)) == 404
    # Every live article listed exactly once, newest first, each with a YYYY-MM-DD date.
    assert seen == [nfcms.article_url(world.agencies[0], a) for a in arts]
    dates = [i["date"] for i in Lists(ok(state, page_path(col, 1))).info_list()]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates) and dates == sorted(dates, reverse=True)


def test_pages_limit_hides_the_oldest(world: World, state: SimState) -> None:
    col = "jyxw/jydt"
    arts = listing(world, col, state.today)
    assert len(arts) > 2000
    assert f"Math.ceil({len(arts)}/20)" in ok(state, page_path(col, 1))
    assert len(Lists(ok(state, page_path(col, 100))).info_list()) == 20
    assert status(state, page_path(col, 101)) == 404
    reachable = set()
    for n in range(1, 101):
        reachable |= {i["href"] for i in Lists(ok(state, page_path(col, n))).info_list()}
    assert len(reachable) == 2000
    oldest = nfcms.article_url(world.agencies[0], arts[-1])
    assert oldest not in reachable
    # The page itself still exists: only paging cannot reach it.
    assert status(state, oldest.removeprefix(f"http://{HOST}")) == 200


def test_side_widget_has_fewer_items(state: SimState) -> None:
    for n in (1, 12):  # a full page and the short last page of 通知公告
        uls = Lists(ok(state, page_path("zwgk/tzgg", n))).uls
        biggest = max(uls, key=lambda u: len(u[1]))
        assert biggest[0] == "infoList"
        assert sum(1 for _, items in uls if items) == 2  # main list plus the side widget


# ---------------------------------------------------------------- titles


def test_titles_truncated_full_and_none(world: World, state: SimState) -> None:
    # 人事信息: title_attr full
    arts = listing(world, "zwgk/rsxx", state.today)
    long = next(k for k, a in enumerate(arts) if len(a.title) > 24)
    item = Lists(ok(state, page_path("zwgk/rsxx", long // 20 + 1))).info_list()[long % 20]
    assert item["text"] == arts[long].title[:24] + "…"
    assert item["title"] == arts[long].title
    # 教育动态: no title attribute at all
    arts = listing(world, "jyxw/jydt", state.today)
    long = next(k for k, a in enumerate(arts) if len(a.title) > 24)
    html = ok(state, page_path("jyxw/jydt", long // 20 + 1))
    items = Lists(html).info_list()
    assert all(i["title"] is None for i in items)
    assert items[long % 20]["text"] == arts[long].title[:24] + "…"
    # Short titles are listed whole.
    short = Lists(ok(state, page_path("zwgk/tzgg", 1))).info_list()
    assert all(i["text"] == i["title"] and not i["text"].endswith("…") for i in short)


def test_title_attr_truncated() -> None:
    scenario = copy.deepcopy(load("kaiping-2024"))
    scenario["agencies"][0]["website"]["truncate_at"] = 12
    w = World(scenario)
    st = SimState(w)
    items = Lists(ok(st, page_path("zwgk/zcfg", 1))).info_list()
    arts = listing(w, "zwgk/zcfg", st.today)[:20]
    assert any(len(a.title) > 12 for a in arts)
    for item, art in zip(items, arts, strict=True):
        expected = art.title if len(art.title) <= 12 else art.title[:12] + "…"
        assert item["text"] == expected and item["title"] == expected


# ---------------------------------------------------------------- articles


def meta(html: str, name: str) -> str | None:
    for pat in (rf'<meta name="{name}" content="([^"]*)">', rf'<meta content="([^"]*)" name="{name}">'):
        m = re.search(pat, html)
        if m:
            return m[1]
    return None


def test_article_meta_forms(world: World, state: SimState) -> None:
    forms = {}
    for col in ("zwgk/tzgg", "jyxw/jydt", "zwgk/zcfg", "zwgk/rsxx"):
        art = next(a for a in listing(world, col, state.today) if a.column == col and a.twin is None)
        html = ok(state, f"{WC}/{col}/content/post_{art.id}.html")
        spec = next(c for c in world.agencies[0].website["columns"] if c["path"] == col)
        prefix = "meta-" if spec.get("meta_prefix") else ""
        assert meta(html, f"{prefix}ArticleTitle") == art.title
        assert meta(html, f"{prefix}PubDate") == art.published.strftime("%Y-%m-%d %H:%M:%S")
        assert meta(html, f"{prefix}ContentSource") == art.source
        assert meta(html, f"{prefix}ArticleId") == str(art.id)
        assert meta(html, f"{prefix}Url") == nfcms.article_url(world.agencies[0], art)
        assert meta(html, f"{prefix}ColumnName")
        assert meta(html, f"{prefix}Keywords") is not None and meta(html, f"{prefix}Description")
        if prefix:
            assert meta(html, "ArticleTitle") is None
        content_first = f'<meta content="{art.title}" name="{prefix}ArticleTitle">' in html
        forms[(prefix, content_first)] = col
        assert f"<title>{art.title}_开平市教育局</title>" in html
    assert len(forms) == 4  # both prefixes, both attribute orders


def test_article_chrome_and_cacheable(world: World, state: SimState) -> None:
    art = next(a for a in listing(world, "zwgk/tzgg", state.today) if a.twin is None)
    r = get(state, f"{WC}/zwgk/tzgg/content/post_{art.id}.html")
    assert r is not None and r.cacheable and r.last_modified == art.modified_on(state.today)
    html = r.body.decode()
    assert f"<h1>{art.title}</h1>" in html
    assert '<div class="news_cont_d_wrap">' in html and '<div class="article-content" id="zoom">' in html
    text = text_of(html)
    for chrome in ("首页 > 政务公开 > 通知公告", "发布日期：" + art.published.strftime("%Y-%m-%d %H:%M"),
                   "来源：" + art.source, "浏览次数：", "字号：[ 大 中 小 ]", "打印本页", "关闭窗口",
                   "扫一扫在手机打开当前页", "主办单位：开平市教育局", "备案号：", "相关信息"):
        assert chrome in text, chrome
    assert '<span id="hits"></span>' in html
    assert "NFCMS_PUB_TYPE = 'post';" in html and f"NFCMS_POST_ID = {art.id};" in html
    for p in world.body_paragraphs("web", art.id, art.year):
        assert f"<p>{p}</p>" in html
    # Not found: unknown id, wrong column, other agency's path shape.
    assert status(state, f"{WC}/zwgk/zcfg/content/post_{art.id}.html") == 404
    assert status(state, f"{WC}/zwgk/tzgg/content/post_1.html") == 404


def test_attachments_linked(world: World, state: SimState) -> None:
    art = next(a for a in world.agencies[0].articles if a.attachments and a.visible(state.today))
    html = ok(state, f"{WC}/{art.column}/content/post_{art.id}.html")
    for att in art.attachments:
        assert f'<a class="nfw-cms-attachment" href="http://{HOST}{att.path}">{att.name}</a>' in html


def test_list_page_chrome(state: SimState) -> None:
    html = ok(state, page_path("zwgk/tzgg", 2))
    text = text_of(html)
    assert "当前位置：首页 > 政务公开 > 通知公告" in text
    assert "主办单位：开平市教育局" in text and "备案号：粤ICP备" in text
    assert "<title>通知公告_开平市教育局</title>" in html
    assert re.search(r"var NFCMS_SITE_ID = \d+;", html) and re.search(r"var NFCMS_CAT_ID = \d+;", html)
    assert "var NFCMS_PAGE_ID = 2;" in html and "statistics.gd.gov.cn/visit/" in html


def test_home_links_every_column(world: World, state: SimState) -> None:
    html = ok(state, f"{WC}/")
    for col in world.agencies[0].website["columns"]:
        assert f'href="http://{HOST}{WC}/{col["path"]}/"' in html
    latest = listing(world, "zwgk/tzgg", state.today)[0]
    assert nfcms.article_url(world.agencies[0], latest) in html
    assert "var NFCMS_PAGE_ID" in html and "主办单位" in html


def test_cross_listed_one_canonical_url(world: World, state: SimState) -> None:
    art = next(a for a in world.agencies[0].articles if len(a.columns) == 2 and a.visible(state.today))
    url = nfcms.article_url(world.agencies[0], art)
    assert url == f"http://{HOST}{WC}/{art.column}/content/post_{art.id}.html"
    for col in art.columns:
        pos = [a.id for a in listing(world, col, state.today)].index(art.id)
        if pos >= 2000:
            continue
        items = Lists(ok(state, page_path(col, pos // 20 + 1))).info_list()
        assert items[pos % 20]["href"] == url
    assert status(state, f"{WC}/{art.columns[1]}/content/post_{art.id}.html") == 404
    assert status(state, url.removeprefix(f"http://{HOST}")) == 200


def test_twins_share_post_id_and_text(world: World, state: SimState) -> None:
    agency = world.agencies[0]
    report = next(a for a in agency.articles if a.twin is not None and a.twin.report_year == 2024)
    assert world.doc_by_id[report.id] is report.twin and report.column == "zwgk/tzgg"
    html = ok(state, f"{WC}/zwgk/tzgg/content/post_{report.id}.html")
    assert report_body_html(world, agency, 2024) in html
    doc_twin = next(a for a in agency.articles if a.twin is not None and a.twin.report_year is None
                    and a.visible(state.today))
    assert doc_twin.id == doc_twin.twin.id
    html = ok(state, f"{WC}/{doc_twin.column}/content/post_{doc_twin.id}.html")
    for p in world.body_paragraphs("catalog", doc_twin.twin.id, doc_twin.twin.year):
        assert f"<p>{p}</p>" in html


# ---------------------------------------------------------------- timeline and faults


def event_id(world: World, action: str) -> int:
    return next(e["id"] for e in world.event_log if e["channel"] == "website" and e["action"] == action)


def test_deleted_article_disappears(world: World, state: SimState) -> None:
    pid = event_id(world, "delete")
    art = world.article_by_id[pid]
    path = f"{WC}/zwgk/tzgg/content/post_{pid}.html"
    before = listing(world, "zwgk/tzgg", state.today)
    pos = [a.id for a in before].index(pid)
    assert ok(state, path)
    assert Lists(ok(state, page_path("zwgk/tzgg", pos // 20 + 1))).info_list()[pos % 20]["title"] == art.title
    state.today = date(2025, 4, 3)
    assert status(state, path) == 404
    hrefs = set()
    for n in range(1, 20):
        r = get(state, page_path("zwgk/tzgg", n))
        assert r is not None
        if r.status == 404:
            break
        hrefs |= {i["href"] for i in Lists(r.body.decode()).info_list()}
    after = listing(world, "zwgk/tzgg", state.today)  # new items may have appeared meanwhile
    assert pid not in {a.id for a in after} and {a.id for a in before} - {a.id for a in after} == {pid}
    assert hrefs == {nfcms.article_url(world.agencies[0], a) for a in after}
    assert nfcms.article_url(world.agencies[0], art) not in hrefs
    assert f"Math.ceil({len(after)}/20)" in ok(state, page_path("zwgk/tzgg", 1))


def test_edited_title_changes(world: World, state: SimState) -> None:
    pid = event_id(world, "edit")
    art = world.article_by_id[pid]
    path = f"{WC}/jyxw/jydt/content/post_{pid}.html"
    assert art.column == "jyxw/jydt"
    before = ok(state, path)
    assert f"<h1>{art.title}</h1>" in before and "（更正）" not in before
    state.today = date(2025, 4, 4)
    r = get(state, path)
    assert r is not None and r.status == 200
    after = r.body.decode()
    assert f"<h1>{art.title}（更正）</h1>" in after
    assert meta(after, "meta-ArticleTitle") == art.title + "（更正）"
    assert r.last_modified is not None and r.last_modified.date() == date(2025, 4, 4)


def test_throttled_empty(world: World) -> None:
    st = SimState(world, faults=[{"kind": "throttled_empty", "match": {"path": "zwgk/tzgg"}, "times": 1}])
    r = get(st, page_path("zwgk/tzgg", 2))
    assert r is not None and r.status == 200
    html = r.body.decode()
    assert Lists(html).info_list() == []
    n = len(listing(world, "zwgk/tzgg", st.today))
    assert f"var totalPage = Math.ceil({n}/20)" in html and "主办单位" in html and "NFCMS_CAT_ID" in html
    # The side widget keeps its items: only the main list is empty.
    assert any(items for cls, items in Lists(html).uls if cls != "infoList")
    # The second attempt is served normally; other columns are unaffected.
    r2 = get(st, page_path("zwgk/tzgg", 2), attempt=2)
    assert r2 is not None and len(Lists(r2.body.decode()).info_list()) == 20
    assert len(Lists(ok(st, page_path("zwgk/rsxx", 1))).info_list()) == 20


def test_deterministic(world: World, state: SimState) -> None:
    other = SimState(World(load("kaiping-2024")))
    art = listing(world, "zwgk/rsxx", state.today)[3]
    for path in (f"{WC}/", page_path("jyxw/jydt", 7), f"{WC}/zwgk/rsxx/content/post_{art.id}.html"):
        assert ok(state, path) == ok(other, path)


def test_html_escaping() -> None:
    w = World(load("kaiping-2024"))
    st = SimState(w)
    art = listing(w, "zwgk/tzgg", st.today)[0]
    art.title = '<script>alert("x")</script>&课'
    art.source = '"><img src=x onerror=alert(1)>'
    listed = ok(st, page_path("zwgk/tzgg", 1))
    page = ok(st, f"{WC}/zwgk/tzgg/content/post_{art.id}.html")
    for html in (listed, page):
        assert "<script>alert" not in html and "<img src=x" not in html
    assert Lists(listed).info_list()[0]["title"] == art.title
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;课" in page
    assert meta(page, "ArticleTitle") == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;课"
