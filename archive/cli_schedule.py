"""`xxgk schedule` (the nightly job, or one run of it with --once) and `xxgk status` (recent runs and health).

Exit statuses of `xxgk schedule --once`: 0 ok, 3 degraded, 1 failed (a failed run or step, an
interrupted or broken job), 75 skipped (the archive's lock is held by another crawl or job),
2 bad configuration. `xxgk schedule` without --once runs until SIGTERM/SIGINT (exit 0).

Also runnable as `python -m archive.cli_schedule schedule|status`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

EXIT_CONFIG = 2
DEFAULT_DB = "data/archive.sqlite"


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO)


@click.command("schedule")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="YAML configuration (agencies, channels, cron, timezone, report_years, publish, webhook_url, "
                   "thresholds …; see docs/scheduling.md).")
@click.option("--db", default=None, help=f"Archive database (default: the config's, else {DEFAULT_DB}).")
@click.option("--cron", default=None, metavar="EXPR",
              help='Crontab line, 5 fields or 6 with seconds first (default "30 2 * * *").')
@click.option("--timezone", "timezone", default=None, help="Time zone of the cron line (default Asia/Shanghai).")
@click.option("--simulator", default=None, metavar="URL", help="Crawl a running simulator instead of the real sites.")
@click.option("--agency", "agencies", multiple=True, help="Agency id (repeatable; default: the config's, else all).")
@click.option("--channel", "channels", multiple=True, type=click.Choice(["catalog", "website", "wechat"]),
              help="Channel (repeatable; default: the config's, else all three).")
@click.option("--publish", default=None, metavar="PATH", help="Publish the database here (atomically) after the job.")
@click.option("--once", is_flag=True, help="Run the job once now and exit (for system cron or systemd timers).")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the job record as JSON.")
def schedule(config_path: Path | None, db: str | None, cron: str | None, timezone: str | None, simulator: str | None,
             agencies: tuple[str, ...], channels: tuple[str, ...], publish: str | None, once: bool,
             as_json: bool) -> None:
    """Crawl, reconcile, report and publish on a cron schedule (APScheduler), one job at a time."""
    from .schedule import OUTCOME_EXIT, ConfigError, load_config, run_once, serve

    _setup_logging()
    try:
        cfg = load_config(config_path, db=db, cron=cron, timezone=timezone, simulator=simulator,
                          agencies=list(agencies), channels=list(channels), publish=publish)
    except ConfigError as exc:
        click.echo(f"xxgk schedule: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    if not once:
        sys.exit(serve(cfg))
    job = run_once(cfg)
    if as_json:
        click.echo(json.dumps(job, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(f"job {job['id']}: {job['outcome']}" + (f" — {job['detail']}" if job.get("detail") else ""))
    sys.exit(OUTCOME_EXIT.get(job["outcome"], 1))


# ---------------------------------------------------------------- status


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None


def _duration(a: str | None, b: str | None) -> float | None:
    start, end = _parse(a), _parse(b)
    return round((end - start).total_seconds(), 1) if start and end else None


def _human_duration(seconds: float | None) -> str:
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


def collect_status(db_path: str | Path, limit: int = 5, agency: str | None = None,
                   tz: str = "Asia/Shanghai") -> dict[str, Any]:
    """Recent runs per agency and channel with their health, the lock and the last scheduler jobs."""
    from . import health as run_health
    from .lock import lock_path, probe

    zone = ZoneInfo(tz)
    conn = sqlite3.connect(db_path, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        groups: list[dict[str, Any]] = []
        if "runs" in tables:
            keys = conn.execute("select distinct agency, channel from runs" + (" where agency = ?" if agency else "")
                                + " order by agency, channel", (agency,) if agency else ()).fetchall()
            for key in keys:
                rows = conn.execute("select * from runs where agency = ? and channel = ? order by started_at desc "
                                    "limit ?", (key["agency"], key["channel"], limit)).fetchall()
                runs = []
                for r in map(dict, rows):
                    try:
                        summary = json.loads(r.get("summary") or "{}")
                    except ValueError:
                        summary = {}
                    verdict = run_health.stored_or_assessed(conn, r)
                    started = _parse(r["started_at"])
                    seen = verdict.get("documents_seen")
                    if seen is None and summary:
                        seen = sum(int(summary.get(k) or 0) for k in ("new", "changed", "unchanged"))
                    runs.append({
                        "run_id": r["id"], "started_at": r["started_at"], "ended_at": r["ended_at"],
                        "when_local": started.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if started else None,
                        "duration_s": _duration(r["started_at"], r["ended_at"]), "status": r["status"],
                        "health": verdict.get("status"), "health_reasons": verdict.get("reasons", []),
                        "health_stored": verdict.get("stored", False), "documents_seen": seen,
                        **{k: summary.get(k) for k in ("requests", "new", "changed", "unchanged", "disappeared",
                                                       "reappeared", "blocked", "errors")},
                        "problem": summary.get("problem") or r.get("error") or "",
                    })
                groups.append({"agency": key["agency"], "channel": key["channel"], "runs": runs})
        jobs: list[dict[str, Any]] = []
        if "schedule_jobs" in tables:
            for j in map(dict, conn.execute("select * from schedule_jobs order by started_at desc limit ?", (limit,))):
                started = _parse(j["started_at"])
                jobs.append({"job_id": j["id"], "trigger": j["trigger"], "started_at": j["started_at"],
                             "when_local": started.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if started else None,
                             "duration_s": _duration(j["started_at"], j["ended_at"]), "outcome": j["outcome"],
                             "detail": j["detail"] or "", "pid": j["pid"]})
    finally:
        conn.close()
    holder = probe(db_path)
    return {"db": str(db_path), "generated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "timezone": tz, "lock": {"file": str(lock_path(db_path)), "held": holder is not None, "holder": holder},
            "channels": groups, "jobs": jobs}


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

    from .lock import describe

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
                          num("errors"), _human_duration(r["duration_s"]), escape(notes[:120]))
        console.print(table)
    if any(not r["health_stored"] for g in data["channels"] for r in g["runs"] if r["health"] != "running"):
        console.print("* health assessed now (the run was not started by the scheduler)")
    if data["jobs"]:
        table = Table(title="scheduler jobs", title_justify="left")
        for name in ("when", "trigger", "outcome", "duration", "detail"):
            table.add_column(name)
        for j in data["jobs"]:
            table.add_row(j["when_local"] or "—", j["trigger"] or "", _styled(j["outcome"]),
                          _human_duration(j["duration_s"]), escape((j["detail"] or "")[:160]))
        console.print(table)


@click.command("status")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive database.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000),
              help="Runs shown per agency and channel (and scheduler jobs).")
@click.option("--agency", default=None, help="Only this agency.")
@click.option("--timezone", "tz", default="Asia/Shanghai", show_default=True, help="Time zone of the times shown.")
def status(db_path: str, as_json: bool, limit: int, agency: str | None, tz: str) -> None:
    """Recent runs per agency and channel: status, health, new / changed / disappeared, blocked, errors."""
    if not Path(db_path).is_file():
        click.echo(f"xxgk status: no archive database at {db_path}", err=True)
        sys.exit(EXIT_CONFIG)
    data = collect_status(db_path, limit=limit, agency=agency, tz=tz)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_status(data)


@click.group()
def cli() -> None:
    """Scheduling commands (also available as `xxgk schedule` and `xxgk status`)."""


cli.add_command(schedule)
cli.add_command(status)

if __name__ == "__main__":
    cli()
