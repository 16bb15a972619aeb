"""The WeChat listing routes on mp.weixin.qq.com (reference wechat.md §2.1, §2.2, §4.3).

Routes (all JSON; errors keep HTTP 200 and put the code in the body, like the real backend):
- `/cgi-bin/searchbiz?action=search_biz&query=…`: accounts by nickname (exact matches first).
- `/cgi-bin/appmsgpublish?sub=list&begin=&count=&fakeid=`: the 发表记录 list. `begin` counts
  PUSHES, newest first, `count` capped at 20. `publish_page` is a JSON string whose entries carry
  `publish_info` as a JSON string again. About one push in 37 (chosen by a hash of its bizuin
  and msgid, so the same push on every day) comes back with an empty `publish_info` (see
  `empty_publish_info`): it still counts for `begin` and for the totals, but its date and
  articles are not visible on this route. `sub=search` filters pushes by title and wraps
  matches in `<em class="highlight">`.
- `/cgi-bin/appmsg?action=list_ex&begin=&count=&fakeid=`: the older article list. `begin`
  counts ARTICLES, newest push first and items in `itemidx` order; deleted and violation
  articles are not listed (unavailable ones are), as simulator/truth.py expects. `query=`
  filters titles.
- `/mp/profile_ext?action=getmsg&__biz=&offset=&count=10&uin=&key=&pass_ticket=`: the client's
  history list: only notified (群发) pushes, 10 per page, `offset` counts pushes.

Credentials: the MP routes need a cookie with a non-empty `slave_sid` and a numeric `token`
parameter, else `ret 200003`; getmsg needs non-empty `uin`, `key` and `pass_ticket`, else
`ret -3`. Every MP call (also refused ones) counts in `state.count("mp_backend")` and every
getmsg call in `state.count("getmsg")`; the counting faults fire once that count exceeds
`fault.after` (after 0: always). Checks run in this order: credentials, 200003, 200013.

Guessed where the sources are silent (plausible forms):
- unknown `fakeid` → `ret 200002 "invalid args"`; unknown getmsg biz → an empty, final page;
- `total_count = publish_count + masssend_count` (unverified claim of a reverse-engineering
  note); `featured_count` 0; `new_publish` and `sent_info.is_published` 1 for 发表, 0 for 群发;
  `sent_status` gives a follower count for 群发 and zeros for 发表;
- `copyright_stat`/`copyright_type` 1 for original (appmsgpublish, list_ex), 11/100 in getmsg;
- getmsg `del_flag`: 1 on normal items (as in a public 2017 sample); deleted articles keep their
  slot with `del_flag` 4 and an empty `content_url`/`cover`/`digest` (that sample's consumer
  notes deleted items come without URL). The brief suggested `del_flag 1` for deleted items; a
  public sample shows 1 on live ones, so 4 marks deletion here;
- getmsg's inner JSON escapes every `/` as `\\/` (PHP `json_encode` style) and `content_url`
  carries `&amp;`, as the reference describes; one decode of `general_msg_list` leaves `&amp;`;
- `verify_status` 1 and `service_type` 1 in searchbiz; `count` of searchbiz/list_ex capped at 20;
  alias, avatar and signature are the values wechat_pages shows on /mp/aboutbiz (alias falls
  back to the gh_ user name there), so the two never disagree.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

from ..http import SimRequest, SimResponse, SimState
from ..model import empty_publish_info
from ..world import World, WxAccount, WxArticle, WxPush, hexdigest
from . import wechat_article_html as html

MP_PAGE_MAX = 20
GETMSG_PAGE = 10
LIST_EX_HIDDEN = ("deleted", "violation")

# ---------------------------------------------------------------- shared cached views

_CACHE: dict[tuple[Any, ...], tuple[weakref.ref[World], Any]] = {}
_CACHE_MAX = 512


def world_cache(world: World, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """A value derived from `world` (e.g. a listing on one day), built once per key.

    Keyed by id(world) plus `key`; a weak reference guards against a recycled id."""
    full = (id(world), *key)
    hit = _CACHE.get(full)
    if hit is not None and hit[0]() is world:
        return hit[1]
    value = build()
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[full] = (weakref.ref(world), value)
    return value


def unix(dt: Any) -> int:
    return int(dt.timestamp())


def published_pushes(world: World, acct: WxAccount, today: date) -> list[WxPush]:
    """Pushes sent on or before `today`, newest first (what every lister starts from)."""
    def build() -> list[WxPush]:
        return [p for p in reversed(acct.pushes) if p.sent.date() <= today]
    return world_cache(world, ("wx-pushes", acct.bizuin, today), build)


def listed_articles(world: World, acct: WxAccount, today: date) -> list[WxArticle]:
    """What list_ex lists on `today`: published, not deleted or violation, newest push first."""
    def build() -> list[WxArticle]:
        return [a for p in published_pushes(world, acct, today) for a in p.articles
                if a.state(today) not in LIST_EX_HIDDEN]
    return world_cache(world, ("wx-listex", acct.bizuin, today), build)


def notified_pushes(world: World, acct: WxAccount, today: date) -> list[WxPush]:
    """What getmsg lists on `today`: published 群发 pushes, newest first."""
    return world_cache(world, ("wx-notified", acct.bizuin, today),
                       lambda: [p for p in published_pushes(world, acct, today) if p.notified])


def account_profile(world: World, acct: WxAccount) -> dict[str, Any]:
    """Nickname, alias, avatar and signature; the same values the article pages show."""
    return {"nickname": acct.name, "alias": html.account_alias(world, acct),
            "round_head_img": html.account_images(world, acct)[0], "signature": html.account_intro(world, acct)}


def followers(world: World, acct: WxAccount, push: WxPush) -> int:
    base = 18_000 + int(hexdigest(world.seed, "fans", acct.bizuin, n=6), 16) % 20_000
    return base + (push.msgid - 1_000_000_000) * 3


# ---------------------------------------------------------------- request helpers


def _int(query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, ""))
    except ValueError:
        return default


def _page(query: dict[str, str], start: str, default: int, cap: int) -> tuple[int, int]:
    begin = max(0, _int(query, start, 0))
    count = min(max(1, _int(query, "count", default)), cap)
    return begin, count


def cookie_value(req: SimRequest, name: str) -> str:
    """The value of one cookie of the request ('' when absent)."""
    m = re.search(rf"(?:^|;)\s*{re.escape(name)}=([^;]*)", req.header("cookie"))
    return m.group(1).strip() if m else ""


def _base(ret: int, msg: str) -> SimResponse:
    return SimResponse.json({"base_resp": {"ret": ret, "err_msg": msg}})


def _mp_gate(req: SimRequest, state: SimState) -> SimResponse | None:
    """Count the MP call, then refuse it for bad credentials or an active counting fault."""
    n = state.count("mp_backend")
    if not cookie_value(req, "slave_sid") or not req.query.get("token", "").isdigit():
        return _base(200003, "invalid session")
    fault = state.active("wechat_200003", req)
    if fault is not None and n > fault.after:
        return _base(200003, "invalid session")
    fault = state.active("wechat_200013", req)
    if fault is not None and n > fault.after:
        return _base(200013, "freq control")
    return None


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- searchbiz


def _searchbiz(req: SimRequest, state: SimState) -> SimResponse:
    if (refused := _mp_gate(req, state)) is not None:
        return refused
    world, q = state.world, req.query.get("query", "").strip()
    begin, count = _page(req.query, "begin", 5, MP_PAGE_MAX)
    hits: list[tuple[int, int, dict[str, Any]]] = []
    if q:
        for acct in world.wx_account_by_biz.values():
            prof = account_profile(world, acct)
            exact = q in (acct.name, prof["alias"])
            if exact or q in acct.name:
                hits.append((0 if exact else 1, acct.bizuin, {
                    "fakeid": acct.biz, "nickname": acct.name, "alias": prof["alias"],
                    "round_head_img": prof["round_head_img"], "service_type": 1,
                    "signature": prof["signature"], "verify_status": 1,
                }))
    hits.sort(key=lambda h: (h[0], h[1]))
    return SimResponse.json({"base_resp": {"ret": 0, "err_msg": "ok"},
                             "list": [h[2] for h in hits[begin:begin + count]], "total": len(hits)})


# ---------------------------------------------------------------- appmsgpublish


def _highlight(title: str, query: str) -> str:
    return title.replace(query, f'<em class="highlight">{query}</em>') if query else title


def _appmsgex(art: WxArticle, today: date, query: str) -> dict[str, Any]:
    ts = unix(art.ct)
    state = art.state(today)
    square = f"https://mmbiz.qpic.cn/mmbiz_jpg/{art.sn[-20:]}/0?wx_fmt=jpeg"
    return {
        "aid": f"{art.mid}_{art.idx}", "appmsgid": art.mid, "itemidx": art.idx,
        "title": _highlight(art.title, query), "link": art.short_url, "digest": art.digest,
        "cover": art.cover, "author_name": art.author, "create_time": ts, "update_time": ts,
        "is_deleted": state == "deleted", "item_show_type": art.show_type,
        "copyright_stat": 1 if art.original else 0, "copyright_type": 1 if art.original else 0,
        "album_id": "0", "appmsg_album_infos": [], "ban_flag": 1 if state == "violation" else 0,
        "checking": 0, "is_pay_subscribe": 0, "has_red_packet_cover": 0, "media_duration": "0:00",
        "mediaapi_publish_status": 0, "pic_cdn_url_1_1": square, "pic_cdn_url_3_4": "",
        "pic_cdn_url_16_9": "", "pic_cdn_url_235_1": art.cover, "cover_img": art.cover,
    }


def _publish_info(world: World, push: WxPush, today: date, query: str) -> dict[str, Any]:
    ts = unix(push.sent)
    fans = followers(world, push.account, push) if push.notified else 0
    return {
        "type": 9, "new_publish": 0 if push.notified else 1, "msgid": push.msgid,
        "copy_type": 0, "copy_appmsg_id": 0,
        "sent_info": {"time": ts, "func_flag": 0, "is_send_all": push.notified,
                      "is_published": 0 if push.notified else 1},
        "sent_status": {"total": fans, "succ": fans, "fail": 0, "progress": 100 if push.notified else 0,
                        "userprotect": 0},
        "sent_result": {"msg_status": 2, "refuse_reason": "", "update_time": ts, "reject_index_list": []},
        "appmsg_info": [{"appmsgid": a.mid, "itemidx": a.idx, "appmsg_like_type": 2, "is_pay_subscribe": 0,
                         "share_type": 0, "is_from_transfer": 0, "open_fansmsg": 0, "smart_product": 0}
                        for a in push.articles],
        "appmsgex": [_appmsgex(a, today, query) for a in push.articles],
    }


def _appmsgpublish(req: SimRequest, state: SimState) -> SimResponse:
    if (refused := _mp_gate(req, state)) is not None:
        return refused
    world, today = state.world, state.today
    acct = world.wx_account_by_biz.get(req.query.get("fakeid", ""))
    if acct is None:
        return _base(200002, "invalid args")
    begin, count = _page(req.query, "begin", 10, MP_PAGE_MAX)
    pushes = published_pushes(world, acct, today)
    query = req.query.get("query", "") if req.query.get("sub") == "search" else ""
    if query:  # a title search scans; plain listing uses the cached views only
        pushes = [p for p in pushes if any(query in a.title for a in p.articles)]
        masssend = sum(1 for p in pushes if p.notified)
    else:
        masssend = len(notified_pushes(world, acct, today))
    entries = []
    for push in pushes[begin:begin + count]:
        info = "" if empty_publish_info(push) else _dumps(_publish_info(world, push, today, query))
        entries.append({"publish_type": 101 if push.notified else 1, "publish_info": info})
    page = {"total_count": len(pushes), "publish_count": len(pushes) - masssend, "masssend_count": masssend,
            "featured_count": 0, "publish_list": entries}
    return SimResponse.json({"base_resp": {"ret": 0, "err_msg": "ok"}, "is_admin": False,
                             "publish_page": _dumps(page)})


# ---------------------------------------------------------------- appmsg list_ex


def _list_item(art: WxArticle) -> dict[str, Any]:
    ts = unix(art.ct)
    return {
        "aid": f"{art.mid}_{art.idx}", "appmsgid": art.mid, "itemidx": art.idx, "title": art.title,
        "link": art.long_url, "digest": art.digest, "cover": art.cover, "author_name": art.author,
        "create_time": ts, "update_time": ts, "item_show_type": art.show_type, "copyright_type": 1 if art.original else 0,
        "album_id": "0", "appmsg_album_infos": [], "checking": 0, "is_pay_subscribe": 0,
        "has_red_packet_cover": 0, "media_duration": "0:00", "mediaapi_publish_status": 0,
        "pay_album_info": {"appmsg_album_infos": []}, "tagid": [],
    }


def _appmsg(req: SimRequest, state: SimState) -> SimResponse:
    if (refused := _mp_gate(req, state)) is not None:
        return refused
    world = state.world
    acct = world.wx_account_by_biz.get(req.query.get("fakeid", ""))
    if req.query.get("action") != "list_ex" or acct is None:
        return _base(200002, "invalid args")
    begin, count = _page(req.query, "begin", 5, MP_PAGE_MAX)
    arts = listed_articles(world, acct, state.today)
    if query := req.query.get("query", ""):
        arts = [a for a in arts if query in a.title]
    return SimResponse.json({"app_msg_cnt": len(arts), "app_msg_list": [_list_item(a) for a in arts[begin:begin + count]],
                             "base_resp": {"ret": 0, "err_msg": "ok"}})


# ---------------------------------------------------------------- profile_ext getmsg


NO_SESSION = {"ret": -3, "errmsg": "no session", "cookie_count": 1}


def escaped_url(art: WxArticle) -> str:
    """getmsg's URL form: http, `&amp;` separators, a scene and #wechat_redirect."""
    chksm = f"{art.sn[:8]}{art.sn[-8:]}"
    return (f"http://mp.weixin.qq.com/s?__biz={art.push.account.biz}&amp;mid={art.mid}&amp;idx={art.idx}"
            f"&amp;sn={art.sn}&amp;chksm={chksm}&amp;scene=27#wechat_redirect")


def _msg_item(art: WxArticle, today: date) -> dict[str, Any]:
    deleted = art.state(today) == "deleted"
    return {
        "title": art.title, "digest": "" if deleted else art.digest, "content": "",
        "fileid": int(art.sn[:7], 16), "content_url": "" if deleted else escaped_url(art),
        "source_url": "", "cover": "" if deleted else art.cover, "author": art.author,
        "copyright_stat": 11 if art.original else 100, "del_flag": 4 if deleted else 1,
        "item_show_type": art.show_type, "audio_fileid": 0, "duration": 0, "play_url": "",
        "malicious_title_reason_id": 0, "malicious_content_type": 0,
    }


def _general_msg(push: WxPush, today: date) -> dict[str, Any]:
    first, *rest = push.articles
    ext = _msg_item(first, today)
    ext["subtype"] = 9
    ext["is_multi"] = 1 if rest else 0
    ext["multi_app_msg_item_list"] = [_msg_item(a, today) for a in rest]
    return {"comm_msg_info": {"id": push.msgid, "type": 49, "datetime": unix(push.sent),
                              "fakeid": str(push.account.bizuin), "status": 2, "content": ""},
            "app_msg_ext_info": ext}


def _getmsg(req: SimRequest, state: SimState) -> SimResponse:
    n = state.count("getmsg")
    q = req.query
    if not (q.get("uin") and q.get("key") and q.get("pass_ticket")):
        return SimResponse.json(NO_SESSION)
    fault = state.active("getmsg_ret", req)
    if fault is not None and n > fault.after:
        ret = int(fault.params.get("ret", -6))
        if ret == -3:
            return SimResponse.json(NO_SESSION)
        return SimResponse.json({"ret": ret, "errmsg": "unknown error", "home_page_list": []})
    acct = state.world.wx_account_by_biz.get(q.get("__biz", ""))
    pushes = notified_pushes(state.world, acct, state.today) if acct else []
    offset, count = _page(q, "offset", GETMSG_PAGE, GETMSG_PAGE)
    page = pushes[offset:offset + count]
    inner = _dumps({"list": [_general_msg(p, state.today) for p in page]}).replace("/", "\\/")
    nxt = offset + len(page)
    return SimResponse.json({
        "ret": 0, "errmsg": "ok", "msg_count": len(page), "can_msg_continue": 1 if nxt < len(pushes) else 0,
        "next_offset": nxt, "real_type": 0, "use_video_tab": 1, "video_count": 0, "general_msg_list": inner,
    })


# ---------------------------------------------------------------- routing


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """The listing routes of mp.weixin.qq.com; None for any other path (article pages etc.)."""
    if req.method not in ("GET", "HEAD"):
        return None
    if req.path == "/cgi-bin/searchbiz":
        return _searchbiz(req, state)
    if req.path == "/cgi-bin/appmsgpublish":
        return _appmsgpublish(req, state)
    if req.path == "/cgi-bin/appmsg":
        return _appmsg(req, state)
    if req.path == "/mp/profile_ext" and req.query.get("action") == "getmsg":
        return _getmsg(req, state)
    return None
