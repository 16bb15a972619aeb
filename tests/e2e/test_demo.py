"""`xxgk demo --scenario NAME`: the whole product for another agency than Kaiping, from one command — the agency
discovered into the demo's own registry folder, its channels crawled, its report year reconciled and reported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from simulator.scenario import builtin_names
from tests.support import xxgk


def test_demo_of_another_scenario_discovers_crawls_and_reports(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    out = xxgk("demo", "--scenario", "enping-gov-2023", "--dir", str(folder), "--no-serve",
               env={"XXGK_REGISTRY": str(tmp_path / "not-a-folder")})  # the demo ignores the user's folders
    registry = yaml.safe_load((folder / "agencies" / "enping-gov.yaml").read_text(encoding="utf-8"))
    assert registry["gkmlpt"]["base"] == "http://www.enping.gov.cn/gkmlpt/" and "wechat" not in registry
    report = folder / "report-enping-gov-2023.html"
    assert "恩平市人民政府办公室" in report.read_text(encoding="utf-8")
    conn = sqlite3.connect(folder / "archive.sqlite")
    channels = {r[0] for r in conn.execute("select distinct channel from runs where agency = 'enping-gov'")}
    years = [r[0] for r in conn.execute("select year from reconciliations where agency = 'enping-gov'")]
    conn.close()
    assert channels == {"catalog", "website"} and years == [2023]
    assert "Crawling the wechat channel" not in out.stdout


def test_simulate_help_names_every_built_in_scenario() -> None:
    text = xxgk("simulate", "--help").stdout
    assert all(name in text for name in builtin_names())
    assert "--scenario" in xxgk("demo", "--help").stdout
