"""The `xxgk` command: one entry point for every part of the product (one module a command group in
`xxgk/commands/`). Each command imports the libraries it drives lazily, so `xxgk --help` stays fast."""

from __future__ import annotations

import click

from xxgk.commands.agencies import agencies
from xxgk.commands.claims import claims
from xxgk.commands.crawl import crawl
from xxgk.commands.demo import demo
from xxgk.commands.export import export
from xxgk.commands.parse import parse
from xxgk.commands.reconcile import reconcile, report
from xxgk.commands.schedule import schedule
from xxgk.commands.serve import serve
from xxgk.commands.simulate import simulate
from xxgk.commands.status import status
from xxgk.commands.verify import verify
from xxgk.options import fail


class XxgkGroup(click.Group):
    """Every command ends with one clear line and exit 2 on an archive it cannot use, even one that breaks
    after it was opened (a database damaged in the middle, a file made read-only while it runs)."""

    def invoke(self, ctx: click.Context) -> object:
        import sqlite3

        from archive.schema import ArchiveError

        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            fail(ctx.invoked_subcommand or "xxgk", str(exc))
        except sqlite3.DatabaseError as exc:
            fail(ctx.invoked_subcommand or "xxgk", f"the archive database cannot be used: {exc}")


@click.group(cls=XxgkGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """xxgk-archive: crawl, archive and reconcile government information-disclosure channels."""


for command in (simulate, crawl, agencies, verify, claims, reconcile, report, demo, schedule, status, serve, parse,
                export):
    main.add_command(command)
