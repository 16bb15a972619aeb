"""The development corpus of 40 real annual reports (../shared/fixtures/annual-reports/dev), scored in
process with the corpus's own matching rule (score.py's functions, imported by path).

Goals: published-claim precision and recall ≥ 0.95, table cells ≥ 0.98, every absent or not-retrieved
table reported missing (never zeros), and every table present in the text returned."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from archive.claims import extract_claims

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "annual-reports" / "dev"

pytestmark = pytest.mark.skipif(not (DEV / "score.py").is_file(), reason="../shared development corpus not present")


def _scorer():
    spec = importlib.util.spec_from_file_location("dev_score", DEV / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _body(name: str) -> str:
    raw = (DEV / name).read_text(encoding="utf-8")
    return raw.split("\n\n", 1)[1] if "\n\n" in raw else raw


@pytest.fixture(scope="module")
def scored() -> dict:
    score = _scorer()
    expected = json.loads((DEV / "expected.json").read_text(encoding="utf-8"))["files"]
    tp = fp = fn = cells_ok = cells_all = absent_ok = absent_all = present_ok = present_all = 0
    misses: list[str] = []
    for name in sorted(expected):
        e = expected[name]
        d = extract_claims(_body(name))
        got = [c for c in d["claims"] if c["kind"] == "published"]
        used: set[int] = set()
        for g in got:
            hit = next((i for i, c in enumerate(e["published"]) if i not in used and score.matches(g, c)), None)
            if hit is None:
                fp += 1
                misses.append(f"{name[:2]} extra {score.show(g)}")
            else:
                used.add(hit)
                tp += not e["published"][hit].get("optional")
        missed = [c for i, c in enumerate(e["published"]) if i not in used and not c.get("optional")]
        fn += len(missed)
        misses += [f"{name[:2]} miss {score.show(c)}" for c in missed]
        for t, state in e["tables_state"].items():
            gt = (d.get("tables") or {}).get(t)
            if state in ("absent", "not_retrieved"):
                absent_all += 1
                absent_ok += gt is None or t in (d.get("missing") or [])
                continue
            present_all += 1
            if gt is None:
                misses.append(f"{name[:2]} {t} present in the text but not returned")
            else:
                present_ok += 1
            et = e["tables"].get(t) or {}
            found: list[str] = []
            if t == "t3":
                pairs = [(vals, ((gt or {}).get("rows") or {}).get(row), f"t3.{row}") for row, vals in
                         (et.get("rows") or {}).items()]
            else:
                pairs = [(v, (gt or {}).get(k), f"{t}.{k}") for k, v in et.items() if k not in score.SKIP_T2]
            for ev, gv, where in pairs:
                o, n = score.cmp_cells(ev, gv, where, found)
                cells_ok += o
                cells_all += n
            misses += [f"{name[:2]} {m}" for m in found]
    return {"P": tp / (tp + fp), "R": tp / (tp + fn), "cells": cells_ok / cells_all, "absent": (absent_ok, absent_all),
            "present": (present_ok, present_all),
            "misses": misses}


def test_published_claims_precision_and_recall(scored):
    assert scored["P"] >= 0.95 and scored["R"] >= 0.95, (scored["P"], scored["R"], scored["misses"])


def test_table_cells(scored):
    assert scored["cells"] >= 0.98, (scored["cells"], scored["misses"])


def test_absent_tables_never_read_as_zeros(scored):
    ok, total = scored["absent"]
    assert ok == total


def test_tables_present_in_the_text_come_back_as_tables(scored):
    """Read or not: a table whose cells cannot be told apart (a copy that glued them) is present with null cells
    and says why, never reported absent from the text."""
    ok, total = scored["present"]
    assert total > 0 and ok == total, [m for m in scored["misses"] if "present" in m]
