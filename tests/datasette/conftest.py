"""One archive for every Datasette test: a REAL crawl of the simulator (catalog, website, WeChat),
a nightly re-crawl of the catalog after the clock moved (so documents changed and disappeared), and
the reconciliation of the 2024 annual report. Built once per session from the session's shared crawl
(tests/conftest.py), read-only afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import start_simulator
from tests.support import CrawledArchive, built_once, crawl, xxgk

AGENCY, YEAR = "kaiping-edu", 2024


@dataclass
class Archive:
    db: Path
    warc_dir: Path
    truth: dict[str, Any]
    runs: dict[str, dict[str, Any]]  # "catalog", "website", "wechat", "catalog-2": the crawl summaries


@pytest.fixture(scope="session")
def crawled(kaiping_crawled: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """The session's kaiping-2024 crawl of its first day, then the catalog again on 2025-04-03 (two titles
    edited, an attachment added, one document deleted), and the 2024 report reconciled."""

    def build(folder: Path) -> dict[str, Any]:
        db = kaiping_crawled.copy(folder)
        runs = {channel: run["result"] for channel, run in kaiping_crawled.runs.items()}
        with start_simulator("kaiping-2024", today="2025-04-03") as sim:
            runs["catalog-2"] = crawl(sim.url, db, "catalog")
            truth = sim.truth()
        xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db))
        return {"runs": runs, "truth": truth}

    folder, data = built_once(tmp_path_factory, "datasette-archive", build)
    return Archive(folder / "archive.sqlite", folder / "warc", data["truth"], data["runs"])
