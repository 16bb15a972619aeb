"""`xxgk serve`: the archive in Datasette, read-only (see archive/serve.py)."""

from __future__ import annotations

from pathlib import Path

import click

from xxgk.options import DEFAULT_SERVE_PORT, db_option, fail, open_archive, resolve_db, warc_dir_option


@click.command("serve")
@db_option("The archive database.")
@click.option("--port", default=DEFAULT_SERVE_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 = any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; only loopback unless told otherwise (0.0.0.0 exposes it).")
@warc_dir_option
@click.option("--snapshot/--no-snapshot", default=False, show_default=True,
              help="Serve the file itself, read-only (a live archive as it grows, or the scheduler's published "
                   "copy: starts at once at any size), or a consistent, migrated copy (takes as long as copying "
                   "the file). Either way the archive is never written or locked.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the pages (titles, descriptions, queries, dashboard); ?_lang=en|zh switches "
                   "the dashboard, document, replay and feed pages per visitor.")
def serve(db_path: str, port: int, host: str, warc_dir: Path | None, snapshot: bool, lang: str) -> None:
    """Serve the archive with Datasette, read-only: search, facets, document history, WARC downloads and
    the reconciliation dashboard (/-/xxgk/dashboard)."""
    import errno

    from archive.serve import serve as run

    db_path = resolve_db("serve", db_path)
    open_archive("serve", db_path, write=False).close()  # a missing or unusable archive: one line, exit 2
    try:
        run(db_path, host=host, port=port, warc_dir=warc_dir, use_snapshot=snapshot, lang=lang)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail("serve", f"port {port} on {host} is in use (another xxgk serve or demo?); choose another with "
                          "--port N, or --port 0 for any free port")
        if exc.errno == errno.EADDRNOTAVAIL:
            fail("serve", f"cannot listen on {host}: not an address of this machine (--host 127.0.0.1)")
        raise
