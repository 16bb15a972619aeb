"""The nightly schedule: configuration, the job and its steps, the journal, APScheduler wiring."""

from .config import DEFAULT_CRON, DEFAULT_TZ, ConfigError, ScheduleConfig, load_config, parse_cron
from .job import JobRunner
from .scheduler import JOB_ID, build_scheduler, run_once, serve

__all__ = ["DEFAULT_CRON", "DEFAULT_TZ", "JOB_ID", "ConfigError", "JobRunner", "ScheduleConfig", "build_scheduler",
           "load_config", "parse_cron", "run_once", "serve"]
