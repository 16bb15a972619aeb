"""Change tracking of the nightly job: the Atom feed files it writes after every run and the Apprise notifications
it sends (XXGK_NOTIFY_URLS, here Apprise's json:// to a real HTTP server on 127.0.0.1) when documents are new,
changed or disappeared, and when a run fails; the old JSON webhook still gets failures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from simulator.testing import RunningSimulator, start_simulator
from tests.support import small_scenario

from .helpers import webhook_server
from .test_scheduler import config, once

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(path: Path) -> list[dict[str, str]]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return [{"title": e.findtext(f"{ATOM}title") or "", "term": e.find(f"{ATOM}category").get("term"),
             "link": e.find(f"{ATOM}link").get("href"), "summary": e.findtext(f"{ATOM}summary") or ""}
            for e in root.findall(f"{ATOM}entry")]


def test_changes_are_fed_and_notified_the_baseline_is_not(tmp_path: Path) -> None:
    scenario = small_scenario(tmp_path / "scenario.yaml")  # kaiping-2024's planted changes, a quarter of its volume
    with start_simulator(str(scenario)) as sim, webhook_server() as hook:
        notify = {"XXGK_NOTIFY_URLS": hook.url.replace("http://", "json://"), "XXGK_WEBHOOK_URL": ""}
        cfg = config(tmp_path, sim, feed_base_url="http://archive.example:8001")
        code, first = once(cfg, env=notify)
        feed = tmp_path / "published" / "feeds" / "kaiping-edu.atom"
        assert code == 0 and first["outcome"] == "ok"
        assert str(feed) in first["feeds"] and (tmp_path / "published" / "feeds" / "kaiping-edu-catalog.atom").exists()
        assert _entries(feed) == []  # the first harvest is the baseline, not news
        assert "notifications" not in first and hook.posts == []  # nothing to tell
        sim.set_today("2025-04-03")  # titles edited, an attachment added, a document deleted
        code, second = once(cfg, env=notify)
        (post,) = hook.wait(1)
    assert code == 0 and second["outcome"] == "ok"
    run = second["runs"][0]
    assert run["changed"] >= 2 and run["disappeared"] >= 1
    assert second["notifications"]["sent"] is True and second["notifications"]["ok"] is True
    body = post["json"]  # Apprise's json:// payload
    assert body["title"] == f"xxgk：{run['new'] + run['changed'] + run['disappeared']} 项公开信息有变化"
    assert f"kaiping-edu 政府信息公开目录：新增 {run['new']}，变更 {run['changed']}，消失 {run['disappeared']}" in body["message"]
    assert str(feed) in body["message"]
    entries = _entries(feed)
    terms = [e["term"] for e in entries]
    assert terms.count("changed") == run["changed"] and terms.count("disappeared") == run["disappeared"]
    changed = next(e for e in entries if e["term"] == "changed")
    assert changed["title"].startswith("[变更] ") and "变更字段：" in changed["summary"]
    assert changed["link"].startswith("http://archive.example:8001/archive/documents/")


def test_a_failure_is_notified_through_apprise_and_the_webhook(tmp_path: Path) -> None:
    with start_simulator("large:agencies=1,catalog_docs=60") as sim, webhook_server() as hook, \
            webhook_server() as apprise_hook:
        sim.set_faults([{"kind": "waf", "status": 521, "match": {"path": "/gkmlpt/index"}}])
        cfg = config(tmp_path, sim, language="en")
        env = {"XXGK_WEBHOOK_URL": hook.url, "XXGK_NOTIFY_URLS": apprise_hook.url.replace("http://", "json://")}
        code, job = once(cfg, env=env)
        (legacy,) = hook.wait(1)
        (post,) = apprise_hook.wait(1)
    assert code == 1 and job["outcome"] == "failed"
    assert legacy["json"]["status"] == "failed" and legacy["json"]["event"] == "xxgk.job"
    assert post["json"]["title"] == "xxgk: nightly job failed"
    assert "kaiping-edu catalog" in post["json"]["message"]
    assert job["notifications"] == {"sent": True, "targets": 1, "rejected": 0, "ok": True}


def test_notify_urls_never_reach_the_journal_or_the_log(tmp_path: Path, small_simulator: RunningSimulator) -> None:
    secret = "json://127.0.0.1:9/token-DO-NOT-LOG-4711"
    small_simulator.set_faults([{"kind": "waf", "status": 521, "match": {"path": "/gkmlpt/index"}}])
    cfg = config(tmp_path, small_simulator)
    code, job = once(cfg, env={"XXGK_NOTIFY_URLS": secret, "XXGK_WEBHOOK_URL": ""})
    assert code == 1 and job["notifications"]["sent"] is True and job["notifications"]["ok"] is False
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"DO-NOT-LOG-4711" not in stored
