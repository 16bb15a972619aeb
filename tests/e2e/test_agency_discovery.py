"""End to end: `xxgk agencies add` discovers kaiping-2024's agency from the simulator into a registry folder
outside the package (under another id, so the built-in kaiping-edu.yaml is never used), guessing the website
from an annual report's twin; then drift and the command's refusals. (Discover → crawl → reconcile → serve
for kaiping-2024 and the other scenarios: test_any_agency.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from simulator.testing import start_simulator
from tests.support import xxgk

ID = "jmkpsjyj"  # the id `add` derives from the catalog's URL
INDEX = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index"


def test_discovery_guesses_the_website_from_an_annual_report_twin(tmp_path: Path) -> None:
    reg = tmp_path / "my-agencies"
    with start_simulator("kaiping-2024") as sim:
        out = xxgk("agencies", "add", "--gkmlpt", INDEX, "--wechat-account", "开平教育", "--registry", str(reg),
                   "--simulator", sim.url, "--json")
    info = json.loads(out.stdout)
    assert info["file"] == str(reg / f"{ID}.yaml") and info["missing"] == []
    assert any(g.startswith("website http://www.kaiping.gov.cn/kpsjyjzww/ (from the annual report twin")
               for g in info["guessed"])
    data = yaml.safe_load((reg / f"{ID}.yaml").read_text(encoding="utf-8"))
    assert data["website"]["base"] == "http://www.kaiping.gov.cn/kpsjyjzww/"
    assert data["annual_report"] == {"catalog_category": "政府信息公开年报", "website_column": "zwgk/tzgg"}
    listed = {a["id"]: a for a in json.loads(xxgk("agencies", "--registry", str(reg), "--json").stdout)}
    assert listed[ID]["file"] == f"agency file {reg / f'{ID}.yaml'}" and "kaiping-edu" in listed


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
