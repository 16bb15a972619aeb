"""Atomic publishing: a reader of a published file sees the old version or the new one, never half.

`publish_database` copies the archive with SQLite's online backup API (a consistent snapshot, even
of a WAL database another process is reading) into a temporary file in the target folder, switches
the copy to the rollback journal (a published file is read-only: no `-wal`/`-shm` files next to
it), checks it, fsyncs it, renames it over the published path with `os.replace` (atomic within
one file system) and fsyncs the folder so the rename survives a crash. Readers that already
had the old file open keep reading the old file; new readers open the new one.

`write_atomic` does the same for small files (the health JSON, reports).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PUBLISHED_MODE = 0o644


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_for(target: Path, suffix: str = ".tmp") -> Path:
    """A new, empty temporary file in the target's folder (same file system, so rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def replace_atomic(tmp: Path, target: Path, mode: int = PUBLISHED_MODE) -> None:
    """fsync `tmp`, give it `mode`, rename it over `target`, fsync the folder."""
    os.chmod(tmp, mode)
    _fsync_file(tmp)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def write_atomic(target: str | Path, data: bytes | str, mode: int = PUBLISHED_MODE) -> Path:
    target = Path(target)
    tmp = temp_path_for(target)
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        replace_atomic(tmp, target, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def publish_database(source: str | Path, target: str | Path, check: bool = True,
                     prepare: Callable[[Path], Any] | None = None) -> dict[str, Any]:
    """Publish a consistent copy of the archive at `target` atomically; returns what was published.

    `prepare(path)` may change the copy before it is checked and swapped in (e.g. build the search
    tables Datasette needs, so the published file is served without ever being written).
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise FileNotFoundError(f"no archive database at {source}")
    if source.resolve() == target.resolve():
        raise ValueError("the published path must differ from the archive database")
    tmp = temp_path_for(target)
    try:
        src = sqlite3.connect(source, timeout=60)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
        finally:
            dst.close()
            src.close()
        prepared = prepare(tmp) if prepare is not None else None
        dst = sqlite3.connect(tmp)
        try:
            mode = dst.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if mode.lower() != "delete":
                raise RuntimeError(f"could not switch the published copy to the rollback journal ({mode})")
            if check:
                result = dst.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise RuntimeError(f"the copy failed its integrity check: {result}")
            tables = dst.execute("select count(*) from sqlite_master where type = 'table'").fetchone()[0]
            has_runs = dst.execute("select 1 from sqlite_master where type = 'table' and name = 'runs'").fetchone()
            runs = dst.execute("select count(*) from runs").fetchone()[0] if has_runs else 0
        finally:
            dst.close()
        size = tmp.stat().st_size
        replace_atomic(tmp, target)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    out: dict[str, Any] = {"path": str(target), "bytes": size, "tables": tables, "runs": runs}
    if prepared is not None:
        out["prepared"] = prepared
    return out
