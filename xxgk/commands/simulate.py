"""`xxgk simulate`: run the simulator, or print a scenario's ground truth."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from xxgk.options import DEFAULT_SCENARIO, DEFAULT_SIMULATOR_PORT


@click.command("simulate", epilog=(
    "Built-in scenarios: kaiping-2024 (开平市教育局, its 2024 report; the default), enping-gov-2023 "
    "(恩平市人民政府办公室: catalog and portal at the host root, no WeChat, a 2023 report in traditional "
    "characters), jiangmen-health-2024 (江门市卫生健康局: website under /bmpd/jmswjkj/, WeChat with read counts), kaiping-city-2024 "
    "(13 agencies of 开平市 on www.kaiping.gov.cn, each with its annual report: some exact, some not, one without). "
    "A scenario file names its agencies (name, host, catalog department path or none, website path and host, "
    "category tree, WeChat account, voice), its events and its annual report: simulator/scenarios/kaiping-2024.yaml "
    "documents every key. --truth prints what a crawl on the scenario's day and the reconciliation of its report "
    "must find: one row per claim (by name, registry alias or the shared taxonomy), for a crawl without read "
    "credentials (with_read_credentials: with them), over the WeChat listers a default crawl runs."))
@click.option("--scenario", "scenario_name", default=DEFAULT_SCENARIO, show_default=True,
              help="Built-in scenario name, a scenario file (YAML/JSON), or large:agencies=N,catalog_docs=M.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback).")
@click.option("--port", default=DEFAULT_SIMULATOR_PORT, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--today", default=None, help="Start the scenario clock on this day (YYYY-MM-DD).")
@click.option("--truth", is_flag=True, help="Print the ground truth as JSON and exit.")
@click.option("--access-log", is_flag=True, help="Log every request.")
def simulate(scenario_name: str, host: str, port: int, today: str | None, truth: bool, access_log: bool) -> None:
    """Serve the offline replica of gkmlpt, the agency's website and WeChat on one loopback port, as the
    scenario's agencies (or print its ground truth with --truth)."""
    from simulator.scenario import ScenarioError, load
    from simulator.server import run_forever
    from simulator.world import World

    try:
        world = World(load(scenario_name))
    except ScenarioError as exc:
        raise click.ClickException(str(exc)) from exc
    day = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError as exc:
            raise click.BadParameter(f"expected YYYY-MM-DD, got {today!r}", param_hint="--today") from exc
    if truth:
        from simulator.truth import ground_truth

        json.dump(ground_truth(world, day), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    try:
        run_forever(world, day, host, port, access_log)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
