"""WeChat faults against a clean WeChat archive: lister refusals, the verification wall, truncated answers;
deleted articles that stay deleted; identical crawls that agree; credentials kept out in every encoding."""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from urllib.parse import quote, quote_plus

import pytest

from simulator.scenario import load
from simulator.truth import lister_sees
from simulator.world import World
from tests.e2e.helpers import query
from tests.support import stored_text

from .conftest import WECHAT_ENV
from .helpers import run, run_events

LISTERS = {"mp_backend", "getmsg", "weread", "feed"}

# Lister refusals: the lister stops, says why and how far back it got; the run is partial; nothing the
# other listers or earlier runs saw disappears.
REFUSALS = {
    "wechat_200013": ({"kind": "wechat_200013", "after": 1}, "mp_backend", "freq_control", "200013"),
    "wechat_200003": ({"kind": "wechat_200003", "after": 0}, "mp_backend", "session_expired", "WECHAT_MP_COOKIE"),
    "getmsg_ret_-3": ({"kind": "getmsg_ret", "ret": -3, "after": 0}, "getmsg", "session_expired", "WECHAT_UIN"),
    "getmsg_ret_-6": ({"kind": "getmsg_ret", "ret": -6, "after": 0}, "getmsg", "", "-6"),
    "weread_error_-2041": ({"kind": "weread_error", "code": -2041, "after": 0}, "weread", "", "WEREAD_COOKIE"),
    "weread_error_-2012": ({"kind": "weread_error", "code": -2012, "after": 0}, "weread", "", "WEREAD_COOKIE"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_lister_refusal_is_recorded_and_changes_nothing(sim, archive_of, name: str) -> None:
    fault, lister, reason, note = REFUSALS[name]
    db = archive_of("wechat")
    sim.set_faults([fault])
    result = run(sim, db, "wechat")
    assert result["status"] == "partial", result["summary"]
    rows = {r["category_id"].rsplit("/", 1)[1]: r for r in
            query(db, "select * from category_runs where run_id = ?", (result["run_id"],))}
    assert set(rows) == LISTERS  # every lister is in the run's coverage, the refused one too
    assert not rows[lister]["complete"] and note in rows[lister]["notes"]
    assert not reason or rows[lister]["stop_reason"] == reason
    assert run_events(db, result["run_id"]) == {}


def test_a_link_the_archive_knows_keeps_its_article_when_no_lister_gives_its_ids(sim, archive_of) -> None:
    """An article whose page hides its ids (unavailable, deleted), listed only by short-link listers, keeps the
    identity the archive holds for that link: it is not stored again as a new article under its token."""
    db = archive_of("wechat")
    hidden = {r["short_url"] for r in query(db, "select short_url from wechat_articles "
                                                "where page_state != 'ok' and short_url is not null")}
    assert hidden  # the scenario has such articles, their links known from the clean crawl
    before = {r["id"] for r in query(db, "select id from documents")}
    sim.set_faults([REFUSALS["wechat_200013"][0], REFUSALS["getmsg_ret_-3"][0]])  # the two listers that give ids
    result = run(sim, db, "wechat", "--full-refresh")  # every page asked for again
    assert result["status"] == "partial", result["summary"]
    read = {r["url"] for r in query(db, "select url from captures where run_id = ?", (result["run_id"],))}
    assert hidden & read  # pages of theirs were read again, by their links alone
    assert run_events(db, result["run_id"]) == {}
    assert {r["id"] for r in query(db, "select id from documents")} == before


def test_a_truncated_account_search_is_recorded_for_every_lister(sim, archive_of) -> None:
    db = archive_of("wechat")
    sim.set_faults([{"kind": "truncated_json", "match": {"path": "/cgi-bin/searchbiz"}}])
    result = run(sim, db, "wechat")
    assert "Spider error" not in result["stderr"] and "Traceback" not in result["stderr"]
    rows = {r["category_id"].rsplit("/", 1)[1]: r for r in
            query(db, "select * from category_runs where run_id = ?", (result["run_id"],))}
    assert set(rows) == LISTERS
    assert rows["mp_backend"]["stop_reason"] == "failed" and "searchbiz" in rows["mp_backend"]["notes"]
    assert result["status"] == "partial" and run_events(db, result["run_id"]) == {}


def test_the_verification_wall_stops_a_full_refresh_at_once(sim, archive_of) -> None:
    db = archive_of("wechat")
    sim.set_faults([{"kind": "verify_wall", "after": 10}])
    result = run(sim, db, "wechat", "--full-refresh")
    assert result["summary"]["finish_reason"] == "verification_wall" and result["status"] == "partial"
    rows = query(db, "select blocked_reason from captures where run_id = ? order by fetched_at, rowid",
                 (result["run_id"],))
    first = next(i for i, r in enumerate(rows) if r["blocked_reason"] == "verification_wall")
    # Only requests already in flight when the wall answered (at most the concurrency, 16) come after it.
    assert len(rows) - first - 1 <= 16
    assert sum(r["blocked_reason"] == "verification_wall" for r in rows) <= 16
    assert run_events(db, result["run_id"]) == {}
    assert not query(db, "select 1 from documents where title like '%环境异常%'")


@pytest.mark.parametrize("refresh", [False, True], ids=["incremental", "full_refresh"])
def test_deleted_articles_stay_deleted_on_unchanged_crawls(sim, archive_of, refresh: bool) -> None:
    db = archive_of("wechat")
    gone = query(db, "select count(*) n from documents where channel = 'wechat' and status = 'disappeared'")[0]["n"]
    assert gone > 0  # the scenario deletes articles before the first crawl
    for _ in range(2):
        result = run(sim, db, "wechat", *(["--full-refresh"] if refresh else []))
        assert result["status"] == "ok"
        assert run_events(db, result["run_id"]) == {}
        assert result["summary"]["disappeared"] == result["summary"]["reappeared"] == 0
    assert query(db, "select count(*) n from documents where channel = 'wechat' and status = 'disappeared'")[0]["n"] == gone


def test_two_identical_crawls_record_the_same_sources(sim, tmp_path, scenario_file) -> None:
    def sources(name: str) -> dict[str, tuple]:
        db = tmp_path / name / "archive.sqlite"
        assert run(sim, db, "wechat")["status"] == "ok"
        seen = {r["document_id"]: r["sources"] for r in query(db, "select document_id, sources from wechat_articles")}
        observed: dict[str, set] = {}
        for r in query(db, "select document_id, source from observations"):
            observed.setdefault(r["document_id"], set()).add(r["source"])
        return {k: (json.loads(v), sorted(observed.get(k, ()))) for k, v in seen.items()}

    first, second = sources("a"), sources("b")
    assert first == second
    # … and exactly the listers that list each readable article (the simulator's ground truth; a page that
    # hides its ids — deleted, unavailable — is identified by its short link, a question of its own).
    account, today = World(load(str(scenario_file))).agencies[0].wechat, date(2025, 3, 31)
    expected: dict[tuple[int, int], set[str]] = {}
    for lister, ours in (("mp_backend", "mp_backend"), ("getmsg", "getmsg"), ("weread", "weread"), ("feeds", "feed")):
        for push, article in lister_sees(account, lister, today):
            if article.state(today) == "ok":
                expected.setdefault((push.mid, article.idx), set()).add(ours)
    stored = {tuple(map(int, k.rsplit("/", 2)[1:])): set(s) for k, (s, _) in first.items() if "/token/" not in k}
    assert {k: v for k, v in stored.items() if k in expected} == expected
    assert any(len(s) > 1 for s, _ in first.values())  # articles several listers list carry all of them
    assert all(s == o for s, o in first.values())  # and each source is an observation


def secret_forms() -> set[str]:
    forms = set()
    for value in WECHAT_ENV.values():
        parts = [value] + [p.split("=", 1)[1] for p in value.split("; ") if "=" in p.rstrip("=")]
        for part in parts:
            if part == "3094172651":
                continue  # the account's own bizuin: a public id, not a credential
            forms |= {part, quote(part, safe=""), quote_plus(part), base64.b64encode(part.encode()).decode(),
                      re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(part, safe=""))}
    return {f for f in forms if len(f) >= 6}


def test_credentials_never_stored_in_any_encoding_and_public_ids_kept(sim, archive_of) -> None:
    db = archive_of("wechat")
    result = run(sim, db, "wechat", "--full-refresh", "--log-level", "DEBUG")
    assert result["status"] == "ok"
    blobs = {"archive": stored_text(db.parent), "log": result["stderr"]}
    for where, text in blobs.items():
        for form in secret_forms():
            assert form not in text, (where, form)
    headers = "".join(r["request_headers"] for r in query(db, "select request_headers from captures"))
    assert "REDACTED" in headers  # the credentials were sent, and replaced in what is stored
    # Public ids stay: the feed and WeRead URLs name the account by its bizuin.
    urls = [r["url"] for r in query(db, "select url from captures where url like '%MP_WXS_%'")]
    assert urls and all("MP_WXS_3094172651" in u for u in urls)
    assert not query(db, "select 1 from captures where url like '%MP_WXS_REDACTED%'")
