"""Article pages (reference wechat.md §1): `/s/<token>` or `/s?__biz=…`, current (2025) or legacy
(2018) layout, or one of the non-article pages (deleted, violation, unavailable, parameter error,
verification wall), classified as in §1.4. The `<title>` element is never used (empty on current
pages, §1.2).

Real pages weigh 2–4 MB, almost all inline scripts: the page is read from its raw bytes once; the
markup is parsed with the script bodies cut out (about 1–5 % of the bytes), and script values come
from crawler.parsing.jsscan, which decodes only the statements it reads. Share posts keep their
content in `window.cgiDataNew` (§1.3): text posts (item_show_type 10) in `text_page_info` /
`content_noencode` (their `#js_content` holds only the account's header), image posts (8) their
pictures in `picture_page_info_list`. A page opened by its long link names its short link only in
`cgiDataNew.user_info.short_link` and `window.short_link`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from parsel import Selector

from archive.times import local_seconds

from ..common import ParseError, block_text, flat_text
from ..jsscan import scan_scripts, script_spans
from ._common import as_int, as_str, clean_url, url_ids
from .listers import ListedArticle

TEXT_POST, IMAGE_POST = 10, 8  # item_show_type of 文本分享 and 图片分享
TITLE_FROM_TEXT = 64  # characters of a text post's first line used as its title
# The script variables the parser reads (jsscan looks for nothing else).
WANTED = ("msg_title", "nickname", "author", "ct", "create_time", "oriCreateTime", "publish_time", "copyright_stat",
          "_copyright_stat", "biz", "appuin", "mid", "appmsgid", "idx", "sn", "msg_desc", "msg_cdn_url",
          "item_show_type", "msg_link", "short_link", "read_num", "user_name")
_MARKUP_PARSER = lxml_html.HTMLParser(encoding="utf-8")


@dataclass
class ArticlePage:
    state: str  # "ok" | "deleted" | "violation" | "unavailable" | "blocked" | "error"
    state_text: str  # the message shown for non-ok states ("" for ok)
    layout: str | None = None  # "current" | "legacy" for ok pages
    title: str | None = None
    account: str | None = None
    author: str | None = None
    biz: str | None = None
    mid: int | None = None
    idx: int | None = None
    sn: str | None = None
    ct: int | None = None
    digest: str | None = None
    cover: str | None = None
    original: bool | None = None
    item_show_type: int | None = None
    body_text: str | None = None
    images: list[str] = field(default_factory=list)
    read_num: int | None = None
    like_num: int | None = None
    user_name: str | None = None
    short_url: str | None = None  # the article's own short link: one identity for every lister
    title_from_text: bool = False  # a text post without a title of its own: its first line stands in


def _short_link(*candidates: Any) -> str | None:
    for c in candidates:
        if isinstance(c, str) and "/s/" in c:
            return "https://" + c.split("://", 1)[-1].split("#", 1)[0]
    return None


def article_key(page_or_listed: ArticlePage | ListedArticle) -> tuple[str, int, int] | None:
    """(biz, mid, idx), the identity of an article (§1.1), when all three are known."""
    biz, mid, idx = page_or_listed.biz, page_or_listed.mid, page_or_listed.idx
    if biz and mid is not None and idx is not None:
        return (biz, mid, idx)
    return None


def _first(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "":
            return v
    return None


# ---------------------------------------------------------------- classification

_DELETED = ("该内容已被发布者删除", "deleted by the author")
_VIOLATION = "此内容因违规无法查看"
_WALL_URLS = ("wappoc_appmsgcaptcha", "weixin110.qq.com")


def _lines(sel: Any) -> str:
    return block_text(sel[0].root) if sel else ""


def _markup(body: bytes, spans: list[tuple[int, int]]) -> Selector:
    """The page's markup with every script body cut out (tags kept), parsed once."""
    parts, pos = [], 0
    for start, end in spans:
        parts.append(body[pos:start])
        pos = end
    parts.append(body[pos:])
    markup = b"".join(parts).strip() or b"<html></html>"
    return Selector(root=lxml_html.document_fromstring(markup, parser=_MARKUP_PARSER), type="html")


def parse_article(page: bytes | str, url: str) -> ArticlePage:
    """An article page (its raw bytes, as served, or its text) or one of its stand-ins (§1.4).
    Classification: exactly one #js_article → ok; the verification wall → blocked; .weui-msg → by
    its title (deleted / violation / other → unavailable); .mesg-block → 参数错误 → error, else
    unavailable. Anything else is a ParseError."""
    body = page.encode("utf-8", "surrogatepass") if isinstance(page, str) else bytes(page)
    spans = script_spans(body)
    sel = _markup(body, spans)
    if len(sel.css("#js_article")) == 1:
        return _ok_page(sel, body, spans, url)

    visible = " ".join(" ".join(
        sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()).split())
    wall = (any(marker in url for marker in _WALL_URLS) or sel.css(".wappoc_msg") or b"poc_token" in body
            or ("环境异常" in visible and "验证" in visible) or "请在微信客户端打开链接" in visible)
    if wall:
        return ArticlePage(state="blocked", state_text=_lines(sel.css(".weui-msg__text-area")) or visible
                           or "verification wall")

    msg = sel.css(".weui-msg")
    if msg:
        title = " ".join("".join(msg.css(".weui-msg__title ::text").getall()).split())
        if any(d.lower() in title.lower() for d in _DELETED):
            return ArticlePage(state="deleted", state_text=title)
        if _VIOLATION in title:
            desc = _lines(msg.css(".weui-msg__desc"))
            return ArticlePage(state="violation", state_text=title + (f"\n{desc}" if desc else ""))
        if "参数错误" in title:
            return ArticlePage(state="error", state_text=title)
        return ArticlePage(state="unavailable", state_text=title or _lines(msg))

    block = sel.css(".mesg-block")
    if block:
        text = _lines(block)
        return ArticlePage(state="error" if "参数错误" in text else "unavailable", state_text=text)
    if any(marker.encode() in body for marker in _WALL_URLS):  # e.g. the redirect stub pointing at the wall
        return ArticlePage(state="blocked", state_text=visible or "verification wall")
    n = len(sel.css("#js_article"))
    raise ParseError(f"article page {url}: not an article page ({n} #js_article, no .weui-msg, no .mesg-block, "
                     f"no verification wall); starts with {body[:80].decode('utf-8', 'replace')!r}")


def _meta(sel: Selector, *names: str) -> str | None:
    for name in names:
        value = as_str(sel.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get())
        if value:
            return value
    return None


def _text_of(sel: Selector, css: str) -> str | None:
    node = sel.css(css)
    return as_str(flat_text(node[0].root)) if node else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fragment_text(html_text: Any) -> str:
    """Text of an HTML fragment (a share post's content, which may carry links and <br>)."""
    if not isinstance(html_text, str) or not html_text.strip():
        return ""
    return block_text(lxml_html.fragment_fromstring(html_text, create_parent="div"))


def _first_line_title(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= TITLE_FROM_TEXT else line[:TITLE_FROM_TEXT] + "…"


def _share_post(cgi: dict[str, Any], show_type: int | None) -> tuple[str, list[str], str | None]:
    """(body text, images, title when the text stands in for it) of a text or image post (§1.3)."""
    text_info = _dict(cgi.get("text_page_info"))
    body = _fragment_text(text_info.get("content_noencode")) or _fragment_text(cgi.get("content_noencode"))
    pictures = cgi.get("picture_page_info_list") if show_type == IMAGE_POST else text_info.get("picture_info")
    images = [u for u in (clean_url(_dict(p).get("cdn_url")) for p in pictures or []) if u]
    own_title = as_int(text_info.get("is_user_title"))
    if show_type != TEXT_POST or own_title == 1:
        return body, images, None
    if not body:  # some text posts carry their text only as the title
        body = _fragment_text(cgi.get("title"))
    return body, images, _first_line_title(body) if body else None


def _ok_page(sel: Selector, body: bytes, spans: list[tuple[int, int]], url: str) -> ArticlePage:
    found, cgi = scan_scripts(body, spans, WANTED)

    def var(name: str) -> Any:
        return _first(*found.get(name, []))

    ids = url_ids(url)
    legacy = bool(sel.css("#post-date")) or "publish_time" in found
    title = as_str(_first(cgi.get("title"), var("msg_title"))) or _meta(sel, "og:title", "twitter:title") \
        or _text_of(sel, "#activity-name")
    account = as_str(_first(cgi.get("nick_name"), var("nickname"))) or _text_of(sel, "#js_name") \
        or _text_of(sel, "#post-user") or _text_of(sel, ".profile_nickname")
    if "author" in cgi or "author" in found:  # the page states its author (possibly none)
        author = as_str(_first(cgi.get("author"), var("author")))
    else:
        author = _meta(sel, "author", "og:article:author") or _text_of(
            sel, "#meta_content .rich_media_meta_text:not(#post-date):not(#publish_time)")

    ct = as_int(_first(var("ct"), var("create_time"), cgi.get("ori_create_time"), var("oriCreateTime")))
    if ct is None:  # legacy pages: a server-rendered date only; local midnight
        day = as_str(_first(var("publish_time"))) or _text_of(sel, "#post-date")
        m = re.search(r"\d{4}-\d{1,2}-\d{1,2}", day or "")
        if m:
            ct = local_seconds(m.group(0))

    copyright_info = _dict(cgi.get("copyright_info"))
    stat = as_int(_first(copyright_info.get("copyright_stat"), var("copyright_stat"), var("_copyright_stat")))
    original = stat == 1 if stat is not None else bool(sel.css("#copyright_logo"))

    user_info = _dict(cgi.get("user_info"))
    bar = _dict(user_info.get("appmsg_bar_data"))
    show_type = as_int(_first(cgi.get("item_show_type"), var("item_show_type")))

    text_title = None
    content = sel.css("#js_content")
    if show_type in (TEXT_POST, IMAGE_POST):
        # share posts: #js_content holds the account's header, the post itself sits in cgiDataNew
        body_text, images, text_title = _share_post(cgi, show_type)
    else:
        body_text = _lines(content) if content else ""
        if not body_text:
            body_text = _fragment_text(cgi.get("content_noencode"))
        images = [u for u in (clean_url(img.attrib.get("data-src") or img.attrib.get("src") or "")
                              for img in content.css("img")) if u] if content else []

    return ArticlePage(
        state="ok", state_text="", layout="legacy" if legacy else "current",
        title=text_title or title, title_from_text=text_title is not None, account=account, author=author,
        biz=as_str(_first(cgi.get("bizuin"), var("biz"), var("appuin"))) or ids.biz,
        mid=_first(as_int(_first(cgi.get("mid"), var("mid"), var("appmsgid"))), ids.mid),
        idx=_first(as_int(_first(cgi.get("idx"), var("idx"))), ids.idx),
        sn=as_str(_first(cgi.get("sn"), var("sn"))) or ids.sn,
        ct=ct,
        digest=as_str(_first(cgi.get("desc"), var("msg_desc"))) or _meta(sel, "description", "og:description"),
        cover=as_str(_first(cgi.get("cdn_url"), var("msg_cdn_url"))) or _meta(sel, "og:image"),
        original=original,
        item_show_type=show_type,
        # pages opened by the long link name the short one only in user_info / window.short_link
        short_url=_short_link(_meta(sel, "og:url"), *found.get("msg_link", []), as_str(cgi.get("link")),
                              as_str(user_info.get("short_link")), *found.get("short_link", [])),
        body_text=body_text or None, images=images,
        read_num=as_int(_first(bar.get("read_num"), var("read_num"))),
        like_num=as_int(bar.get("like_count")),
        user_name=as_str(_first(cgi.get("user_name"), var("user_name"))),
    )
