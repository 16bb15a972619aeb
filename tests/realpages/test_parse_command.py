"""`xxgk parse` on saved pages, as a user checks a page saved from their own agency: the real files (gzip
read as such) and, for the kinds no real file exists of (search JSONP, an NFCMS article, a whole gkmlpt
index), pages the simulator serves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.http import SimRequest, SimState
from simulator.scenario import load
from simulator.server import serve
from simulator.world import World
from tests.support import xxgk

from .real import REAL, real_path


def parsed(kind: str, path: Path, *extra: str) -> dict:
    out = xxgk("parse", "--kind", kind, str(path), "--json", *extra)
    data = json.loads(out.stdout)
    assert data["kind"] == kind and data["file"] == str(path)
    return data["result"]


def test_wechat_text_post_from_its_gzip_file() -> None:
    got = parsed("wechat-article", real_path("wechat/articles/wechat-article-exporter/文本分享/02.html.gz"))
    assert got["state"] == "ok" and got["item_show_type"] == 10 and got["title_from_text"] is True
    assert got["title"] == "大家好，我是轩辕之风，这是新的账号，和原来是同样的名字，我没有卖号哈，只是把主体迁移到我自己名下来，之前一直挂靠在朋友那里。"
    assert got["body_text"].startswith("大家好，我是轩辕之风") and got["images"] == []
    assert got["ct_local"] == "2020-05-26T18:10:13+08:00" and got["short_url"] == "https://mp.weixin.qq.com/s/WCRB9bOQkbmbOhzV_VIgTQ"


def test_wechat_long_link_image_post_and_readable_output() -> None:
    path = real_path("wechat/articles/wechat-article-exporter/图片分享/c01.html.gz")
    got = parsed("wechat-article", path)
    assert got["short_url"] == "https://mp.weixin.qq.com/s/q6mVJwc9osuVA0n6Fa2n7Q" and len(got["images"]) == 5
    text = xxgk("parse", "--kind", "wechat-article", str(path)).stdout
    assert "title: \"英伟达霸权「瓦解」？半导体兴风作浪\"" in text and "item_show_type: 8" in text


def test_wechat_account_and_listers() -> None:
    account = parsed("wechat-account", real_path("wechat/articles/wechat-article-exporter/aboutbiz/biz-MzAxODU1ODg2Mg==.html.gz"))
    assert account["subject"] == "北京市第五十四中学" and account["alias"] == "bj54zx"
    getmsg = parsed("wechat-lister", real_path("wechat/listers/getmsg_real_2017-11_reconstructed.json"))
    assert getmsg["route"] == "profile_ext getmsg" and len(getmsg["page"]["articles"]) == 13
    assert getmsg["page"]["articles"][0]["sent_at_local"] == "2017-11-11T01:06:10+08:00"
    inner = parsed("wechat-lister", real_path("wechat/listers/getmsg_inner_2017.txt"))
    assert inner["route"].startswith("getmsg list") and inner["page"]["articles"] == getmsg["page"]["articles"]
    list_ex = parsed("wechat-lister", real_path("wechat/listers/list_ex_real_2019-11_compact.json"),
                     "--url", "https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&begin=20&count=5")
    assert list_ex["route"] == "appmsg list_ex" and list_ex["page"]["next_offset"] == 22 and list_ex["page"]["total"] == 203
    history = parsed("wechat-lister", real_path("wechat/articles/WechatSogou/bitsea-history.html.gz"))
    assert history["route"].startswith("history page") and len(history["page"]["articles"]) == 10


def test_we_mp_rss_feed_in_the_bridges_zone() -> None:
    path = real_path("wechat/feeds/we-mp-rss_UTC_fullcontext_cdata.xml")
    got = parsed("feed", path, "--feed-zone", "UTC")
    assert got["generator"] == "Mp-We-Rss" and "UTC" in got["notes"][0]
    assert [i["sent_at_local"] for i in got["items"]] == ["2024-12-31T23:30:00+08:00", "2024-12-31T00:00:00+08:00"]
    assert got["items"][0]["content"] == "<p>正文</p>"
    as_shanghai = parsed("feed", path)  # the default zone is wrong for this bridge: 8 hours early
    assert as_shanghai["items"][0]["sent_at_local"] == "2024-12-31T15:30:00+08:00"


def test_gkmlpt_trimmed_captures() -> None:
    listing = parsed("gkmlpt-list", real_path("gkmlpt/hongtu_zhaoqing_acceptance.json"))
    assert (listing["total"], listing["offset"]) == (None, None) and "no total/offset" in listing["notes"][0]
    assert listing["articles"][0]["published_ts_local"] == "2026-07-07T10:48:49+08:00"
    doc_path = real_path("gkmlpt/hongtu_zhaoqing_detail.html")
    doc = parsed("gkmlpt-document", doc_path, "--url",
                 "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/3/3255/post_3255421.html")
    assert doc["title"] == "金宸农牧科技（四会）有限公司四会富硒蛋鸡产业园项目受理公告"
    assert doc["attachments"][0]["url"] == "https://www.zhaoqing.gov.cn/zqhjj/attachment/0/306/306724/3255421.pdf"
    refused = xxgk("parse", "--kind", "gkmlpt-index", str(doc_path), expect=2)
    assert "a document page, not the catalog index" in refused.stderr


def test_nfcms_list_page() -> None:
    got = parsed("nfcms-list", real_path("nfcms/gz_xw_tzgg_list_index.html"), "--url", "https://www.gz.gov.cn/xw/tzgg/")
    assert len(got["entries"]) == 20 and got["total_items"] == 2380 and got["capped"] is True
    assert got["entries"][0]["url"] == "https://www.gz.gov.cn/xw/tzgg/content/post_10905933.html"


@pytest.mark.parametrize("kind, path, query", [
    ("gkmlpt-index", "/jmkpsjyj/gkmlpt/index", {}),
    ("search-jsonp", "/jsonp/site/750118", {"page": "1", "pagesize": "5", "callback": "cb"}),
    ("nfcms-article", None, {}),
])
def test_kinds_without_a_real_file_on_simulator_pages(tmp_path: Path, kind: str, path: str | None, query: dict) -> None:
    world = World(load("kaiping-2024"))
    agency = world.agencies[0]
    host = "search.gd.gov.cn" if kind == "search-jsonp" else agency.host
    if path is None:
        art = next(a for a in agency.articles if a.twin is None and a.visible(world.start_today))
        path = f"/kpsjyjzww/{art.column}/content/post_{art.id}.html"
    resp = serve(SimRequest("GET", host, path, query, {}), SimState(world))
    saved = tmp_path / "page"
    saved.write_bytes(resp.body)
    got = parsed(kind, saved, "--url", f"http://{host}{path}")
    if kind == "gkmlpt-index":
        assert got["sid"] == agency.sid and any(c["name"] == "政务动态" and c["is_leaf"] for c in got["categories"])
    elif kind == "search-jsonp":
        assert got["count"] > 0 and len(got["results"]) == 5 and got["notes"] == []
    else:
        assert got["title"] == art.title and got["body_text"]


def test_a_page_the_parser_cannot_read_exits_2_with_its_reason(tmp_path: Path) -> None:
    junk = tmp_path / "junk.html"
    junk.write_text("<html><body>nothing here</body></html>", encoding="utf-8")
    out = xxgk("parse", "--kind", "wechat-article", str(junk), expect=2)
    assert "not an article page" in out.stderr
    assert REAL.is_dir()
