from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.http import SimState
from simulator.scenario import load
from simulator.testing import RunningSimulator, start_simulator
from simulator.world import World
from tests.support import KAIPING_FEED, WECHAT_SECRETS, CrawledArchive, built_once, crawl_output


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


@pytest.fixture(scope="session")
def kaiping_crawled(tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    """kaiping-2024's three channels crawled once per test session, on the scenario's first day (WeChat with
    every lister's credentials and the account's feed): the first crawl of every test that needs one of
    that day. Shared read-only: copy it (`.copy(path)`) to change it."""

    def build(folder: Path) -> dict[str, Any]:
        runs: dict[str, dict[str, Any]] = {}
        with start_simulator("kaiping-2024") as sim:
            for channel in ("catalog", "website", "wechat"):
                extra, env = (("-s", f"XXGK_WECHAT_FEEDS={KAIPING_FEED}"), WECHAT_SECRETS) \
                    if channel == "wechat" else ((), {})
                result, stdout, stderr = crawl_output(sim.url, folder / "archive.sqlite", channel, *extra, env=env)
                runs[channel] = {"result": result, "stdout": stdout, "stderr": stderr}
            return {"runs": runs, "truth": sim.truth()}

    folder, data = built_once(tmp_path_factory, "kaiping-2024-crawled", build)
    return CrawledArchive(folder, data["runs"], data["truth"])
