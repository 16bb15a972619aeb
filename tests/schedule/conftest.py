from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.testing import RunningSimulator, start_simulator

from .helpers import SMALL


@pytest.fixture
def small_simulator() -> Iterator[RunningSimulator]:
    """A simulator serving one small catalog (about 60 documents) as kaiping-edu; clock and faults are the test's."""
    with start_simulator(SMALL) as sim:
        yield sim
