"""Feeds written by the real bridges' own code (../shared/real-pages/wechat/feeds): wewe-rss through the
npm `feed` package it pins, we-mp-rss through its `core/rss.py`, with synthetic items: two articles of
「开平教育」, one at 2024-12-31 23:30 and one at 2024-12-31 00:00, Asia/Shanghai.

we-mp-rss writes `pubDate` without a zone (the bridge's naive local time): the same instant reads
"23:30" from a bridge in Asia/Shanghai and "15:30" from one in UTC; the parser reads it in the zone
it is told (default Asia/Shanghai) and notes that it assumed one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from archive.times import SHANGHAI
from crawler.parsing.wechat import article_key, parse_feed

from .real import real_bytes

FEEDS = "wechat/feeds/"
FIRST = "关于做好2025年元旦“安全”工作的通知 & <说明>"  # entity-escaped in we-mp-rss, raw CDATA in wewe-rss
SECOND = "开平市2024年12月31日教育动态"
LATE = int(datetime(2024, 12, 31, 23, 30, tzinfo=SHANGHAI).timestamp())
MIDNIGHT = int(datetime(2024, 12, 31, 0, 0, tzinfo=SHANGHAI).timestamp())
LONG = "https://mp.weixin.qq.com/s?__biz=MzA5NDE3MjY1MQ==&mid=2247485511&idx=1&sn=f764e446"


@pytest.mark.parametrize("name, zone", [("we-mp-rss_Asia_Shanghai.xml", "Asia/Shanghai"),
                                        ("we-mp-rss_Asia_Shanghai_fullcontext_cdata.xml", "Asia/Shanghai"),
                                        ("we-mp-rss_UTC.xml", "UTC"),
                                        ("we-mp-rss_UTC_fullcontext_cdata.xml", "UTC")])
def test_we_mp_rss_feed(name: str, zone: str) -> None:
    feed = parse_feed(real_bytes(FEEDS + name), naive_zone=ZoneInfo(zone))
    assert feed.generator == "Mp-We-Rss"
    first, second = feed.items
    # ids `<bizuin>-<appmsgid>_<itemidx>` give the article's key; the second item carries the long link
    assert article_key(first) == ("MzA5NDE3MjY1MQ==", 2247485514, 1) and first.token == "KDWh_qGpFN5Vu1TR9t30Mw"
    assert article_key(second) == ("MzA5NDE3MjY1MQ==", 2247485511, 1) and second.url == LONG and second.sn == "f764e446"
    assert (first.title, second.title) == (FIRST, SECOND) and (first.digest, second.digest) == ("摘要", SECOND)
    assert (first.sent_at, second.sent_at) == (LATE, MIDNIGHT)  # told its zone, it lands where it was published
    assert first.zone_assumed and second.zone_assumed and zone in feed.notes[0]
    assert first.cover == "https://mmbiz.qpic.cn/mmbiz_jpg/x/0?wx_fmt=jpeg"
    # with rss.cdata the CDATA markers arrive as escaped text: unwrapped
    assert (first.content, second.content) == (("<p>正文</p>",) * 2 if "fullcontext" in name else (None, None))


def test_we_mp_rss_from_a_utc_bridge_read_as_shanghai_is_8_hours_early() -> None:
    wrong = parse_feed(real_bytes(FEEDS + "we-mp-rss_UTC.xml")).items[0]
    assert LATE - wrong.sent_at == 8 * 3600
    # and the Shanghai bridge's stamp read as UTC (the old reading) moves past the year boundary
    naive = parse_feed(real_bytes(FEEDS + "we-mp-rss_Asia_Shanghai.xml"), naive_zone=UTC).items[0]
    assert datetime.fromtimestamp(naive.sent_at, SHANGHAI).year == 2025


@pytest.mark.parametrize("name", ["wewe_MP_WXS_3073282833.atom", "wewe_MP_WXS_3073282833.rss",
                                  "wewe_MP_WXS_3073282833.json", "wewe_all_fulltext.atom", "wewe_all_fulltext.rss",
                                  "wewe_all_fulltext.json"])
def test_wewe_rss_feed(name: str) -> None:
    feed = parse_feed(real_bytes(FEEDS + name))
    assert feed.generator == "WeWe-RSS" and feed.notes == []  # ISO and GMT stamps: no zone assumed
    first, second = feed.items
    assert (first.token, second.token) == ("KDWh_qGpFN5Vu1TR9t30Mw", "tr38EieqyftubIx2FMWUWw")
    assert first.url == "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw" and article_key(first) is None
    assert (first.title, second.title) == (FIRST, SECOND) and (first.sent_at, second.sent_at) == (LATE, MIDNIGHT)
    assert first.author is None  # wewe-rss's author names the account, not the article's author
    # Atom entries carry no picture; RSS has an enclosure, JSON Feed an image
    assert first.cover == (None if name.endswith(".atom") else "https://mmbiz.qpic.cn/mmbiz_jpg/x/0?wx_fmt=jpeg")
    assert first.content == ("<p>正文 &amp; <b>全文</b></p>" if "fulltext" in name else None)
