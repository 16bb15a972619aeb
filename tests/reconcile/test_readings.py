"""Claims that name no channel (two readings), twins counted once, bounds, merged statements, category repeats,
parts of totals and website column claims, on small hand-built archives."""

from __future__ import annotations

import json

import pytest

from archive.reconcile import reconcile
from crawler.registry import agency_from_data

from .builders import AGENCY, Archive, claim

# 2024 in the archive below: catalog 16 documents (15 live), website 6 articles of which 2 are twins of catalog
# documents (same post id), WeChat 3 articles (1 deleted).
CATALOG, WEBSITE, TWINS, WECHAT = 16, 6, 2, 3
ALL = CATALOG + WEBSITE - TWINS + WECHAT


def reconciled(arch: Archive, *claims: dict, agency=None) -> dict:
    return reconcile(arch.db, agency or arch.agency, 2024, {"claims": list(claims), "year": 2024},
                     annual_report_source="test", annual_report_sha256=None)


def with_reconcile(arch: Archive, **section: str):
    return agency_from_data({**arch.agency.raw, "reconcile": section}, "agency file test.yaml")


@pytest.fixture
def arch(tmp_path) -> Archive:
    a = Archive(tmp_path)
    a.listed((1801, "组织机构"), (1811, "部门文件"), (1805, "政务动态"))
    for i in range(5):
        a.doc("catalog", 100 + i, "2024-03-01", category_id=1801)
    for i in range(8):
        a.doc("catalog", 200 + i, "2024-04-01", category_id=1811, status="disappeared" if i == 7 else "live")
    for i in range(3):
        a.doc("catalog", 300 + i, "2024-05-01", category_id=1805)
    a.doc("catalog", 399, "2023-12-31", category_id=1805)  # another year
    w = a.run("website")
    for path, name in {"zwgk/tzgg": "通知公告", "jyxw/jydt": "教育动态", "zwgk/zcfg": "政策法规",
                       "zwgk/rsxx": "人事信息"}.items():
        a.category_run(w, path, name, channel="website")
    twin_a = a.doc("website", 200, "2024-04-01")  # the same post id as catalog document 200: a twin
    twin_b = a.doc("website", 201, "2024-04-01")
    a.db["documents"].update(twin_b, {"twin_id": f"{AGENCY}/catalog/201"})  # and linked as the pipeline does
    plain = [a.doc("website", 500 + i, "2024-06-01") for i in range(4)]
    for doc, path, name in ((twin_a, "zwgk/tzgg", "通知公告"), (twin_b, "zwgk/tzgg", "通知公告"),
                            (plain[0], "zwgk/tzgg", "通知公告"), (plain[1], "zwgk/zcfg", "政策法规"),
                            (twin_a, "zwgk/zcfg", "政策法规"), (plain[2], "jyxw/jydt", "教育动态"),
                            (plain[3], "jyxw/jydt", "教育动态")):
        a.column(doc, path, name)
    x = a.run("wechat")
    a.category_run(x, "mp", "mp_backend", channel="wechat", oldest_date="2019-01-01", complete=False)
    a.push("p1", "2024-02-01")
    a.article(1, 1, "2024-02-01", push_id="p1")
    a.article(1, 2, "2024-02-01", push_id="p1")
    a.article(1, 3, "2024-02-01", push_id="p1", state="deleted")
    return a


# ------------------------------------------------------------------ a claim that names no channel


def test_a_channel_less_total_shows_both_readings_and_follows_the_catalog_by_default(arch):
    rec = reconciled(arch, claim(None, None, CATALOG))
    (row,) = rec["rows"]
    interp = row["interpretation"]
    assert interp["readings"] == ["catalog", "all"] and interp["used"] == "catalog"
    assert (interp["catalog"]["observed"], interp["catalog"]["status"]) == (CATALOG, "match")
    assert (interp["all"]["observed"], interp["all"]["status"], interp["all"]["delta"]) == (ALL, "more_found", ALL - CATALOG)
    assert (row["status"], row["observed"], row["observed_live"]) == ("match", CATALOG, CATALOG - 1)
    assert "reconcile.channel_less: catalog, the default" in interp["text"]
    assert row["caveats"][0].startswith("the claim names no channel") and "the default" in row["caveats"][0]
    assert rec["summary"]["channel_less"] == {"reading": "catalog", "set_in_registry": False, "rows": [0]}
    assert all(i.startswith(f"{AGENCY}/catalog/") for i in row["document_ids"])


def test_the_registry_can_make_all_channels_decide(arch):
    agency = with_reconcile(arch, channel_less="all")
    assert agency.channel_less_reading == "all"
    total, catalog_sized = reconciled(arch, claim(None, None, ALL), claim(None, None, CATALOG), agency=agency)["rows"]
    assert (total["status"], total["observed"]) == ("match", ALL)
    assert total["interpretation"]["catalog"]["status"] == "fewer_found"
    assert (catalog_sized["status"], catalog_sized["delta"]) == ("more_found", ALL - CATALOG)
    assert "set in the agency file" in total["interpretation"]["decided_by"]
    # the row's evidence is the reading it follows: every channel, each twin once (as the catalog document)
    ids = set(total["document_ids"])
    assert len(ids) == len(total["document_ids"]) == ALL
    assert f"{AGENCY}/website/200" not in ids and f"{AGENCY}/website/201" not in ids
    assert f"{AGENCY}/catalog/200" in ids and f"{AGENCY}/website/500" in ids


def test_twins_count_once_in_the_all_channels_reading(arch):
    (row,) = reconciled(arch, claim(None, None, ALL))["rows"]
    every = row["interpretation"]["all"]
    assert every["channels"] == {"catalog": CATALOG, "website": WEBSITE - TWINS, "website_twins": TWINS,
                                 "wechat": WECHAT}
    # live: 15 catalog + 4 website + 2 WeChat (the deleted article is not live)
    assert every["observed_live"] == (CATALOG - 1) + (WEBSITE - TWINS) + (WECHAT - 1)
    assert "2 twin(s) of counted catalog documents counted once" in every["method"]


def test_all_channels_is_unverifiable_when_a_configured_channel_was_not_crawled(tmp_path):
    arch = Archive(tmp_path)
    arch.listed((1805, "政务动态"))
    arch.doc("catalog", 1, "2024-05-01", category_id=1805)
    (row,) = reconciled(arch, claim(None, None, 1))["rows"]
    assert row["status"] == "match"  # the catalog reading decides
    every = row["interpretation"]["all"]
    assert every["status"] == "unverifiable" and every["observed"] is None
    assert "not every channel could be counted (website, wechat)" in every["caveats"][0]


def test_channel_less_category_claims_map_to_catalog_categories(arch):
    rec = reconciled(
        arch, claim(None, None, CATALOG, breakdown_open=False),
        claim(None, "组织机构类信息", 5, part_of=0, at=20), claim(None, "政策文件", 6, part_of=0, at=30),
        claim(None, "政策文件", 2, part_of=0, category_repeat_of=2, at=40), claim(None, "通知公告", 3, part_of=0, at=50))
    total, org, files, notices = rec["rows"]
    assert (org["status"], org["observed"]) == ("match", 5)
    assert org["mapping"]["catalog"]["categories"] == [{"native_id": 1801, "name": "组织机构"}]
    assert "shared taxonomy family 机构" in org["mapping"]["catalog"]["how"]
    # a category named twice under one total: one row claiming the sum, with both quotes
    assert (files["claimed"], files["observed"], files["status"]) == (8, 8, "match")
    assert [q["claim_index"] for q in files["quotes"]] == [2, 3] and [q["value"] for q in files["quotes"]] == [6, 2]
    assert "more than once under one total" in files["caveats"][0]
    # no catalog category of that name: the catalog reading cannot count it; all channels count the website column
    assert notices["status"] == "unverifiable" and "matches no catalog category" in notices["caveats"][1]
    every = notices["interpretation"]["all"]
    assert (every["observed"], every["status"]) == (3, "match")
    assert every["mapping"]["website"]["columns"] == [{"path": "zwgk/tzgg", "name": "通知公告"}]
    assert rec["summary"]["parts"] == [{"total": 0, "parts": [1, 2, 4], "open": False}]
    assert rec["summary"]["rows"] == 4 and rec["summary"]["claims"] == 5
    assert sum(rec["summary"]["statuses"].values()) == 4
    assert [r["part_of"] for r in rec["rows"]] == [None, 0, 0, 0]


def test_a_category_claim_counts_the_catalog_and_the_column_of_that_name_under_all_channels(arch):
    arch.listed((1812, "通知公告"))  # now the catalog has it too (three catalog documents), and one is a twin
    arch.doc("catalog", 600, "2024-07-01", category_id=1812)
    arch.doc("catalog", 501, "2024-07-01", category_id=1812)  # catalog twin of website article 501 (not listed there)
    arch.doc("catalog", 500, "2024-06-01", category_id=1812)  # twin of website 500, listed in 通知公告
    (row,) = reconciled(arch, claim(None, "通知公告", 5))["rows"]
    assert row["interpretation"]["catalog"]["observed"] == 3
    every = row["interpretation"]["all"]
    # catalog 3 + the column's 3 articles (200, 201, 500), of which 500 is a twin of a counted catalog document
    assert every["channels"] == {"catalog": 3, "website": 2, "website_twins": 1, "wechat": 0}
    assert (every["observed"], every["status"]) == (5, "match")
    assert "WeChat has no categories" in every["method"]


# ------------------------------------------------------------------ parts of a total


@pytest.mark.parametrize(("total", "open_list", "caveat"), [
    (14, False, "add up to 13, not the total it claims (14)"),
    (14, True, None),  # 等: some parts only, never a caveat
    (10, False, "add up to 13, more than the total it claims (10)"),
    (10, True, None),
    (13, False, None),
    (30, False, None),  # far below the total: an unmarked open list, as the report's check N-4 reads it
])
def test_parts_that_do_not_add_up_get_a_caveat_unless_the_list_is_open(arch, total, open_list, caveat):
    rows = reconciled(arch, claim("catalog", None, total, breakdown_open=open_list),
                      claim("catalog", "组织机构", 5, part_of=0), claim("catalog", "部门文件", 8, part_of=0))["rows"]
    found = [c for c in rows[0]["caveats"] if "the report's own parts" in c]
    if caveat is None:
        assert found == []
    else:
        assert len(found) == 1 and caveat in found[0] and "(#1, #2)" in found[0]


# ------------------------------------------------------------------ a claim stated twice


def test_a_claim_stated_twice_is_one_row_with_both_quotes_counted_once(arch):
    rec = reconciled(arch, claim("wechat", None, WECHAT, at=10), claim("website", None, WEBSITE, at=60),
                     claim("wechat", None, WECHAT, at=900, duplicate_of=0))
    wechat, website = rec["rows"]
    assert [(q["claim_index"], q["quote_start"]) for q in wechat["quotes"]] == [(0, 10), (2, 900)]
    assert wechat["status"] == "match" and len(website["quotes"]) == 1
    assert rec["summary"]["statuses"]["match"] == 2 and rec["summary"]["rows"] == 2
    assert rec["summary"]["merged"] == [{"row": 0, "claims": [0, 2], "how": {"2": "duplicate"}}]
    stored = json.loads(arch.db.execute("select quotes from reconciliation_rows where reconciliation_id = ? and "
                                        "claim_index = 0", [rec["id"]]).fetchone()[0])
    assert [q["quote_end"] for q in stored] == [10 + len(wechat["quote"]), 900 + len(wechat["quote"])]
    assert arch.db["reconciliation_rows"].count_where("reconciliation_id = ?", [rec["id"]]) == 2


# ------------------------------------------------------------------ bounds, for every kind


def test_approximate_and_lower_bound_claims_of_every_kind(arch):
    docs = [f"{AGENCY}/wechat/MzA5NDE3MjY1MQ==/1/{i}" for i in (1, 2)]
    arch.metric(docs[0], 400_000)
    arch.metric(docs[1], 76_000)  # 476,000 reads in all (the deleted article has none)
    rows = reconciled(
        arch, claim("wechat", None, 480_000, kind="reads", bound="approx", unit="次"),  # 约48万
        claim("wechat", None, 470_000, kind="reads", bound="lower", unit="次"),  # 超47万
        claim("wechat", None, 540_000, kind="reads", bound="approx", unit="次"),  # 约54万: 476,000 is 12 % short
        claim("wechat", None, 480_000, kind="reads", bound="lower", unit="次"),  # 超48万
        claim("catalog", None, 15, bound="approx"), claim("catalog", None, 17, bound="lower"),
        claim("catalog", None, 16, bound="lower"))["rows"]
    assert [r["observed"] for r in rows[:4]] == [476_000] * 4
    assert [r["status"] for r in rows] == ["match", "match", "fewer_found", "fewer_found", "match", "fewer_found",
                                           "match"]
    assert [r["bound"] for r in rows] == ["approx", "lower", "approx", "lower", "approx", "lower", "lower"]
    assert "within 10%" in rows[0]["method"] and "observed ≥ claimed" in rows[1]["method"]


def test_the_bound_decides_even_when_the_old_flags_disagree(arch):
    c = {**claim("catalog", None, 10), "bound": "lower", "approx": False, "lower_bound": False}
    old = {**claim("catalog", None, 10), "bound": None, "approx": True, "lower_bound": True}  # before `bound`
    new, legacy = reconciled(arch, c, old)["rows"]
    assert (new["bound"], new["status"]) == ("lower", "match")
    assert (legacy["bound"], legacy["status"]) == ("lower", "match")


# ------------------------------------------------------------------ website columns


def test_website_column_claims_count_the_configured_column_of_that_name(arch):
    quoted, traditional, unknown = reconciled(
        arch, claim("website", "“政策法规”栏目", 2), claim("website", "教育動態", 2), claim("website", "校园风采", 5))["rows"]
    assert (quoted["status"], quoted["observed"]) == ("match", 2)  # one of them is cross-listed: still counts here
    assert quoted["mapping"] == {"website": {"how": "by name", "columns": [{"path": "zwgk/zcfg", "name": "政策法规"}]}}
    assert (traditional["status"], traditional["observed"]) == ("match", 2)
    assert unknown["status"] == "unverifiable" and unknown["observed"] is None
    assert "report column '校园风采' matches no configured website column of kaiping-edu (configured: 人事信息, " \
           "政策法规, 教育动态, 通知公告)" in unknown["caveats"][0]


def test_unconfigured_platforms_stay_unverifiable_with_a_plain_caveat(arch):
    weibo, other, areas = reconciled(arch, claim("weibo", None, 3), claim("other", None, 4),
                                     claim("key_areas", "教育数据", 2))["rows"]
    assert [r["status"] for r in (weibo, other, areas)] == ["unverifiable"] * 3
    assert weibo["caveats"] == ["Weibo is not a configured channel of this archive"]
    assert "not a configured channel" in other["caveats"][0] and "key-areas" in areas["caveats"][0]
