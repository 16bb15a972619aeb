"""`xxgk serve`: the archive in Datasette, read-only (see archive/serve.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_DB = "data/archive.sqlite"


@click.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="The archive database.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port (0 = any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; only loopback unless told otherwise (0.0.0.0 exposes it).")
@click.option("--warc-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="WARC folder for record downloads (default: warc/ next to the database).")
@click.option("--snapshot/--no-snapshot", default=True, show_default=True,
              help="Serve a consistent copy (safe during crawls; the archive is never written), or the file "
                   "itself (a published copy: its search tables are refreshed, then it is served immutable).")
def serve(db_path: str, port: int, host: str, warc_dir: Path | None, snapshot: bool) -> None:
    """Serve the archive with Datasette, read-only: search, facets, document history, WARC downloads and
    the reconciliation dashboard (/-/xxgk/dashboard)."""
    if not Path(db_path).is_file():
        click.echo(f"xxgk serve: no archive database at {db_path}", err=True)
        sys.exit(2)
    from .serve import serve as run

    run(db_path, host=host, port=port, warc_dir=warc_dir, use_snapshot=snapshot)


if __name__ == "__main__":  # pragma: no cover - `python -m archive.cli_serve` before it is registered
    serve()
