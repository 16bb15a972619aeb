"""Pure parsers for WeChat 公众号 article pages and the routes that list an account's posts
(reference wechat.md §1–§4).

- `parse_article`: an article page (`/s/<token>` or `/s?__biz=…`), current (2025) or legacy (2018)
  layout, or one of the non-article pages (deleted, violation, unavailable, parameter error,
  verification wall), classified as in §1.4;
- listers, each mapped onto one `ListedArticle` shape with a source tag: `parse_appmsgpublish`
  (MP backend, `begin` counts pushes), `parse_list_ex` (`begin` counts articles), `parse_getmsg`
  (client history, 群发 only), `parse_weread` (groups), `parse_feed` (wewe-rss / we-mp-rss Atom,
  RSS 2.0, JSON Feed), `parse_url_list` (seed files); `parse_searchbiz` resolves an account;
- `ListerError`: an API refusal with its own code, a kind the spider acts on, and a message that
  tells the user which credential to refresh.

Pages write values twice over (§1.3): plain JS strings hold HTML-escaped text with `\\xNN` escapes
(`var msg_title = '…'.html(false)`, `htmlDecode("…")`, `var author = "…"`), `cgiDataNew` holds
raw text inside `JsDecode('…')` and numbers as `'123' * 1`. Scripts are scanned token by token
(strings and comments skipped), so a title that spells `var ct = …` cannot pose as a variable.
The `<title>` element is never used (empty on current pages, §1.2).

Local time is Asia/Shanghai, a fixed +08:00 offset.
"""

from __future__ import annotations

import base64
import csv
import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector

from .common import ParseError, block_text, decode_body, load_json
from .jsobject import JSObjectError, find_object, parse_object

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

ARTICLE_HOST = "mp.weixin.qq.com"
_TOKEN_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{1,64})/?$")


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


@dataclass
class ListerPage:
    articles: list[ListedArticle]
    pushes_on_page: int  # pushes/groups/messages covered, entries without articles included
    next_offset: int | None  # begin/offset to ask for next; None when the list is complete
    total: int | None  # total_count / app_msg_cnt when given


class ListerError(ParseError):
    """A lister refused the request. `kind` is what the spider acts on: "freq_control" (stop this
    lister), "session_expired" (credentials must be refreshed), "blocked" (stop for a day), "other"."""

    def __init__(self, message: str, code: int | str, kind: str):
        super().__init__(message)
        self.code = code
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:  # picklable with its extra arguments
        return (type(self), (str(self), self.code, self.kind))


@dataclass
class ArticlePage:
    state: str  # "ok" | "deleted" | "violation" | "unavailable" | "blocked" | "error"
    state_text: str  # the message shown for non-ok states ("" for ok)
    layout: str | None = None  # "current" | "legacy" for ok pages
    title: str | None = None
    account: str | None = None
    author: str | None = None
    biz: str | None = None
    mid: int | None = None
    idx: int | None = None
    sn: str | None = None
    ct: int | None = None
    digest: str | None = None
    cover: str | None = None
    original: bool | None = None
    item_show_type: int | None = None
    body_text: str | None = None
    images: list[str] = field(default_factory=list)
    read_num: int | None = None
    like_num: int | None = None
    user_name: str | None = None
    short_url: str | None = None  # the article's own short link (og:url / msg_link): one identity for every lister


# ---------------------------------------------------------------- small helpers


def _short_link(*candidates: str | None) -> str | None:
    for c in candidates:
        if c and "/s/" in c:
            return "https://" + c.split("://", 1)[-1].split("#", 1)[0]
    return None


def ct_to_local_date(ct: int) -> str:
    """Unix seconds → 'YYYY-MM-DD' in Asia/Shanghai (the page's own JS uses the viewer's zone)."""
    return datetime.fromtimestamp(ct, SHANGHAI).date().isoformat()


def article_key(page_or_listed: ArticlePage | ListedArticle) -> tuple[str, int, int] | None:
    """(biz, mid, idx), the identity of an article (§1.1), when all three are known."""
    biz, mid, idx = page_or_listed.biz, page_or_listed.mid, page_or_listed.idx
    if biz and mid is not None and idx is not None:
        return (biz, mid, idx)
    return None




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


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _str(value: Any) -> str | None:
    """A non-empty, stripped string, else None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _b64_biz(bizuin: Any) -> str | None:
    """Numeric bizuin → the `__biz` form (base64 of its decimal digits, §1.1)."""
    text = str(bizuin).strip() if bizuin is not None else ""
    return base64.b64encode(text.encode()).decode() if text.isdigit() else None


def _clean_url(url: Any) -> str:
    """Undo the escaping listers put on URLs: JSON `\\/` and HTML entities (`&amp;`)."""
    if not isinstance(url, str):
        return ""
    return htmllib.unescape(url.replace("\\/", "/")).strip()


def _query(query: str) -> dict[str, str]:
    # Not parse_qs: it turns '+' (a base64 letter in __biz) into a space.
    out: dict[str, str] = {}
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name and name not in out:
            out[unquote(name)] = unquote(value)
    return out


@dataclass
class _UrlIds:
    biz: str | None = None
    mid: int | None = None
    idx: int | None = None
    sn: str | None = None
    token: str | None = None


def _url_ids(url: str) -> _UrlIds:
    """biz/mid/idx/sn of a long link, or the token of a short link (§1.1)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _UrlIds()
    m = _TOKEN_PATH.match(parts.path)
    if m:
        return _UrlIds(token=m.group(1))
    q = _query(parts.query)
    return _UrlIds(biz=_str(q.get("__biz")), mid=_int(q.get("mid") or q.get("appmsgid")),
                   idx=_int(q.get("idx") or q.get("itemidx")), sn=_str(q.get("sn")))


def _listed(source: str, url: str, **fields: Any) -> ListedArticle:
    """A ListedArticle whose ids the lister gave explicitly, completed from the URL."""
    ids = _url_ids(url) if url else _UrlIds()
    for name in ("biz", "mid", "idx", "sn", "token"):
        if fields.get(name) is None:
            fields[name] = getattr(ids, name)
    return ListedArticle(source=source, url=url, **fields)


_HIGHLIGHT = re.compile(r"</?em\b[^>]*>", re.I)


def _unhighlight(title: Any) -> str | None:
    # appmsgpublish sub=search wraps matches in <em class="highlight"> (§2.1)
    return _str(_HIGHLIGHT.sub("", title)) if isinstance(title, str) else None


# ---------------------------------------------------------------- lister errors

_MP_LOGIN = "log in again and refresh WECHAT_MP_COOKIE and WECHAT_MP_TOKEN"
_CLIENT_CREDS = "capture new WECHAT_UIN / WECHAT_KEY / WECHAT_PASS_TICKET"
_WEREAD_LOGIN = "log in to weread.qq.com again (QR scan) and refresh WEREAD_COOKIE (wr_vid, wr_skey, wr_rt)"


def _mp_error(what: str, ret: Any, msg: Any) -> ListerError:
    code = _int(ret) if _int(ret) is not None else str(ret)
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
        if _int(ret) != 0:
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
    (skipping those silently lost a month of posts in a real tool, exporter#24)."""
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
    for n, entry in enumerate(entries):
        raw = entry.get("publish_info") if isinstance(entry, dict) else None
        if not raw:
            continue  # an empty publish_info: the push counts, its articles are not shown
        info = _inner_json(raw, f"{what} publish_list[{n}].publish_info")
        if not isinstance(info, dict):
            continue
        sent = info.get("sent_info") if isinstance(info.get("sent_info"), dict) else {}
        ptype = _int(entry.get("publish_type"))
        if ptype in (1, 101):  # 101 群发, 1 发表 (§2.1 [unc]); else the send flag
            notified: bool | None = ptype == 101
        else:
            flag = sent.get("is_send_all")
            notified = bool(flag) if flag is not None else None
        push_key = _str(info.get("msgid"))
        sent_at = _int(sent.get("time"))
        reads = {(_int(m.get("appmsgid")), _int(m.get("itemidx"))): _int(m.get("read_num"))
                 for m in info.get("appmsg_info") or [] if isinstance(m, dict)}  # owner view only
        for ex in info.get("appmsgex") or []:
            if not isinstance(ex, dict):
                continue
            mid, idx = _int(ex.get("appmsgid")), _int(ex.get("itemidx"))
            aid = str(ex.get("aid") or "")
            if (mid is None or idx is None) and re.fullmatch(r"\d+_\d+", aid):
                mid, idx = (int(x) for x in aid.split("_"))
            deleted = ex.get("is_deleted")
            articles.append(_listed(
                "mp_backend", _clean_url(ex.get("link")), title=_unhighlight(ex.get("title")), mid=mid, idx=idx,
                push_key=push_key, sent_at=sent_at if sent_at is not None else _int(ex.get("create_time")),
                notified=notified, deleted=bool(deleted) if deleted is not None else None,
                digest=_str(ex.get("digest")), cover=_str(ex.get("cover")), author=_str(ex.get("author_name")),
                read_num=reads.get((mid, idx))))
    pushes = len(entries)
    return ListerPage(articles=articles, pushes_on_page=pushes, next_offset=begin + pushes if pushes else None,
                      total=_int(page.get("total_count")))


# ---------------------------------------------------------------- MP backend: appmsg list_ex


def parse_list_ex(body: bytes | str, begin: int) -> ListerPage:
    """One page of `cgi-bin/appmsg?action=list_ex` (§2.1): `begin` counts articles."""
    what = f"appmsg list_ex begin={begin}"
    data = _object(body, what)
    _check_base_resp(data, what)
    items = data.get("app_msg_list")
    if not isinstance(items, list):
        raise ParseError(f"{what}: app_msg_list is missing or not a list (keys: {', '.join(data) or 'none'})")
    total = _int(data.get("app_msg_cnt"))
    articles: list[ListedArticle] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        mid, idx = _int(item.get("appmsgid")), _int(item.get("itemidx"))
        deleted = item.get("is_deleted")
        articles.append(_listed(
            "list_ex", _clean_url(item.get("link")), title=_str(item.get("title")), mid=mid, idx=idx,
            push_key=_str(item.get("appmsgid")), sent_at=_int(item.get("create_time")),
            deleted=bool(deleted) if deleted is not None else None, digest=_str(item.get("digest")),
            cover=_str(item.get("cover")), author=_str(item.get("author_name"))))
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
    ret = _int(data.get("ret"))
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
    more = _int(data.get("can_msg_continue")) == 1
    nxt = _int(data.get("next_offset")) if more else None
    # msg_count is the number of messages on this page (not a total), so total stays None.
    return ListerPage(articles=articles, pushes_on_page=len(entries), next_offset=nxt, total=None)


def _getmsg_item(item: dict[str, Any], pos: int, comm: dict[str, Any]) -> ListedArticle:
    url = _clean_url(item.get("content_url"))
    flag = _int(item.get("del_flag"))
    # del_flag 1 on live items (public sample); other values and a missing URL mean deleted [unc].
    deleted = True if not url else (flag not in (0, 1) if flag is not None else None)
    listed = _listed("getmsg", url, title=_str(item.get("title")), push_key=_str(comm.get("id")),
                     sent_at=_int(comm.get("datetime")), notified=True, deleted=deleted,
                     digest=_str(item.get("digest")), cover=_clean_url(item.get("cover")) or None,
                     author=_str(item.get("author")))
    if listed.biz is None:
        listed.biz = _b64_biz(comm.get("fakeid"))  # comm_msg_info.fakeid is the numeric bizuin
    if listed.idx is None:
        listed.idx = pos
    return listed


# ---------------------------------------------------------------- WeRead


def parse_weread(body: bytes | str, offset: int) -> ListerPage:
    """One page of WeRead `/web/mp/articles?bookId=&offset=` (§2.3): groups (= pushes) of
    subReviews; `offset` counts groups; an empty `reviews` ends the list."""
    what = f"weread articles offset={offset}"
    data = _object(body, what)
    code = data.get("errCode", data.get("errcode"))
    if code is not None and _int(code) != 0:
        c = _int(code) if _int(code) is not None else str(code)
        msg = f"{what}: errCode {code} ({data.get('errMsg') or data.get('errmsg') or 'no message'})"
        if c in (-2041, -2012):  # not logged in / login timed out
            raise ListerError(f"{msg}: the WeRead login is no longer valid: {_WEREAD_LOGIN}", c, "session_expired")
        raise ListerError(f"{msg}: WeRead refused the request", c, "other")
    groups = data.get("reviews")
    if not isinstance(groups, list):
        raise ParseError(f"{what}: 'reviews' is missing or not a list (keys: {', '.join(data) or 'none'})")
    articles: list[ListedArticle] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        created = _int(group.get("createTime"))
        for sub in group.get("subReviews") or []:
            review = sub.get("review") if isinstance(sub, dict) else None
            info = review.get("mpInfo") if isinstance(review, dict) else None
            if not isinstance(info, dict):
                continue
            token = _str(info.get("originalId"))
            url = _clean_url(info.get("doc_url")) or (f"https://{ARTICLE_HOST}/s/{token}" if token else "")
            articles.append(_listed(
                "weread", url, title=_str(info.get("title")), push_key=str(created) if created is not None else None,
                sent_at=created if created is not None else _int(info.get("time")), digest=_str(info.get("content")),
                cover=_str(info.get("pic_url")), read_num=_int(info.get("readNum"))))
    n = len(groups)
    return ListerPage(articles=articles, pushes_on_page=n, next_offset=offset + n if n else None, total=None)


# ---------------------------------------------------------------- feeds (wewe-rss, we-mp-rss)

_ATOM = "http://www.w3.org/2005/Atom"
_WE_MP_RSS_ID = re.compile(r"^(\d+)-(\d+)_(\d+)$")  # we-mp-rss: "<numeric biz>-<appmsgid>_<itemidx>"


def parse_feed(body: bytes | str, content_type: str = "") -> list[ListedArticle]:
    """Items of an Atom, RSS 2.0 or JSON Feed document (§2.5), sniffed from the body.

    Titles are taken as written: wewe-rss puts the raw title in CDATA even under type="html".
    `author` stays None: in wewe-rss feeds it names the account, not the article's author."""
    text = decode_body(body, "feed").lstrip()
    if text.startswith(("{", "[")) or ("json" in content_type.lower() and not text.startswith("<")):
        return _json_feed(text)
    if text.startswith("<"):
        return _xml_feed(text)
    raise ParseError(f"feed: neither XML nor JSON (content type {content_type or 'unknown'}): {text[:60]!r}")


def _feed_error(data: dict[str, Any]) -> ListerError:
    code = data.get("statusCode")
    message = data.get("message")
    if isinstance(message, list):
        message = "; ".join(map(str, message))
    return ListerError(f"feed: the bridge answered {code} ({message or data.get('error') or 'no message'}): check "
                       "the feed URL (wewe-rss ids are MP_WXS_<bizuin>; is the account subscribed in the "
                       "bridge?) and its limit/page parameters", _int(code) if _int(code) is not None else str(code),
                       "other")


def _json_feed(text: str) -> list[ListedArticle]:
    data = load_json(text, "JSON feed", show="start")
    if isinstance(data, dict) and "items" not in data and ("statusCode" in data or "message" in data):
        raise _feed_error(data)  # NestJS error body, e.g. 400 不存在该feed！
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError("JSON feed: no 'items' list")
    out = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = _clean_url(item.get("url") or item.get("external_url") or "")
        stamp = item.get("date_published") or item.get("date_modified")
        out.append(_feed_item(url, _str(item.get("id")), _str(item.get("title")),
                              _iso_seconds(stamp) if isinstance(stamp, str) else None,
                              _str(item.get("summary")), _str(item.get("image"))))
    return out


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _kid_text(el: Any, name: str) -> str | None:
    kids = _kids(el, name)
    return _str("".join(kids[0].itertext())) if kids else None


def _xml_feed(text: str) -> list[ListedArticle]:
    # Parse as str without the declaration (lxml refuses a str that declares an encoding);
    # no entity resolution and no network: the feed may come from anywhere.
    text = re.sub(r"^<\?xml[^>]*\?>", "", text)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"feed: invalid XML: {exc}") from None
    kind = _local(root)
    out: list[ListedArticle] = []
    if kind == "feed":
        for entry in _kids(root, "entry"):
            links = _kids(entry, "link")
            alt = [lk for lk in links if lk.get("rel", "alternate") == "alternate"] or links
            url = _clean_url(alt[0].get("href", "")) if alt else ""
            stamp = _kid_text(entry, "published") or _kid_text(entry, "updated")
            out.append(_feed_item(url, _kid_text(entry, "id"), _kid_text(entry, "title"),
                                  _iso_seconds(stamp) if stamp else None, _kid_text(entry, "summary"), None))
        return out
    if kind == "rss":
        channel = (_kids(root, "channel") or [None])[0]
        if channel is None:
            raise ParseError("RSS feed: no <channel>")
        for item in _kids(channel, "item"):
            url = _clean_url(_kid_text(item, "link") or "")
            guid = _kid_text(item, "guid")
            if not url and guid and guid.startswith("http"):
                url = _clean_url(guid)
            enclosure = _kids(item, "enclosure")
            cover = _str(enclosure[0].get("url")) if enclosure else None
            pub = _kid_text(item, "pubDate")
            out.append(_feed_item(url, _kid_text(item, "id") or guid, _kid_text(item, "title"),
                                  _rfc822_seconds(pub) if pub else None, _kid_text(item, "description"), cover))
        return out
    raise ParseError(f"feed: root element <{kind}> is neither Atom <feed> nor RSS <rss>")


def _feed_item(url: str, item_id: str | None, title: str | None, sent_at: int | None, digest: str | None,
               cover: str | None) -> ListedArticle:
    fields: dict[str, Any] = {}
    if item_id:
        m = _WE_MP_RSS_ID.match(item_id)
        if m:
            fields = {"biz": _b64_biz(m.group(1)), "mid": int(m.group(2)), "idx": int(m.group(3))}
        elif not url and re.fullmatch(r"[A-Za-z0-9_-]{22}", item_id):
            url = f"https://{ARTICLE_HOST}/s/{item_id}"  # wewe-rss ids are short-link tokens
    return _listed("feed", url, title=title, sent_at=sent_at, digest=digest, cover=cover, **fields)


def _iso_seconds(value: str) -> int | None:
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=SHANGHAI)  # a naive stamp from a local bridge [guess]
    return int(dt.timestamp())


def _rfc822_seconds(value: str) -> int | None:
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # RFC 2822 "-0000": UTC, local zone unknown
    return int(dt.timestamp())


# ---------------------------------------------------------------- URL lists


def _article_url(text: str) -> str | None:
    """`text` as an mp.weixin.qq.com article URL (/s/<token>, /s?__biz=…, /mp/appmsg/show?__biz=…), else None."""
    words = text.strip().strip("\"'<>").split()
    text = _clean_url(words[0]) if words else ""
    if text.startswith(ARTICLE_HOST + "/"):
        text = "https://" + text
    if re.search(r"[\"'<>,\s]", text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") != ARTICLE_HOST:
        return None
    if _TOKEN_PATH.match(parts.path):
        return text
    if parts.path in ("/s", "/mp/appmsg/show") and "__biz" in _query(parts.query):
        return text
    return None


def parse_url_list(text: str) -> list[ListedArticle]:
    """A seed list: one URL per line; blank lines and lines starting with # are ignored; text after
    the URL (`URL  # note`) is ignored. A CSV (or tab-separated) line gives its first field that
    is an mp.weixin.qq.com article URL; CSV lines without one (a header, other links) are skipped.
    A plain line that is not an article URL is an error: a typo in a seed list must not pass
    silently."""
    out: list[ListedArticle] = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\ufeff").strip()
        if not line or line.startswith("#"):
            continue
        url = _article_url(line)
        if url is None and ("," in line or "\t" in line):
            fields = next(csv.reader([line], delimiter="\t" if "\t" in line else ","))
            url = next((u for u in map(_article_url, fields) if u), None)
            if url is None:
                continue
        if url is None:
            raise ParseError(f"URL list line {n}: not an mp.weixin.qq.com article URL: {line[:100]!r}")
        out.append(_listed("url_list", url))
    return out


# ---------------------------------------------------------------- article pages: JS values

_STRING = r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""
_SCAN = re.compile(
    rf"""{_STRING}|`(?:[^`\\]|\\.)*`|//[^\n]*|/\*.*?\*/"""
    r"""|(?<![\w$.])var\s+([A-Za-z_$][\w$]*)\s*=(?!=)\s*"""
    r"""|(?<![\w$.])window\.(cgiDataNew)\s*=(?!=)\s*""", re.S)
_STRING_RE = re.compile(_STRING, re.S)
_STOP = re.compile(rf"""{_STRING}|[;\n,()\[\]{{}}]""", re.S)
_JS_ESC = re.compile(r"\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|\r\n|[\s\S])")
_JS_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_Q = r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\""""
_TERM_CALL = re.compile(rf"""(htmlDecode|JsDecode)\s*\(\s*(?:{_Q})\s*\)""", re.S)
_TERM_STR = re.compile(rf"""(?:{_Q})\s*(\.html\(\s*(?:false|0)?\s*\))?\s*(\*\s*1)?""", re.S)
_TERM_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_UNPARSED = object()


def _js_unescape(body: str) -> str:
    """The value of a JS string literal's body: \\xNN, \\uNNNN, \\u{…}, \\n …, line continuations."""
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        if e[0] == "u" and len(e) == 5:
            return chr(int(e[1:], 16))
        if e in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
            return ""
        return _JS_SIMPLE.get(e, e)

    text = _JS_ESC.sub(one, body)
    if any("\ud800" <= c <= "\udfff" for c in text):  # \uD83D\uDE00 pairs → one character
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _split_or(src: str) -> list[str]:
    """Top-level operands of `a || b || c` (strings skipped)."""
    parts, start, i = [], 0, 0
    while i < len(src):
        c = src[i]
        if c in "'\"":
            m = _STRING_RE.match(src, i)
            i = m.end() if m else i + 1
            continue
        if src.startswith("||", i):
            parts.append(src[start:i])
            i += 2
            start = i
            continue
        i += 1
    parts.append(src[start:])
    return parts


def _number(text: str) -> int | float | None:
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _js_term(src: str, html_layer: bool) -> Any:
    src = src.strip()
    m = _TERM_CALL.fullmatch(src)
    if m:
        raw = _js_unescape(m.group(2) if m.group(2) is not None else m.group(3))
        return htmllib.unescape(raw) if m.group(1) == "htmlDecode" else raw  # JsDecode: raw text
    m = _TERM_STR.fullmatch(src)
    if m:
        value = _js_unescape(m.group(1) if m.group(1) is not None else m.group(2))
        if m.group(3) or html_layer:  # .html(false) is the HTML layer; plain strings carry it too
            value = htmllib.unescape(value)
        return _number(value) if m.group(4) else value
    if _TERM_NUM.fullmatch(src):
        return _number(src)
    return _UNPARSED


def _js_eval(src: str, html_layer: bool) -> Any:
    """Value of `"a" || "" || "b"`, `'…'.html(false)`, `htmlDecode("…")`, `JsDecode('…')`,
    `'123' * 1` or a number: the first operand with a value (JS `||`), None when all are empty
    (`"" * 1` is an absent count, not 0), `_UNPARSED` for anything else."""
    values = [_js_term(part, html_layer) for part in _split_or(src)]
    if all(v is _UNPARSED for v in values):
        return _UNPARSED
    known = [v for v in values if v is not _UNPARSED]
    for v in known:
        if v is not None and v != "":
            return v
    return known[-1] if known else None


def _statement_end(code: str, i: int) -> int:
    depth = 0
    for m in _STOP.finditer(code, i):
        t = m.group(0)
        if t[0] in "'\"":
            continue
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                return m.start()
            depth -= 1
        elif depth == 0:
            return m.start()
    return len(code)


def _cgi_value(value: Any) -> Any:
    """A cgiDataNew member: jsobject leaves `JsDecode('…')` and `'1' * 1` as source text."""
    if isinstance(value, dict):
        return {k: _cgi_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cgi_value(v) for v in value]
    if isinstance(value, str):
        out = _js_eval(value, html_layer=False)
        return value if out is _UNPARSED else out
    return value


def _scan_scripts(scripts: list[str]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Every `var NAME = …` (all occurrences, in order) and the first `window.cgiDataNew = {…}`.
    Each script is scanned on its own, so one odd script cannot desynchronise the others."""
    found: dict[str, list[Any]] = {}
    cgi: dict[str, Any] = {}
    for code in scripts:
        for m in _SCAN.finditer(code):
            if m.group(1):
                end = _statement_end(code, m.end())
                value = _js_eval(code[m.end():end], html_layer=True)
                if value is not _UNPARSED:
                    found.setdefault(m.group(1), []).append(value)
            elif m.group(2) and not cgi:
                try:
                    start, end = find_object(code[m.end():], "")
                    cgi = _cgi_value(parse_object(code[m.end() + start:m.end() + end]))
                except JSObjectError:
                    cgi = {}
    return found, cgi


def _first(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "":
            return v
    return None


# ---------------------------------------------------------------- article pages: classification

_DELETED = ("该内容已被发布者删除", "deleted by the author")
_VIOLATION = "此内容因违规无法查看"
_WALL_URLS = ("wappoc_appmsgcaptcha", "weixin110.qq.com")


def _lines(sel: Any) -> str:
    return block_text(sel[0].root) if sel else ""


def parse_article(html: str, url: str) -> ArticlePage:
    """An article page or one of its stand-ins (§1.4). Classification: exactly one #js_article →
    ok; the verification wall → blocked; .weui-msg → by its title (deleted / violation / other →
    unavailable); .mesg-block → 参数错误 → error, else unavailable. Anything else is a ParseError."""
    sel = Selector(text=html or "<html></html>")
    if len(sel.css("#js_article")) == 1:
        return _ok_page(sel, url)

    visible = " ".join(" ".join(
        sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()).split())
    wall = (any(marker in url for marker in _WALL_URLS) or sel.css(".wappoc_msg") or "poc_token" in html
            or ("环境异常" in visible and "验证" in visible) or "请在微信客户端打开链接" in visible)
    if wall:
        return ArticlePage(state="blocked", state_text=_lines(sel.css(".weui-msg__text-area")) or visible
                           or "verification wall")

    msg = sel.css(".weui-msg")
    if msg:
        title = " ".join("".join(msg.css(".weui-msg__title ::text").getall()).split())
        if any(d.lower() in title.lower() for d in _DELETED):
            return ArticlePage(state="deleted", state_text=title)
        if _VIOLATION in title:
            desc = _lines(msg.css(".weui-msg__desc"))
            return ArticlePage(state="violation", state_text=title + (f"\n{desc}" if desc else ""))
        if "参数错误" in title:
            return ArticlePage(state="error", state_text=title)
        return ArticlePage(state="unavailable", state_text=title or _lines(msg))

    block = sel.css(".mesg-block")
    if block:
        text = _lines(block)
        return ArticlePage(state="error" if "参数错误" in text else "unavailable", state_text=text)
    if any(marker in html for marker in _WALL_URLS):  # e.g. the redirect stub pointing at the wall
        return ArticlePage(state="blocked", state_text=visible or "verification wall")
    n = len(sel.css("#js_article"))
    raise ParseError(f"article page {url}: not an article page ({n} #js_article, no .weui-msg, no .mesg-block, "
                     f"no verification wall); starts with {html[:80]!r}")


def _meta(sel: Selector, *names: str) -> str | None:
    for name in names:
        value = _str(sel.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get())
        if value:
            return value
    return None


def _text_of(sel: Selector, css: str) -> str | None:
    node = sel.css(css)
    return _str(" ".join("".join(node[0].css("::text").getall()).split())) if node else None


def _ok_page(sel: Selector, url: str) -> ArticlePage:
    found, cgi = _scan_scripts(sel.xpath("//script/text()").getall())

    def var(name: str) -> Any:
        return _first(*found.get(name, []))

    ids = _url_ids(url)
    legacy = bool(sel.css("#post-date")) or "publish_time" in found
    title = _str(_first(cgi.get("title"), var("msg_title"))) or _meta(sel, "og:title", "twitter:title") \
        or _text_of(sel, "#activity-name")
    account = _str(_first(cgi.get("nick_name"), var("nickname"))) or _text_of(sel, "#js_name") \
        or _text_of(sel, "#post-user") or _text_of(sel, ".profile_nickname")
    if "author" in cgi or "author" in found:  # the page states its author (possibly none)
        author = _str(_first(cgi.get("author"), var("author")))
    else:
        author = _meta(sel, "author", "og:article:author") or _text_of(
            sel, "#meta_content .rich_media_meta_text:not(#post-date):not(#publish_time)")

    ct = _int(_first(var("ct"), var("create_time"), cgi.get("ori_create_time"), var("oriCreateTime")))
    if ct is None:  # legacy pages: a server-rendered date only; local midnight
        day = _str(_first(var("publish_time"))) or _text_of(sel, "#post-date")
        m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", day or "")
        if m:
            ct = int(datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=SHANGHAI).timestamp())

    copyright_info = cgi.get("copyright_info") if isinstance(cgi.get("copyright_info"), dict) else {}
    stat = _int(_first(copyright_info.get("copyright_stat"), var("copyright_stat"), var("_copyright_stat")))
    original = stat == 1 if stat is not None else bool(sel.css("#copyright_logo"))

    user_info = cgi.get("user_info") if isinstance(cgi.get("user_info"), dict) else {}
    bar = user_info.get("appmsg_bar_data") if isinstance(user_info.get("appmsg_bar_data"), dict) else {}

    content = sel.css("#js_content")
    body_text = _lines(content) if content else None
    if not body_text and isinstance(cgi.get("content_noencode"), str) and cgi["content_noencode"].strip():
        # image/text shares (item_show_type 8, 10) keep their body in cgiDataNew (§1.3)
        body_text = block_text(lxml_html.fragment_fromstring(cgi["content_noencode"], create_parent="div"))
    images = [u for u in (_clean_url(img.attrib.get("data-src") or img.attrib.get("src") or "")
                          for img in content.css("img")) if u] if content else []

    return ArticlePage(
        state="ok", state_text="", layout="legacy" if legacy else "current",
        title=title, account=account, author=author,
        biz=_str(_first(cgi.get("bizuin"), var("biz"), var("appuin"))) or ids.biz,
        mid=_first(_int(_first(cgi.get("mid"), var("mid"), var("appmsgid"))), ids.mid),
        idx=_first(_int(_first(cgi.get("idx"), var("idx"))), ids.idx),
        sn=_str(_first(cgi.get("sn"), var("sn"))) or ids.sn,
        ct=ct,
        digest=_str(_first(cgi.get("desc"), var("msg_desc"))) or _meta(sel, "description", "og:description"),
        cover=_str(_first(cgi.get("cdn_url"), var("msg_cdn_url"))) or _meta(sel, "og:image"),
        original=original,
        item_show_type=_int(_first(cgi.get("item_show_type"), var("item_show_type"))),
        short_url=_short_link(_meta(sel, "og:url"), _str(_first(var("msg_link"), cgi.get("link")))),
        body_text=body_text, images=images,
        read_num=_int(_first(bar.get("read_num"), var("read_num"))),
        like_num=_int(bar.get("like_count")),
        user_name=_str(_first(cgi.get("user_name"), var("user_name"))),
    )


__all__ = [
    "SHANGHAI", "ArticlePage", "ListedArticle", "ListerError", "ListerPage", "ParseError", "article_key",
    "ct_to_local_date", "parse_appmsgpublish", "parse_article", "parse_feed", "parse_getmsg", "parse_list_ex",
    "parse_searchbiz", "parse_url_list", "parse_weread",
]
