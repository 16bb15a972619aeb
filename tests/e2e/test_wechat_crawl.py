"""End to end: the WeChat channel (listers + article fetcher) against the simulator."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date
from pathlib import Path

import pytest

from simulator.scenario import load
from simulator.sites.feeds import feed_articles
from simulator.sites.wechat_listers import MP_PAGE_MAX, published_pushes
from simulator.testing import start_simulator
from simulator.truth import WECHAT_LISTERS, lister_sees
from simulator.world import World, WxAccount, WxArticle
from tests.support import (
    KAIPING_FEED,
    WECHAT_SECRETS,
    CrawledArchive,
    crawl_output,
    small_scenario,
    stored_text,
)

from .helpers import query

FEED, SECRETS = KAIPING_FEED, WECHAT_SECRETS
LISTER_ENV = {"mp_backend": ("WECHAT_MP_COOKIE", "WECHAT_MP_TOKEN"),
              "getmsg": ("WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET"), "weread": ("WEREAD_COOKIE",)}
BIZ = "MzA5NDE3MjY1MQ=="


def wechat_crawl(sim, db: Path, env: dict[str, str], *extra: str, expect: int = 0) -> tuple[dict, str, str]:
    return crawl_output(sim.url, db, "wechat", *extra, env=env, expect=expect)


def doc(db: Path, art: WxArticle) -> dict | None:
    rows = query(db, "select d.*, w.item_show_type, w.short_url, w.page_state from documents d join wechat_articles w "
                     "on w.document_id = d.id where d.native_id = ?", (f"{BIZ}/{art.mid}/{art.idx}",))
    return dict(rows[0]) if rows else None


def expected_text(world: World, art: WxArticle) -> tuple[str, str]:
    """(title, body text) a reader sees on a share post's page: a text post's text (its first line as the
    title when it has none of its own), an image post's description."""
    paras = world.body_paragraphs("wechat", art.token, art.ct.year)
    if art.show_type == 8:
        paras = paras[:2]
    title = art.title if art.own_title else (paras[0] if len(paras[0]) <= 64 else paras[0][:64] + "…")
    return title, "\n".join(paras)


def check_share_posts_and_real_weight(db: Path, world: World, acct: WxAccount) -> None:
    """Share posts archived with their own text (not the page's header), real-weight pages read whole."""
    today = world.start_today
    shares = [a for a in acct.articles if a.show_type and a.state(today) == "ok" and doc(db, a)]
    assert {a.show_type for a in shares} == {8, 10} and {a.own_title for a in shares if a.show_type == 10} == {True, False}
    for art in shares:
        row = doc(db, art)
        assert row is not None and row["item_show_type"] == art.show_type
        assert (row["title"], row["body_text"]) == expected_text(world, art), art.token
        assert acct.name not in row["body_text"].splitlines()[0]
    heavy = [a for a in acct.articles if a.real_weight and a.state(today) == "ok" and doc(db, a)]
    assert len(heavy) >= 5
    for art in heavy:
        row = doc(db, art)
        assert row is not None and row["title"] == (art.title if art.own_title else expected_text(world, art)[0])
        assert row["published_at"][:10] == art.ct.astimezone(UTC).date().isoformat() and row["body_text"]
        cap = query(db, "select payload_length, warc_length from captures where id = ?", (row["capture_id"],))[0]
        assert 2_000_000 <= cap["payload_length"] <= 4_000_000 and cap["warc_length"] < cap["payload_length"] / 2


def year_keys(db: Path, year: int) -> set[tuple[int, int]]:
    rows = query(db, "select w.mid, w.idx from documents d join wechat_articles w on w.document_id = d.id "
                     "where d.channel = 'wechat' and d.year = ? and w.mid is not null", (year,))
    return {(r["mid"], r["idx"]) for r in rows}


def test_all_listers_together_match_the_truth_and_keep_secrets(tmp_path: Path, world: World,
                                                               kaiping_crawled: CrawledArchive) -> None:
    # The first crawl is the session's shared one (every lister, SECRETS, FEED); the re-crawl runs on a copy.
    first = kaiping_crawled.runs["wechat"]
    result, stdout, stderr = first["result"], first["stdout"], first["stderr"]
    db = kaiping_crawled.copy(tmp_path / "archive")
    acct = world.agencies[0].wechat
    today = world.start_today
    with start_simulator("kaiping-2024") as sim:
        again, stdout2, stderr2 = wechat_crawl(sim, db, SECRETS, "-s", f"XXGK_WECHAT_FEEDS={FEED}")
    truth = kaiping_crawled.truth["agencies"]["kaiping-edu"]["wechat"]
    assert result["status"] == "ok", result["summary"]
    run_listers = [x for x in WECHAT_LISTERS if x != "list_ex"]  # list_ex is the MP backend's other mode
    union = {(p.mid, a.idx) for lister in run_listers for p, a in lister_sees(acct, lister, today)}
    sent_year = {p.mid: p.sent.year for p in acct.pushes}
    by_token = {r["native_id"] for r in query(db, "select native_id from documents where native_id like ?",
                                              (f"{BIZ}/token/%",))}
    for year in range(2020, 2026):
        want = {k for k in union if sent_year[k[0]] == year}
        got = year_keys(db, year) | {  # articles identified by their short link only (their page hides the ids)
            (a.mid, a.idx) for a in acct.articles if a.ct.year == year and f"{BIZ}/token/{a.token}" in by_token}
        assert got == want, year
    union_2024 = {k for k in union if sent_year[k[0]] == 2024}
    assert query(db, "select count(*) n from documents where channel = 'wechat' and year = 2024")[0]["n"] == len(union_2024) == 456
    assert query(db, "select count(*) n from wechat_pushes where year = 2024")[0]["n"] == len({m for m, _ in union_2024})
    assert truth["listers"]["all"]["by_year"]["2024"]["articles"] == 456
    states = {r["page_state"]: r["n"] for r in query(
        db, "select w.page_state, count(*) n from wechat_articles w join documents d on d.id = w.document_id "
            "where d.year = 2024 group by 1")}
    assert states.get("deleted") == 3 and states.get("unavailable") == 1
    assert query(db, "select count(*) n from wechat_articles w join documents d on d.id = w.document_id "
                     "where w.page_state != 'ok' and d.body_text is not null")[0]["n"] == 0
    # Every observation keeps its source; read counts only come with credentials, with their time.
    sources = {r["source"] for r in query(db, "select distinct source from observations")}
    assert {"mp_backend", "getmsg", "weread", "feed"} <= sources
    metric = query(db, "select read_num, read_at from metrics limit 1")[0]
    assert metric["read_num"] > 0 and metric["read_at"]
    check_share_posts_and_real_weight(db, world, acct)
    # Pushes appmsgpublish shows with an empty publish_info were sought through list_ex, and the record says so.
    mp = query(db, "select complete, notes from category_runs where category_id like '%mp_backend' and run_id = ?",
               (result["run_id"],))[0]
    assert mp["complete"] == 1 and "empty publish_info: found through list_ex" in mp["notes"]
    # An unchanged re-crawl fetches lister pages only (+ robots.txt, + re-checks of unavailable pages).
    fetched = query(db, "select url from captures where run_id = ? and url like 'https://mp.weixin.qq.com/s/%'",
                    (again["run_id"],))
    assert len(fetched) == states["unavailable"] and again["summary"]["new"] == 0, [r["url"] for r in fetched]
    # Secrets: in no capture, log, database or WARC.
    blobs = [stdout, stderr, stdout2, stderr2, stored_text(db.parent)]
    secret_values = [v for value in SECRETS.values() for v in [value, *(p.split("=", 1)[1] for p in value.split("; ") if "=" in p)]]
    for blob in blobs:
        for value in secret_values:
            assert value not in blob


def lister_alone(sim, db: Path, lister: str) -> dict:
    """One WeChat crawl with only `lister`'s credentials (the feed: only the account's feed) and the account's
    biz given, so no other lister runs; its JSON summary."""
    name = lister.removesuffix("_app_shape")
    env = {k: SECRETS[k] for k in LISTER_ENV.get(name, ())}
    extra = ["-s", f"XXGK_WECHAT_BIZ={BIZ}"]
    if lister == "feed":
        extra += ["-s", f"XXGK_WECHAT_FEEDS={FEED}"]
    if lister == "weread_app_shape":  # WeRead's app-style answers: one article per entry
        sim.set_faults([{"kind": "weread_app_shape"}])
    return wechat_crawl(sim, db, env, *extra)[0]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, World]:
    """kaiping-2024's account at a fraction of its volume (tests.support.small_scenario): the scenario file to
    serve and its world. What getmsg, WeRead or a feed alone reaches does not need 1,100 articles."""
    path = small_scenario(tmp_path_factory.mktemp("small") / "kaiping-small.yaml")
    return str(path), World(load(path))


@pytest.fixture(scope="module")
def mp_backend_alone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """The first day's crawl through the MP backend alone (archive folder, summary, the lister's truth): read by
    the lister test, copied by the deletions test to crawl it again days later. The full scenario: its pushes
    that appmsgpublish shows without a publish_info include one whose only article is in violation."""
    db = tmp_path_factory.mktemp("mp_backend") / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        result = lister_alone(sim, db, "mp_backend")
        return db.parent, result, sim.truth()["agencies"]["kaiping-edu"]["wechat"]["listers"]["mp_backend"]


@pytest.mark.parametrize("lister", ["mp_backend", "getmsg", "weread", "weread_app_shape", "feed"])
def test_each_lister_alone_sees_its_own_subset(request: pytest.FixtureRequest, tmp_path: Path, world: World,
                                               small: tuple[str, World], lister: str) -> None:
    name = lister.removesuffix("_app_shape")
    scenario, world = ("kaiping-2024", world) if lister == "mp_backend" else small
    if lister == "mp_backend":
        folder, result, truth = request.getfixturevalue("mp_backend_alone")
        db = folder / "archive.sqlite"
    else:
        db = tmp_path / "archive.sqlite"
        with start_simulator(scenario) as sim:
            result = lister_alone(sim, db, lister)
            truth = sim.truth()["agencies"]["kaiping-edu"]["wechat"]["listers"]["feeds" if name == "feed" else name]
    assert result["status"] == "ok"
    for year, want in truth["by_year"].items():
        got = query(db, "select count(*) n from documents where channel = 'wechat' and year = ?", (int(year),))[0]["n"]
        assert got == want["articles"], (lister, year)
    cov = query(db, "select * from category_runs where channel = 'wechat'")[0]
    assert cov["category_id"].endswith(name) and cov["complete"] == 1
    assert cov["oldest_date"] == truth["oldest"][:10]
    acct = world.agencies[0].wechat
    if name == "mp_backend":
        notes = json.loads(cov["notes"])
        assert any("found through list_ex" in n for n in notes) and any("stay unknown" in n for n in notes)
    if name == "getmsg":  # every page was opened by its long link: the short link came from the page itself
        fetched = [a for a in acct.articles if a.layout == "current" and a.state(world.start_today) == "ok"
                   and doc(db, a)]
        assert fetched and all(doc(db, a)["short_url"] == a.short_url for a in fetched)
        assert not query(db, "select 1 from captures where url like 'https://mp.weixin.qq.com/s/%'")


def test_lister_faults_and_the_verification_wall(tmp_path: Path, world: World) -> None:
    db = tmp_path / "archive.sqlite"
    with start_simulator("kaiping-2024") as sim:
        sim.set_faults([{"kind": "wechat_200013", "after": 3}, {"kind": "getmsg_ret", "ret": -3, "after": 0},
                        {"kind": "weread_error", "code": -2012, "after": 0}])
        result, _, stderr = wechat_crawl(sim, db, SECRETS)
        runs = {r["category_id"].rsplit("/", 1)[1]: r for r in query(db, "select * from category_runs")}
        assert runs["mp_backend"]["stop_reason"] == "freq_control" and not runs["mp_backend"]["complete"]
        # How far back it got before 200013: no further than the three calls' pages reach, short of the whole list.
        listed = published_pushes(world, world.agencies[0].wechat, world.start_today)  # newest first
        assert listed[3 * MP_PAGE_MAX].sent.date().isoformat() <= runs["mp_backend"]["oldest_date"]
        assert runs["mp_backend"]["oldest_date"] > listed[-1].sent.date().isoformat()
        assert "WECHAT_UIN" in runs["getmsg"]["notes"] and runs["getmsg"]["stop_reason"] == "session_expired"
        assert "WEREAD_COOKIE" in runs["weread"]["notes"]
        assert result["status"] == "partial"
        # The wall after N article fetches stops the whole run politely.
        sim.clear_faults()
        sim.reset_counters()
        sim.set_faults([{"kind": "verify_wall", "after": 25}])
        walled, _, _ = wechat_crawl(sim, tmp_path / "wall.sqlite", SECRETS)
    assert walled["status"] == "partial" and walled["summary"]["finish_reason"] == "verification_wall"
    blocked = query(tmp_path / "wall.sqlite", "select count(*) n from captures where blocked_reason = 'verification_wall'")
    assert blocked[0]["n"] >= 1
    assert query(tmp_path / "wall.sqlite", "select count(*) n from documents where title like '%环境异常%'")[0]["n"] == 0


def test_weread_minus_2041_says_whether_the_login_or_the_account_is_refused(tmp_path: Path) -> None:
    env = {"WEREAD_COOKIE": SECRETS["WEREAD_COOKIE"]}
    runs = {}
    with start_simulator("kaiping-2024") as sim:
        for case, login_ok in (("refused", True), ("login", False)):
            sim.set_faults([{"kind": "weread_error", "code": -2041, "after": 0, "login_ok": login_ok}])
            db = tmp_path / f"{case}.sqlite"
            result, _, _ = wechat_crawl(sim, db, env, "-s", f"XXGK_WECHAT_BIZ={BIZ}")
            runs[case] = query(db, "select * from category_runs where channel = 'wechat'")[0]
            assert result["status"] == "partial" and not runs[case]["complete"]
            fetched = query(db, "select url from captures")
            assert any(r["url"].endswith("/web/shelf/bookIds") for r in fetched)  # the shelf told which
    assert runs["refused"]["stop_reason"] == "refused"
    assert "although the login works" in runs["refused"]["notes"] and "2026-10" in runs["refused"]["notes"]
    assert runs["login"]["stop_reason"] == "session_expired" and "WEREAD_COOKIE" in runs["login"]["notes"]


WE_MP_RSS = "http://{host}/rss/MP_WXS_3094172651?limit=40&offset={offset}"  # 40 items around the new year


@pytest.mark.parametrize("host, zone, right", [
    ("we-mp-rss.localhost", "Asia/Shanghai", True),  # a bridge in Asia/Shanghai, read as such
    ("we-mp-rss-utc.localhost", "UTC", True),  # a bridge in a UTC container, told so
    ("we-mp-rss-utc.localhost", "Asia/Shanghai", False),  # the UTC bridge read as Shanghai: 8 hours early
])
def test_we_mp_rss_times_without_a_zone_land_in_the_right_year(tmp_path: Path, world: World, host: str, zone: str,
                                                                right: bool) -> None:
    db = tmp_path / "archive.sqlite"
    held = feed_articles(world, world.agencies[0].wechat, world.start_today)  # newest first, as the bridge pages
    first_of_2025 = max(i for i, a in enumerate(held) if a.ct.year == 2025)
    feed = WE_MP_RSS.format(host=host, offset=max(0, first_of_2025 - 20))
    with start_simulator("kaiping-2024") as sim:
        result, _, _ = wechat_crawl(sim, db, {}, "-s", f"XXGK_WECHAT_FEEDS={feed}", "-s", f"XXGK_WECHAT_FEED_ZONE={zone}")
    assert result["status"] == "ok"
    acct = world.agencies[0].wechat
    sent = {p.mid: p.sent for p in acct.pushes}
    pushes = query(db, "select mid, sent_date, year from wechat_pushes")
    assert len(pushes) >= 10
    boundary = [p for p in pushes if sent[p["mid"]].date() in (date(2024, 12, 31), date(2025, 1, 1))]
    assert {sent[p["mid"]].year for p in boundary} == {2024, 2025}  # both sides of the year boundary listed
    wrong = [p for p in pushes if p["sent_date"][:10] != sent[p["mid"]].date().isoformat()]
    if right:
        assert not wrong and all(p["year"] == sent[p["mid"]].year for p in pushes)
    else:  # the first push of 2025 (00:05) moves into 2024
        assert any(p["year"] == 2024 and sent[p["mid"]].year == 2025 for p in wrong)
    notes = query(db, "select notes from category_runs where channel = 'wechat'")[0]["notes"]
    assert "without a zone" in notes and zone in notes
    # the documents' own times come from the article pages, whatever the feed said
    for p in pushes:
        art = next(a for a in acct.articles if a.mid == p["mid"])
        if doc(db, art):
            assert doc(db, art)["year"] == art.ct.year


def test_deletions_over_time_become_events(tmp_path: Path, world: World, mp_backend_alone) -> None:
    deleted_later = [a for a in world.agencies[0].wechat.articles
                     if a.state(date(2025, 4, 4)) == "deleted" and a.state(world.start_today) == "ok"]
    assert len(deleted_later) == 1
    shutil.copytree(mp_backend_alone[0], tmp_path / "archive")  # the first day's crawl, MP backend alone
    db = tmp_path / "archive" / "archive.sqlite"
    with start_simulator("kaiping-2024", today="2025-04-04") as sim:
        moved = lister_alone(sim, db, "mp_backend")
    art = deleted_later[0]
    rows = query(db, "select e.event from document_events e where e.document_id = ?",
                 (f"kaiping-edu/wechat/{BIZ}/{art.mid}/{art.idx}",))
    assert [r["event"] for r in rows] == ["first_seen", "changed", "disappeared"]
    assert moved["summary"]["disappeared"] == 1
