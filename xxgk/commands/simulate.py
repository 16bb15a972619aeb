"""`xxgk simulate`: run the simulator, or print a scenario's ground truth."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from xxgk.options import DEFAULT_SCENARIO, DEFAULT_SIMULATOR_PORT


@click.command("simulate")
@click.option("--scenario", "scenario_name", default=DEFAULT_SCENARIO, show_default=True,
              help="Built-in scenario name, a scenario file (YAML/JSON), or large:agencies=N,catalog_docs=M.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback).")
@click.option("--port", default=DEFAULT_SIMULATOR_PORT, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--today", default=None, help="Start the scenario clock on this day (YYYY-MM-DD).")
@click.option("--truth", is_flag=True, help="Print the ground truth as JSON and exit.")
@click.option("--access-log", is_flag=True, help="Log every request.")
def simulate(scenario_name: str, host: str, port: int, today: str | None, truth: bool, access_log: bool) -> None:
    """Serve the offline replica of gkmlpt, the bureau website and WeChat on one loopback port."""
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
