"""`xxgk crawl --frontier redis://… --role writer|worker`: one agency's catalog or website crawled by several worker
processes sharing a Redis frontier, stored by one writer (crawler/redis_frontier.py, pipelines/redis_queue.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from xxgk.options import EXIT_FAILED, EXIT_INTERRUPTED, fail, load_agency, open_archive, warc_dir_for


def crawl_frontier(agency_id: str, channel: str, frontier: str, role: str, workers: int, simulator: str | None,
                   db: str, warc_dir: str | None, registry_dirs: tuple[Path, ...], full_refresh: bool,
                   as_json: bool, overrides: dict[str, str], log_level: str, on_summary: Any) -> None:
    from redis.exceptions import RedisError

    from crawler.redis_frontier import CHANNELS, frontier_settings
    from crawler.run import crawl_settings

    if channel not in CHANNELS:
        fail("crawl", f"--frontier scales out the {', '.join(CHANNELS)} channel only, not {channel}")
    agency = load_agency("crawl", agency_id, registry_dirs)
    if channel not in agency.channels:
        fail("crawl", f"agency {agency.id!r} has no {channel} channel in {agency.source}")
    settings = crawl_settings(agency, channel, db, warc_dir_for(db, warc_dir), simulator, full_refresh, overrides,
                              log_level)
    frontier_settings(settings, frontier, agency.id, channel)
    if role == "worker":
        from crawler.redis_frontier import run_worker

        try:
            result = run_worker(settings, channel)
        except TimeoutError as exc:  # no writer started the run
            fail("crawl", f"{exc}; start `xxgk crawl … --frontier {frontier} --role writer` first", EXIT_FAILED)
        except RedisError as exc:
            fail("crawl", f"the frontier {frontier} cannot be reached: {exc}", EXIT_FAILED)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        elif result:
            click.echo(f"worker {result['worker']}: {result['requests']} requests for run {result['run_id']} "
                       f"({result['finish_reason']}{'; ' + result['problem'] if result['problem'] else ''})")
        sys.exit(0 if result and not result["problem"] else EXIT_FAILED)
    from crawler.redis_frontier import connect
    from xxgk.commands.crawl_shared import acquire_or_exit

    try:  # before the archive is created or locked
        connect(frontier).ping()
    except RedisError as exc:
        fail("crawl", f"the frontier {frontier} cannot be reached: {exc}", EXIT_FAILED)
    open_archive("crawl", db, write=True, create=True).close()
    lock = acquire_or_exit(db, f"xxgk crawl --agency {agency_id} --channel {channel} --frontier --role writer")
    from archive.session import StorageError
    from pipelines.redis_queue import run_writer

    try:
        result = run_writer(settings, channel, workers)
    except StorageError as exc:
        fail("crawl", str(exc), EXIT_FAILED)
    except RedisError as exc:
        fail("crawl", f"the frontier {frontier} cannot be reached: {exc}", EXIT_FAILED)
    finally:
        lock.release()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        on_summary(result, agency_id, channel)
    sys.exit({"failed": EXIT_FAILED, "interrupted": EXIT_INTERRUPTED}.get(result["status"], 0))
