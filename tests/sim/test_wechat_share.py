"""Share posts (item_show_type 8 and 10) and real-weight pages, as the simulator serves them: the shapes of
the real captures in ../shared/real-pages/wechat (文本分享, 图片分享; 2–4 MB pages), checked against the world."""

from __future__ import annotations

import html
import re

import pytest
from parsel import Selector

from simulator.http import SimState
from simulator.sites.wechat_article_html import Current
from simulator.sites.wechat_share import picture_urls, share_text
from simulator.world import World, WxArticle

from .test_wechat_pages import cgi_data, get, meta, page


def live(world: World, **want: object) -> list[WxArticle]:
    today = world.start_today
    return [a for a in world.agencies[0].wechat.articles if a.state(today) == "ok"
            and all(getattr(a, k) == v for k, v in want.items())]


def test_the_scenario_has_share_posts_and_real_weight_pages(world: World) -> None:
    acct = world.agencies[0].wechat
    assert acct is not None
    for year in range(2021, 2026):
        kinds = [a for a in acct.articles if a.ct.year == year and a.show_type]
        assert sorted(a.show_type for a in kinds) == [8, 8, 8, 10, 10, 10, 10], year
        assert all(len(a.push.articles) == 1 and a.layout == "current" for a in kinds)
        assert {a.own_title for a in kinds if a.show_type == 10} == {True, False}
    heavy = [a for a in acct.articles if a.real_weight]
    every = world.scenario["agencies"][0]["wechat"]["real_weight_every"]  # "about one current-layout article in N"
    expected = sum(a.layout == "current" for a in acct.articles) / every
    assert expected / 2 <= len(heavy) <= expected * 2 and all(a.layout == "current" for a in heavy)


@pytest.mark.parametrize("own_title", [True, False])
def test_text_post_keeps_its_text_in_cgi_data_only(world: World, own_title: bool) -> None:
    state = SimState(world)
    art = live(world, show_type=10, own_title=own_title, real_weight=False)[0]
    text = page(state, art)
    sel = Selector(text=text)
    content = sel.css("#js_content")
    assert len(sel.css("#js_article")) == 1 and len(content) == 1
    # #js_content is the account's header and stray separators, as on real text posts
    assert [t.strip() for t in content.css("::text").getall() if t.strip()] == [art.push.account.name, ",", ","]
    assert content.css("img.wx_follow_avatar")
    cgi = cgi_data(text)
    words = share_text(Current(world, art, state, False, False))
    assert cgi["item_show_type"] == 10 and cgi["content_noencode"] == words
    assert cgi["text_page_info"]["content_noencode"] == words and cgi["text_page_info"]["is_user_title"] == int(own_title)
    assert cgi["picture_page_info_list"] == []
    if own_title:
        assert cgi["title"] == art.title != words and "var msg_title" in text
    else:  # WeChat keeps the whole text as the title of a text post without one
        assert cgi["title"] == art.title == words and meta(sel, "og:title") == words and "var msg_title" not in text


def test_image_post_lists_its_pictures_in_cgi_data(world: World) -> None:
    state = SimState(world)
    art = live(world, show_type=8, real_weight=False)[0]
    text = page(state, art)
    cgi = cgi_data(text)
    assert cgi["item_show_type"] == 8 and art.pictures >= 2
    urls = [html.unescape(p["cdn_url"]) for p in cgi["picture_page_info_list"]]
    assert urls == picture_urls(Current(world, art, state, False, False)) and len(urls) == art.pictures
    assert all("\\x26amp;from=appmsg" in line for line in text.splitlines() if "cdn_url: JsDecode('https://mmbiz.qpic.cn/mmbiz_png" in line)
    assert cgi["content_noencode"] == cgi["desc"] != ""
    assert not Selector(text=text).css("#js_content img[data-src]")  # no picture in the markup


def test_real_weight_pages_weigh_what_real_pages_do_and_carry_traps_before_the_data(world: World) -> None:
    state = SimState(world)
    sizes = []
    for art in live(world, real_weight=True, show_type=0)[:6]:
        body = get(state, f"/s/{art.token}").body
        sizes.append(len(body))
        text = body.decode()
        scripts = Selector(text=text).css("script")
        assert len(scripts) >= 30 and len(Selector(text=text).css("style")) >= 1
        # a naive reader finds false values first: in a comment, a string and a template literal
        ct = str(int(art.ct.timestamp()))
        assert re.search(r'var ct = \\?"(\d+)', text).group(1) != ct
        assert text.index(f'var ct = "{ct}";') > text.index("946684800")
        assert text.index("陷阱：模板里的标题") < text.index("window.cgiDataNew = {\n")
        assert text.index("TRAPTRAPTRAPTRAPTRAP00") < text.index("window.short_link = '' || '';")
        assert cgi_data(text)["title"] == art.title
    assert all(2_000_000 <= n <= 4_000_000 for n in sizes), sizes
    assert len(set(sizes)) > 1  # sizes vary by article
    # the same world gives the same bytes
    art = live(world, real_weight=True, show_type=0)[0]
    assert get(state, f"/s/{art.token}").body == get(SimState(world), f"/s/{art.token}").body
