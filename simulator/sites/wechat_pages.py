"""WeChat article pages on mp.weixin.qq.com (reference wechat.md §1, §3, §4.3).

Paths served (the listers under /cgi-bin/ and /mp/profile_ext live in wechat_listers.py):
- `/s/<token>` (short link) and `/s?__biz=&mid=&idx=&sn=` (long link; chksm, scene, #rd ignored).
  Live articles render in the "current" (2025) or "legacy" (2018) layout (share posts, item_show_type
  8 and 10, in their own: wechat_share.py; real-weight articles with a real page's scripts:
  wechat_weight.py). A current page opened by its long link names the long link in og:url, msg_link
  and cgiDataNew.link, its short link only in cgiDataNew.user_info.short_link and window.short_link,
  as the real captures saved from long links do; deleted, violation and
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
- aboutbiz markup is the real pages' (`div.item-info > .item-title + .item-desc`, the captures in
  ../shared/real-pages/wechat/articles/wechat-article-exporter/aboutbiz); 微信号 is the scenario's
  `wechat.alias`, else the gh_ user name (as real accounts without an alias show).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote

from ..http import SimRequest, SimResponse, SimState
from ..world import World, WxAccount, WxArticle, hexdigest
from .wechat_article_html import (
    account_alias,
    account_images,
    account_intro,
    article_stats,
    esc_html,
    esc_js,
    render_current,
)
from .wechat_legacy import render_legacy

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
        body = f'<html><body>Redirecting to <a href="{esc_html(loc)}">{esc_html(loc)}</a></body></html>'
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
    return SimResponse.html(render_current(world, art, state, with_stats=creds and art.push.account.read_counts,
                                           long_link=req.path == "/s"))


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
        "logo_url": account_images(world=state.world, acct=acct)[0], "friend_comment_enabled": 1,
        "base_resp": ok,
    })


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
var poc_token = '{esc_js(poc_token)}';
var target_url = '{esc_js(target_url)}';
</script>
</body>
</html>
"""


# ---------------------------------------------------------------- /mp/aboutbiz (§1.5)


def _aboutbiz(req: SimRequest, state: SimState) -> SimResponse:
    world = state.world
    acct = world.wx_account_by_biz.get(req.query.get("__biz", ""))
    if acct is None:
        return SimResponse.html(message_page("参数错误"))
    return SimResponse.html(aboutbiz_page(world, acct))


def aboutbiz_page(world: World, acct: WxAccount) -> str:
    """The account identity page: 公众号简介, 微信号, 认证类型, 认证主体 (the agency)."""
    owner = world.agency_by_id[acct.agency_id].name
    head_img, _ = account_images(world, acct)

    def item(label: str, value: str, extra: str = "") -> str:
        return (f'<div class="item-info"{extra}><div class="item-title">{label}</div>'
                f'<div class="item-desc">{value}</div></div>\n')

    return _MSG_HEAD.replace("<title></title>", "<title>公众号信息</title>") + f"""<body class="zh_CN wx_wap_page">
<div class="wx_profile_card">
<div class="profile_info"><img class="profile_avatar" src="{head_img}" alt=""><strong class="profile_nickname" id="js_nickname">{esc_html(acct.name)}</strong></div>
<div class="item-list">
{item("公众号简介", esc_html(account_intro(world, acct)))}{item("微信号", esc_html(account_alias(world, acct)))}{item("认证类型", "其他组织")}{item("认证主体", f'<a href="https://mp.weixin.qq.com/mp/getverifyinfo?__biz={acct.biz}#wechat_redirect">{esc_html(owner)}</a>')}{item("IP属地", '<span id="js_login_ip">广东</span>')}{item("授权第三方服务", '<p class="principal-data">秀米</p><p class="principal-data">壹伴</p>')}</div>
</div>
<script type="text/javascript">
var biz = "{acct.biz}" || "";
var nickname = "{esc_js(acct.name)}";
var user_name = "{esc_js(acct.user_name)}";
</script>
</body>
</html>
"""
