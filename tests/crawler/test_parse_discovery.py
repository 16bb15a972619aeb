"""crawler/parsing/discovery.py: on simulator-rendered pages (checked against the world), on the real trimmed
gkmlpt and NFCMS pages of ../shared/real-pages (PROVENANCE.md there), and on hand-written index pages for
what the simulator does not render (no SITE_NAME, no SEARCH_JSONP_URL, another 年报 wording, nesting)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawler.parsing.common import ParseError
from crawler.parsing.discovery import (
    DEFAULT_SEARCH,
    article_column,
    is_annual_report_title,
    main_publisher,
    read_catalog_index,
    read_listing,
    read_site_page,
    report_category,
    search_template,
    site_path,
    tree_outline,
    website_guess,
)
from crawler.parsing.gkmlpt import walk_tree
from crawler.parsing.jsobject import read_assignment
from simulator.http import SimRequest, SimState
from simulator.server import serve
from simulator.world import Agency, World

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real-pages"


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agencies[0]


def fetch(state: SimState, url: str) -> str:
    parts = urlsplit(url)
    req = SimRequest("GET", parts.hostname or "", parts.path, dict(parse_qsl(parts.query)), {})
    resp = serve(req, state)
    assert resp.status == 200, (url, resp.status)
    return resp.body.decode("utf-8")


# ---------------------------------------------------------------- the catalog index (simulator)


def test_the_simulated_index_gives_name_sid_tree_search_and_report_category(state, agency):
    facts = read_catalog_index(fetch(state, agency.gkmlpt_base + "index"))
    assert facts.sid == agency.sid and facts.name == agency.name
    world_cats = agency.all_categories()
    assert {cid: n["name"] for cid, n in facts.flat.items()} == {c.id: c.name for c in world_cats}
    assert {cid: n["parent"] for cid, n in facts.flat.items()} == {c.id: c.parent for c in world_cats}
    nested = [n for n in facts.outline if n.get("children")]
    assert {n["name"]: [c["name"] for c in n["children"]] for n in nested} == {
        c.name: [k.name for k in c.children] for c in agency.categories if c.children}
    assert facts.links == [c.name for c in world_cats if c.jump_url]
    assert facts.search_from == "SEARCH_JSONP_URL" and facts.search_jsonp == "http://search.gd.gov.cn/jsonp/site/{sid}"
    report = next(c for c in world_cats if c.name == "政府信息公开年报")
    assert facts.report == {"id": report.id, "name": report.name, "post_count": facts.report["post_count"]}
    assert "年报 family" in facts.report_how


def test_the_report_listing_names_the_reports_and_their_website_twins(state, agency):
    facts = read_catalog_index(fetch(state, agency.gkmlpt_base + "index"))
    body = fetch(state, f"{agency.gkmlpt_base}api/all/{facts.report['id']}?page=1&sid={facts.sid}")
    classify, items = read_listing(body)
    assert classify["name"] == "政府信息公开年报"
    reports = [i for i in items if is_annual_report_title(i.title)]
    assert reports and all("年度报告" in i.title for i in reports)
    assert main_publisher(items) == agency.name
    twin_columns = {article_column(i.post_url, agency.website_base) for i in reports}
    spec = {t["category"]: t["column"] for t in agency.website["twins"]}
    assert twin_columns == {spec["政府信息公开年报"]}
    assert website_guess(reports[0].post_url, agency.gkmlpt_base) == agency.website_base


# ---------------------------------------------------------------- website pages (simulator)


def test_home_section_and_column_pages_are_told_apart(state, agency):
    base = agency.website_base
    home = read_site_page(fetch(state, base), base, base)
    assert home.kind == "home" and home.meta_site_name == agency.name
    columns = {c["path"]: c["name"] for c in agency.website["columns"]}
    linked = {link.path: link.name for link in home.links}
    assert {p: linked[p] for p in columns} == columns  # the navigation names every column
    sections = {p.split("/")[0] for p in columns}
    assert sections <= set(linked)
    for section in sections:
        page = read_site_page(fetch(state, f"{base}{section}/"), f"{base}{section}/", base)
        assert page.kind == "section" and page.own_entries == 0
    for path, name in columns.items():
        page = read_site_page(fetch(state, f"{base}{path}/"), f"{base}{path}/", base)
        assert page.kind == "column" and page.title == name, path
        assert page.total_items is not None and page.own_entries > page.entries / 2
    tzgg = read_site_page(fetch(state, f"{base}zwgk/tzgg/"), f"{base}zwgk/tzgg/", base)
    assert any("年度报告" in t for t, _ in tzgg.annual_reports)


# ---------------------------------------------------------------- hand-written index pages


HAND_INDEX = """<!DOCTYPE html><html><head><title>某某市生态环境局政府信息公开目录</title></head><body>
<script>
window._CONFIG = {
    SID: "758019",
    TREE: [{"id": 1, "name": "政府信息公开指南", "parent": 0, "post_count": 2},
           {"id": 2, "name": "政策文件", "parent": 0, "post_count": 9, "children": [
               {"id": 21, "name": "规范性文件", "parent": 2, "post_count": 0, "children": []},
               {"id": 22, "name": "市政府文件", "parent": 2, "post_count": 9,
                "jump_url": "http://www.example.gov.cn/zwgk/"}]},
           {"id": 3, "name": "政府信息公开工作年度报告", "parent": 0, "post_count": 7}],
    SERVICE_AREA_ID: 441200
};
</script></body></html>"""


def test_a_hand_written_index_name_from_title_guessed_search_and_nesting():
    facts = read_catalog_index(HAND_INDEX)
    assert (facts.name, facts.name_from) == ("某某市生态环境局", "the index page's <title>")
    assert (facts.search_jsonp, facts.search_from) == (DEFAULT_SEARCH, "guessed")
    assert facts.report == {"id": 3, "name": "政府信息公开工作年度报告", "post_count": 7}  # another wording, same family
    assert facts.never_had_items == ["规范性文件"] and facts.links == ["市政府文件"]
    assert facts.outline[1] == {"id": 2, "name": "政策文件", "post_count": 9, "children": [
        {"id": 21, "name": "规范性文件", "post_count": 0},
        {"id": 22, "name": "市政府文件", "post_count": 9, "jump_url": "http://www.example.gov.cn/zwgk/"}]}
    assert facts.flat[22] == {"name": "市政府文件", "parent": 2, "jump_url": "http://www.example.gov.cn/zwgk/"}
    assert facts.service_area_id == 441200


def test_a_report_category_is_never_a_link_and_prefers_a_leaf():
    nodes = walk_tree([{"id": 1, "name": "年报", "jump_url": "http://x/"},
                       {"id": 2, "name": "政府信息公开年报", "children": [{"id": 3, "name": "2023年度报告"}]}])
    found, how = report_category(nodes)
    assert found["id"] == 3 and "also of it: 政府信息公开年报" in how
    assert report_category(walk_tree([{"id": 1, "name": "政务动态"}]))[0] is None


def test_search_urls_become_templates():
    assert search_template("//search.gd.gov.cn/jsonp/site/750118", "750118") == \
        "http://search.gd.gov.cn/jsonp/site/{sid}"
    assert search_template("https://s.example/jsonp/site/2?x=1", "2") == "https://s.example/jsonp/site/{sid}?x=1"
    assert search_template("http://s.example/750118x/site", "750118") == "http://s.example/750118x/site"


# ---------------------------------------------------------------- the real trimmed pages


def test_the_real_zhaoqing_document_config_has_a_tree_but_no_sid():
    html = (REAL / "gkmlpt" / "hongtu_zhaoqing_detail.html").read_text(encoding="utf-8")
    with pytest.raises(ParseError, match="no SID"):
        read_catalog_index(html)  # a document page is not an index: say so rather than guess
    tree = read_assignment(html, "window._CONFIG")["TREE"]
    assert tree_outline(tree) == [{"id": 21022, "name": "建设项目环境影响评价信息"}]
    found, how = report_category(walk_tree(tree))
    assert found is None and "年报 family" in how


def test_the_real_zhaoqing_list_page_reads_without_total_or_offset():
    body = (REAL / "gkmlpt" / "hongtu_zhaoqing_acceptance.json").read_bytes()
    classify, items = read_listing(body)
    assert (classify["id"], classify["name"], classify["post_count"]) == (21023, "受理公告", 203)
    assert [i.id for i in items] == ["3255421", "3253080"]
    assert items[0].date == "2026-07-07" and items[1].date == ""
    assert main_publisher(items) == "肇庆市生态环境局"
    assert not any(is_annual_report_title(i.title) for i in items)
    assert website_guess(items[0].post_url, "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/") == ""  # no post_url


def test_the_real_guangzhou_column_page_is_a_capped_column_with_navigation():
    html = (REAL / "nfcms" / "gz_xw_tzgg_list_index.html").read_text(encoding="utf-8")
    base, url = "https://www.gz.gov.cn/", "https://www.gz.gov.cn/xw/tzgg/"
    page = read_site_page(html, url, base)
    assert (page.kind, page.path, page.title) == ("column", "xw/tzgg", "通知公告")
    assert page.total_items == 2380 and page.capped and page.own_entries == page.entries > 0
    links = {link.path: link.name for link in page.links}
    assert links["zwgk"] == "政务公开" and links["xw"] == "新闻" and links["gywz/wzdt"] == "网站地图"
    assert "xw/tzgg" not in links  # itself
    assert not [p for p in links if "index_" in p or "content" in p]  # pager and article links are not columns
    assert all(urlsplit(link.url).hostname == "www.gz.gov.cn" for link in page.links)  # my.gz.gov.cn etc. left out


@pytest.mark.parametrize(("url", "path"), [
    ("http://www.kaiping.gov.cn/kpsjyjzww/", ""), ("https://www.kaiping.gov.cn/kpsjyjzww", ""),
    ("http://www.kaiping.gov.cn/kpsjyjzww/index.html", ""), ("http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/", "zwgk/tzgg"),
    ("http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/index.html", "zwgk/tzgg"),
    ("http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/index_2.html", None),
    ("http://www.kaiping.gov.cn/kpsjyjzww/zwgk/tzgg/content/post_1.html", None),
    ("http://www.kaiping.gov.cn/kpsjyjzww/common/css/style.css", None),
    ("http://www.kaiping.gov.cn/kpszfw/zwgk/", None), ("http://other.gov.cn/kpsjyjzww/zwgk/", None),
])
def test_site_paths(url, path):
    assert site_path(url, "http://www.kaiping.gov.cn/kpsjyjzww/") == path


def test_annual_report_titles():
    assert is_annual_report_title("开平市教育局2024年政府信息公开工作年度报告")
    assert is_annual_report_title("２０２３年政府信息公开 年报")
    assert not is_annual_report_title("关于报送2024年度报告的通知")  # not a disclosure report
