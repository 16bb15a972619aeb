"""The expected reconciliation (`truth["reconciliation"]`) outside kaiping-2024's own claims: approximate and
bounded totals, report categories that reach the catalog through the taxonomy, an alias or another bracket
width, categories with no item, capped website columns, read counts with and without read credentials, and
the WeChat listers a default crawl runs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from simulator.scenario import load
from simulator.truth import APPROX_TOLERANCE, WECHAT_LISTERS, ground_truth, judge_claim, lister_sees
from simulator.truth_reconcile import CRAWL_LISTERS
from simulator.world import World

BASE = load("kaiping-2024")


def world_with(**changes: Any) -> World:
    """kaiping-2024 with parts replaced: `claims` (annual_report.claims), `agency` (merged into the agency),
    `gkmlpt`, `website`, `wechat` (merged into those blocks), `categories` (appended to the tree)."""
    scenario = copy.deepcopy(BASE)
    agency = scenario["agencies"][0]
    if "claims" in changes:
        scenario["annual_report"]["claims"] = changes["claims"]
    agency.update(changes.get("agency") or {})
    for block in ("gkmlpt", "website", "wechat"):
        agency[block].update(changes.get(block) or {})
    agency["gkmlpt"]["categories"] += changes.get("categories") or []
    return World(scenario)


def rows_of(world: World) -> dict[tuple[str, str | None, str | None], dict[str, Any]]:
    rows = ground_truth(world)["reconciliation"]["rows"]
    return {(r["kind"], r["channel"], r["category"]): r for r in rows}


def test_judging_by_bound() -> None:
    assert judge_claim(4500, 4800, "approx") == ("match", -300)  # within 10 %
    assert judge_claim(4000, 4800, "approx") == ("fewer_found", -800)
    assert judge_claim(301, 300, "lower") == ("match", 1) and judge_claim(299, 300, "lower")[0] == "fewer_found"
    assert judge_claim(5, 5, "exact") == ("match", 0) and judge_claim(None, 5, "exact") == ("unverifiable", None)
    assert APPROX_TOLERANCE == 0.10


def test_a_row_for_every_claim_the_report_states(world: World) -> None:
    from simulator.report import report_spec

    truth = ground_truth(world)["reconciliation"]
    readback = report_spec(world, world.agency_by_id["kaiping-edu"], 2024)["readback"]
    assert [(r["kind"], r["channel"], r["category"], r["claimed"], r["bound"]) for r in truth["rows"]] == [
        (c["kind"], c["channel"], c["category"], c["value"], c["bound"]) for c in readback]


def test_approximate_and_lower_bound_read_totals() -> None:
    w = world_with(claims={**BASE["annual_report"]["claims"], "wechat_reads": "约48万"})
    reads = rows_of(w)[("reads", "wechat", None)]
    assert (reads["claimed"], reads["bound"], reads["status"], reads["observed"]) == (480000, "approx", "unverifiable",
                                                                                       None)
    # With read credentials: the read counts of the year's readable articles (every one is listed here).
    acct, today = w.agency_by_id["kaiping-edu"].wechat, w.start_today
    readable = [a for a in acct.articles if a.ct.year == 2024 and a.state(today) == "ok"]
    total = sum(a.read_num for a in readable)
    assert rows_of(w)[("published", "wechat", None)]["observed_live"] == len(readable)
    creds = reads["with_read_credentials"]
    assert (creds["observed"], creds["delta"], creds["status"]) == (total, total - 480000, "more_found")
    for claimed, status in ((f"约{round(total / 10000)}万", "match"), (f"超{total // 10000 - 1}万", "match"),
                            (f"{total // 10000 + 1}余万", "fewer_found"), (total, "match")):
        w = world_with(claims={**BASE["annual_report"]["claims"], "wechat_reads": claimed})
        assert rows_of(w)[("reads", "wechat", None)]["with_read_credentials"]["status"] == status, claimed


def test_an_account_without_read_counts_is_unverifiable_even_with_credentials() -> None:
    reads = rows_of(world_with(wechat={"read_counts": False}))[("reads", "wechat", None)]
    assert reads["with_read_credentials"]["status"] == "unverifiable"


def test_report_categories_reach_the_catalog_by_taxonomy_alias_and_bracket_width(world: World) -> None:
    base = rows_of(world)
    claims = {**BASE["annual_report"]["claims"],
              "catalog": {"工作动态": 42, "教育经费": 50, "部门文件及公示公告": 63, "其他信息(含提醒)": 8}}
    tree = copy.deepcopy(BASE["agencies"][0]["gkmlpt"]["categories"])
    for cat in tree:
        if cat["name"] == "其他信息":
            cat["name"] = "其他信息（含提醒）"  # full-width brackets in the catalog, half-width in the report
    w = world_with(claims=claims, gkmlpt={"categories": tree})
    rows = rows_of(w)
    # 工作动态 is the taxonomy's 动态 family: the catalog's 政务动态
    assert rows[("published", "catalog", "工作动态")]["observed"] == base[("published", "catalog", "政务动态")]["observed"]
    assert "政务动态 (by taxonomy)" in rows[("published", "catalog", "工作动态")]["note"]
    assert rows[("published", "catalog", "其他信息(含提醒)")]["observed"] == 8
    assert "(by name)" in rows[("published", "catalog", "其他信息(含提醒)")]["note"]
    # 教育经费 has no family: unverifiable without an alias, the 50 budgets and final accounts with one
    assert rows[("published", "catalog", "教育经费")]["status"] == "unverifiable"
    aliased = rows_of(world_with(claims=claims, gkmlpt={"categories": tree},
                                 agency={"category_aliases": {"教育经费": ["部门预决算"]}}))
    row = aliased[("published", "catalog", "教育经费")]
    assert (row["observed"], row["status"], "(by alias)" in row["note"]) == (50, "match", True)


def test_a_category_without_items_in_the_year_is_a_count_of_zero() -> None:
    new = [{"id": 1815, "name": "人事信息"},  # never had an item
           {"id": 1816, "name": "规划计划", "counts": {2024: 0}, "per_year": [1, 2]}]
    w = world_with(claims={**BASE["annual_report"]["claims"], "catalog": {"人事信息": 0, "规划计划": 0}}, categories=new)
    rows = ground_truth(w)["reconciliation"]["rows"]
    got = [(r["category"], r["observed"], r["status"]) for r in rows if r["channel"] == "catalog" and r["category"]]
    assert got == [("人事信息", 0, "match"), ("规划计划", 0, "match")]
    w = world_with(claims={**BASE["annual_report"]["claims"], "catalog": {"规划计划": 1}}, categories=new)
    assert rows_of(w)[("published", "catalog", "规划计划")]["status"] == "fewer_found"
    cats = {c["name"]: c for c in ground_truth(w)["agencies"]["kaiping-edu"]["catalog"]["categories"]}
    assert cats["人事信息"]["post_count"] == 0 and cats["规划计划"]["post_count"] > 0


def test_a_link_to_another_site_is_unverifiable(world: World) -> None:
    w = world_with(claims={**BASE["annual_report"]["claims"], "catalog": {"重点领域信息公开": 8}})
    row = rows_of(w)[("published", "catalog", "重点领域信息公开")]
    assert (row["status"], row["observed"]) == ("unverifiable", None)


def test_a_capped_website_column_that_hides_part_of_the_year_makes_the_claim_unverifiable(world: World) -> None:
    full = ground_truth(world)
    jydt = full["agencies"]["kaiping-edu"]["website"]["columns"]["jyxw/jydt"]
    assert jydt["capped"] and jydt["oldest_reachable_date"] < "2024-01-01"  # capped, yet all of 2024 is reached
    assert rows_of(world)[("published", "website", None)]["status"] == "match"
    claims = {**BASE["annual_report"]["claims"], "website_columns": {"教育动态": 80, "政策法规": 16, "校园风采": 3}}
    w = world_with(claims=claims, website={"pages_limit": 3})
    truth = ground_truth(w)
    columns = truth["agencies"]["kaiping-edu"]["website"]["columns"]
    assert columns["jyxw/jydt"]["oldest_reachable_date"] > "2024-01-01"
    rows = rows_of(w)
    total = rows[("published", "website", None)]
    # the counts are still stated: the 2024 articles paging reaches, fewer than were published
    assert total["status"] == "unverifiable" and 0 < total["observed"] < 162 and total["delta"] == total["observed"] - 162
    assert rows[("published", "website", "教育动态")]["status"] == "unverifiable"
    assert rows[("published", "website", "校园风采")]["observed"] is None  # no such column
    policy = columns["zwgk/zcfg"]
    row = rows[("published", "website", "政策法规")]
    assert (row["status"] == "unverifiable") == (policy["capped"] and policy["oldest_reachable_date"] > "2024-01-01")


def test_all_listers_are_those_a_default_crawl_runs() -> None:
    # WeRead reaching back 30 days and no feed. list_ex is a mode a default crawl does not run: "all" is the
    # union of the crawl's listers alone (the MP backend already seeks through list_ex the pushes that
    # appmsgpublish shows with an empty publish_info, so list_ex adds nothing a crawl would miss).
    w = world_with(wechat={"weread_depth_days": 30, "feed_since": "2099-01-01"})
    acct, today = w.agency_by_id["kaiping-edu"].wechat, w.start_today
    seen = {lister: {(p.mid, a.idx) for p, a in lister_sees(acct, lister, today) if p.sent.year == 2024}
            for lister in WECHAT_LISTERS}
    crawl = set().union(*(seen[name] for name in CRAWL_LISTERS))
    assert "list_ex" not in CRAWL_LISTERS and seen["list_ex"] <= crawl
    wx = ground_truth(w)["agencies"]["kaiping-edu"]["wechat"]
    assert wx["listers"]["all"]["by_year"]["2024"]["articles"] == len(crawl)
    row = rows_of(w)[("published", "wechat", None)]
    assert row["interpretation"]["articles"]["observed"] == len(crawl)


@pytest.mark.parametrize("claimed", ["约4800", "超300"])
def test_bounded_website_claims(claimed: str) -> None:
    row = rows_of(world_with(claims={**BASE["annual_report"]["claims"], "website": claimed}))[
        ("published", "website", None)]
    assert row["bound"] == ("approx" if claimed.startswith("约") else "lower")
    assert row["status"] == judge_claim(162, row["claimed"], row["bound"])[0]
