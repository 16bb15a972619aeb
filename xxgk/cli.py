"""The `xxgk` command: one entry point for every part of the product.

Subcommands import their modules lazily so `xxgk --help` stays fast and a missing optional part
never breaks the others.
"""

from __future__ import annotations

import click

from archive.claims.cli import claims
from archive.cli_reconcile import reconcile, report
from crawler.cli import agencies, crawl, verify
from simulator.cli import simulate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """xxgk-archive: crawl, archive and reconcile government information-disclosure channels."""


main.add_command(simulate)
main.add_command(crawl)
main.add_command(agencies)
main.add_command(verify)
main.add_command(claims)
main.add_command(reconcile)
main.add_command(report)


@main.command()
@click.option("--port", default=8350, show_default=True, type=int)
def demo(port: int) -> None:
    """Start the kaiping-2024 simulator and print how to reach it (the crawl joins later)."""
    from simulator.cli import run_forever
    from simulator.http import SimState
    from simulator.scenario import load
    from simulator.world import World

    world = World(load("kaiping-2024"))
    click.echo("xxgk demo: serving the kaiping-2024 scenario (Ctrl-C to stop)")
    run_forever(SimState(world), "127.0.0.1", port)
