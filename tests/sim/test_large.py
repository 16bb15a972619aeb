"""The large-scenario generator (simulator/large.py): N agencies on M hosts, each under its own department path
with its own category tree, voice and annual report, deterministic from the seed, and the truth of every
agency's reconciliation (exact reports match, planted ones are off by what was planted)."""

from __future__ import annotations

from collections import Counter

import pytest

from simulator.large import DEPARTMENTS, large_scenario, parse_spec
from simulator.scenario import ScenarioError, load, validate
from simulator.truth import ground_truth
from simulator.world import World


def test_a_province_spec_has_many_agencies_on_each_host() -> None:
    spec = large_scenario(agencies=300, hosts=30, catalog_docs=1_000_000, website=0.7, wechat=0.3, kaiping=False)
    validate(spec)
    agencies = spec["agencies"]
    assert len(agencies) == 300 and len({a["id"] for a in agencies}) == 300
    by_host = Counter(a["host"] for a in agencies)
    assert len(by_host) == 30 and set(by_host.values()) == {10}
    # One catalog per department path on a host (the government office at the root), one SID each.
    assert len({(a["host"], a["gkmlpt"]["site_code"]) for a in agencies}) == 300
    assert sum(1 for a in agencies if a["gkmlpt"]["site_code"] == "") == 30
    assert len({a["gkmlpt"]["sid"] for a in agencies}) == 300
    assert len({a["wechat"]["name"] for a in agencies if "wechat" in a}) == sum(1 for a in agencies if "wechat" in a)
    # Volumes: about a million documents a whole, agencies of different sizes.
    per_agency = [sum(c["per_year"][0] for c in _leaves(a["gkmlpt"]["categories"])) for a in agencies]
    assert 950_000 <= 6 * sum(per_agency) <= 1_050_000 and max(per_agency) > 2 * min(per_agency)
    # Websites and WeChat accounts for about the shares asked for.
    assert 180 <= sum(1 for a in agencies if "website" in a) <= 240
    assert 60 <= sum(1 for a in agencies if "wechat" in a) <= 120
    # Different trees by voice; every agency has an annual-report category and a report block.
    trees = {a["voice"]["domain"]: tuple(c["name"] for c in a["gkmlpt"]["categories"]) for a in agencies}
    assert len(trees) == 6 and len(set(trees.values())) == 6
    assert all(any(c.get("annual_reports") for c in a["gkmlpt"]["categories"]) for a in agencies)
    assert [b["agency"] for b in spec["annual_report"]] == [a["id"] for a in agencies]
    planted = [b for b in spec["annual_report"] if "claims_offset" in b]
    assert 40 <= len(planted) <= 110
    # Deterministic from the seed; another seed, other sizes.
    assert large_scenario(agencies=300, hosts=30, catalog_docs=1_000_000, website=0.7, wechat=0.3,
                          kaiping=False) == spec
    assert large_scenario(agencies=300, hosts=30, catalog_docs=1_000_000, website=0.7, wechat=0.3, kaiping=False,
                          seed=8) != spec


def _leaves(categories: list[dict]) -> list[dict]:
    return [leaf for c in categories for leaf in (_leaves(c["children"]) if c.get("children") else [c])
            if "per_year" in leaf]


def test_more_agencies_on_a_host_than_departments() -> None:
    spec = large_scenario(agencies=2 * len(DEPARTMENTS) + 3, hosts=1, catalog_docs=2000, kaiping=False)
    assert len({a["id"] for a in spec["agencies"]}) == len(spec["agencies"])
    assert len({a["name"] for a in spec["agencies"]}) == len(spec["agencies"])


def test_the_truth_of_every_agency_of_a_small_province() -> None:
    world = World(load("large:agencies=24,hosts=3,catalog_docs=6000,website=0.5,wechat=0.3"))
    assert len({a.host for a in world.agencies}) == 3
    assert len({a.gkmlpt_base for a in world.agencies}) == 24
    truth = ground_truth(world)
    recs = truth["reconciliations"]
    assert set(recs) == {a.id for a in world.agencies} and all(r["status"] == "reconciled" for r in recs.values())
    offsets = {b["agency"]: b["claims_offset"]["catalog"] for b in world.scenario["annual_report"]
               if "claims_offset" in b}
    assert offsets
    for agency_id, rec in recs.items():
        off = {r["category"]: r["delta"] for r in rec["rows"] if r["channel"] == "catalog" and r["category"]
               and r["status"] in ("fewer_found", "more_found")}
        # A report states a category n over: the archive shows n fewer than claimed; the exact ones match.
        assert off == {k: -v for k, v in offsets.get(agency_id, {}).items()}, agency_id


def test_the_kaiping_identity_and_the_spec_string() -> None:
    spec = parse_spec("large:agencies=3,catalog_docs=600,website=1,reports=0")
    first = spec["agencies"][0]
    assert (first["id"], first["gkmlpt"]["site_code"], first["website"]["site_code"]) == (
        "kaiping-edu", "jmkpsjyj", "kpsjyjzww")
    assert "annual_report" not in spec and all("website" in a for a in spec["agencies"])
    with pytest.raises(ScenarioError, match="unknown large-scenario parameter 'agency'"):
        load("large:agency=3")
