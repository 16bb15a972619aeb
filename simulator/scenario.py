"""Scenario files: where they live, how they load, and what a bad one looks like."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with the reason."""


def builtin_names() -> list[str]:
    folder = resources.files("simulator") / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load(name_or_path: str | Path) -> dict[str, Any]:
    """Load a built-in scenario by name, or a scenario file by path, and check its shape."""
    if str(name_or_path).startswith("large"):
        from .large import parse_spec

        try:
            data = parse_spec(str(name_or_path))
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"bad large-scenario spec {name_or_path!r}: {exc}") from exc
        validate(data, str(name_or_path))
        data["_origin"] = str(name_or_path)
        return data
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml", ".json") and path.exists():
        text = path.read_text(encoding="utf-8")
        origin = str(path)
    else:
        ref = resources.files("simulator") / "scenarios" / f"{name_or_path}.yaml"
        if not ref.is_file():
            raise ScenarioError(
                f"unknown scenario {str(name_or_path)!r}: not a file, and not one of the built-in "
                f"scenarios ({', '.join(builtin_names())})"
            )
        text = ref.read_text(encoding="utf-8")
        origin = f"builtin:{name_or_path}"
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date such as 2025-13-01
        raise ScenarioError(f"{origin}: not valid YAML/JSON: {exc}") from exc
    validate(data, origin)
    data["_origin"] = origin
    return data


def report_blocks(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenario's annual reports: `annual_report:` is one block (a one-agency scenario) or a list of
    blocks, one per agency (a city's); absent or null, none."""
    value = scenario.get("annual_report")
    if not value:
        return []
    return [b for b in (value if isinstance(value, list) else [value]) if isinstance(b, dict)]


def report_block(scenario: dict[str, Any], agency_id: str, year: int | None = None) -> dict[str, Any] | None:
    """The annual-report block of an agency (of that year, when given), or None."""
    for block in report_blocks(scenario):
        if block.get("agency") == agency_id and (year is None or int(block.get("year", 0)) == year):
            return block
    return None


def validate(data: Any, origin: str = "scenario") -> None:
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: the top level must be a mapping")
    for key in ("name", "seed", "today", "years", "agencies"):
        if key not in data:
            raise ScenarioError(f"{origin}: missing required key {key!r}")
    try:
        date.fromisoformat(str(data["today"]))
    except ValueError as exc:
        raise ScenarioError(f"{origin}: today must be YYYY-MM-DD, got {data['today']!r}") from exc
    years = data["years"]
    if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years) and years[0] <= years[1]):
        raise ScenarioError(f"{origin}: years must be [first, last], got {years!r}")
    if not isinstance(data["agencies"], list) or not data["agencies"]:
        raise ScenarioError(f"{origin}: agencies must be a non-empty list")
    seen = set()
    for i, agency in enumerate(data["agencies"]):
        for key in ("id", "name", "host"):
            if key not in agency:
                raise ScenarioError(f"{origin}: agencies[{i}] is missing {key!r}")
        if agency["id"] in seen:
            raise ScenarioError(f"{origin}: duplicate agency id {agency['id']!r}")
        seen.add(agency["id"])
    for i, event in enumerate(data.get("events") or []):
        if "day" not in event or "action" not in event or "channel" not in event:
            raise ScenarioError(f"{origin}: events[{i}] needs day, action and channel")
        if event["action"] not in ("delete", "restore", "edit", "publish_at", "violation", "unavailable"):
            raise ScenarioError(f"{origin}: events[{i}] has unknown action {event['action']!r}")
    reports = data.get("annual_report")
    if reports is not None and not isinstance(reports, (dict, list)):
        raise ScenarioError(f"{origin}: annual_report must be a mapping or a list of mappings, one per agency")
    reported: set[str] = set()
    for i, block in enumerate(reports if isinstance(reports, list) else [reports] if reports else []):
        where = f"{origin}: annual_report[{i}]" if isinstance(reports, list) else f"{origin}: annual_report"
        if not isinstance(block, dict) or "agency" not in block or "year" not in block:
            raise ScenarioError(f"{where} needs agency and year")
        if block["agency"] not in seen:
            raise ScenarioError(f"{where} names unknown agency {block['agency']!r}")
        if block["agency"] in reported:
            raise ScenarioError(f"{where}: agency {block['agency']!r} has a report already (one per agency)")
        reported.add(block["agency"])
