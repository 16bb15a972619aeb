"""`xxgk demo --scenario NAME`: the whole product for another agency than Kaiping, from one command — the agency
discovered into the demo's own registry folder, its channels crawled, its report year reconciled and reported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from simulator.scenario import builtin_names
from tests.support import xxgk


def test_demo_of_another_scenario_discovers_crawls_and_reports(tmp_path: Path) -> None:
    import re
    import socket

    folder = tmp_path / "demo"
    with socket.socket() as busy:  # the port asked for is taken: the demo picks another and says which
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out = xxgk("demo", "--scenario", "enping-gov-2023", "--dir", str(folder), "--no-serve", "--port", str(port),
                   env={"XXGK_REGISTRY": str(tmp_path / "not-a-folder")})  # the demo ignores the user's folders
    used = re.search(rf"port {port} is in use; the demo will serve on port (\d+) instead", out.stdout)
    assert used and int(used.group(1)) != port, out.stdout[:2000]
    registry = yaml.safe_load((folder / "agencies" / "enping-gov.yaml").read_text(encoding="utf-8"))
    assert registry["gkmlpt"]["base"] == "http://www.enping.gov.cn/gkmlpt/" and "wechat" not in registry
    report = folder / "report-enping-gov-2023.html"
    html = report.read_text(encoding="utf-8")
    assert "恩平市人民政府办公室" in html
    assert f'href="http://127.0.0.1:{used.group(1)}/-/xxgk/replay/' in html  # the links lead to the demo's server
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
