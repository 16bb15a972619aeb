"""Fast tests without crawls: the lock, the cron line, the configuration, health rules, atomic publishing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive import health
from archive.lock import ArchiveLock, LockHeld, lock_path, probe, read_holder
from archive.publish import publish_database
from archive.schema import open_db
from xxgk.options import EXIT_LOCKED
from xxgk.schedule import ConfigError, build_scheduler, load_config, parse_cron

from .helpers import schedule_cmd, write_config

SH = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- the lock


def test_lock_is_exclusive_says_who_holds_it_and_frees_on_release(tmp_path: Path) -> None:
    db = tmp_path / "a" / "archive.sqlite"
    first = ArchiveLock(db, "holder one").acquire()
    assert lock_path(db) == Path(str(db) + ".lock") and lock_path(db).exists()
    holder = read_holder(db)
    assert holder["pid"] == os.getpid() and holder["command"] == "holder one" and holder["since"].endswith("Z")
    assert probe(db)["pid"] == os.getpid()
    with pytest.raises(LockHeld) as caught:  # a second open file is refused, even in the same process
        ArchiveLock(db, "holder two").acquire()
    assert caught.value.pid == os.getpid()
    assert f"locked by pid {os.getpid()} (holder one) since {holder['since']}" in str(caught.value)
    first.release()
    assert read_holder(db) is None and probe(db) is None
    with ArchiveLock(db, "holder two") as second:
        assert second.held and read_holder(db)["command"] == "holder two"


CHILD = textwrap.dedent("""
    import sys
    from archive.lock import ArchiveLock, LockHeld
    try:
        lock = ArchiveLock(sys.argv[1], "child").acquire()
    except LockHeld as exc:
        print("held:", exc)
        sys.exit(75)
    print("acquired", "inherited" if lock.inherited else "own")
""")


def test_a_child_shares_the_lock_handed_down_and_others_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with ArchiveLock(db, "parent") as lock:
        shared = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True,
                                **lock.subprocess_kwargs())
        assert shared.returncode == 0 and "acquired inherited" in shared.stdout, shared.stderr
        # Still held by the parent after the child exits; a child without the descriptor is refused.
        assert probe(db)["command"] == "parent"
        alone = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True)
        assert alone.returncode == 75 and f"locked by pid {os.getpid()} (parent)" in alone.stdout
        # A stale XXGK_LOCK_FD naming another file is ignored (and the child is still refused).
        env = {**os.environ, "XXGK_LOCK_FD": "0"}
        stale = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True, env=env)
        assert stale.returncode == 75
    free = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True)
    assert free.returncode == 0 and "acquired own" in free.stdout


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock(1) not installed")
def test_a_shell_flock_can_hand_its_lock_down_through_xxgk_lock_fd(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    script = (f'( flock -n 9 || exit 75; XXGK_LOCK_FD=9 "{sys.executable}" -c "$CHILD" "{db}" ) '
              f'9>>"{lock_path(db)}"')
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env={**os.environ, "CHILD": CHILD})
    assert out.returncode == 0 and "acquired inherited" in out.stdout, out.stderr
    with ArchiveLock(db, "someone"):
        out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env={**os.environ, "CHILD": CHILD})
        assert out.returncode == EXIT_LOCKED


# ---------------------------------------------------------------- cron and configuration


def test_cron_lines_follow_crontab_in_the_configured_time_zone() -> None:
    nightly = parse_cron("30 2 * * *", "Asia/Shanghai")
    after = datetime(2025, 3, 31, 12, 0, tzinfo=SH)
    assert nightly.get_next_fire_time(None, after) == datetime(2025, 4, 1, 2, 30, tzinfo=SH)
    # 02:30 Shanghai is 18:30 UTC the day before.
    assert nightly.get_next_fire_time(None, after).astimezone(ZoneInfo("UTC")).hour == 18
    every2 = parse_cron("*/2 * * * * *")  # six fields: seconds first
    t = datetime(2025, 1, 1, 0, 0, 1, tzinfo=SH)
    assert every2.get_next_fire_time(None, t) == datetime(2025, 1, 1, 0, 0, 2, tzinfo=SH)
    # Crontab weekdays: 0 and 7 are Sunday, 1-5 Monday to Friday (APScheduler 3.x would read 0 as Monday).
    sunday = parse_cron("0 3 * * 0").get_next_fire_time(None, datetime(2025, 4, 1, tzinfo=SH))  # a Tuesday
    assert sunday.date().isoformat() == "2025-04-06" and sunday.strftime("%a") == "Sun"
    assert parse_cron("0 3 * * 7").get_next_fire_time(None, datetime(2025, 4, 1, tzinfo=SH)) == sunday
    weekday = parse_cron("0 3 * * 1-5").get_next_fire_time(None, datetime(2025, 4, 5, tzinfo=SH))  # a Saturday
    assert weekday.strftime("%a") == "Mon"
    with pytest.raises(ValueError):
        parse_cron("30 2 * *")


def test_config_file_paths_defaults_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    cfg_file = write_config(tmp_path / "conf" / "schedule.yaml", db="data/archive.sqlite", agencies=["kaiping-edu"], channels=["catalog"],
                            publish="pub/archive.sqlite", report_years=["previous", 2023],
                            thresholds={"drop": 0.5}, misfire_grace_time=120)
    cfg = load_config(cfg_file)
    assert cfg.db == (tmp_path / "conf" / "data" / "archive.sqlite").resolve()
    assert cfg.publish == (tmp_path / "conf" / "pub" / "archive.sqlite").resolve()
    assert cfg.health_path() == cfg.publish.with_name("archive.health.json")
    assert cfg.reports_folder() == cfg.publish.parent / "reports"
    assert cfg.cron == "30 2 * * *" and cfg.timezone == "Asia/Shanghai"  # the defaults
    assert cfg.years(datetime(2025, 1, 1, 0, 30, tzinfo=SH)) == [2024, 2023]  # Shanghai's new year, not UTC's
    cli = load_config(cfg_file, db=str(tmp_path / "other.sqlite"), cron="0 4 * * *", agencies=[], channels=None)
    assert cli.db == tmp_path / "other.sqlite" and cli.cron == "0 4 * * *" and cli.agencies == ["kaiping-edu"]
    scheduler, _ = build_scheduler(cfg)
    job = scheduler.get_job("xxgk-nightly")
    assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 120)
    assert str(job.trigger.timezone) == "Asia/Shanghai"
    with pytest.raises(ConfigError, match="unknown schedule setting"):
        load_config(write_config(tmp_path / "bad.yaml", crn="30 2 * * *"))
    with pytest.raises(ConfigError, match="threshold"):
        load_config(write_config(tmp_path / "bad2.yaml", thresholds={"dorp": 0.3}))
    out = subprocess.run(schedule_cmd("schedule", "--config", str(tmp_path / "bad.yaml"), "--once"),
                         capture_output=True, text=True)
    assert out.returncode == 2 and "unknown schedule setting" in out.stderr


def test_webhook_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(write_config(tmp_path / "s.yaml", webhook_url="http://127.0.0.1:9/a"))
    assert cfg.webhook() == "http://127.0.0.1:9/a"
    monkeypatch.setenv("XXGK_WEBHOOK_URL", "http://127.0.0.1:9/b")
    assert cfg.webhook() == "http://127.0.0.1:9/b" and cfg.public()["webhook_url"] == "(set)"


# ---------------------------------------------------------------- health rules


def _archive_with_runs(tmp_path: Path, runs: list[tuple[str, int, int, int]]) -> sqlite3.Connection:
    """runs: (status, documents seen, blocked, requests) in order."""
    db = open_db(tmp_path / "h.sqlite")
    db["agencies"].insert({"id": "kaiping-edu", "name": "x", "host": "h", "registry": "{}"})
    db["documents"].insert_all([{"id": f"doc-{d}", "agency": "kaiping-edu", "channel": "catalog"}
                                for d in range(max(r[1] for r in runs))])
    for i, (status, seen, blocked, requests) in enumerate(runs):
        run_id = f"run-{i}"
        db["runs"].insert({"id": run_id, "agency": "kaiping-edu", "channel": "catalog",
                           "started_at": f"2025-04-0{i + 1}T18:30:00Z", "ended_at": f"2025-04-0{i + 1}T18:40:00Z",
                           "status": status, "summary": f'{{"blocked": {blocked}, "requests": {requests}}}'})
        for d in range(seen):
            db["observations"].insert({"document_id": f"doc-{d}", "run_id": run_id, "source": "api"})
    return db.conn


def test_health_rules(tmp_path: Path) -> None:
    conn = _archive_with_runs(tmp_path, [
        ("ok", 100, 0, 120),       # run-0 baseline
        ("ok", 75, 0, 100),        # run-1: −25 %: ok
        ("partial", 50, 0, 80),    # run-2: −33 % against run-1: degraded
        ("failed", 0, 6, 8),       # run-3: failed
        ("ok", 0, 0, 5),           # run-4: nothing seen (baseline run-2): degraded
        ("partial", 60, 30, 200),  # run-5: 30 blocked ≥ 20: degraded
        ("partial", 60, 5, 10),    # run-6: half the requests blocked: degraded
    ])
    verdicts = [health.assess(conn, f"run-{i}") for i in range(7)]
    assert [v["status"] for v in verdicts] == ["ok", "ok", "degraded", "failed", "degraded", "degraded", "degraded"]
    assert verdicts[2]["previous_run"] == "run-1" and verdicts[2]["previous_seen"] == 75
    assert "dropped 33%" in verdicts[2]["reasons"][0]
    assert verdicts[4]["previous_run"] == "run-2"  # the failed run is no baseline
    assert "harvested nothing" in verdicts[4]["reasons"][0]
    assert "30 blocked" in verdicts[5]["reasons"][0] and "5 blocked" in verdicts[6]["reasons"][0]
    assert health.assess(conn, "run-2", {"drop": 0.5})["status"] == "ok"  # thresholds are configurable
    health.record(conn, "run-2", verdicts[2])
    row = conn.execute("select status, json_extract(summary, '$.health.status') h, "
                       "json_extract(summary, '$.blocked') b from runs where id = 'run-2'").fetchone()
    assert tuple(row) == ("partial", "degraded", 0)  # status untouched, the summary kept


# ---------------------------------------------------------------- atomic publishing


def _make_source(path: Path, rows: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table t (id integer primary key, payload blob)")
    conn.executemany("insert into t (payload) values (?)", [(os.urandom(400),) for _ in range(rows)])
    conn.commit()
    return conn


def test_publish_is_atomic_for_concurrent_readers(tmp_path: Path) -> None:
    source, target = tmp_path / "archive.sqlite", tmp_path / "pub" / "archive.sqlite"
    src = _make_source(source, 8000)  # about 4 MB: each copy takes a while
    published: list[int] = [publish_database(source, target, check=False) and 8000]
    errors: list[str] = []
    reads: list[int] = []
    done = threading.Event()

    def publisher() -> None:
        try:
            for _ in range(25):
                src.executemany("insert into t (payload) values (?)", [(os.urandom(400),) for _ in range(200)])
                src.commit()
                count = src.execute("select count(*) from t").fetchone()[0]
                publish_database(source, target, check=False)
                published.append(count)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"publisher: {exc!r}")
        finally:
            done.set()

    def reader() -> None:
        while not done.is_set():
            try:
                conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
                try:
                    count, top = conn.execute("select count(*), max(id) from t").fetchone()
                    conn.execute("select sum(length(payload)) from t").fetchone()  # read every page
                finally:
                    conn.close()
            except sqlite3.Error as exc:
                errors.append(f"reader: {exc!r}")
                return
            if count != top:
                errors.append(f"reader saw a torn copy: {count} rows, max id {top}")
                return
            reads.append(count)

    threads = [threading.Thread(target=publisher)] + [threading.Thread(target=reader) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    assert len(reads) >= 10, f"only {len(reads)} reads overlapped the publishing"
    assert set(reads) <= set(published)  # every read saw one complete published version
    assert len(set(reads)) > 1  # ... and readers did see the file being replaced
    with open(target, "rb") as f:  # rollback journal: no -wal/-shm next to a published file
        assert f.read(20)[18:20] == b"\x01\x01"
    assert sorted(p.name for p in target.parent.iterdir()) == ["archive.sqlite"]  # no temporary files left
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    src.close()
    with pytest.raises(ValueError):
        publish_database(source, source)
