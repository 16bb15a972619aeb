"""What every crawl command shares: `-s KEY=VALUE` overrides, the archive's lock, and the options a crawl
passes on to the one-channel crawls it starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from xxgk.options import EXIT_LOCKED, fail


def parse_overrides(items: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--set")
        out[key] = value
    return out


def acquire_or_exit(db: str, command: str) -> Any:
    """Take the archive's lock, or say who holds it and exit 75 (EX_TEMPFAIL: try again later)."""
    from archive.lock import ArchiveLock, LockHeld

    lock = ArchiveLock(db, command)
    try:
        return lock.acquire()
    except LockHeld as exc:
        fail("crawl", f"refused: {exc}; another crawl or the scheduled job is writing it (lock file {lock.path}). "
                      f"Try again later (exit {EXIT_LOCKED}).", EXIT_LOCKED)


def child_args(db: str, log_level: str, simulator: str | None, warc_dir: str | None, full_refresh: bool,
               fail_on_partial: bool, as_json: bool, registry_dirs: tuple[Path, ...], overrides: tuple[str, ...]
               ) -> list[str]:
    """The options a `--channel all` crawl passes on to its one-channel subprocesses."""
    return ["--db", db, "--log-level", log_level, *(["--simulator", simulator] if simulator else []),
            *(["--warc-dir", warc_dir] if warc_dir else []), *(["--full-refresh"] if full_refresh else []),
            *(["--fail-on-partial"] if fail_on_partial else []), *(["--json"] if as_json else []),
            *(a for d in registry_dirs for a in ("--registry", str(d))), *(a for o in overrides for a in ("-s", o))]
