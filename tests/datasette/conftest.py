"""One archive for every Datasette test: a REAL crawl of the simulator (catalog, website, WeChat),
a nightly re-crawl of the catalog after the clock moved (so documents changed and disappeared), and
the reconciliation of the 2024 annual report. Built once per session, read-only afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import start_simulator
from tests.support import crawl, xxgk

AGENCY, YEAR = "kaiping-edu", 2024
WECHAT_ENV = {"WECHAT_MP_COOKIE": "slave_sid=abcdef123456; bizuin=3911122233", "WECHAT_MP_TOKEN": "77889900"}


@dataclass
class Archive:
    db: Path
    warc_dir: Path
    truth: dict[str, Any]
    runs: dict[str, dict[str, Any]]  # "catalog", "website", "wechat", "catalog-2": the crawl summaries


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("datasette-archive")
    db = root / "archive.sqlite"
    runs: dict[str, dict[str, Any]] = {}
    with start_simulator("kaiping-2024") as sim:
        runs["catalog"] = crawl(sim.url, db, "catalog")
        runs["website"] = crawl(sim.url, db, "website")
        runs["wechat"] = crawl(sim.url, db, "wechat", env=WECHAT_ENV)
        sim.set_today("2025-04-03")  # two titles edited, an attachment added, one document deleted
        runs["catalog-2"] = crawl(sim.url, db, "catalog")
        truth = sim.truth()
    xxgk("reconcile", "--agency", AGENCY, "--year", str(YEAR), "--db", str(db))
    yield Archive(db, root / "warc", truth, runs)
