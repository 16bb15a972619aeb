"""The counting rules on small hand-built archives: one behaviour per test."""

from __future__ import annotations

import pytest

from archive.reconcile import judge, latest_reconciliation, reconcile
from crawler.registry import agency_from_data

from .builders import AGENCY, Archive, claim

COLUMNS = {"zwgk/tzgg": "通知公告", "jyxw/jydt": "教育动态", "zwgk/zcfg": "政策法规", "zwgk/rsxx": "人事信息"}


def run(arch: Archive, *claims: dict, year: int = 2024) -> list[dict]:
    rec = reconcile(arch.db, arch.agency, year, {"claims": list(claims), "year": year}, annual_report_source="test",
                    annual_report_sha256=None)
    return rec["rows"]


@pytest.fixture
def arch(tmp_path) -> Archive:
    return Archive(tmp_path)


def catalog_tree(arch: Archive, run_id: str, **kw) -> None:
    """政务动态 (leaf), 部门文件及公示公告 (parent of 部门文件 and 公示公告), 其他信息, and a jump_url node."""
    arch.category(1805, "政务动态")
    arch.category(1804, "部门文件及公示公告", leaf=False)
    arch.category(1811, "部门文件", parent=1804)
    arch.category(1812, "公示公告", parent=1804)
    arch.category(1809, "其他信息")
    arch.category(1810, "重点领域信息公开", leaf=False, jump_url="http://www.kaiping.gov.cn/kpszfw/zdly/")
    for native, name in ((1805, "政务动态"), (1811, "部门文件"), (1812, "公示公告"), (1809, "其他信息")):
        arch.category_run(run_id, native, name, **kw)


# ------------------------------------------------------------------ status rules


def test_exact_claims_match_only_when_equal():
    assert judge(5, 5, "exact") == "match"
    assert judge(4, 5, "exact") == "fewer_found"
    assert judge(6, 5, "exact") == "more_found"
    assert judge(None, 5, "exact") == "unverifiable"


def test_lower_bound_claims_match_at_or_above_the_bound():
    assert judge(100, 100, "lower") == "match"  # 100余条
    assert judge(180, 100, "lower") == "match"
    assert judge(99, 100, "lower") == "fewer_found"


def test_approximate_claims_match_within_ten_percent():
    assert judge(90, 100, "approx") == "match"  # 约100条
    assert judge(110, 100, "approx") == "match"
    assert judge(89, 100, "approx") == "fewer_found"
    assert judge(111, 100, "approx") == "more_found"


def test_approx_bound_flows_through_a_reconciliation(arch):
    r = arch.run()
    catalog_tree(arch, r)
    for i in range(12):
        arch.doc("catalog", 100 + i, "2024-05-01", category_id=1805)
    lower, approx, exact = run(arch, claim("catalog", "政务动态", 10, bound="lower"),
                               claim("catalog", "政务动态", 13, bound="approx"), claim("catalog", "政务动态", 10))
    assert (lower["status"], lower["delta"]) == ("match", 2)
    assert (approx["status"], approx["delta"]) == ("match", -1)
    assert (exact["status"], exact["delta"]) == ("more_found", 2)
    assert "lower bound" in lower["method"] and "within 10%" in approx["method"]


# ------------------------------------------------------------------ catalog


def test_a_parent_category_covers_its_descendant_leaves(arch):
    r = arch.run()
    catalog_tree(arch, r)
    ids = [arch.doc("catalog", 1, "2024-01-01", category_id=1811), arch.doc("catalog", 2, "2024-12-31", category_id=1812)]
    arch.doc("catalog", 3, "2023-12-31", category_id=1811)  # previous year
    arch.doc("catalog", 4, "2025-01-01", category_id=1812)  # next year (a UTC-dated crawler would say 2024)
    arch.doc("catalog", 5, "2024-06-01", category_id=1805)  # another category
    (row,) = run(arch, claim("catalog", "部门文件及公示公告", 2))
    assert row["status"] == "match" and row["observed"] == 2 and sorted(row["document_ids"]) == sorted(ids)
    assert "部门文件 (1811)" in row["method"] and "公示公告 (1812)" in row["method"]


def _flat_catalog(arch: Archive) -> None:
    """No combined node: 部门文件 and 公示公告 side by side, 工作动态 instead of 政务动态, and 其他信息."""
    r = arch.run()
    for native, name in ((1811, "部门文件"), (1812, "公示公告"), (1805, "工作动态"), (1809, "其他信息")):
        arch.category(native, name)
        arch.category_run(r, native, name)
    for native, cat in ((1, 1811), (2, 1812), (3, 1809), (4, 1805), (5, 1805)):
        arch.doc("catalog", native, "2024-03-01", category_id=cat)


def test_report_names_map_through_the_shared_taxonomy(arch):
    # The built-in kaiping-edu file has no aliases: the taxonomy's families do the mapping, and say so.
    assert arch.agency.category_aliases == {}
    _flat_catalog(arch)
    combined, other, news = run(arch, claim("catalog", "部门文件及公示公告", 2), claim("catalog", "其他", 1),
                                claim("catalog", "政务动态", 2))
    assert (combined["status"], combined["observed"]) == ("match", 2)
    assert "by the shared taxonomy families 文件 + 公告 (部门文件及公示公告 → 部门文件, 公示公告)" in combined["method"]
    assert (other["status"], other["observed"]) == ("match", 1)
    assert "by the shared taxonomy family 其他" in other["method"]
    assert (news["status"], news["observed"]) == ("match", 2)
    assert "工作动态 (1805) matched by the shared taxonomy family 动态 (政务动态 → 工作动态)" in news["method"]


def test_the_agencys_aliases_win_over_the_taxonomy(arch):
    # This agency says its report's 政务动态 is only 部门文件 (odd, but the registry file is the authority).
    raw = {**arch.agency.raw, "category_aliases": {"政务动态": ["部门文件"]}}
    arch.agency = agency_from_data(raw, "agency file test.yaml")
    _flat_catalog(arch)
    (row,) = run(arch, claim("catalog", "政务动态", 1))
    assert (row["status"], row["observed"]) == ("match", 1)
    assert "部门文件 (1811) matched by the agency's alias 政务动态 → 部门文件 (category_aliases in agency file " \
           "test.yaml)" in row["method"]


def test_widths_spaces_and_traditional_characters_still_match_by_name(arch):
    _flat_catalog(arch)
    (row,) = run(arch, claim("catalog", "（一）工作 動態", 2))
    assert (row["status"], row["observed"]) == ("match", 2)
    assert "工作动态 (1805) matched by name" in row["method"]


def test_a_parent_and_its_children_of_one_family_count_once(arch):
    r = arch.run()
    arch.category(1807, "部门预决算", leaf=False)
    arch.category(1813, "部门预算", parent=1807)
    arch.category(1814, "部门决算", parent=1807)
    for native, name in ((1813, "部门预算"), (1814, "部门决算")):
        arch.category_run(r, native, name)
    arch.doc("catalog", 1, "2024-03-01", category_id=1813)
    arch.doc("catalog", 2, "2024-03-01", category_id=1814)
    (row,) = run(arch, claim("catalog", "预决算", 2))
    assert (row["status"], row["observed"]) == ("match", 2)
    assert "catalog category 部门预决算 (1807) matched by the shared taxonomy family 预决算" in row["method"]


def test_an_unmatched_report_category_is_unverifiable_not_zero(arch):
    r = arch.run()
    catalog_tree(arch, r)
    (row,) = run(arch, claim("catalog", "财政资金信息", 4))
    assert row["status"] == "unverifiable"
    assert row["observed"] is None and row["delta"] is None
    assert "matches no catalog category" in row["caveats"][0]
    assert "the shared taxonomy knows no family for it" in row["caveats"][0]
    (other,) = run(arch, claim("catalog", "部门预决算", 4))  # a family this catalog has no category of
    assert other["status"] == "unverifiable"
    assert "no catalog category by name, agency alias or the shared taxonomy family 预决算" in other["caveats"][0]


def test_the_total_counts_every_category_link_entries_and_disappeared_documents(arch):
    r = arch.run()
    catalog_tree(arch, r)
    arch.doc("catalog", 1, "2024-02-01", category_id=1805)
    arch.doc("catalog", 2, "2024-02-01", category_id=1805, item_type="url")
    arch.doc("catalog", 3, "2024-02-01", category_id=1811, status="disappeared")
    arch.doc("catalog", 4, "2024-02-01", category_id=1809)
    (row,) = run(arch, claim("catalog", None, 4))
    assert (row["status"], row["observed"], row["observed_live"], row["delta"]) == ("match", 4, 3, 0)
    assert "1 of these are `type: url` link entries" in row["method"]
    assert any("disappeared since" in c for c in row["caveats"])
    assert any("重点领域信息公开" in c and "link to another site" in c for c in row["caveats"])


def test_an_incomplete_listing_makes_the_row_unverifiable_but_keeps_the_counts(arch):
    r = arch.run(status="partial")
    arch.category(1805, "政务动态")
    arch.category(1809, "其他信息")
    arch.category_run(r, 1805, "政务动态", complete=False, healthy=False)
    arch.category_run(r, 1809, "其他信息")
    arch.failed_capture(r, "blocked")
    arch.failed_capture(r, "error")
    for i in range(3):
        arch.doc("catalog", i, "2024-04-01", category_id=1805)
    arch.doc("catalog", 9, "2024-04-01", category_id=1809)
    gap, fine, total = run(arch, claim("catalog", "政务动态", 3), claim("catalog", "其他信息", 1), claim("catalog", None, 4))
    assert gap["status"] == "unverifiable" and gap["observed"] == 3 and gap["delta"] == 0
    assert any(c.startswith("coverage short") and "政务动态" in c for c in gap["caveats"])
    assert any("1 blocked and 1 failed requests" in c for c in gap["caveats"])
    assert fine["status"] == "match"
    assert total["status"] == "unverifiable"  # the total needs every leaf


def test_a_leaf_no_run_listed_is_a_coverage_gap(arch):
    r = arch.run()
    arch.category(1805, "政务动态")
    arch.category(1809, "其他信息")
    arch.category_run(r, 1805, "政务动态")
    (row,) = run(arch, claim("catalog", "其他信息", 0))
    assert row["status"] == "unverifiable" and "no run recorded" in " ".join(row["caveats"])


def test_window_and_search_backfill_are_named(arch):
    r = arch.run()
    catalog_tree(arch, r)
    arch.db["category_runs"].update((r, f"{AGENCY}/catalog/1805"), {"window": 1, "search_backfilled": 80,
                                                                    "api_total": 200, "stated_post_count": 280})
    arch.doc("catalog", 1, "2024-02-01", category_id=1805)
    (row,) = run(arch, claim("catalog", "政务动态", 1))
    assert row["status"] == "match"
    assert any("API window used for 政务动态" in c and "80" in c for c in row["caveats"])


def test_the_latest_coverage_record_of_each_category_counts(arch):
    old, new = arch.run(started="2025-03-01T00:00:00Z"), arch.run(started="2025-03-31T00:00:00Z")
    arch.category(1805, "政务动态")
    arch.category_run(old, 1805, "政务动态", complete=False, healthy=False)
    arch.category_run(new, 1805, "政务动态")
    arch.doc("catalog", 1, "2024-02-01", category_id=1805)
    (row,) = run(arch, claim("catalog", "政务动态", 1))
    assert row["status"] == "match"


# ------------------------------------------------------------------ channels without a crawl


def test_uncrawled_and_unconfigured_channels_are_unverifiable(arch):
    r = arch.run()
    catalog_tree(arch, r)
    rows = run(arch, claim("website", None, 162), claim("wechat", None, 457),
               claim("wechat", None, 910000, kind="reads", unit="次"), claim("key_areas", "教育数据", 2),
               claim("weibo", None, 3), claim(None, None, 0, kind="applications", unit="件"))
    assert [r["status"] for r in rows] == ["unverifiable"] * 6
    assert "channel not crawled" in rows[0]["caveats"][0] and "website" in rows[0]["caveats"][0]
    assert "channel not crawled" in rows[1]["caveats"][0] and "channel not crawled" in rows[2]["caveats"][0]
    assert "not a configured channel" in rows[3]["caveats"][0]
    assert "Weibo" in rows[4]["caveats"][0]
    assert "not published documents" in rows[5]["caveats"][0]
    assert all(r["observed"] is None for r in rows)


# ------------------------------------------------------------------ website


def website_runs(arch: Archive, **overrides) -> str:
    r = arch.run("website")
    for path, name in COLUMNS.items():
        kw = {"channel": "website", **overrides.get(path, {})}
        arch.category_run(r, path, name, **kw)
    return r


def test_an_article_listed_in_two_columns_counts_once(arch):
    website_runs(arch)
    a = arch.doc("website", 11, "2024-03-01")
    b = arch.doc("website", 12, "2024-07-01")
    c = arch.doc("website", 13, "2024-09-01")
    arch.doc("website", 14, "2023-09-01")
    arch.column(a, "zwgk/tzgg", "通知公告")
    arch.column(a, "zwgk/zcfg", "政策法规")  # cross-listed
    arch.column(b, "jyxw/jydt", "教育动态")
    arch.column(c, "zwgk/rsxx", "人事信息")
    total, column = run(arch, claim("website", None, 3), claim("website", "政策法规", 1))
    assert (total["status"], total["observed"], total["delta"]) == ("match", 3, 0)
    assert "from 4 column listings" in total["method"]
    assert (column["status"], column["observed"]) == ("match", 1)


def test_a_capped_column_that_does_not_reach_the_year_start_is_unverifiable(arch):
    website_runs(arch, **{"jyxw/jydt": {"capped": True, "complete": False, "oldest_date": "2024-03-15"}})
    arch.doc("website", 11, "2024-05-01")
    (row,) = run(arch, claim("website", None, 1))
    assert row["status"] == "unverifiable" and row["observed"] == 1
    assert any("capped" in c and "2024-03-15" in c for c in row["caveats"])


def test_a_capped_column_reaching_back_before_the_year_is_fine(arch):
    website_runs(arch, **{"jyxw/jydt": {"capped": True, "complete": False, "oldest_date": "2013-06-01"}})
    arch.doc("website", 11, "2024-05-01")
    (row,) = run(arch, claim("website", None, 1))
    assert row["status"] == "match"
    assert any("reaches back to 2013-06-01" in c for c in row["caveats"])


# ------------------------------------------------------------------ wechat


def wechat_world(arch: Archive, oldest: tuple[str, ...] = ("2019-01-01", "2024-10-01")) -> list[str]:
    r = arch.run("wechat")
    for i, day in enumerate(oldest):
        arch.category_run(r, f"lister{i}", ["mp_backend", "weread", "feeds"][i], channel="wechat", oldest_date=day,
                          complete=False)
    arch.push("p1", "2024-02-01")
    arch.push("p2", "2024-06-01", notified=False)
    arch.push("p0", "2023-12-31")
    ids = [arch.article(1, 1, "2024-02-01", push_id="p1"), arch.article(1, 2, "2024-02-01", push_id="p1"),
           arch.article(1, 3, "2024-02-01", state="deleted", push_id="p1"),
           arch.article(2, 1, "2024-06-01", state="violation", push_id="p2"),
           arch.article(2, 2, "2024-06-01", push_id="p2")]
    arch.article(0, 1, "2023-12-31", push_id="p0")
    return ids


def test_wechat_articles_interpretation_is_the_default(arch):
    ids = wechat_world(arch)
    (row,) = run(arch, claim("wechat", None, 5))
    assert (row["status"], row["observed"], row["observed_live"], row["delta"]) == ("match", 5, 3, 0)
    interp = row["interpretation"]
    assert interp["used"] == "articles" and interp["matches"] == ["articles"]
    assert interp["pushes"]["observed"] == 2 and interp["pushes"]["status"] == "fewer_found"
    assert interp["articles"]["states"] == {"deleted": 1, "ok": 3, "violation": 1}
    assert sorted(row["document_ids"]) == sorted(ids)
    assert any("1 deleted, 1 violation" in c for c in row["caveats"])
    assert any("weread" in c and "2024-10-01" in c for c in row["caveats"])  # a shallow lister is named


def test_wechat_pushes_interpretation_wins_when_it_matches(arch):
    wechat_world(arch)
    pushes, neither = run(arch, claim("wechat", None, 2), claim("wechat", None, 7))
    assert (pushes["status"], pushes["observed"], pushes["delta"]) == ("match", 2, 0)
    assert pushes["interpretation"]["used"] == "pushes" and pushes["interpretation"]["articles"]["delta"] == 3
    assert (neither["status"], neither["delta"]) == ("fewer_found", -2)
    assert neither["interpretation"]["used"] == "articles" and neither["interpretation"]["matches"] == []
    assert neither["interpretation"]["pushes"]["delta"] == -5


def test_wechat_is_unverifiable_when_no_lister_reaches_the_year_start(arch):
    wechat_world(arch, oldest=("2024-08-01", "2024-10-01"))
    (row,) = run(arch, claim("wechat", None, 5))
    assert row["status"] == "unverifiable" and row["observed"] == 5
    assert any("no WeChat lister reached back to 2024-01-01" in c for c in row["caveats"])


def test_reads_without_metrics_are_unverifiable(arch):
    wechat_world(arch)
    (row,) = run(arch, claim("wechat", None, 1000, kind="reads", unit="次"))
    assert row["status"] == "unverifiable" and row["observed"] is None
    assert "no read counts" in row["caveats"][0]


def test_reads_sum_the_archived_read_counts(arch):
    ids = wechat_world(arch)
    for i, doc_id in enumerate(ids):
        if i not in (2, 3):  # the deleted and the violation article have no reads
            arch.metric(doc_id, 100 * (i + 1), read_at="2025-03-01T00:00:00Z")
    arch.metric(ids[0], 150, read_at="2025-03-31T00:00:00Z")  # a later reading replaces the earlier one
    (row,) = run(arch, claim("wechat", None, 750, kind="reads", unit="次", bound="lower"))
    assert (row["observed"], row["status"]) == (150 + 200 + 500, "match")
    assert any("cumulative as of then" in c and "2025-03-01" in c for c in row["caveats"])
    assert any("deleted articles' reads are missing" in c for c in row["caveats"])


# ------------------------------------------------------------------ storing


def test_the_reconciliation_is_stored_with_one_row_per_claim(arch):
    r = arch.run()
    catalog_tree(arch, r)
    arch.doc("catalog", 1, "2024-02-01", category_id=1805)
    claims = [claim("catalog", None, 1), claim("catalog", "政务动态", 1), claim("wechat", None, 3)]
    rec = reconcile(arch.db, arch.agency, 2024, {"claims": claims, "year": 2023, "checks": [{"id": "N-4"}]},
                    annual_report_source="file x", annual_report_sha256="ab" * 32)
    stored = latest_reconciliation(arch.db, AGENCY, 2024)
    assert stored == rec
    assert arch.db["reconciliation_rows"].count_where("reconciliation_id = ?", [rec["id"]]) == 3
    assert rec["summary"]["statuses"] == {"match": 2, "fewer_found": 0, "more_found": 0, "unverifiable": 1}
    assert rec["runs"][0]["id"] == r and rec["checks"] == [{"id": "N-4"}]
    assert "the report's own year is 2023, not 2024" in rec["notes"][0]
