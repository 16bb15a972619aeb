"""The `xxgk` command: one entry point for every part of the product.

Subcommands import their modules lazily so `xxgk --help` stays fast and a missing optional part
never breaks the others.
"""

from __future__ import annotations

import click

from archive.claims.cli import claims
from archive.cli_reconcile import reconcile, report
from archive.cli_schedule import schedule, status
from archive.cli_serve import serve
from crawler.cli import agencies, crawl, verify
from simulator.cli import simulate
from xxgk.demo import demo


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
main.add_command(demo)
main.add_command(schedule)
main.add_command(status)
main.add_command(serve)
