"""End to end: the bureau website (NFCMS) channel against the simulator."""

from __future__ import annotations

import math
from pathlib import Path

from simulator.scenario import load
from simulator.testing import start_simulator
from simulator.world import World
from tests.support import CrawledArchive

from .helpers import query, run_crawl


def test_website_crawl_counts_titles_cap_twins_and_incremental(tmp_path: Path,
                                                              kaiping_crawled: CrawledArchive) -> None:
    world = World(load("kaiping-2024"))
    agency = world.agencies[0]
    today = world.start_today
    # The shared first day: the catalog crawled first, so website twins can be linked, then the website.
    catalog, first = (kaiping_crawled.runs[channel]["result"] for channel in ("catalog", "website"))
    truth = kaiping_crawled.truth["agencies"]["kaiping-edu"]["website"]
    db = kaiping_crawled.copy(tmp_path / "archive")
    with start_simulator("kaiping-2024") as sim:
        second = run_crawl(sim, db, "--channel", "website")
    assert catalog["status"] == "ok" and first["status"] == "ok", first["summary"]
    # Exact counts per year after de-duplication across columns.
    got = {str(r["year"]): r["n"] for r in query(db, "select year, count(*) n from documents where channel = 'website' group by 1")}
    reachable = {}
    for col, cov in truth["columns"].items():
        for art in agency.column_listing(col, today)[: cov["reachable"]]:
            reachable[art.id] = art
    want: dict[str, int] = {}
    for art in reachable.values():
        want[str(art.year)] = want.get(str(art.year), 0) + 1
    assert got == want
    assert got["2024"] == truth["by_year"]["2024"]["first_seen"] == 162
    # Cross-listed articles: one document, two column memberships.
    cross = [a for a in reachable.values() if len(a.columns) > 1]
    rows = {r["document_id"]: r["n"] for r in query(db, "select document_id, count(*) n from document_columns group by 1")}
    assert cross and all(rows[f"kaiping-edu/website/{a.id}"] == len(a.columns) for a in cross)
    # Full titles from the article pages, although lists truncate them.
    titles = {r["native_id"]: r["title"] for r in query(db, "select native_id, title from documents where channel = 'website'")}
    truncated = [a for a in reachable.values() if len(a.title) > 24]
    assert truncated and all(titles[str(a.id)] == a.title for a in truncated)
    # The 100-page cap is recorded as a coverage gap with the oldest date reached.
    cap = query(db, "select * from category_runs where channel = 'website' and category_id like '%jyxw/jydt' "
                    "and run_id = ?", (first["run_id"],))[0]
    assert cap["capped"] == 1 and cap["complete"] == 0 and cap["healthy"] == 1
    assert cap["oldest_date"] == truth["columns"]["jyxw/jydt"]["oldest_reachable_date"]
    assert cap["stated_post_count"] == truth["columns"]["jyxw/jydt"]["listed"] and cap["harvested"] == 2000
    assert any(g["category"] == "教育动态" for g in first["summary"]["coverage_gaps"])
    # Twins: a website article that is also a catalog document links to it by post id.
    twins = query(db, "select w.native_id, w.twin_id, c.twin_id back from documents w join documents c "
                      "on c.id = w.twin_id where w.channel = 'website'")
    expected_twins = {str(a.id) for a in reachable.values() if a.twin is not None}
    assert {t["native_id"] for t in twins} == expected_twins and all(t["back"] for t in twins)
    # An unchanged re-crawl fetches list pages only (plus robots.txt).
    pages = sum(min(math.ceil(c["listed"] / 20), 100) for c in truth["columns"].values())
    assert second["summary"]["requests"] == pages + 1
    assert second["summary"]["new"] == 0 and second["summary"]["changed"] == 0


def test_website_clock_edits_deletions_and_throttling(tmp_path: Path, kaiping_crawled: CrawledArchive) -> None:
    db = kaiping_crawled.copy(tmp_path / "archive")  # the website crawled on the scenario's first day
    events = [e for e in kaiping_crawled.truth["events"] if e["channel"] == "website" and e["day"] > "2025-03-31"]
    with start_simulator("kaiping-2024", today="2025-04-04") as sim:
        moved = run_crawl(sim, db, "--channel", "website")
        sim.set_faults([{"kind": "throttled_empty", "match": {"path": "/kpsjyjzww/zwgk/rsxx/index_2.html"}},
                        {"kind": "http_error", "status": 502, "times": 1, "every": 4, "match": {"channel": "website"}}])
        faulty = run_crawl(sim, db, "--channel", "website", "--full-refresh")
    deleted = {str(e["id"]) for e in events if e["action"] == "delete"}
    edited = {str(e["id"]) for e in events if e["action"] == "edit"}
    rows = query(db, "select d.native_id, e.event from document_events e join documents d on d.id = e.document_id "
                     "where e.event in ('changed', 'disappeared') and d.channel = 'website'")
    assert {(r["native_id"], r["event"]) for r in rows} == {(i, "disappeared") for i in deleted} | {(i, "changed") for i in edited}
    assert moved["summary"]["disappeared"] == len(deleted)
    assert faulty["status"] == "partial" and faulty["summary"]["disappeared"] == 0
    rsxx = query(db, "select * from category_runs where run_id = ? and category_id like '%zwgk/rsxx'", (faulty["run_id"],))[0]
    assert rsxx["healthy"] == 0 and rsxx["stop_reason"] == "empty_page"
