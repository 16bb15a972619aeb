"""Parsers of the routes that list an account's posts (reference wechat.md §2), each mapped onto one
`ListedArticle` shape with a source tag: `parse_appmsgpublish` (MP backend, `begin` counts pushes),
`parse_list_ex` (`begin` counts articles), `parse_getmsg` (client history, 群发 only), `parse_weread`
(groups); `parse_searchbiz` resolves an account. `ListerError` is an API refusal with its own code,
a kind the spider acts on, and a message that tells the user which credential to refresh.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..common import ParseError, load_json
from ..jsobject import JSObjectError, read_assignment
from ._common import ARTICLE_HOST, UrlIds, as_int, as_str, b64_biz, clean_url, url_ids

# ---------------------------------------------------------------- shapes


@dataclass
class ListedArticle:
    """One article as a lister shows it."""

    source: str  # "mp_backend" | "list_ex" | "getmsg" | "weread" | "feed" | "url_list"
    url: str  # as given (short or long), HTML entities and \/ undone; "" when the lister gives none
    title: str | None = None
    biz: str | None = None
    mid: int | None = None
    idx: int | None = None
    sn: str | None = None
    token: str | None = None  # short-link token when the URL is /s/<token>
    push_key: str | None = None  # identity of the push within this lister
    sent_at: int | None = None  # push time (publish time for feeds), Unix seconds
    notified: bool | None = None  # True 群发, False 发表, None unknown
    deleted: bool | None = None
    digest: str | None = None
    cover: str | None = None
    author: str | None = None
    read_num: int | None = None
    zone_assumed: bool = False  # a feed stamp without a zone, read in the zone the caller named
    content: str | None = field(default=None, repr=False)  # a feed's full text (HTML), when it carries one

    @classmethod
    def from_url(cls, source: str, url: str, **fields: Any) -> ListedArticle:
        """The article with the ids the lister gave explicitly, the others read from its URL."""
        ids = url_ids(url) if url else UrlIds()
        for name in ("biz", "mid", "idx", "sn", "token"):
            if fields.get(name) is None:
                fields[name] = getattr(ids, name)
        return cls(source=source, url=url, **fields)


@dataclass
class PushEntry:
    """One entry of appmsgpublish's push list, in list order (newest first)."""

    sent_at: int | None  # None when its publish_info came back empty
    mids: set[int] = field(default_factory=set)
    articles: int = 0

    @property
    def empty(self) -> bool:
        return self.sent_at is None and not self.mids


@dataclass
class ListerPage:
    articles: list[ListedArticle]
    pushes_on_page: int  # pushes/groups/messages covered, entries without articles included
    next_offset: int | None  # begin/offset to ask for next; None when the list is complete
    total: int | None  # total_count / app_msg_cnt when given
    entries: list[PushEntry] = field(default_factory=list)  # appmsgpublish only: every entry, empty ones too


class ListerError(ParseError):
    """A lister refused the request. `kind` is what the spider acts on: "freq_control" (stop this
    lister), "session_expired" (credentials must be refreshed), "blocked" (stop for a day), "other"."""

    def __init__(self, message: str, code: int | str, kind: str):
        super().__init__(message)
        self.code = code
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:  # picklable with its extra arguments
        return (type(self), (str(self), self.code, self.kind))


# ---------------------------------------------------------------- JSON inside JSON


def _object(body: bytes | str, what: str) -> dict[str, Any]:
    data = load_json(body, what, show="start")
    if not isinstance(data, dict):
        raise ParseError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def _inner_json(value: Any, what: str) -> Any:
    """A field that holds JSON inside a JSON string (publish_page, publish_info, general_msg_list)."""
    if not isinstance(value, str):
        return value  # tolerate an already-decoded object
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{what}: the inner JSON string is invalid at char {exc.pos}: {exc.msg}; "
                         f"starts with {value[:60]!r}") from None


_HIGHLIGHT = re.compile(r"</?em\b[^>]*>", re.I)


def _unhighlight(title: Any) -> str | None:
    # appmsgpublish sub=search wraps matches in <em class="highlight"> (§2.1)
    return as_str(_HIGHLIGHT.sub("", title)) if isinstance(title, str) else None


# ---------------------------------------------------------------- lister errors

_MP_LOGIN = "log in again and refresh WECHAT_MP_COOKIE and WECHAT_MP_TOKEN"
_CLIENT_CREDS = "capture new WECHAT_UIN / WECHAT_KEY / WECHAT_PASS_TICKET"
_WEREAD_LOGIN = "log in to weread.qq.com again (QR scan) and refresh WEREAD_COOKIE (wr_vid, wr_skey, wr_rt)"


def _mp_error(what: str, ret: Any, msg: Any) -> ListerError:
    code = as_int(ret) if as_int(ret) is not None else str(ret)
    text = f"{what}: base_resp.ret {ret} ({msg or 'no message'})"
    if code == 200013:
        return ListerError(f"{text}: MP backend frequency control: stop this lister now and retry hours later "
                           "(lockouts of about 24 h are reported; since 2026-07-29 it may be permanent, so rely "
                           "on WeRead, getmsg, feeds or URL lists)", code, "freq_control")
    if code in (200003, 200040):  # 200040 "invalid csrf token": a stale token [guess]
        return ListerError(f"{text}: the MP backend login expired: {_MP_LOGIN}", code, "session_expired")
    if code == 200002:
        return ListerError(f"{text}: invalid arguments: check the account's fakeid (its __biz) and the "
                           "request parameters", code, "other")
    return ListerError(f"{text}: the MP backend refused the request", code, "other")


def _check_base_resp(data: dict[str, Any], what: str) -> None:
    base = data.get("base_resp")
    if isinstance(base, dict):
        ret = base.get("ret", 0)
        if as_int(ret) != 0:
            raise _mp_error(what, ret, base.get("err_msg") or base.get("errmsg"))


# ---------------------------------------------------------------- MP backend: searchbiz


def parse_searchbiz(body: bytes | str, name: str) -> dict[str, Any] | None:
    """The `list` entry of `cgi-bin/searchbiz` whose nickname equals `name` exactly, else None
    (the exporter resolves accounts the same way, §2.1). The entry's `fakeid` is the account's biz."""
    data = _object(body, "searchbiz")
    _check_base_resp(data, "searchbiz")
    entries = data.get("list")
    if not isinstance(entries, list):
        raise ParseError(f"searchbiz: 'list' is missing or not a list (keys: {', '.join(data) or 'none'})")
    wanted = name.strip()
    for entry in entries:
        if isinstance(entry, dict) and _unhighlight(entry.get("nickname")) == wanted:
            return {**entry, "nickname": wanted}
    return None


# ---------------------------------------------------------------- MP backend: appmsgpublish


def parse_appmsgpublish(body: bytes | str, begin: int) -> ListerPage:
    """One page of `cgi-bin/appmsgpublish?sub=list` (§2.1): `publish_page` and each `publish_info`
    are JSON strings. `begin` counts pushes, so every entry counts, empty `publish_info` included
    (skipping those silently lost a month of posts in a real tool, exporter#24); `entries` keeps
    every entry in order, so the lister can seek an empty one's articles elsewhere."""
    what = f"appmsgpublish begin={begin}"
    data = _object(body, what)
    _check_base_resp(data, what)
    if "publish_page" not in data:
        raise ParseError(f"{what}: no publish_page (keys: {', '.join(data) or 'none'})")
    page = _inner_json(data["publish_page"], f"{what} publish_page")
    if not isinstance(page, dict) or not isinstance(page.get("publish_list"), list):
        raise ParseError(f"{what}: publish_page has no publish_list")
    entries = page["publish_list"]
    articles: list[ListedArticle] = []
    pushes: list[PushEntry] = []
    for n, entry in enumerate(entries):
        raw = entry.get("publish_info") if isinstance(entry, dict) else None
        pushes.append(PushEntry(sent_at=None))
        if not raw:
            continue  # an empty publish_info: the push counts, its articles are not shown (the lister seeks them)
        info = _inner_json(raw, f"{what} publish_list[{n}].publish_info")
        if not isinstance(info, dict):
            continue
        sent = info.get("sent_info") if isinstance(info.get("sent_info"), dict) else {}
        ptype = as_int(entry.get("publish_type"))
        if ptype in (1, 101):  # 101 群发, 1 发表 (§2.1 [unc]); else the send flag
            notified: bool | None = ptype == 101
        else:
            flag = sent.get("is_send_all")
            notified = bool(flag) if flag is not None else None
        push_key = as_str(info.get("msgid"))
        sent_at = as_int(sent.get("time"))
        pushes[-1].sent_at = sent_at
        reads = {(as_int(m.get("appmsgid")), as_int(m.get("itemidx"))): as_int(m.get("read_num"))
                 for m in info.get("appmsg_info") or [] if isinstance(m, dict)}  # owner view only
        for ex in info.get("appmsgex") or []:
            if not isinstance(ex, dict):
                continue
            mid, idx = as_int(ex.get("appmsgid")), as_int(ex.get("itemidx"))
            aid = str(ex.get("aid") or "")
            if (mid is None or idx is None) and re.fullmatch(r"\d+_\d+", aid):
                mid, idx = (int(x) for x in aid.split("_"))
            deleted = ex.get("is_deleted")
            if mid is not None:
                pushes[-1].mids.add(mid)
            pushes[-1].articles += 1
            articles.append(ListedArticle.from_url(
                "mp_backend", clean_url(ex.get("link")), title=_unhighlight(ex.get("title")), mid=mid, idx=idx,
                push_key=push_key, sent_at=sent_at if sent_at is not None else as_int(ex.get("create_time")),
                notified=notified, deleted=bool(deleted) if deleted is not None else None,
                digest=as_str(ex.get("digest")), cover=as_str(ex.get("cover")), author=as_str(ex.get("author_name")),
                read_num=reads.get((mid, idx))))
    n = len(entries)
    return ListerPage(articles=articles, pushes_on_page=n, next_offset=begin + n if n else None,
                      total=as_int(page.get("total_count")), entries=pushes)


# ---------------------------------------------------------------- MP backend: appmsg list_ex


def parse_list_ex(body: bytes | str, begin: int) -> ListerPage:
    """One page of `cgi-bin/appmsg?action=list_ex` (§2.1): `begin` counts articles."""
    what = f"appmsg list_ex begin={begin}"
    data = _object(body, what)
    _check_base_resp(data, what)
    items = data.get("app_msg_list")
    if not isinstance(items, list):
        raise ParseError(f"{what}: app_msg_list is missing or not a list (keys: {', '.join(data) or 'none'})")
    total = as_int(data.get("app_msg_cnt"))
    articles: list[ListedArticle] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        mid, idx = as_int(item.get("appmsgid")), as_int(item.get("itemidx"))
        deleted = item.get("is_deleted")
        articles.append(ListedArticle.from_url(
            "list_ex", clean_url(item.get("link")), title=as_str(item.get("title")), mid=mid, idx=idx,
            push_key=as_str(item.get("appmsgid")), sent_at=as_int(item.get("create_time")),
            deleted=bool(deleted) if deleted is not None else None, digest=as_str(item.get("digest")),
            cover=as_str(item.get("cover")), author=as_str(item.get("author_name"))))
    nxt: int | None = begin + len(items)
    if not items or (total is not None and nxt >= total):
        nxt = None
    pushes = len({a.push_key for a in articles})
    return ListerPage(articles=articles, pushes_on_page=pushes, next_offset=nxt, total=total)


# ---------------------------------------------------------------- client: profile_ext getmsg


def parse_getmsg(body: bytes | str) -> ListerPage:
    """One page of `mp/profile_ext?action=getmsg` (§2.2): one entry of `general_msg_list` is one
    群发 push; its first article is `app_msg_ext_info`, the others `multi_app_msg_item_list`."""
    what = "profile_ext getmsg"
    data = _object(body, what)
    ret = as_int(data.get("ret"))
    if ret is None and "general_msg_list" not in data:
        raise ParseError(f"{what}: neither ret nor general_msg_list (keys: {', '.join(data) or 'none'})")
    if ret not in (None, 0):
        msg = f"{what}: ret {ret} ({data.get('errmsg') or 'no message'})"
        if ret == -3:
            raise ListerError(f"{msg}: client credentials expired: {_CLIENT_CREDS}", ret, "session_expired")
        if ret == -6:
            raise ListerError(f"{msg}: this WeChat account is blocked from history lists for about a day: stop "
                              f"getmsg now; later, {_CLIENT_CREDS} (another WeChat account helps)", ret, "blocked")
        raise ListerError(f"{msg}: getmsg refused the request", ret, "other")
    raw = data.get("general_msg_list")
    inner = _inner_json(raw, f"{what} general_msg_list") if raw else {}
    entries = inner.get("list", []) if isinstance(inner, dict) else None
    if not isinstance(entries, list):
        raise ParseError(f"{what}: general_msg_list.list is not a list")
    articles: list[ListedArticle] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        comm = entry.get("comm_msg_info") if isinstance(entry.get("comm_msg_info"), dict) else {}
        ext = entry.get("app_msg_ext_info")
        if not isinstance(ext, dict):
            continue  # a non-article message (text, image, voice): a push without articles
        items = [ext, *[x for x in ext.get("multi_app_msg_item_list") or [] if isinstance(x, dict)]]
        push = [_getmsg_item(item, pos, comm) for pos, item in enumerate(items, start=1)]
        # A deleted item comes without content_url: it keeps its slot, so its idx is its position
        # and its mid is the push's (the other items' mid) [inferred from the nesting].
        mids = {a.mid for a in push if a.mid is not None}
        if len(mids) == 1:
            for a in push:
                if a.mid is None:
                    a.mid = next(iter(mids))
        articles += push
    more = as_int(data.get("can_msg_continue")) == 1
    nxt = as_int(data.get("next_offset")) if more else None
    # msg_count is the number of messages on this page (not a total), so total stays None.
    return ListerPage(articles=articles, pushes_on_page=len(entries), next_offset=nxt, total=None)


def _getmsg_item(item: dict[str, Any], pos: int, comm: dict[str, Any]) -> ListedArticle:
    url = clean_url(item.get("content_url"))
    if url.startswith("/"):  # Sogou's copy of the list carries relative temporary links (/s?timestamp=…)
        url = f"https://{ARTICLE_HOST}{url}"
    flag = as_int(item.get("del_flag"))
    # del_flag 1 on live items (public sample); other values and a missing URL mean deleted [unc].
    deleted = True if not url else (flag not in (0, 1) if flag is not None else None)
    listed = ListedArticle.from_url("getmsg", url, title=as_str(item.get("title")), push_key=as_str(comm.get("id")),
                     sent_at=as_int(comm.get("datetime")), notified=True, deleted=deleted,
                     digest=as_str(item.get("digest")), cover=clean_url(item.get("cover")) or None,
                     author=as_str(item.get("author")))
    if listed.biz is None:
        listed.biz = b64_biz(comm.get("fakeid"))  # comm_msg_info.fakeid is the numeric bizuin
    if listed.idx is None:
        listed.idx = pos
    return listed


def parse_history_page(html: str) -> ListerPage:
    """An account's history page as Sogou or the client served it (2017): it embeds the getmsg list
    as `var msgList = {"list": [...]}`; its links are temporary (`/s?timestamp=…&signature=…`)."""
    try:
        inner = read_assignment(html, "var msgList")
    except JSObjectError as exc:
        raise ParseError(f"history page: no readable `var msgList = {{…}}`: {exc}") from None
    return parse_getmsg(json.dumps({"ret": 0, "general_msg_list": inner}, ensure_ascii=False))


# ---------------------------------------------------------------- WeRead


WEREAD_REFUSED = -2041  # not logged in, or (reported since 2026-10) this account's list refused


def parse_weread(body: bytes | str, offset: int) -> ListerPage:
    """One page of WeRead `/web/mp/articles?bookId=&offset=` (§2.3): groups (= pushes) of
    subReviews; `offset` counts groups; an empty `reviews` ends the list. App-style answers list
    one article per entry (`reviews[].review.mpInfo`); their push is the entry's createTime.
    Entries that carry no article in either shape are a ParseError, never a silent empty page."""
    what = f"weread articles offset={offset}"
    data = _object(body, what)
    code = data.get("errCode", data.get("errcode"))
    if code is not None and as_int(code) != 0:
        c = as_int(code) if as_int(code) is not None else str(code)
        msg = f"{what}: errCode {code} ({data.get('errMsg') or data.get('errmsg') or 'no message'})"
        if c == WEREAD_REFUSED:
            raise ListerError(f"{msg}: the WeRead login is no longer valid ({_WEREAD_LOGIN}), or WeRead refuses "
                              "this account's article list (reported for some accounts since 2026-10)", c,
                              "session_expired")
        if c == -2012:  # login timed out
            raise ListerError(f"{msg}: the WeRead login is no longer valid: {_WEREAD_LOGIN}", c, "session_expired")
        raise ListerError(f"{msg}: WeRead refused the request", c, "other")
    groups = data.get("reviews")
    if not isinstance(groups, list):
        raise ParseError(f"{what}: 'reviews' is missing or not a list (keys: {', '.join(data) or 'none'})")
    articles: list[ListedArticle] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        subs = group.get("subReviews")
        reviews = [sub.get("review") for sub in subs if isinstance(sub, dict)] if isinstance(subs, list) \
            else [group.get("review")]
        created = as_int(group.get("createTime"))
        for review in reviews:
            info = review.get("mpInfo") if isinstance(review, dict) else None
            if not isinstance(info, dict):
                continue
            sent = created if created is not None else as_int(review.get("createTime"))
            sent = sent if sent is not None else as_int(info.get("time"))
            token = as_str(info.get("originalId"))
            url = clean_url(info.get("doc_url")) or (f"https://{ARTICLE_HOST}/s/{token}" if token else "")
            articles.append(ListedArticle.from_url(
                "weread", url, title=as_str(info.get("title")), push_key=str(sent) if sent is not None else None,
                sent_at=sent, digest=as_str(info.get("content")), cover=as_str(info.get("pic_url")),
                read_num=as_int(info.get("readNum"))))
    if groups and not articles:
        keys = sorted({k for g in groups if isinstance(g, dict) for k in g})
        raise ParseError(f"{what}: {len(groups)} reviews, none with an article (mpInfo under subReviews[].review "
                         f"or review); entry keys: {', '.join(keys) or 'none'}")
    n = len(groups)
    return ListerPage(articles=articles, pushes_on_page=n, next_offset=offset + n if n else None, total=None)


def parse_weread_shelf(body: bytes | str) -> bool:
    """Whether WeRead's shelf (`/web/shelf/bookIds`, which needs a login) answered as logged in."""
    data = _object(body, "weread shelf")
    code = data.get("errCode", data.get("errcode"))
    return code is None or as_int(code) == 0
