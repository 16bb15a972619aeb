"""Options, defaults and exit statuses shared by every `xxgk` command, in one place.

Commands parse arguments and load the registry here; the libraries below (`crawler/`, `pipelines/`,
`archive/`) get an `Agency`, paths and values, never the command line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

DEFAULT_DB = "data/archive.sqlite"
DEFAULT_SERVE_PORT = 8001
DEFAULT_SIMULATOR_PORT = 8350
DEFAULT_SCENARIO = "kaiping-2024"
CHANNELS = ("catalog", "website", "wechat")

# Exit statuses (README "Exit status"): one meaning each, whichever command returns them.
EXIT_OK = 0
EXIT_FAILED = 1        # a failed run, step or check
EXIT_INPUT = 2         # bad input: unknown agency, no archive, unreadable file, bad configuration
EXIT_PARTIAL = 3       # `crawl --fail-on-partial` on a partial run; `schedule --once` on a degraded job
EXIT_FAIL_ON = 4       # `report --fail-on` matched a row
EXIT_LOCKED = 75       # another crawl or the scheduler holds the archive's lock (EX_TEMPFAIL)
EXIT_INTERRUPTED = 143  # a crawl stopped by SIGTERM or Ctrl-C (128 + SIGTERM): its run is recorded `interrupted`

F = TypeVar("F", bound=Callable[..., Any])


def default_warc_dir(db: str | Path) -> Path:
    """WARC files live in `warc/` next to the database unless told otherwise."""
    return Path(db).parent / "warc"


def warc_dir_for(db: str | Path, warc_dir: str | Path | None) -> Path:
    return Path(warc_dir) if warc_dir else default_warc_dir(db)


def fail(command: str, message: str, code: int = EXIT_INPUT) -> NoReturn:
    """One line on stderr naming the command, and the exit status."""
    click.echo(f"xxgk {command}: {message}", err=True)
    sys.exit(code)


# ---------------------------------------------------------------- options


def db_option(help_text: str = "Archive database.") -> Callable[[F], F]:
    return click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help=help_text)


def warc_dir_option(f: F) -> F:
    return click.option("--warc-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
                        help="WARC folder (default: warc/ next to the database).")(f)


def simulator_option(f: F) -> F:
    return click.option("--simulator", default=None, metavar="URL",
                        help="Route the agencies' real hosts to a running simulator (never the real sites).")(f)


def registry_option(f: F) -> F:
    return click.option("--registry", "registry_dirs", multiple=True, metavar="DIR",
                        type=click.Path(file_okay=False, path_type=Path),
                        help="A folder of agency files (repeatable; also XXGK_REGISTRY, colon-separated); "
                             "searched before the built-in agencies.")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(f)


# ---------------------------------------------------------------- loading


def registry(command: str, folders: tuple[Path, ...] | list[Path] = ()) -> Any:
    """The registry of the given folders, XXGK_REGISTRY and the built-in agencies."""
    from crawler.registry import Registry, RegistryError

    try:
        return Registry.from_options(folders)
    except RegistryError as exc:
        fail(command, str(exc))


def load_agency(command: str, agency_id: str, folders: tuple[Path, ...] | list[Path] = ()) -> Any:
    """The registry's `Agency`, or one clear line and exit 2."""
    from crawler.registry import RegistryError

    try:
        return registry(command, folders).load(agency_id)
    except RegistryError as exc:
        fail(command, str(exc))


DEMO_DB = "data/demo/archive.sqlite"  # where `make demo` (xxgk demo) leaves its archive


def resolve_db(command: str, db_path: str | Path) -> str:
    """The archive a reading command uses: `db_path`, or — when that is the default and missing but the demo's
    archive exists — the demo's, said on stderr. A missing archive is one line with what to do."""
    path = Path(db_path)
    if path.exists():
        return str(db_path)
    if str(db_path) == DEFAULT_DB and Path(DEMO_DB).exists():
        click.echo(f"xxgk {command}: note: no archive at {DEFAULT_DB}; using the demo's {DEMO_DB} (--db PATH to "
                   "choose another)", err=True)
        return DEMO_DB
    fail(command, f"no archive database at {db_path} (crawl into it first: xxgk crawl --agency ID --db {db_path}; "
                  f"or run `make demo`, which writes {DEMO_DB}; or give --db PATH)")


def many_agencies(value: str) -> bool:
    """True when `--agency` names several agencies: `all`, a list `ID,ID,…`, or `@FILE`."""
    value = value.strip()
    return value == "all" or value.startswith("@") or "," in value


def agency_ids(command: str, value: str, folders: tuple[Path, ...] | list[Path] = ()) -> list[str]:
    """The registry ids `--agency` names, in order and once each: `all` (every agency of the registry: the
    given folders, XXGK_REGISTRY, then the built-in agencies), `ID,ID,…`, or `@FILE` (ids one a line or
    separated by commas or spaces; `#` starts a comment). An unknown id, or a list naming none, is one line and
    exit 2."""
    value = value.strip()
    reg = registry(command, folders)
    known = reg.ids()
    if value == "all":
        return known
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(command, f"cannot read the agency list {path}: {exc}")
        words = [w for line in text.splitlines() for w in line.split("#", 1)[0].replace(",", " ").split()]
        origin = str(path)
    else:
        words = [w.strip() for w in value.split(",") if w.strip()]
        origin = "--agency"
    ids = list(dict.fromkeys(words))
    if not ids:
        fail(command, f"{origin} names no agency")
    unknown = [i for i in ids if i not in known]
    if unknown:
        fail(command, f"unknown agenc{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} in {origin}; known "
                      f"agencies: {', '.join(known) or 'none'}")
    return ids


def load_agencies(command: str, value: str, folders: tuple[Path, ...] | list[Path] = ()) -> tuple[list[Any],
                                                                                                  dict[str, str]]:
    """The registry's `Agency` of every id `--agency` names (`agency_ids`), and the ones whose file cannot be
    read (id → why): one broken file never hides the others."""
    from crawler.registry import RegistryError

    reg = registry(command, folders)
    loaded, broken = [], {}
    for agency_id in agency_ids(command, value, folders):
        try:
            loaded.append(reg.load(agency_id))
        except RegistryError as exc:
            broken[agency_id] = str(exc)
    return loaded, broken


def open_archive(command: str, db_path: str | Path, write: bool = True, create: bool = False) -> Any:
    """The archive database, or one clear line and exit 2: a missing, empty, garbage, truncated or read-only
    file, or one a newer xxgk-archive migrated (never written by this version); exit 1 when a write did not
    fit (disk full, file size limit).

    `write`: opened for writing, migrations applied (`create`: a missing file is a new archive). Otherwise
    opened read-only — never written, never migrated — with a note on stderr when its schema differs."""
    from archive.schema import ArchiveError, ArchiveWriteError, open_db, open_read

    try:
        if write:
            if not create and not Path(db_path).exists():
                fail(command, f"no archive database at {db_path}")
            from archive.search_index import progress_to

            # a migration that indexes an existing archive for search says how far it is
            with progress_to(lambda line: click.echo(f"xxgk {command}: {line}", err=True)):
                return open_db(db_path)
        db, note = open_read(db_path)
    except ArchiveWriteError as exc:  # the device, not the input: a failed step, to be retried with room
        fail(command, str(exc), EXIT_FAILED)
    except ArchiveError as exc:
        fail(command, str(exc))
    if note:
        click.echo(f"xxgk {command}: note: {note}", err=True)
    return db


def emit(text: str, out: Path | None, what: str) -> None:
    """The report on stdout, or written to `out` (its folder created) and said on stderr with `what` it is."""
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out} ({what})", err=True)


def xxgk_command(*args: str) -> list[str]:
    """`xxgk …` as a subprocess command line of this interpreter (a Twisted reactor cannot restart, so
    every crawl runs in a process of its own)."""
    return [sys.executable, "-m", "xxgk", *args]
