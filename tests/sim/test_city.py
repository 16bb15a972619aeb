"""A whole city in one scenario (kaiping-city-2024): thirteen agencies on www.kaiping.gov.cn, each under its own
paths with its own category tree, voice and annual report, and the truth of every agency's reconciliation; the
scenario format's list of annual reports beside the one-report form."""

from __future__ import annotations

import copy
import json

import pytest

from simulator.http import SimRequest, SimResponse, SimState
from simulator.report import report_spec
from simulator.scenario import ScenarioError, builtin_names, load, report_blocks, validate
from simulator.server import agency_list, serve
from simulator.truth import ground_truth
from simulator.world import World

CITY = "kaiping-city-2024"


@pytest.fixture(scope="module")
def city() -> World:
    return World(load(CITY))


@pytest.fixture(scope="module")
def truth(city: World) -> dict:
    return ground_truth(city)


def fetch(world: World, host: str, path: str, query: dict[str, str] | None = None) -> SimResponse:
    return serve(SimRequest("GET", host, path, query or {}, {}), SimState(world))


def test_a_dozen_agencies_on_one_host_each_under_its_own_paths(city: World) -> None:
    assert CITY in builtin_names()
    agencies = city.agencies
    assert len(agencies) >= 12 and {a.host for a in agencies} == {"www.kaiping.gov.cn"}
    assert len({a.site_code for a in agencies}) == len({a.sid for a in agencies}) == len(agencies)
    assert [a.id for a in agencies if not a.site_code] == ["kaiping"]  # the government office at the host root
    webs = [a for a in agencies if a.website]
    assert len({a.web_code for a in webs}) == len(webs) and 0 < len(webs) < len(agencies)
    assert 0 < sum(1 for a in agencies if a.wechat) < len(webs)
    for a in agencies:  # each catalog answers under its own path, in its own name
        page = fetch(city, a.host, a.gkmlpt_root + "index")
        assert page.status == 200 and a.name in page.body.decode() and f"SID: '{a.sid}'" in page.body.decode()
        listed = json.loads(fetch(city, a.host, a.gkmlpt_root + "api/all/0", {"page": "1", "sid": a.sid}).body)
        own = {d.id for d in a.docs}
        assert listed["articles"] and {x["id"] for x in listed["articles"]} <= own
    for a in webs:
        assert a.name in fetch(city, a.web_host, a.web_root).body.decode()


def test_every_agency_has_its_own_tree_and_voice(city: World) -> None:
    trees = {a.id: tuple(sorted(c.name for c in a.leaf_categories())) for a in city.agencies}
    assert len(set(trees.values())) == len(trees)  # no two agencies share a category tree
    by_id = city.agency_by_id
    # Bureaus speak of their own work: roads, farms, jobs, hospitals, schools.
    for agency_id, words in (("jmkpsjtysj", ("公路", "运输", "交通")), ("jmkpsnyncj", ("农", "耕地", "渔")),
                             ("jmkpsrsj", ("就业", "社保", "招聘", "人社")), ("jmkpswjj", ("医院", "卫生", "健康")),
                             ("jmkpsjyj", ("学校", "教育", "中学"))):
        titles = [d.title for d in by_id[agency_id].docs]
        assert sum(any(w in t for w in words) for t in titles) > len(titles) // 4, agency_id
    prefixes = {a.id: {d.doc_number.split("〔")[0] for d in a.docs if d.doc_number} for a in city.agencies}
    assert prefixes["jmkpsjyj"] <= {"开教", "开教规"} and prefixes["kaiping"] <= {"开府办", "开府办规"}
    assert prefixes["jmkpsnyncj"] <= {"开农", "开农规"} and prefixes["jmkpsnyncj"]


def test_reports_worded_each_their_own_way(city: World) -> None:
    wordings = {b["agency"]: report_spec(city, city.agency_by_id[b["agency"]], 2024)["wording"]
                for b in report_blocks(city.scenario)}
    assert len(wordings) == len(city.agencies)
    assert {w["style"] for w in wordings.values()} == {"seed", "plain_list", "verbs_in_items", "parenthesized",
                                                       "channel_split"}
    assert {w["tables"] for w in wordings.values()} == {"html", "flat_rows", "flat_cells", "missing"}
    assert {w["script"] for w in wordings.values()} == {"simplified", "traditional"}
    # An agency without a website or WeChat account states no count for them.
    finance = report_spec(city, city.agency_by_id["jmkpsczj"], 2024)["readback"]
    assert {c["channel"] for c in finance if c["kind"] == "published"} <= {"catalog", "key_areas"}


def test_the_truth_of_every_agency(city: World, truth: dict) -> None:
    recs = truth["reconciliations"]
    assert list(recs) == [a.id for a in city.agencies]
    assert truth["reconciliation"] == recs["kaiping"]  # the one-report form: the first
    statuses = {aid: r["status"] for aid, r in recs.items()}
    assert statuses.pop("jmkpsgaj") == "no_report" and set(statuses.values()) == {"reconciled"}
    assert "2025-04-15" in recs["jmkpsgaj"]["reason"] and recs["jmkpsgaj"]["rows"] == []

    def off(agency_id: str) -> set[tuple]:
        return {(r["channel"], r["category"], r["delta"], r["status"]) for r in recs[agency_id]["rows"]
                if r["status"] in ("fewer_found", "more_found")}

    assert off("kaiping") == {(None, None, 2, "more_found"), (None, "政务动态", 2, "more_found")}
    assert off("jmkpsjyj") == {("catalog", None, -2, "fewer_found"), ("catalog", "部门文件及公示公告", -2, "fewer_found")}
    assert off("jmkpswjj") == {("catalog", None, -1, "fewer_found"), ("catalog", "工作动态", -1, "fewer_found")}
    assert off("jmkpszrzyj") == {("catalog", None, -3, "fewer_found"), ("catalog", "规划计划", -3, "fewer_found")}
    assert off("jmkpsjtysj") == {(None, None, -32, "fewer_found"), ("website", "通知公告", -2, "fewer_found")}
    assert off("jmkpsscjgj") == {("catalog", None, 7, "more_found")}
    exact = [a for a in recs if a not in ("kaiping", "jmkpsjyj", "jmkpswjj", "jmkpszrzyj", "jmkpsjtysj",
                                           "jmkpsscjgj", "jmkpsgaj")]
    assert len(exact) == 6 and not any(off(a) for a in exact)
    # The platform total that counts a twin twice: the all-channels reading is one short of it as well.
    total = next(r for r in recs["jmkpsjtysj"]["rows"] if r["channel"] is None and r["category"] is None
                 and r["kind"] == "published")
    assert total["readings"]["all"]["delta"] == -1


def test_the_simulator_lists_its_agencies(city: World) -> None:
    listed = agency_list(SimState(city))
    assert [a["id"] for a in listed] == [a.id for a in city.agencies]
    gov = listed[0]
    assert gov == {"id": "kaiping", "name": "开平市人民政府办公室", "host": "www.kaiping.gov.cn",
                   "gkmlpt": "http://www.kaiping.gov.cn/gkmlpt/index", "website": "http://www.kaiping.gov.cn/kpszfw/",
                   "wechat": "开平发布"}
    assert {a["id"] for a in listed if a["website"] is None} == {"jmkpsczj", "jmkpsgaj", "jmkpsscjgj", "jmkpsmzj"}


def test_one_report_per_agency_of_the_scenario() -> None:
    data = copy.deepcopy(load(CITY))
    data["annual_report"].append({"agency": "kaiping", "year": 2023})
    with pytest.raises(ScenarioError, match="has a report already"):
        validate(data)
    data["annual_report"][-1] = {"agency": "nosuch", "year": 2024}
    with pytest.raises(ScenarioError, match="unknown agency 'nosuch'"):
        validate(data)
    data["annual_report"][-1] = {"year": 2024}
    with pytest.raises(ScenarioError, match="needs agency and year"):
        validate(data)
    one = load("jiangmen-health-2024")
    assert report_blocks(one) == [one["annual_report"]]
    assert report_blocks({**one, "annual_report": None}) == []
