"""Every generic fault switch against a clean catalog archive: what the run says, what changes (nothing
that is not real), and what evidence is kept."""

from __future__ import annotations

import json

import pytest

from tests.e2e.helpers import query
from tests.support import stored_text

from .helpers import documents, outcomes, run, run_events

POST = r"post_\d+\.html"
# A no-op rewrite of every document page: the pages answer 200 instead of 304 to a --full-refresh crawl, so
# their attachments are asked for again (conditionally) and an attachment fault is met.
PAGES_AGAIN = {"kind": "rewrite", "pattern": "(?!)", "match": {"path": POST}}

# Faults that pass: retried until the page is read whole. The run is `ok` — a fault it recovered from is
# not a failure — nothing changes, and the failed attempts stay as evidence (capture outcome).
TRANSIENT = {
    "http_error": ({"kind": "http_error", "status": 503, "times": 2, "every": 3, "match": {"path": POST}}, "http_error"),
    # Twice: Twisted's connection pool silently re-sends a GET once when a reused keep-alive connection is
    # reset before any response, so a single reset may never reach Scrapy (the test then saw no retry).
    "reset": ({"kind": "reset", "times": 2, "every": 3, "match": {"path": POST}}, "error"),
    "slow": ({"kind": "slow", "seconds": 3, "times": 1, "every": 8, "match": {"path": POST}}, "error"),
    "rate_limit": ({"kind": "rate_limit", "retry_after": 1, "times": 1, "every": 4, "match": {"channel": "gkmlpt"}},
                   "http_error"),
    "truncated_json": ({"kind": "truncated_json", "times": 1, "match": {"path": "/api/all/"}}, "ok"),
    "truncated": ({"kind": "truncated", "times": 1, "every": 2, "match": {"path": POST}}, "truncated"),
    "cut": ({"kind": "cut", "times": 1, "every": 2, "match": {"path": POST}}, "truncated"),
    "gbk": ({"kind": "gbk", "match": {"path": POST}}, "ok"),
}


@pytest.mark.parametrize("name", sorted(TRANSIENT))
def test_a_fault_recovered_from_leaves_an_ok_run_and_no_change(sim, archive_of, name: str) -> None:
    fault, evidence = TRANSIENT[name]
    db = archive_of("catalog")
    before = documents(db)
    sim.set_faults([fault])
    result = run(sim, db, "catalog", "--full-refresh", "-s", "DOWNLOAD_TIMEOUT=1")
    assert sim.state()["requests"] > 0
    assert result["status"] == "ok", (name, result["summary"])
    assert result["summary"]["errors"] == 0 and result["summary"]["retries"] > 0 or name in ("gbk", "truncated_json")
    assert run_events(db, result["run_id"]) == {}
    assert documents(db) == before
    assert outcomes(db, result["run_id"])[evidence] > 0


# Faults that do not pass. The run says so (`partial`, or `failed` when the listing could not even start);
# no document disappears or changes because of them; the blocked or broken responses are kept.
PERSISTENT = {
    "waf_412_list": ({"kind": "waf", "status": 412, "match": {"path": r"/api/all/1812\?page=1"}}, "partial",
                     "blocked"),
    "waf_200_pages": ({"kind": "waf", "status": 200, "every": 3, "match": {"path": POST}}, "partial", "blocked"),
    "waf_521_index": ({"kind": "waf", "status": 521, "match": {"path": "/gkmlpt/index"}}, "failed", "blocked"),
    "throttled_empty": ({"kind": "throttled_empty", "match": {"path": "/api/all/1813"}}, "partial", "blocked"),
    "http_error_pages": ({"kind": "http_error", "status": 500, "every": 4, "match": {"path": POST}}, "partial",
                         "http_error"),
    "reset_attachments": ([PAGES_AGAIN, {"kind": "reset", "match": {"channel": "attachment"}}], "partial", "error"),
    "slow_list": ({"kind": "slow", "seconds": 3, "match": {"path": r"/api/all/1805"}}, "partial", "error"),
    "require_ua": ({"kind": "require_ua"}, "failed", "error"),
    "truncated_pages": ({"kind": "truncated", "every": 2, "match": {"path": POST}}, "partial", "truncated"),
    "cut_pages": ({"kind": "cut", "every": 2, "match": {"path": POST}}, "partial", "truncated"),
    "truncated_attachments": ([PAGES_AGAIN, {"kind": "truncated", "match": {"channel": "attachment"}}], "partial",
                              "truncated"),
    "redirect_to_file": ({"kind": "redirect", "location": "file:///etc/passwd", "every": 5, "match": {"path": POST}},
                         "partial", "refused"),
    "redirect_to_private": ([PAGES_AGAIN, {"kind": "redirect", "location": "http://10.0.0.7/latest/meta-data/",
                                           "match": {"channel": "attachment"}}], "ok", "refused"),
}


@pytest.mark.parametrize("name", sorted(PERSISTENT))
def test_a_lasting_fault_is_reported_and_changes_nothing(sim, archive_of, name: str) -> None:
    fault, status, evidence = PERSISTENT[name]
    db = archive_of("catalog")
    before = documents(db)
    attachments = query(db, "select id, status, sha256, size, capture_id from attachments order by id")
    sim.set_faults(fault if isinstance(fault, list) else [fault])
    # One retry, not four: the fault lasts, so what is held is how the run ends, not how often it tried.
    result = run(sim, db, "catalog", "--full-refresh", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1", expect=None)
    assert result["status"] == status, (name, result["summary"])
    assert result["exit"] == (1 if status == "failed" else 0)
    assert run_events(db, result["run_id"]) == {}, name  # no false changed / disappeared / reappeared
    assert documents(db) == before
    # The last good copy of every attachment stands, whatever this run could not read whole.
    assert query(db, "select id, status, sha256, size, capture_id from attachments order by id") == attachments
    assert outcomes(db, result["run_id"])[evidence] > 0
    assert not query(db, "select 1 from captures where run_id = ? and outcome = 'ok' and (url like 'file:%' or "
                         "url like '%10.0.0.7%')", (result["run_id"],))


def test_faults_together_retry_block_partial_and_never_disappear(sim, archive_of) -> None:
    """Transient and lasting faults in one crawl: the ones that pass are retried, the blocked categories are
    unhealthy, the run is partial, no blocked body is parsed as content and nothing disappears."""
    db = archive_of("catalog")
    live_before = query(db, "select count(*) n from documents where status = 'live'")[0]["n"]
    sim.set_faults([
        {"kind": "http_error", "status": 503, "times": 2, "every": 3, "match": {"channel": "gkmlpt"}},
        {"kind": "rate_limit", "retry_after": 1, "times": 1, "every": 5, "match": {"channel": "gkmlpt"}},
        {"kind": "truncated_json", "times": 1, "match": {"path": "/api/all/1806"}},
        {"kind": "waf", "status": 412, "match": {"path": r"/api/all/1812\?page=1"}},
        {"kind": "waf", "status": 200, "every": 7, "match": {"path": POST}},
        {"kind": "throttled_empty", "match": {"path": "/api/all/1813"}},
    ])
    result = run(sim, db, "catalog", "--full-refresh")
    s = result["summary"]
    assert result["status"] == "partial"
    assert s["disappeared"] == 0 and s["blocked"] > 0
    assert query(db, "select count(*) n from documents where status = 'live'")[0]["n"] == live_before
    reasons = {r["blocked_reason"] for r in query(db, "select distinct blocked_reason from captures "
                                                       "where outcome = 'blocked'")}
    assert {"waf_412", "throttled_empty", "challenge_page"} <= reasons
    runs = {r["name"]: r for r in query(db, "select * from category_runs where run_id = ?", (result["run_id"],))}
    assert not runs["公示公告"]["healthy"] and runs["公示公告"]["stop_reason"].startswith("blocked")
    assert not runs["部门预算"]["healthy"] and runs["部门预算"]["stop_reason"] == "empty_page"
    assert runs["行政执法公示"]["healthy"]  # truncated JSON was retried and parsed
    stats = json.loads(query(db, "select stats from runs where id = ?", (result["run_id"],))[0]["stats"])
    assert int(stats.get("retry/count", 0)) > 0
    # No blocked body was parsed as content: no document carries a challenge page's text.
    assert query(db, "select count(*) n from documents where body_text like '%安全验证%' or title like '%验证%'")[0]["n"] == 0


def test_truncated_pages_are_named_on_the_document(sim, archive_of) -> None:
    db = archive_of("catalog")
    sim.set_faults([{"kind": "truncated", "every": 2, "match": {"path": POST}}])
    result = run(sim, db, "catalog", "--full-refresh")
    assert result["summary"]["truncated"] > 0
    checks = query(db, "select detail_value from document_checks where run_id = ?", (result["run_id"],))
    assert checks and all("truncated" in c["detail_value"] for c in checks)
    assert len(checks) == result["summary"]["truncated"]


def test_first_crawl_never_stores_a_truncated_attachment_as_ok(sim, tmp_path) -> None:
    db = tmp_path / "archive.sqlite"
    sim.set_faults([{"kind": "truncated", "match": {"channel": "attachment"}}])
    result = run(sim, db, "catalog")
    rows = query(db, "select status, sha256, size from attachments")
    assert rows and {r["status"] for r in rows} == {"truncated"}
    assert all(r["sha256"] is None and r["size"] is None for r in rows)
    assert result["status"] == "partial"
    # The next crawl, with the fault gone, reads them whole (an incomplete document is never skipped).
    sim.clear_faults()
    again = run(sim, db, "catalog")
    assert again["status"] == "ok"
    assert {r["status"] for r in query(db, "select status from attachments")} == {"ok"}


@pytest.mark.parametrize("fault", [{"kind": "gzip_bomb", "size_mb": 64}, {"kind": "oversize", "size_mb": 64}],
                         ids=["gzip_bomb", "oversize_chunked"])
def test_an_attachment_over_the_cap_is_too_large_in_its_row_and_its_capture(sim, tmp_path, fault) -> None:
    db = tmp_path / "archive.sqlite"
    sim.set_faults([{**fault, "match": {"channel": "attachment"}}])
    result = run(sim, db, "catalog", "-s", "XXGK_ATTACHMENT_MAX_BYTES=1000000")
    assert result["status"] == "ok"  # a size cap is a policy decision, recorded, not a failure
    rows = query(db, "select a.status, a.sha256, c.outcome from attachments a left join captures c on c.url = a.url")
    assert rows and {(r["status"], r["sha256"], r["outcome"]) for r in rows} == {("too_large", None, "too_large")}


def test_a_document_page_over_the_cap_is_too_large_and_keeps_its_last_version(sim, archive_of) -> None:
    db = archive_of("catalog")
    before = documents(db)
    sim.set_faults([{"kind": "gzip_bomb", "size_mb": 16, "every": 4, "match": {"path": POST}}])
    result = run(sim, db, "catalog", "--full-refresh", "-s", "DOWNLOAD_MAXSIZE=4000000")
    assert result["status"] == "partial"
    assert outcomes(db, result["run_id"])["too_large"] > 0
    assert documents(db) == before and run_events(db, result["run_id"]) == {}


def test_hostile_links_in_listings_and_pages_are_refused_and_recorded(sim, archive_of) -> None:
    db = archive_of("catalog")
    sim.set_faults([
        {"kind": "rewrite", "match": {"path": r"/api/all/1805\?page=1&"}, "count": 1,
         "pattern": r"http://www\.kaiping\.gov\.cn/jmkpsjyj/gkmlpt/content/[^\"]+", "replacement": "file:///etc/passwd"},
        {"kind": "rewrite", "match": {"path": POST}, "pattern": r"http://www\.kaiping\.gov\.cn/attachment/",
         "replacement": "http://169.254.169.254/attachment/"},
        {"kind": "redirect", "location": f"{sim.url}/_sim/state", "every": 6, "match": {"path": POST}},
    ])
    result = run(sim, db, "catalog", "--full-refresh")
    refused = query(db, "select url, error from captures where run_id = ? and outcome = 'refused'", (result["run_id"],))
    urls = {r["url"] for r in refused}
    assert "file:///etc/passwd" in urls
    assert any(u.startswith("http://169.254.169.254/") for u in urls)
    assert any(u.startswith(sim.url) for u in urls)  # loopback: refused even though something answers there
    assert all(r["error"] for r in refused)
    assert result["summary"]["refused"] == len(refused)
    text = stored_text(db.parent)
    assert "root:x:0:0" not in text and '"calls"' not in text  # neither /etc/passwd nor the admin answer
    assert result["status"] == "partial"  # pages whose link was refused were not read
