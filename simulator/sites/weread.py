"""WeRead (微信读书) routes for 公众号 books on weread.qq.com (reference wechat.md §2.3).

- `GET /web/mp/articles?bookId=MP_WXS_<bizuin>&offset=<n>`: one group per push (notified or
  not), 20 groups per page, `offset` counts groups, newest first; `count` is ignored. WeRead's
  history is shallow: only pushes sent on or after `weread_window_start` (today minus the
  account's `weread_depth_days`) are ever served; past the end, `reviews` is empty. Deleted and
  violation articles are left out; a push with nothing left is left out as a whole.
  Needs cookies `wr_vid` and `wr_skey` (non-empty). Every call counts in `state.count("weread")`;
  fault `weread_error` (params `code`, default -2041) fires once that count exceeds `after`; with
  `login_ok: true` it plays the refusal reported since 2026-10: -2041 for this account's list while
  the login works (the shelf still answers). Fault `weread_app_shape` answers in the app's shape,
  one article per entry: `reviews[].review.mpInfo` (no `subReviews`), `offset` counting entries.
- `GET /web/shelf/bookIds`: the shelf's book ids (the account's bookId); login needed; -2041 and
  -2012 there too unless the fault says `login_ok`.
- `GET /api/mp/cover?bookId=`: the latest article only, no login needed (not counted).

Guessed (plausible forms): error bodies `{"errCode", "errMsg"}` come with HTTP 401 (a public
client's notes show 401 for a missing login); `reviewId` is `<bookId>_<short-link token>` (the
form public clients parse); `clearAll` is 1 on the first page only; `synckey` is the createTime
of the page's last group (0 for an empty page); `readNum` is the article's read count when the
scenario has `read_counts`, else 0, and `likeNum` a small derived number; the cover route
answers `{name, title, digest, pic, reviewId}`; an unknown bookId gets an empty list (articles)
or `errCode -2003` (cover).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..http import SimRequest, SimResponse, SimState
from ..world import World, WxAccount, WxArticle, WxPush, hexdigest
from .wechat_listers import cookie_value, published_pushes, unix, world_cache

GROUPS_PER_PAGE = 20
HIDDEN_STATES = ("deleted", "violation")
ERR_MSG = {-2041: "登录信息已失效，请重新登录", -2012: "登录超时", -2010: "用户不存在", -2003: "参数格式错误"}


def weread_window_start(acct: WxAccount, today: date) -> date:
    """The oldest send date WeRead still serves for this account on `today`."""
    return today - timedelta(days=acct.weread_depth_days)


def weread_groups(world: World, acct: WxAccount, today: date) -> list[tuple[WxPush, list[WxArticle]]]:
    """The groups WeRead lists on `today`, newest first: (push, its visible articles)."""
    def build() -> list[tuple[WxPush, list[WxArticle]]]:
        start = weread_window_start(acct, today)
        groups = []
        for push in published_pushes(world, acct, today):
            if push.sent.date() < start:
                break  # newest first: everything after this is older still
            arts = [a for a in push.articles if a.state(today) not in HIDDEN_STATES]
            if arts:
                groups.append((push, arts))
        return groups
    return world_cache(world, ("weread-groups", acct.bizuin, today), build)


def review_id(acct: WxAccount, art: WxArticle) -> str:
    return f"{acct.weread_book_id}_{art.token}"


def _account(world: World, book_id: str) -> WxAccount | None:
    index = world_cache(world, ("weread-books",),
                        lambda: {a.weread_book_id: a for a in world.wx_account_by_biz.values()})
    return index.get(book_id)


def _error(code: int) -> SimResponse:
    return SimResponse.json({"errCode": code, "errMsg": ERR_MSG.get(code, "系统错误")}, status=401)


def _mp_info(world: World, acct: WxAccount, art: WxArticle) -> dict[str, Any]:
    reads = art.read_num if acct.read_counts else 0
    likes = int(hexdigest(world.seed, "weread-like", art.token, n=6), 16) % (reads // 60 + 1)
    return {"originalId": art.token, "doc_url": art.short_url, "pic_url": art.cover, "title": art.title,
            "content": art.digest, "mp_name": acct.name, "time": unix(art.ct), "readNum": reads,
            "likeNum": likes, "payType": 0}


def _logged_in(req: SimRequest) -> bool:
    return bool(cookie_value(req, "wr_vid") and cookie_value(req, "wr_skey"))


def _shelf(req: SimRequest, state: SimState) -> SimResponse:
    if not _logged_in(req):
        return _error(-2041)
    fault = state.active("weread_error", req)
    if fault is not None and not fault.params.get("login_ok"):
        return _error(int(fault.params.get("code", -2041)))
    return SimResponse.json({"bookIds": sorted(a.weread_book_id for a in state.world.wx_account_by_biz.values()),
                             "synckey": 0})


def _articles(req: SimRequest, state: SimState) -> SimResponse:
    n = state.count("weread")
    if not _logged_in(req):
        return _error(-2041)
    fault = state.active("weread_error", req)
    if fault is not None and n > fault.after:
        return _error(int(fault.params.get("code", -2041)))
    world = state.world
    acct = _account(world, req.query.get("bookId", ""))
    groups = weread_groups(world, acct, state.today) if acct else []
    try:
        offset = max(0, int(req.query.get("offset", "0")))
    except ValueError:
        offset = 0

    def review(push: WxPush, art: WxArticle) -> dict[str, Any]:
        return {"reviewId": review_id(push.account, art),
                "review": {"type": 16, "createTime": unix(push.sent), "mpInfo": _mp_info(world, push.account, art)}}

    if state.active("weread_app_shape", req) is not None:  # one entry per article; offset counts entries
        flat = [(push, art) for push, arts in groups for art in arts]
        reviews = [review(p, a) for p, a in flat[offset:offset + GROUPS_PER_PAGE]]
        last = reviews[-1]["review"]["createTime"] if reviews else 0
    else:
        reviews = [{"createTime": unix(push.sent), "subCount": len(arts), "subReviews": [review(push, a) for a in arts]}
                   for push, arts in groups[offset:offset + GROUPS_PER_PAGE]]
        last = reviews[-1]["createTime"] if reviews else 0
    return SimResponse.json({"reviews": reviews, "clearAll": 1 if offset == 0 else 0, "synckey": last})


def _cover(req: SimRequest, state: SimState) -> SimResponse:
    world = state.world
    acct = _account(world, req.query.get("bookId", ""))
    if acct is None:
        return SimResponse.json({"errCode": -2003, "errMsg": ERR_MSG[-2003]})
    for push in published_pushes(world, acct, state.today):
        for art in push.articles:
            if art.state(state.today) not in HIDDEN_STATES:
                return SimResponse.json({"name": acct.name, "title": art.title, "digest": art.digest,
                                         "pic": art.cover, "reviewId": review_id(acct, art)})
    return SimResponse.json({"name": acct.name, "title": "", "digest": "", "pic": "", "reviewId": ""})


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """weread.qq.com: the 公众号 article list and the latest-article cover; None otherwise."""
    if req.method not in ("GET", "HEAD"):
        return None
    if req.path == "/web/mp/articles":
        return _articles(req, state)
    if req.path == "/api/mp/cover":
        return _cover(req, state)
    if req.path == "/web/shelf/bookIds":
        return _shelf(req, state)
    return None
