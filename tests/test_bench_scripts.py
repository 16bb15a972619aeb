"""Every benchmark script still starts: its imports resolve and its options parse (`--help`). A bench is run
by hand, rarely; without this a refactoring breaks one silently (bench/search_corpus.py once imported names
the province generator had removed)."""

from __future__ import annotations

import importlib.util
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


def _load(script: str):
    spec = importlib.util.spec_from_file_location(script.removesuffix(".py"), BENCH / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_component_timer_counts_a_nested_call_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`own` CPU leaves out what a component spent inside another listed one, so the column adds up to the
    inclusive time of the outermost; a name the checkout lacks is reported absent (calls null), not zero calls."""
    (tmp_path / "bench_nested_mod.py").write_text(
        "def spin(n):\n    x = 0\n    for i in range(n):\n        x += i\n    return x\n\n"
        "class Outer:\n    def run(self, n):\n        return spin(n) + spin(n)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    timer = _load("crawl_components.py").Timer()
    timer.wrap("outer", "bench_nested_mod:Outer.run")
    timer.wrap("inner", "bench_nested_mod:spin")
    timer.wrap("gone", "bench_nested_mod:Missing.method")
    import bench_nested_mod

    assert bench_nested_mod.Outer().run(300_000) == 2 * sum(range(300_000))
    outer, inner, gone = timer.report()["components"]
    assert [c["component"] for c in (outer, inner, gone)] == ["outer", "inner", "gone"]
    assert (outer["calls"], inner["calls"], gone["calls"]) == (1, 2, None)
    assert inner["inclusive_s"] > 0 and inner["self_s"] == inner["inclusive_s"]
    assert outer["inclusive_s"] >= inner["inclusive_s"]
    assert outer["self_s"] == pytest.approx(outer["inclusive_s"] - inner["inclusive_s"])
    assert outer["self_s"] < inner["inclusive_s"]  # the loops are the inner's, not counted twice
