"""A page that hides its ids (unavailable, deleted) reached by a short link alone is the article whose ids
another lister gave for that link, or that the archive holds for it: never a second article under its token
(crawler/spiders/wechat.py; the order listers answer in must not change what is counted)."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.http import HtmlResponse

from crawler.items import DocumentItem
from crawler.parsing.wechat.listers import ListedArticle
from crawler.spiders.wechat import WechatSpider

BIZ = "MzA5NDE3MjY1MQ=="
SHORT = "https://mp.weixin.qq.com/s/t1ps_Q_mamYcLgAzvxWNdL"
HIDDEN = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>该内容暂时无法查看</title></head>"
          "<body><div class='panel'><div class='mesg-block'><p>该内容暂时无法查看</p></div></div></body></html>")


def spider() -> WechatSpider:
    s = WechatSpider.__new__(WechatSpider)  # the identity bookkeeping under test needs no crawler
    s.agency_id, s.channel, s.account, s.biz, s.readers = "kaiping-edu", "wechat", "开平教育", BIZ, {}
    s.fetched, s.link_ids, s.waiting_for_biz, s.listers = set(), {}, [], {}
    s.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *a, **k: None))
    return s


def read_hidden_page(s: WechatSpider, request) -> DocumentItem:  # noqa: ANN001
    response = HtmlResponse(SHORT, body=HIDDEN.encode(), encoding="utf-8", request=request)
    out = [o for o in s.parse_article_page(response, **request.cb_kwargs) if isinstance(o, DocumentItem)]
    assert len(out) == 1
    return out[0]


def test_ids_another_lister_gave_for_the_link_identify_the_hidden_page() -> None:
    s = spider()
    (request,) = s.article_request(ListedArticle.from_url("weread", SHORT, title="演练"), "weread", "cap-1")
    # getmsg answers after the short-link request went out, with the article's ids and the same link.
    later = list(s.article_request(ListedArticle.from_url("getmsg", SHORT, biz=BIZ, mid=2247484211, idx=8),
                                   "getmsg", "cap-2"))
    assert [type(o).__name__ for o in later] == ["ObservationItem"]  # not asked for twice
    item = read_hidden_page(s, request)
    assert item.native_id == f"{BIZ}/2247484211/8"
    assert "mid=2247484211&idx=8" in item.canonical_url and item.extra["state"] == "unavailable"


def test_the_archive_s_article_for_the_link_identifies_the_hidden_page() -> None:
    s = spider()
    (request,) = s.article_request(ListedArticle.from_url("weread", SHORT, title="演练"), "weread", "cap-1")
    request.cb_kwargs["item"].native_id = f"{BIZ}/2247484211/8"  # what the incremental middleware sets
    assert read_hidden_page(s, request).native_id == f"{BIZ}/2247484211/8"


def test_a_hidden_page_nobody_gave_ids_for_is_known_by_its_token() -> None:
    s = spider()
    (request,) = s.article_request(ListedArticle.from_url("weread", SHORT, title="演练"), "weread", "cap-1")
    item = read_hidden_page(s, request)
    assert item.native_id == f"{BIZ}/token/t1ps_Q_mamYcLgAzvxWNdL"
    assert any(c["field"] == "identity" for c in item.checks)
