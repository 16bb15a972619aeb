"""`xxgk simulate`: run the simulator, or print a scenario's ground truth."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date

import click

from .scenario import ScenarioError, load


@click.command("simulate")
@click.option("--scenario", "scenario_name", default="kaiping-2024", show_default=True,
              help="Built-in scenario name, a scenario file (YAML/JSON), or large:agencies=N,catalog_docs=M.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback).")
@click.option("--port", default=8350, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--today", default=None, help="Start the scenario clock on this day (YYYY-MM-DD).")
@click.option("--truth", is_flag=True, help="Print the ground truth as JSON and exit.")
@click.option("--access-log", is_flag=True, help="Log every request.")
def simulate(scenario_name: str, host: str, port: int, today: str | None, truth: bool, access_log: bool) -> None:
    """Serve the offline replica of gkmlpt, the bureau website and WeChat on one loopback port."""
    from .http import SimState
    from .world import World

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
        from .truth import ground_truth

        json.dump(ground_truth(world, day), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    state = SimState(world, faults=world.scenario.get("faults") or [])
    if day:
        state.today = day
    run_forever(state, host, port, access_log)


def run_forever(state, host: str, port: int, access_log: bool = False) -> None:  # noqa: ANN001
    from .server import run

    def ready(bound: int) -> None:
        a = state.world.agencies[0]
        base = f"http://{host}:{bound}"
        # The first line is machine-read by the test fixture: keep its form.
        print(f"xxgk simulator listening on {base} (scenario {state.world.name}, day {state.today})", flush=True)
        print(f"  browse:  {base}/", flush=True)
        print(f"  catalog: {base}/_/{a.host}/{a.site_code}/gkmlpt/index", flush=True)
        print(f"  proxy:   curl -x {base} http://{a.host}/{a.site_code}/gkmlpt/index", flush=True)

    try:
        asyncio.run(run(state, host, port, ready=ready, access_log=access_log))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
