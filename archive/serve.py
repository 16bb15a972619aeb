"""Serve the archive with Datasette, read-only.

    xxgk serve --db data/archive.sqlite [--port 8001] [--host 127.0.0.1] [--warc-dir data/warc]

By default the archive is served from a SNAPSHOT: a consistent copy made with SQLite's backup API
(safe while a crawl is writing), with migrations and the search tables (archive/datasette/search.py)
brought up to date in the copy; the live archive is never written. The snapshot is opened by
Datasette as immutable (SQLite `immutable=1`; Datasette refuses every write to it) and deleted on
exit. `--no-snapshot` serves a file in place (a published copy nothing else writes): the search
tables are refreshed in it first, then it is served immutable.
"""

from __future__ import annotations

import shutil
import signal
import socket
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.datasette import PLUGINS_DIR, TEMPLATES_DIR
from archive.datasette.metadata import DATABASE, agencies_from_db, build_metadata
from archive.datasette.search import ensure_search

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 5000,     # a one-character search scans the table
    "facet_time_limit_ms": 1000,
    "suggest_facets": False,       # facets are declared in the metadata
    "truncate_cells_html": 300,    # body text in table views
    "default_page_size": 50,
}


def snapshot(src: Path, dst: Path) -> Path:
    """A consistent copy of `src` (backup API, one step), in rollback-journal mode, migrated, with search."""
    from sqlite_utils import Database

    from archive.schema import migrations

    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dst)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        source.close()
        target.close()
    db = Database(dst)
    try:
        migrations.apply(db)
        ensure_search(db)
    finally:
        db.close()
    return dst


def prepare_in_place(path: Path) -> Path:
    """Refresh the search tables of a file served in place, and fold its WAL into the main file."""
    from sqlite_utils import Database

    db = Database(path)
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        ensure_search(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


def make_datasette(path: str | Path, warc_dir: str | Path | None = None,
                   settings: dict[str, Any] | None = None) -> Any:
    """A Datasette instance serving `path` immutable as /archive, with our metadata, plugin and templates."""
    from datasette.app import Datasette
    from datasette.database import Database

    path = Path(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        agencies = agencies_from_db(conn)
    finally:
        conn.close()
    meta = build_metadata(agencies, str(Path(warc_dir).resolve()) if warc_dir else None)
    ds = Datasette(files=[], metadata=meta, plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
                   settings={**SETTINGS, **(settings or {})})
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(path), is_mutable=False), name=DATABASE)
    return ds


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8001, warc_dir: str | Path | None = None,
          use_snapshot: bool = True, echo: Callable[[str], None] | None = None) -> None:
    import uvicorn

    echo = echo or (lambda line: print(line, flush=True))
    db_path = Path(db).resolve()
    warc = Path(warc_dir).resolve() if warc_dir else db_path.parent / "warc"
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-serve-")) if use_snapshot else None
    try:
        if tmp is not None:
            served = snapshot(db_path, tmp / "archive.sqlite")
        else:
            served = prepare_in_place(db_path)
        ds = make_datasette(served, warc if warc.is_dir() else None)
        sock = bind(host, port)
        actual = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        echo(f"xxgk serve: listening on http://{shown}:{actual}/ "
             f"({'snapshot of ' if tmp else ''}{db_path}, read-only; WARC folder "
             f"{warc if warc.is_dir() else 'not found: record downloads disabled'})")
        server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
        # uvicorn re-raises the signal that stopped it once it has shut down: make SIGTERM an exit that
        # unwinds (like SIGINT's KeyboardInterrupt) so the snapshot below is removed.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

