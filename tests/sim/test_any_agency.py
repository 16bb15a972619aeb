"""The simulator as any agency: the built-in scenarios beside kaiping-2024 speak as their own agency and serve
their channels where their scenario puts them — a catalog and a portal at the host root, a website two levels
deep, a website on another host — and nothing they publish says 开平."""

from __future__ import annotations

import copy
import json
import re

import pytest

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import builtin_names, load
from simulator.server import serve
from simulator.truth import ground_truth
from simulator.world import World


@pytest.fixture(scope="module")
def enping() -> World:
    return World(load("enping-gov-2023"))


@pytest.fixture(scope="module")
def jiangmen() -> World:
    return World(load("jiangmen-health-2024"))


def fetch(world: World, host: str, path: str, query: dict[str, str] | None = None) -> SimResponse:
    return serve(SimRequest("GET", host, path, query or {}, {}), SimState(world))


def test_new_scenarios_are_built_in() -> None:
    assert {"kaiping-2024", "enping-gov-2023", "jiangmen-health-2024"} <= set(builtin_names())


@pytest.mark.parametrize("name", ["enping-gov-2023", "jiangmen-health-2024"])
def test_nothing_another_agency_publishes_says_kaiping(name: str) -> None:
    world = World(load(name))
    agency = world.agencies[0]
    texts = [d.title for d in agency.docs] + [d.publisher for d in agency.docs] + [d.doc_number for d in agency.docs]
    texts += [a.title for a in agency.articles] + [a.source for a in agency.articles]
    if agency.wechat:
        texts += [f"{a.title} {a.author} {a.digest}" for a in agency.wechat.articles]
    texts += [p for d in agency.docs[:200] for p in world.body_paragraphs("catalog", d.id, d.year)]
    texts += [p for a in agency.articles[:200] for p in world.body_paragraphs("web", a.id, a.year)]
    spoken = "\n".join(texts)
    assert "开平" not in spoken and "开侨" not in spoken and "2213093" not in spoken and "碉楼" not in spoken
    assert spoken.count(agency.name) > 50  # its own name, not a neutral text
    places = agency.spec["voice"]["places"]
    assert sum(spoken.count(p) for p in places) > 20  # its own towns or hospitals


def test_voices_fit_the_kind_of_agency(enping: World, jiangmen: World) -> None:
    health = jiangmen.agencies[0]
    assert {d.doc_number[:3] for d in health.docs if d.doc_number} == {"江卫健"}
    assert any("医院" in a.title or "卫生" in a.title for a in health.articles)
    gov = enping.agencies[0]
    assert {d.doc_number[:3] for d in gov.docs if d.doc_number} == {"恩府办"}
    report = [d for d in gov.docs if d.report_year == 2023]
    assert [d.title for d in report] == ["恩平市人民政府办公室2023年政府信息公开工作年度报告"]
    assert report[0].category.name == "政府信息公开年度报告"  # the report category needs no fixed name


def test_a_catalog_and_a_portal_at_the_host_root(enping: World) -> None:
    agency = enping.agencies[0]
    host = agency.host
    assert agency.gkmlpt_base == f"http://{host}/gkmlpt/" and agency.website_base == f"http://{host}/"
    index = fetch(enping, host, "/gkmlpt/index")
    assert index.status == 200 and "SITE_NAME: '恩平市人民政府办公室'".encode() in index.body
    assert f"APP_URL: '//{host}/gkmlpt/'".encode() in index.body
    api = json.loads(fetch(enping, host, "/gkmlpt/api/all/3014", {"page": "1", "sid": agency.sid}).body)
    doc_url = api["articles"][0]["url"]
    assert doc_url.startswith(f"http://{host}/gkmlpt/content/")
    assert fetch(enping, host, doc_url.split(host, 1)[1]).status == 200
    twins = [d for d in agency.docs if d.website_column and d.visible(enping.start_today)]
    post = enping.doc_by_id[twins[0].id]
    from simulator.sites.gkmlpt import post_url

    assert post_url(agency, post).startswith(f"http://{host}/zwgk/")
    home = fetch(enping, host, "/")
    assert home.status == 200 and "恩平市人民政府办公室".encode() in home.body
    assert b'href="/common/css/style.css"' in home.body and b"//common" not in home.body
    assert f'href="http://{host}/gkmlpt/index"'.encode() in home.body  # the portal links its catalog
    assert fetch(enping, host, "/zwgk/tzgg/").status == 200
    assert fetch(enping, host, "/zwgk/tzgg").status == 301
    assert fetch(enping, host, post_url(agency, post).split(host, 1)[1]).status == 200
    robots = fetch(enping, host, "/robots.txt")
    assert robots.status == 200 and robots.body.startswith(b"User-agent")
    assert fetch(enping, host, "/gkmlpt/nosuch").status == 404


def test_a_website_two_levels_deep(jiangmen: World) -> None:
    agency = jiangmen.agencies[0]
    assert agency.website_base == "http://www.jiangmen.gov.cn/bmpd/jmswjkj/"
    home = fetch(jiangmen, agency.host, "/bmpd/jmswjkj/")
    assert home.status == 200 and b'href="/bmpd/jmswjkj/common/css/style.css"' in home.body
    links = set(re.findall(rb'href="(http://www\.jiangmen\.gov\.cn/bmpd/jmswjkj/[^"]+/)"', home.body))
    assert {f"http://www.jiangmen.gov.cn/bmpd/jmswjkj/{c['path']}/".encode()
            for c in agency.website["columns"]} <= links
    assert fetch(jiangmen, agency.host, "/bmpd/jmswjkj").status == 301
    assert fetch(jiangmen, agency.host, "/bmpd/").status == 404
    page2 = fetch(jiangmen, agency.host, "/bmpd/jmswjkj/xwzx/gzdt/index_2.html")
    assert page2.status == 200 and b"index_1.html" not in page2.body


def test_a_website_on_another_host_than_the_catalog() -> None:
    scenario = copy.deepcopy(load("jiangmen-health-2024"))
    scenario["agencies"][0]["website"].update(host="wjj.jiangmen.gov.cn", site_code="")
    world = World(scenario)
    agency = world.agencies[0]
    assert agency.website_base == "http://wjj.jiangmen.gov.cn/"
    assert fetch(world, "wjj.jiangmen.gov.cn", "/xxgk/tzgg/").status == 200
    assert fetch(world, "www.jiangmen.gov.cn", "/xxgk/tzgg/").status == 404
    assert fetch(world, "www.jiangmen.gov.cn", "/jmswjkj/gkmlpt/index").status == 200
    twin = next(d for d in agency.docs if d.website_column and d.visible(world.start_today))
    from simulator.sites.gkmlpt import post_url

    assert post_url(agency, twin).startswith("http://wjj.jiangmen.gov.cn/xxgk/")
    with_attachment = next(a for a in agency.articles if a.attachments and a.twin is None
                           and a.visible(world.start_today))
    assert fetch(world, "wjj.jiangmen.gov.cn", with_attachment.attachments[0].path).status == 200


@pytest.mark.parametrize("name", ["enping-gov-2023", "jiangmen-health-2024"])
def test_the_truth_names_the_report_of_the_scenario(name: str) -> None:
    world = World(load(name))
    truth = ground_truth(world)["reconciliation"]
    spec = world.scenario["annual_report"]
    assert (truth["agency"], truth["year"]) == (spec["agency"], spec["year"])
    assert {r["status"] for r in truth["rows"]} >= {"match", "unverifiable"}


def test_agencies_on_one_host_each_under_its_own_paths() -> None:
    """The city-wide layout: a government office with its catalog and portal at the host root, and a bureau with
    its own department catalog and website on the same host; each path reaches its own agency."""
    gov = copy.deepcopy(load("enping-gov-2023"))["agencies"][0]
    bureau = copy.deepcopy(load("jiangmen-health-2024"))["agencies"][0]
    bureau.update(host=gov["host"], id="enping-health", name="恩平市卫生健康局")
    bureau["gkmlpt"].update(site_code="epswjj", sid="750199")
    bureau["website"].update(site_code="bmpd/epswjj")
    del bureau["voice"]
    scenario = {**load("enping-gov-2023"), "agencies": [gov, bureau], "events": [], "annual_report": None}
    world = World(scenario)
    host = gov["host"]
    own = json.loads(fetch(world, host, "/epswjj/gkmlpt/api/all/0", {"page": "1", "sid": "750199"}).body)
    assert {a["publisher"][:5] for a in own["articles"]} <= {"恩平市卫生"}  # the bureau's voice, derived from its name
    root = json.loads(fetch(world, host, "/gkmlpt/api/all/0", {"page": "1", "sid": gov["gkmlpt"]["sid"]}).body)
    assert root["articles"] and not {a["id"] for a in root["articles"]} & {a["id"] for a in own["articles"]}
    assert "恩平市卫生健康局".encode() in fetch(world, host, "/bmpd/epswjj/").body
    assert "恩平市人民政府办公室".encode() in fetch(world, host, "/").body
    assert fetch(world, host, "/bmpd/epswjj/xxgk/tzgg/").status == 200
    assert fetch(world, host, "/zwgk/tzgg/").status == 200 and fetch(world, host, "/xxgk/tzgg/").status == 404
