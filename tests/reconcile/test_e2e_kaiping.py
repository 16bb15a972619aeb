"""End to end: crawl the simulated kaiping-2024 catalog, reconcile the 2024 report found IN the archive,
and compare every row with the simulator's ground truth (`truth()["reconciliation"]`).

Channels the archive has runs for are compared with the truth; the others must be unverifiable
("channel not crawled"). So the test keeps holding when website and WeChat crawls land: add their
channel to CRAWLED and the same assertions check them against the truth.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from simulator.testing import start_simulator
from tests.support import crawl, xxgk

AGENCY, YEAR = "kaiping-edu", 2024
CRAWLED = ("catalog", "website", "wechat")
# Every WeChat lister the simulator offers (credentials are test values; the feed is the wewe-rss bridge).
WECHAT_ENV = {"WECHAT_MP_COOKIE": "slave_sid=e2e-reconcile-551; bizuin=3911122233", "WECHAT_MP_TOKEN": "66554433",
              "WECHAT_UIN": "e2e-uin-771", "WECHAT_KEY": "e2e-key-88123", "WECHAT_PASS_TICKET": "e2e-pt-99321",
              "WEREAD_COOKIE": "wr_vid=e2e-vid-1; wr_skey=e2e-skey-2"}
FEED = "http://wewe-rss.localhost/feeds/MP_WXS_3094172651.atom?limit=1000"


def _truth_row(truth: list[dict[str, Any]], channel: str, category: str | None) -> dict[str, Any]:
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


def test_reconciliation_of_the_archived_2024_report_equals_the_ground_truth(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        for channel in CRAWLED:
            extra = ["-s", f"XXGK_WECHAT_FEEDS={FEED}"] if channel == "wechat" else []
            crawl(sim.url, db, channel, *extra, env=WECHAT_ENV if channel == "wechat" else None)
        full = sim.truth()
    truth = full["reconciliation"]
    assert truth["agency"] == AGENCY and truth["year"] == YEAR
    out = xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db), "--json")
    rec = json.loads(out.stdout)
    expected = truth["rows"]

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
    rows = rec["rows"]
    published = [r for r in rows if r["kind"] == "published"]

    # Catalog: status, delta and both counts of every row equal the truth, and no truth row is missing.
    catalog = [r for r in published if r["channel"] == "catalog"]
    assert {r["category"] for r in catalog} == {t["category"] for t in expected if t["channel"] == "catalog"}
    for r in catalog:
        t = _truth_row(expected, "catalog", r["category"])
        assert (r["status"], r["delta"], r["observed"], r["observed_live"]) == (
            t["status"], t["delta"], t["observed"], t["observed_live"]), (r["category"], r["caveats"])

    # Website and WeChat: the truth when crawled, else unverifiable because the channel was not crawled.
    for channel in ("website", "wechat"):
        mine = [r for r in rows if r["channel"] == channel]
        assert mine, channel
        for r in mine:
            if channel not in crawled:
                assert r["status"] == "unverifiable" and r["observed"] is None
                assert any("channel not crawled" in c for c in r["caveats"]), r["caveats"]
            elif r["kind"] == "reads":
                if r["observed"] is None:  # without client credentials there are no read counts
                    assert r["status"] == _truth_row(expected, "wechat", "reads")["status"]
            elif channel == "website":
                t = _truth_row(expected, "website", None)
                assert (r["status"], r["delta"]) == (t["status"], t["delta"]), r["caveats"]
            else:
                want = _wechat_expected(full, listers, _truth_row(expected, "wechat", "articles")["claimed"])
                if want is None:  # a subset of listers the truth has no union for: the counts are still there
                    assert r["interpretation"]["articles"]["observed"] > 0
                    continue
                interp = r["interpretation"]
                assert (interp["articles"]["status"], interp["articles"]["delta"]) == want["articles"]
                assert (interp["pushes"]["status"], interp["pushes"]["delta"]) == want["pushes"]
                assert r["status"] == want["status"], r["caveats"]

    # Claims outside the configured channels are unverifiable, as the truth says.
    for r in published:
        if r["channel"] == "key_areas":
            assert r["status"] == _truth_row(expected, "key_areas", r["category"])["status"] == "unverifiable"
    apps = [r for r in rows if r["kind"] == "applications"]
    assert apps and all(r["status"] == "unverifiable" for r in apps)

    # The stored reconciliation renders as one self-contained HTML page with its chart.
    html = xxgk("report", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db), "--format", "html").stdout
    assert "<svg" in html and "<script" not in html.lower() and rec["id"] in html
