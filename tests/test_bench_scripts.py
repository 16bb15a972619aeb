"""Every benchmark script still starts: its imports resolve and its options parse (`--help`). A bench is run
by hand, rarely; without this a refactoring breaks one silently (bench/search_corpus.py once imported names
the province generator had removed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script", sorted(p.name for p in BENCH.glob("*.py")))
def test_the_bench_script_starts(script: str) -> None:
    out = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True,
                         timeout=120, cwd=BENCH.parent, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage:" in out.stdout
