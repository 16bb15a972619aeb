"""The simulated we-mp-rss bridges, checked against the world and against the real bridge's output
(../shared/real-pages/wechat/feeds/we-mp-rss_*.xml: same elements, same zone-less stamps)."""

from __future__ import annotations

import re
from datetime import UTC
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from crawler.parsing.wechat import parse_feed
from simulator.http import SimRequest, SimState
from simulator.sites import we_mp_rss
from simulator.sites.feeds import feed_articles
from simulator.world import SHANGHAI, World
from tests.realpages.real import real_bytes

FEED = "/rss/MP_WXS_3094172651"


def serve(state: SimState, host: str, **query: str) -> bytes:
    resp = we_mp_rss.handle(SimRequest("GET", host, FEED, query, {}), state)
    assert resp is not None and resp.status == 200
    return resp.body


def item_tags(xml: bytes) -> tuple[list[str], list[str]]:
    root = ET.fromstring(xml)
    channel = root.find("channel")
    assert channel is not None
    return [c.tag for c in channel if c.tag != "item"], [c.tag for c in channel.find("item")]


@pytest.mark.parametrize("host, zone, real", [("we-mp-rss.localhost", SHANGHAI, "we-mp-rss_Asia_Shanghai_fullcontext_cdata.xml"),
                                              ("we-mp-rss-utc.localhost", UTC, "we-mp-rss_UTC.xml")])
def test_bridge_writes_what_the_real_bridge_writes(world: World, host: str, zone, real: str) -> None:
    state = SimState(world)
    body = serve(state, host, limit="30", offset="100")
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\r\n<rss version="2.0"')
    assert item_tags(body) == item_tags(real_bytes(f"wechat/feeds/{real}"))  # the real bridge's elements
    stamps = re.findall(rb"<pubDate>([^<]*)</pubDate>", body)
    assert stamps and all(re.fullmatch(rb"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d ", s) for s in stamps)  # no zone
    arts = feed_articles(world, world.agencies[0].wechat, state.today)[100:130]
    feed = parse_feed(body, naive_zone=ZoneInfo("UTC") if zone is UTC else ZoneInfo("Asia/Shanghai"))
    assert [(i.mid, i.idx, i.title, i.sent_at) for i in feed.items] == \
        [(a.mid, a.idx, a.title, int(a.ct.timestamp())) for a in arts]
    assert all(i.zone_assumed for i in feed.items) and feed.generator == "Mp-We-Rss"
    full = zone is SHANGHAI
    assert all((i.content or "").startswith("<p") == full for i in feed.items)  # CDATA markers unwrapped
    if full:
        assert b"&lt;![CDATA[&lt;p" in body


def test_unknown_feed_and_other_paths(world: World) -> None:
    state = SimState(world)
    resp = we_mp_rss.handle(SimRequest("GET", "we-mp-rss.localhost", "/rss/MP_WXS_1", {}, {}), state)
    assert resp is not None and resp.status == 404
    assert we_mp_rss.handle(SimRequest("GET", "we-mp-rss.localhost", "/feeds/x.atom", {}, {}), state) is None
    assert we_mp_rss.handle(SimRequest("GET", "wewe-rss.localhost", FEED, {}, {}), state) is None
