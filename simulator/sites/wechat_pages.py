"""WeChat article pages on mp.weixin.qq.com (reference wechat.md §1, §3, §4.3).

Paths served (the listers under /cgi-bin/ and /mp/profile_ext live in wechat_listers.py):
- `/s/<token>` (short link) and `/s?__biz=&mid=&idx=&sn=` (long link; chksm, scene, #rd ignored).
  Live articles render in the "current" (2025) or "legacy" (2018) layout; deleted, violation and
  unavailable articles get their message pages; unknown tokens, a wrong sn and articles not yet
  published on the scenario day get the small 「参数错误」 page. All with status 200.
- `POST /mp/getappmsgext`: read/like counts for one article, only with client credentials.
- `/mp/wappoc_appmsgcaptcha`: the verification wall that `/s` redirects to under the
  `verify_wall` fault (after `after` article fetches, counted on every `/s` request).
- `/mp/aboutbiz?__biz=`: the account identity page.

Encoding of values in scripts (real pages do both; parsers must undo both layers):
- plain JS strings (`var msg_title = '…'.html(false)`, `htmlDecode("…")`, `var author = "…"`,
  `var msg_link = "…"`) hold the HTML-escaped text (`&amp; &lt; &gt; &quot; &#39;`) with
  `\\ ' " < > &` and line breaks written as `\\xNN`, so `&` shows up as `\\x26amp;` as in real
  msg_link values; `JsDecode('…')` in cgiDataNew holds the raw text with the same `\\xNN`
  escapes and no HTML layer. Neither form can contain `<`, so no value can close a script.

Guesses where the reference is silent [unc]:
- The parameter-error page (unknown token, wrong sn, future article) reuses the small
  `div.panel > div.mesg-block` form of the unavailable page with the text 参数错误.
- `svr_time`/`svrDate` (server "now") is the last second of the scenario day, so it never
  precedes a publication (the scenario clock has day resolution).
- Legacy pages keep `<title>` filled, carry no og:/twitter: meta (as 2016–2018 pages), an
  `h2#activity-name`, and no read counts even with credentials (2018 pages got them from
  getappmsgext); `msg_link` there is the long http link.
- Like/share/comment counts are derived from the seed and the article's read_num; getappmsgext
  answers `ret -2 invalid args` for an unknown article or wrong sn, `appmsgstat.show false` for a
  deleted/violating/unavailable article or an account without read counts; credentials are
  uin+key+pass_ticket (query or cookie) or appmsg_token (query) + wap_sid2 cookie.
- Violation reasons: two fixed variants chosen per article from the seed (del_reason_id 10001
  「过度营销、骚扰用户」, rule 26; 20004 「违反相关法律法规和政策」, rule 1).
- aboutbiz markup (`div.item-info > .item-info__label + .item-info__desc`) is our choice; 微信号
  is the scenario's `wechat.alias`, else the gh_ user name.
"""

from __future__ import annotations

import base64
import re
import weakref
from datetime import datetime, time
from typing import Any
from urllib.parse import parse_qsl, quote

from ..http import SimRequest, SimResponse, SimState
from ..world import SHANGHAI, World, WxAccount, WxArticle, hexdigest, rng_for

HOST = "mp.weixin.qq.com"
CAPTCHA_PATH = "/mp/wappoc_appmsgcaptcha"
ARTICLE_COUNTER = "wechat_article"

_TOKEN = re.compile(r"^/s/([A-Za-z0-9_-]{1,64})/?$")

# (del_reason_id, tip before the rule link, rule id)
VIOLATION_REASONS = (
    ("10001", "由用户投诉并经平台审核，涉嫌过度营销、骚扰用户，查看", "26"),
    ("20004", "经用户投诉并经平台审核，该内容违反相关法律法规和政策，查看", "1"),
)


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """Serve an article page, getappmsgext, the captcha wall or aboutbiz; None for other paths."""
    path = req.path
    if path == "/s" or path.startswith("/s/"):
        return _article(req, state)
    if path == "/mp/getappmsgext":
        return _getappmsgext(req, state)
    if path == CAPTCHA_PATH:
        return SimResponse.html(captcha_page(req.query.get("poc_token", ""), req.query.get("target_url", "")))
    if path == "/mp/aboutbiz":
        return _aboutbiz(req, state)
    return None


# ---------------------------------------------------------------- /s


def _article(req: SimRequest, state: SimState) -> SimResponse:
    world = state.world
    fetches = state.count(ARTICLE_COUNTER)
    wall = state.active("verify_wall", req)
    if wall is not None and fetches > wall.after:
        target = requested_url(req)
        token = hexdigest(world.seed, "poc_token", target)
        loc = f"https://{HOST}{CAPTCHA_PATH}?poc_token={token}&target_url={quote(target, safe='')}"
        body = f'<html><body>Redirecting to <a href="{_h(loc)}">{_h(loc)}</a></body></html>'
        return SimResponse.html(body, status=302, headers={"Location": loc})
    art = find_article(req, world)
    status = art.state(state.today) if art is not None else None
    if art is None or status is None:
        return SimResponse.html(message_page("参数错误"))
    if status == "deleted":
        return SimResponse.html(deleted_page())
    if status == "violation":
        return SimResponse.html(violation_page(world, art))
    if status == "unavailable":
        return SimResponse.html(message_page("该内容暂时无法查看"))
    creds = has_client_credentials(req)
    if art.layout == "legacy":
        return SimResponse.html(render_legacy(world, art, state))
    return SimResponse.html(render_current(world, art, state, with_stats=creds and art.push.account.read_counts))


def requested_url(req: SimRequest) -> str:
    """The article URL as the client asked for it (https, query in the client's order)."""
    q = "&".join(f"{k}={v}" for k, v in req.query.items())
    return f"https://{HOST}{req.path}" + (f"?{q}" if q else "")


def find_article(req: SimRequest, world: World) -> WxArticle | None:
    """The article a short or long link names (any publication state), or None."""
    m = _TOKEN.match(req.path)
    if m:
        return world.wx_by_token.get(m.group(1))
    if req.path != "/s":
        return None
    return _by_key(world, req.query)


def _by_key(world: World, fields: dict[str, str]) -> WxArticle | None:
    try:
        key = (fields.get("__biz", ""), int(fields.get("mid", "")), int(fields.get("idx", "")))
    except ValueError:
        return None
    art = world.wx_by_key.get(key)
    if art is None or fields.get("sn", "") != art.sn:
        return None
    return art


# ---------------------------------------------------------------- credentials and counts


def cookies(req: SimRequest) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in req.header("cookie").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in out:
            out[name] = value.strip()
    return out


def has_client_credentials(req: SimRequest) -> bool:
    """A WeChat-client cookie: both wap_sid2 and pass_ticket with non-empty values (§3 a)."""
    c = cookies(req)
    return bool(c.get("wap_sid2")) and bool(c.get("pass_ticket"))


def _ext_credentials(req: SimRequest) -> bool:
    c = cookies(req)

    def get(name: str) -> str:
        return req.query.get(name) or c.get(name) or ""

    if get("uin") and get("key") and get("pass_ticket"):
        return True
    return bool(req.query.get("appmsg_token")) and bool(c.get("wap_sid2"))


def article_stats(world: World, art: WxArticle) -> dict[str, int]:
    """Today's counters of an article: read_num is the world's; the rest derive from it."""
    rng = rng_for(world.seed, "wx-stats", art.push.account.biz, art.mid, art.idx)
    reads = art.read_num
    return {
        "read_num": reads,
        "old_like_count": int(reads * rng.uniform(0.004, 0.03)),
        "share_count": int(reads * rng.uniform(0.01, 0.06)),
        "like_count": int(reads * rng.uniform(0.001, 0.012)),
        "comment_count": rng.choice([0, 0, 0, 0, 1, 2, 3]),
    }


def _getappmsgext(req: SimRequest, state: SimState) -> SimResponse:
    if not _ext_credentials(req):
        return SimResponse.json({"base_resp": {"ret": -3, "errmsg": "no session", "cookie_count": 0}})
    form = dict(req.query)
    form.update(dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)))
    art = _by_key(state.world, form)
    status = art.state(state.today) if art is not None else None
    if art is None or status is None:
        return SimResponse.json({"base_resp": {"ret": -2, "errmsg": "invalid args"}})
    ok = {"ret": 0, "errmsg": "ok", "wxtoken": 777}
    if status != "ok" or not art.push.account.read_counts:
        return SimResponse.json({"advertisement_num": 0, "advertisement_info": [],
                                 "appmsgstat": {"show": False, "is_login": True}, "base_resp": ok})
    s = article_stats(state.world, art)
    acct = art.push.account
    return SimResponse.json({
        "advertisement_num": 0, "advertisement_info": [],
        "appmsgstat": {"show": True, "is_login": True, "liked": False, "read_num": s["read_num"],
                       "like_num": s["like_count"], "ret": 0, "real_read_num": 0, "version": 1, "prompted": 1,
                       "like_disabled": False, "style": 1, "video_pv": 0, "video_uv": 0, "friend_like_num": 0,
                       "old_like_num": s["old_like_count"], "share_num": s["share_count"]},
        "comment_enabled": 1, "reward_head_imgs": [], "only_fans_can_comment": False,
        "comment_count": s["comment_count"], "is_fans": 1, "nick_name": acct.name,
        "logo_url": _account_images(world=state.world, acct=acct)[0], "friend_comment_enabled": 1,
        "base_resp": ok,
    })


# ---------------------------------------------------------------- escaping

_JS_ESC = str.maketrans({"\\": "\\x5c", "'": "\\x27", '"': "\\x22", "<": "\\x3c", ">": "\\x3e", "&": "\\x26",
                         "\n": "\\x0a", "\r": "\\x0d", "\u2028": "\\u2028", "\u2029": "\\u2029"})
_HTML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def _h(text: str) -> str:
    """HTML text or attribute value (the entity set WeChat's String.prototype.html decodes)."""
    return text.translate(_HTML_ESC)


def _js(text: str) -> str:
    """HTML-escaped text inside a JS string literal (either quote)."""
    return _h(text).translate(_JS_ESC)


def _jsd(text: str) -> str:
    """Raw text inside JsDecode('…')."""
    return text.translate(_JS_ESC)


# ---------------------------------------------------------------- derived per-world values

_DAILY_IDX: weakref.WeakKeyDictionary[World, dict[tuple[str, int], int]] = weakref.WeakKeyDictionary()


def _daily_idx(world: World, art: WxArticle) -> int:
    """The push's number among the account's pushes of that day (msg_daily_idx)."""
    table = _DAILY_IDX.get(world)
    if table is None:
        table = {}
        for agency in world.agencies:
            if agency.wechat is None:
                continue
            per_day: dict[Any, int] = {}
            for push in agency.wechat.pushes:  # oldest first
                day = push.sent.date()
                per_day[day] = per_day.get(day, 0) + 1
                table[(agency.wechat.biz, push.mid)] = per_day[day]
        _DAILY_IDX[world] = table
    return table.get((art.push.account.biz, art.mid), 1)


def _img_id(world: World, *parts: Any) -> str:
    """An mmbiz-style image id (base64-ish letters, as in real qpic paths)."""
    raw = base64.b64encode(bytes.fromhex(hexdigest(world.seed, "img", *parts, n=96))).decode()
    return raw.rstrip("=").replace("+", "ib").replace("/", "ic")


def _account_images(world: World, acct: WxAccount) -> tuple[str, str]:
    """(round_head_img, hd_head_img) of an account."""
    return (f"http://mmbiz.qpic.cn/mmbiz_png/{_img_id(world, 'head', acct.bizuin)}/0?wx_fmt=png",
            f"http://wx.qlogo.cn/mmhead/{_img_id(world, 'hd', acct.bizuin)[:54]}/0")


def _nonce(world: World, art: WxArticle) -> str:
    return str(int(hexdigest(world.seed, "nonce", art.token, n=8), 16) % 10**9)


def _comment_id(world: World, art: WxArticle) -> str:
    return str(3 * 10**18 + int(hexdigest(world.seed, "comment_id", art.token, n=15), 16) % 10**18)


def _svr_time(state: SimState) -> int:
    return int(datetime.combine(state.today, time(23, 59, 59), SHANGHAI).timestamp())


def _unix(art: WxArticle) -> int:
    return int(art.ct.timestamp())


def _local(art: WxArticle, fmt: str) -> str:
    return art.ct.astimezone(SHANGHAI).strftime(fmt)


# ---------------------------------------------------------------- article body


def body_html(world: World, art: WxArticle, legacy: bool = False) -> str:
    """The inner HTML of #js_content: the article's paragraphs with lazy images (data-src only)."""
    paras = world.body_paragraphs("wechat", art.token, art.ct.year)
    rng = rng_for(world.seed, "wx-body", art.token)
    n_img = min(len(paras), rng.randint(1, 3))
    after = set(rng.sample(range(len(paras)), n_img))
    out = []
    k = 0
    for i, para in enumerate(paras):
        if legacy:
            out.append(f'<p style="line-height: 24px;"><span style="font-size: 15px;">{_h(para)}</span></p>')
        else:
            out.append(f'<p style="text-indent: 2em;margin-bottom: 0px;line-height: 1.75em;">'
                       f'<span style="font-size: 15px;" leaf="">{_h(para)}</span></p>')
        if i not in after:
            continue
        k += 1
        img = _img_id(world, "body", art.token, k)
        ratio = rng.choice(["0.5625", "0.6666666666666666", "0.675", "0.75", "1.3333333333333333"])
        if legacy:
            out.append(f'<p style="text-align: center;"><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/{img}/640?wx_fmt=jpeg"'
                       f' data-ratio="{ratio}" data-type="jpeg" data-w="1080" style=""  /></p>')
        else:
            out.append(f'<section style="text-align: center;margin-bottom: 0px;" nodeleaf="">'
                       f'<img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/{img}/640?wx_fmt=jpeg&amp;from=appmsg"'
                       f' class="rich_pages wxw-img" data-ratio="{ratio}" data-s="300,640" data-type="jpeg"'
                       f' data-w="1080" data-imgfileid="{100000000 + int(hexdigest(world.seed, "fid", img, n=6), 16)}"'
                       f' style="width: 100%;height: auto;" alt="图片"></section>')
    return "\n".join(out)


# ---------------------------------------------------------------- current layout (2025)


def render_current(world: World, art: WxArticle, state: SimState, with_stats: bool = False) -> str:
    """A live article in the 2025 layout (§1.2, §1.3); read counts only `with_stats`."""
    acct = art.push.account
    nonce = _nonce(world, art)
    title, digest, author, nick = art.title, art.digest, art.author, acct.name
    cover = art.cover
    cover_1_1 = cover.replace("/0?", "/300?")
    short = art.short_url
    ct, svr = _unix(art), _svr_time(state)
    created = _local(art, "%Y-%m-%d %H:%M")
    stat = "1" if art.original else "0"
    head_img, hd_img = _account_images(world, acct)
    comment_id = _comment_id(world, art)
    daily = _daily_idx(world, art)
    stats = article_stats(world, art) if with_stats else None
    login = "1" if with_stats else "0"
    read_num = str(stats["read_num"]) if stats else ""
    req_id = hexdigest(world.seed, "req_id", art.token, n=24)
    logo = ('<span id="copyright_logo" class="wx_tap_link js_wx_tap_highlight rich_media_meta icon_appmsg_tag '
            'appmsg_title_tag weui-wa-hotarea">原创</span>\n') if art.original else ""
    author_span = (f'<span class="rich_media_meta rich_media_meta_text">\n{_h(author)}\n</span>\n') if author else ""
    user_info = ""
    if stats:
        user_info = ("    user_info: {\n      appmsg_bar_data: {\n"
                     f"        read_num: '{stats['read_num']}' * 1,\n"
                     f"        old_like_count: '{stats['old_like_count']}' * 1,\n"
                     f"        share_count: '{stats['share_count']}' * 1,\n"
                     f"        like_count: '{stats['like_count']}' * 1,\n"
                     f"        comment_count: '{stats['comment_count']}' * 1\n"
                     "      }\n    },\n")
    return f"""<!DOCTYPE html>
<html class="">
<head>
<meta name="wechat-enable-text-zoom-em" content="true">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="color-scheme" content="light dark">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
<link rel="shortcut icon" type="image/x-icon" href="//res.wx.qq.com/a/wx_fed/assets/res/NTI4MWU5.ico" reportloaderror>
<meta name="referrer" content="origin-when-cross-origin">
<meta name="referrer" content="strict-origin-when-cross-origin">
<script type="text/javascript" nonce="{nonce}" reportloaderror>
window.logs = {{ pagetime: {{}} }};
window.logs.pagetime['html_begin'] = (+new Date());
window.LANG = "zh_CN";
String.prototype.html = function (encode) {{
  var replace = ["&#39;", "'", "&quot;", '"', "&nbsp;", " ", "&gt;", ">", "&lt;", "<", "&yen;", "¥", "&amp;", "&"];
  if (encode) {{ replace.reverse(); }}
  for (var i = 0, str = this; i < replace.length; i += 2) {{ str = str.replace(new RegExp(replace[i], 'g'), replace[i + 1]); }}
  return str;
}};
function htmlDecode(str) {{ return String(str).html(false); }}
</script>
<meta name="description" content="{_h(digest)}" />
<meta name="author" content="{_h(author)}" />
<meta property="og:title" content="{_h(title)}" />
<meta property="og:url" content="{short}" />
<meta property="og:image" content="{cover}" />
<meta property="og:description" content="{_h(digest)}" />
<meta property="og:site_name" content="微信公众平台" />
<meta property="og:type" content="article" />
<meta property="og:article:author" content="{_h(author)}" />
<meta property="twitter:card" content="summary" />
<meta property="twitter:image" content="{cover}" />
<meta property="twitter:title" content="{_h(title)}" />
<meta property="twitter:creator" content="{_h(author or nick)}" />
<meta property="twitter:site" content="微信公众平台" />
<meta property="twitter:description" content="{_h(digest)}" />
<title></title>
<link rel="stylesheet" href="//res.wx.qq.com/mmbizappmsg/zh_CN/htmledition/js/assets/appmsg.{hexdigest(world.seed, 'css', n=8)}.css">
</head>
<body id="activity-detail" class="zh_CN wx_wap_page wx_wap_desktop_fontsize_2 mm_appmsg comment_feature discuss_tab appmsg_skin_default appmsg_style_default pages_skin_pc not_in_mm">
<div id="js_article" class="rich_media">
<div id="js_top_ad_area" class="top_banner"></div>
<div id="js_row_immersive_stream_wrap" class="wx_row_immersive_stream_wrap">
<div id="js_row_immersive_cover_img" class="wx_row_immersive_cover_img"><img src="{cover}" alt="cover_image"></div>
</div>
<div class="rich_media_inner">
<div id="page-content" class="rich_media_area_primary">
<div class="rich_media_area_primary_inner">
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title " id="activity-name">
{_h(title)}
</h1>
<div id="meta_content" class="rich_media_meta_list">
{logo}{author_span}<span class="rich_media_meta rich_media_meta_nickname" id="profileBt">
<a href="javascript:void(0);" class="wx_tap_link js_wx_tap_highlight weui-wa-hotarea" id="js_name">
{_h(nick)}
</a>
</span>
<span id="meta_content_hide_info">
<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>
<em id="js_ip_wording_wrp" class="rich_media_meta rich_media_meta_text" style="display: none;">&nbsp;<span id="js_ip_wording"></span></em>
</span>
</div>
<div class="rich_media_content js_underline_content autoTypeSetting24psection" id="js_content" style="visibility: hidden; opacity: 0; ">
{body_html(world, art)}
</div>
<script type="text/javascript" nonce="{nonce}" reportloaderror>
var first_sceen__time = (+new Date());
</script>
<div id="js_tags_preview_toast" class="article-tag__error-tips" style="display: none;"></div>
<div id="content_bottom_area" class="rich_media_tool_area">
<div id="js_read_area3" class="media_tool_meta tips_global_primary meta_primary" style="display:none;">阅读 <span id="readNum3"></span></div>
</div>
</div>
</div>
</div>
</div>
<div id="js_pc_qr_code" class="qr_code_pc_outer" style="display:none;"><div class="qr_code_pc_inner"><div class="qr_code_pc"><img id="js_pc_qr_code_img" class="qr_code_pc_img" alt=""><p>微信扫一扫<br>关注该公众号</p></div></div></div>
</div>
<script type="text/javascript" nonce="{nonce}" reportloaderror>
var oriCreateTime = '{ct}';
var createTime = '{created}';
var svrDate = '{svr}';
function __setPubTime(oriTimestamp, dom) {{
  var d = new Date(oriTimestamp * 1000);
  var pad = function (n) {{ return ('0' + n).slice(-2); }};
  var showDate = d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  if (dom) {{ dom.textContent = showDate; }}
}}
__setPubTime(oriCreateTime * 1, document.getElementById('publish_time'));
</script>
<script type="text/javascript" nonce="{nonce}" reportloaderror>
var appuin = "" || "{acct.biz}";
var biz = "{acct.biz}" || "";
var sn = "{art.sn}" || "" || "";
var mid = "{art.mid}" || "" || "";
var idx = "{art.idx}" || "" || "";
var appmsgid = "{art.mid}" || '' || '';
var itemidx = "" || "";
var source = "";
var scene = 75;
var _copyright_stat = "{stat}";
var _ori_article_type = "";
var nickname = htmlDecode("{_js(nick)}");
var appmsg_type = "9";
var ct = "{ct}";
var user_name = "{_js(acct.user_name)}";
var user_name_new = "";
var fakeid = "";
var version = "";
var is_limit_user = "0";
var round_head_img = "{head_img}";
var hd_head_img = "{hd_img}";
var msg_title = '{_js(title)}'.html(false);
var msg_desc = htmlDecode("{_js(digest)}");
var msg_cdn_url = "{cover}";
var cdn_url_1_1 = "{cover_1_1}";
var cdn_url_235_1 = "{cover}";
var msg_link = "{short}";
var user_uin = "" * 1;
var msg_source_url = '';
var img_format = 'jpeg';
var srcid = '';
var req_id = '{req_id}';
var networkType;
var author = "{_js(author)}";
var comment_id = '{comment_id}' || '0';
var msg_daily_idx = "{daily}" || "";
var copyright_stat = "{stat}" * 1;
var item_show_type = "0";
var real_item_show_type = "0";
var create_time = "{ct}" * 1;
var svr_time = "{svr}" * 1;
var read_num = "{read_num}" * 1;
window.wxtoken = "777";
window.is_login = '{login}' * 1;
</script>
<script type="text/javascript" nonce="{nonce}" reportloaderror>
var biz = "" || "{acct.biz}";
var mid = "" || "" || "{art.mid}";
var idx = "" || "" || "{art.idx}";
var sn = "" || "" || "{art.sn}";
window.__report_params = {{ biz: biz, mid: mid, idx: idx, sn: sn }};
</script>
<script type="text/javascript" h5only nonce="{nonce}">
var JsDecode = function (str) {{
  return String(str).replace(/\\\\x([0-9a-fA-F]{{2}})/g, function (m, hex) {{ return String.fromCharCode(parseInt(hex, 16)); }});
}};
window.cgiDataNew = {{
    base_resp: {{ ret: '0' * 1, errmsg: JsDecode('ok'), wxtoken: '777' * 1, sessionid: JsDecode('') }},
    user_name: JsDecode('{_jsd(acct.user_name)}'),
    nick_name: JsDecode('{_jsd(nick)}'),
    round_head_img: JsDecode('{_jsd(head_img)}'),
    title: JsDecode('{_jsd(title)}'),
    desc: JsDecode('{_jsd(digest)}'),
    content_noencode: JsDecode(''),
    create_time: JsDecode('{created}'),
    ori_create_time: '{ct}' * 1,
    svr_time: '{svr}' * 1,
    filter_time: '0' * 1,
    cdn_url: JsDecode('{_jsd(cover)}'),
    link: JsDecode('{_jsd(short)}'),
    source_url: JsDecode(''),
    alias: JsDecode(''),
    type: 9,
    author: JsDecode('{_jsd(author)}'),
    total_item_num: '1' * 1,
    comment_id: JsDecode('{comment_id}'),
    copyright_info: {{ copyright_stat: '{stat}' * 1, ori_article_type: JsDecode('') }},
    bizuin: JsDecode('{acct.biz}'),
    mid: '{art.mid}' * 1,
    idx: '{art.idx}' * 1,
    sn: JsDecode('{art.sn}'),
    msg_daily_idx: '{daily}' * 1,
    item_show_type: '0' * 1,
    is_login: '{login}' * 1,
    del_reason_id: JsDecode(''),
{user_info}}};
</script>
</body>
</html>
"""


# ---------------------------------------------------------------- legacy layout (2018)


def render_legacy(world: World, art: WxArticle, state: SimState) -> str:
    """A live article in the 2018 layout: server-rendered date, post-user, profile card, no cgiDataNew."""
    acct = art.push.account
    nonce = _nonce(world, art)
    title, digest, author, nick = art.title, art.digest, art.author, acct.name
    day = _local(art, "%Y-%m-%d")
    stat = "1" if art.original else "0"
    head_img, hd_img = _account_images(world, acct)
    link = "http://" + art.long_url.split("://", 1)[1]
    logo = '<span id="copyright_logo" class="rich_media_meta meta_original_tag">原创</span>\n' if art.original else ""
    author_em = f'<em class="rich_media_meta rich_media_meta_text">{_h(author)}</em>\n' if author else ""
    return f"""<!DOCTYPE html>
<!--headTrap<body></body><head></head><html></html>--><html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0" >
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-status-bar-style" content="black">
<meta name="format-detection" content="telephone=no">
<script nonce="{nonce}" type="text/javascript">
window.logs = {{ pagetime: {{}} }};
window.logs.pagetime['html_begin'] = (+new Date());
</script>
<script nonce="{nonce}" type="text/javascript">
var biz = "{acct.biz}"||"";
var sn = "" || ""|| "{art.sn}";
var mid = "{art.mid}" || ""|| "{art.mid}";
var idx = "{art.idx}" || "" || "{art.idx}";
window.__allowLoadResFromMp = true;
</script>
<link rel="dns-prefetch" href="//res.wx.qq.com">
<link rel="dns-prefetch" href="//mmbiz.qpic.cn">
<link rel="shortcut icon" type="image/x-icon" href="//res.wx.qq.com/mmbizwap/zh_CN/htmledition/images/icon/common/favicon22c41b.ico">
<title>{_h(title)}</title>
</head>
<body id="activity-detail" class="zh_CN mm_appmsg">
<div id="js_article" class="rich_media">
<div id="js_top_ad_area" class="top_banner"></div>
<div class="rich_media_inner">
<div id="page-content">
<div id="img-content" class="rich_media_area_primary">
<h2 class="rich_media_title" id="activity-name">
{_h(title)}
</h2>
<div id="meta_content" class="rich_media_meta_list">
{logo}<em id="post-date" class="rich_media_meta rich_media_meta_text">{day}</em>
{author_em}<a class="rich_media_meta rich_media_meta_link rich_media_meta_nickname" href="##" id="post-user">{_h(nick)}</a>
<span class="rich_media_meta rich_media_meta_text rich_media_meta_nickname">{_h(nick)}</span>
<div id="js_profile_qrcode" class="profile_container" style="display:none;">
<div class="profile_inner">
<strong class="profile_nickname">{_h(nick)}</strong>
<img class="profile_avatar" id="js_profile_qrcode_img" src="" alt="">
<p class="profile_meta"><label class="profile_meta_label">微信号</label><span class="profile_meta_value">{_h(_alias(world, acct))}</span></p>
<p class="profile_meta"><label class="profile_meta_label">功能介绍</label><span class="profile_meta_value">{_h(_intro(world, acct))}</span></p>
</div>
</div>
</div>
<div class="rich_media_content " id="js_content">
{body_html(world, art, legacy=True)}
</div>
<div class="rich_media_tool" id="js_toobar3">
<div id="js_read_area3" class="media_tool_meta tips_global meta_primary" style="display:none;">阅读 <span id="readNum3"></span></div>
</div>
</div>
</div>
</div>
</div>
<script nonce="{nonce}" type="text/javascript">
var appuin = "{acct.biz}"||"";
var source = "";
var scene = 75;
var itemidx = "";
var _copyright_stat = "{stat}";
var _ori_article_type = "";
var nickname = "{_js(nick)}";
var appmsg_type = "9";
var ct = "{_unix(art)}";
var publish_time = "{day}" || "";
var user_name = "{_js(acct.user_name)}";
var user_name_new = "";
var fakeid = "";
var version = "";
var is_limit_user = "0";
var round_head_img = "{head_img}";
var ori_head_img_url = "{hd_img.rsplit('/', 1)[0]}/132";
var msg_title = "{_js(title)}";
var msg_desc = "{_js(digest)}";
var msg_cdn_url = "{art.cover}";
var msg_link = "{_js(link)}";
var user_uin = "0"*1;
var msg_source_url = '';
var img_format = 'jpeg';
var srcid = '';
var networkType;
var appmsgid = '' || '{art.mid}'|| "{art.mid}";
var comment_id = "{_comment_id(world, art)}" * 1;
var comment_enabled = "" * 1;
var is_need_reward = "0" * 1;
var msg_daily_idx = "{_daily_idx(world, art)}" || "";
var author = "{_js(author)}";
var __appmsgCgiData = {{
  can_use_page : "0"*1,
  is_wxg_stuff_uin : "0"*1,
  card_pos : "",
  copyright_stat : "{stat}",
  source_biz : "",
  hd_head_img : "{hd_img}"
}};
var copyright_stat = "{stat}" * 1;
var svr_time = "{_svr_time(state)}" * 1;
window.wxtoken = "";
window.is_login = '0' * 1;
</script>
</body>
</html>
"""


# ---------------------------------------------------------------- message pages (§1.4)

_MSG_HEAD = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
<link rel="stylesheet" href="//res.wx.qq.com/open/libs/weui/2.4.4/weui.min.css">
<title></title>
</head>
"""

_BLANK_IDS = """var biz = '' || '';
var sn = '' || '';
var mid = '' || '' || '';
var idx = '' || '' || '' ;
"""


def deleted_page() -> str:
    """「该内容已被发布者删除」: a weui-msg page with blank article ids."""
    return _MSG_HEAD + f"""<body class="zh_CN wx_wap_page">
<div class="weui-msg">
<div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg-primary"></i></div>
<div class="weui-msg__text-area"><div class="weui-msg__title warn">该内容已被发布者删除</div></div>
<div class="weui-msg__extra-area"><div class="weui-footer"><p class="weui-footer__links"><a class="weui-footer__link" href="https://mp.weixin.qq.com/webpoc/ruleCenter?type=oa">微信公众平台运营中心</a></p></div></div>
</div>
<script type="text/javascript">
{_BLANK_IDS}</script>
</body>
</html>
"""


def violation_page(world: World, art: WxArticle) -> str:
    """「此内容因违规无法查看」 with a reason tip and a deterministic del_reason_id."""
    reason_id, tip, rule = VIOLATION_REASONS[int(hexdigest(world.seed, "violation", art.token, n=4), 16) % 2]
    return _MSG_HEAD + f"""<body class="zh_CN wx_wap_page">
<div class="weui-msg ">
<div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg"></i></div>
<div class="weui-msg__text-area">
<h2 class='weui-msg__title title'> 此内容因违规无法查看 </h2>
<div class="weui-msg__desc"><p class="tips">{tip}<a href="http://mp.weixin.qq.com/mp/opshowpage?action=oplaw&amp;id={rule}&amp;t=operation/faq_index&amp;lang=zh_CN#wechat_redirect">对应规则</a></p></div>
</div>
<div class="weui-msg__extra-area"><div class="weui-footer"><p class="weui-footer__links"><a id="js_feedback" class="weui-footer__link" href="javascript:;">我要反馈</a></p></div></div>
</div>
<script type="text/javascript">
{_BLANK_IDS}window.cgiData = {{
  del_reason_id: '{reason_id}',
  is_login: '0' * 1
}};
</script>
</body>
</html>
"""


def message_page(text: str) -> str:
    """The <1 KB panel page: 该内容暂时无法查看, or 参数错误 for links that name no article."""
    return ('<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0">\n'
            f'<title>{text}</title>\n<style>body{{background:#f2f2f2;font-family:-apple-system-font,"Helvetica Neue",'
            'sans-serif}.panel{padding:60px 20px;text-align:center}.mesg-block p{font-size:17px;color:#353535}</style>\n'
            f'</head>\n<body>\n<div class="panel"><div class="mesg-block"><p>{text}</p></div></div>\n</body>\n</html>\n')


def captcha_page(poc_token: str, target_url: str) -> str:
    """The verification wall (环境异常 / 去验证)."""
    return _MSG_HEAD + f"""<body class="zh_CN wx_wap_page">
<div class="weui-msg wappoc_msg">
<div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>
<div class="weui-msg__text-area">
<h2>环境异常</h2><p>当前环境异常，完成验证后即可继续访问。</p>
</div>
<div class="weui-msg__opr-area"><p class="weui-btn-area"><a id="js_verify" class="weui-btn weui-btn_primary" href="javascript:;">去验证</a></p></div>
</div>
<script type="text/javascript">
var poc_token = '{_js(poc_token)}';
var target_url = '{_js(target_url)}';
</script>
</body>
</html>
"""


# ---------------------------------------------------------------- /mp/aboutbiz (§1.5)


def _wx_spec(world: World, acct: WxAccount) -> dict[str, Any]:
    return world.agency_by_id[acct.agency_id].spec.get("wechat") or {}


def _alias(world: World, acct: WxAccount) -> str:
    return str(_wx_spec(world, acct).get("alias") or acct.user_name)


def _intro(world: World, acct: WxAccount) -> str:
    agency = world.agency_by_id[acct.agency_id]
    return str(_wx_spec(world, acct).get("intro") or f"{agency.name}官方微信公众号，发布教育政策、工作动态和招生考试等信息。")


def _aboutbiz(req: SimRequest, state: SimState) -> SimResponse:
    world = state.world
    acct = world.wx_account_by_biz.get(req.query.get("__biz", ""))
    if acct is None:
        return SimResponse.html(message_page("参数错误"))
    return SimResponse.html(aboutbiz_page(world, acct))


def aboutbiz_page(world: World, acct: WxAccount) -> str:
    """The account identity page: 公众号简介, 微信号, 认证类型, 认证主体 (the agency)."""
    owner = world.agency_by_id[acct.agency_id].name
    head_img, _ = _account_images(world, acct)

    def item(label: str, value: str, extra: str = "") -> str:
        return (f'<div class="item-info"{extra}><div class="item-info__label">{label}</div>'
                f'<div class="item-info__desc">{value}</div></div>\n')

    return _MSG_HEAD.replace("<title></title>", "<title>公众号信息</title>") + f"""<body class="zh_CN wx_wap_page">
<div class="wx_profile_card">
<div class="profile_info"><img class="profile_avatar" src="{head_img}" alt=""><strong class="profile_nickname" id="js_nickname">{_h(acct.name)}</strong></div>
<div class="item-list">
{item("公众号简介", _h(_intro(world, acct)))}{item("微信号", _h(_alias(world, acct)))}{item("认证类型", "其他组织")}{item("认证主体", f'<a href="https://mp.weixin.qq.com/mp/getverifyinfo?__biz={acct.biz}#wechat_redirect">{_h(owner)}</a>')}{item("IP属地", '<span id="js_login_ip">广东</span>')}{item("服务及数据使用", "秀米、壹伴")}</div>
</div>
<script type="text/javascript">
var biz = "{acct.biz}" || "";
var nickname = "{_js(acct.name)}";
var user_name = "{_js(acct.user_name)}";
</script>
</body>
</html>
"""
