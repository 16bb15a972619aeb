"""`xxgk verify`: re-hash every capture against its WARC record and validate every WARC file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xxgk.options import (
    EXIT_FAILED,
    EXIT_OK,
    db_option,
    open_archive,
    resolve_db,
    warc_dir_for,
    warc_dir_option,
)


@click.command("verify")
@db_option()
@warc_dir_option
def verify(db_path: str, warc_dir: Path | None) -> None:
    """Re-hash every capture against its WARC record and validate every WARC file."""
    from archive.verify import iter_lines
    from archive.verify import verify as run_verify

    db_path = resolve_db("verify", db_path)
    open_archive("verify", db_path, write=False).close()
    result = run_verify(db_path, warc_dir_for(db_path, warc_dir))
    for line in iter_lines(result):
        click.echo(line)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)
