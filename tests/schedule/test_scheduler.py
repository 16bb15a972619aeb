"""The scheduler against the simulator: real crawls in subprocesses, a real lock, a real webhook server.

No sleeps for synchronization: every wait polls a condition (the archive, the job journal, the
webhook's inbox, the clock) under a deadline.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archive.lock import ArchiveLock
from simulator.testing import RunningSimulator, start_simulator
from tests.e2e.helpers import truth_by_year_and_category
from tests.support import small_scenario
from xxgk.schedule import build_scheduler, load_config

from .helpers import (
    AGENCY,
    XXGK,
    jobs,
    rows,
    running,
    runs,
    schedule_cmd,
    wait_for,
    webhook_server,
    write_config,
)


def config(tmp_path: Path, sim: RunningSimulator, **extra: Any) -> Path:
    values = {"db": "archive.sqlite", "agencies": [AGENCY], "channels": ["catalog"], "simulator": sim.url,
              "report_years": [], "publish": "published/archive.sqlite", "log_level": "WARNING",
              "misfire_grace_time": 60, **extra}
    return write_config(tmp_path / "schedule.yaml", **values)


def once(cfg: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    out = subprocess.run(schedule_cmd("schedule", "--config", str(cfg), "--once", "--json"), capture_output=True,
                         text=True, timeout=300, env={**os.environ, **(env or {})})
    assert out.stdout.strip(), f"exit {out.returncode}: {out.stderr[-3000:]}"
    return out.returncode, json.loads(out.stdout)


def finished(db: Path, outcome: str = "ok") -> list[dict[str, Any]]:
    return [j for j in jobs(db) if j["outcome"] == outcome]


def test_scheduled_jobs_run_crawl_reconcile_report_and_publish(tmp_path: Path) -> None:
    """A seconds-level cron: two consecutive jobs, each crawling, reconciling 2024, reporting and publishing
    (kaiping-2024 at a quarter of its volumes: its annual report, a crawl of seconds)."""
    with start_simulator(str(small_scenario(tmp_path / "scenario.yaml"))) as simulator:
        cfg = config(tmp_path, simulator, cron="* * * * * *", report_years=[2024])
        db, published = tmp_path / "archive.sqlite", tmp_path / "published" / "archive.sqlite"
        with running(schedule_cmd("schedule", "--config", str(cfg)), tmp_path / "scheduler.log") as proc:
            wait_for(lambda: len(finished(db)) >= 2 or proc.poll() is not None, 150, "two finished jobs")
            assert proc.poll() is None, (tmp_path / "scheduler.log").read_text()[-3000:]
            proc.terminate()
            assert proc.wait(timeout=60) == 0
        listed = sum(n for by_category in truth_by_year_and_category(simulator.truth()).values()
                     for n in by_category.values())
    done = finished(db)
    recorded = [r for r in runs(db) if r["status"] != "interrupted"]
    first, second = recorded[0], recorded[1]
    assert (first["status"], second["status"]) == ("ok", "ok")
    assert first["summary"]["new"] == listed and second["summary"]["new"] == 0  # the second is incremental
    assert first["summary"]["health"]["status"] == "ok" and second["summary"]["health"]["previous_run"] == first["id"]
    assert [json.loads(j["runs"])[0]["run_id"] for j in done[:2]] == [first["id"], second["id"]]
    assert all(j["trigger"] == "cron" for j in done)
    # reconciled and reported every job, published the archive, wrote the health file
    assert len(rows(db, "select id from reconciliations where agency = ? and year = 2024", (AGENCY,))) >= 2
    report = tmp_path / "published" / "reports" / f"{AGENCY}-2024.html"
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert len(rows(published, "select id from runs")) >= 2
    assert len(rows(published, "select id from reconciliations")) >= 2
    # the published copy carries the archive's search index, kept current by the crawls: every document in it
    assert len(rows(published, "select id from documents_fts_docsize")) == len(rows(published, "select id from documents"))
    assert len(rows(published, "select id from documents")) >= first["summary"]["new"]
    state = json.loads((tmp_path / "published" / "archive.health.json").read_text(encoding="utf-8"))
    assert state["status"] == "ok" and state["runs"][0]["health"] == "ok"
    # the fire times that came while a job was running were not started twice
    log = (tmp_path / "scheduler.log").read_text(encoding="utf-8")
    assert "the previous job is still running" in log
    assert not [j for j in jobs(db) if j["outcome"] == "skipped"]


def test_overlap_is_refused_by_the_lock(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    cfg = config(tmp_path, small_simulator, cron="* * * * * *")
    db = tmp_path / "archive.sqlite"
    holder = ArchiveLock(db, "test holder").acquire()  # e.g. a crawl started by system cron
    since = json.loads(Path(f"{db}.lock").read_text())["since"]
    with running(schedule_cmd("schedule", "--config", str(cfg)), tmp_path / "scheduler.log") as proc:
        skipped = wait_for(lambda: finished(db, "skipped"), 60, "a skipped job")
        assert skipped[0]["detail"].startswith(f"skipped: locked by pid {os.getpid()} (test holder) since {since}")
        assert rows(db, "select id from runs") == []  # nothing crawled
        crawl = subprocess.run([*XXGK, "crawl", "--agency", AGENCY, "--channel", "catalog", "--simulator",
                                small_simulator.url, "--db", str(db), "--json"], capture_output=True, text=True,
                               timeout=120)
        assert crawl.returncode == 75, crawl.stderr[-2000:]
        assert f"refused: the archive {db} is locked by pid {os.getpid()} (test holder) since {since}" in crawl.stderr
        assert crawl.stdout == "" and rows(db, "select id from runs") == []
        shown = subprocess.run(schedule_cmd("status", "--db", str(db), "--json"), capture_output=True, text=True)
        lock = json.loads(shown.stdout)["lock"]
        assert lock["held"] and lock["holder"]["pid"] == os.getpid()
        assert json.loads(shown.stdout)["jobs"][0]["outcome"] == "skipped"
        holder.release()  # once free, the next fire time crawls
        ok = wait_for(lambda: finished(db), 90, "a job after the lock was released")
        assert proc.poll() is None
    assert json.loads(ok[0]["runs"])[0]["status"] == "ok"
    assert len(finished(db, "skipped")) >= 1


def test_crawl_all_hands_its_lock_to_each_channel(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    db = tmp_path / "archive.sqlite"
    out = subprocess.run([*XXGK, "crawl", "--agency", AGENCY, "--channel", "all", "--simulator", small_simulator.url,
                          "--db", str(db), "--json", "--log-level", "ERROR"], capture_output=True, text=True,
                         timeout=300)
    assert "refused" not in out.stderr
    # each channel's subprocess ran (and recorded its run) under the parent's lock
    assert sorted(r["channel"] for r in runs(db)) == ["catalog", "website", "wechat"]
    assert ArchiveLock(db).acquire().held  # and the lock is free again


def test_a_failing_crawl_is_recorded_failed_and_posted(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    small_simulator.set_faults([{"kind": "waf", "status": 521, "match": {"path": "/gkmlpt/index"}}])
    cfg = config(tmp_path, small_simulator)
    db = tmp_path / "archive.sqlite"
    with webhook_server() as hook:
        code, job = once(cfg, env={"XXGK_WEBHOOK_URL": hook.url})
        posts = hook.wait(1)
    assert code == 1 and job["outcome"] == "failed"
    (run,) = runs(db)
    assert run["status"] == "failed"
    assert run["summary"]["health"]["status"] == "failed" and run["summary"]["blocked"] > 0
    assert job["runs"][0]["run_id"] == run["id"] and job["runs"][0]["health"] == "failed"
    assert job["webhook"] == {"sent": True, "http_status": 204, "accepted": True}
    (post,) = posts
    assert post["path"] == "/hook" and post["content_type"].startswith("application/json")
    body = post["json"]
    assert body["status"] == "failed" and body["job_id"] == job["id"]
    assert [p["run_id"] for p in body["problems"]] == [run["id"]] and body["problems"][0]["status"] == "failed"
    assert "failed" in body["text"]
    state = json.loads((tmp_path / "published" / "archive.health.json").read_text(encoding="utf-8"))
    assert state["status"] == "failed" and state["runs"][0]["run_id"] == run["id"]
    (row,) = jobs(db)
    assert row["outcome"] == "failed" and json.loads(row["webhook"])["sent"] is True


def test_a_sharp_drop_is_degraded(tmp_path: Path) -> None:
    from simulator.testing import start_simulator

    with start_simulator("large:agencies=1,catalog_docs=240") as sim, webhook_server() as hook:
        cfg = config(tmp_path, sim, webhook_url=hook.url, thresholds={"drop": 0.3})
        db = tmp_path / "archive.sqlite"
        code, first = once(cfg)
        assert code == 0 and first["outcome"] == "ok" and first["runs"][0]["health"] == "ok"
        sim.set_today("2022-06-30")  # most of the catalog is no longer listed
        code, second = once(cfg)
        posts = hook.wait(1)
    assert code == 3 and second["outcome"] == "degraded"
    entry = second["runs"][0]
    assert entry["status"] == "ok" and entry["health"] == "degraded"  # the run itself went fine
    assert entry["documents_seen"] < 0.7 * entry["previous_seen"]
    assert "documents seen dropped" in entry["reasons"][0]
    later = runs(db)[-1]
    assert later["status"] == "ok" and later["summary"]["health"]["status"] == "degraded"
    assert later["summary"]["health"]["previous_run"] == first["runs"][0]["run_id"]
    assert len(posts) == 1 and posts[0]["json"]["status"] == "degraded"  # only the degraded job was posted
    status = subprocess.run(schedule_cmd("status", "--db", str(db), "--json"), capture_output=True, text=True)
    (group,) = json.loads(status.stdout)["channels"]
    assert [r["health"] for r in group["runs"]] == ["degraded", "ok"]
    assert group["runs"][0]["disappeared"] > 0 and group["runs"][0]["health_stored"] is True
    table = subprocess.run(schedule_cmd("status", "--db", str(db)), capture_output=True, text=True)
    assert table.returncode == 0 and "degraded" in table.stdout and "kaiping-edu · catalog" in table.stdout


def test_missed_fire_times_coalesce_into_one_catch_up_run(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    """Paused (as if the machine slept) through several fire times, the scheduler runs the job once."""
    from apscheduler.events import EVENT_JOB_SUBMITTED

    cfg = load_config(config(tmp_path, small_simulator, cron="* * * * * *"))
    db = tmp_path / "archive.sqlite"
    scheduler, runner = build_scheduler(cfg)
    submissions: list[list[datetime]] = []

    def submitted(event: Any) -> None:
        submissions.append(list(event.scheduled_run_times))
        scheduler.pause()  # no further fire times: only the catch-up is under test

    scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)
    thread = threading.Thread(target=scheduler.start, kwargs={"paused": True}, daemon=True)
    thread.start()
    try:
        job = wait_for(lambda: scheduler.get_job("xxgk-nightly"), 10, "the job to be scheduled")
        first_due = job.next_run_time
        wait_for(lambda: datetime.now(first_due.tzinfo) >= first_due + timedelta(seconds=3), 10,
                 "three fire times to pass while paused")
        missed = job.trigger.get_next_fire_time(None, first_due)
        missed_times = []
        while missed <= datetime.now(first_due.tzinfo):
            missed_times.append(missed)
            missed = job.trigger.get_next_fire_time(missed, missed + timedelta(microseconds=1))
        assert len(missed_times) >= 3
        scheduler.resume()
        wait_for(lambda: submissions, 10, "the catch-up submission")
        wait_for(lambda: runner.last is not None and runner.wait_idle(0), 120, "the catch-up job to finish")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        thread.join(timeout=30)
    assert len(submissions) == 1 and len(submissions[0]) == 1  # one run, for the latest missed time
    assert submissions[0][0] >= missed_times[-1]
    assert len(jobs(db)) == 1 and jobs(db)[0]["outcome"] == "ok"
    assert len(runs(db)) == 1 and runs(db)[0]["status"] == "ok"


def test_sigterm_during_a_crawl_stops_it_cleanly(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    """The scheduler forwards SIGTERM to the running crawl, journals the job as interrupted and frees the lock."""
    small_simulator.set_faults([{"kind": "slow", "seconds": 1.5, "match": {"path": "/api/all/"}}])
    cfg = config(tmp_path, small_simulator, cron="* * * * * *")
    db = tmp_path / "archive.sqlite"
    with running(schedule_cmd("schedule", "--config", str(cfg)), tmp_path / "scheduler.log") as proc:
        baseline = small_simulator.state()["requests"]
        # The crawl is under way (Scrapy's reactor runs, so its SIGTERM handler is installed) once it has
        # fetched robots.txt and the index and is waiting on the slow list pages.
        wait_for(lambda: rows(db, "select id from runs where status = 'running'")
                 and small_simulator.state()["requests"] >= baseline + 3, 60, "a crawl in progress")
        proc.terminate()
        assert proc.wait(timeout=90) == 0
    (job,) = jobs(db)
    assert job["outcome"] == "interrupted"
    (run,) = runs(db)
    assert run["status"] != "running"  # Scrapy closed its run on the forwarded SIGTERM
    assert run["summary"]["finish_reason"] == "shutdown"
    assert ArchiveLock(db).acquire().held


def test_the_nightly_job_crawls_every_agency_of_a_registry_folder_outside_the_package(
        tmp_path: Path, small_simulator: RunningSimulator) -> None:
    """`registry:` in the configuration (relative to it) and no `agencies:`: every agency of the folders, and the
    crawl, reconcile and report subprocesses read the same folders."""
    folder = tmp_path / "my-agencies"
    folder.mkdir()
    (folder / "outside-kp.yaml").write_text(
        "id: outside-kp\nname: 开平市教育局（registry outside the package）\n"
        "gkmlpt: {base: 'http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/'}\n", encoding="utf-8")
    cfg = config(tmp_path, small_simulator, agencies=[], registry="my-agencies", report_years=[2024])
    code, job = once(cfg)
    assert code == 0, json.dumps(job, ensure_ascii=False)[:3000]
    assert sorted(job["agencies"]) == ["kaiping-edu", "outside-kp"]
    by_agency = {r["agency"]: r for r in job["runs"]}
    assert by_agency["outside-kp"]["status"] == "ok" and by_agency["outside-kp"]["exit_code"] == 0
    db = tmp_path / "archive.sqlite"
    assert {r["agency"] for r in runs(db)} == {"kaiping-edu", "outside-kp"}
    assert rows(db, "select name from agencies where id = 'outside-kp'")[0]["name"].endswith("outside the package）")
    steps = [s for s in job["steps"] if s.get("agency") == "outside-kp"]
    assert steps and not [s for s in steps if "unknown agency" in (s.get("message") or "")], steps


def test_the_nightly_job_of_a_discovered_agency_without_wechat(tmp_path: Path) -> None:
    """enping-gov-2023 (catalog and portal at the host root, no WeChat) added by discovery: the job crawls the two
    channels its file has (not WeChat, which it lacks), reconciles and reports its 2023 annual report."""
    folder = tmp_path / "agencies"
    with start_simulator("enping-gov-2023") as sim:
        subprocess.run([*XXGK, "agencies", "add", "--gkmlpt", "http://www.enping.gov.cn/gkmlpt/index", "--website",
                        "http://www.enping.gov.cn/", "--id", "enping", "--registry", str(folder), "--simulator",
                        sim.url], check=True, capture_output=True, timeout=300)
        cfg = config(tmp_path, sim, agencies=["enping"], registry="agencies", report_years=[2023],
                     channels=["catalog", "website", "wechat"])
        code, job = once(cfg, env={"XXGK_REGISTRY": ""})
    assert code == 0, json.dumps(job, ensure_ascii=False)[:3000]
    enping = job["runs"]
    assert sorted((r["agency"], r["channel"]) for r in enping) == [("enping", "catalog"), ("enping", "website")]
    assert all(r["status"] == "ok" for r in enping), enping
    steps = {(s["step"], s.get("agency")): s for s in job["steps"]}
    assert steps[("reconcile", "enping")]["status"] == "ok"
    assert (tmp_path / "published" / "reports" / "enping-2023.html").read_text(encoding="utf-8").count("恩平市") > 0
