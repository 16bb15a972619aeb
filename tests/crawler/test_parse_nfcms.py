"""crawler/parsing/nfcms.py against the simulator's bureau website, checked against the world (ground truth),
plus hand-written pages for the markup variants of reference gkmlpt.md §6.3–6.4 the simulator does not render."""

from __future__ import annotations

import copy
import math
import re
from datetime import date

import pytest

from crawler.parsing.common import ParseError, normalize_date
from crawler.parsing.nfcms import (
    ArticlePage,
    ListPage,
    page_url,
    parse_article,
    parse_list,
)
from simulator.http import SimRequest, SimState
from simulator.report import report_text
from simulator.scenario import load
from simulator.sites import nfcms
from simulator.world import Agency, Attachment, WebArticle, World

HOST = "www.kaiping.gov.cn"
ORIGIN = f"http://{HOST}"
CHROME = ("首页 >", "当前位置", "发布日期", "来源：", "浏览次数", "字号", "大 中 小", "打印本页", "关闭窗口",
          "扫一扫在手机打开当前页", "相关信息", "主办单位", "备案号", "网站标识码")


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agencies[0]


def fetch(state: SimState, url: str, attempt: int = 1) -> str:
    assert url.startswith(ORIGIN), url
    req = SimRequest("GET", HOST, url.removeprefix(ORIGIN), {}, {}, channel="website", attempt=attempt)
    resp = nfcms.handle(req, state)
    assert resp is not None and resp.status == 200, (url, resp and resp.status)
    return resp.body.decode("utf-8")


def column_url(agency: Agency, column: str) -> str:
    return f"{agency.website_base}{column}/"


def list_page(state: SimState, agency: Agency, column: str, n: int) -> ListPage:
    url = page_url(column_url(agency, column), n)
    return parse_list(fetch(state, url), url)


def article(state: SimState, agency: Agency, art: WebArticle) -> ArticlePage:
    url = nfcms.article_url(agency, art)
    return parse_article(fetch(state, url), url)


def live_attachments(art: WebArticle, today: date) -> list[Attachment]:
    """What the article page links, per the world: a twin shows its catalog document's attachments."""
    if art.twin is not None:
        return art.twin.attachments_on(today)
    return [a for a in art.attachments if a.added_on is None or a.added_on <= today]


def spec_of(agency: Agency, column: str) -> dict:
    return next(c for c in agency.website["columns"] if c["path"] == column)


# ---------------------------------------------------------------- list pages against the world


def test_every_list_page_matches_the_world(agency: Agency, state: SimState) -> None:
    today = state.today
    size, limit = int(agency.website["page_size"]), int(agency.website["pages_limit"])
    cut_at = int(agency.website["truncate_at"])
    capped_columns, flagged = set(), 0
    for col in agency.website["columns"]:
        path = col["path"]
        arts = agency.column_listing(path, today)
        pages = math.ceil(len(arts) / size)
        reachable = min(pages, limit)
        for n in range(1, reachable + 1):
            page = list_page(state, agency, path, n)
            shown = arts[(n - 1) * size:n * size]
            assert [e.post_id for e in page.entries] == [str(a.id) for a in shown], (path, n)
            assert [e.url for e in page.entries] == [nfcms.article_url(agency, a) for a in shown]
            assert [e.date for e in page.entries] == [f"{a.published:%Y-%m-%d}" for a in shown]
            assert (page.total_items, page.page_size, page.pages_limit) == (len(arts), size, limit)
            assert (page.total_pages, page.current_page) == (reachable, n)
            assert page.capped == (pages > limit)
            for e, a in zip(page.entries, shown, strict=True):
                full = a.title_on(today)
                # Flagged exactly when the CMS cut the title and no full title attribute is given.
                assert e.title_truncated == (len(full) > cut_at and col.get("title_attr") != "full"), e
                if e.title_truncated:
                    flagged += 1
                    assert e.title == full[:cut_at] + "…"
                else:
                    assert e.title == full
        if page.capped:
            capped_columns.add(path)
            assert len(arts) > limit * size  # items beyond page 100 exist but are unreachable
    assert capped_columns == {"jyxw/jydt"}
    assert flagged > 0


def test_title_attr_truncated_variant_and_full_titles_from_articles() -> None:
    scenario = copy.deepcopy(load("kaiping-2024"))
    scenario["agencies"][0]["website"]["truncate_at"] = 18
    w = World(scenario)
    st, ag = SimState(w), w.agencies[0]
    assert spec_of(ag, "zwgk/zcfg")["title_attr"] == "truncated"
    page = list_page(st, ag, "zwgk/zcfg", 1)
    arts = ag.column_listing("zwgk/zcfg", st.today)[:20]
    assert any(len(a.title) > 18 for a in arts) and any(len(a.title) <= 18 for a in arts)
    for e, a in zip(page.entries, arts, strict=True):
        full = a.title_on(st.today)
        assert e.title_truncated == (len(full) > 18)
        if e.title_truncated:
            assert e.title == full[:18] + "…"
            # The article page supplies the full title.
            got = article(st, ag, a)
            assert got.title == full and got.title.startswith(e.title[:-1])
        else:
            assert e.title == full


def test_truncated_titles_completed_by_article_pages(agency: Agency, state: SimState) -> None:
    # 教育动态 lists no title attribute: a cut title can only be completed from the article page.
    arts = {str(a.id): a for a in agency.column_listing("jyxw/jydt", state.today)}
    cut = []
    for n in range(1, 101):
        cut += [e for e in list_page(state, agency, "jyxw/jydt", n).entries if e.title_truncated]
        if len(cut) >= 5:
            break
    assert len(cut) >= 5
    for e in cut:
        got = parse_article(fetch(state, e.url), e.url)
        assert got.title == arts[e.post_id].title_on(state.today) and got.title.startswith(e.title[:-1])
        assert len(got.title) > len(e.title) - 1


def test_throttled_empty_page_keeps_its_script(world: World, agency: Agency) -> None:
    st = SimState(world, faults=[{"kind": "throttled_empty", "match": {"path": "zwgk/tzgg"}, "times": 1}])
    url = page_url(column_url(agency, "zwgk/tzgg"), 2)
    html = fetch(st, url)
    assert 'class="side-list"><li>' in html  # the side widget still lists articles
    page = parse_list(html, url)
    n = len(agency.column_listing("zwgk/tzgg", st.today))
    assert page.entries == []
    assert (page.total_items, page.page_size, page.pages_limit, page.current_page) == (n, 20, 100, 2)
    assert page.total_pages == math.ceil(n / 20) and not page.capped
    again = parse_list(fetch(st, url, attempt=2), url)
    assert len(again.entries) == 20


def test_edited_title_and_deletion_follow_the_clock(world: World, agency: Agency) -> None:
    st = SimState(world)
    edited = next(e["id"] for e in world.event_log if e["channel"] == "website" and e["action"] == "edit")
    deleted = next(e["id"] for e in world.event_log if e["channel"] == "website" and e["action"] == "delete")
    st.today = date(2025, 4, 4)
    art = world.article_by_id[edited]
    got = article(st, agency, art)
    assert got.title == art.title_on(st.today) and got.title.endswith("（更正）")
    live = agency.column_listing("zwgk/tzgg", st.today)
    pages = list_page(st, agency, "zwgk/tzgg", 1).total_pages
    assert pages == math.ceil(len(live) / 20)
    ids = [e.post_id for n in range(1, pages + 1) for e in list_page(st, agency, "zwgk/tzgg", n).entries]
    assert str(deleted) not in ids and ids == [str(a.id) for a in live]


def test_non_list_pages_raise(agency: Agency, state: SimState) -> None:
    art = agency.column_listing("zwgk/tzgg", state.today)[0]
    url = nfcms.article_url(agency, art)
    with pytest.raises(ParseError, match="not a column list"):
        parse_list(fetch(state, url), url)  # related links sit in chrome; the pager function is no call
    with pytest.raises(ParseError, match="not a column list"):
        parse_list("<html><body><h1>404 Not Found</h1></body></html>", url)


# ---------------------------------------------------------------- page_url


def test_page_url_rules() -> None:
    base = "http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/"
    for given in (base, base + "index.html", base + "index_7.html", base[:-1], base + "?x=1#top"):
        assert page_url(given, 1) == base + "index.html"
        assert page_url(given, 2) == base + "index_2.html"
        assert page_url(given, 100) == base + "index_100.html"
    assert page_url("https://h/a/b/index_3.shtml", 4) == "https://h/a/b/index_4.shtml"
    assert "index_1" not in page_url(base, 1)
    with pytest.raises(ValueError):
        page_url(base, 0)


def test_page_urls_are_served(agency: Agency, state: SimState) -> None:
    col = column_url(agency, "zwgk/rsxx")
    for n in (1, 2, 3):
        assert fetch(state, page_url(col, n))
    resp = nfcms.handle(SimRequest("GET", HOST, "/kpsjyjzww/zwgk/rsxx/index_1.html", {}, {}), state)
    assert resp is not None and resp.status == 404  # which is why page_url never makes it


# ---------------------------------------------------------------- articles against the world


def meta_form(html: str, title_value: str) -> tuple[bool, bool]:
    prefix = 'name="meta-ArticleTitle"' in html
    return prefix, f'<meta content="{title_value}"' in html


def test_article_meta_in_all_four_forms(agency: Agency, state: SimState) -> None:
    forms = set()
    for col in agency.website["columns"]:
        path = col["path"]
        art = next(a for a in agency.column_listing(path, state.today) if a.column == path and a.twin is None)
        url = nfcms.article_url(agency, art)
        html = fetch(state, url)
        got = parse_article(html, url)
        assert got.title == art.title_on(state.today)
        assert got.published == f"{art.published:%Y-%m-%d %H:%M:%S}"
        assert got.source == art.source
        assert got.column_name == col["name"]
        assert got.article_id == str(art.id)
        assert got.canonical_url == url
        assert got.meta["ArticleTitle"] == got.title and got.meta["SiteName"] == agency.name
        assert not any(k.startswith("meta-") for k in got.meta)
        forms.add(meta_form(html, art.title_on(state.today)))
    assert forms == {(False, False), (False, True), (True, False), (True, True)}


def expected_lines(world: World, agency: Agency, art: WebArticle, today: date) -> list[str]:
    twin = art.twin
    if twin is not None and twin.report_year is not None:
        lines = report_text(world, agency, twin.report_year).split("\n")
    elif twin is not None:
        lines = world.body_paragraphs("catalog", twin.id, twin.year)
    else:
        lines = world.body_paragraphs("web", art.id, art.year)
    return lines + [a.name for a in live_attachments(art, today)]


def check_article(world: World, agency: Agency, state: SimState, art: WebArticle) -> ArticlePage:
    got = article(state, agency, art)
    assert got.body_text == "\n".join(expected_lines(world, agency, art, state.today)), art.id
    for phrase in CHROME:
        assert phrase not in got.body_text, (art.id, phrase)
    assert "<script" not in got.body_html and "<p" in got.body_html
    assert [(a.url, a.name, a.aid) for a in got.attachments] == \
        [(f"{ORIGIN}{a.path}", a.name, "") for a in live_attachments(art, state.today)]
    return got


def test_body_text_is_the_world_body_without_chrome(world: World, agency: Agency, state: SimState) -> None:
    for col in agency.website["columns"]:
        arts = [a for a in agency.column_listing(col["path"], state.today) if a.column == col["path"]]
        for art in arts[:8] + arts[-2:]:
            check_article(world, agency, state, art)


def test_twins_and_annual_report(world: World, agency: Agency, state: SimState) -> None:
    report = next(a for a in agency.articles if a.twin is not None and a.twin.report_year == 2024)
    got = check_article(world, agency, state, report)
    assert got.article_id == str(report.twin.id) and got.title == report.title_on(state.today)
    assert " | " in got.body_text  # the report's tables: one row per line
    twins = [a for a in agency.articles if a.twin is not None and a.twin.report_year is None
             and a.visible(state.today)]
    assert twins
    for art in twins[:5]:
        got = check_article(world, agency, state, art)
        assert got.article_id == str(art.twin.id)


def test_attachments(world: World, agency: Agency, state: SimState) -> None:
    with_files = [a for a in agency.articles if a.visible(state.today) and live_attachments(a, state.today)]
    assert with_files
    for art in with_files[:6]:
        got = check_article(world, agency, state, art)
        assert got.attachments and all(a.url.startswith(f"{ORIGIN}/attachment/") for a in got.attachments)


# ---------------------------------------------------------------- hand-written list variants


def test_gz_style_list_with_comments_in_anchors() -> None:
    url = "https://www.gz.gov.cn/xw/tzgg/index_3.html"
    side = "".join(f'<li><a href="https://www.gz.gov.cn/xw/jrgz/content/post_9{k}.html">热点{k}</a></li>'
                   for k in range(12))  # a side widget with more items than the main list
    html = f"""<html><head><meta charset="utf-8"></head><body>
    <div class="nav"><a href="https://www.gz.gov.cn/xw/content/post_1.html">导航</a></div>
    <div class="side-box"><ul class="hot">{side}</ul></div>
    <div class="main_border"><ul class="news_list">
      <li><i></i><a href="https://www.gz.gov.cn/xw/tzgg/content/post_101.html" target="_blank"
          title="广州市关于做好2024年春季学期开学工作的通知"> <!-- <span>旧标题</span> --> 广州市关于做好2024年春季学期开学…</a>
          <span class="time">2024-02-20</span></li>
      <li><i></i><a href="/xw/tzgg/content/post_102.html"><!--x-->短<!-- y -->标题</a><span class="time">2024-02-19</span></li>
      <li><i></i><a href="content/post_103.html" title="被截断的标题…">被截断的标题…</a><span>2024年2月3日</span></li>
      <li><a href="content/post_102.html">重复</a><span>2024-02-19</span></li>
    </ul></div>
    <script>createPageHTML(60, 3, "index", "html");</script></body></html>"""
    page = parse_list(html, url)
    assert [(e.post_id, e.title, e.title_truncated, e.date) for e in page.entries] == [
        ("101", "广州市关于做好2024年春季学期开学工作的通知", False, "2024-02-20"),
        ("102", "短标题", False, "2024-02-19"),
        ("103", "被截断的标题…", True, "2024-02-03"),
    ]
    assert [e.url for e in page.entries] == [
        "https://www.gz.gov.cn/xw/tzgg/content/post_101.html", "https://www.gz.gov.cn/xw/tzgg/content/post_102.html",
        "https://www.gz.gov.cn/xw/tzgg/content/post_103.html"]
    # No Math.ceil: totals unknown; the literal current page is read from the call.
    assert (page.total_items, page.page_size, page.pages_limit, page.total_pages, page.capped,
            page.current_page) == (None, None, None, None, False, 3)


def test_table_style_list_and_chinese_dates() -> None:
    url = "http://www.jiangmen.gov.cn/bmpd/jmsscjdglj/zwgk/tzgg/index_2.html"
    rows = "".join(
        f'<tr><th>2023年{m}月{d}日</th><td><div class="list_td"><a href="../tzgg/content/post_{500 + m}.html">'
        f"通知{m}（2023年1月1日起施行）</a></div></td></tr>"
        for m, d in ((11, 5), (9, 30), (1, 2)))
    html = (f'<html><body><div class="header"><a href="./content/post_1.html">头条</a></div>'
            f'<div class="list"><table>{rows}</table></div>'
            '<div class="page"><script>var currentPage = 2;var totalPage = Math.ceil(45/15);'
            'createPageHTML(totalPage, currentPage, "index", "html");</script></div></body></html>')
    page = parse_list(html, url)
    assert [(e.post_id, e.date) for e in page.entries] == [("511", "2023-11-05"), ("509", "2023-09-30"),
                                                         ("501", "2023-01-02")]
    assert page.entries[0].url == "http://www.jiangmen.gov.cn/bmpd/jmsscjdglj/zwgk/tzgg/content/post_511.html"
    assert page.entries[0].title == "通知11（2023年1月1日起施行）"  # a date inside the title is not the date
    assert (page.total_items, page.page_size, page.pages_limit, page.total_pages, page.capped,
            page.current_page) == (45, 15, None, 3, False, 2)


def test_capped_and_empty_hand_written() -> None:
    script = "var totalPage = Math.ceil(2380/20); var pages_limit=100; if(totalPage>pages_limit){ totalPage=pages_limit }"
    page = parse_list(f'<html><body><ul class="infoList"></ul><script>{script}</script></body></html>',
                      "http://h/c/index.html")
    assert page.entries == [] and (page.total_items, page.total_pages, page.capped) == (2380, 100, True)
    assert page.current_page is None


def test_normalize_date() -> None:
    assert normalize_date("2024-4-6") == "2024-04-06"
    assert normalize_date("发布于 2024年04月16日") == "2024-04-16"
    assert normalize_date("2024/12/31 10:00") == "2024-12-31"
    assert normalize_date("2024-13-01") == "" and normalize_date("无日期") == ""


# ---------------------------------------------------------------- hand-written article variants


def test_article_meta_variants_and_wrapper_chrome() -> None:
    url = "http://www.example.gov.cn/ns/xxgk/content/post_4455667.html"
    html = """<html><head>
    <meta content="南山区关于2024年秋季学位申请的通告" name="meta-ArticleTitle">
    <meta name="meta-PubDate" content="2024-06-03 09:30:00"><meta name="PubDate" content="1999-01-01">
    <meta content="南山区教育局" name="meta-ContentSource"><meta name="ColumnName" content="通知公告">
    <meta name="Url" content="/ns/xxgk/content/post_4455667.html">
    </head><body>
    <div class="header"><h1 class="logo">南山区人民政府</h1></div>
    <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/ns/">信息公开</a></div>
    <div class="tyxxy_main">
      <h1>南山区关于2024年秋季学位申请的通告</h1>
      <div class="info-bar">发布日期：2024-06-03 来源：南山区教育局 浏览次数：<span id="hits">12</span></div>
      <p>第一段。</p><div>第二段<br>换行</div>
      <table><tr><td>学校</td><td>学位</td></tr><tr><td>一小</td><td>45</td></tr></table>
      <p>附件：<a class="nfw-cms-attachment" attachment-id="7111205" href="/attachment/0/7/7111205/4455667.pdf"
         alt="学位表.pdf">点击下载</a> <a href="./files/说明.docx">说明.docx</a></p>
      <div class="article-tools">【打印本页】【关闭窗口】</div>
      <div class="share-box">扫一扫在手机打开当前页</div>
      <div class="related-links"><div>相关信息</div><ul><li><a href="content/post_1.html">别的文章</a></li></ul></div>
    </div>
    <div class="footer">主办单位：南山区教育局 备案号：粤ICP备1号</div></body></html>"""
    got = parse_article(html, url)
    assert got.title == "南山区关于2024年秋季学位申请的通告"
    assert (got.published, got.source, got.column_name) == ("2024-06-03 09:30:00", "南山区教育局", "通知公告")
    assert got.article_id == "4455667"  # no ArticleId meta: the post id of the URL
    assert got.canonical_url == url  # a relative Url meta is not trusted
    assert got.meta["PubDate"] == "2024-06-03 09:30:00"  # first value wins
    assert got.body_text == "第一段。\n第二段\n换行\n学校 | 学位\n一小 | 45\n附件：点击下载 说明.docx"
    assert [(a.aid, a.url, a.name, a.text) for a in got.attachments] == [
        ("7111205", "http://www.example.gov.cn/attachment/0/7/7111205/4455667.pdf", "学位表.pdf", "点击下载"),
        ("", "http://www.example.gov.cn/ns/xxgk/content/files/说明.docx", "说明.docx", "说明.docx"),
    ]
    assert "tools" not in got.body_html and "footer" not in got.body_html


def test_article_phrase_fallback_inside_body_container() -> None:
    # Chrome written inside #zoom itself, no meta tags: structure cannot help, the phrases do.
    url = "http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/content/post_3240651.html"
    html = """<html><head><title>开平市教育局2024年政府信息公开工作年度报告_开平市教育局</title></head><body>
    <div id="zoom">
      <p>首页 &gt; 政务公开 &gt; 通知公告</p>
      <p>发布日期：2025-01-20 10:12　来源：开平市教育局　浏览次数：　字号：[ 大 中 小 ]</p>
      <p>一、总体情况</p><p>本项目资金来源：财政拨款。</p><p>时间：2024年3月1日</p>
      <p>【打印本页】 【关闭窗口】</p><p>扫一扫在手机打开当前页</p>
      <p>相关信息</p><p>某某通知</p>
    </div></body></html>"""
    got = parse_article(html, url)
    assert got.title == "开平市教育局2024年政府信息公开工作年度报告"  # from <title>, no meta or h1
    assert got.published == "2025-01-20 10:12" and got.source == "开平市教育局"
    assert got.article_id == "3240651" and got.meta == {}
    assert got.body_text == "一、总体情况\n本项目资金来源：财政拨款。\n时间：2024年3月1日"


def test_article_without_container_or_title_raises() -> None:
    with pytest.raises(ParseError, match="neither an ArticleTitle meta tag nor a body container"):
        parse_article("<html><body><p>hello</p></body></html>", "http://h/c/content/post_1.html")
    # A title meta without a known container: the element with the most paragraphs is the body.
    got = parse_article('<html><head><meta name="articletitle" content="T"></head><body>'
                        '<div class="nav"><p>菜单</p><p>菜单</p><p>菜单</p></div>'
                        '<div class="wz"><p>甲</p><p>乙</p></div></body></html>', "http://h/c/content/post_1.html")
    assert (got.title, got.body_text) == ("T", "甲\n乙")


def test_list_titles_prefer_attribute_and_ignore_html_escapes() -> None:
    html = ('<ul><li><a href="content/post_7.html" title="&lt;b&gt;标题&amp;课">x…</a><span>2024-01-02</span></li></ul>'
            '<script>var totalPage = Math.ceil(1/20);</script>')
    (e,) = parse_list(html, "http://h/c/").entries
    assert (e.title, e.title_truncated, e.url) == ("<b>标题&课", False, "http://h/c/content/post_7.html")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date)
