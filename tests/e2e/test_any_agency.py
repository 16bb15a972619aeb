"""End to end, for any agency (issue 11's done criterion): start the simulator with a scenario, discover the
agency into a registry folder of one's own (`xxgk agencies add --gkmlpt … --website … --registry DIR
--simulator …`), check it, crawl every channel it has, reconcile the annual report found in the archive,
render the audit report and serve the archive — touching no file by hand — and every reconciliation row equals
the scenario's ground truth.

kaiping-2024 is discovered under the id its catalog URL gives (jmkpsjyj), so the built-in kaiping-edu.yaml
plays no part, and crawled without read credentials at a quarter of its volumes (tests.support.small_scenario:
the same sites and planted discrepancies; the full volumes are reconciled, with read counts, on the session's
shared crawl in tests/reconcile/test_e2e_kaiping.py); enping-gov-2023 has its catalog and portal at the host
root and no WeChat; jiangmen-health-2024 has a two-level website path and is crawled with read credentials
too."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import launched, start_simulator
from tests.e2e.reconciliation import LISTER_ENV, READ_ENV, assert_rows_equal_truth, feed_setting
from tests.support import XXGK, crawl, small_scenario, xxgk

SERVING = re.compile(r"listening on (http://[\d.]+:\d+)/")

# What a person types: the catalog and site URLs of the scenario's agency, and its WeChat account's name.
CASES = {
    "kaiping-2024": {"gkmlpt": "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index",
                     "website": "http://www.kaiping.gov.cn/kpsjyjzww/", "wechat": "开平教育", "reads": False,
                     "small": True},
    "enping-gov-2023": {"gkmlpt": "http://www.enping.gov.cn/gkmlpt/index", "website": "http://www.enping.gov.cn/",
                        "wechat": None, "reads": False},
    "jiangmen-health-2024": {"gkmlpt": "http://www.jiangmen.gov.cn/jmswjkj/gkmlpt/index",
                             "website": "http://www.jiangmen.gov.cn/bmpd/jmswjkj/", "wechat": "健康江门", "reads": True},
}


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read())


@pytest.mark.parametrize("scenario", list(CASES))
def test_discover_crawl_reconcile_and_serve_equal_the_truth(scenario: str, tmp_path: Path) -> None:
    case = CASES[scenario]
    reg, db = tmp_path / "agencies", tmp_path / "archive.sqlite"
    source = str(small_scenario(tmp_path / "scenario.yaml")) if case.get("small") else scenario
    with start_simulator(source) as sim:
        truth = sim.truth()
        expected = truth["reconciliation"]
        year = expected["year"]
        add = ["agencies", "add", "--gkmlpt", case["gkmlpt"], "--website", case["website"], "--registry", str(reg),
               "--simulator", sim.url, "--json"]
        info = json.loads(xxgk(*add, *(["--wechat-account", case["wechat"]] if case["wechat"] else [])).stdout)
        agency = info["id"]
        assert info["file"] == str(reg / f"{agency}.yaml") and agency != expected["agency"]
        assert not [m for m in info["missing"] if "WeChat" not in m], info["missing"]
        checked = xxgk("agencies", "check", agency, "--registry", str(reg), "--simulator", sim.url)
        assert checked.stdout.rstrip().endswith("no drift"), checked.stdout
        listed = {a["id"]: a for a in json.loads(xxgk("agencies", "--registry", str(reg), "--json").stdout)}
        assert (listed[agency]["name"], listed[agency]["wechat"]) == (truth["agencies"][expected["agency"]]["name"],
                                                                     case["wechat"] or "")
        assert listed[agency]["gkmlpt"] == case["gkmlpt"].removesuffix("index")
        channels = ["catalog", "website"] + (["wechat"] if case["wechat"] else [])
        for channel in channels:
            extra = feed_setting(truth, expected["agency"]) if channel == "wechat" else []
            env = {**LISTER_ENV, **(READ_ENV if case["reads"] else {})} if channel == "wechat" else None
            run = crawl(sim.url, db, channel, *extra, "--registry", str(reg), agency=agency, env=env)
            assert run["status"] == "ok", run
    rec = json.loads(xxgk("reconcile", "--agency", agency, "--year", str(year), "--db", str(db), "--registry",
                          str(reg), "--json").stdout)

    # The claims came from the annual report the crawl archived, in the category discovery found for it.
    conn = sqlite3.connect(db)
    category = conn.execute("select c.name from documents d join categories c on c.id = d.agency || '/catalog/' "
                            "|| d.category_id where d.id = ?", [rec["annual_report_document_id"]]).fetchone()[0]
    assert category == yaml_value(reg / f"{agency}.yaml", "annual_report", "catalog_category")
    assert [r[0] for r in conn.execute("select distinct agency from documents")] == [agency]
    archived = conn.execute("select count(*) from documents where agency = ?", [agency]).fetchone()[0]
    conn.close()
    assert {ch for ch, v in rec["summary"]["channels"].items() if v["crawled"]} == set(channels)
    assert_rows_equal_truth(rec, expected, read_credentials=case["reads"])

    # The audit report and Datasette show this agency, reading the registry from XXGK_REGISTRY as well.
    name = truth["agencies"][expected["agency"]]["name"]
    html = xxgk("report", "--agency", agency, "--year", str(year), "--db", str(db), "--format", "html",
                env={"XXGK_REGISTRY": str(reg)}).stdout
    assert rec["id"] in html and name in html
    with launched([XXGK, "serve", "--db", str(db), "--port", "0"], SERVING, "xxgk serve") as (_, m):
        docs = _get_json(f"{m.group(1)}/archive/documents.json?agency={agency}&_size=0")
        claims = _get_json(f"{m.group(1)}/archive/reconciliation_rows.json?reconciliation_id={rec['id']}&_size=0")
    assert docs["filtered_table_rows_count"] == archived > 0
    assert claims["filtered_table_rows_count"] == len(rec["rows"])


def yaml_value(path: Path, *keys: str) -> Any:
    import yaml

    value: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in keys:
        value = value[key]
    return value
