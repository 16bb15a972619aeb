"""`xxgk status`: recent runs per agency and channel, their health, the lock and the scheduler's jobs."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from xxgk.options import db_option, open_archive, resolve_db


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


STATUS_STYLE = {"ok": "green", "partial": "yellow", "failed": "red", "interrupted": "red", "running": "cyan",
                "degraded": "yellow", "skipped": "bright_black", "error": "red"}


def _styled(value: str | None) -> str:
    from rich.markup import escape

    if not value:
        return "—"
    return f"[{STATUS_STYLE.get(value, 'white')}]{escape(value)}[/]"


def print_status(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from archive.lock import describe

    console = Console(width=None if sys.stdout.isatty() else 160)
    lock = data["lock"]
    console.print(escape(f"archive {data['db']} · times {data['timezone']} · lock: "
                         + (describe(lock["holder"]) if lock["held"] else "free")))
    if not data["channels"]:
        console.print("no runs recorded yet")
    for group in data["channels"]:
        table = Table(title=escape(f"{group['agency']} · {group['channel']}"), title_justify="left")
        for name, justify in (("when", "left"), ("status", "left"), ("health", "left"), ("seen", "right"),
                              ("new", "right"), ("changed", "right"), ("disappeared", "right"),
                              ("blocked", "right"), ("errors", "right"), ("duration", "right"), ("notes", "left")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for r in group["runs"]:
            mark = "" if r["health_stored"] or r["health"] == "running" else "*"
            notes = "; ".join(r["health_reasons"]) or r["problem"]

            def num(key: str, row: dict[str, Any] = r) -> str:
                return "—" if row.get(key) is None else str(row[key])

            table.add_row(r["when_local"] or "—", _styled(r["status"]),
                          _styled(r["health"]) + mark,
                          num("documents_seen"), num("new"), num("changed"), num("disappeared"), num("blocked"),
                          num("errors"), human_duration(r["duration_s"]), escape(notes[:120]))
        console.print(table)
    if any(not r["health_stored"] for g in data["channels"] for r in g["runs"] if r["health"] != "running"):
        console.print("* health assessed now (the run was not started by the scheduler)")
    if data["jobs"]:
        table = Table(title="scheduler jobs", title_justify="left")
        for name in ("when", "trigger", "outcome", "duration", "detail"):
            table.add_column(name)
        for j in data["jobs"]:
            table.add_row(j["when_local"] or "—", j["trigger"] or "", _styled(j["outcome"]),
                          human_duration(j["duration_s"]), escape((j["detail"] or "")[:160]))
        console.print(table)


@click.command("status")
@db_option()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000),
              help="Runs shown per agency and channel (and scheduler jobs).")
@click.option("--agency", default=None, help="Only this agency.")
@click.option("--timezone", "tz", default="Asia/Shanghai", show_default=True, help="Time zone of the times shown.")
def status(db_path: str, as_json: bool, limit: int, agency: str | None, tz: str) -> None:
    """Recent runs per agency and channel: status, health, new / changed / disappeared, blocked, errors."""
    from archive.status import collect_status

    db_path = resolve_db("status", db_path)
    open_archive("status", db_path, write=False).close()
    data = collect_status(db_path, limit=limit, agency=agency, tz=tz)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_status(data)
