"""Feeds and seed lists (reference wechat.md §2.5): Atom, RSS 2.0 and JSON Feed from bridges such as
wewe-rss and we-mp-rss, and plain URL lists, mapped onto the listers' `ListedArticle`.

we-mp-rss writes `pubDate` from a naive local time (`datetime.fromtimestamp(...).strftime('%a, %d %b
%Y %H:%M:%S %z')`, `%z` empty): the stamp has no zone, and means the bridge's local time. It is read
in the zone the caller names (default Asia/Shanghai, where Chinese bridges run; a container left in
UTC needs UTC) and the feed says so in its notes. With `rss.cdata` its full content is a CDATA
section written as escaped text, unwrapped here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from archive.times import SHANGHAI

from ..common import ParseError, decode_body, load_json
from ._common import ARTICLE_HOST, TOKEN_PATH, as_int, as_str, b64_biz, clean_url, query_params
from .listers import ListedArticle, ListerError

# ---------------------------------------------------------------- feeds (wewe-rss, we-mp-rss)

_ATOM = "http://www.w3.org/2005/Atom"
_WE_MP_RSS_ID = re.compile(r"^(\d+)-(\d+)_(\d+)$")  # we-mp-rss: "<numeric biz>-<appmsgid>_<itemidx>"


_ZONE_AT_END = re.compile(r"(?:[+-]\d{4}|\b[A-Za-z]{1,5})\s*$")  # RFC 822 zones: +0800, GMT, Z, EST …
_CDATA = re.compile(r"^\s*<!\[CDATA\[(.*)\]\]>\s*$", re.S)


@dataclass
class Feed:
    items: list[ListedArticle]
    generator: str = ""  # the feed's own <generator> (Mp-We-Rss, WeWe-RSS …), when it names one
    notes: list[str] = field(default_factory=list)  # how stamps were read, when the feed left it open


def parse_feed(body: bytes | str, content_type: str = "", naive_zone: tzinfo = SHANGHAI) -> Feed:
    """Items of an Atom, RSS 2.0 or JSON Feed document (§2.5), sniffed from the body. A stamp
    without a zone (we-mp-rss) is read in `naive_zone`.

    Titles are taken as written: wewe-rss puts the raw title in CDATA even under type="html".
    `author` stays None: in wewe-rss feeds it names the account, not the article's author."""
    text = decode_body(body, "feed").lstrip()
    if text.startswith(("{", "[")) or ("json" in content_type.lower() and not text.startswith("<")):
        feed = _json_feed(text, naive_zone)
    elif text.startswith("<"):
        feed = _xml_feed(text, naive_zone)
    else:
        raise ParseError(f"feed: neither XML nor JSON (content type {content_type or 'unknown'}): {text[:60]!r}")
    naive = sum(1 for item in feed.items if item.zone_assumed)
    if naive:
        feed.notes.append(f"{naive} of {len(feed.items)} items carry a time without a zone (as we-mp-rss writes "
                          f"them): read as {naive_zone} (XXGK_WECHAT_FEED_ZONE names the bridge's zone)")
    return feed


def _feed_error(data: dict[str, Any]) -> ListerError:
    code = data.get("statusCode")
    message = data.get("message")
    if isinstance(message, list):
        message = "; ".join(map(str, message))
    return ListerError(f"feed: the bridge answered {code} ({message or data.get('error') or 'no message'}): check "
                       "the feed URL (wewe-rss ids are MP_WXS_<bizuin>; is the account subscribed in the "
                       "bridge?) and its limit/page parameters", as_int(code) if as_int(code) is not None else str(code),
                       "other")


def _json_feed(text: str, zone: tzinfo) -> Feed:
    data = load_json(text, "JSON feed", show="start")
    if isinstance(data, dict) and "items" not in data and ("statusCode" in data or "message" in data):
        raise _feed_error(data)  # NestJS error body, e.g. 400 不存在该feed！
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError("JSON feed: no 'items' list")
    out = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = clean_url(item.get("url") or item.get("external_url") or "")
        stamp = item.get("date_published") or item.get("date_modified")
        out.append(_feed_item(url, as_str(item.get("id")), as_str(item.get("title")),
                              _iso_seconds(stamp, zone) if isinstance(stamp, str) else (None, False),
                              as_str(item.get("summary")), as_str(item.get("image")),
                              as_str(item.get("content_html"))))
    return Feed(out, as_str(data.get("generator")) or "")


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _kid_text(el: Any, name: str) -> str | None:
    kids = _kids(el, name)
    return as_str("".join(kids[0].itertext())) if kids else None


def _xml_feed(text: str, zone: tzinfo) -> Feed:
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
            url = clean_url(alt[0].get("href", "")) if alt else ""
            stamp = _kid_text(entry, "published") or _kid_text(entry, "updated")
            out.append(_feed_item(url, _kid_text(entry, "id"), _kid_text(entry, "title"),
                                  _iso_seconds(stamp, zone) if stamp else (None, False), _kid_text(entry, "summary"),
                                  None, _kid_text(entry, "content")))
        return Feed(out, _kid_text(root, "generator") or "")
    if kind == "rss":
        channel = (_kids(root, "channel") or [None])[0]
        if channel is None:
            raise ParseError("RSS feed: no <channel>")
        for item in _kids(channel, "item"):
            url = clean_url(_kid_text(item, "link") or "")
            guid = _kid_text(item, "guid")
            if not url and guid and guid.startswith("http"):
                url = clean_url(guid)
            enclosure = _kids(item, "enclosure")
            cover = as_str(enclosure[0].get("url")) if enclosure else None
            pub = _kid_text(item, "pubDate")
            out.append(_feed_item(url, _kid_text(item, "id") or guid, _kid_text(item, "title"),
                                  _rfc822_seconds(pub, zone) if pub else (None, False), _kid_text(item, "description"),
                                  cover, _kid_text(item, "encoded")))
        return Feed(out, _kid_text(channel, "generator") or "")
    raise ParseError(f"feed: root element <{kind}> is neither Atom <feed> nor RSS <rss>")


def _feed_item(url: str, item_id: str | None, title: str | None, stamp: tuple[int | None, bool], digest: str | None,
               cover: str | None, content: str | None) -> ListedArticle:
    sent_at, zone_assumed = stamp
    if content:
        m = _CDATA.match(content)  # we-mp-rss rss.cdata: the CDATA markers arrive as escaped text
        content = m.group(1) if m else content
    fields: dict[str, Any] = {"zone_assumed": zone_assumed, "content": content or None}
    if item_id:
        m = _WE_MP_RSS_ID.match(item_id)
        if m:
            fields.update(biz=b64_biz(m.group(1)), mid=int(m.group(2)), idx=int(m.group(3)))
        elif not url and re.fullmatch(r"[A-Za-z0-9_-]{22}", item_id):
            url = f"https://{ARTICLE_HOST}/s/{item_id}"  # wewe-rss ids are short-link tokens
    return ListedArticle.from_url("feed", url, title=title, sent_at=sent_at, digest=digest, cover=cover, **fields)


def _iso_seconds(value: str, zone: tzinfo) -> tuple[int | None, bool]:
    """(Unix seconds, whether the stamp had no zone and `zone` was assumed)."""
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, False
    if dt.tzinfo is None:
        return int(dt.replace(tzinfo=zone).timestamp()), True
    return int(dt.timestamp()), False


def _rfc822_seconds(value: str, zone: tzinfo) -> tuple[int | None, bool]:
    """(Unix seconds, whether the stamp had no zone and `zone` was assumed). RFC 2822 `-0000`
    means UTC with the local zone unknown; no zone at all (we-mp-rss) means the writer's local time."""
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None, False
    if not _ZONE_AT_END.search(value):
        return int(dt.replace(tzinfo=zone).timestamp()), True
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()), False


# ---------------------------------------------------------------- URL lists


def _article_url(text: str) -> str | None:
    """`text` as an mp.weixin.qq.com article URL (/s/<token>, /s?__biz=…, /mp/appmsg/show?__biz=…), else None."""
    words = text.strip().strip("\"'<>").split()
    text = clean_url(words[0]) if words else ""
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
    if TOKEN_PATH.match(parts.path):
        return text
    if parts.path in ("/s", "/mp/appmsg/show") and "__biz" in query_params(parts.query):
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
        out.append(ListedArticle.from_url("url_list", url))
    return out
