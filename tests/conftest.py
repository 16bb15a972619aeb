from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from simulator.http import SimState
from simulator.scenario import load
from simulator.testing import RunningSimulator, start_simulator
from simulator.world import World
from tests.support import KAIPING_FEED, WECHAT_SECRETS, CrawledArchive, crawl_output


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """A fresh kaiping-2024 simulator on a free loopback port (clock and faults are the test's own)."""
    with start_simulator("kaiping-2024") as sim:
        yield sim


@pytest.fixture(scope="session")
def shared_simulator() -> Iterator[RunningSimulator]:
    """One kaiping-2024 simulator for read-only tests: do not move its clock or switch faults."""
    with start_simulator("kaiping-2024") as sim:
        yield sim


@pytest.fixture(scope="session")
def world() -> World:
    """The kaiping-2024 world (read-only: tests change time through a SimState, never the world)."""
    return World(load("kaiping-2024"))


@pytest.fixture
def state(world: World) -> SimState:
    """A fresh simulator state (clock, faults, counters) over the shared world."""
    return SimState(world)


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this session sees (one session's own folder without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def kaiping_crawled(tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    """kaiping-2024's three channels crawled once per test session, on the scenario's first day (WeChat with
    every lister's credentials and the account's feed): the first crawl of every test that needs one of
    that day and changes nothing. Copy it (`.copy(path)`) to change it. Built once across xdist workers."""
    shared = _shared_dir(tmp_path_factory)
    folder, record = shared / "kaiping-2024-crawled", shared / "kaiping-2024-crawled.json"
    with FileLock(str(shared / "kaiping-2024-crawled.lock")):
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that died half-way left no record
            runs: dict[str, dict[str, Any]] = {}
            with start_simulator("kaiping-2024") as sim:
                for channel in ("catalog", "website", "wechat"):
                    extra, env = (("-s", f"XXGK_WECHAT_FEEDS={KAIPING_FEED}"), WECHAT_SECRETS) \
                        if channel == "wechat" else ((), {})
                    result, stdout, stderr = crawl_output(sim.url, folder / "archive.sqlite", channel, *extra, env=env)
                    runs[channel] = {"result": result, "stdout": stdout, "stderr": stderr}
                truth = sim.truth()
            record.write_text(json.dumps({"runs": runs, "truth": truth}, ensure_ascii=False), encoding="utf-8")
    data = json.loads(record.read_text(encoding="utf-8"))
    return CrawledArchive(folder, data["runs"], data["truth"])
