"""A self-hosted we-mp-rss bridge (reference wechat.md §2.5; rachelos/we-mp-rss `core/rss.py` and
`apis/rss.py`; the real output sits in ../shared/real-pages/wechat/feeds/we-mp-rss_*.xml).

Two bridges, one per zone the bridge's process runs in, because the format depends on it:
- `we-mp-rss.localhost` runs in Asia/Shanghai with `rss.full_context` and `rss.cdata` on;
- `we-mp-rss-utc.localhost` runs in UTC (a container's default) without full content.

Route: `/rss/<MP_WXS_id>?limit=10&offset=0` (limit ≤ 100). RSS 2.0 written the way `RSS.generate_rss`
writes it through ElementTree: one line, no indentation, `<generator>Mp-We-Rss</generator>`, each
item `<id>` (`<bizuin>-<appmsgid>_<itemidx>`), `<title>` (XML-escaped), `<description>` (digest),
`<guid>` (= link), `<enclosure length="0" type="image/jpeg">`, optional `<content:encoded>` (with
cdata: the text `<![CDATA[…]]>`, which ElementTree escapes), `<link>`, `<pubDate>`. Times come from
`datetime.fromtimestamp(publish_time)` (naive, in the bridge's zone) through
`strftime('%a, %d %b %Y %H:%M:%S %z')`: `%z` of a naive time is empty, so every stamp ends in a
space and has no zone. Stored items are those the wewe-rss bridge holds (feeds.feed_articles).

Guessed: the link is the short link for an article with itemidx 1 and the long link for the others
(the real sample has one of each: "web mode collects 发布 links, api mode temporary links");
`lastBuildDate` is the newest item's time (the real value is the generation time); an unknown feed
id answers 404 `{"detail": "Not Found"}` (FastAPI's default).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from xml.etree import ElementTree as ET

from ..http import SimRequest, SimResponse, SimState
from ..world import SHANGHAI, World, WxArticle
from .feeds import feed_accounts, feed_articles
from .wechat_article_html import body_html
from .wechat_listers import account_profile

HOSTS = {"we-mp-rss.localhost": (SHANGHAI, True), "we-mp-rss-utc.localhost": (UTC, False)}
ORIGIN = "http://127.0.0.1:8001/"


def naive_stamp(dt: datetime, zone: tzinfo) -> str:
    """What the bridge writes: the time in its own zone, without the zone."""
    return dt.astimezone(zone).replace(tzinfo=None).strftime("%a, %d %b %Y %H:%M:%S %z")


def _link(art: WxArticle) -> str:
    return art.short_url if art.idx == 1 else art.long_url.split("#", 1)[0]


def render(world: World, name: str, intro: str, image: str, arts: list[WxArticle], zone: tzinfo, full: bool) -> str:
    rss = ET.Element("rss", version="2.0")
    if full:
        rss.attrib["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", name), ("link", ORIGIN), ("description", intro), ("language", "zh-CN"),
                      ("generator", "Mp-We-Rss")):
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, "lastBuildDate").text = naive_stamp(arts[0].ct, zone) if arts else ""
    img = ET.SubElement(channel, "image")
    for tag, text in (("url", image), ("title", name), ("link", ORIGIN)):
        ET.SubElement(img, tag).text = text
    for art in arts:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "id").text = f"{art.push.account.bizuin}-{art.mid}_{art.idx}"
        ET.SubElement(item, "title").text = art.title
        ET.SubElement(item, "description").text = art.digest
        ET.SubElement(item, "guid").text = _link(art)
        enclosure = ET.SubElement(item, "enclosure")
        enclosure.set("url", art.cover)
        enclosure.set("length", "0")
        enclosure.set("type", "image/jpeg")
        if full:  # rss.cdata: the markers are text, so ElementTree escapes them with the content
            ET.SubElement(item, "content:encoded").text = f"<![CDATA[{body_html(world, art)}]]>"
        ET.SubElement(item, "link").text = _link(art)
        ET.SubElement(item, "pubDate").text = naive_stamp(art.ct, zone)
    return '<?xml version="1.0" encoding="utf-8"?>\r\n' + ET.tostring(
        rss, encoding="utf-8", method="xml", short_empty_elements=False).decode("utf-8")


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """`/rss/<feed_id>` of a we-mp-rss bridge; None for other paths and hosts."""
    if req.method not in ("GET", "HEAD") or req.host not in HOSTS:
        return None
    m = re.fullmatch(r"/rss/([^/]+)", req.path)
    if m is None:
        return None
    zone, full = HOSTS[req.host]
    acct = next((a for a in feed_accounts(state.world) if a.weread_book_id == m.group(1)), None)
    if acct is None:
        return SimResponse.json({"detail": "Not Found"}, status=404)
    try:
        limit = min(100, max(1, int(req.query.get("limit", "10"))))
        offset = max(0, int(req.query.get("offset", "0")))
    except ValueError:
        return SimResponse.json({"detail": "limit and offset must be integers"}, status=422)
    arts = feed_articles(state.world, acct, state.today)[offset:offset + limit]
    prof = account_profile(state.world, acct)
    body = render(state.world, acct.name, prof["signature"], prof["round_head_img"], arts, zone, full)
    return SimResponse.text(body, content_type="application/xml; charset=utf-8")
