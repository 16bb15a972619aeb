"""WeChat article pages as HTML: the current (2025) layout (the legacy one: wechat_legacy.py), with every field of
reference wechat.md §1.2–1.3 and the value encodings described in wechat_pages.py."""

from __future__ import annotations

import base64
import weakref
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from ..http import SimState
from ..world import SHANGHAI, World, WxAccount, WxArticle, hexdigest, rng_for
from .wechat_weight import page_weight

# ---------------------------------------------------------------- escaping

_JS_ESC = str.maketrans({"\\": "\\x5c", "'": "\\x27", '"': "\\x22", "<": "\\x3c", ">": "\\x3e", "&": "\\x26",
                         "\n": "\\x0a", "\r": "\\x0d", "\u2028": "\\u2028", "\u2029": "\\u2029"})
_HTML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def esc_html(text: str) -> str:
    """HTML text or attribute value (the entity set WeChat's String.prototype.html decodes)."""
    return text.translate(_HTML_ESC)


def esc_js(text: str) -> str:
    """HTML-escaped text inside a JS string literal (either quote)."""
    return esc_html(text).translate(_JS_ESC)


def esc_jsd(text: str) -> str:
    """Raw text inside JsDecode('…')."""
    return text.translate(_JS_ESC)


# ---------------------------------------------------------------- derived per-world values


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


def wx_spec(world: World, acct: WxAccount) -> dict[str, Any]:
    return world.agency_by_id[acct.agency_id].spec.get("wechat") or {}


def account_alias(world: World, acct: WxAccount) -> str:
    return str(wx_spec(world, acct).get("alias") or acct.user_name)


def account_intro(world: World, acct: WxAccount) -> str:
    agency = world.agency_by_id[acct.agency_id]
    return str(wx_spec(world, acct).get("intro") or f"{agency.name}官方微信公众号，发布教育政策、工作动态和招生考试等信息。")



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


def account_images(world: World, acct: WxAccount) -> tuple[str, str]:
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
            out.append(f'<p style="line-height: 24px;"><span style="font-size: 15px;">{esc_html(para)}</span></p>')
        else:
            out.append(f'<p style="text-indent: 2em;margin-bottom: 0px;line-height: 1.75em;">'
                       f'<span style="font-size: 15px;" leaf="">{esc_html(para)}</span></p>')
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


@dataclass
class Current:
    """What a current-layout page shows of one article, as the page writes it."""

    world: World
    art: WxArticle
    state: SimState
    with_stats: bool
    long_link: bool  # opened by its long link: og:url and msg_link long, the short one in user_info

    @property
    def link(self) -> str:
        return self.art.long_url if self.long_link else self.art.short_url

    @property
    def nonce(self) -> str:
        return _nonce(self.world, self.art)

    @property
    def stats(self) -> dict[str, int] | None:
        return article_stats(self.world, self.art) if self.with_stats else None


def _head(c: Current, title: str, digest: str, author: str, weight: str) -> str:
    art, nonce = c.art, c.nonce
    cover = art.cover
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
{weight}<meta name="description" content="{esc_html(digest)}" />
<meta name="author" content="{esc_html(author)}" />
<meta property="og:title" content="{esc_html(title)}" />
<meta property="og:url" content="{esc_html(c.link)}" />
<meta property="og:image" content="{cover}" />
<meta property="og:description" content="{esc_html(digest)}" />
<meta property="og:site_name" content="微信公众平台" />
<meta property="og:type" content="article" />
<meta property="og:article:author" content="{esc_html(author)}" />
<meta property="twitter:card" content="summary" />
<meta property="twitter:image" content="{cover}" />
<meta property="twitter:title" content="{esc_html(title)}" />
<meta property="twitter:creator" content="{esc_html(author or art.push.account.name)}" />
<meta property="twitter:site" content="微信公众平台" />
<meta property="twitter:description" content="{esc_html(digest)}" />
<title></title>
<link rel="stylesheet" href="//res.wx.qq.com/mmbizappmsg/zh_CN/htmledition/js/assets/appmsg.{hexdigest(c.world.seed, 'css', n=8)}.css">
</head>
"""


def _pubtime_script(c: Current, library: str = "") -> str:
    """The publish-time script; on real-weight pages it ends a library bundle, as on real pages."""
    return f"""<script type="text/javascript" nonce="{c.nonce}" reportloaderror>
{library}var oriCreateTime = '{_unix(c.art)}';
var createTime = '{_local(c.art, "%Y-%m-%d %H:%M")}';
var svrDate = '{_svr_time(c.state)}';
function __setPubTime(oriTimestamp, dom) {{
  var d = new Date(oriTimestamp * 1000);
  var pad = function (n) {{ return ('0' + n).slice(-2); }};
  var showDate = d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  if (dom) {{ dom.textContent = showDate; }}
}}
__setPubTime(oriCreateTime * 1, document.getElementById('publish_time'));
</script>
"""


def _vars_script(c: Current, title: str, digest: str, author: str) -> str:
    """The `var …` block of §1.3 (share posts carry no msg_title of their own when untitled)."""
    world, art = c.world, c.art
    acct = art.push.account
    head_img, hd_img = account_images(world, acct)
    stat = "1" if art.original else "0"
    ct, svr = _unix(art), _svr_time(c.state)
    stats = c.stats
    msg_title = f"var msg_title = '{esc_js(title)}'.html(false);\n" if art.own_title else ""
    return f"""<script type="text/javascript" nonce="{c.nonce}" reportloaderror>
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
var nickname = htmlDecode("{esc_js(acct.name)}");
var appmsg_type = "9";
var ct = "{ct}";
var user_name = "{esc_js(acct.user_name)}";
var user_name_new = "";
var fakeid = "";
var version = "";
var is_limit_user = "0";
var round_head_img = "{head_img}";
var hd_head_img = "{hd_img}";
{msg_title}var msg_desc = htmlDecode("{esc_js(digest)}");
var msg_cdn_url = "{art.cover}";
var cdn_url_1_1 = "{art.cover.replace("/0?", "/300?")}";
var cdn_url_235_1 = "{art.cover}";
var msg_link = "{esc_js(c.link)}";
var user_uin = "" * 1;
var msg_source_url = '';
var img_format = 'jpeg';
var srcid = '';
var req_id = '{hexdigest(world.seed, "req_id", art.token, n=24)}';
var networkType;
var author = "{esc_js(author)}";
var comment_id = '{_comment_id(world, art)}' || '0';
var msg_daily_idx = "{_daily_idx(world, art)}" || "";
var copyright_stat = "{stat}" * 1;
var item_show_type = "{art.show_type}";
var real_item_show_type = "{art.show_type}";
var create_time = "{ct}" * 1;
var svr_time = "{svr}" * 1;
var read_num = "{stats["read_num"] if stats else ""}" * 1;
window.wxtoken = "777";
window.is_login = '{"1" if c.with_stats else "0"}' * 1;
window.short_link = '{art.short_url if c.long_link else ""}' || '';
</script>
<script type="text/javascript" nonce="{c.nonce}" reportloaderror>
var biz = "" || "{acct.biz}";
var mid = "" || "" || "{art.mid}";
var idx = "" || "" || "{art.idx}";
var sn = "" || "" || "{art.sn}";
window.__report_params = {{ biz: biz, mid: mid, idx: idx, sn: sn }};
</script>
"""


def _cgi_script(c: Current, title: str, digest: str, author: str, content: str = "", extra: str = "") -> str:
    """`window.cgiDataNew` (§1.3); `extra` adds members (a share post's text or pictures)."""
    world, art = c.world, c.art
    acct = art.push.account
    head_img, _ = account_images(world, acct)
    stat = "1" if art.original else "0"
    link = esc_html(c.link) if c.long_link else c.link  # the long link keeps its &amp; there
    user_info = ""
    stats = c.stats
    if stats or c.long_link:
        bar = ("      appmsg_bar_data: {\n"
               f"        read_num: '{stats['read_num']}' * 1,\n"
               f"        old_like_count: '{stats['old_like_count']}' * 1,\n"
               f"        share_count: '{stats['share_count']}' * 1,\n"
               f"        like_count: '{stats['like_count']}' * 1,\n"
               f"        comment_count: '{stats['comment_count']}' * 1\n"
               "      },\n") if stats else ""
        short = f"      short_link: JsDecode('{esc_jsd(art.short_url)}'),\n" if c.long_link else ""
        user_info = f"    user_info: {{\n{bar}{short}    }},\n"
    return f"""<script type="text/javascript" h5only nonce="{c.nonce}">
var JsDecode = function (str) {{
  return String(str).replace(/\\\\x([0-9a-fA-F]{{2}})/g, function (m, hex) {{ return String.fromCharCode(parseInt(hex, 16)); }});
}};
window.cgiDataNew = {{
    base_resp: {{ ret: '0' * 1, errmsg: JsDecode('ok'), wxtoken: '777' * 1, sessionid: JsDecode('') }},
    user_name: JsDecode('{esc_jsd(acct.user_name)}'),
    nick_name: JsDecode('{esc_jsd(acct.name)}'),
    round_head_img: JsDecode('{esc_jsd(head_img)}'),
    title: JsDecode('{esc_jsd(title)}'),
    desc: JsDecode('{esc_jsd(digest)}'),
    content_noencode: JsDecode('{esc_jsd(content)}'),
    create_time: JsDecode('{_local(art, "%Y-%m-%d %H:%M")}'),
    ori_create_time: '{_unix(art)}' * 1,
    svr_time: '{_svr_time(c.state)}' * 1,
    filter_time: '0' * 1,
    cdn_url: JsDecode('{esc_jsd(art.cover)}'),
    link: JsDecode('{esc_jsd(link)}'),
    source_url: JsDecode(''),
    alias: JsDecode(''),
    type: 9,
    author: JsDecode('{esc_jsd(author)}'),
    total_item_num: '1' * 1,
    comment_id: JsDecode('{_comment_id(world, art)}'),
    copyright_info: {{ copyright_stat: '{stat}' * 1, ori_article_type: JsDecode('') }},
    bizuin: JsDecode('{acct.biz}'),
    mid: '{art.mid}' * 1,
    idx: '{art.idx}' * 1,
    sn: JsDecode('{art.sn}'),
    msg_daily_idx: '{_daily_idx(world, art)}' * 1,
    item_show_type: '{art.show_type}' * 1,
    is_login: '{"1" if c.with_stats else "0"}' * 1,
    del_reason_id: JsDecode(''),
{extra}{user_info}}};
</script>
"""


def render_current(world: World, art: WxArticle, state: SimState, with_stats: bool = False,
                   long_link: bool = False) -> str:
    """A live article in the 2025 layout (§1.2, §1.3); read counts only `with_stats`; share posts
    (item_show_type 8, 10) in their own layout; real-weight articles with a real page's scripts."""
    c = Current(world, art, state, with_stats, long_link)
    if art.show_type in (8, 10):
        from .wechat_share import render_share  # share posts reuse this module's parts

        return render_share(c)
    acct = art.push.account
    title, digest, author, nick = art.title, art.digest, art.author, acct.name
    weight = page_weight(world, art)
    logo = ('<span id="copyright_logo" class="wx_tap_link js_wx_tap_highlight rich_media_meta icon_appmsg_tag '
            'appmsg_title_tag weui-wa-hotarea">原创</span>\n') if art.original else ""
    author_span = (f'<span class="rich_media_meta rich_media_meta_text">\n{esc_html(author)}\n</span>\n') if author else ""
    return _head(c, title, digest, author, weight.head) + f"""<body id="activity-detail" class="zh_CN wx_wap_page wx_wap_desktop_fontsize_2 mm_appmsg comment_feature discuss_tab appmsg_skin_default appmsg_style_default pages_skin_pc not_in_mm">
<div id="js_article" class="rich_media">
<div id="js_top_ad_area" class="top_banner"></div>
<div id="js_row_immersive_stream_wrap" class="wx_row_immersive_stream_wrap">
<div id="js_row_immersive_cover_img" class="wx_row_immersive_cover_img"><img src="{art.cover}" alt="cover_image"></div>
</div>
<div class="rich_media_inner">
<div id="page-content" class="rich_media_area_primary">
<div class="rich_media_area_primary_inner">
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title " id="activity-name">
{esc_html(title)}
</h1>
<div id="meta_content" class="rich_media_meta_list">
{logo}{author_span}<span class="rich_media_meta rich_media_meta_nickname" id="profileBt">
<a href="javascript:void(0);" class="wx_tap_link js_wx_tap_highlight weui-wa-hotarea" id="js_name">
{esc_html(nick)}
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
<script type="text/javascript" nonce="{c.nonce}" reportloaderror>
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
{weight.before_data}{_pubtime_script(c, weight.pubtime_library)}{_vars_script(c, title, digest, author)}{_cgi_script(c, title, digest, author)}{weight.tail}</body>
</html>
"""
