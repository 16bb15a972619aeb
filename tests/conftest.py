from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.http import SimState
from simulator.scenario import load
from simulator.testing import RunningSimulator, start_simulator
from simulator.world import World


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
