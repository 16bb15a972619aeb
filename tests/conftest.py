from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from simulator.http import SimState
from simulator.scenario import load
from simulator.testing import RunningSimulator, start_simulator
from simulator.world import World
from tests.support import KAIPING_FEED, WECHAT_SECRETS, CrawledArchive, built_once, crawl_output

# Property tests assert behaviour, never speed: the suite runs beside whole crawls on every core, where a draw
# or an example can stall for seconds, so Hypothesis's timing checks (deadline, too_slow) would fail at random.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# Longest first. `make test` runs xdist's `--dist loadscope --no-loadscope-reorder`, which hands modules out in
# collection order (its default reorder puts the modules with most tests first, leaving the long crawls to the
# end with one worker busy and the other done): the modules that crawl whole scenarios start early and the
# quick unit modules fill the end. Those that crawl without the shared kaiping-2024 archive come first, while
# its build (started in the background, below) runs; within a rank, the usual order.
SLOW_FIRST = ("tests/e2e/test_any_agency.py", "tests/scale/", "tests/e2e/test_city.py", "tests/e2e/test_demo.py",
              "tests/schedule/", "tests/e2e/", "tests/datasette/", "tests/faults/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = Path(str(item.path)).relative_to(config.rootpath).as_posix()
        return next((i for i, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable: the order within a rank is kept


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


def _crawl_kaiping(folder: Path) -> dict[str, Any]:
    runs: dict[str, dict[str, Any]] = {}
    with start_simulator("kaiping-2024") as sim:
        for channel in ("catalog", "website", "wechat"):
            extra, env = (("-s", f"XXGK_WECHAT_FEEDS={KAIPING_FEED}"), WECHAT_SECRETS) \
                if channel == "wechat" else ((), {})
            result, stdout, stderr = crawl_output(sim.url, folder / "archive.sqlite", channel, *extra, env=env)
            runs[channel] = {"result": result, "stdout": stdout, "stderr": stderr}
        return {"runs": runs, "truth": sim.truth()}


def _kaiping_crawled(factory: pytest.TempPathFactory) -> CrawledArchive:
    folder, data = built_once(factory, "kaiping-2024-crawled", _crawl_kaiping)
    return CrawledArchive(folder, data["runs"], data["truth"])


@pytest.fixture(scope="session")
def kaiping_crawled(tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    """kaiping-2024's three channels crawled once per test session, on the scenario's first day (WeChat with
    every lister's credentials and the account's feed): the first crawl of every test that needs one of
    that day. Shared read-only: copy it (`.copy(path)`) to change it."""
    return _kaiping_crawled(tmp_path_factory)


@pytest.fixture(scope="session", autouse=True)
def _kaiping_crawled_head_start(request: pytest.FixtureRequest,
                                tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Starts building kaiping_crawled in the background (one worker only) when the session has a test that
    needs it, so no worker sits idle for the ~40 s of its three crawls: they run in subprocesses and the
    thread only waits on them; a test that needs the archive waits on the build's lock for what is left."""
    needed = any("kaiping_crawled" in getattr(item, "fixturenames", ()) for item in request.session.items)
    if not needed or os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        yield
        return

    def build() -> None:
        with contextlib.suppress(Exception):  # a failed build is made again, and reported, by the fixture
            _kaiping_crawled(tmp_path_factory)

    # The worker's base folder is made here, before the thread: its first getbasetemp() empties the folder
    # (pytest removes a given --basetemp), so one made in the thread could wipe a test's tmp_path meanwhile.
    tmp_path_factory.getbasetemp()
    thread = threading.Thread(target=build, name="kaiping_crawled", daemon=True)
    thread.start()
    yield
    thread.join()  # never leave its crawls or simulator running after the session
