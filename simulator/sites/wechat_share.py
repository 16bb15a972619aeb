"""Share posts in the current layout (reference wechat.md §1.3; real captures 文本分享 and 图片分享 in
../shared/real-pages/wechat): text posts (item_show_type 10) and image posts (8).

As on real pages, `#js_content` holds only the account's header (its avatar, its name, an empty
`#js_text_desc` and stray `,` separators): the post lives in `window.cgiDataNew`. A text post's text is
in `content_noencode` and `text_page_info.content_noencode` (with `is_user_title`); one without a title
of its own has its whole text as `title` (and as og:title), no `var msg_title`. An image post's
description is in `content_noencode` and `desc`, its pictures in `picture_page_info_list[].cdn_url`
(with `\\x26amp;` in the URL, as real pages write it), each also with a watermark and a share cover
that are not pictures of the post.
"""

from __future__ import annotations

from .wechat_article_html import (
    Current,
    _cgi_script,
    _head,
    _img_id,
    _pubtime_script,
    _vars_script,
    account_images,
    esc_html,
    esc_jsd,
)
from .wechat_weight import page_weight


def share_text(c: Current) -> str:
    """The post's own text: a text post's text, an image post's description."""
    paras = c.world.body_paragraphs("wechat", c.art.token, c.art.ct.year)
    return "\n\n".join(paras if c.art.show_type == 10 else paras[:2])


def picture_urls(c: Current) -> list[str]:
    """The pictures of an image post, in order, as a reader gets them (`&amp;` undone)."""
    return [f"https://mmbiz.qpic.cn/mmbiz_png/{_img_id(c.world, 'pic', c.art.token, k)}/0?wx_fmt=png&from=appmsg"
            for k in range(c.art.pictures)]


def _pictures(c: Current) -> str:
    items = []
    for k, url in enumerate(picture_urls(c)):
        mark = f"http://mmbiz.qpic.cn/mmbiz_png/{_img_id(c.world, 'mark', c.art.token, k)}/0?wx_fmt=png"
        cover = f"https://mmbiz.qpic.cn/mmbiz_jpg/{_img_id(c.world, 'sharecover', c.art.token, k)}/0?wx_fmt=jpeg"
        items.append(f"""        {{
            cdn_url: JsDecode('{esc_jsd(esc_html(url))}'),
            width: '{1080 + k}' * 1,
            height: '{1440 + k}' * 1,
            theme_color: JsDecode('rgb(255,255,255)'),
            is_qr_code: '0' * 1,
            poi_info: [
            ],
            live_photo: {{
                format_info: [
                ],
            }},
            disable_theme_color: true,
            watermark_info: {{
                cdn_url: JsDecode('{esc_jsd(mark)}'),
                is_uploader: true,
            }},
            share_cover: {{
                file_id: '{100000000 + k}' * 1,
                cdn_url: JsDecode('{esc_jsd(cover)}'),
            }},
        }},
""")
    return "    picture_page_info_list: [\n" + "".join(items) + "    ],\n"


def render_share(c: Current) -> str:
    art, world = c.art, c.world
    acct = art.push.account
    text = share_text(c)
    digest = text if art.show_type == 8 else ""
    head_img, _ = account_images(world, acct)
    avatar = head_img.replace("/0?", "/300?")
    if art.show_type == 10:
        extra = (f"    text_page_info: {{\n        content: JsDecode('{esc_jsd(esc_html(text))}'),\n"
                 f"        content_noencode: JsDecode('{esc_jsd(text)}'),\n        short_msg_pic_url: [\n        ],\n"
                 f"        picture_info: [\n        ],\n        is_user_title: '{1 if art.own_title else 0}' * 1,\n    }},\n"
                 "    picture_page_info_list: [\n    ],\n")
    else:
        extra = _pictures(c)
    weight = page_weight(world, art)
    return _head(c, art.title, digest, "", weight.head) + f"""<body id="activity-detail" class="zh_CN wx_wap_page">
<div class="wx_row_immersive_stream_wrap" id="js_row_immersive_stream_wrap">
    <div id="js_row_immersive_stream_mask" class="wx_row_immersive_stream_mask"></div>
</div>
<div id="js_article" data-server-rendered="true" class="page_pages share_content_page  ">
    <div id="js_article_content" class="rich_media_area_primary " style="">
        <div id="js_base_container" class="rich_media_area_primary_inner ">
            <div id="js_content">
                <div id="js_top_profile" class="profile_area_hide">
                    <div id="follow_placeholder" aria-hidden="true" class="wx_follow_context wx_follow_primary wx_follow_smart wx_follow_top ">
                        <div class="wx_follow_media weui-flex weui-flex_align-center ">
                            <div class="wx_follow_hd "><img src="{avatar}" class="wx_follow_avatar ">
                            </div>
                            <div class="wx_follow_bd weui-flex__item ">
                                <div class="wx_follow_info ">
                                    <div class="wx_follow_nickname ">{esc_html(acct.name)}</div>
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
                <div class="share_notice js_share_notice_dom  ">
                    <p id="js_text_desc" class="share_notice_inner js_underline_content "></p>
                </div>
                <div role="option" class="rich_media_meta_list_combine rich_media_meta_list ">
                    <div class="rich_media_meta_area_primary ">
                        <span id="content_read_num" class="rich_media_meta rich_media_meta_text rich_media_meta_empty_hide "></span>
                        <span class="weui-hidden_abs ">,</span>
                    </div>
                    <div class="rich_media_meta_area_extra ">
                        <span class="weui-hidden_abs ">,</span>
                        <span id="publish_time" class="rich_media_meta rich_media_meta_text "></span></div>
                </div>
            </div>
        </div>
    </div>
</div>
{weight.before_data}{_pubtime_script(c, weight.pubtime_library)}{_vars_script(c, art.title, digest, "")}{_cgi_script(c, art.title, digest, "", text, extra)}{weight.tail}</body>
</html>
"""
