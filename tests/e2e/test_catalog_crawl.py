"""End to end: real crawls of the simulated gkmlpt catalog into a real archive (SQLite + WARC)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from archive import search_index
from simulator.testing import RunningSimulator, start_simulator
from tests.support import CrawledArchive, small_scenario, xxgk

from .helpers import (
    archived_by_year_and_category,
    events,
    expected_listing_requests,
    query,
    run_crawl,
    truth_by_year_and_category,
)

# Rows of the catalog's documents in tables keyed by document id (the shared archive holds every channel's).
CATALOG_ROWS = "document_id like 'kaiping-edu/catalog/%'"


@pytest.fixture(scope="module")
def first_crawl(kaiping_crawled: CrawledArchive,
                shared_simulator: RunningSimulator) -> tuple[RunningSimulator, Path, dict, dict]:
    """The session's first-day crawl (its catalog run; the same archive holds the website's and WeChat's, so the
    tests here read the catalog's rows) and a simulator on that day, for the read-only tests of this module."""
    return (shared_simulator, kaiping_crawled.folder / "archive.sqlite", kaiping_crawled.runs["catalog"]["result"],
            kaiping_crawled.truth)


def test_first_crawl_archives_exactly_the_ground_truth(first_crawl) -> None:
    _, db, result, truth = first_crawl
    assert result["status"] == "ok", result["summary"]
    assert archived_by_year_and_category(db) == truth_by_year_and_category(truth)
    cat = truth["agencies"]["kaiping-edu"]["catalog"]
    for year, data in cat["by_year"].items():
        ids = {r["native_id"] for r in query(db, "select native_id from documents where year = ? and channel = 'catalog'",
                                             (int(year),))}
        assert ids == {str(i) for i in data["first_seen_ids"]}, year
    assert result["summary"]["new"] == sum(d["first_seen"] for d in cat["by_year"].values())


def test_items_outside_the_api_window_come_from_the_search_jsonp(first_crawl) -> None:
    _, db, _, truth = first_crawl
    search_only = {str(i) for i in truth["agencies"]["kaiping-edu"]["catalog"]["search_only_ids"]}
    assert search_only
    rows = query(db, "select native_id, listing_source from documents where channel = 'catalog'")
    by_source = {r["native_id"]: r["listing_source"] for r in rows}
    assert {i for i in search_only if by_source.get(i) == "search"} == search_only
    windows = query(db, "select name, stated_post_count, api_total, harvested, search_backfilled, complete, healthy "
                        "from category_runs where window = 1 and channel = 'catalog'")
    assert windows, "the scenario's windowed categories must be recorded as such"
    for w in windows:
        assert w["api_total"] < w["stated_post_count"]
        assert w["harvested"] + w["search_backfilled"] == w["stated_post_count"], dict(w)
        assert w["complete"] and w["healthy"]


def test_coverage_recorded_per_category(first_crawl) -> None:
    _, db, _, truth = first_crawl
    leaves = {c["name"]: c for c in truth["agencies"]["kaiping-edu"]["catalog"]["categories"] if c["leaf"]}
    rows = {r["name"]: r for r in query(db, "select * from category_runs where channel = 'catalog'")}
    assert set(rows) == set(leaves)  # the jump_url node is not crawled
    for name, row in rows.items():
        assert row["stated_post_count"] == leaves[name]["post_count"]
        assert row["api_total"] == leaves[name]["api_total"]
        assert row["stop_reason"] in ("reached_total", "http_404")


def test_documents_point_at_captures_and_warc_verifies(first_crawl) -> None:
    _, db, _, _ = first_crawl
    orphans = query(db, "select d.id from documents d left join captures c on c.id = d.capture_id where c.id is null")
    assert orphans == []
    pages = query(db, "select c.url, c.status, c.warc_file, c.sha256 from documents d join captures c on c.id = d.capture_id "
                      "where d.item_type = 'normal' and d.channel = 'catalog' limit 50")
    assert all(p["status"] == 200 and p["warc_file"] and len(p["sha256"]) == 64 for p in pages)
    assert all(p["url"].startswith("http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/content/") for p in pages)
    out = xxgk("verify", "--db", str(db), timeout=300)
    assert "OK" in out.stdout.splitlines()[0]


def test_page_fields_titles_links_and_attachments(first_crawl) -> None:
    sim, db, _, truth = first_crawl
    from simulator.scenario import load
    from simulator.world import World

    world = World(load("kaiping-2024"))
    docs = {r["native_id"]: r for r in query(db, "select * from documents where channel = 'catalog'")}
    for d in world.agencies[0].docs:
        if not d.visible(world.start_today):
            continue
        row = docs[str(d.id)]
        if d.kind == "url":
            assert row["item_type"] == "url" and row["link_url"] == d.link_url and row["body_text"] is None
            continue
        if d.title_style != "html":
            assert row["title"] == d.title, d.title_style
        assert row["published_date"] == d.published.date().isoformat()
        assert row["publisher"] == d.publisher
    atts = query(db, "select a.*, c.sha256 cap_sha from attachments a join captures c on c.id = a.capture_id "
                     f"where a.{CATALOG_ROWS}")
    expected = sum(len(d.attachments_on(world.start_today)) for d in world.agencies[0].docs
                   if d.visible(world.start_today) and d.kind == "normal")
    assert len(atts) == expected
    assert all(a["status"] == "ok" and a["sha256"] == a["cap_sha"] and a["size"] > 0 for a in atts)
    # The DETAIL JSON agrees with the metadata table on every page the simulator serves.
    assert query(db, "select count(*) n from document_checks where field not in ('validation') "
                     f"and {CATALOG_ROWS}")[0]["n"] == 0


def test_unchanged_recrawl_lists_only(first_crawl, tmp_path: Path) -> None:
    sim, db, _, truth = first_crawl
    copy = tmp_path / "archive.sqlite"
    _copy_db(db, copy)
    (tmp_path / "warc").symlink_to(db.parent / "warc")
    versions_before = query(copy, "select count(*) n from document_versions")[0]["n"]
    result = run_crawl(sim, copy)
    s = result["summary"]
    assert result["status"] == "ok"
    assert s["new"] == s["changed"] == s["disappeared"] == 0
    assert s["requests"] == expected_listing_requests(truth)
    assert query(copy, "select count(*) n from document_versions")[0]["n"] == versions_before
    run = result["run_id"]
    fetched = query(copy, "select url from captures where run_id = ? and url like '%/content/%'", (run,))
    assert fetched == []


def _copy_db(src: Path, dst: Path) -> None:
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def test_clock_moves_versions_and_events_match_truth(tmp_path: Path) -> None:
    # The planted edits, deletions and restorations at a quarter of the volumes: the same events, four crawls.
    db = tmp_path / "archive.sqlite"
    with start_simulator(str(small_scenario(tmp_path / "scenario.yaml"))) as sim:
        run_crawl(sim, db)
        truth_events = [e for e in sim.truth()["events"] if e["channel"] == "catalog" and e["day"] > "2025-03-31"]
        for day in ("2025-04-02", "2025-04-03", "2025-04-05"):
            sim.set_today(day)
            run_crawl(sim, db)
        final = sim.truth()
    edited = {str(e["id"]) for e in truth_events if e["action"] == "edit"}
    deleted = {str(e["id"]) for e in truth_events if e["action"] == "delete"}
    restored = {str(e["id"]) for e in truth_events if e["action"] == "restore"}
    rows = query(db, "select d.native_id, e.event from document_events e join documents d on d.id = e.document_id "
                     "where e.event in ('changed', 'disappeared', 'reappeared')")
    got = {(r["native_id"], r["event"]) for r in rows}
    assert got == {(i, "changed") for i in edited} | {(i, "disappeared") for i in deleted} | {(i, "reappeared") for i in restored}
    changed_versions = query(db, "select d.native_id, v.changed_fields from document_versions v join documents d "
                                 "on d.id = v.document_id where v.previous != '{}'")
    assert {r["native_id"] for r in changed_versions} == edited
    title_edits = {str(e["id"]) for e in truth_events if e["action"] == "edit" and "title_suffix" in e["fields"]}
    for r in changed_versions:
        fields = json.loads(r["changed_fields"])
        assert ("title" in fields) == (r["native_id"] in title_edits)
    # New documents published while the clock moved were found too.
    assert archived_by_year_and_category(db) == truth_by_year_and_category(final)
    assert events(db)["first_seen"] == sum(d["first_seen"] for d in final["agencies"]["kaiping-edu"]["catalog"]["by_year"].values())
    # The search index the store kept through every edit is the one a rebuild from the documents makes.
    assert title_edits and index_entries(db) == index_entries(db, rebuilt=tmp_path / "rebuilt.sqlite")


def index_entries(db: Path, rebuilt: Path | None = None) -> set[tuple]:
    """Every (term, document, column, offset) of the archive's search index; with `rebuilt`, of a copy whose
    index was built again from its documents."""
    conn = sqlite3.connect(db)
    if rebuilt is not None:
        copy = sqlite3.connect(rebuilt)
        conn.backup(copy)
        conn.close()
        conn = copy
        with conn:
            search_index.build(conn)
    conn.execute(f"create virtual table temp.entries using fts5vocab(main, {search_index.FTS_TABLE}, instance)")
    entries = set(conn.execute("select term, doc, col, offset from temp.entries"))
    conn.close()
    return entries


def test_list_pages_without_totals_are_paged_to_the_end_with_a_caveat(tmp_path: Path) -> None:
    # Other cities' catalogs leave total/offset out of their list pages (as the real trimmed capture in
    # ../shared/real-pages/gkmlpt does): the crawl pages until a 404 and archives the same documents.
    db = tmp_path / "archive.sqlite"
    with start_simulator(str(small_scenario(tmp_path / "scenario.yaml"))) as sim:  # its window still backfilled
        sim.set_faults([{"kind": "list_without_totals"}])
        result = run_crawl(sim, db)
        truth = sim.truth()
    assert result["status"] == "ok", result["summary"]
    assert archived_by_year_and_category(db) == truth_by_year_and_category(truth)
    runs = query(db, "select * from category_runs where run_id = ?", (result["run_id"],))
    assert runs and all(r["complete"] and r["healthy"] for r in runs)
    assert all(r["api_total"] is None and r["stop_reason"] == "http_404" for r in runs), [dict(r) for r in runs]
    assert all("no total/offset: paged until an empty page or a 404" in r["notes"] for r in runs)
    # without totals the window shows as fewer listed than stated, and the search JSONP still backfills it
    search_only = {str(i) for i in truth["agencies"]["kaiping-edu"]["catalog"]["search_only_ids"]}
    rows = query(db, "select native_id from documents where listing_source = 'search'")
    assert {r["native_id"] for r in rows} >= search_only


def _snapshot(db: Path) -> dict:
    """The catalog's documents, attachments, events and versions as stored (the other channels' rows left out)."""
    docs = query(db, "select native_id, title, category_id, published_at, written_date, status, content_sha256, "
                     "list_fingerprint, item_type, canonical_url, index_no, attachments from documents "
                     "where channel = 'catalog' order by native_id")
    atts = query(db, "select id, document_id, sha256, size, status from attachments "
                     f"where {CATALOG_ROWS} order by id")
    evs = query(db, "select d.native_id, e.event, count(*) n from document_events e join documents d on d.id = e.document_id "
                    "where d.channel = 'catalog' group by 1, 2 order by 1, 2")
    vers = query(db, "select d.native_id, count(*) n from document_versions v join documents d on d.id = v.document_id "
                     "where d.channel = 'catalog' group by 1 order by 1")
    return {"documents": [tuple(r) for r in docs], "attachments": [tuple(r) for r in atts],
            "events": [tuple(r) for r in evs], "versions": [tuple(r) for r in vers]}


def test_killed_crawl_restarted_equals_an_uninterrupted_one(tmp_path: Path, kaiping_crawled: CrawledArchive) -> None:
    import signal
    import sqlite3
    import time

    from .helpers import crawl_cmd

    # The uninterrupted crawl: the session's first-day crawl of the same catalog.
    clean, killed = kaiping_crawled.folder / "archive.sqlite", tmp_path / "killed" / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        proc = subprocess.Popen(crawl_cmd(sim, killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        archived = 0
        while archived < 150:  # wait for a condition: committed documents in the archive
            assert proc.poll() is None, "the crawl finished before it could be killed"
            assert time.monotonic() < deadline, "no documents were committed in time"
            try:
                archived = query(killed, "select count(*) n from documents")[0]["n"] if killed.exists() else 0
            except sqlite3.OperationalError:
                archived = 0
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        partial = query(killed, "select count(*) n from documents")[0]["n"]
        total = query(clean, "select count(*) n from documents where channel = 'catalog'")[0]["n"]
        assert 0 < partial < total
        result = run_crawl(sim, killed)
    assert result["status"] == "ok"
    assert _snapshot(killed) == _snapshot(clean)
    statuses = [r["status"] for r in query(killed, "select status from runs order by started_at")]
    assert statuses == ["interrupted", "ok"]
    xxgk("verify", "--db", str(killed), timeout=300)


def test_blocked_index_fails_the_run_and_changes_nothing(tmp_path: Path, kaiping_crawled: CrawledArchive) -> None:
    db = kaiping_crawled.copy(tmp_path / "archive")  # the first day's crawl
    before = query(db, "select id, status, last_seen_at from documents order by id")
    with start_simulator("kaiping-2024") as sim:
        sim.set_faults([{"kind": "waf", "status": 521, "match": {"path": "/gkmlpt/index"}}])
        result = run_crawl(sim, db, expect=1)
    assert result["status"] == "failed" and "index" in result["summary"]["problem"]
    assert query(db, "select id, status, last_seen_at from documents order by id") == before
    assert query(db, "select count(*) n from captures where outcome = 'blocked' and blocked_reason = 'waf_521'")[0]["n"] == 3


def test_attachment_size_cap_is_recorded_not_fatal(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with start_simulator(str(small_scenario(tmp_path / "scenario.yaml"))) as sim:
        result = run_crawl(sim, db, "-s", "XXGK_ATTACHMENT_MAX_BYTES=4000")
    rows = query(db, "select status, count(*) n from attachments group by 1")
    by = {r["status"]: r["n"] for r in rows}
    assert by.get("too_large", 0) > 0 and by.get("ok", 0) > 0
    assert query(db, "select count(*) n from attachments where status = 'too_large' and sha256 is not null")[0]["n"] == 0
    assert result["status"] == "ok"
