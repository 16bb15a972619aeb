"""The `xxgk` command: one entry point for every part of the product (one module a command group in
`xxgk/commands/`). Each command imports the libraries it drives lazily, so `xxgk --help` stays fast."""

from __future__ import annotations

import os
import sys
from typing import Any

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
    after it was opened (a database damaged in the middle, a file made read-only while it runs); a usage error is
    one line naming the command and its --help; anything unexpected is one line too, with the traceback behind
    XXGK_DEBUG=1 — never a traceback by default."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name or "xxgk", complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "xxgk"
            message = exc.format_message().replace("\n", " ")
            click.echo(f"{where}: {message[:1].lower()}{message[1:]} (see {where} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            words = [w for w in (sys.argv[1:] if args is None else list(args)) if not w.startswith("-")]
            where = f"xxgk {words[0]}" if words and words[0] in self.commands else "xxgk"
            click.echo(f"{where}: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("xxgk: interrupted", err=True)
            sys.exit(130)
        except (SystemExit, click.exceptions.Exit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last net: one line, the traceback on request
            if os.environ.get("XXGK_DEBUG"):
                raise
            what = str(exc).splitlines()[0] if str(exc) else ""
            click.echo(f"xxgk: unexpected {type(exc).__name__}{': ' + what if what else ''} (run with XXGK_DEBUG=1 "
                       "for the traceback)", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

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
