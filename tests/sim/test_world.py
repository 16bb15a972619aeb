"""The scenario format, the world it expands to, and the ground truth computed from it."""

from __future__ import annotations

import json
from datetime import UTC, date

import pytest

from simulator.model import empty_publish_info
from simulator.scenario import ScenarioError, builtin_names, load
from simulator.truth import ground_truth
from simulator.world import SHANGHAI, World


@pytest.fixture(scope="module")
def truth(world: World) -> dict:
    return ground_truth(world)


def test_builtin_scenarios_listed() -> None:
    assert "kaiping-2024" in builtin_names()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list", "top level must be a mapping"),
        ("name: x\nseed: 1\ntoday: 2025-13-01\nyears: [2020, 2021]\nagencies: [{id: a, name: A, host: h}]", "month must be"),
        ("name: x\nseed: 1\ntoday: '25-1-1'\nyears: [2020, 2021]\nagencies: [{id: a, name: A, host: h}]", "today must be"),
        ("name: x\nseed: 1\ntoday: 2025-01-01\nyears: [2021, 2020]\nagencies: [{id: a, name: A, host: h}]", "years must be"),
        ("name: x\nseed: 1\ntoday: 2025-01-01\nyears: [2020, 2021]\nagencies: []", "non-empty"),
        ("name: x\nseed: 1\ntoday: 2025-01-01\nyears: [2020, 2021]\nagencies: [{id: a, name: A}]", "missing 'host'"),
        ("name: x\nseed: 1\ntoday: 2025-01-01\nyears: [2020, 2021]\nagencies: [{id: a, name: A, host: h}]\n"
         "events: [{day: 2025-01-01, action: explode, channel: catalog}]", "unknown action"),
        ("name: [unclosed", "not valid YAML"),
    ],
)
def test_bad_scenarios_give_precise_errors(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        load(path)


def test_unknown_scenario_names_the_builtins() -> None:
    with pytest.raises(ScenarioError, match="kaiping-2024"):
        load("no-such-scenario")


def test_same_seed_same_world() -> None:
    a, b = World(load("kaiping-2024")), World(load("kaiping-2024"))
    assert [(d.id, d.title, d.published) for d in a.agencies[0].docs] == [(d.id, d.title, d.published) for d in b.agencies[0].docs]
    assert json.dumps(ground_truth(a), ensure_ascii=False) == json.dumps(ground_truth(b), ensure_ascii=False)


def test_other_seed_other_world() -> None:
    spec = load("kaiping-2024")
    spec["seed"] = 1
    other = World(spec)
    base = World(load("kaiping-2024"))
    assert [d.title for d in other.agencies[0].docs] != [d.title for d in base.agencies[0].docs]


def test_post_ids_unique_and_rising_with_time(world: World) -> None:
    items = world.agencies[0].docs + [a for a in world.agencies[0].articles if a.twin is None]
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids))
    ordered = sorted(items, key=lambda i: i.id)
    # Ids rise with publication time, except items moved by a publish_at event.
    moved = {e["id"] for e in world.event_log if e["action"] == "publish_at"}
    times = [i.published for i in ordered if i.id not in moved]
    assert times == sorted(times)
    kaiping_2024 = [d.id for d in world.agencies[0].docs if d.year == 2024]
    assert 2_900_000 < min(kaiping_2024) and max(kaiping_2024) < 3_400_000  # reference gkmlpt.md §7


def test_2024_catalog_truth_matches_the_planted_discrepancies(truth: dict) -> None:
    y = truth["agencies"]["kaiping-edu"]["catalog"]["by_year"]["2024"]
    cats = y["by_report_category"]
    assert cats["部门文件及公示公告"] == {"published": 63, "first_seen": 61, "live": 61}
    assert cats["政务动态"]["first_seen"] == 43
    assert cats["部门预决算"]["first_seen"] == 50
    assert cats["其他信息"]["first_seen"] == 8
    assert y["published"] == 192 and y["first_seen"] == 190 and y["live"] == 190
    rec = {(r["channel"], r["category"]): r for r in truth["reconciliation"]["rows"]}
    assert rec[("catalog", None)]["status"] == "fewer_found" and rec[("catalog", None)]["delta"] == -1
    assert rec[("catalog", "部门文件及公示公告")]["delta"] == -2
    assert rec[("catalog", "政务动态")]["status"] == "more_found"
    assert rec[("catalog", "行政执法公示")]["status"] == "match"
    assert rec[("key_areas", "教育工作信息")]["status"] == "unverifiable"


def test_boundary_item_is_counted_by_local_date(world: World) -> None:
    moved = [world.doc_by_id[e["id"]] for e in world.event_log if e["action"] == "publish_at"]
    early = [d for d in moved if d.published == d.published.replace(year=2025, month=1, day=1, hour=0, minute=10)]
    assert len(early) == 1
    doc = early[0]
    assert doc.published.tzinfo == SHANGHAI and doc.year == 2025
    assert doc.published.astimezone(UTC).year == 2024  # the UTC trap


def test_website_truth_counts_cross_listed_once(truth: dict) -> None:
    w = truth["agencies"]["kaiping-edu"]["website"]
    y = w["by_year"]["2024"]
    assert y["first_seen"] == 162
    assert y["cross_listed"] == 12 and y["listings"] == 174
    assert w["columns"]["jyxw/jydt"]["capped"] is True
    assert w["columns"]["jyxw/jydt"]["reachable"] == 2000


def test_a_violation_hidden_from_listers_is_planted_by_rule_or_refused() -> None:
    """`hidden_from_listers` picks an article of an unnotified push that the MP backend lists with an empty
    publish_info: every lister misses it. An account without such a push makes the scenario fail, saying why,
    rather than plant nothing."""
    world = World(load("kaiping-2024"))
    acct = world.agencies[0].wechat
    hidden = [a for a in acct.articles if a.state(world.start_today) == "violation"]
    assert len(hidden) == 1 and not hidden[0].push.notified and empty_publish_info(hidden[0].push)
    data = load("kaiping-2024")
    data["agencies"][0]["wechat"]["notified_share"] = 1.0  # every push notified: getmsg lists them all
    with pytest.raises(ScenarioError, match="no article that no lister reaches"):
        World(data)


def test_wechat_truth(truth: dict) -> None:
    wx = truth["agencies"]["kaiping-edu"]["wechat"]
    y = wx["by_year"]["2024"]
    assert y["articles"] == 457
    assert y["states"] == {"deleted": 3, "ok": 452, "unavailable": 1, "violation": 1}
    assert y["pushes"] < 457
    listers = wx["listers"]
    # The MP backend lists deleted articles; pushes whose publish_info comes back empty it seeks through
    # list_ex, which shows all their articles but a violating one (no other lister reaches it either).
    assert listers["mp_backend"]["by_year"]["2024"]["articles"] == 456
    assert listers["all"]["by_year"]["2024"]["articles"] == 456
    assert listers["getmsg"]["by_year"]["2024"]["pushes"] == y["notified_pushes"]
    assert listers["list_ex"]["by_year"]["2024"]["articles"] == 457 - 4
    # WeRead reaches back 400 days from 2025-03-31: early 2024 is out of its reach.
    assert listers["weread"]["oldest"] >= "2024-02-24"
    assert listers["feeds"]["oldest"] >= "2024-07-01"


def test_search_only_items_are_old_and_outside_the_window(world: World, truth: dict) -> None:
    cat = truth["agencies"]["kaiping-edu"]["catalog"]
    assert cat["search_only_ids"], "the default scenario must have items only the search JSONP serves"
    windowed = [c for c in cat["categories"] if c["leaf"] and c["api_total"] < c["post_count"]]
    assert windowed and all(c["api_total"] == 200 for c in windowed)
    assert all(world.doc_by_id[i].year < 2023 for i in cat["search_only_ids"])


def test_clock_moves_change_truth(world: World) -> None:
    later = ground_truth(world, date(2025, 4, 3))
    y = later["agencies"]["kaiping-edu"]["catalog"]["by_year"]["2024"]["by_report_category"]
    assert y["行政执法公示"]["live"] == 21 and y["行政执法公示"]["first_seen"] == 22
    restored = ground_truth(world, date(2025, 4, 5))
    assert restored["agencies"]["kaiping-edu"]["catalog"]["by_year"]["2024"]["by_report_category"]["行政执法公示"]["live"] == 22
    assert later["reconciliation"] is None  # reconciliation truth is for a crawl on the start day


def test_large_scenario_generator() -> None:
    w = World(load("large:agencies=4,catalog_docs=2400"))
    assert len(w.agencies) == 4
    total = sum(len(a.docs) for a in w.agencies)
    assert 2000 <= total <= 2800
    assert len({a.site_code for a in w.agencies}) == 4
