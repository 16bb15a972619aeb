"""`xxgk schedule` (the nightly job, or one run of it with --once) and `xxgk status` (recent runs and health).

Exit statuses of `xxgk schedule --once`: 0 ok, 3 degraded, 1 failed (a failed run or step, an
interrupted or broken job), 75 skipped (the archive's lock is held by another crawl or job),
2 bad configuration. `xxgk schedule` without --once runs until SIGTERM/SIGINT (exit 0).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from xxgk.options import (
    CHANNELS,
    DEFAULT_DB,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    fail,
    open_archive,
    registry_option,
)

# A degraded job exits like a partial crawl; a skipped one like a refused lock.
OUTCOME_EXIT = {"ok": EXIT_OK, "degraded": EXIT_PARTIAL, "skipped": EXIT_LOCKED}  # anything else: 1


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO)


@click.command("schedule")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="YAML configuration (agencies, registry, channels, cron, timezone, report_years, publish, "
                   "webhook_url, thresholds …; see docs/scheduling.md).")
@click.option("--db", default=None, help=f"Archive database (default: the config's, else {DEFAULT_DB}).")
@click.option("--cron", default=None, metavar="EXPR",
              help='Crontab line, 5 fields or 6 with seconds first (default "30 2 * * *").')
@click.option("--timezone", "timezone", default=None, help="Time zone of the cron line (default Asia/Shanghai).")
@click.option("--simulator", default=None, metavar="URL", help="Crawl a running simulator instead of the real sites.")
@click.option("--agency", "agencies", multiple=True, help="Agency id (repeatable; default: the config's, else all).")
@registry_option
@click.option("--channel", "channels", multiple=True, type=click.Choice(CHANNELS),
              help="Channel (repeatable; default: the config's, else all three).")
@click.option("--publish", default=None, metavar="PATH", help="Publish the database here (atomically) after the job.")
@click.option("--once", is_flag=True, help="Run the job once now and exit (for system cron or systemd timers).")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the job record as JSON.")
def schedule(config_path: Path | None, db: str | None, cron: str | None, timezone: str | None, simulator: str | None,
             agencies: tuple[str, ...], registry_dirs: tuple[Path, ...], channels: tuple[str, ...],
             publish: str | None, once: bool, as_json: bool) -> None:
    """Crawl, reconcile, report and publish on a cron schedule (APScheduler), one job at a time."""
    from xxgk.schedule import ConfigError, load_config, run_once, serve

    _setup_logging()
    try:
        cfg = load_config(config_path, db=db, cron=cron, timezone=timezone, simulator=simulator,
                          agencies=list(agencies), registry=list(registry_dirs), channels=list(channels),
                          publish=publish)
    except ConfigError as exc:
        fail("schedule", str(exc))
    open_archive("schedule", cfg.db, write=True, create=True).close()  # unusable archives end here, in one line
    if not once:
        sys.exit(serve(cfg))
    job = run_once(cfg)
    if as_json:
        click.echo(json.dumps(job, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(f"job {job['id']}: {job['outcome']}" + (f" — {job['detail']}" if job.get("detail") else ""))
    sys.exit(OUTCOME_EXIT.get(job["outcome"], EXIT_FAILED))
