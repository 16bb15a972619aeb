"""`xxgk serve`: the archive in Datasette, read-only (see archive/serve.py)."""

from __future__ import annotations

from pathlib import Path

import click

from xxgk.options import DEFAULT_SERVE_PORT, db_option, open_archive, warc_dir_option


@click.command("serve")
@db_option("The archive database.")
@click.option("--port", default=DEFAULT_SERVE_PORT, show_default=True, type=int, help="Port (0 = any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; only loopback unless told otherwise (0.0.0.0 exposes it).")
@warc_dir_option
@click.option("--snapshot/--no-snapshot", default=False, show_default=True,
              help="Serve the file itself, read-only (a live archive as it grows, or the scheduler's published "
                   "copy: starts at once at any size), or a consistent, migrated copy (takes as long as copying "
                   "the file). Either way the archive is never written or locked.")
def serve(db_path: str, port: int, host: str, warc_dir: Path | None, snapshot: bool) -> None:
    """Serve the archive with Datasette, read-only: search, facets, document history, WARC downloads and
    the reconciliation dashboard (/-/xxgk/dashboard)."""
    from archive.serve import serve as run

    open_archive("serve", db_path, write=False).close()  # a missing or unusable archive: one line, exit 2
    run(db_path, host=host, port=port, warc_dir=warc_dir, use_snapshot=snapshot)
