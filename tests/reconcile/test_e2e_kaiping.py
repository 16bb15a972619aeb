"""End to end: crawl the simulated kaiping-2024 channels, reconcile the 2024 report found IN the archive,
and compare every row with the simulator's ground truth (`truth()["reconciliation"]`); then reconcile the
same year's report as other wordings would state it (a total naming no channel, a split by platform, the
seed's WeChat count stated twice) and compare every row with the truth of that wording.

Channels the archive has runs for are compared with the truth; the others must be unverifiable
("channel not crawled"). So the test keeps holding when website and WeChat crawls land: add their
channel to CRAWLED and the same assertions check them against the truth.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from simulator.report import report_text
from simulator.scenario import load
from simulator.testing import start_simulator
from simulator.truth import ground_truth
from simulator.world import World
from tests.support import crawl, xxgk

AGENCY, YEAR = "kaiping-edu", 2024
CRAWLED = ("catalog", "website", "wechat")
# Every WeChat lister the simulator offers (credentials are test values; the feed is the wewe-rss bridge).
WECHAT_ENV = {"WECHAT_MP_COOKIE": "slave_sid=e2e-reconcile-551; bizuin=3911122233", "WECHAT_MP_TOKEN": "66554433",
              "WECHAT_UIN": "e2e-uin-771", "WECHAT_KEY": "e2e-key-88123", "WECHAT_PASS_TICKET": "e2e-pt-99321",
              "WEREAD_COOKIE": "wr_vid=e2e-vid-1; wr_skey=e2e-skey-2"}
FEED = "http://wewe-rss.localhost/feeds/MP_WXS_3094172651.atom?limit=1000"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One archive of every channel of kaiping-2024, crawled on the scenario's start day, and its truth."""
    db = tmp_path_factory.mktemp("e2e-reconcile") / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        for channel in CRAWLED:
            extra = ["-s", f"XXGK_WECHAT_FEEDS={FEED}"] if channel == "wechat" else []
            crawl(sim.url, db, channel, *extra, env=WECHAT_ENV if channel == "wechat" else None)
        full = sim.truth()
    conn = sqlite3.connect(db)
    listers = sorted(r[0].rsplit("/", 1)[-1] for r in conn.execute(
        "select distinct category_id from category_runs where channel = 'wechat'"))
    conn.close()
    return {"db": db, "full": full, "listers": listers}


def _truth_row(truth: list[dict[str, Any]], channel: str | None, category: str | None) -> dict[str, Any]:
    found = [t for t in truth if t["channel"] == channel and t["category"] == category]
    assert found, (channel, category)
    return found[0]


def _wechat_expected(full: dict[str, Any], listers: list[str], claimed: int) -> dict[str, Any] | None:
    """What the WeChat rows must show for the listers that ran: all of them (the reconciliation truth's
    "all listers together") or a single one (its own truth); None for another subset."""
    wx = full["agencies"][AGENCY]["wechat"]["listers"]
    # The archive names listers as the crawler does: "feed" is the truth's "feeds", and list_ex is a
    # mode of the MP backend, which sees the same articles in the union.
    ran = {"feeds" if name == "feed" else name for name in listers} | ({"list_ex"} if "mp_backend" in listers else set())
    key = "all" if ran >= set(wx) - {"all"} else listers[0] if len(listers) == 1 else None
    if key is None:
        return None

    def judged(n: int) -> tuple[str, int]:
        return ("match" if n == claimed else "fewer_found" if n < claimed else "more_found"), n - claimed

    year = wx[key]["by_year"].get(str(YEAR), {"articles": 0, "pushes": 0})
    arts, pushes = judged(year["articles"]), judged(year["pushes"])
    status = "match" if pushes[0] == "match" else arts[0]
    if (wx[key]["oldest"] or "9999")[:10] > f"{YEAR}-01-01":
        status = "unverifiable"  # the lister cannot see the start of the year
    return {"articles": arts, "pushes": pushes, "status": status}


def _key(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """The truth's key of a reconciliation row."""
    if row["kind"] == "applications":
        return "applications", None
    if row["kind"] == "reads":
        return "wechat", "reads"
    if row["channel"] == "wechat":
        return "wechat", "articles"
    return row["channel"], row["category"]


def assert_rows_equal_the_truth(rec: dict[str, Any], truth: dict[str, Any], full: dict[str, Any],
                                listers: list[str]) -> None:
    """Every row against the truth: counts and statuses, both readings of a claim naming no channel, how many
    times a claim is stated, and the total a part belongs to; no truth row is missing."""
    expected = truth["rows"]
    rows = rec["rows"]
    by_index = {r["claim_index"]: r for r in rows}
    keys = {_key(r) for r in rows}
    assert keys == {(t["channel"], t["category"]) for t in expected if t["category"] != "pushes"}
    for r in rows:
        t = _truth_row(expected, *_key(r))
        assert len(r["quotes"]) == t["statements"], (_key(r), r["quotes"])
        total = by_index[r["part_of"]] if r["part_of"] is not None else None
        assert (list(_key(total)) if total else None) == t["part_of"], _key(r)
        if r["kind"] == "applications":
            assert r["status"] == t["status"] == "unverifiable"
        elif r["kind"] == "reads":
            if r["observed"] is None:  # without client credentials there are no read counts
                assert r["status"] == t["status"]
        elif r["channel"] == "wechat":
            want = _wechat_expected(full, listers, t["claimed"])
            if want is None:  # a subset of listers the truth has no union for: the counts are still there
                assert r["interpretation"]["articles"]["observed"] > 0
                continue
            interp = r["interpretation"]
            assert (interp["articles"]["status"], interp["articles"]["delta"]) == want["articles"]
            assert (interp["pushes"]["status"], interp["pushes"]["delta"]) == want["pushes"]
            assert r["status"] == want["status"], r["caveats"]
        elif r["channel"] is None:  # two readings; the status follows the one the truth says
            interp = r["interpretation"]
            assert interp["used"] == t["follows"]
            for name in ("catalog", "all"):
                got, want = interp[name], t["readings"][name]
                assert (got["status"], got["delta"], got["observed"]) == (
                    want["status"], want["delta"], want["observed"]), (r["category"], name, got["caveats"])
            assert interp["catalog"]["observed_live"] == t["readings"]["catalog"]["observed_live"]
            assert (r["status"], r["delta"], r["observed"]) == (t["status"], t["delta"], t["observed"])
        else:
            assert (r["status"], r["delta"], r["observed"]) == (t["status"], t["delta"], t["observed"]), \
                (_key(r), r["caveats"])
            if r["channel"] == "catalog":
                assert r["observed_live"] == t["observed_live"], _key(r)
    assert sum(rec["summary"]["statuses"].values()) == len(rows) == rec["summary"]["rows"]


def test_reconciliation_of_the_archived_2024_report_equals_the_ground_truth(crawled: dict[str, Any]) -> None:
    db, full = crawled["db"], crawled["full"]
    truth = full["reconciliation"]
    assert truth["agency"] == AGENCY and truth["year"] == YEAR
    out = xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db), "--json")
    rec = json.loads(out.stdout)

    # The claims came from the report found in the archive: the catalog's 政府信息公开年报 document for 2024.
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    doc = conn.execute("select d.*, c.name cat from documents d join categories c on c.id = d.agency || "
                       "'/catalog/' || d.category_id where d.id = ?", [rec["annual_report_document_id"]]).fetchone()
    assert doc is not None and doc["cat"] == "政府信息公开年报" and "2024年" in doc["title"]
    assert rec["annual_report_sha256"] == conn.execute("select sha256 from captures where id = ?",
                                                [rec["summary"]["annual_report"]["capture_id"]]).fetchone()[0]
    # … and the reconciliation is stored with every row.
    assert conn.execute("select count(*) from reconciliation_rows where reconciliation_id = ?",
                        [rec["id"]]).fetchone()[0] == len(rec["rows"]) > 0
    conn.close()

    crawled_channels = {ch for ch, v in rec["summary"]["channels"].items() if v["crawled"]}
    assert crawled_channels == set(CRAWLED)
    assert_rows_equal_the_truth(rec, truth, full, crawled["listers"])
    # Claims outside the configured channels are unverifiable, as the truth says.
    published = [r for r in rec["rows"] if r["kind"] == "published"]
    assert any(r["channel"] == "key_areas" for r in published)
    for r in published:
        if r["channel"] == "key_areas":
            assert r["status"] == "unverifiable" and "not a configured channel" in r["caveats"][0]
    apps = [r for r in rec["rows"] if r["kind"] == "applications"]
    assert apps and all(r["status"] == "unverifiable" for r in apps)

    # The stored reconciliation renders as one self-contained HTML page with its chart.
    html = xxgk("report", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db), "--format", "html").stdout
    assert "<svg" in html and "<script" not in html.lower() and rec["id"] in html


@pytest.mark.parametrize("style", ["plain_list", "channel_split", "seed"])
def test_the_same_year_worded_otherwise_reconciles_to_the_truth_of_that_wording(
        crawled: dict[str, Any], tmp_path: Path, style: str) -> None:
    # plain_list: the total and its categories name no channel; channel_split: a total over the platforms
    # whose parts keep their channels; seed: the WeChat count stated twice (one row, two quotes).
    scenario = load("kaiping-2024")
    scenario["annual_report"]["wording"] = {"style": style}
    world = World(scenario)
    truth = ground_truth(world)["reconciliation"]
    report = tmp_path / f"report-{style}.txt"
    report.write_text(report_text(world, world.agency_by_id[AGENCY], YEAR), encoding="utf-8")
    out = xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(crawled["db"]), "--report",
               str(report), "--json")
    rec = json.loads(out.stdout)
    assert_rows_equal_the_truth(rec, truth, crawled["full"], crawled["listers"])
    rows = rec["rows"]
    if style == "seed":
        (wechat,) = [r for r in rows if r["channel"] == "wechat" and r["kind"] == "published"]
        assert len(wechat["quotes"]) == 2 and rec["summary"]["merged"][0]["row"] == wechat["claim_index"]
    else:
        (total,) = [r for r in rows if r["channel"] is None and r["kind"] == "published" and r["category"] is None]
        assert total["interpretation"]["all"]["channels"]["website_twins"] > 0  # twins counted once
        assert rec["summary"]["channel_less"]["rows"][0] == total["claim_index"]
        assert {p["total"] for p in rec["summary"]["parts"]} >= {total["claim_index"]}
