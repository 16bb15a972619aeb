"""crawler/parsing/wechat/ against the simulator's WeChat responses, checked against the world.

Inputs come from the simulator's pure handlers (no network); expectations come from the world
(pushes, articles, states, read counts) and simulator.truth.lister_sees, never from the parser.
"""

from __future__ import annotations

import json
import pickle
from datetime import date, datetime, time
from typing import Any

import pytest

from archive.times import SHANGHAI, local_date
from crawler.listers.mp_backend import gaps_of
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import (
    ArticlePage,
    ListedArticle,
    ListerError,
    ListerPage,
    article_key,
    parse_appmsgpublish,
    parse_article,
    parse_feed,
    parse_getmsg,
    parse_list_ex,
    parse_searchbiz,
    parse_url_list,
    parse_weread,
    parse_weread_shelf,
)
from crawler.parsing.wechat.listers import PushEntry
from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites import feeds, wechat_listers, wechat_pages, weread
from simulator.sites.wechat_article_html import article_stats
from simulator.truth import lister_sees
from simulator.world import World, WxAccount, WxArticle, WxPush

HOST = "mp.weixin.qq.com"
MP_COOKIE = "slave_sid=c2xhdmVfc2lk; slave_user=gh_0123; bizuin=3000000001"
TOKEN = "1790312468"
CLIENT = {"uin": "MTIzNDU2Nzg5", "key": "0a1b2c3d", "pass_ticket": "Zx9%2Bq"}
CREDS = "wap_sid2=CMjd1ab; pass_ticket=Zx9%2Bq"
WR_COOKIE = "wr_vid=31415926; wr_skey=AbCdEf12; wr_rt=zz"
HOSTILE = 'He said "hi" & \'bye\' </script><script>alert(1)</script><b>x</b> \\ end \\x41 &amp; ]]> 完'


@pytest.fixture(scope="module")
def acct(world: World) -> WxAccount:
    assert world.agencies[0].wechat is not None
    return world.agencies[0].wechat


def call(module: Any, state: SimState, host: str, path: str, query: dict[str, str] | None = None,
         cookie: str = "") -> SimResponse:
    req = SimRequest(method="GET", host=host, path=path, query=dict(query or {}),
                     headers={"cookie": cookie} if cookie else {}, channel="wechat")
    resp = module.handle(req, state)
    assert resp is not None
    return resp


def ts(dt: datetime) -> int:
    return int(dt.timestamp())


def newest_first(pairs: list[tuple[WxPush, WxArticle]]) -> list[tuple[WxPush, WxArticle]]:
    """The listers' order: newest push first, articles by idx."""
    return sorted(pairs, key=lambda pa: (-ts(pa[0].sent), -pa[0].mid, pa[1].idx))


def published(acct: WxAccount, today: date) -> list[WxPush]:
    return [p for p in acct.pushes if p.sent.date() <= today]


# ---------------------------------------------------------------- listers: fetch helpers


def mp_publish(state: SimState, acct: WxAccount, begin: int, count: int = 20, cookie: str = MP_COOKIE,
               **extra: str) -> bytes:
    query = {"sub": "list", "search_field": "null", "begin": str(begin), "count": str(count), "query": "",
             "fakeid": acct.biz, "type": "101_1", "free_publish_type": "1", "sub_action": "list_ex",
             "token": TOKEN, "lang": "zh_CN", "f": "json", "ajax": "1", **extra}
    return call(wechat_listers, state, HOST, "/cgi-bin/appmsgpublish", query, cookie).body


def mp_list_ex(state: SimState, acct: WxAccount, begin: int, count: int = 20, cookie: str = MP_COOKIE) -> bytes:
    query = {"action": "list_ex", "begin": str(begin), "count": str(count), "fakeid": acct.biz, "type": "9",
             "query": "", "token": TOKEN, "lang": "zh_CN", "f": "json", "ajax": "1"}
    return call(wechat_listers, state, HOST, "/cgi-bin/appmsg", query, cookie).body


def mp_searchbiz(state: SimState, query: str, cookie: str = MP_COOKIE) -> bytes:
    return call(wechat_listers, state, HOST, "/cgi-bin/searchbiz", {
        "action": "search_biz", "begin": "0", "count": "5", "query": query, "token": TOKEN, "lang": "zh_CN",
        "f": "json", "ajax": "1"}, cookie).body


def getmsg(state: SimState, acct: WxAccount, offset: int, creds: dict[str, str] = CLIENT) -> bytes:
    query = {"action": "getmsg", "__biz": acct.biz, "f": "json", "offset": str(offset), "count": "10",
             "is_ok": "1", "scene": "124", **creds}
    return call(wechat_listers, state, HOST, "/mp/profile_ext", query).body


def weread_page(state: SimState, acct: WxAccount, offset: int, cookie: str = WR_COOKIE) -> bytes:
    return call(weread, state, "weread.qq.com", "/web/mp/articles",
                {"bookId": acct.weread_book_id, "offset": str(offset)}, cookie).body


def feed(state: SimState, name: str, **query: str) -> SimResponse:
    return call(feeds, state, "wewe-rss.localhost", f"/feeds/{name}", query)


def page_all(fetch: Any, parse: Any, start: int = 0) -> tuple[list[ListedArticle], list[ListerPage]]:
    """Follow next_offset from `start` until the parser says the list is complete."""
    pages: list[ListerPage] = []
    offset: int | None = start
    while offset is not None:
        pages.append(parse(fetch(offset), offset))
        offset = pages[-1].next_offset
        assert len(pages) < 1000
    return [a for p in pages for a in p.articles], pages


# ---------------------------------------------------------------- appmsgpublish


@pytest.mark.parametrize("count", [20, 7])
def test_appmsgpublish_paged_to_the_end_is_what_the_world_lists(state: SimState, acct: WxAccount, count: int) -> None:
    today = state.today
    got, pages = page_all(lambda b: mp_publish(state, acct, b, count), parse_appmsgpublish)
    # what the MP backend lists, less what its lister seeks through list_ex (pushes with an empty publish_info)
    expected = newest_first([(p, a) for p, a in lister_sees(acct, "mp_backend", today)
                             if not wechat_listers.empty_publish_info(p)])
    assert [(a.push_key, a.mid, a.idx) for a in got] == [(str(p.msgid), a.mid, a.idx) for p, a in expected]
    # begin counts pushes, empty publish_info entries included: the pages cover every push, and the
    # entries keep each push in order with its send time (None for an empty publish_info).
    pushes = published(acct, today)
    assert sum(p.pushes_on_page for p in pages) == len(pushes) == pages[0].total
    entries = [e for page in pages for e in page.entries]
    assert [e.sent_at for e in entries] == [None if wechat_listers.empty_publish_info(p) else ts(p.sent)
                                            for p in reversed(pushes)]
    assert [e.mids for e in entries if not e.empty] == [{p.mid} for p in reversed(pushes)
                                                         if not wechat_listers.empty_publish_info(p)]
    assert len({a.push_key for a in got}) < len(pushes)  # some pushes came with an empty publish_info
    assert pages[-1].articles == [] and pages[-1].pushes_on_page == 0 and pages[-1].next_offset is None
    for listed, (push, art) in zip(got, expected, strict=True):
        assert listed.source == "mp_backend"
        assert listed.url == art.short_url and listed.token == art.token
        assert (listed.title, listed.digest, listed.cover) == (art.title, art.digest, art.cover)
        assert listed.author == (art.author or None)
        assert listed.sent_at == ts(push.sent) and listed.notified is push.notified
        assert listed.deleted is (art.state(today) == "deleted")
        assert listed.biz is None and article_key(listed) is None  # short links carry no biz: use the fakeid
        assert listed.read_num is None
    assert {a.deleted for a in got} == {True, False}
    assert {a.notified for a in got} == {True, False}


def test_appmsgpublish_search_titles_lose_the_highlight(state: SimState, acct: WxAccount) -> None:
    body = mp_publish(state, acct, 0, sub="search", search_field="7", query="开平教育")
    assert b"highlight" in body
    page = parse_appmsgpublish(body, 0)
    by_key = {(a.mid, a.idx): a for a in acct.articles}
    assert page.articles and any("开平教育" in a.title for a in page.articles if a.title)
    for listed in page.articles:
        assert listed.title == by_key[(listed.mid, listed.idx)].title


def test_appmsgpublish_past_the_end(state: SimState, acct: WxAccount) -> None:
    total = len(published(acct, state.today))
    page = parse_appmsgpublish(mp_publish(state, acct, total - 3), total - 3)
    assert page.pushes_on_page == 3 and page.next_offset == total
    page = parse_appmsgpublish(mp_publish(state, acct, total), total)
    assert (page.articles, page.pushes_on_page, page.next_offset, page.total) == ([], 0, None, total)


# ---------------------------------------------------------------- list_ex


@pytest.mark.parametrize("count", [20, 6])
def test_list_ex_paged_to_the_end_is_what_the_world_lists(state: SimState, acct: WxAccount, count: int) -> None:
    today = state.today
    got, pages = page_all(lambda b: mp_list_ex(state, acct, b, count), parse_list_ex)
    expected = newest_first(lister_sees(acct, "list_ex", today))
    assert [article_key(a) for a in got] == [art.key for _, art in expected]
    assert pages[0].total == len(expected) and pages[-1].next_offset is None
    assert all(p.next_offset == b for p, b in zip(pages, [count * (i + 1) for i in range(len(pages) - 1)],
                                                  strict=False))
    for listed, (push, art) in zip(got, expected, strict=True):
        assert listed.source == "list_ex" and listed.url == art.long_url
        assert (listed.biz, listed.mid, listed.idx, listed.sn) == (acct.biz, art.mid, art.idx, art.sn)
        assert listed.title == art.title and listed.sent_at == ts(push.sent)
        assert listed.push_key == str(push.mid)
        assert listed.notified is None and listed.token is None
    assert sum(p.pushes_on_page for p in pages) >= len({push.mid for push, _ in expected})
    # Past the end: empty and complete.
    assert parse_list_ex(mp_list_ex(state, acct, len(expected)), len(expected)).next_offset is None


# ---------------------------------------------------------------- getmsg


def test_getmsg_paged_to_the_end_is_what_the_world_lists(state: SimState, acct: WxAccount) -> None:
    today = state.today
    got, pages = page_all(lambda o: getmsg(state, acct, o), lambda body, _o: parse_getmsg(body))
    expected = newest_first(lister_sees(acct, "getmsg", today))
    assert [(a.push_key, a.idx) for a in got] == [(str(p.msgid), a.idx) for p, a in expected]
    assert sum(p.pushes_on_page for p in pages) == len([p for p in published(acct, today) if p.notified])
    deleted_seen = 0
    deleted_expected = sum(1 for p in published(acct, today) if p.notified for a in p.articles
                           if a.state(today) == "deleted")
    for listed, (push, art) in zip(got, expected, strict=True):
        assert listed.source == "getmsg" and listed.notified is True
        assert listed.sent_at == ts(push.sent) and listed.title == art.title
        assert listed.biz == acct.biz
        if art.state(today) == "deleted":
            deleted_seen += 1
            assert listed.deleted is True and listed.url == ""
            assert len(push.articles) > 1 and listed.mid == push.mid  # inferred from the push's other items
            assert article_key(listed) == art.key  # idx from its slot
        else:
            assert listed.deleted is False
            assert "&amp;" not in listed.url and "\\/" not in listed.url
            assert listed.url.startswith(f"http://{HOST}/s?__biz={acct.biz}&mid={art.mid}&idx={art.idx}&sn={art.sn}")
            assert article_key(listed) == art.key and listed.sn == art.sn
    assert deleted_seen == deleted_expected >= 2


def test_getmsg_non_article_messages_count_as_pushes(state: SimState, acct: WxAccount) -> None:
    data = json.loads(getmsg(state, acct, 0))
    inner = json.loads(data["general_msg_list"])
    before = parse_getmsg(json.dumps(data))
    inner["list"].insert(1, {"comm_msg_info": {"id": 999, "type": 1, "datetime": 1718000000, "fakeid": "1",
                                               "status": 2, "content": "你好"}})
    data["general_msg_list"] = json.dumps(inner, ensure_ascii=False).replace("/", "\\/")
    after = parse_getmsg(json.dumps(data, ensure_ascii=False).encode())
    assert after.pushes_on_page == before.pushes_on_page + 1
    assert after.articles == before.articles and after.next_offset == before.next_offset == 10
    blank = parse_getmsg('{"ret":0,"errmsg":"ok","msg_count":0,"can_msg_continue":0,"home_page_list":[]}')
    assert (blank.articles, blank.pushes_on_page, blank.next_offset) == ([], 0, None)


# ---------------------------------------------------------------- WeRead


def test_weread_paged_to_the_end_is_what_the_world_lists(state: SimState, acct: WxAccount) -> None:
    today = state.today
    got, pages = page_all(lambda o: weread_page(state, acct, o), parse_weread)
    expected = newest_first(lister_sees(acct, "weread", today))
    assert [a.token for a in got] == [art.token for _, art in expected]
    assert sum(p.pushes_on_page for p in pages) == len({id(p) for p, _ in expected})
    assert pages[-1].pushes_on_page == 0 and pages[-1].next_offset is None
    assert [p.next_offset for p in pages[:-1]] == [sum(q.pushes_on_page for q in pages[:i + 1])
                                                   for i in range(len(pages) - 1)]
    for listed, (push, art) in zip(got, expected, strict=True):
        assert listed.source == "weread" and listed.url == art.short_url
        assert listed.push_key == str(ts(push.sent)) and listed.sent_at == ts(push.sent)
        assert (listed.title, listed.digest, listed.cover) == (art.title, art.digest, art.cover)
        assert listed.read_num == art.read_num  # the scenario has read counts
        assert listed.deleted is None and listed.notified is None


# ---------------------------------------------------------------- feeds


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_feeds_paged_to_the_end_are_what_the_world_lists(state: SimState, acct: WxAccount, kind: str) -> None:
    expected = sorted(lister_sees(acct, "feeds", state.today), key=lambda pa: (-ts(pa[1].ct), -pa[1].mid, pa[1].idx))
    got: list[ListedArticle] = []
    page = 1
    while True:
        resp = feed(state, f"{acct.weread_book_id}.{kind}", limit="60", page=str(page))
        items = parse_feed(resp.body, resp.content_type).items
        if not items:
            break
        got += items
        page += 1
    assert [a.token for a in got] == [art.token for _, art in expected]
    for listed, (_push, art) in zip(got, expected, strict=True):
        assert listed.source == "feed" and listed.url == art.short_url
        assert listed.title == art.title and listed.sent_at == ts(art.ct)
        if kind != "atom":
            assert listed.cover == art.cover
    # Fulltext mode and the all-accounts feed parse the same way, whatever the content type says.
    full = parse_feed(feed(state, f"{acct.weread_book_id}.{kind}", limit="3", mode="fulltext").body).items
    assert [a.token for a in full] == [art.token for _, art in expected[:3]]
    every = parse_feed(feed(state, f"all.{kind}", limit="5").body, "text/plain").items
    assert [a.token for a in every] == [art.token for _, art in expected[:5]]


def test_feed_errors(state: SimState, acct: WxAccount) -> None:
    missing = feed(state, "MP_WXS_123.rss")
    assert missing.status == 400
    with pytest.raises(ListerError) as err:
        parse_feed(missing.body, missing.content_type)
    assert err.value.code == 400 and err.value.kind == "other"
    assert "不存在该feed" in str(err.value) and "MP_WXS_" in str(err.value)
    bad = feed(state, f"{acct.weread_book_id}.rss", limit="ten")
    with pytest.raises(ListerError, match="numeric string"):
        parse_feed(bad.body)
    for body in ("<html><body>404</body></html>", "<rss><channel>", "not a feed", '{"foo": 1}'):
        with pytest.raises(ParseError):
            parse_feed(body)


def test_we_mp_rss_item_ids_give_the_article_key() -> None:
    rss = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
           '<item><id>3094172651-2247483700_2</id><title>标题 &amp; 更多</title>'
           '<link>https://mp.weixin.qq.com/s?__biz=MzA5NDE3MjY1MQ==&amp;mid=2247483700&amp;idx=2&amp;sn=ab</link>'
           '<description>摘要</description><pubDate>Tue, 31 Dec 2024 15:55:00 GMT</pubDate></item></channel></rss>')
    (item,) = parse_feed(rss).items
    assert article_key(item) == ("MzA5NDE3MjY1MQ==", 2247483700, 2) and item.sn == "ab"
    assert item.title == "标题 & 更多" and item.digest == "摘要"
    assert local_date(item.sent_at or 0) == "2024-12-31"


# ---------------------------------------------------------------- hostile titles in every lister


def test_hostile_titles_survive_every_lister() -> None:
    world = World(load("kaiping-2024"))
    state = SimState(world)
    acct = world.agencies[0].wechat
    assert acct is not None
    push = next(p for p in reversed(published(acct, state.today))
                if p.notified and not wechat_listers.empty_publish_info(p))
    art = push.articles[0]
    art.title, art.digest = HOSTILE, "摘要 </script> & \"'"

    def find(items: list[ListedArticle]) -> ListedArticle:
        return next(a for a in items if a.token == art.token or (a.mid, a.idx) == (art.mid, art.idx))

    for listed in (find(parse_appmsgpublish(mp_publish(state, acct, 0), 0).articles),
                   find(parse_list_ex(mp_list_ex(state, acct, 0), 0).articles),
                   find(parse_getmsg(getmsg(state, acct, 0)).articles),
                   find(parse_weread(weread_page(state, acct, 0), 0).articles)):
        assert listed.title == HOSTILE and listed.digest == art.digest, listed.source
    for kind in ("rss", "atom", "json"):
        assert find(parse_feed(feed(state, f"{acct.weread_book_id}.{kind}").body).items).title == HOSTILE


# ---------------------------------------------------------------- searchbiz


def test_searchbiz_exact_nickname_only(state: SimState, acct: WxAccount) -> None:
    hit = parse_searchbiz(mp_searchbiz(state, "开平教育"), "开平教育")
    assert hit is not None and hit["fakeid"] == acct.biz and hit["nickname"] == acct.name
    assert parse_searchbiz(mp_searchbiz(state, "开平"), "开平") is None  # only a partial match came back
    assert parse_searchbiz(mp_searchbiz(state, "台山教育"), "台山教育") is None


# ---------------------------------------------------------------- lister errors


def raised(fn: Any, *args: Any) -> ListerError:
    with pytest.raises(ListerError) as err:
        fn(*args)
    assert isinstance(err.value, ParseError)
    return err.value


def test_mp_200013_after_n_calls_and_always(world: World, acct: WxAccount) -> None:
    state = SimState(world, faults=[{"kind": "wechat_200013", "after": 2}])
    assert parse_appmsgpublish(mp_publish(state, acct, 0), 0).articles
    assert parse_list_ex(mp_list_ex(state, acct, 0), 0).articles
    for fn, body in ((parse_appmsgpublish, mp_publish(state, acct, 20)), (parse_list_ex, mp_list_ex(state, acct, 20))):
        err = raised(fn, body, 20)
        assert (err.code, err.kind) == (200013, "freq_control") and "stop this lister" in str(err)
    closed = SimState(world, faults=[{"kind": "wechat_200013", "after": 0}])
    err = raised(parse_searchbiz, mp_searchbiz(closed, "开平教育"), "开平教育")
    assert (err.code, err.kind) == (200013, "freq_control")
    restored = pickle.loads(pickle.dumps(err))
    assert (restored.code, restored.kind, str(restored)) == (err.code, err.kind, str(err))


def test_mp_200003_names_the_credentials(world: World, acct: WxAccount) -> None:
    state = SimState(world)
    for err in (raised(parse_appmsgpublish, mp_publish(state, acct, 0, cookie=""), 0),
                raised(parse_searchbiz, mp_searchbiz(state, "开平教育", cookie="slave_sid="), "开平教育")):
        assert (err.code, err.kind) == (200003, "session_expired")
        assert "log in again" in str(err) and "WECHAT_MP_COOKIE" in str(err) and "WECHAT_MP_TOKEN" in str(err)
    expiring = SimState(world, faults=[{"kind": "wechat_200003", "after": 1}])
    assert parse_list_ex(mp_list_ex(expiring, acct, 0), 0).articles
    assert raised(parse_list_ex, mp_list_ex(expiring, acct, 20), 20).code == 200003
    unknown = call(wechat_listers, state, HOST, "/cgi-bin/appmsgpublish", {"fakeid": "MTIz", "token": TOKEN},
                   MP_COOKIE).body
    err = raised(parse_appmsgpublish, unknown, 0)
    assert (err.code, err.kind) == (200002, "other")


def test_getmsg_errors(world: World, acct: WxAccount) -> None:
    for state, creds in ((SimState(world), {"uin": "", "key": "", "pass_ticket": ""}),
                         (SimState(world, faults=[{"kind": "getmsg_ret", "ret": -3}]), CLIENT)):
        err = raised(parse_getmsg, getmsg(state, acct, 0, creds))
        assert (err.code, err.kind) == (-3, "session_expired")
        assert all(name in str(err) for name in ("WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET"))
    state = SimState(world, faults=[{"kind": "getmsg_ret", "ret": -6, "after": 1}])
    assert parse_getmsg(getmsg(state, acct, 0)).articles
    err = raised(parse_getmsg, getmsg(state, acct, 10))
    assert (err.code, err.kind) == (-6, "blocked") and "about a day" in str(err)


def test_weread_errors(world: World, acct: WxAccount) -> None:
    err = raised(parse_weread, weread_page(SimState(world), acct, 0, cookie="wr_vid=1"), 0)
    assert (err.code, err.kind) == (-2041, "session_expired") and "WEREAD_COOKIE" in str(err)
    state = SimState(world, faults=[{"kind": "weread_error", "code": -2012, "after": 1}])
    assert parse_weread(weread_page(state, acct, 0), 0).articles
    err = raised(parse_weread, weread_page(state, acct, 20), 20)
    assert (err.code, err.kind) == (-2012, "session_expired") and "WEREAD_COOKIE" in str(err)


def test_weread_app_shape_lists_the_same_articles(world: World, acct: WxAccount) -> None:
    grouped, _ = page_all(lambda o: weread_page(SimState(world), acct, o), parse_weread)
    app_state = SimState(world, faults=[{"kind": "weread_app_shape"}])
    assert b"subReviews" not in weread_page(app_state, acct, 0)  # reviews[].review.mpInfo
    flat, pages = page_all(lambda o: weread_page(app_state, acct, o), parse_weread)
    assert [(a.token, a.sent_at, a.push_key) for a in flat] == [(a.token, a.sent_at, a.push_key) for a in grouped]
    assert len(pages) > len(grouped) // 20  # offset counts entries (articles) in this shape
    # entries that carry no article in either shape are an error, never an empty page
    with pytest.raises(ParseError, match="2 reviews, none with an article"):
        parse_weread(json.dumps({"reviews": [{"review": {"type": 16}}, {"subReviews": [{"reviewId": "x"}]}]}), 0)


def test_weread_minus_2041_names_both_causes_and_the_shelf_tells_which(world: World, acct: WxAccount) -> None:
    err = raised(parse_weread, weread_page(SimState(world), acct, 0, cookie="wr_vid=1"), 0)
    assert "WEREAD_COOKIE" in str(err) and "2026-10" in str(err)
    for login_ok in (True, False):
        state = SimState(world, faults=[{"kind": "weread_error", "code": -2041, "login_ok": login_ok}])
        assert raised(parse_weread, weread_page(state, acct, 0), 0).code == -2041
        shelf = call(weread, state, "weread.qq.com", "/web/shelf/bookIds", {}, WR_COOKIE).body
        assert parse_weread_shelf(shelf) is login_ok
    assert not parse_weread_shelf(call(weread, SimState(world), "weread.qq.com", "/web/shelf/bookIds", {}).body)


def test_push_list_gaps_are_bracketed_by_the_known_pushes() -> None:
    entries = [PushEntry(300, {30}, 2), PushEntry(None), PushEntry(None), PushEntry(200, {20}, 1), PushEntry(None),
               PushEntry(100, {10}, 3)]
    first, second = gaps_of(entries)
    assert (first.pushes, first.newer, first.older, first.newer_mids, first.older_mids, first.articles_before) == \
        (2, 300, 200, {30}, {20, 10}, 2)
    assert (second.pushes, second.newer, second.older, second.newer_mids, second.older_mids, second.articles_before) == \
        (1, 200, 100, {30, 20}, {10}, 3)
    (edge,) = gaps_of([PushEntry(None), PushEntry(50, {5}, 1)])
    assert (edge.newer, edge.older, edge.articles_before) == (None, 50, 0)
    assert gaps_of([PushEntry(1, {1}, 1)]) == []


def test_malformed_lister_bodies_are_parse_errors() -> None:
    for fn, args in ((parse_appmsgpublish, ('{"base_resp":{"ret":0},"publish_page":"{bad"}', 0)),
                     (parse_appmsgpublish, ('{"base_resp":{"ret":0}}', 0)),
                     (parse_list_ex, ("[]", 0)), (parse_getmsg, ('{"foo":1}',)),
                     (parse_weread, ('{"foo":1}', 0)), (parse_searchbiz, (b"\xff\xfe", "x"))):
        with pytest.raises(ParseError) as err:
            fn(*args)
        assert not isinstance(err.value, ListerError)


# ---------------------------------------------------------------- URL lists


def test_url_list(acct: WxAccount) -> None:
    a, b, c, d = acct.articles[5], acct.articles[6], acct.articles[7], acct.articles[8]
    text = "\n".join([
        "\ufeff# seed list for 开平教育",
        "",
        a.short_url,
        f"   {b.long_url}   # pasted from the site",
        c.long_url.replace("&", "&amp;"),
        "url,title,date",
        f'"{d.short_url}","标题, 带逗号",2024-05-01',
        f"2024-05-02\t{a.long_url.replace('https://', '')}\tnote",
        "2024-05-03,no link in this row",
        "  # indented comment",
    ])
    got = parse_url_list(text)
    assert [g.source for g in got] == ["url_list"] * 5
    assert got[0].url == a.short_url and got[0].token == a.token and article_key(got[0]) is None
    assert got[1].url == b.long_url and article_key(got[1]) == b.key and got[1].sn == b.sn
    assert got[2].url == c.long_url and article_key(got[2]) == c.key
    assert got[3].token == d.token
    assert got[4].url == "https://" + a.long_url.replace("https://", "") and article_key(got[4]) == a.key
    assert parse_url_list("# nothing\n\n") == []
    with pytest.raises(ParseError, match="line 2"):
        parse_url_list(f"{a.short_url}\nhttps://www.kaiping.gov.cn/post_1.html\n")


# ---------------------------------------------------------------- article pages


def article_html(state: SimState, art: WxArticle, cookie: str = "", long: bool = False) -> str:
    if long:
        q = {"__biz": art.push.account.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": art.sn}
        resp = call(wechat_pages, state, HOST, "/s", q, cookie)
    else:
        resp = call(wechat_pages, state, HOST, f"/s/{art.token}", cookie=cookie)
    assert resp.status == 200
    return resp.body.decode("utf-8")


def check_ok(page: ArticlePage, world: World, art: WxArticle) -> None:
    acct = art.push.account
    assert (page.state, page.state_text, page.layout) == ("ok", "", art.layout)
    assert (page.title, page.account, page.author) == (art.title, acct.name, art.author or None)
    assert (page.biz, page.mid, page.idx, page.sn) == (acct.biz, art.mid, art.idx, art.sn)
    assert article_key(page) == art.key
    assert page.ct == ts(art.ct) and local_date(page.ct) == art.ct.astimezone(SHANGHAI).date().isoformat()
    assert (page.digest, page.cover, page.original) == (art.digest, art.cover, art.original)
    assert page.user_name == acct.user_name
    assert page.item_show_type == (0 if art.layout == "current" else None)
    assert page.body_text is not None
    assert page.body_text.split("\n") == world.body_paragraphs("wechat", art.token, art.ct.year)
    assert 1 <= len(page.images) <= 3
    assert all(u.startswith("https://mmbiz.qpic.cn/mmbiz_jpg/") and "&amp;" not in u for u in page.images)
    assert (page.read_num, page.like_num) == (None, None)


def test_ok_pages_match_the_world(state: SimState, world: World, acct: WxAccount) -> None:
    live = [a for a in acct.articles if a.state(state.today) == "ok"]
    sample = live[::37]
    assert {a.layout for a in sample} == {"current", "legacy"}
    assert {a.original for a in sample} == {True, False} and {bool(a.author) for a in sample} == {True, False}
    for art in sample:
        check_ok(parse_article(article_html(state, art), art.short_url), world, art)
    art = next(a for a in live if a.layout == "current")
    assert parse_article(article_html(state, art, long=True), art.long_url) == parse_article(
        article_html(state, art), art.short_url)


def test_title_never_comes_from_the_title_element(state: SimState, acct: WxAccount) -> None:
    art = next(a for a in acct.articles if a.layout == "current" and a.show_type == 0 and a.state(state.today) == "ok")
    text = article_html(state, art).replace("<title></title>", "<title>微信公众平台</title>")
    assert parse_article(text, art.short_url).title == art.title
    # Without cgiDataNew, msg_title and og:title, the heading still gives it.
    bare = (text.replace("window.cgiDataNew", "window.somethingElse").replace("var msg_title", "var other_title")
            .replace('property="og:title"', 'property="og:other"').replace('property="twitter:title"', 'property="x"'))
    assert parse_article(bare, art.short_url).title == art.title


def test_legacy_date_falls_back_to_local_midnight(state: SimState, acct: WxAccount) -> None:
    art = next(a for a in acct.articles if a.layout == "legacy")
    text = article_html(state, art)
    stripped = text.replace(f'var ct = "{ts(art.ct)}";', "")
    assert stripped != text
    page = parse_article(stripped, art.short_url)
    midnight = datetime.combine(art.ct.astimezone(SHANGHAI).date(), time(0), SHANGHAI)
    assert page.ct == ts(midnight) and local_date(page.ct) == midnight.date().isoformat()


def test_read_counts_only_with_client_credentials(state: SimState, world: World, acct: WxAccount) -> None:
    art = next(a for a in acct.articles if a.layout == "current" and a.state(state.today) == "ok")
    for cookie in ("", "wap_sid2=abc", "pass_ticket=x"):
        page = parse_article(article_html(state, art, cookie), art.short_url)
        assert (page.read_num, page.like_num) == (None, None)
    page = parse_article(article_html(state, art, CREDS), art.short_url)
    assert page.read_num == art.read_num and page.like_num == article_stats(world, art)["like_count"]
    legacy = next(a for a in acct.articles if a.layout == "legacy")
    assert parse_article(article_html(state, legacy, CREDS), legacy.short_url).read_num is None


@pytest.mark.parametrize("layout", ["current", "legacy"])
def test_hostile_titles_survive_the_page_escaping(layout: str) -> None:
    world = World(load("kaiping-2024"))
    state = SimState(world)
    art = next(a for a in world.agencies[0].wechat.articles  # type: ignore[union-attr]
               if a.layout == layout and a.show_type == 0 and a.author and a.state(state.today) == "ok")
    art.title = HOSTILE
    art.digest = "摘要</script><img src=x onerror=alert(2)>\"' var ct = \"1\"; &lt;"
    art.author = 'O\'Brien "&" <i> \\x22'
    page = parse_article(article_html(state, art, CREDS), art.short_url)
    assert (page.title, page.digest, page.author) == (art.title, art.digest, art.author)
    assert page.ct == ts(art.ct)  # the digest's 'var ct = "1"' is text in a string, not a variable


def test_non_article_pages(state: SimState, acct: WxAccount) -> None:
    by_state: dict[str, list[WxArticle]] = {}
    for art in acct.articles:
        by_state.setdefault(art.state(state.today) or "future", []).append(art)
    for art in by_state["deleted"]:
        page = parse_article(article_html(state, art), art.short_url)
        assert (page.state, page.state_text) == ("deleted", "该内容已被发布者删除")
        assert (page.title, page.biz, page.mid, page.idx, page.sn, page.ct) == (None,) * 6
        assert article_key(page) is None and page.images == []
    art = by_state["violation"][0]
    page = parse_article(article_html(state, art), art.short_url)
    assert page.state == "violation" and page.state_text.startswith("此内容因违规无法查看\n")
    assert "经平台审核" in page.state_text
    art = by_state["unavailable"][0]
    page = parse_article(article_html(state, art), art.short_url)
    assert (page.state, page.state_text) == ("unavailable", "该内容暂时无法查看")
    # Links that name no article, and articles not yet published: the 参数错误 page.
    art = by_state["future"][0]
    wrong_sn = {"__biz": acct.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": "0" * 32}
    for resp in (call(wechat_pages, state, HOST, "/s/AAAAAAAAAAAAAAAAAAAAAA"),
                 call(wechat_pages, state, HOST, "/s", wrong_sn),
                 call(wechat_pages, state, HOST, f"/s/{art.token}")):
        page = parse_article(resp.body.decode(), "")
        assert (page.state, page.state_text) == ("error", "参数错误")


def test_verification_wall_is_blocked(world: World, acct: WxAccount) -> None:
    state = SimState(world, faults=[{"kind": "verify_wall", "after": 1}])
    art = next(a for a in acct.articles if a.state(state.today) == "ok")
    assert parse_article(article_html(state, art), art.short_url).state == "ok"
    resp = call(wechat_pages, state, HOST, f"/s/{art.token}")
    assert resp.status == 302  # the crawler follows Location; the wall page is what it then parses
    location = resp.headers["Location"]
    wall = call(wechat_pages, state, HOST, "/mp/wappoc_appmsgcaptcha",
                {"poc_token": "x" * 32, "target_url": art.short_url}).body.decode()
    for url in (location, art.short_url):
        page = parse_article(wall, url)
        assert page.state == "blocked" and page.state_text.startswith("环境异常")
    page = parse_article("<html><body><p>请在微信客户端打开链接</p></body></html>", art.short_url)
    assert page.state == "blocked"


def test_other_message_pages_and_garbage(state: SimState, acct: WxAccount) -> None:
    deleted = next(a for a in acct.articles if a.state(state.today) == "deleted")
    text = article_html(state, deleted)
    english = text.replace("该内容已被发布者删除", "The content has been deleted by the author.")
    assert parse_article(english, "").state == "deleted"
    moved = text.replace("该内容已被发布者删除", "此帐号已申请帐号迁移")
    assert (parse_article(moved, "").state, parse_article(moved, "").state_text) == ("unavailable", "此帐号已申请帐号迁移")
    live = next(a for a in acct.articles if a.state(state.today) == "ok")
    doubled = article_html(state, live).replace("</body>", '<div id="js_article"></div></body>')
    for html in ("", "<html><body><p>hello</p></body></html>", doubled):
        with pytest.raises(ParseError):
            parse_article(html, "https://mp.weixin.qq.com/s/x")


def test_year_boundary_dates_in_shanghai(state: SimState, acct: WxAccount) -> None:
    new_year = next(p for p in acct.pushes if (p.sent.month, p.sent.day, p.sent.hour) == (1, 1, 0))
    new_years_eve = next(p for p in acct.pushes if (p.sent.month, p.sent.day, p.sent.hour) == (12, 31, 23))
    assert local_date(ts(new_year.sent)) == f"{new_year.sent.year}-01-01"
    assert local_date(ts(new_years_eve.sent)) == f"{new_years_eve.sent.year}-12-31"
    assert datetime.fromtimestamp(ts(new_year.sent), SHANGHAI).utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
