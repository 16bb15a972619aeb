"""APScheduler (3.x) wiring: the nightly job on a cron trigger, one instance at a time, or one job now.

The trigger is a `CronTrigger` in the configured time zone (default 02:30 Asia/Shanghai), with
`max_instances=1` (a job still running when the next fire time comes is not started twice),
`coalesce=True` (several missed fire times, e.g. after the machine was suspended, give one catch-up
run) and `misfire_grace_time` (how late a run may still start).
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .config import ScheduleConfig, parse_cron
from .job import JobRunner

log = logging.getLogger("xxgk.schedule")
JOB_ID = "xxgk-nightly"

def build_scheduler(cfg: ScheduleConfig, runner: JobRunner | None = None) -> tuple[Any, JobRunner]:
    """A BlockingScheduler with the nightly job (not started)."""
    from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    runner = runner or JobRunner(cfg)
    tz = ZoneInfo(cfg.timezone)
    scheduler = BlockingScheduler(timezone=tz, executors={"default": ThreadPoolExecutor(max_workers=1)})
    scheduler.add_job(runner.run, trigger=parse_cron(cfg.cron, cfg.timezone), kwargs={"trigger": "cron"}, id=JOB_ID,
                      name="xxgk nightly job", max_instances=1, coalesce=True,
                      misfire_grace_time=cfg.misfire_grace_time, replace_existing=True)

    def on_event(event: Any) -> None:
        times = ", ".join(t.isoformat() for t in getattr(event, "scheduled_run_times", None) or [])
        if event.code == EVENT_JOB_MISSED:
            log.warning("missed the run due at %s (later than misfire_grace_time %ss)",
                        getattr(event, "scheduled_run_time", "?"), cfg.misfire_grace_time)
        else:
            log.warning("not starting the run due at %s: the previous job is still running", times)

    scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler, runner


def run_once(cfg: ScheduleConfig) -> dict[str, Any]:
    """One job now, in this thread; SIGTERM/SIGINT stop its running step cleanly (the job is journaled)."""
    runner = JobRunner(cfg)

    def on_signal(signum: int, _frame: Any) -> None:
        log.warning("%s: stopping the job", signal.Signals(signum).name)
        runner.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return runner.run(trigger="once")


def serve(cfg: ScheduleConfig) -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT; a running job is stopped cleanly."""
    scheduler, runner = build_scheduler(cfg)
    stopping = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.warning("%s: stopping the scheduler%s", signal.Signals(signum).name,
                    " (again: the running step is forced to stop)" if stopping.is_set() else "")
        runner.stop()
        if not stopping.is_set():
            stopping.set()
            # Not from inside the handler: shutdown takes the scheduler's locks.
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    job = scheduler.get_job(JOB_ID)
    log.info("xxgk schedule: archive %s, cron %r (%s), next run %s", cfg.db, cfg.cron, cfg.timezone,
             job.trigger.get_next_fire_time(None, datetime.now(ZoneInfo(cfg.timezone))))
    scheduler.start()
    runner.wait_idle()
    log.info("xxgk schedule: stopped")
    return 0
