"""End to end with the built-in registry file: crawl the three channels of the simulated kaiping-2024,
reconcile the 2024 report found IN the archive, and compare every row with the simulator's ground truth
(`truth()["reconciliation"]`): statuses, counts, deltas and both WeChat readings; then reconcile the same
year's report as other wordings state it (a total naming no channel, a split by platform, the WeChat count
stated twice) and compare every row with the truth of that wording. (The same from a discovered registry
file, and for the other scenarios: tests/e2e/test_any_agency.py.)
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from simulator.report import report_text
from simulator.scenario import load
from simulator.truth import ground_truth
from simulator.world import World
from tests.e2e.reconciliation import assert_rows_equal_truth
from tests.support import CrawledArchive, xxgk

AGENCY, YEAR = "kaiping-edu", 2024
CRAWLED = ("catalog", "website", "wechat")


@pytest.fixture(scope="module")
def crawled(kaiping_crawled: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One archive of every channel of kaiping-2024, crawled on the scenario's start day (the session's shared
    crawl, copied: reconciling writes to it), and its truth."""
    db = kaiping_crawled.copy(tmp_path_factory.mktemp("e2e-reconcile") / "archive")
    return {"db": db, "full": kaiping_crawled.truth}


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
    listers = sorted(r[0].rsplit("/", 1)[-1] for r in conn.execute(
        "select distinct category_id from category_runs where channel = 'wechat'"))
    conn.close()

    crawled = {ch for ch, v in rec["summary"]["channels"].items() if v["crawled"]}
    assert crawled == set(CRAWLED)
    # Every row — catalog, website, WeChat (both readings), reads, key areas, applications — equals the truth.
    assert_rows_equal_truth(rec, truth, read_credentials=True)  # the shared crawl reads read counts
    wechat = [r for r in rec["rows"] if r["channel"] == "wechat" and r["kind"] == "published"]
    assert wechat and all(r["interpretation"]["used"] == "articles" for r in wechat)
    assert listers == sorted(["mp_backend", "getmsg", "weread", "feed"])  # what a default crawl runs

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
    rec = json.loads(xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(crawled["db"]),
                          "--report", str(report), "--json").stdout)
    assert_rows_equal_truth(rec, truth, read_credentials=True)  # the shared crawl reads read counts
    rows = rec["rows"]
    assert sum(rec["summary"]["statuses"].values()) == len(rows)
    if style == "seed":
        (wechat,) = [r for r in rows if r["channel"] == "wechat" and r["kind"] == "published"]
        assert len(wechat["quotes"]) == 2 and rec["summary"]["merged"][0]["row"] == wechat["claim_index"]
    else:
        (total,) = [r for r in rows if r["channel"] is None and r["kind"] == "published" and r["category"] is None]
        assert total["interpretation"]["all"]["channels"]["website_twins"] > 0  # twins counted once
        assert rec["summary"]["channel_less"]["rows"][0] == total["claim_index"]
        assert {p["total"] for p in rec["summary"]["parts"]} >= {total["claim_index"]}
