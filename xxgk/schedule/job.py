"""The nightly job: crawl every configured agency and channel, assess each run's health, reconcile the
configured report years, write the audit reports, publish the database for Datasette, write the
health file and, when something failed or degraded, call the webhook.

The whole job holds the archive's lock (`archive/lock.py`), the same one `xxgk crawl` takes, so a crawl
started by system cron or by hand and the scheduled job never overlap: a job that finds the lock held
is recorded as skipped ("skipped: locked by pid N since …") and does nothing else.

Every step is a subprocess (`python -m xxgk crawl …`, `… reconcile …`, `… report …`): a Twisted
reactor cannot restart, Scrapy wants the main thread for its signal handlers and APScheduler runs
jobs in threads, so the scheduler process itself never imports Scrapy. The crawls inherit the job's
lock through their file descriptor. Each job is journaled in `schedule_jobs` (journal.py).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from archive import health as run_health
from archive.lock import ArchiveLock, LockHeld, describe
from archive.publish import publish_database, replace_atomic, temp_path_for, write_atomic
from archive.schema import open_db
from archive.search_index import optimize_file
from archive.times import now_iso
from xxgk.options import EXIT_INPUT, EXIT_LOCKED, xxgk_command

from .config import ScheduleConfig
from .journal import journal, new_job_id
from .notify import job_message, notify_apprise, post_webhook

log = logging.getLogger("xxgk.schedule")


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
        job: dict[str, Any] = {"id": new_job_id(), "trigger": trigger, "started_at": now_iso(), "pid": os.getpid(),
                               "host": socket.gethostname(), "agencies": cfg.resolved_agencies(),
                               "channels": list(cfg.channels), "years": cfg.years(), "runs": [], "steps": []}
        lock = ArchiveLock(cfg.db, command=f"xxgk schedule ({job['id']})")
        try:
            lock.acquire()
        except LockHeld as exc:
            job.update(outcome="skipped", detail=f"skipped: {describe(exc.holder)}", ended_at=now_iso())
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
            message = job_message(job, cfg.language, job.get("feeds"))
            if message is not None and cfg.notify_urls():
                job["notifications"] = notify_apprise(cfg.notify_urls(), *message)
            job["ended_at"] = now_iso()
            try:
                journal(cfg.db, job)
            finally:
                lock.release()
        log.info("job %s: %s%s", job["id"], job["outcome"], f" ({job['detail']})" if job.get("detail") else "")
        self.last = job
        return job

    def _job_steps(self, job: dict[str, Any], lock: ArchiveLock) -> None:
        cfg = self.cfg
        have = {agency: cfg.channels_of(agency) for agency in job["agencies"]}
        known = set(cfg.resolved_registry_ids())
        for channel in cfg.channels:  # one crawl process per channel for all its agencies (xxgk crawl --agency A,B,)
            group = [a for a in job["agencies"] if channel in have[a]]
            # An id the registry does not know crawls alone: it fails as bad input without taking the others along.
            for agencies in [[a for a in group if a in known], *([a] for a in group if a not in known)]:
                if self._stopping.is_set():
                    return
                job["runs"] += self._crawl(job, agencies, channel, lock)
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
        job["feeds"] = self._write_feeds(job)
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

    def _crawl(self, job: dict[str, Any], agencies: list[str], channel: str, lock: ArchiveLock) -> list[dict[str, Any]]:
        """Crawl the channel of every agency in one process, one after another; each agency's entry."""
        cfg = self.cfg
        if not agencies:
            return []
        # A trailing comma keeps one agency a list: the same JSON (every agency's result) whatever their number.
        cmd = xxgk_command("crawl", "--agency", ",".join(agencies) + ",", "--channel", channel, "--db", str(cfg.db),
                           "--json", "--log-level", cfg.log_level, *cfg.registry_args())
        cmd += ["--simulator", cfg.simulator] if cfg.simulator else []
        cmd += list(cfg.crawl_args)
        folder = cfg.logs_folder()
        folder.mkdir(parents=True, exist_ok=True)
        log_file = folder / f"{job['id']}-{channel}.log"
        log.info("crawl %s of %s (log %s)", channel, ", ".join(agencies), log_file)
        started, t0 = now_iso(), time.monotonic()
        with open(log_file, "w", encoding="utf-8") as err:  # the timeout is each agency's
            code, out, _, timed_out = self._spawn(cmd, err, cfg.crawl_timeout * len(agencies),
                                                  **lock.subprocess_kwargs())
        try:
            run_ids = {r["agency"]: r.get("run_id") for r in json.loads(out)["agencies"]}
        except (ValueError, AttributeError, KeyError, TypeError):
            run_ids = {}  # no JSON: the crawl broke before printing its results; look the runs up below
        duration = round(time.monotonic() - t0, 3)
        return [self._crawled(agency, channel, code, timed_out, log_file, started, duration, run_ids.get(agency))
                for agency in agencies]

    def _crawled(self, agency: str, channel: str, code: int, timed_out: bool, log_file: Path, started: str,
                 duration: float, run_id: str | None) -> dict[str, Any]:
        """One agency's entry: its run found, closed if the crawl left it running, and its health assessed."""
        cfg = self.cfg
        entry: dict[str, Any] = {"agency": agency, "channel": channel, "exit_code": code, "log": str(log_file),
                                 "duration_s": duration, "run_id": run_id}
        conn = open_db(cfg.db)
        try:
            if entry["run_id"] is None:
                row = next(conn.query("select id from runs where agency = ? and channel = ? and started_at >= ? "
                                      "order by started_at desc limit 1", [agency, channel, started]), None)
                entry["run_id"] = row["id"] if row else None
            if entry["run_id"] is None:
                tail = log_file.read_text(encoding="utf-8", errors="replace")[-600:].strip()
                why = "timed out" if timed_out else f"exited {code}"
                if code == EXIT_LOCKED:
                    why = "was refused the archive lock (exit 75)"
                entry.update(status="failed", health="failed",
                             reasons=[f"the crawl {why} without recording a run" + (f": {tail}" if tail else "")])
                log.error("crawl %s %s: %s", agency, channel, entry["reasons"][0])
                return entry
            with conn.conn:
                conn.execute("update runs set status = 'interrupted', ended_at = ?, error = ? where id = ? "
                             "and status = 'running'",
                             [now_iso(), "timed out and was stopped by the scheduler" if timed_out
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
        cmd = xxgk_command("reconcile", "--agency", agency, "--year", str(year), "--db", str(self.cfg.db), "--json",
                           *self.cfg.registry_args())
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
        elif code == EXIT_INPUT:
            # Typically the annual report is not published (or not yet crawled): nothing to reconcile yet.
            step.update(status="skipped", message=_last_line(err) or "no annual report to reconcile (exit 2)")
        else:
            step.update(status="failed", message=f"reconcile exited {code}: {_last_line(err)}".rstrip(": "))
        log.info("reconcile %s %s: %s", agency, year, step["message"])
        return step

    def _report(self, agency: str, year: int) -> dict[str, Any]:
        target = self.cfg.reports_folder() / f"{agency}-{year}.html"
        tmp = temp_path_for(target, ".html")
        cmd = xxgk_command("report", "--agency", agency, "--year", str(year), "--format", "html", "--out", str(tmp),
                           "--db", str(self.cfg.db), *self.cfg.registry_args())
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
        try:  # the copy carries the archive's search index, merged into one segment for faster queries
            info = publish_database(self.cfg.db, self.cfg.publish, prepare=optimize_file)
        except Exception as exc:  # noqa: BLE001 - recorded as a failed step
            log.error("publish to %s failed: %s", self.cfg.publish, exc)
            return {"step": "publish", "status": "failed", "message": f"{type(exc).__name__}: {exc}"}
        log.info("published %s (%s bytes)", info["path"], info["bytes"])
        return {"step": "publish", "status": "ok", "message": f"published {info['path']}",
                "duration_s": round(time.monotonic() - t0, 3), **info}

    # -------------------------------------------------------- health file and webhook

    def _write_health(self, job: dict[str, Any]) -> Path:
        path = self.cfg.health_path()
        doc = {"status": job["outcome"], "generated_at": now_iso(), "job_id": job["id"], "started_at": job["started_at"],
               "db": str(self.cfg.db), "published": job.get("published"), "runs": job["runs"], "steps": job["steps"],
               "detail": job.get("detail") or ""}
        write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return path

    def _write_feeds(self, job: dict[str, Any]) -> list[str]:
        """The Atom feed of each agency (all channels, and one per channel), replaced atomically."""
        from archive.feed import atom_feed

        folder = self.cfg.feeds_folder()
        folder.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        conn = open_db(self.cfg.db)
        try:
            for agency in job["agencies"]:
                for channel in [None, *self.cfg.channels_of(agency)]:
                    path = folder / (f"{agency}.atom" if channel is None else f"{agency}-{channel}.atom")
                    text = atom_feed(conn.conn, agency, channel, self.cfg.feed_base_url, self.cfg.language)
                    write_atomic(path, text)
                    written.append(str(path))
        except Exception as exc:  # noqa: BLE001 - a feed never breaks a job; the job says it failed
            log.error("feeds: %s: %s", type(exc).__name__, exc)
            job["steps"].append({"step": "feeds", "status": "failed", "message": f"{type(exc).__name__}: {exc}"})
        finally:
            conn.close()
        log.info("feeds: wrote %d file(s) in %s", len(written), folder)
        return written

    def _notify(self, job: dict[str, Any]) -> dict[str, Any]:
        return post_webhook(self.cfg.webhook(), job, str(self.cfg.db), self.cfg.webhook_timeout)
