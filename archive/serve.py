"""Serve the archive with Datasette, read-only.

    xxgk serve --db data/archive.sqlite [--port 8001] [--host 127.0.0.1] [--warc-dir data/warc] [--snapshot]

By default the file is served in place and never written or locked: a live archive (WAL) is opened
read-only (`mode=ro`), so what a crawl writes is served at once and the crawl is never kept waiting; a
published copy (rollback journal) is opened immutable. Start-up costs the same at any size: the search
index lives in the archive (archive/search_index.py), kept current by the store.

`--snapshot` serves a consistent copy instead (SQLite's backup API; it takes as long as copying the file),
migrated — so an archive older than the search index gets one in the copy — and opened immutable. It is
deleted on exit — on SIGTERM or Ctrl-C at any moment, preparation included. A snapshot lives in a
temporary folder named after the serving process (`xxgk-serve-<pid>-…`), so a serve killed with SIGKILL
leaves a folder the next serve recognises as stale (its pid is gone) and removes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.datasette import ENTRY_POINT, PLUGINS_DIR, TEMPLATES_DIR
from archive.datasette.metadata import DATABASE, agencies_from_db, build_metadata
from archive.lock import pid_alive
from archive.search_index import FTS_TABLE

SETTINGS: dict[str, Any] = {
    # What one request may cost (with archive/datasette/limits.py: 16 MB a value, 32 MB a result, no writes).
    "max_returned_rows": 1000,
    "max_csv_mb": 32,              # a streamed CSV of a whole table stops there
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 400,    # a facet over a few hundred thousand rows: shown as timed out, not waited for
    "suggest_facets": False,       # facets are declared in the metadata
    "truncate_cells_html": 300,    # body text in table views
    "default_page_size": 50,
}


def snapshot(src: Path, dst: Path) -> Path:
    """A consistent copy of `src` (backup API, one step), in rollback-journal mode, migrated (search index
    included)."""
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
    finally:
        db.close()
    return dst


TEMP_PREFIX = "xxgk-serve-"
_TEMP_NAME = re.compile(rf"^{TEMP_PREFIX}(\d+)-")


def remove_stale_snapshots(parent: str | Path | None = None) -> list[Path]:
    """Snapshot folders left by serves that died without cleaning up (SIGKILL): their pid is gone."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for entry in parent.glob(f"{TEMP_PREFIX}*"):
        m = _TEMP_NAME.match(entry.name)
        if not m or not entry.is_dir() or pid_alive(int(m.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def wal_mode(path: Path) -> bool:
    """Whether a database file is in WAL mode, read from its header (bytes 18–19 are 2), without opening it."""
    with open(path, "rb") as f:
        header = f.read(20)
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def has_search(path: Path, immutable: bool) -> bool:
    conn = sqlite3.connect(f"file:{path}?{'immutable=1' if immutable else 'mode=ro'}", uri=True)
    try:
        return bool(conn.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone())
    finally:
        conn.close()


def make_datasette(path: str | Path, warc_dir: str | Path | None = None,
                   settings: dict[str, Any] | None = None, immutable: bool = True, lang: str = "zh") -> Any:
    """A Datasette instance serving `path` as /archive (immutable, or read-only for a live WAL archive),
    with our metadata, plugin and templates. Datasette never writes either."""
    from datasette.app import Datasette
    from datasette.database import Database

    path = Path(path)
    conn = sqlite3.connect(f"file:{path}?{'immutable=1' if immutable else 'mode=ro'}", uri=True)
    try:
        agencies = agencies_from_db(conn)
    finally:
        conn.close()
    meta = build_metadata(agencies, str(Path(warc_dir).resolve()) if warc_dir else None, lang)
    from datasette.plugins import pm

    # The installed package registers the plugin (entry point); a source tree without it loads the file.
    plugins_dir = None if pm.has_plugin(ENTRY_POINT) else str(PLUGINS_DIR)
    ds = Datasette(files=[], metadata=meta, plugins_dir=plugins_dir, template_dir=str(TEMPLATES_DIR),
                   settings={**SETTINGS, **(settings or {})})
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    # is_mutable=False opens `immutable=1`; True opens `mode=ro` (a WAL file another process writes).
    ds.add_database(Database(ds, path=str(path), is_mutable=not immutable), name=DATABASE)
    return ds


def freeze_start_up() -> None:
    """Take what start-up built (Datasette, its plugins, metadata, templates: it lives as long as the server)
    out of the cyclic collector's view, which otherwise walks it all in every full collection — about one
    request in seventeen at 1M documents, 20–45 ms each (bench/search_speed.py). Refcounting still frees it."""
    gc.collect()
    gc.freeze()


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
          use_snapshot: bool = False, echo: Callable[[str], None] | None = None,
          lang: str = "zh") -> None:
    import uvicorn

    echo = echo or (lambda line: print(line, flush=True))
    db_path = Path(db).resolve()
    warc = Path(warc_dir).resolve() if warc_dir else db_path.parent / "warc"
    # SIGTERM unwinds like Ctrl-C from here on (preparation included), so the snapshot below is removed;
    # uvicorn re-raises the signal that stopped it once it has shut down.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    tmp: Path | None = None
    try:
        if use_snapshot:
            remove_stale_snapshots()
            tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
            served, immutable = snapshot(db_path, tmp / "archive.sqlite"), True
        else:
            served, immutable = db_path, not wal_mode(db_path)
            if not has_search(served, immutable):
                print(f"xxgk serve: note: {db_path} predates the search index, so search is off: any command "
                      "that writes the archive (xxgk crawl, xxgk reconcile) migrates it, or serve --snapshot "
                      "(a migrated copy)", file=sys.stderr, flush=True)
        ds = make_datasette(served, warc if warc.is_dir() else None, immutable=immutable, lang=lang)
        sock = bind(host, port)
        actual = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        echo(f"xxgk serve: listening on http://{shown}:{actual}/ "
             f"({'snapshot of ' if tmp else ''}{db_path}, read-only; WARC folder "
             f"{warc if warc.is_dir() else 'not found: record downloads disabled'})")
        server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
        freeze_start_up()
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
