"""Round trip: every wording, script, digit style and table layout of the simulator's annual report
extracts back to the claims and tables of its spec (the spec's `readback`, written by the generator
independently of the extractor)."""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from typing import Any

import pytest

from archive.claims import extract_claims
from simulator import report_wording
from simulator.report import report_body_html, report_spec, report_text
from simulator.scenario import load
from simulator.world import World

TABLE_VALUES = {
    "t2": {"normative_documents": [2, 1, 15], "licensing": 3, "punishment": 4, "fees": 0.35},
    "t3": {"newReceived": [2, 1, 0, 0, 0, 0, 3], "granted": [1, 1, 0, 0, 0, 0, 2], "unable.notHeld": [1, 0, 0, 0, 0, 0, 1],
           "totalProcessed": [2, 1, 0, 0, 0, 0, 3]},
    "t4": {"review": [1, 0, 0, 0, 1]},
}


def _kaiping() -> World:
    return World(load("kaiping-2024"))


def _other() -> World:
    """Another agency, with approximate and bounded counts, Weibo, an app and website columns."""
    scenario = load("kaiping-2024")
    scenario["agencies"][0]["name"] = "鹤山市审计局"
    scenario["agencies"][0]["wechat"]["name"] = "鹤山审计"
    scenario["annual_report"]["claims"] = {
        "catalog": {"组织机构": 2, "部门文件": 6, "工作动态": 35, "部门预决算": 4},
        "website": "约4800", "wechat": "超300", "weibo": "120余", "apps": {"看鹤山": 41}, "wechat_reads": "约48万",
        "website_columns": {"通知公告": 30}, "key_areas": {"政策文件": "20余", "财政信息": 7}, "applications": 3,
    }
    scenario["annual_report"]["tables"] = copy.deepcopy(TABLE_VALUES)
    return World(scenario)


WORLDS = {"kaiping": _kaiping(), "other": _other()}
# every style × script × table layout; the digit styles rotate through them
CASES = [
    (world, style, script, tables, report_wording.DIGITS[i % len(report_wording.DIGITS)])
    for i, (world, style, script, tables) in enumerate(
        itertools.product(WORLDS, report_wording.STYLES, report_wording.SCRIPTS, report_wording.TABLES)
    )
]


def _render(world_key: str, wording: dict[str, str]) -> tuple[dict[str, Any], str, str]:
    base = WORLDS[world_key]
    world = copy.copy(base)
    world.scenario = copy.deepcopy(base.scenario)
    world.scenario["annual_report"]["wording"] = wording
    agency = world.agency_by_id["kaiping-edu"]
    return report_spec(world, agency, 2024), report_text(world, agency, 2024), report_body_html(world, agency, 2024)


def _key(c: dict) -> tuple:
    return c["kind"], c["channel"], c["category"], c["value"], c["bound"]


@pytest.mark.parametrize(("world", "style", "script", "tables", "digits"), CASES,
                         ids=["-".join(c) for c in CASES])
def test_simulated_report_reads_back(world, style, script, tables, digits):
    wording = {"style": style, "script": script, "tables": tables, "digits": digits}
    spec, text, html = _render(world, wording)
    assert spec["wording"] == wording
    result = extract_claims(text, html if tables == "html" else None)
    got = [c for c in result["claims"] if c["kind"] in ("published", "applications", "reads")]
    assert Counter(map(_key, got)) == Counter(map(_key, spec["readback"]))
    # the tree: each part points at the claim its spec entry points at
    want_parent = {_key(c): None if c["part_of"] is None else _key(spec["readback"][c["part_of"]])
                   for c in spec["readback"]}
    for c in got:
        parent = None if c.get("part_of") is None else _key(result["claims"][c["part_of"]])
        assert parent == want_parent[_key(c)], c
    # quotes and offsets index the rendered text
    for c in got:
        assert text[c["quote_start"] : c["quote_end"]] == c["quote"]
        assert c["number"] in text[c["start"] : c["end"]]
    # the tables: read as rendered, or reported missing (never zeros) when they were dropped
    if tables == "missing":
        assert result["missing"] == ["t2", "t3", "t4"] and result["tables"] == {"t2": None, "t3": None, "t4": None}
        return
    assert result["missing"] == []
    t3 = result["tables"]["t3"]["rows"]
    assert {k: v for k, v in t3.items() if v is not None} == spec["tables"]["t3"]
    assert {g: result["tables"]["t4"][g] for g in spec["tables"]["t4"]} == spec["tables"]["t4"]
    t2 = result["tables"]["t2"]
    for key in ("regulations", "normative_documents"):
        assert t2[key] == spec["tables"]["t2"][key]
    for key in ("licensing", "punishment", "coercion", "fees"):
        assert t2[key] == spec["tables"]["t2"][key]


def test_every_style_is_covered_in_both_scripts_and_all_layouts():
    covered = {(s, sc, t) for _, s, sc, t, _ in CASES}
    assert covered == set(itertools.product(report_wording.STYLES, report_wording.SCRIPTS, report_wording.TABLES))
    assert {d for *_, d in CASES} == set(report_wording.DIGITS)
