"""End to end: `xxgk agencies add` discovers kaiping-2024's agency from the simulator into a registry folder
outside the package (under another id, so the built-in kaiping-edu.yaml is never used), `agencies check`
finds no drift, the crawls and the reconciliation run from that file, and the reconciliation equals the
scenario's ground truth; then drift and the command's refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml

from simulator.testing import start_simulator
from tests.support import crawl, xxgk

ID, YEAR = "jmkpsjyj", 2024  # the id `add` derives from the catalog's URL
INDEX = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index"


def test_an_agency_added_by_discovery_crawls_and_reconciles_to_the_truth(tmp_path: Path) -> None:
    reg, db = tmp_path / "my-agencies", tmp_path / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        out = xxgk("agencies", "add", "--gkmlpt", INDEX, "--wechat-account", "开平教育", "--registry", str(reg),
                   "--simulator", sim.url, "--json")
        info = json.loads(out.stdout)
        assert info["file"] == str(reg / f"{ID}.yaml") and info["missing"] == []
        assert any(g.startswith("website http://www.kaiping.gov.cn/kpsjyjzww/ (from the annual report twin")
                   for g in info["guessed"])
        listed = {a["id"]: a for a in json.loads(xxgk("agencies", "--registry", str(reg), "--json").stdout)}
        assert listed[ID]["file"] == f"agency file {reg / f'{ID}.yaml'}" and "kaiping-edu" in listed
        checked = xxgk("agencies", "check", ID, "--registry", str(reg), "--simulator", sim.url)
        assert checked.stdout.rstrip().endswith("no drift") and "DRIFT" not in checked.stdout
        for channel in ("catalog", "website"):
            run = crawl(sim.url, db, channel, "--registry", str(reg), agency=ID)
            assert run["status"] == "ok", run
        truth = sim.truth()["reconciliation"]
    rec = json.loads(xxgk("reconcile", "--agency", ID, "--year", str(YEAR), "--db", str(db), "--registry", str(reg),
                          "--json").stdout)
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("select distinct agency from documents")] == [ID]
    assert conn.execute("select count(*) from documents where agency = 'kaiping-edu'").fetchone()[0] == 0
    conn.close()
    # the annual report was found through the discovered category, and every catalog and website row is the truth
    assert rec["summary"]["annual_report"]["channel"] == "catalog"
    expected = {(t["channel"], t["category"]): t for t in truth["rows"] if t["channel"] in ("catalog", "website")}
    mine = {(r["channel"], r["category"]): r for r in rec["rows"] if r["kind"] == "published"
            and r["channel"] in ("catalog", "website")}
    assert set(mine) == set(expected)
    for key, r in mine.items():
        t = expected[key]
        assert (r["status"], r["delta"], r["observed"]) == (t["status"], t["delta"], t["observed"]), (key, r["caveats"])
        if r["channel"] == "catalog":
            assert r["observed_live"] == t["observed_live"], key
    assert all(r["status"] == "unverifiable" for r in rec["rows"] if r["channel"] == "wechat")  # not crawled
    # the audit report reads the registry from XXGK_REGISTRY just as well
    html = xxgk("report", "--agency", ID, "--year", str(YEAR), "--db", str(db), "--format", "html",
                env={"XXGK_REGISTRY": str(reg)}).stdout
    assert rec["id"] in html and "开平市教育局" in html


def test_check_names_drift_and_add_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    reg = tmp_path / "agencies"
    with start_simulator("kaiping-2024") as sim:
        # no folder to write to: refused before anything is fetched
        out = xxgk("agencies", "add", "--gkmlpt", INDEX, "--simulator", sim.url, expect=2, env={"XXGK_REGISTRY": ""})
        assert "give --registry DIR" in out.stderr
        # a catalog that is not there: one line, nothing written
        out = xxgk("agencies", "add", "--gkmlpt", "http://www.kaiping.gov.cn/nosuch/gkmlpt/", "--registry", str(reg),
                   "--simulator", sim.url, expect=1)
        assert out.stderr.strip().endswith("/nosuch/gkmlpt/index: HTTP 404") and not list(reg.glob("*.yaml"))
        xxgk("agencies", "add", "--gkmlpt", INDEX, "--website", "http://www.kaiping.gov.cn/kpsjyjzww/", "--id",
             "kp", "--registry", str(reg), "--simulator", sim.url)
        out = xxgk("agencies", "add", "--gkmlpt", INDEX, "--id", "kp", "--registry", str(reg), expect=2)
        assert "exists; give --force" in out.stderr
        # drift: the file's SID and a category name are no longer what the index says
        path = reg / "kp.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["gkmlpt"]["sid"] = "750001"
        data["gkmlpt"]["categories"][0]["name"] = "公开指南"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = xxgk("agencies", "check", "kp", "--registry", str(reg), "--simulator", sim.url, "--json", expect=1)
    report = json.loads(out.stdout)
    drift = {(x["what"], x["text"]) for x in report["lines"] if x["status"] == "drift"}
    assert drift == {("sid", "SID changed: the file says 750001, the index says 750118"),
                     ("tree", "renamed: 公开指南 → 政府信息公开指南 (1801)")}
    assert not report["ok"]
