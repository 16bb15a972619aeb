"""End to end, a whole city (issue 12's done criterion): start the simulator as kaiping-city-2024 (thirteen
agencies on www.kaiping.gov.cn), discover every agency into a registry folder of one's own (`xxgk agencies add
--from-simulator`), crawl the catalogs and the websites of every agency with one `xxgk crawl --agency @FILE`
process per channel (an agency whose catalog is gone failing alone) and each WeChat account, then `xxgk reconcile
--agency all`: every agency's rows equal the scenario's truth, the agency whose 2024 report is not published yet
is listed as `no_report` with the reason (and so is the built-in agency nobody crawled), the exit status says so;
`xxgk report --agency all` writes the table of agencies × claims (HTML, CSV with a BOM, JSON), and Datasette's
/-/xxgk/agencies renders it and re-sorts it in a real browser."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archive.i18n import translator
from simulator.testing import launched, start_simulator
from tests.e2e.reconciliation import LISTER_ENV, assert_rows_equal_truth, feed_setting
from tests.support import XXGK, crawl, xxgk

YEAR = "2024"
SERVING = re.compile(r"listening on (http://[\d.]+:\d+)/")
OUT = Path(__file__).resolve().parents[2] / "test-output" / "city"


@dataclass
class City:
    reg: Path
    db: Path
    truth: dict[str, Any]
    ids: dict[str, str]  # registry id (as discovered) → the scenario's agency id
    reconciled: dict[str, Any]  # `xxgk reconcile --agency all --json`
    exit_status: int
    stderr: str


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    root = tmp_path_factory.mktemp("city")
    reg, db = root / "agencies", root / "archive.sqlite"
    with start_simulator("kaiping-city-2024") as sim:
        truth = sim.truth()
        added = json.loads(xxgk("agencies", "add", "--from-simulator", sim.url, "--registry", str(reg),
                                "--json").stdout)
        ids = {a["id"]: a["simulated_id"] for a in added}
        listed = {a["id"]: a for a in json.loads(xxgk("agencies", "--registry", str(reg), "--json").stdout)}
        # The catalog and the website: one process each for every agency of the city (`--agency @FILE`), one
        # after another, one run each; beside them an agency whose catalog answers 404, which fails alone.
        extra = root / "extra"
        extra.mkdir()
        (extra / "gone.yaml").write_text((reg / "jmkpsczj.yaml").read_text(encoding="utf-8").replace(
            "id: jmkpsczj", "id: gone").replace("/jmkpsczj/gkmlpt/", "/jmkpsgone/gkmlpt/"), encoding="utf-8")
        listing = root / "crawl.txt"
        listing.write_text("\n".join([*list(ids)[:2], "gone", *list(ids)[2:]]) + "\n", encoding="utf-8")
        for channel in ("catalog", "website"):
            out = xxgk("crawl", "--agency", f"@{listing}", "--channel", channel, "--simulator", sim.url, "--db",
                       str(db), "--registry", str(reg), "--registry", str(extra), "--json", "--log-level",
                       "WARNING", expect=None)
            runs = {r["agency"]: r for r in json.loads(out.stdout)["agencies"]}
            assert list(runs) == [*list(ids)[:2], "gone", *list(ids)[2:]]
            has = {a for a in ids if listed[a]["gkmlpt" if channel == "catalog" else channel]}
            assert {a for a, r in runs.items() if r["status"] == "ok"} == has, (channel, runs)
            if channel == "catalog":  # the 404 catalog fails its run; the next agencies crawl all the same
                assert runs["gone"]["status"] == "failed" and runs["gone"]["run_id"]
            else:  # named, but no website configured: failed without a run
                assert {a for a, r in runs.items() if r["status"] == "failed" and r["run_id"] is None} == (
                    set(ids) - has) | {"gone"}
            assert out.returncode == 1
        for agency, simulated in ids.items():
            if listed[agency]["wechat"]:
                run = crawl(sim.url, db, "wechat", *feed_setting(truth, simulated), "--registry", str(reg),
                            agency=agency, env=LISTER_ENV)
                assert run["status"] == "ok", (agency, "wechat", run)
    out = xxgk("reconcile", "--agency", "all", "--year", YEAR, "--db", str(db), "--registry", str(reg), "--json",
               expect=None)
    yield City(reg, db, truth, ids, json.loads(out.stdout), out.returncode, out.stderr)


def test_every_agency_of_the_city_reconciled_equals_the_truth(city: City) -> None:
    expected = city.truth["reconciliations"]
    assert sorted(city.ids.values()) == sorted(expected) and len(expected) >= 12
    audit = {a["agency"]: a for a in city.reconciled["audit"]["agencies"]}
    # `all` is the whole registry: the city's folder and the built-in agency, which nobody crawled here.
    assert set(audit) == {*city.ids, "kaiping-edu"}
    assert audit["kaiping-edu"]["status"] == "no_report" and "nothing of kaiping-edu is archived" in \
        audit["kaiping-edu"]["reason"]
    for agency, simulated in city.ids.items():
        want = expected[simulated]
        assert audit[agency]["status"] == want["status"], (agency, audit[agency])
        if want["status"] == "no_report":
            assert audit[agency]["reason"].startswith(f"no {YEAR} annual report among the")
            assert agency not in city.reconciled["reconciliations"]
            continue
        rec = city.reconciled["reconciliations"][agency]
        assert rec["agency"] == agency and rec["annual_report_document_id"].startswith(f"{agency}/")
        assert_rows_equal_truth(rec, want)
    # Not every agency could be reconciled: exit 1, one line each on stderr.
    assert city.exit_status == 1
    assert {line.split(":")[1].strip() for line in city.stderr.splitlines()} == {"jmkpsgaj", "kaiping-edu"}


def test_the_audit_report_across_agencies(city: City) -> None:
    ids = ",".join(city.ids)  # the city's agencies only, by a list
    listing = city.reg.parent / "city.txt"
    listing.write_text("# the city's agencies\n" + "\n".join(city.ids) + "\n", encoding="utf-8")
    base = ["report", "--agency", ids, "--year", YEAR, "--db", str(city.db), "--registry", str(city.reg)]
    data = json.loads(xxgk(*base, "--format", "json", expect=1).stdout)
    rows = {r["agency"]: r for r in data["agencies"]}
    assert list(rows) == [r["agency"] for r in data["agencies"]] and set(rows) == set(city.ids)
    expected = city.truth["reconciliations"]
    for agency, r in rows.items():
        want = expected[city.ids[agency]]
        assert r["status"] == want["status"]
        if r["status"] == "reconciled":  # the report took the reconciliation stored by `reconcile --agency all`
            assert r["reconciliation_id"] == city.reconciled["reconciliations"][agency]["id"]
            off = [x for x in want["rows"] if x["status"] in ("fewer_found", "more_found")]
            assert r["discrepancy"] == max((abs(x["delta"]) for x in off), default=0)
            assert r["statuses"] == {s: sum(1 for x in want["rows"] if x["status"] == s)
                                     for s in ("match", "fewer_found", "more_found", "unverifiable")}
    # Sorted by the largest discrepancy, the agency without a report last.
    order = [r["agency"] for r in data["agencies"]]
    assert order[0] == "jmkpsjtysj" and order[-1] == "jmkpsgaj"
    sizes = [r["discrepancy"] for r in data["agencies"][:-1]]
    assert sizes == sorted(sizes, reverse=True)

    # CSV: UTF-8 with a byte-order mark, one line per agency and claim; @FILE names the same agencies.
    raw = xxgk(*base[:2], f"@{listing}", *base[3:], "--format", "csv", "--sort", "agency", expect=1).stdout
    assert raw.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(raw[1:])))
    assert sorted({x["agency"] for x in lines}) == [x["agency"] for x in lines if x["claim_index"] in ("0", "")]
    assert len(lines) == sum(max(1, len(expected[s]["rows"])) for s in city.ids.values())
    police = [x for x in lines if x["agency"] == "jmkpsgaj"]
    assert len(police) == 1 and police[0]["agency_status"] == "no_report" and police[0]["reason"]

    # HTML: one self-contained file, no script, each agency's claims under an anchor the table links to.
    OUT.mkdir(parents=True, exist_ok=True)
    page = OUT / "agencies-2024.html"
    xxgk(*base, "--format", "html", "--out", str(page), expect=1)
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html
    for agency in city.ids:
        assert f'href="#agency-{agency}"' in html and f'id="agency-{agency}"' in html
    assert "开平市公安局" in html and translator("zh")("agencies.status.no_report") in html  # Chinese by default
    english = xxgk(*base, "--format", "md", "--lang", "en", expect=1).stdout
    assert english.startswith("# Annual reports across agencies · 2024") and "| no report: " in english

    # Only reconciled agencies: exit 0, and --fail-on sees every agency's rows.
    done = ",".join(a for a in city.ids if a != "jmkpsgaj")
    xxgk("report", "--agency", done, "--year", YEAR, "--db", str(city.db), "--registry", str(city.reg),
         "--format", "json")
    fail_on = xxgk("report", "--agency", done, "--year", YEAR, "--db", str(city.db), "--registry", str(city.reg),
                   "--format", "csv", "--fail-on", "more_found", expect=4)
    assert "of 2 agencies with status more_found" in fail_on.stderr


def test_the_cross_agency_page_renders_and_sorts_in_a_browser(city: City, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.datasette.test_browser import ARGS, CHROMIUM

    assert Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM} (make test installs it)"
    OUT.mkdir(parents=True, exist_ok=True)
    # Every agency asked for and every archived one: the gone catalog's agency has a run, and no reconciliation.
    names = {**{a["agency"]: a["name"] for a in city.reconciled["audit"]["agencies"]}, "gone": "gone"}
    with launched([XXGK, "serve", "--db", str(city.db), "--port", "0"], SERVING, "xxgk serve") as (_, m), \
            sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                        headless=True, args=ARGS, locale="zh-CN",
                                                        viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(20_000)
        page.goto(m.group(1) + "/")
        page.get_by_role("link", name=translator("zh")("nav.agencies"), exact=True).first.click()  # the home page is Chinese
        page.wait_for_url(re.compile(r"/-/xxgk/agencies"))
        tr = translator("zh")
        expect(page.locator("h1")).to_contain_text(tr("agencies.h1", year=2024))
        table = page.locator("table.agencies tbody tr")
        expect(table).to_have_count(len(names))
        page.screenshot(path=str(OUT / "agencies.png"), full_page=True)

        def shown() -> list[str]:
            return [re.sub(r"^row-", "", x) for x in table.evaluate_all("rows => rows.map(r => r.id)")]

        first = shown()
        assert first[0] == "jmkpsjtysj"  # the largest discrepancy first
        expect(page.locator("#row-jmkpsgaj")).to_contain_text(tr("agencies.status.no_report"))
        # Sort by agency (A to Z), then click again (Z to A): links that re-sort on the server.
        page.get_by_role("link", name=tr("agencies.col.agency"), exact=True).click()
        page.wait_for_url(re.compile(r"sort=agency"))
        assert shown() == sorted(names)
        page.get_by_role("link", name=f'{tr("agencies.col.agency")} ↑').click()
        page.wait_for_url(re.compile(r"sort=agency&desc=1"))
        assert shown() == sorted(names, reverse=True)
        # Sort by claims found fewer than claimed, most first; agencies without a reconciliation last.
        page.get_by_role("link", name=tr("agencies.col.fewer_found")).click()
        page.wait_for_url(re.compile(r"sort=fewer_found"))
        fewer = [int(x) for x in page.locator("table.agencies tbody td.n.s-fewer_found").all_inner_texts()]
        assert fewer == sorted(fewer, reverse=True) and fewer[0] == 2
        assert set(shown()[-3:]) == {"jmkpsgaj", "kaiping-edu", "gone"}
        expect(page.locator("#row-gone")).to_contain_text(tr("agencies.status.not_reconciled"))
        # In English on request, keeping the order asked for.
        page.get_by_role("link", name=tr("nav.language")).click()
        page.wait_for_url(re.compile(r"sort=fewer_found.*_lang=en"))
        expect(page.locator("h1")).to_contain_text("Agencies × claims · 2024")
        expect(page.locator("#row-gone")).to_contain_text("not reconciled")
        assert "▼ fewer ↓" in page.locator("table.agencies thead").inner_text()
        page.screenshot(path=str(OUT / "agencies-by-fewer.png"), full_page=True)
        # An agency links to its reconciliation on the dashboard.
        page.locator("#row-jmkpsjyj a").first.click()
        page.wait_for_url(re.compile(r"/-/xxgk/dashboard\?id=rec-"))
        expect(page.locator("table.xxgk")).to_contain_text("部门文件及公示公告")
        # The CSV export.
        page.go_back()
        with page.expect_download() as info:
            page.locator("a.xxgk-csv").click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith("\ufeff".encode()) and "开平市公安局".encode() in data
        browser.close()
    assert errors == [], errors


def test_every_channel_of_a_list_of_agencies_one_process_each(tmp_path: Path) -> None:
    """`--channel all` with several agencies: one process per channel, each crawling the agencies that have the
    channel; the finance bureau has a catalog only, the human-resources bureau a catalog and a website."""
    import sqlite3

    reg, db = tmp_path / "agencies", tmp_path / "archive.sqlite"
    with start_simulator("kaiping-city-2024") as sim:
        xxgk("agencies", "add", "--from-simulator", sim.url, "--registry", str(reg))
        out = xxgk("crawl", "--agency", "jmkpsczj,jmkpsrsj", "--channel", "all", "--simulator", sim.url, "--db",
                   str(db), "--registry", str(reg), "--json", "--log-level", "WARNING")
    by_channel = {}
    for text in re.findall(r"^\{.*?^\}", out.stdout, re.M | re.S):  # one JSON document per channel
        result = json.loads(text)
        by_channel[result["channel"]] = {r["agency"]: r["status"] for r in result["agencies"]}
    assert by_channel == {"catalog": {"jmkpsczj": "ok", "jmkpsrsj": "ok"}, "website": {"jmkpsrsj": "ok"}}
    with sqlite3.connect(db) as conn:
        runs = sorted(conn.execute("select agency, channel, status from runs"))
    assert runs == [("jmkpsczj", "catalog", "ok"), ("jmkpsrsj", "catalog", "ok"), ("jmkpsrsj", "website", "ok")]
