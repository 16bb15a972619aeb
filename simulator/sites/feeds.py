"""A self-hosted wewe-rss bridge (host wewe-rss.localhost; reference wechat.md §2.5).

Routes, as cooderl/wewe-rss `feeds.controller.ts` has them:
- `/feeds/<MP_WXS_id>.(rss|atom|json)?limit=10&page=1&mode=fulltext&title_include=a|b&title_exclude=`
  (an unknown extension falls back to Atom, as the bridge does);
- `/feeds/all.(rss|atom|json)` (default limit 30), every stored article with its account as author;
- `/feeds` and `/feeds/`: the JSON list of subscribed accounts.

Stored items: the bridge holds only what it synced: articles of accounts with `feed_since`,
published on or after that day and on or before `state.today`, and not deleted or violation on
`state.today`; newest first (publishTime desc; within one push by itemidx). `page` skips
`(page - 1) * limit`; title filters apply after paging, as in the bridge.

Output follows jpmonette/feed v4.2.2 (xml-js, 4-space indent) with the options wewe-rss passes:
Atom feed `id/title/updated/generator/author/link rel=alternate/subtitle/logo/icon`, entries
`title type=html (CDATA)/id/link/updated[/content type=html][/author]`; RSS 2.0 channel
`title/link/description/lastBuildDate/docs/generator/language/image`, items
`title (CDATA)/link/guid/pubDate[/content:encoded]/enclosure`; JSON Feed version 1. As in that
version, `xmlns:dc` and `xmlns:content` appear only when an item has content (fulltext mode) and
`xmlns:atom` not at all (wewe-rss sets no self link); the enclosure type is `image/` + the last
`.`-part of the URL path, which for mmbiz URLs (`…/0?wx_fmt=jpeg`) is the whole path — a real
quirk of the library, kept. Fulltext content is the article body from `wechat_article_html.body_html`
with `data-src` turned into `src` behind a small style block (wewe-rss `cleanHtml`); an
unavailable article yields the style block only (its page has no content node).

Errors like the NestJS bridge: an unknown feed id → 400 `{"statusCode":400,"message":"不存在该feed！"}`
(the brief asked for 404; the bridge's code throws BAD_REQUEST); a non-integer `limit`/`page` →
400 "Validation failed (numeric string is expected)". Other paths → None (404).

Guessed: the feed's `updated`/`lastBuildDate` is the publish time of its newest stored article
(the real value is the bridge's last sync time, or now for all.*); `page` below 1 counts as 1;
the origin URL (feed ids and links) is `http://wewe-rss.localhost`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from ..http import SimRequest, SimResponse, SimState, http_date
from ..world import SHANGHAI, World, WxAccount, WxArticle
from .wechat_article_html import body_html
from .wechat_listers import account_profile, world_cache

ORIGIN = "http://wewe-rss.localhost"
FEED_TYPES = ("rss", "atom", "json")
MIME = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8"}
ALL_NAME, ALL_INTRO, ALL_COVER = "WeWe-RSS All", "WeWe-RSS 全部文章", "https://r2-assets.111965.xyz/wewe-rss.png"
HIDDEN_STATES = ("deleted", "violation")
CLEAN_STYLE = "<style> .rich_media_content {overflow: hidden;color: #222;font-size: 17px;text-align: justify;}</style>"


# ---------------------------------------------------------------- what the bridge stored


def feed_accounts(world: World) -> list[WxAccount]:
    """Accounts the bridge subscribes to (those with `feed_since`), by bizuin."""
    return sorted((a for a in world.wx_account_by_biz.values() if a.feed_since is not None),
                  key=lambda a: a.bizuin)


def _order(art: WxArticle) -> tuple[int, int, int, int]:
    return (int(art.ct.timestamp()), art.push.account.bizuin, art.mid, -art.idx)


def feed_articles(world: World, acct: WxAccount, today: date) -> list[WxArticle]:
    """The articles the bridge holds for one account on `today`, newest first."""
    def build() -> list[WxArticle]:
        since = acct.feed_since
        if since is None:
            return []
        arts = [a for a in acct.articles
                if since <= a.ct.date() <= today and a.state(today) not in HIDDEN_STATES]
        return sorted(arts, key=_order, reverse=True)
    return world_cache(world, ("feed-articles", acct.bizuin, today), build)


def all_feed_articles(world: World, today: date) -> list[WxArticle]:
    def build() -> list[WxArticle]:
        arts = [a for acct in feed_accounts(world) for a in feed_articles(world, acct, today)]
        return sorted(arts, key=_order, reverse=True)
    return world_cache(world, ("feed-all", today), build)


# ---------------------------------------------------------------- feed model (what wewe-rss hands to `feed`)


@dataclass
class FeedItem:
    id: str
    title: str
    link: str
    date: datetime
    image: str
    content: str = ""
    author: str | None = None


@dataclass
class FeedMeta:
    id: str
    title: str
    description: str
    image: str
    updated: datetime
    author: str
    items: list[FeedItem] = field(default_factory=list)


def _iso(dt: datetime) -> str:
    """JavaScript's Date.toISOString(): UTC with milliseconds."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fulltext(world: World, art: WxArticle, today: date) -> str:
    if art.state(today) == "unavailable":
        return CLEAN_STYLE
    body = body_html(world, art).replace("data-src=", "src=").replace("\n", "")
    return (f'{CLEAN_STYLE}<div class="rich_media_content js_underline_content" id=js_content'
            f' style=" opacity: 0; ">{body}</div>')


def _item(world: World, art: WxArticle, today: date, fulltext: bool, with_author: bool) -> FeedItem:
    return FeedItem(id=art.token, title=art.title, link=f"https://mp.weixin.qq.com/s/{art.token}", date=art.ct,
                    image=art.cover, content=_fulltext(world, art, today) if fulltext else "",
                    author=art.push.account.name if with_author else None)


# ---------------------------------------------------------------- xml-js style writer


def _text(value: str) -> str:
    # xml-js writeText: undo &amp; first (so sanitized URLs are not escaped twice), then escape.
    return value.replace("&amp;", "&").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return value.replace('"', "&quot;")


def _sanitize(url: str) -> str:
    # jpmonette/feed utils.sanitize, applied to links before xml-js sees them.
    return url.replace("&", "&amp;")


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class _Xml:
    """Compact js2xml output with 4-space indentation."""

    def __init__(self) -> None:
        self.lines = ['<?xml version="1.0" encoding="utf-8"?>']
        self.depth = 0

    def _pad(self) -> str:
        return "    " * self.depth

    @staticmethod
    def _attrs(attrs: dict[str, str]) -> str:
        return "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())

    def open(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        self.lines.append(f"{self._pad()}<{tag}{self._attrs(attrs or {})}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append(f"{self._pad()}</{tag}>")

    def leaf(self, tag: str, text: str | None = None, attrs: dict[str, str] | None = None,
             cdata: str | None = None) -> None:
        head = f"{self._pad()}<{tag}{self._attrs(attrs or {})}"
        if cdata is not None:
            self.lines.append(f"{head}>{_cdata(cdata)}</{tag}>")
        elif text is not None:
            self.lines.append(f"{head}>{_text(text)}</{tag}>")
        else:
            self.lines.append(f"{head}/>")

    def result(self) -> str:
        return "\n".join(self.lines)


def _enclosure_type(url: str) -> str:
    # feed's formatEnclosure: `image/` + new URL(url).pathname.split(".").slice(-1)[0]
    return "image/" + urlsplit(url).path.split(".")[-1]


def render_atom(meta: FeedMeta) -> str:
    x = _Xml()
    x.open("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    x.leaf("id", meta.id)
    x.leaf("title", meta.title)
    x.leaf("updated", _iso(meta.updated))
    x.leaf("generator", "WeWe-RSS")
    x.open("author")
    x.leaf("name", meta.author)
    x.close("author")
    x.leaf("link", attrs={"rel": "alternate", "href": _sanitize(meta.id)})
    x.leaf("subtitle", meta.description)
    x.leaf("logo", meta.image)
    x.leaf("icon", meta.image)
    for it in meta.items:
        x.open("entry")
        x.leaf("title", attrs={"type": "html"}, cdata=it.title)
        x.leaf("id", _sanitize(it.id))
        x.leaf("link", attrs={"href": _sanitize(it.link)})
        x.leaf("updated", _iso(it.date))
        if it.content:
            x.leaf("content", attrs={"type": "html"}, cdata=it.content)
        if it.author is not None:
            x.open("author")
            x.leaf("name", it.author)
            x.close("author")
        x.close("entry")
    x.close("feed")
    return x.result()


def render_rss(meta: FeedMeta) -> str:
    x = _Xml()
    attrs = {"version": "2.0"}
    if any(it.content for it in meta.items):
        attrs |= {"xmlns:dc": "http://purl.org/dc/elements/1.1/", "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}
    x.open("rss", attrs)
    x.open("channel")
    x.leaf("title", meta.title)
    x.leaf("link", _sanitize(meta.id))
    x.leaf("description", meta.description)
    x.leaf("lastBuildDate", http_date(meta.updated))
    x.leaf("docs", "https://validator.w3.org/feed/docs/rss2.html")
    x.leaf("generator", "WeWe-RSS")
    x.leaf("language", "zh-cn")
    x.open("image")
    x.leaf("title", meta.title)
    x.leaf("url", meta.image)
    x.leaf("link", _sanitize(meta.id))
    x.close("image")
    for it in meta.items:
        x.open("item")
        x.leaf("title", cdata=it.title)
        x.leaf("link", _sanitize(it.link))
        x.leaf("guid", it.link)
        x.leaf("pubDate", http_date(it.date))
        if it.content:
            x.leaf("content:encoded", cdata=it.content)
        x.leaf("enclosure", attrs={"url": it.image, "length": "0", "type": _enclosure_type(it.image)})
        x.close("item")
    x.close("channel")
    x.close("rss")
    return x.result()


def render_json(meta: FeedMeta) -> str:
    items = []
    for it in meta.items:
        item: dict[str, Any] = {"id": it.id, "content_html": it.content, "url": it.link, "title": it.title,
                                "image": it.image, "date_modified": _iso(it.date)}
        if it.author is not None:
            item["author"] = {"name": it.author}
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1", "title": meta.title, "home_page_url": meta.id,
            "description": meta.description, "icon": meta.image, "author": {"name": meta.author},
            "generator": "WeWe-RSS", "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=4)


RENDER = {"atom": render_atom, "rss": render_rss, "json": render_json}


# ---------------------------------------------------------------- routes


def _bad_request(message: str, error: str | None = None) -> SimResponse:
    body: dict[str, Any] = {"statusCode": 400, "message": message}
    if error:
        body["error"] = error
    return SimResponse.json(body, status=400)


def _int_param(query: dict[str, str], name: str, default: int) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    return int(raw) if re.fullmatch(r"-?\d+", raw) else None


def _feed(req: SimRequest, state: SimState, feed_id: str, kind: str) -> SimResponse:
    world, today = state.world, state.today
    is_all = feed_id == "all"
    limit = _int_param(req.query, "limit", 30 if is_all else 10)
    page = _int_param(req.query, "page", 1)
    if limit is None or page is None:
        return _bad_request("Validation failed (numeric string is expected)", "Bad Request")
    if is_all:
        arts = all_feed_articles(world, today)
        name, intro, cover = ALL_NAME, ALL_INTRO, ALL_COVER
    else:
        acct = next((a for a in feed_accounts(world) if a.weread_book_id == feed_id), None)
        if acct is None:
            return _bad_request("不存在该feed！")
        arts = feed_articles(world, acct, today)
        prof = account_profile(world, acct)
        name, intro, cover = acct.name, prof["signature"], prof["round_head_img"]
    limit, page = max(0, limit), max(1, page)
    chosen = arts[(page - 1) * limit:page * limit]
    fulltext = req.query.get("mode") == "fulltext"
    items = [_item(world, a, today, fulltext, is_all) for a in chosen]
    if include := req.query.get("title_include"):
        items = [it for it in items if any(k in it.title for k in include.split("|"))]
    if exclude := req.query.get("title_exclude"):
        items = [it for it in items if not any(k in it.title for k in exclude.split("|"))]
    newest = arts[0].ct if arts else datetime.combine(today, time(0, 0), SHANGHAI)
    meta = FeedMeta(id=f"{ORIGIN}/feeds/{feed_id}.{kind}", title=name, description=intro, image=cover,
                    updated=newest, author=name, items=items)
    return SimResponse.text(RENDER[kind](meta), content_type=MIME[kind])


def _feed_list(state: SimState) -> SimResponse:
    world, out = state.world, []
    for acct in feed_accounts(world):
        prof = account_profile(world, acct)
        arts = feed_articles(world, acct, state.today)
        stamp = int(arts[0].ct.timestamp()) if arts else 0
        out.append({"id": acct.weread_book_id, "name": acct.name, "intro": prof["signature"],
                    "cover": prof["round_head_img"], "syncTime": stamp, "updateTime": stamp})
    return SimResponse.json(out)


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """The wewe-rss feed routes; None for any other path."""
    if req.method not in ("GET", "HEAD"):
        return None
    if req.path in ("/feeds", "/feeds/"):
        return _feed_list(state)
    m = re.fullmatch(r"/feeds/([^/]+)", req.path)
    if m is None:
        return None
    feed_id, _, rest = m.group(1).partition(".")
    kind = rest.split(".")[0]
    if feed_id == "all" and kind not in FEED_TYPES:
        return _bad_request("不存在该feed！")  # /feeds/all.xml reaches the per-feed route with id "all"
    return _feed(req, state, feed_id, kind if kind in FEED_TYPES else "atom")
