"""`xxgk crawl --agency all|ID,ID,…|@FILE`: many agencies, one crawl process per channel (crawler/run_many.py), one
run row per agency and channel, one agency's failure never stopping the others.

Exit status: the worst of the agencies' (interrupted 143 > locked 75 > bad input 2 > failed 1 > partial 3 with
`--fail-on-partial` > 0). An agency without the channel is `skipped` under `all` (nothing to crawl) and `failed`
when named (it was asked for); an agency whose registry file cannot be read is `failed`; the others crawl.
"""

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
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    load_agencies,
    open_archive,
    warc_dir_for,
    xxgk_command,
)

RANK = {EXIT_OK: 0, EXIT_PARTIAL: 1, EXIT_FAILED: 2, EXIT_INPUT: 3, EXIT_LOCKED: 4, EXIT_INTERRUPTED: 5}


def worse(a: int, b: int) -> int:
    """The worse of two exit statuses (an unknown one counts as failed)."""
    return a if RANK.get(a, 2) >= RANK.get(b, 2) else b


def exit_status(result: dict[str, Any], fail_on_partial: bool) -> int:
    status = result["status"]
    if status in ("interrupted", "not_started"):
        return EXIT_INTERRUPTED
    if status == "failed" or not result.get("recorded", True):
        return EXIT_FAILED
    return EXIT_PARTIAL if status == "partial" and fail_on_partial else EXIT_OK


def crawl_many(value: str, channel: str, simulator: str | None, db: str, warc_dir: str | None,
               registry_dirs: tuple[Path, ...], full_refresh: bool, fail_on_partial: bool, as_json: bool,
               overrides: tuple[str, ...], log_level: str) -> None:
    from crawler.run import crawl_settings
    from crawler.run_many import run_crawls

    agencies, broken = load_agencies("crawl", value, registry_dirs)
    values = parse_overrides(overrides)
    open_archive("crawl", db, write=True, create=True).close()
    lock = acquire_or_exit(db, f"xxgk crawl --agency {value} --channel {channel}")
    everyone = value.strip() == "all"
    for agency_id, why in broken.items():
        click.echo(f"xxgk crawl: {agency_id}: failed: its registry file cannot be read: {why}", err=True)
    worst = EXIT_FAILED if broken else EXIT_OK
    if channel == "all":
        args = child_args(db, log_level, simulator, warc_dir, full_refresh, fail_on_partial, as_json, registry_dirs,
                          overrides)
        for each in CHANNELS:
            ids = [a.id for a in agencies if each in a.channels]
            if ids:  # the trailing comma keeps one agency a list: the same output and exit rules
                cmd = xxgk_command("crawl", "--agency", ",".join(ids) + ",", "--channel", each, *args)
                worst = worse(worst, subprocess.call(cmd, **lock.subprocess_kwargs()))  # children share the lock
        sys.exit(worst)
    results: dict[str, dict[str, Any]] = {}
    jobs = []
    for agency in agencies:
        if channel in agency.channels:
            jobs.append((agency.id, crawl_settings(agency, channel, db, warc_dir_for(db, warc_dir), simulator,
                                                   full_refresh, values, log_level)))
            continue
        results[agency.id] = {"status": "skipped" if everyone else "failed", "run_id": None,
                              "summary": {"problem": f"no {channel} channel in {agency.source}"}}

    def progress(agency_id: str, result: dict[str, Any]) -> None:
        s = result.get("summary") or {}
        click.echo(f"xxgk crawl: {agency_id} · {channel}: {result['status']} (run {result.get('run_id')}; "
                   f"{s.get('requests', 0)} requests, {s.get('new', 0)} new, {s.get('changed', 0)} changed)"
                   + (f": {s['problem']}" if s.get("problem") else ""), err=True)

    results.update(run_crawls(jobs, channel, progress))
    rows = [{"agency": a.id, **results[a.id]} for a in agencies]
    rows += [{"agency": i, "status": "failed", "run_id": None,
              "summary": {"problem": f"its registry file cannot be read: {why}"}} for i, why in broken.items()]
    for row in rows:
        worst = worse(worst, exit_status(row, fail_on_partial))
    if as_json:
        click.echo(json.dumps({"channel": channel, "exit_status": worst, "agencies": rows}, ensure_ascii=False,
                              indent=2))
    else:
        print_table(rows, channel)
    sys.exit(worst)


def print_table(rows: list[dict[str, Any]], channel: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} agencies · {channel}")
    for name in ("agency", "status", "requests", "new", "changed", "errors", "run / problem"):
        table.add_column(name, justify="left" if name in ("agency", "status", "run / problem") else "right")
    for r in rows:
        s = r.get("summary") or {}
        table.add_row(escape(r["agency"]), r["status"], *(str(s.get(k, 0)) for k in ("requests", "new", "changed",
                                                                                   "errors")),
                      escape(s.get("problem") or r.get("run_id") or ""))
    Console(width=None if sys.stdout.isatty() else 200).print(table)
