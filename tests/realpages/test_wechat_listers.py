"""Lister responses from public sources (../shared/real-pages/wechat/listers, PROVENANCE.md says how real
each is), and the 2017 history page of bitsea (Sogou's copy of an account's history), read by the
listers' parsers. Values are read off the JSON by hand."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from archive.times import SHANGHAI
from crawler.parsing.wechat import article_key, parse_getmsg, parse_history_page, parse_list_ex

from .real import real_bytes, real_text

LISTERS = "wechat/listers/"
ALI = "MzIzOTU0NTQ0MA=="  # 阿里技术
BITSEA = "MjM5MjAzODU2MA=="  # fakeid 2392038560


def local(ts: int | None) -> str:
    return datetime.fromtimestamp(ts or 0, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def wrapped(inner: str) -> str:
    """The inner `general_msg_list` JSON, in the getmsg response it came from."""
    return json.dumps({"ret": 0, "general_msg_list": json.loads(inner)}, ensure_ascii=False)


def check_ali(articles: list) -> None:
    assert len(articles) == 13  # 10 pushes, three of them with a second article
    first, last = articles[0], articles[-1]
    assert first.title == "阿！里！工！程！师！" and first.digest == "！！！" and first.author == "阿里妹爱你们"
    assert article_key(first) == (ALI, 2247486288, 1) and first.sn == "58575f84322673bc64f2c3bf00629e8b"
    assert first.url.startswith("http://mp.weixin.qq.com/s?__biz=MzIzOTU0NTQ0MA==&mid=2247486288&idx=1&sn=")
    assert first.push_key == "1000000275" and local(first.sent_at) == "2017-11-11 01:06" and first.notified
    assert last.title == "城市大脑技术厉害了！阿里 iDST 三篇相关论文入选ACM MM"
    assert article_key(last) == (ALI, 2247486172, 2) and last.push_key == "1000000264"
    assert {a.push_key for a in articles if a.idx == 2} == {"1000000274", "1000000269", "1000000264"}
    assert not any(a.deleted for a in articles)


def test_getmsg_response() -> None:
    page = parse_getmsg(real_bytes(LISTERS + "getmsg_real_2017-11_reconstructed.json"))
    check_ali(page.articles)
    assert page.pushes_on_page == 10 and page.next_offset == 20  # can_msg_continue 1


def test_getmsg_inner_list_as_printed() -> None:
    page = parse_getmsg(wrapped(real_text(LISTERS + "getmsg_inner_2017.txt")))
    check_ali(page.articles)


def test_getmsg_end_of_list() -> None:
    page = parse_getmsg(real_bytes(LISTERS + "getmsg_real_end_reconstructed.json"))
    assert page.articles == [] and page.pushes_on_page == 0 and page.next_offset is None  # can_msg_continue 0


def check_bitsea(articles: list) -> None:
    assert len(articles) == 10 and [a.idx for a in articles] == [1] * 10
    first = articles[0]
    assert first.title == "帝都深处好修行" and first.author == "和菜头" and first.digest == "善哉，善哉！"
    assert first.biz == BITSEA and first.mid is None and local(first.sent_at) == "2017-07-24 13:04"
    # Sogou's temporary links are relative: made absolute on mp.weixin.qq.com (they expire: 链接已过期)
    assert all(a.url.startswith("https://mp.weixin.qq.com/s?timestamp=") and "&amp;" not in a.url for a in articles)
    assert articles[-1].title == "完美受害人"


def test_sogou_msglist_inner() -> None:
    check_bitsea(parse_getmsg(wrapped(real_text(LISTERS + "sogou_profile_msgList_2017_inner.json"))).articles)


def test_sogou_history_page() -> None:
    page = parse_history_page(real_text("wechat/articles/WechatSogou/bitsea-history.html.gz"))
    check_bitsea(page.articles)
    assert page.articles == parse_getmsg(wrapped(real_text(LISTERS + "sogou_profile_msgList_2017_inner.json"))).articles


@pytest.mark.parametrize("name, total, biz, first", [
    ("list_ex_real_2019-11_compact.json", 203, "MzA3NTEzMTUwNA==",
     ("聊聊区块链安全攻防实践", 2651081564, 1, "87b1e8343e83fdebde078e6c3ce2f843", "2019-11-01 11:09")),
    ("list_ex_real_2024-03_flask_reserialized.json", 267, "MjM5NTAyMTgyMA==",
     ("叮，您有一份《360安全云盘满意度小调研》，请查收！", 2652432579, 1, "b4f4ef892e401987a0601dc4fd9e4f9f", "2024-03-07 11:31")),
])
def test_list_ex_response(name: str, total: int, biz: str, first: tuple) -> None:
    page = parse_list_ex(real_bytes(LISTERS + name), 0)
    assert page.total == total and len(page.articles) == 2 and page.next_offset == 2  # begin counts articles
    a = page.articles[0]
    assert (a.title, a.mid, a.idx, a.sn, local(a.sent_at)) == first and a.biz == biz and a.push_key == str(first[1])
    if name.startswith("list_ex_real_2024"):  # two articles of one push
        assert [(x.mid, x.idx) for x in page.articles] == [(2652432579, 1), (2652432579, 2)]
        assert page.articles[1].title == "360亿方云发布智能文档云，引领大模型时代下的知识管理革命"
