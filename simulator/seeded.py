"""Values drawn from the scenario seed and a path of names: the same on every run and every machine."""

from __future__ import annotations

import hashlib
import random
from typing import Any


def rng_for(seed: Any, *parts: Any) -> random.Random:
    """A generator seeded by the scenario seed and a path of names (stable across runs)."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def hexdigest(seed: Any, *parts: Any, n: int = 32) -> str:
    return hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).hexdigest()[:n]
