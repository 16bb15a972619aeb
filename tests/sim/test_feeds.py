"""WeRead (simulator/sites/weread.py) and wewe-rss feeds (simulator/sites/feeds.py) against the world."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites import feeds, weread
from simulator.world import World, WxAccount, WxArticle, WxPush

TODAY = date(2025, 3, 31)
WR_COOKIE = "wr_vid=31415926; wr_skey=AbCdEf12; wr_rt=zz"
ATOM = "{http://www.w3.org/2005/Atom}"
HIDDEN = ("deleted", "violation")


@pytest.fixture(scope="module")
def acct(world: World) -> WxAccount:
    assert world.agencies[0].wechat is not None
    return world.agencies[0].wechat


def call(module: Any, state: SimState, host: str, path: str, query: dict[str, str] | None = None,
         cookie: str = "") -> SimResponse:
    req = SimRequest(method="GET", host=host, path=path, query=dict(query or {}),
                     headers={"cookie": cookie} if cookie else {})
    resp = module.handle(req, state)
    assert resp is not None
    return resp


# ---------------------------------------------------------------- WeRead


def articles_page(state: SimState, acct: WxAccount, offset: int, cookie: str = WR_COOKIE) -> SimResponse:
    return call(weread, state, "weread.qq.com", "/web/mp/articles",
                {"bookId": acct.weread_book_id, "offset": str(offset), "count": "10"}, cookie)


def weread_expected(acct: WxAccount, today: date) -> list[tuple[WxPush, list[WxArticle]]]:
    start = today - timedelta(days=acct.weread_depth_days)
    out = []
    for push in sorted(acct.pushes, key=lambda p: (p.sent, p.mid), reverse=True):
        if start <= push.sent.date() <= today:
            arts = [a for a in push.articles if a.state(today) not in HIDDEN]
            if arts:
                out.append((push, arts))
    return out


def test_weread_lists_only_the_depth_window(state: SimState, acct: WxAccount) -> None:
    groups: list[dict[str, Any]] = []
    offset = 0
    while True:
        resp = articles_page(state, acct, offset)
        assert resp.status == 200
        data = json.loads(resp.body)
        assert set(data) == {"reviews", "clearAll", "synckey"}
        if not data["reviews"]:
            break
        assert len(data["reviews"]) <= 20
        groups += data["reviews"]
        offset += len(data["reviews"])  # offset counts groups
    expected = weread_expected(acct, TODAY)
    assert len(groups) == len(expected)
    older = [p for p in acct.pushes if p.sent.date() < TODAY - timedelta(days=acct.weread_depth_days)]
    assert older, "the scenario must have history beyond WeRead's depth"
    for group, (push, arts) in zip(groups, expected, strict=True):
        assert group["createTime"] == int(push.sent.timestamp())
        assert group["subCount"] == len(group["subReviews"]) == len(arts)
        infos = [s["review"]["mpInfo"] for s in group["subReviews"]]
        assert [i["originalId"] for i in infos] == [a.token for a in arts]
        for sub, art in zip(group["subReviews"], arts, strict=True):
            assert sub["review"]["type"] == 16
            info = sub["review"]["mpInfo"]
            assert info["doc_url"] == art.short_url and info["title"] == art.title
            assert info["time"] == int(art.ct.timestamp()) and info["mp_name"] == acct.name
            assert info["readNum"] == art.read_num
    hidden = {a.token for a in acct.articles if a.state(TODAY) in HIDDEN and a.ct.date() >= TODAY - timedelta(400)}
    listed = {s["review"]["mpInfo"]["originalId"] for g in groups for s in g["subReviews"]}
    assert hidden and not hidden & listed


def test_weread_credentials_and_faults(world: World, acct: WxAccount) -> None:
    state = SimState(world)
    for cookie in ("", "wr_vid=1", "wr_vid=1; wr_skey="):
        resp = articles_page(state, acct, 0, cookie=cookie)
        assert json.loads(resp.body)["errCode"] == -2041
    state = SimState(world, faults=[{"kind": "weread_error", "code": -2012, "after": 2}])
    assert "reviews" in json.loads(articles_page(state, acct, 0).body)
    assert "reviews" in json.loads(articles_page(state, acct, 20).body)
    data = json.loads(articles_page(state, acct, 40).body)
    assert data["errCode"] == -2012 and data["errMsg"]
    state = SimState(world, faults=[{"kind": "weread_error"}])
    assert json.loads(articles_page(state, acct, 0).body)["errCode"] == -2041


def test_weread_cover_is_the_latest_article_without_login(state: SimState, acct: WxAccount) -> None:
    resp = call(weread, state, "weread.qq.com", "/api/mp/cover", {"bookId": acct.weread_book_id})
    data = json.loads(resp.body)
    push, arts = weread_expected(acct, TODAY)[0]
    assert data["reviewId"].endswith(arts[0].token) and data["title"] == arts[0].title
    assert data["name"] == acct.name


def test_weread_future_push_waits_for_its_day(world: World, acct: WxAccount) -> None:
    future = next(p for p in acct.pushes if p.sent.date() > TODAY)
    state = SimState(world)
    first = json.loads(articles_page(state, acct, 0).body)["reviews"][0]
    assert first["createTime"] != int(future.sent.timestamp())
    state.today = future.sent.date()
    first = json.loads(articles_page(state, acct, 0).body)["reviews"][0]
    assert first["createTime"] == int(future.sent.timestamp())


# ---------------------------------------------------------------- feeds


def stored(acct: WxAccount, today: date) -> list[WxArticle]:
    assert acct.feed_since is not None
    arts = [a for a in acct.articles if acct.feed_since <= a.ct.date() <= today and a.state(today) not in HIDDEN]
    return sorted(arts, key=lambda a: (a.ct, a.mid, -a.idx), reverse=True)


def feed(state: SimState, name: str, **query: str) -> SimResponse:
    return call(feeds, state, "wewe-rss.localhost", f"/feeds/{name}", query)


def test_rss_pages_cover_every_stored_article(state: SimState, acct: WxAccount) -> None:
    expected = stored(acct, TODAY)
    assert 0 < len(expected) < len([a for a in acct.articles if a.ct.date() <= TODAY])
    links: list[str] = []
    page = 1
    while True:
        resp = feed(state, f"{acct.weread_book_id}.rss", limit="50", page=str(page))
        assert resp.status == 200 and resp.content_type.startswith("application/rss+xml")
        root = ET.fromstring(resp.body)
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel is not None and channel.findtext("language") == "zh-cn"
        items = channel.findall("item")
        if not items:
            break
        for item in items:
            enc = item.find("enclosure")
            assert enc is not None and enc.get("length") == "0" and enc.get("type", "").startswith("image/")
            assert item.findtext("guid") == item.findtext("link")
        links += [i.findtext("link") or "" for i in items]
        page += 1
    assert links == [a.short_url for a in expected]
    first = ET.fromstring(feed(state, f"{acct.weread_book_id}.rss").body).find("channel/item")
    assert first is not None
    assert parsedate_to_datetime(first.findtext("pubDate") or "") == expected[0].ct
    assert first.findtext("title") == expected[0].title
    assert first.find("{http://purl.org/rss/1.0/modules/content/}encoded") is None


def test_default_limits(state: SimState, acct: WxAccount) -> None:
    root = ET.fromstring(feed(state, f"{acct.weread_book_id}.atom").body)
    assert len(root.findall(f"{ATOM}entry")) == 10
    data = json.loads(feed(state, "all.json").body)
    assert len(data["items"]) == 30 and all(i["author"] == {"name": acct.name} for i in data["items"])


def test_atom_entries_and_fulltext(state: SimState, acct: WxAccount) -> None:
    expected = stored(acct, TODAY)
    resp = feed(state, f"{acct.weread_book_id}.atom", limit="3", mode="fulltext")
    assert resp.content_type.startswith("application/atom+xml")
    assert b'<title type="html"><![CDATA[' in resp.body
    root = ET.fromstring(resp.body)
    assert root.findtext(f"{ATOM}title") == acct.name
    assert root.findtext(f"{ATOM}generator") == "WeWe-RSS"
    assert root.find(f"{ATOM}link").get("rel") == "alternate"  # type: ignore[union-attr]
    for tag in ("id", "updated", "author", "subtitle", "logo", "icon"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry, art in zip(entries, expected, strict=False):
        assert entry.findtext(f"{ATOM}id") == art.token
        assert entry.find(f"{ATOM}link").get("href") == f"https://mp.weixin.qq.com/s/{art.token}"  # type: ignore[union-attr]
        updated = entry.findtext(f"{ATOM}updated") or ""
        assert updated.endswith(".000Z")
        assert datetime.fromisoformat(updated.replace("Z", "+00:00")) == art.ct.astimezone(UTC)
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html" and "js_content" in (content.text or "")
        assert "data-src=" not in (content.text or "")
        assert entry.find(f"{ATOM}author") is None  # per-account feeds carry no entry author
    plain = ET.fromstring(feed(state, f"{acct.weread_book_id}.atom", limit="3").body)
    assert plain.find(f"{ATOM}entry/{ATOM}content") is None


def test_rss_fulltext_declares_namespaces(state: SimState, acct: WxAccount) -> None:
    body = feed(state, f"{acct.weread_book_id}.rss", limit="2", mode="fulltext").body
    assert b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in body and b"xmlns:dc=" in body
    item = ET.fromstring(body).find("channel/item")
    assert item is not None
    assert "js_content" in (item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "")


def test_json_feed(state: SimState, acct: WxAccount) -> None:
    expected = stored(acct, TODAY)
    resp = feed(state, f"{acct.weread_book_id}.json", limit="5", page="2")
    assert resp.content_type.startswith("application/feed+json")
    data = json.loads(resp.body)
    assert data["version"] == "https://jsonfeed.org/version/1" and data["title"] == acct.name
    assert data["home_page_url"].endswith(f"/feeds/{acct.weread_book_id}.json")
    assert [i["id"] for i in data["items"]] == [a.token for a in expected[5:10]]
    item = data["items"][0]
    assert set(item) == {"id", "content_html", "url", "title", "image", "date_modified"}
    assert item["content_html"] == "" and item["url"] == expected[5].short_url
    assert datetime.fromisoformat(item["date_modified"].replace("Z", "+00:00")) == expected[5].ct


def test_feed_filters_and_errors(state: SimState, acct: WxAccount) -> None:
    data = json.loads(feed(state, f"{acct.weread_book_id}.json", limit="40", title_include="开平教育").body)
    assert data["items"] and all("开平教育" in i["title"] for i in data["items"])
    data = json.loads(feed(state, f"{acct.weread_book_id}.json", limit="40", title_exclude="开平").body)
    assert all("开平" not in i["title"] for i in data["items"])
    missing = feed(state, "MP_WXS_123.rss")
    assert missing.status == 400 and json.loads(missing.body)["message"] == "不存在该feed！"
    assert feed(state, f"{acct.weread_book_id}.rss", limit="ten").status == 400
    assert feed(state, f"{acct.weread_book_id}.xml").content_type.startswith("application/atom+xml")
    listing = json.loads(call(feeds, state, "wewe-rss.localhost", "/feeds/").body)
    assert [f["id"] for f in listing] == [acct.weread_book_id]
    req = SimRequest(method="GET", host="wewe-rss.localhost", path="/dash", query={}, headers={})
    assert feeds.handle(req, state) is None


def test_feed_deterministic_and_moves_with_the_clock(world: World, acct: WxAccount) -> None:
    other = World(load("kaiping-2024"))
    for kind in ("rss", "atom", "json"):
        a = feed(SimState(world), f"all.{kind}", mode="fulltext", limit="5").body
        b = feed(SimState(other), f"all.{kind}", mode="fulltext", limit="5").body
        assert a == b
    future = next(p for p in acct.pushes if p.sent.date() > TODAY)
    state = SimState(world)
    assert json.loads(feed(state, "all.json").body)["items"][0]["id"] != future.articles[0].token
    state.today = future.sent.date()
    assert json.loads(feed(state, "all.json").body)["items"][0]["id"] == future.articles[0].token
