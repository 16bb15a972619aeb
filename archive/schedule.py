"""The nightly job and its APScheduler (3.x) schedule.

One job = crawl every configured agency and channel, assess each run's health, reconcile the
configured report years, write the HTML reports, publish the database for Datasette, write the
health file and, when something failed or degraded, POST to the webhook. The whole job holds the
archive's lock (`archive/lock.py`), the same one `xxgk crawl` takes, so a crawl started by system
cron or by hand and the scheduled job never overlap: a job that finds the lock held is recorded
as skipped ("skipped: locked by pid N since …") and does nothing else.

Every step is a subprocess (`python -m xxgk crawl …`, `… reconcile …`, `… report …`): a Twisted
reactor cannot restart, Scrapy wants the main thread for its signal handlers and APScheduler runs
jobs in threads, so the scheduler process itself never imports Scrapy. The crawls inherit the
job's lock through their file descriptor.

The trigger is a `CronTrigger` in the configured time zone (default 02:30 Asia/Shanghai), with
`max_instances=1` (a job still running when the next fire time comes is not started twice),
`coalesce=True` (several missed fire times, e.g. after the machine was suspended, give one catch-up
run) and `misfire_grace_time` (how late a run may still start). Times in the archive are UTC.

Each job is journaled in the `schedule_jobs` table of the archive (migration m004).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import health as run_health
from .lock import ArchiveLock, LockHeld, describe
from .publish import publish_database, replace_atomic, temp_path_for, write_atomic

log = logging.getLogger("xxgk.schedule")

CHANNELS = ("catalog", "website", "wechat")
JOB_ID = "xxgk-nightly"
DEFAULT_CRON = "30 2 * * *"
DEFAULT_TZ = "Asia/Shanghai"
EXIT_OK, EXIT_FAILED, EXIT_DEGRADED, EXIT_SKIPPED = 0, 1, 3, 75
OUTCOME_EXIT = {"ok": EXIT_OK, "degraded": EXIT_DEGRADED, "skipped": EXIT_SKIPPED}  # anything else: 1
CRAWL_EXIT_LOCKED = 75
RECONCILE_NO_REPORT = 2


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_job_id() -> str:
    return f"job-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(3)}"


# ---------------------------------------------------------------- configuration


class ConfigError(ValueError):
    pass


@dataclass
class ScheduleConfig:
    """What the nightly job does (YAML keys of the same names; see docs/scheduling.md)."""

    db: Path = Path("data/archive.sqlite")
    agencies: list[str] = field(default_factory=list)  # empty: every agency in the registry
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TZ
    misfire_grace_time: int = 6 * 3600  # a nightly job may still start this late (e.g. after a suspend)
    simulator: str | None = None
    report_years: list[int | str] = field(default_factory=lambda: ["previous"])
    reports_dir: Path | None = None   # default: reports/ next to the published database (else the archive)
    publish: Path | None = None       # the database Datasette serves (replaced atomically)
    publish_search: bool = True       # build Datasette's search tables into the published copy
    health_file: Path | None = None   # default: <published stem>.health.json (else <db stem>.health.json)
    webhook_url: str | None = None    # XXGK_WEBHOOK_URL overrides it
    webhook_timeout: float = 10.0
    thresholds: dict[str, float] = field(default_factory=dict)
    crawl_timeout: float = 6.5 * 3600  # the crawl's own CLOSESPIDER_TIMEOUT is 6 h
    stop_grace: float = 120.0         # after SIGTERM, before SIGKILL
    crawl_args: list[str] = field(default_factory=list)
    log_dir: Path | None = None       # default: logs/ next to the archive
    log_level: str = "INFO"

    # -------------------------------------------------------- derived

    def resolved_agencies(self) -> list[str]:
        if self.agencies:
            return list(self.agencies)
        from crawler.registry import agency_ids

        return list(agency_ids())

    def years(self, today: datetime | None = None) -> list[int]:
        now = (today or datetime.now(UTC)).astimezone(ZoneInfo(self.timezone))
        out: list[int] = []
        for y in self.report_years:
            value = {"previous": now.year - 1, "current": now.year}.get(str(y).strip().lower()) if isinstance(y, str) else y
            if value is None:
                raise ConfigError(f"report_years: {y!r} is not a year, 'previous' or 'current'")
            if int(value) not in out:
                out.append(int(value))
        return out

    def reports_folder(self) -> Path:
        if self.reports_dir:
            return self.reports_dir
        return (self.publish.parent if self.publish else self.db.parent) / "reports"

    def health_path(self) -> Path:
        if self.health_file:
            return self.health_file
        base = self.publish or self.db
        return base.with_name(base.stem + ".health.json")

    def logs_folder(self) -> Path:
        return self.log_dir or self.db.parent / "logs"

    def webhook(self) -> str | None:
        return os.environ.get("XXGK_WEBHOOK_URL") or self.webhook_url or None

    def public(self) -> dict[str, Any]:
        """The configuration as JSON-able data (the webhook URL, which may carry a token, redacted)."""
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        out["webhook_url"] = "(set)" if self.webhook() else None
        return out


PATH_KEYS = {"db", "reports_dir", "publish", "health_file", "log_dir"}


def load_config(path: str | os.PathLike[str] | None = None, **overrides: Any) -> ScheduleConfig:
    """Read the YAML file (relative paths in it are relative to the file), then apply overrides.

    Overrides are command-line values (None or empty: not given; paths relative to the cwd).
    """
    import yaml

    data: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        p = Path(path)
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read the schedule configuration {p}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: expected a mapping of settings")
        data, base = loaded, p.resolve().parent
    known = set(ScheduleConfig.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown schedule setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in PATH_KEYS:
        if data.get(key):
            data[key] = (base / Path(os.path.expanduser(str(data[key])))).resolve()
    for key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        data[key] = Path(value).resolve() if key in PATH_KEYS else value
    for key in ("agencies", "channels", "report_years", "crawl_args"):
        if isinstance(data.get(key), str | int):
            data[key] = [data[key]]
        if key in data and data[key] is not None:
            data[key] = list(data[key])
    cfg = ScheduleConfig(**{k: v for k, v in data.items() if v is not None})
    cfg.db = Path(cfg.db).resolve()
    bad = [c for c in cfg.channels if c not in CHANNELS]
    if bad:
        raise ConfigError(f"unknown channel(s) {', '.join(bad)} (known: {', '.join(CHANNELS)})")
    try:
        ZoneInfo(cfg.timezone)
    except Exception as exc:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
        raise ConfigError(f"unknown time zone {cfg.timezone!r}") from exc
    try:
        run_health.thresholds_with(cfg.thresholds)
        parse_cron(cfg.cron, cfg.timezone)
        cfg.years()
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    if cfg.publish is not None and Path(cfg.publish).resolve() == cfg.db:
        raise ConfigError("publish must name another file than the archive database")
    return cfg


# ---------------------------------------------------------------- cron

_DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def _crontab_dow(expr: str) -> str:
    """Crontab day-of-week (0 or 7 = Sunday) → APScheduler 3.x names (its numbers start at Monday)."""
    parts: list[str] = []
    for part in expr.split(","):
        base, _, step_text = part.partition("/")
        if not any(ch.isdigit() for ch in base) and not step_text:
            parts.append(part)  # '*', 'mon', 'mon-fri': the same in both
            continue
        if any(ch.isalpha() for ch in base):
            raise ValueError(f"day of week {part!r}: mix names and numbers without steps")
        if base == "*":
            lo, hi = 0, 6
        elif "-" in base:
            lo, hi = (int(x) for x in base.split("-", 1))
        else:
            lo = hi = int(base)
            if step_text:
                hi = 6
        step = int(step_text) if step_text else 1
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi and step >= 1):
            raise ValueError(f"day of week {part!r} out of range 0-7")
        parts.extend(_DOW_NAMES[d % 7] for d in range(lo, hi + 1, step))
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return ",".join(seen)


def parse_cron(expr: str, timezone: str = DEFAULT_TZ) -> Any:
    """A CronTrigger from a crontab line: 5 fields (minute hour day month weekday), or 6 with seconds first.

    Weekday numbers follow crontab (0 and 7 = Sunday), not APScheduler 3.x (0 = Monday).
    `"*/2 * * * * *"` fires every 2 seconds (for tests).
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"cron {expr!r}: expected 5 fields (minute hour day month weekday) or 6 (seconds first)")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, dow = fields
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=_crontab_dow(dow),
                       timezone=ZoneInfo(timezone))


# ---------------------------------------------------------------- the job journal

JOB_COLUMNS = {
    "id": str, "trigger": str, "started_at": str, "ended_at": str,
    "outcome": str,  # running | ok | degraded | failed | skipped | interrupted | error
    "detail": str, "pid": int, "host": str, "agencies": str, "channels": str, "years": str,
    "runs": str, "steps": str, "published": str, "health_file": str, "webhook": str,
}


def _open_archive(db: Path) -> Any:
    from .schema import open_db

    return open_db(db)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def journal(db: Path, job: dict[str, Any]) -> None:
    """Insert or update the job's row in `schedule_jobs`."""
    row = {k: (_dump(v) if isinstance(v, list | dict) else v) for k, v in job.items() if k in JOB_COLUMNS}
    conn = _open_archive(db)
    try:
        conn["schedule_jobs"].upsert(row, pk="id")
    finally:
        conn.close()


# ---------------------------------------------------------------- the job


def prepare_for_datasette(path: Path) -> dict[str, Any]:
    """Build the search tables (archive/datasette/search.py) into a copy about to be published, so the
    published file is ready to be served immutable (`xxgk serve --db PUBLISHED --no-snapshot`)."""
    try:
        from .datasette.search import ensure_search
    except ImportError:  # the Datasette part is not installed: publish the plain archive
        return {"search": False}
    from sqlite_utils import Database

    db = Database(path)
    try:
        stats = ensure_search(db)
    finally:
        db.close()
    return {"search": True, **({k: v for k, v in stats.items() if isinstance(v, int | str)}
                               if isinstance(stats, dict) else {})}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


class JobRunner:
    """Runs the nightly job; `run()` is what APScheduler calls (in a worker thread)."""

    def __init__(self, cfg: ScheduleConfig):
        self.cfg = cfg
        self._stopping = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._proc: subprocess.Popen | None = None
        self._proc_lock = threading.RLock()  # stop() may run in a signal handler of the same thread
        self.last: dict[str, Any] | None = None

    # -------------------------------------------------------- control

    def stop(self) -> None:
        """Ask a running job to stop: its current subprocess gets SIGTERM (Scrapy closes its run)."""
        self._stopping.set()
        with self._proc_lock:
            if self._proc is not None and self._proc.poll() is None:
                log.warning("stopping: sending SIGTERM to pid %s", self._proc.pid)
                self._proc.send_signal(signal.SIGTERM)

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    # -------------------------------------------------------- one job

    def run(self, trigger: str = "cron") -> dict[str, Any]:
        self._idle.clear()
        try:
            return self._run(trigger)
        finally:
            self._idle.set()

    def _run(self, trigger: str) -> dict[str, Any]:
        cfg = self.cfg
        job: dict[str, Any] = {"id": new_job_id(), "trigger": trigger, "started_at": utc_now(), "pid": os.getpid(),
                               "host": socket.gethostname(), "agencies": cfg.resolved_agencies(),
                               "channels": list(cfg.channels), "years": cfg.years(), "runs": [], "steps": []}
        lock = ArchiveLock(cfg.db, command=f"xxgk schedule ({job['id']})")
        try:
            lock.acquire()
        except LockHeld as exc:
            job.update(outcome="skipped", detail=f"skipped: {describe(exc.holder)}", ended_at=utc_now())
            log.warning("job %s %s", job["id"], job["detail"])
            journal(cfg.db, job)
            self.last = job
            return job
        try:
            job["outcome"] = "running"
            journal(cfg.db, job)
            log.info("job %s: %s × %s, report years %s", job["id"], ",".join(job["agencies"]),
                     ",".join(job["channels"]), job["years"] or "none")
            self._job_steps(job, lock)
        except Exception as exc:  # noqa: BLE001 - a job never kills the scheduler; it is journaled
            job.update(outcome="error", detail=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")
            log.exception("job %s failed", job["id"])
        finally:
            if self._stopping.is_set() and job.get("outcome") == "running":
                job["outcome"], job["detail"] = "interrupted", "stopped by a signal during the job"
            if job.get("outcome") in ("failed", "degraded", "error"):
                job["webhook"] = self._notify(job)
            job["ended_at"] = utc_now()
            try:
                journal(cfg.db, job)
            finally:
                lock.release()
        log.info("job %s: %s%s", job["id"], job["outcome"], f" ({job['detail']})" if job.get("detail") else "")
        self.last = job
        return job

    def _job_steps(self, job: dict[str, Any], lock: ArchiveLock) -> None:
        cfg = self.cfg
        for agency in job["agencies"]:
            for channel in job["channels"]:
                if self._stopping.is_set():
                    return
                job["runs"].append(self._crawl(job, agency, channel, lock))
        if self._stopping.is_set():
            return
        for agency in job["agencies"]:
            for year in job["years"]:
                step = self._reconcile(agency, year)
                job["steps"].append(step)
                if step["status"] == "ok":
                    job["steps"].append(self._report(agency, year))
        if cfg.publish is not None and not self._stopping.is_set():
            job["steps"].append(self._publish())
            job["published"] = str(cfg.publish)
        job["outcome"] = self._outcome(job)
        failed_steps = [s for s in job["steps"] if s["status"] == "failed"]
        job["detail"] = "; ".join(
            [f"{r['agency']} {r['channel']}: {r['health']} ({'; '.join(r['reasons'])})"
             for r in job["runs"] if r["health"] != "ok"]
            + [f"{s['step']} {s.get('agency', '')} {s.get('year', '')}: {s['message']}".replace("  ", " ")
               for s in failed_steps])
        job["health_file"] = str(self._write_health(job))

    @staticmethod
    def _outcome(job: dict[str, Any]) -> str:
        levels = [r["health"] for r in job["runs"]]
        levels += ["failed" for s in job["steps"] if s["status"] == "failed"]
        return run_health.worst(*levels) if levels else "ok"

    # -------------------------------------------------------- subprocesses

    def _spawn(self, cmd: list[str], stderr: Any, timeout: float, **kwargs: Any) -> tuple[int, str, str, bool]:
        """Run a step; returns (exit code, stdout, stderr if piped, timed out). SIGTERM on timeout, SIGKILL after
        the grace period."""
        # Its own session: a Ctrl-C on the scheduler's terminal reaches the scheduler only, which forwards one
        # SIGTERM (Scrapy's graceful stop; a second one forces it). A crawl outliving a killed scheduler keeps
        # the shared lock until it ends.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True,
                                start_new_session=True, **kwargs)
        with self._proc_lock:
            self._proc = proc
        if self._stopping.is_set():
            proc.send_signal(signal.SIGTERM)
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            log.error("%s ran longer than %ss: SIGTERM", " ".join(cmd[2:5]), timeout)
            proc.terminate()
            try:
                out, err = proc.communicate(timeout=self.cfg.stop_grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
        finally:
            with self._proc_lock:
                self._proc = None
        return proc.returncode, out or "", err or "", timed_out

    def _xxgk(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "xxgk", *args]

    def _crawl(self, job: dict[str, Any], agency: str, channel: str, lock: ArchiveLock) -> dict[str, Any]:
        cfg = self.cfg
        cmd = self._xxgk("crawl", "--agency", agency, "--channel", channel, "--db", str(cfg.db), "--json",
                         "--log-level", cfg.log_level)
        cmd += ["--simulator", cfg.simulator] if cfg.simulator else []
        cmd += list(cfg.crawl_args)
        folder = cfg.logs_folder()
        folder.mkdir(parents=True, exist_ok=True)
        log_file = folder / f"{job['id']}-{agency}-{channel}.log"
        log.info("crawl %s %s (log %s)", agency, channel, log_file)
        started, t0 = utc_now(), time.monotonic()
        with open(log_file, "w", encoding="utf-8") as err:
            code, out, _, timed_out = self._spawn(cmd, err, cfg.crawl_timeout, **lock.subprocess_kwargs())
        entry: dict[str, Any] = {"agency": agency, "channel": channel, "exit_code": code, "log": str(log_file),
                                 "duration_s": round(time.monotonic() - t0, 3), "run_id": None}
        try:
            entry["run_id"] = json.loads(out).get("run_id")
        except (ValueError, AttributeError):
            pass  # no JSON: the crawl broke before printing its result; look the run up below
        conn = _open_archive(cfg.db)
        try:
            if entry["run_id"] is None:
                row = next(conn.query("select id from runs where agency = ? and channel = ? and started_at >= ? "
                                      "order by started_at desc limit 1", [agency, channel, started]), None)
                entry["run_id"] = row["id"] if row else None
            if entry["run_id"] is None:
                tail = log_file.read_text(encoding="utf-8", errors="replace")[-600:].strip()
                why = "timed out" if timed_out else f"exited {code}"
                if code == CRAWL_EXIT_LOCKED:
                    why = "was refused the archive lock (exit 75)"
                entry.update(status="failed", health="failed",
                             reasons=[f"the crawl {why} without recording a run" + (f": {tail}" if tail else "")])
                log.error("crawl %s %s: %s", agency, channel, entry["reasons"][0])
                return entry
            with conn.conn:
                conn.execute("update runs set status = 'interrupted', ended_at = ?, error = ? where id = ? "
                             "and status = 'running'",
                             [utc_now(), "timed out and was stopped by the scheduler" if timed_out
                              else f"the crawl process ended (exit {code}) without closing its run", entry["run_id"]])
            verdict = run_health.assess(conn, entry["run_id"], cfg.thresholds)
            run_health.record(conn, entry["run_id"], verdict)
            run = next(conn.query("select status, summary from runs where id = ?", [entry["run_id"]]))
        finally:
            conn.close()
        summary = json.loads(run["summary"] or "{}")
        entry.update(status=run["status"], health=verdict["status"], reasons=verdict["reasons"],
                     documents_seen=verdict["documents_seen"], previous_seen=verdict["previous_seen"],
                     **{k: summary.get(k) for k in ("requests", "new", "changed", "unchanged", "disappeared",
                                                    "blocked", "errors")})
        log.info("crawl %s %s: run %s %s, health %s%s", agency, channel, entry["run_id"], entry["status"],
                 entry["health"], f" ({'; '.join(entry['reasons'])})" if entry["reasons"] else "")
        return entry

    def _reconcile(self, agency: str, year: int) -> dict[str, Any]:
        cmd = self._xxgk("reconcile", "--agency", agency, "--year", str(year), "--db", str(self.cfg.db), "--json")
        t0 = time.monotonic()
        code, out, err, _ = self._spawn(cmd, subprocess.PIPE, self.cfg.crawl_timeout)
        step: dict[str, Any] = {"step": "reconcile", "agency": agency, "year": year, "exit_code": code,
                                "duration_s": round(time.monotonic() - t0, 3)}
        if code == 0:
            try:
                rec = json.loads(out)
                step.update(status="ok", reconciliation=rec.get("id"),
                            statuses=(rec.get("summary") or {}).get("statuses"), message="reconciled")
            except ValueError:
                step.update(status="failed", message="reconcile printed no JSON")
        elif code == RECONCILE_NO_REPORT:
            # Typically the annual report is not published (or not yet crawled): nothing to reconcile yet.
            step.update(status="skipped", message=_last_line(err) or "no annual report to reconcile (exit 2)")
        else:
            step.update(status="failed", message=f"reconcile exited {code}: {_last_line(err)}".rstrip(": "))
        log.info("reconcile %s %s: %s", agency, year, step["message"])
        return step

    def _report(self, agency: str, year: int) -> dict[str, Any]:
        target = self.cfg.reports_folder() / f"{agency}-{year}.html"
        tmp = temp_path_for(target, ".html")
        cmd = self._xxgk("report", "--agency", agency, "--year", str(year), "--format", "html", "--out", str(tmp),
                         "--db", str(self.cfg.db))
        code, _, err, _ = self._spawn(cmd, subprocess.PIPE, self.cfg.crawl_timeout)
        step: dict[str, Any] = {"step": "report", "agency": agency, "year": year, "exit_code": code}
        if code == 0 and tmp.stat().st_size > 0:
            replace_atomic(tmp, target)
            step.update(status="ok", path=str(target), message=f"wrote {target}")
        else:
            tmp.unlink(missing_ok=True)
            step.update(status="failed", message=f"report exited {code}: {_last_line(err)}".rstrip(": "))
        log.info("report %s %s: %s", agency, year, step["message"])
        return step

    def _publish(self) -> dict[str, Any]:
        assert self.cfg.publish is not None
        t0 = time.monotonic()
        prepare = prepare_for_datasette if self.cfg.publish_search else None
        try:
            info = publish_database(self.cfg.db, self.cfg.publish, prepare=prepare)
        except Exception as exc:  # noqa: BLE001 - recorded as a failed step
            log.error("publish to %s failed: %s", self.cfg.publish, exc)
            return {"step": "publish", "status": "failed", "message": f"{type(exc).__name__}: {exc}"}
        log.info("published %s (%s bytes)", info["path"], info["bytes"])
        return {"step": "publish", "status": "ok", "message": f"published {info['path']}",
                "duration_s": round(time.monotonic() - t0, 3), **info}

    # -------------------------------------------------------- health file and webhook

    def _write_health(self, job: dict[str, Any]) -> Path:
        path = self.cfg.health_path()
        doc = {"status": job["outcome"], "generated_at": utc_now(), "job_id": job["id"], "started_at": job["started_at"],
               "db": str(self.cfg.db), "published": job.get("published"), "runs": job["runs"], "steps": job["steps"],
               "detail": job.get("detail") or ""}
        write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return path

    def _notify(self, job: dict[str, Any]) -> dict[str, Any]:
        url = self.cfg.webhook()
        if not url:
            return {"sent": False, "reason": "no webhook configured"}
        problems = [r for r in job["runs"] if r["health"] != "ok"]
        payload = {
            "event": "xxgk.job", "status": job["outcome"], "job_id": job["id"], "host": job["host"],
            "started_at": job["started_at"], "db": str(self.cfg.db), "published": job.get("published"),
            "text": f"xxgk {job['outcome']}: {job.get('detail') or ''}".strip(),
            "problems": problems, "failed_steps": [s for s in job["steps"] if s["status"] == "failed"],
            "runs": job["runs"],
        }
        try:
            body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        except (TypeError, ValueError) as exc:
            return {"sent": False, "error": f"cannot encode the payload: {exc}"}
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "xxgk-archive scheduler"})
        try:
            with urllib.request.urlopen(req, timeout=self.cfg.webhook_timeout) as resp:  # noqa: S310 - operator's URL
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError) as exc:
            log.error("webhook POST failed: %s", exc)
            return {"sent": False, "error": f"{type(exc).__name__}: {exc}"}
        log.info("webhook POST: HTTP %s", status)
        return {"sent": True, "http_status": status, "accepted": 200 <= status < 300}


# ---------------------------------------------------------------- the scheduler


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
