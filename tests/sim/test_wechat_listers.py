"""WeChat listers on mp.weixin.qq.com (simulator/sites/wechat_listers.py) against the world.

Expected sets are computed here straight from the world's pushes and article states, not
through the module's own helpers, so the tests catch filtering and paging mistakes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites.wechat_listers import empty_publish_info, handle
from simulator.world import World, WxAccount, WxPush

HOST = "mp.weixin.qq.com"
MP_COOKIE = "slave_sid=c2xhdmVfc2lk; slave_user=gh_0123; bizuin=3000000001"
TOKEN = "1790312468"
CLIENT = {"uin": "MTIzNDU2Nzg5", "key": "0a1b2c3d", "pass_ticket": "Zx9%2Bq"}
TODAY = date(2025, 3, 31)


@pytest.fixture(scope="module")
def acct(world: World) -> WxAccount:
    assert world.agencies[0].wechat is not None
    return world.agencies[0].wechat


def get(state: SimState, path: str, query: dict[str, str], cookie: str = MP_COOKIE) -> SimResponse:
    req = SimRequest(method="GET", host=HOST, path=path, query=dict(query),
                     headers={"cookie": cookie} if cookie else {}, channel="wechat")
    resp = handle(req, state)
    assert resp is not None
    assert resp.status == 200
    assert resp.content_type.startswith("application/json")
    return resp


def published(acct: WxAccount, today: date) -> list[WxPush]:
    """Published pushes, newest first."""
    pushes = [p for p in acct.pushes if p.sent.date() <= today]
    return sorted(pushes, key=lambda p: (p.sent, p.mid), reverse=True)


# ---------------------------------------------------------------- appmsgpublish


def publish_page(state: SimState, acct: WxAccount, begin: int, count: int = 20, **extra: str) -> dict[str, Any]:
    query = {"sub": "list", "search_field": "null", "begin": str(begin), "count": str(count), "query": "",
             "fakeid": acct.biz, "type": "101_1", "free_publish_type": "1", "sub_action": "list_ex",
             "token": TOKEN, "lang": "zh_CN", "f": "json", "ajax": "1", **extra}
    data = json.loads(get(state, "/cgi-bin/appmsgpublish", query).body)
    assert data["base_resp"] == {"ret": 0, "err_msg": "ok"}
    assert data["is_admin"] is False
    assert isinstance(data["publish_page"], str)  # JSON inside a string
    page = json.loads(data["publish_page"])
    for entry in page["publish_list"]:
        assert isinstance(entry["publish_info"], str)  # and again inside that
    return page


def test_appmsgpublish_pages_every_published_push(state: SimState, acct: WxAccount) -> None:
    expected = published(acct, TODAY)
    entries: list[dict[str, Any]] = []
    begin = 0
    while True:
        page = publish_page(state, acct, begin)
        if not page["publish_list"]:
            break
        entries += page["publish_list"]
        begin += len(page["publish_list"])  # begin counts pushes, empty entries included
    assert len(entries) == len(expected) == page["total_count"]
    notified = sum(p.notified for p in expected)
    assert page["masssend_count"] == notified
    assert page["publish_count"] == len(expected) - notified
    assert page["total_count"] == page["publish_count"] + page["masssend_count"]

    empty = [p for p in expected if empty_publish_info(p)]
    assert 5 <= len(empty) <= 40  # about one in 37
    infos = [json.loads(e["publish_info"]) for e in entries if e["publish_info"]]
    assert len(infos) == len(expected) - len(empty)
    full = [p for p in expected if not empty_publish_info(p)]
    assert [i["msgid"] for i in infos] == [p.msgid for p in full]  # newest first
    for entry, push in zip(entries, expected, strict=True):
        assert entry["publish_type"] == (101 if push.notified else 1)
        assert (entry["publish_info"] == "") == empty_publish_info(push)

    by_key = {(a.mid, a.idx): a for p in full for a in p.articles}
    seen = {}
    for info, push in zip(infos, full, strict=True):
        assert info["sent_info"]["time"] == int(push.sent.timestamp())
        assert info["sent_info"]["is_send_all"] is push.notified
        assert [m["itemidx"] for m in info["appmsg_info"]] == [a.idx for a in push.articles]
        for ex in info["appmsgex"]:
            seen[(ex["appmsgid"], ex["itemidx"])] = ex
            assert ex["aid"] == f"{ex['appmsgid']}_{ex['itemidx']}"
    assert set(seen) == set(by_key)
    for key, ex in seen.items():
        art = by_key[key]
        assert ex["link"] == art.short_url and ex["title"] == art.title
        assert ex["create_time"] == int(art.ct.timestamp())
        assert ex["is_deleted"] is (art.state(TODAY) == "deleted")
        assert ex["ban_flag"] == (1 if art.state(TODAY) == "violation" else 0)


def test_appmsgpublish_count_capped_and_past_end(state: SimState, acct: WxAccount) -> None:
    assert len(publish_page(state, acct, 0, count=50)["publish_list"]) == 20
    assert len(publish_page(state, acct, 0, count=7)["publish_list"]) == 7
    total = len(published(acct, TODAY))
    assert len(publish_page(state, acct, total - 3)["publish_list"]) == 3
    assert publish_page(state, acct, total)["publish_list"] == []


def test_appmsgpublish_title_search(state: SimState, acct: WxAccount) -> None:
    word = "开平教育"
    page = publish_page(state, acct, 0, sub="search", search_field="7", query=word)
    want = [p for p in published(acct, TODAY) if any(word in a.title for a in p.articles)]
    assert page["total_count"] == len(want) > 0
    info = next(json.loads(e["publish_info"]) for e in page["publish_list"] if e["publish_info"])
    assert any('<em class="highlight">开平教育</em>' in ex["title"] for ex in info["appmsgex"])


def test_appmsgpublish_unknown_fakeid(state: SimState) -> None:
    data = json.loads(get(state, "/cgi-bin/appmsgpublish", {"fakeid": "MTIz", "token": TOKEN, "begin": "0"}).body)
    assert data["base_resp"]["ret"] == 200002


# ---------------------------------------------------------------- appmsg list_ex


def test_list_ex_yields_every_non_deleted_article(state: SimState, acct: WxAccount) -> None:
    expected = [a for p in published(acct, TODAY) for a in p.articles if a.state(TODAY) not in ("deleted", "violation")]
    got: list[dict[str, Any]] = []
    begin, cnt = 0, None
    while True:
        data = json.loads(get(state, "/cgi-bin/appmsg", {
            "action": "list_ex", "begin": str(begin), "count": "20", "fakeid": acct.biz, "type": "9",
            "query": "", "token": TOKEN, "lang": "zh_CN", "f": "json", "ajax": "1"}).body)
        assert data["base_resp"]["ret"] == 0
        cnt = data["app_msg_cnt"]
        if not data["app_msg_list"]:
            break
        got += data["app_msg_list"]
        begin += len(data["app_msg_list"])  # begin counts articles
    assert cnt == len(expected) == len(got)
    assert [(g["appmsgid"], g["itemidx"]) for g in got] == [(a.mid, a.idx) for a in expected]
    deleted = [a for a in acct.articles if a.state(TODAY) in ("deleted", "violation")]
    assert len(deleted) == 4 and not {(a.mid, a.idx) for a in deleted} & {(g["appmsgid"], g["itemidx"]) for g in got}
    first = got[0]
    assert first["link"] == expected[0].long_url and "__biz=" in first["link"]
    assert first["aid"] == f"{first['appmsgid']}_{first['itemidx']}"
    capped = json.loads(get(state, "/cgi-bin/appmsg", {"action": "list_ex", "begin": "0", "count": "99",
                                                       "fakeid": acct.biz, "token": TOKEN}).body)
    assert len(capped["app_msg_list"]) == 20


# ---------------------------------------------------------------- profile_ext getmsg


def getmsg(state: SimState, acct: WxAccount, offset: int, creds: dict[str, str] = CLIENT) -> dict[str, Any]:
    query = {"action": "getmsg", "__biz": acct.biz, "f": "json", "offset": str(offset), "count": "10",
             "is_ok": "1", "scene": "124", **creds}
    return json.loads(get(state, "/mp/profile_ext", query, cookie="").body)


def test_getmsg_lists_only_notified_pushes(state: SimState, acct: WxAccount) -> None:
    expected = [p for p in published(acct, TODAY) if p.notified]
    assert 0 < len(expected) < len(published(acct, TODAY))
    msgs: list[dict[str, Any]] = []
    offset = 0
    while True:
        data = getmsg(state, acct, offset)
        assert data["ret"] == 0 and isinstance(data["general_msg_list"], str)
        assert '\\/' in data["general_msg_list"] or not data["msg_count"]
        page = json.loads(data["general_msg_list"])["list"]
        assert len(page) == data["msg_count"] <= 10
        msgs += page
        offset = data["next_offset"]
        if not data["can_msg_continue"]:
            break
    assert [m["comm_msg_info"]["id"] for m in msgs] == [p.msgid for p in expected]
    assert all(m["comm_msg_info"]["type"] == 49 for m in msgs)
    n_articles = sum(1 + len(m["app_msg_ext_info"]["multi_app_msg_item_list"]) for m in msgs)
    assert n_articles == sum(len(p.articles) for p in expected)
    push, msg = expected[0], msgs[0]
    ext = msg["app_msg_ext_info"]
    assert msg["comm_msg_info"]["datetime"] == int(push.sent.timestamp())
    assert "&amp;mid=" in ext["content_url"] and f"mid={push.mid}" in ext["content_url"]
    assert ext["is_multi"] == (1 if len(push.articles) > 1 else 0)
    assert ext["copyright_stat"] in (11, 100) and ext["del_flag"] == 1


def test_getmsg_deleted_articles_keep_their_slot(state: SimState, acct: WxAccount) -> None:
    deleted = next(a for a in acct.articles if a.state(TODAY) == "deleted" and a.push.notified)
    pushes = [p for p in published(acct, TODAY) if p.notified]
    offset = pushes.index(deleted.push) // 10 * 10
    page = json.loads(getmsg(state, acct, offset)["general_msg_list"])["list"]
    msg = next(m for m in page if m["comm_msg_info"]["id"] == deleted.push.msgid)
    items = [msg["app_msg_ext_info"], *msg["app_msg_ext_info"]["multi_app_msg_item_list"]]
    item = items[deleted.idx - 1]
    assert item["del_flag"] == 4 and item["content_url"] == ""


def test_getmsg_credentials_and_faults(world: World, acct: WxAccount) -> None:
    state = SimState(world)
    assert getmsg(state, acct, 0, creds={"uin": "", "key": "", "pass_ticket": ""}) == \
        {"ret": -3, "errmsg": "no session", "cookie_count": 1}
    state = SimState(world, faults=[{"kind": "getmsg_ret", "ret": -6, "after": 2}])
    assert getmsg(state, acct, 0)["ret"] == 0
    assert getmsg(state, acct, 10)["ret"] == 0
    blocked = getmsg(state, acct, 20)
    assert blocked == {"ret": -6, "errmsg": "unknown error", "home_page_list": []}
    state = SimState(world, faults=[{"kind": "getmsg_ret", "ret": -3}])
    assert getmsg(state, acct, 0)["ret"] == -3


# ---------------------------------------------------------------- searchbiz


def searchbiz(state: SimState, query: str, cookie: str = MP_COOKIE, token: str = TOKEN) -> dict[str, Any]:
    return json.loads(get(state, "/cgi-bin/searchbiz", {
        "action": "search_biz", "begin": "0", "count": "5", "query": query, "token": token,
        "lang": "zh_CN", "f": "json", "ajax": "1"}, cookie=cookie).body)


def test_searchbiz_exact_and_partial(state: SimState, acct: WxAccount) -> None:
    for query in ("开平教育", "开平", "教育"):
        data = searchbiz(state, query)
        assert data["base_resp"]["ret"] == 0 and data["total"] == 1
        hit = data["list"][0]
        assert hit["fakeid"] == acct.biz and hit["nickname"] == "开平教育" and hit["service_type"] == 1
        assert set(hit) >= {"alias", "round_head_img", "signature", "verify_status"}
    assert searchbiz(state, "台山教育") == {"base_resp": {"ret": 0, "err_msg": "ok"}, "list": [], "total": 0}


# ---------------------------------------------------------------- credentials and counting faults


def test_mp_credentials(state: SimState, acct: WxAccount) -> None:
    invalid = {"base_resp": {"ret": 200003, "err_msg": "invalid session"}}
    assert searchbiz(state, "开平教育", cookie="") == invalid
    assert searchbiz(state, "开平教育", cookie="slave_sid=; bizuin=1") == invalid
    assert searchbiz(state, "开平教育", token="") == invalid
    assert searchbiz(state, "开平教育", token="abc") == invalid
    resp = get(state, "/cgi-bin/appmsgpublish", {"fakeid": acct.biz, "begin": "0"}, cookie="")
    assert json.loads(resp.body) == invalid
    assert state.calls["mp_backend"] == 5  # refused calls count too


def test_200013_after_n_calls(world: World, acct: WxAccount) -> None:
    state = SimState(world, faults=[{"kind": "wechat_200013", "after": 3}])
    assert searchbiz(state, "开平教育")["base_resp"]["ret"] == 0
    assert publish_page(state, acct, 0)["publish_list"]
    data = json.loads(get(state, "/cgi-bin/appmsg", {"action": "list_ex", "begin": "0", "count": "5",
                                                     "fakeid": acct.biz, "token": TOKEN}).body)
    assert data["base_resp"]["ret"] == 0
    for _ in range(3):
        resp = get(state, "/cgi-bin/appmsgpublish", {"fakeid": acct.biz, "begin": "20", "token": TOKEN})
        assert json.loads(resp.body) == {"base_resp": {"ret": 200013, "err_msg": "freq control"}}
    assert searchbiz(state, "开平教育")["base_resp"]["ret"] == 200013


def test_200013_always_and_200003_expiry(world: World, acct: WxAccount) -> None:
    closed = SimState(world, faults=[{"kind": "wechat_200013", "after": 0}])
    assert searchbiz(closed, "开平教育")["base_resp"]["ret"] == 200013
    expiring = SimState(world, faults=[{"kind": "wechat_200003", "after": 1}])
    assert searchbiz(expiring, "开平教育")["base_resp"]["ret"] == 0
    assert searchbiz(expiring, "开平教育")["base_resp"] == {"ret": 200003, "err_msg": "invalid session"}


# ---------------------------------------------------------------- clock, determinism, routing


def test_future_push_appears_when_the_clock_moves(world: World, acct: WxAccount) -> None:
    future = next(p for p in acct.pushes if p.sent.date() > TODAY and p.notified)
    state = SimState(world)
    assert all(future.msgid != json.loads(e["publish_info"])["msgid"]
               for e in publish_page(state, acct, 0)["publish_list"] if e["publish_info"])
    assert all(m["comm_msg_info"]["id"] != future.msgid
               for m in json.loads(getmsg(state, acct, 0)["general_msg_list"])["list"])
    state.today = future.sent.date()
    page = publish_page(state, acct, 0)
    assert page["total_count"] == len(published(acct, state.today))
    assert page["publish_list"][0]["publish_type"] == 101
    msgs = json.loads(getmsg(state, acct, 0)["general_msg_list"])["list"]
    assert msgs[0]["comm_msg_info"]["id"] == future.msgid
    data = json.loads(get(state, "/cgi-bin/appmsg", {"action": "list_ex", "begin": "0", "count": "20",
                                                     "fakeid": acct.biz, "token": TOKEN}).body)
    assert (data["app_msg_list"][0]["appmsgid"], data["app_msg_list"][0]["itemidx"]) == (future.mid, 1)


def test_deterministic_bytes(world: World) -> None:
    other = World(load("kaiping-2024"))
    bodies = []
    for w_ in (world, other):
        acct = w_.agencies[0].wechat
        assert acct is not None
        state = SimState(w_)
        bodies.append([
            get(state, "/cgi-bin/appmsgpublish", {"fakeid": acct.biz, "begin": "40", "count": "20", "token": TOKEN}).body,
            get(state, "/cgi-bin/appmsg", {"action": "list_ex", "fakeid": acct.biz, "begin": "7", "token": TOKEN}).body,
            get(state, "/mp/profile_ext", {"action": "getmsg", "__biz": acct.biz, "offset": "30", **CLIENT}, "").body,
            get(state, "/cgi-bin/searchbiz", {"query": "开平", "token": TOKEN}).body,
        ])
    assert bodies[0] == bodies[1]


def test_other_paths_are_not_mine(state: SimState) -> None:
    for path, query in (("/s/abc", {}), ("/mp/profile_ext", {"action": "home"}), ("/cgi-bin/bizlogin", {})):
        req = SimRequest(method="GET", host=HOST, path=path, query=query, headers={})
        assert handle(req, state) is None
