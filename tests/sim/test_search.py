"""The province search JSONP replica (simulator/sites/search.py)."""

from __future__ import annotations

import json
import re

import pytest

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites import gkmlpt, search
from simulator.world import World

PATH = "/jsonp/site/750118"


@pytest.fixture(scope="module")
def agency(world: World):
    return world.agencies[0]


def call(state: SimState, path: str = PATH, host: str = search.HOST, attempt: int = 1,
         **query: object) -> SimResponse | None:
    req = SimRequest("GET", host, path, {k: str(v) for k, v in query.items()}, {}, channel="search", attempt=attempt)
    return search.handle(req, state)


def jsonp(state: SimState, callback: str = "cb", **query: object) -> dict:
    resp = call(state, callback=callback, **query)
    assert resp.status == 200 and resp.content_type.startswith("application/javascript")
    text = resp.body.decode()
    m = re.fullmatch(re.escape(callback) + r"\((.*)\)", text, re.S)
    assert m, text[:80]
    return json.loads(m.group(1))


def test_callback_required(state: SimState) -> None:
    for query in ({}, {"callback": ""}, {"callback": "alert(1)//"}):
        resp = call(state, page=1, **query)
        assert resp.status == 200
        assert json.loads(resp.body) == {"errcode": -1, "errmsg": "调用失败，请检查参数"}
    assert jsonp(state, callback="jQuery1124_17000", page=1)["count"] > 0
    assert jsonp(state, callback="__bid", page=1)["count"] > 0


def test_paging_is_one_indexed(state: SimState, agency) -> None:
    live = agency.catalog_listing(0, state.today)
    assert jsonp(state, page=0) == {"results": [], "count": 0}
    p1 = jsonp(state, page=1)
    assert p1["count"] == len(live) and len(p1["results"]) == 20
    assert jsonp(state) == p1  # page defaults to 1
    assert len(jsonp(state, page=1, pagesize=80)["results"]) == 50  # capped
    assert len(jsonp(state, page=1, pagesize=7)["results"]) == 7
    # walking every page gives every live doc once, newest first
    ids, page = [], 1
    while True:
        got = jsonp(state, page=page, pagesize=50)["results"]
        if not got:
            break
        ids += [r["id"] for r in got]
        page += 1
    assert ids == [d.id for d in live]
    last = jsonp(state, page=(len(live) - 1) // 50 + 1, pagesize=50)
    assert len(last["results"]) == (len(live) % 50 or 50)


def test_reaches_beyond_the_api_window(state: SimState, agency) -> None:
    docs = agency.catalog_listing(1805, state.today)
    assert len(docs) > agency.api_window()
    old = docs[agency.api_window():]
    d = jsonp(state, classify_main=1805, pagesize=50, page=5, isgkml=1)
    assert d["count"] == len(docs)
    served = {r["id"] for p in range(1, 7) for r in jsonp(state, classify_main=1805, pagesize=50, page=p)["results"]}
    assert {x.id for x in old} <= served
    # classify_mains: a comma list
    both = jsonp(state, classify_mains="1813,1814", page=1)
    assert both["count"] == len(agency.catalog_listing(1807, state.today))
    assert jsonp(state, classify_main=1807, page=1)["count"] == 0  # the index holds leaf ids only
    excl = jsonp(state, classify_mains_excluded="1805", page=1)
    assert excl["count"] == len(agency.catalog_listing(0, state.today)) - len(docs)
    no_url = jsonp(state, including_url_doc=0, page=1)
    assert no_url["count"] == sum(1 for x in agency.catalog_listing(0, state.today) if x.kind == "normal")


def test_text_highlighting(state: SimState, agency) -> None:
    want = [d for d in agency.catalog_listing(0, state.today) if "通知" in d.title_on(state.today)]
    d = jsonp(state, text="通知", pagesize=50, page=1)
    assert d["count"] == len(want) > 50
    assert [r["id"] for r in d["results"]] == [x.id for x in want[:50]]
    for r in d["results"]:
        assert "<em>通知</em>" in r["title"]
        assert r["title"].replace("<em>", "").replace("</em>", "") == gkmlpt.live_titles(
            state.world, agency, state.today)[r["id"]]
    assert jsonp(state, text="不存在的词语", page=1) == {"results": [], "count": 0}


def test_result_fields(state: SimState, world: World, agency) -> None:
    results = jsonp(state, classify_mains="1813,1814", pagesize=50, page=1)["results"]
    assert any(json.loads(r["attachment"]) for r in results)
    for r in results:
        doc = world.doc_by_id[r["id"]]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["pub_time"]) and r["pub_time"] == f"{doc.published:%Y-%m-%d}"
        assert "created_at" not in r and "type" not in r
        assert r["post_type"] in ("normal", "url") and r["isgkml"] == 1 and r["category"] == doc.category.name
        assert isinstance(r["attachment"], str) and isinstance(json.loads(r["attachment"]), list)
        for key in ("id", "url", "post_url", "date", "create_time", "display_publish_time", "publisher",
                    "identifier", "document_number", "classify_main", "classify_main_name", "is_expired",
                    "is_abolished"):
            assert key in r
        assert r["identifier"] == gkmlpt.identifier_for(world, doc)
        assert r["title"] == doc.title
    url_items = [r for p in range(1, 5) for r in jsonp(state, pagesize=50, page=p)["results"]]
    assert any(r["post_type"] == "url" for r in url_items)


def test_foreign_requests(state: SimState) -> None:
    assert call(state, host="www.kaiping.gov.cn", callback="cb") is None
    assert call(state, path="/jsonp/post/sum", callback="cb") is None
    assert jsonp(state, callback="cb") != {"results": [], "count": 0}
    unknown = call(state, path="/jsonp/site/755001", callback="cb", page=1)
    assert unknown.body.decode() == 'cb({"results":[],"count":0})'


def test_throttled_empty_and_determinism(world: World) -> None:
    state = SimState(world, faults=[{"kind": "throttled_empty", "match": {"channel": "search"}, "times": 1}])
    first = jsonp(state, page=2)
    assert first["results"] == [] and first["count"] > 0
    resp = call(state, attempt=2, callback="cb", page=2)
    assert len(json.loads(resp.body.decode()[3:-1])["results"]) == 20
    other = SimState(World(load("kaiping-2024")))
    assert call(other, callback="cb", page=2, text="公示").body == call(SimState(world), callback="cb", page=2,
                                                                          text="公示").body
