"""`xxgk crawl`: crawl one agency's channel into the archive (one crawl per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from xxgk.commands.crawl_shared import acquire_or_exit, child_args, parse_overrides
from xxgk.options import (
    CHANNELS,
    DEFAULT_DB,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    fail,
    load_agency,
    many_agencies,
    open_archive,
    registry_option,
    simulator_option,
    warc_dir_for,
    xxgk_command,
)


def print_summary(result: dict[str, Any], agency: str, channel: str) -> None:
    from rich.console import Console
    from rich.table import Table

    s = result["summary"]
    console = Console(stderr=False)
    table = Table(title=f"{agency} · {channel} · {result['status'].upper()}", caption=f"run {result['run_id']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in ("requests", "new", "changed", "unchanged", "disappeared", "reappeared", "skipped_unchanged",
                "blocked", "errors", "categories"):
        table.add_row(key.replace("_", " "), str(s.get(key, 0)))
    console.print(table)
    for gap in s.get("coverage_gaps", []):
        console.print(f"coverage gap: {gap['category']}: stated {gap['stated']}, API total {gap['api_total']}, "
                      f"listed {gap['listed']}, stopped on {gap['stop_reason']}"
                      + (f" ({'; '.join(gap['notes'])})" if gap["notes"] else ""))
    if s.get("problem"):
        console.print(f"problem: {s['problem']}")


@click.command("crawl")
@click.option("--agency", "agency_id", required=True,
              help="Agency id from the registry (`xxgk agencies`); several: `all`, `ID,ID,…` or `@FILE` (ids one a "
                   "line), crawled one after another in one process per channel, one run each.")
@click.option("--channel", type=click.Choice([*CHANNELS, "all"]), default="catalog", show_default=True)
@simulator_option
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive database (created if missing).")
@click.option("--warc-dir", default=None, help="WARC folder (default: warc/ next to the database).")
@registry_option
@click.option("--full-refresh", is_flag=True, help="Re-read every document page (conditionally), not only changed ones.")
@click.option("--fail-on-partial", is_flag=True, help=f"Exit {EXIT_PARTIAL} when the run is partial (default: 0).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a Scrapy setting.")
@click.option("--log-level", default="INFO", show_default=True)
@click.option("--frontier", default=None, metavar="redis://HOST:PORT/DB",
              help="Scale out one agency's catalog or website over worker processes sharing this Redis frontier "
                   "(README).")
@click.option("--role", type=click.Choice(["writer", "worker"]), default="writer", show_default=True,
              help="With --frontier: the one process that writes the archive, or a crawling worker.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="With --frontier --role writer: how many workers' ends to wait for.")
def crawl(agency_id: str, channel: str, simulator: str | None, db: str, warc_dir: str | None,
          registry_dirs: tuple[Path, ...], full_refresh: bool, fail_on_partial: bool, as_json: bool,
          overrides: tuple[str, ...], log_level: str, frontier: str | None, role: str, workers: int) -> None:
    """Crawl one agency's channel into the archive (one crawl per process); several agencies (`all`, `ID,ID,…`,
    `@FILE`): one process per channel, crawling them one after another, one run each."""
    from crawler.run import crawl_settings, run_crawl

    if frontier:
        from xxgk.commands.frontier import crawl_frontier

        crawl_frontier(agency_id, channel, frontier, role, workers, simulator, db, warc_dir, registry_dirs,
                       full_refresh, as_json, parse_overrides(overrides), log_level, print_summary)
        return
    if many_agencies(agency_id):
        from xxgk.commands.crawl_many import crawl_many

        crawl_many(agency_id, channel, simulator, db, warc_dir, registry_dirs, full_refresh, fail_on_partial,
                   as_json, overrides, log_level)
        return
    agency = load_agency("crawl", agency_id, registry_dirs)
    values = parse_overrides(overrides)
    if channel != "all" and channel not in agency.channels:
        fail("crawl", f"agency {agency.id!r} has no {channel} channel in {agency.source}")
    # A garbage, truncated, read-only or newer-schema archive ends here in one line (exit 2), not in Scrapy.
    open_archive("crawl", db, write=True, create=True).close()
    # One writer per archive: the lock `xxgk schedule` takes too (`<db>.lock`), held for the whole crawl;
    # refused with exit 75 when held (a lock handed down by a parent through XXGK_LOCK_FD is shared).
    lock = acquire_or_exit(db, f"xxgk crawl --agency {agency_id} --channel {channel}")
    if channel == "all":
        # One crawl per process (a Twisted reactor cannot restart): each channel in its own subprocess.
        args = child_args(db, log_level, simulator, warc_dir, full_refresh, fail_on_partial, as_json, registry_dirs,
                          overrides)
        worst = EXIT_OK
        for each in agency.channels:
            cmd = xxgk_command("crawl", "--agency", agency_id, "--channel", each, *args)
            worst = max(worst, subprocess.call(cmd, **lock.subprocess_kwargs()))  # children share the lock
        sys.exit(worst)
    settings = crawl_settings(agency, channel, db, warc_dir_for(db, warc_dir), simulator, full_refresh, values,
                              log_level)
    from archive.session import StorageError

    try:
        result = run_crawl(settings, channel)
    except StorageError as exc:
        fail("crawl", str(exc), EXIT_FAILED)
    if result is None:
        fail("crawl", "the crawl ended before its run could be recorded", EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_summary(result, agency_id, channel)
    if not result.get("recorded", True):
        fail("crawl", f"run {result['run_id']} ended {result['status']} but its status could not be written to "
                      f"{db} ({result['unrecorded']}); the next crawl records it as interrupted", EXIT_FAILED)
    if result["status"] == "failed":
        sys.exit(EXIT_FAILED)
    if result["status"] == "interrupted":
        sys.exit(EXIT_INTERRUPTED)
    if result["status"] == "partial" and fail_on_partial:
        sys.exit(EXIT_PARTIAL)
