"""WeChat article pages (simulator/sites/wechat_pages.py) against the world they render."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from parsel import Selector

from crawler.parsing.wechat import parse_account
from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites.wechat_article_html import article_stats
from simulator.sites.wechat_pages import handle
from simulator.world import SHANGHAI, World, WxArticle

HOST = "mp.weixin.qq.com"
CREDS = "wap_sid2=CMjd1ab; pass_ticket=Zx9%2Bq"


def get(state: SimState, path: str, query: dict[str, str] | None = None, cookie: str = "",
        method: str = "GET", body: bytes = b"") -> SimResponse:
    headers = {"cookie": cookie} if cookie else {}
    req = SimRequest(method=method, host=HOST, path=path, query=dict(query or {}), headers=headers,
                     channel="wechat", body=body)
    resp = handle(req, state)
    assert resp is not None
    return resp


def page(state: SimState, art: WxArticle, cookie: str = "") -> str:
    resp = get(state, f"/s/{art.token}", cookie=cookie)
    assert resp.status == 200
    return resp.body.decode("utf-8")


def articles(world: World) -> list[WxArticle]:
    return world.agencies[0].wechat.articles


def pick(world: World, **want: object) -> WxArticle:
    today = world.start_today
    for art in articles(world):
        if art.state(today) != want.get("state", "ok"):
            continue
        if "layout" in want and art.layout != want["layout"]:
            continue
        if "original" in want and art.original != want["original"]:
            continue
        if "author" in want and bool(art.author) != want["author"]:
            continue
        if art.show_type != want.get("show_type", 0) or art.real_weight != want.get("real_weight", False):
            continue
        return art
    raise AssertionError(f"no article with {want}")


def js_unescape(s: str) -> str:
    return re.sub(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1) or m.group(2), 16)), s)


def js_var(text: str, pattern: str) -> str:
    """The HTML-decoded value of a JS string captured by `pattern` (one group)."""
    m = re.search(pattern, text)
    assert m, pattern
    return html.unescape(js_unescape(m.group(1)))


def cgi_data(text: str) -> dict:
    """window.cgiDataNew parsed the way the exporter does (JsDecode → string, 'N' * 1 → number)."""
    scripts = [c for c in Selector(text=text).css('script[type="text/javascript"][h5only]::text').getall()
               if "window.cgiDataNew = " in c]
    assert len(scripts) == 1
    code = scripts[0]
    expr = code[code.index("window.cgiDataNew = ") + len("window.cgiDataNew = "): code.rindex("}") + 1]
    expr = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', expr)
    expr = re.sub(r"JsDecode\('((?:[^'\\]|\\.)*)'\)", lambda m: json.dumps(js_unescape(m.group(1))), expr)
    expr = re.sub(r"'(-?\d+)' \* 1", r"\1", expr)
    expr = re.sub(r",(\s*[}\]])", r"\1", expr)
    return json.loads(expr)


def meta(sel: Selector, prop: str) -> str | None:
    return sel.xpath(f'//meta[@property="{prop}" or @name="{prop}"]/@content').get()


# ---------------------------------------------------------------- current layout


def test_current_page_has_every_field(world: World) -> None:
    state = SimState(world)
    art = pick(world, layout="current", original=True, author=True)
    acct = art.push.account
    text = page(state, art)
    sel = Selector(text=text)
    ct = int(art.ct.timestamp())
    local = art.ct.astimezone(SHANGHAI)

    assert meta(sel, "description") == art.digest and meta(sel, "og:description") == art.digest
    assert meta(sel, "author") == art.author and meta(sel, "og:article:author") == art.author
    assert meta(sel, "og:title") == art.title and meta(sel, "twitter:title") == art.title
    assert meta(sel, "og:url") == art.short_url
    assert meta(sel, "og:image") == art.cover and meta(sel, "twitter:image") == art.cover
    assert meta(sel, "og:site_name") == "微信公众平台" and meta(sel, "og:type") == "article"
    assert meta(sel, "twitter:card") == "summary"
    assert "<title></title>" in text
    assert len(sel.css("div#js_article.rich_media")) == 1
    for node in ("#js_top_ad_area", "#page-content", "#img-content", "#meta_content", "#js_ip_wording_wrp"):
        assert sel.css(node), node
    assert sel.css("#js_row_immersive_cover_img img::attr(src)").get() == art.cover
    assert sel.css("h1#activity-name::text").get().strip() == art.title
    assert sel.css("#copyright_logo::text").get() == "原创"
    assert sel.css("#meta_content span.rich_media_meta_text::text").get().strip() == art.author
    assert sel.css("#profileBt #js_name::text").get().strip() == acct.name
    assert sel.css("#publish_time::text").get() is None  # empty: filled by JS
    assert sel.css("#js_content::attr(style)").get() == "visibility: hidden; opacity: 0; "
    assert "js_profile_qrcode" not in text and "post-date" not in text

    # Body: the world's paragraphs, and lazy images with data-src only.
    paras = [p.strip() for p in sel.css("#js_content p span::text").getall()]
    assert paras == world.body_paragraphs("wechat", art.token, art.ct.year)
    imgs = sel.css("#js_content img")
    assert imgs
    for img in imgs:
        assert img.attrib.get("src") is None
        assert img.attrib["class"] == "rich_pages wxw-img"
        assert re.fullmatch(r"https://mmbiz\.qpic\.cn/mmbiz_jpg/[A-Za-z0-9]+/640\?wx_fmt=jpeg&from=appmsg",
                            img.attrib["data-src"])
    assert "640?wx_fmt=jpeg&amp;from=appmsg" in text

    # §1.3 variables, exact spellings.
    for line in (f'var biz = "{acct.biz}" || "";', f'var sn = "{art.sn}" || "" || "";',
                 f'var mid = "{art.mid}" || "" || "";', f'var idx = "{art.idx}" || "" || "";',
                 f'var mid = "" || "" || "{art.mid}";', f'var idx = "" || "" || "{art.idx}";',
                 f'var sn = "" || "" || "{art.sn}";', f'var appmsgid = "{art.mid}" || \'\' || \'\';',
                 f'var ct = "{ct}";', f'var create_time = "{ct}" * 1;', f"var oriCreateTime = '{ct}';",
                 f"var createTime = '{local:%Y-%m-%d %H:%M}';", f'var user_name = "{acct.user_name}";',
                 f'var appuin = "" || "{acct.biz}";', f'var msg_cdn_url = "{art.cover}";',
                 f'var msg_link = "{art.short_url}";', 'var copyright_stat = "1" * 1;', 'var _copyright_stat = "1";',
                 'var _ori_article_type = "";', 'var item_show_type = "0";', 'var real_item_show_type = "0";',
                 'var appmsg_type = "9";', 'var read_num = "" * 1;', 'var user_uin = "" * 1;', 'var itemidx = "" || "";'):
        assert line in text, line
    assert js_var(text, r"var msg_title = '([^']*)'\.html\(false\);") == art.title
    assert js_var(text, r'var msg_desc = htmlDecode\("([^"]*)"\);') == art.digest
    assert js_var(text, r'var nickname = htmlDecode\("([^"]*)"\);') == acct.name
    assert js_var(text, r'var author = "([^"]*)";') == art.author
    assert re.search(r"var comment_id = '\d{19}' \|\| '0';", text)
    assert re.search(r'var svr_time = "\d{10}" \* 1;', text)
    for var in ("cdn_url_1_1", "cdn_url_235_1", "round_head_img", "hd_head_img"):
        assert re.search(rf'var {var} = "https?://[^"]+";', text), var
    assert "msg_source_url = '';" in text

    cgi = cgi_data(text)
    assert cgi["base_resp"]["ret"] == 0
    assert (cgi["title"], cgi["desc"], cgi["author"], cgi["nick_name"]) == (art.title, art.digest, art.author, acct.name)
    assert (cgi["user_name"], cgi["bizuin"], cgi["mid"], cgi["idx"], cgi["sn"]) == (acct.user_name, acct.biz, art.mid,
                                                                                   art.idx, art.sn)
    assert cgi["create_time"] == f"{local:%Y-%m-%d %H:%M}" and cgi["ori_create_time"] == ct
    assert cgi["cdn_url"] == art.cover and cgi["link"] == art.short_url and cgi["source_url"] == ""
    assert cgi["type"] == 9 and cgi["total_item_num"] == 1 and cgi["item_show_type"] == 0
    assert cgi["copyright_info"] == {"copyright_stat": 1, "ori_article_type": ""}
    assert cgi["is_login"] == 0 and cgi["del_reason_id"] == "" and cgi["msg_daily_idx"] >= 1
    assert cgi["svr_time"] >= ct
    assert "user_info" not in cgi
    assert len(text) < 60_000


def test_original_logo_iff_copyright_stat_and_author_span_iff_author(world: World) -> None:
    state = SimState(world)
    sample = [a for a in articles(world) if a.ct.year == 2024 and a.state(state.today) == "ok" and a.show_type == 0][:60]
    assert {a.original for a in sample} == {True, False} and {bool(a.author) for a in sample} == {True, False}
    for art in sample:
        text = page(state, art)
        sel = Selector(text=text)
        assert bool(sel.css("#copyright_logo")) == art.original
        stat = "1" if art.original else "0"
        assert f'var copyright_stat = "{stat}" * 1;' in text and f'var _copyright_stat = "{stat}";' in text
        assert cgi_data(text)["copyright_info"]["copyright_stat"] == int(stat)
        assert bool(sel.css("#meta_content span.rich_media_meta_text")) == bool(art.author)
        assert meta(sel, "og:title") == art.title


def test_legacy_layout(world: World) -> None:
    state = SimState(world)
    art = pick(world, layout="legacy", author=True)
    acct = art.push.account
    text = page(state, art)
    sel = Selector(text=text)
    day = f"{art.ct.astimezone(SHANGHAI):%Y-%m-%d}"
    assert art.ct.year < 2021
    assert f'var publish_time = "{day}" || "";' in text
    assert sel.css("em#post-date.rich_media_meta.rich_media_meta_text::text").get() == day
    assert sel.css("#post-user::text").get() == acct.name
    assert sel.css("#js_profile_qrcode")
    assert f'var nickname = "{acct.name}";' in text and "htmlDecode" not in text
    assert len(sel.css("div#js_article")) == 1
    assert sel.css("#activity-name::text").get().strip() == art.title
    assert sel.css("title::text").get() == art.title
    for line in (f'var ct = "{int(art.ct.timestamp())}";', f'var biz = "{acct.biz}"||"";', f'"{art.sn}";',
                 f'var mid = "{art.mid}" ||', f'var idx = "{art.idx}" ||'):
        assert line in text, line
    assert js_var(text, r'var msg_title = "([^"]*)";') == art.title
    assert js_var(text, r'var msg_link = "([^"]*)";') == "http://" + art.long_url.split("://", 1)[1]
    assert "cgiDataNew" not in text and "h5only" not in text
    assert all(img.attrib.get("src") is None for img in sel.css("#js_content img"))
    assert sel.css("#js_content img::attr(data-src)").get().startswith("https://mmbiz.qpic.cn/mmbiz_jpg/")
    assert sel.css("#js_content p span::text").getall() == world.body_paragraphs("wechat", art.token, art.ct.year)
    # Legacy pages carry no read counts, even for a client.
    assert "read_num" not in page(state, art, cookie=CREDS)


# ---------------------------------------------------------------- links and existence


def test_short_and_long_links_give_the_same_article(world: World) -> None:
    state = SimState(world)
    art = pick(world, layout="current")
    acct = art.push.account
    short = page(state, art)
    q = {"__biz": acct.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": art.sn, "chksm": "0123abcd",
         "scene": "27"}
    long = get(state, "/s", q)
    assert long.status == 200
    # Opened by its long link (as the real captures saved that way): og:url, msg_link and cgiDataNew.link
    # say the long link; the short one only in cgiDataNew.user_info.short_link and window.short_link.
    text = long.body.decode()
    sel = Selector(text=text)
    assert meta(sel, "og:url") == art.long_url and meta(Selector(text=short), "og:url") == art.short_url
    assert js_var(text, r'var msg_link = "([^"]*)"') == art.long_url
    cgi = cgi_data(text)
    assert cgi["link"] == html.escape(art.long_url) and cgi["user_info"]["short_link"] == art.short_url
    assert f"window.short_link = '{art.short_url}' || '';" in text
    assert "window.short_link = '' || '';" in short and "short_link: JsDecode" not in short
    assert cgi_data(short)["link"] == art.short_url
    # Everything else is the same page.
    changed = ("msg_link", "link: JsDecode", "og:url", "short_link", "user_info", "},")
    rest = [line for line in text.splitlines() if not any(c in line for c in changed)]
    assert set(rest) <= set(short.splitlines()) and len(rest) > 100
    # The long link as the world writes it parses to the same query.
    parsed = {k: v[0] for k, v in parse_qs(urlsplit(art.long_url).query).items()}
    assert get(state, "/s", parsed).body.decode() == text


@pytest.mark.parametrize("case", ["unknown token", "wrong sn", "bad mid", "no query", "unknown biz"])
def test_links_naming_no_article_give_the_parameter_error_page(world: World, case: str) -> None:
    state = SimState(world)
    art = pick(world)
    q = {"__biz": art.push.account.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": art.sn}
    path = "/s"
    if case == "unknown token":
        path, q = "/s/AAAAAAAAAAAAAAAAAAAAAA", {}
    elif case == "wrong sn":
        q["sn"] = "0" * 32
    elif case == "bad mid":
        q["mid"] = "x"
    elif case == "no query":
        q = {}
    else:
        q["__biz"] = "MTIzNDU2Nzg5MA=="
    resp = get(state, path, q)
    text = resp.body.decode()
    assert resp.status == 200
    assert "js_article" not in text and '<div class="mesg-block"><p>参数错误</p>' in text


def test_future_articles_do_not_exist_yet(world: World) -> None:
    state = SimState(world)
    art = next(a for a in articles(world) if a.state(state.today) is None)
    q = {"__biz": art.push.account.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": art.sn}
    for resp in (get(state, f"/s/{art.token}"), get(state, "/s", q)):
        assert resp.status == 200 and "js_article" not in resp.body.decode()
    state.today = art.ct.date() + timedelta(days=1)
    assert Selector(text=page(state, art)).css("h1#activity-name::text").get().strip() == art.title


# ---------------------------------------------------------------- non-article states


def test_deleted_violation_and_unavailable_pages(world: World) -> None:
    state = SimState(world)
    by_state: dict[str, list[WxArticle]] = {}
    for art in articles(world):
        st = art.state(state.today)
        if st in ("deleted", "violation", "unavailable"):
            by_state.setdefault(st, []).append(art)
    assert {k: len(v) for k, v in by_state.items()} == {"deleted": 3, "violation": 1, "unavailable": 1}
    assert all(a.ct.year == 2024 for arts in by_state.values() for a in arts)

    for art in by_state["deleted"]:
        text = page(state, art)
        sel = Selector(text=text)
        assert not sel.css("#js_article") and len(sel.css(".weui-msg")) == 1
        assert sel.css(".weui-msg .weui-msg__title::text").get().strip() == "该内容已被发布者删除"
        assert "var biz = '' || '';" in text and "var mid = '' || '' || '';" in text
        assert "var idx = '' || '' || '' ;" in text and "var sn = '' || '';" in text
        assert art.title not in text and art.sn not in text

    art = by_state["violation"][0]
    text = page(state, art)
    sel = Selector(text=text)
    assert not sel.css("#js_article") and len(sel.css(".weui-msg")) == 1
    assert sel.css(".weui-msg .weui-msg__title::text").get().strip() == "此内容因违规无法查看"
    assert sel.css(".weui-msg__desc p.tips a::attr(href)").get().startswith(
        "http://mp.weixin.qq.com/mp/opshowpage?action=oplaw&id=")
    assert sel.css("#js_feedback::text").get() == "我要反馈"
    assert re.search(r"del_reason_id: '(10001|20004)'", text)
    assert page(state, art) == text  # the reason is fixed per article

    art = by_state["unavailable"][0]
    text = page(state, art)
    sel = Selector(text=text)
    assert len(text.encode()) < 1024
    assert sel.css("title::text").get() == "该内容暂时无法查看"
    assert sel.css("div.panel > div.mesg-block p::text").get() == "该内容暂时无法查看"
    assert not sel.css("#js_article") and not sel.css(".weui-msg")

    # Before the deletion day the same article is live.
    state.today = by_state["deleted"][0].states[0][0] - timedelta(days=1)
    assert Selector(text=page(state, by_state["deleted"][0])).css("#js_article")


# ---------------------------------------------------------------- read counts


def test_read_counts_only_with_client_credentials(world: World) -> None:
    state = SimState(world)
    art = pick(world, layout="current")
    stats = article_stats(world, art)
    assert stats["read_num"] == art.read_num

    for cookie in ("", "wap_sid2=abc", "pass_ticket=abc", "wap_sid2=; pass_ticket=x", "foo=bar"):
        text = page(state, art, cookie=cookie)
        assert 'var read_num = "" * 1;' in text, cookie
        assert "user_info" not in cgi_data(text) and "appmsg_bar_data" not in text

    text = page(state, art, cookie=CREDS)
    assert f'var read_num = "{art.read_num}" * 1;' in text
    cgi = cgi_data(text)
    assert cgi["is_login"] == 1
    assert cgi["user_info"]["appmsg_bar_data"] == stats
    assert set(stats) == {"read_num", "old_like_count", "share_count", "like_count", "comment_count"}


def test_getappmsgext(world: World) -> None:
    state = SimState(world)
    art = pick(world, layout="current")
    acct = art.push.account
    form = (f"__biz={acct.biz}&mid={art.mid}&sn={art.sn}&idx={art.idx}&appmsg_type=9&is_only_read=1"
            "&is_need_ad=0").encode()
    creds = {"uin": "MTIzNDU2", "key": "k3y", "pass_ticket": "pt"}

    def ext(body: bytes, query: dict[str, str] | None = None, cookie: str = "") -> dict:
        resp = get(state, "/mp/getappmsgext", query, cookie=cookie, method="POST", body=body)
        assert resp.status == 200 and resp.content_type.startswith("application/json")
        return json.loads(resp.body)

    assert ext(form) == {"base_resp": {"ret": -3, "errmsg": "no session", "cookie_count": 0}}
    assert ext(form, {"uin": "x", "key": "y"})["base_resp"]["ret"] == -3

    stats = article_stats(world, art)
    for query, cookie in ((creds, ""), ({}, "uin=MTIzNDU2; key=k3y; pass_ticket=pt"),
                          ({"appmsg_token": "1234_abc"}, CREDS)):
        data = ext(form, query, cookie)
        assert data["base_resp"]["ret"] == 0
        st = data["appmsgstat"]
        assert st["show"] is True
        assert (st["read_num"], st["like_num"], st["old_like_num"]) == (
            art.read_num, stats["like_count"], stats["old_like_count"])

    # The page a client sees and getappmsgext agree.
    cgi = cgi_data(page(state, art, cookie=CREDS))
    assert cgi["user_info"]["appmsg_bar_data"]["read_num"] == ext(form, creds)["appmsgstat"]["read_num"]

    deleted = pick(world, state="deleted")
    body = f"__biz={acct.biz}&mid={deleted.mid}&sn={deleted.sn}&idx={deleted.idx}&appmsg_type=9&is_only_read=1"
    data = ext(body.encode(), creds)
    assert data["appmsgstat"]["show"] is False and "read_num" not in data["appmsgstat"]
    assert data["base_resp"]["ret"] == 0

    wrong = f"__biz={acct.biz}&mid={art.mid}&sn={'f' * 32}&idx={art.idx}&appmsg_type=9&is_only_read=1"
    assert ext(wrong.encode(), creds)["base_resp"]["ret"] == -2


# ---------------------------------------------------------------- verification wall


def test_verification_wall_after_n_fetches(world: World) -> None:
    state = SimState(world, faults=[{"kind": "verify_wall", "after": 3}])
    art = pick(world, layout="current")
    for _ in range(3):
        assert get(state, f"/s/{art.token}").status == 200
    # Every /s request counts, even one that names no article.
    resp = get(state, "/s/AAAAAAAAAAAAAAAAAAAAAA")
    assert resp.status == 302
    resp = get(state, f"/s/{art.token}")
    assert resp.status == 302
    loc = urlsplit(resp.headers["Location"])
    assert (loc.scheme, loc.netloc, loc.path) == ("https", HOST, "/mp/wappoc_appmsgcaptcha")
    q = {k: v[0] for k, v in parse_qs(loc.query).items()}
    assert q["target_url"] == art.short_url
    assert re.fullmatch(r"[0-9a-f]{32}", q["poc_token"])
    assert "wappoc_appmsgcaptcha?poc_token=" in resp.headers["Location"]
    assert "target_url=https%3A%2F%2Fmp.weixin.qq.com%2Fs%2F" in resp.headers["Location"]
    # The same URL gets the same token (deterministic), the long link its own target.
    assert get(state, f"/s/{art.token}").headers["Location"] == resp.headers["Location"]
    lq = {"__biz": art.push.account.biz, "mid": str(art.mid), "idx": str(art.idx), "sn": art.sn}
    long_loc = urlsplit(get(state, "/s", lq).headers["Location"])
    assert parse_qs(long_loc.query)["target_url"][0].startswith(f"https://{HOST}/s?__biz={art.push.account.biz}&mid=")

    captcha = get(state, "/mp/wappoc_appmsgcaptcha", q)
    text = captcha.body.decode()
    assert captcha.status == 200
    assert "<h2>环境异常</h2><p>当前环境异常，完成验证后即可继续访问。</p>" in text
    assert re.search(r"<a [^>]*>去验证</a>", text)
    assert "js_article" not in text


def test_no_wall_without_the_fault(world: World) -> None:
    state = SimState(world)
    art = pick(world)
    assert all(get(state, f"/s/{art.token}").status == 200 for _ in range(20))


# ---------------------------------------------------------------- aboutbiz


def test_aboutbiz_identifies_the_owner(world: World) -> None:
    state = SimState(world)
    acct = world.agencies[0].wechat
    resp = get(state, "/mp/aboutbiz", {"__biz": acct.biz})
    sel = Selector(text=resp.body.decode())
    page = parse_account(resp.body.decode())  # the real pages' markup, read by the crawler's parser
    assert page.intro and page.alias == acct.user_name and page.subject_type == "其他组织"
    assert page.subject == "开平市教育局" == world.agency_by_id[acct.agency_id].name
    assert page.services == ["秀米", "壹伴"]
    assert sel.css(".item-info a::attr(href)").get() == (
        f"https://mp.weixin.qq.com/mp/getverifyinfo?__biz={acct.biz}#wechat_redirect")
    assert sel.css("#js_login_ip")
    assert "参数错误" in get(state, "/mp/aboutbiz", {"__biz": "MTIz"}).body.decode()


def test_other_paths_are_not_mine(world: World) -> None:
    state = SimState(world)
    for path in ("/cgi-bin/appmsgpublish", "/mp/profile_ext", "/", "/sx", "/web/mp/articles"):
        assert handle(SimRequest("GET", HOST, path, {}, {}), state) is None


# ---------------------------------------------------------------- determinism and escaping


def test_same_seed_same_bytes() -> None:
    a_world, b_world = World(load("kaiping-2024")), World(load("kaiping-2024"))
    a_state, b_state = SimState(a_world), SimState(b_world)
    for wanted in ({"layout": "current"}, {"layout": "legacy"}, {"state": "deleted"}, {"state": "violation"},
                   {"state": "unavailable"}):
        a, b = pick(a_world, **wanted), pick(b_world, **wanted)
        assert a.token == b.token
        assert page(a_state, a) == page(b_state, b)
        assert page(a_state, a, CREDS) == page(b_state, b, CREDS)
    acct = a_world.agencies[0].wechat
    assert get(a_state, "/mp/aboutbiz", {"__biz": acct.biz}).body == get(b_state, "/mp/aboutbiz", {"__biz": acct.biz}).body


@pytest.mark.parametrize("layout", ["current", "legacy"])
def test_hostile_title_cannot_break_script_or_markup(layout: str) -> None:
    world = World(load("kaiping-2024"))
    state = SimState(world)
    art = pick(world, layout=layout, author=True)
    art.title = 'He said "hi" & \'bye\' </script><script>alert(1)</script><b>x</b> \\ end'
    art.digest = "摘要</script><img src=x onerror=alert(2)>\"'"
    art.author = 'O\'Brien "&" <i>'
    text = page(state, art, cookie=CREDS)
    normal = page(state, pick(world, layout=layout, author=True))

    assert "<script>alert(1)" not in text and "<img src=x" not in text and "<b>x</b>" not in text
    assert text.count("<script") == text.count("</script>") == normal.count("<script")
    sel = Selector(text=text)
    assert sel.css("#activity-name::text").get().strip() == art.title
    assert sel.css("#js_content img::attr(src)").get() is None
    if layout == "current":
        assert meta(sel, "og:title") == art.title and meta(sel, "description") == art.digest
        assert meta(sel, "author") == art.author
        assert sel.css("#meta_content span.rich_media_meta_text::text").get().strip() == art.author
        assert js_var(text, r"var msg_title = '([^']*)'\.html\(false\);") == art.title
        assert js_var(text, r'var msg_desc = htmlDecode\("([^"]*)"\);') == art.digest
        assert js_var(text, r'var author = "([^"]*)";') == art.author
        cgi = cgi_data(text)
        assert (cgi["title"], cgi["desc"], cgi["author"]) == (art.title, art.digest, art.author)
    else:
        assert sel.css("title::text").get() == art.title
        assert js_var(text, r'var msg_title = "([^"]*)";') == art.title
        assert js_var(text, r'var msg_desc = "([^"]*)";') == art.digest
