"""WeChat article pages in the legacy (2018) layout (reference wechat.md §1.2): the server-rendered date,
`#post-user`, the profile card, no cgiDataNew (the real 2018 captures from WechatSogou)."""

from __future__ import annotations

from ..http import SimState
from ..world import World, WxArticle
from .wechat_article_html import (
    _comment_id,
    _daily_idx,
    _local,
    _nonce,
    _svr_time,
    _unix,
    account_alias,
    account_images,
    account_intro,
    body_html,
    esc_html,
    esc_js,
)


def render_legacy(world: World, art: WxArticle, state: SimState) -> str:
    """A live article in the 2018 layout: server-rendered date, post-user, profile card, no cgiDataNew."""
    acct = art.push.account
    nonce = _nonce(world, art)
    title, digest, author, nick = art.title, art.digest, art.author, acct.name
    day = _local(art, "%Y-%m-%d")
    stat = "1" if art.original else "0"
    head_img, hd_img = account_images(world, acct)
    link = "http://" + art.long_url.split("://", 1)[1]
    logo = '<span id="copyright_logo" class="rich_media_meta meta_original_tag">原创</span>\n' if art.original else ""
    author_em = f'<em class="rich_media_meta rich_media_meta_text">{esc_html(author)}</em>\n' if author else ""
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
<title>{esc_html(title)}</title>
</head>
<body id="activity-detail" class="zh_CN mm_appmsg">
<div id="js_article" class="rich_media">
<div id="js_top_ad_area" class="top_banner"></div>
<div class="rich_media_inner">
<div id="page-content">
<div id="img-content" class="rich_media_area_primary">
<h2 class="rich_media_title" id="activity-name">
{esc_html(title)}
</h2>
<div id="meta_content" class="rich_media_meta_list">
{logo}<em id="post-date" class="rich_media_meta rich_media_meta_text">{day}</em>
{author_em}<a class="rich_media_meta rich_media_meta_link rich_media_meta_nickname" href="##" id="post-user">{esc_html(nick)}</a>
<span class="rich_media_meta rich_media_meta_text rich_media_meta_nickname">{esc_html(nick)}</span>
<div id="js_profile_qrcode" class="profile_container" style="display:none;">
<div class="profile_inner">
<strong class="profile_nickname">{esc_html(nick)}</strong>
<img class="profile_avatar" id="js_profile_qrcode_img" src="" alt="">
<p class="profile_meta"><label class="profile_meta_label">微信号</label><span class="profile_meta_value">{esc_html(account_alias(world, acct))}</span></p>
<p class="profile_meta"><label class="profile_meta_label">功能介绍</label><span class="profile_meta_value">{esc_html(account_intro(world, acct))}</span></p>
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
var nickname = "{esc_js(nick)}";
var appmsg_type = "9";
var ct = "{_unix(art)}";
var publish_time = "{day}" || "";
var user_name = "{esc_js(acct.user_name)}";
var user_name_new = "";
var fakeid = "";
var version = "";
var is_limit_user = "0";
var round_head_img = "{head_img}";
var ori_head_img_url = "{hd_img.rsplit('/', 1)[0]}/132";
var msg_title = "{esc_js(title)}";
var msg_desc = "{esc_js(digest)}";
var msg_cdn_url = "{art.cover}";
var msg_link = "{esc_js(link)}";
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
var author = "{esc_js(author)}";
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


