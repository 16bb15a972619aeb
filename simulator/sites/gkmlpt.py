"""The gkmlpt disclosure catalogue of one agency (reference gkmlpt.md §2–5, §8, §9).

Routes under `/{site_code}/gkmlpt/` (or `/gkmlpt/` for a catalogue at the host root):

- `index`, `mindex`: the Vue SPA shell; `window._CONFIG` is a JavaScript object literal (bare keys,
  single-quoted SID) whose TREE value is valid JSON and is followed by SERVICE_AREA_ID.
- `api/all/{cat}?page=&sid=`: the JSON list API; 100 per page, page 0 == page 1, 404 past the
  last page, `total` capped by the agency's API window (older items only via search.gd.gov.cn).
  Fault `list_without_totals` serves pages without `total` and `offset`, as other cities' catalogs
  and the real trimmed capture in ../shared/real-pages/gkmlpt do.
- `content/{id//1e6}/{id//1e3}/post_{id}.html`: the server-rendered document page with the
  `div.classify` metadata table and a `window._CONFIG.DETAIL` JSON copy with `\\u003C`-style escapes;
  its `_CONFIG` starts with `ACTION: 'content'` (a real document page's does).

Choices where the reference is uncertain (gkmlpt.md marks them [unc]):
- a `sid` that differs from the site's answers `{"code":-1,"msg":"sid error"}` with status 200;
  an empty `sid` is treated as absent;
- category 0 has a classify object `{"id":0,"name":"全部",...}` and the window applies to it too;
- the metadata table has no `<tbody>`; label cells carry class `td-label`;
- `classify_genre_name` is derived from the title's ending, `classify_theme_name` from the category;
- titles of style "html" carry `<br/>` or `<em>` in the API, in DETAIL and (as live markup) in the
  h1; the table's 名称 cell shows the plain text. "percent_u" titles are `escape()`d in the list API
  only; "hostile" titles are JSON-encoded as they are and HTML-escaped in the page;
- 索引号 = credit code + `/YYYY-NNNNN`, NNNNN numbering the agency's documents of the publication
  year in publication order;
- attachment `type` is "pdf", "doc" (for .docx, as seen on sz.gov.cn) or "xls"; `mime` is the real one.
"""

from __future__ import annotations

import html
import json
import re
import weakref
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from typing import Any

from ..http import SimRequest, SimResponse, SimState
from ..report import report_body_html
from ..world import SHANGHAI, Agency, CatalogDoc, Category, World, hexdigest
from .files import file_bytes

PAGE_SIZE = 100

_BASE = re.compile(r"^/(?:([A-Za-z0-9_-]+)/)?gkmlpt/(.*)$")
_API = re.compile(r"^api/all/(-?\d+)$")
_CONTENT = re.compile(r"^content/(\d+)/(\d+)/post_(\d+)\.html$")

ASSETS_PC = ("/gkmlpt/gkml/pc/js/chunk-vendors.7f4c2e9b.js", "/gkmlpt/gkml/pc/js/chunk-common.c1553651.js")
ASSETS_MOBILE = ("/gkmlpt/gkml/mobile/js/chunk-vendors.2b8e61d0.js", "/gkmlpt/gkml/mobile/js/chunk-common.9a4f07c3.js")


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    m = _BASE.match(req.path)
    if not m:
        return None
    site_code, rest = m.group(1) or "", m.group(2)
    world = state.world
    agency = world.agency_for_gkmlpt(req.host, site_code)
    if agency is None or not agency.gkmlpt:
        return None
    day = _day(world, agency, state.today)
    if rest in ("index", "index/", "mindex", "mindex/"):
        return SimResponse.html(day.index_html(mobile=rest.startswith("m")))
    am = _API.match(rest)
    if am:
        return _api(req, state, day, int(am.group(1)))
    cm = _CONTENT.match(rest)
    if cm:
        return _document(day, int(cm.group(1)), int(cm.group(2)), int(cm.group(3)))
    return None


# ---------------------------------------------------------------- per-world and per-day caches


class _Static:
    """Facts of a world that never change with the clock."""

    def __init__(self, world: World):
        self.identifier: dict[int, str] = {}
        for agency in world.agencies:
            serial: dict[int, int] = {}
            for doc in sorted(agency.docs, key=lambda d: (d.published, d.id)):
                serial[doc.year] = serial.get(doc.year, 0) + 1
                self.identifier[doc.id] = f"{agency.credit_code}/{doc.year}-{serial[doc.year]:05d}"


_STATIC: weakref.WeakKeyDictionary[World, _Static] = weakref.WeakKeyDictionary()
_DAYS: weakref.WeakKeyDictionary[World, OrderedDict[tuple[str, date], _Day]] = weakref.WeakKeyDictionary()
_DAYS_KEPT = 8


def _static(world: World) -> _Static:
    s = _STATIC.get(world)
    if s is None:
        s = _STATIC[world] = _Static(world)
    return s


def _day(world: World, agency: Agency, today: date) -> _Day:
    days = _DAYS.setdefault(world, OrderedDict())
    key = (agency.id, today)
    d = days.get(key)
    if d is None:
        d = days[key] = _Day(world, agency, today)
        while len(days) > _DAYS_KEPT:
            days.popitem(last=False)
    else:
        days.move_to_end(key)
    return d


class _Day:
    """What one agency's catalogue shows on one day (listings, tree, article objects), built lazily."""

    def __init__(self, world: World, agency: Agency, today: date):
        self.world, self.agency, self.today = world, agency, today
        self.live = sorted((d for d in agency.docs if d.visible(today)), key=lambda d: (d.published, d.id),
                           reverse=True)
        self._listings: dict[int, list[CatalogDoc]] = {0: self.live}
        self._articles: dict[int, dict[str, Any]] = {}
        self._tree: list[dict[str, Any]] | None = None
        self._titles: dict[int, str] | None = None
        self._tree_js: str | None = None
        self._index: dict[bool, str] = {}
        self.pages: dict[tuple[int, int], bytes] = {}  # serialized API pages

    def listing(self, cat_id: int) -> list[CatalogDoc]:
        got = self._listings.get(cat_id)
        if got is None:
            cat = self.agency.category_by_id[cat_id]
            ids = {c.id for c in _subtree(cat)}
            got = self._listings[cat_id] = [d for d in self.live if d.category.id in ids]
        return got

    def article(self, doc: CatalogDoc) -> dict[str, Any]:
        got = self._articles.get(doc.id)
        if got is None:
            got = self._articles[doc.id] = api_article(self.world, self.agency, doc, self.today)
        return got

    def titles(self) -> dict[int, str]:
        if self._titles is None:
            self._titles = {d.id: d.title_on(self.today) for d in self.live}
        return self._titles

    def tree(self) -> list[dict[str, Any]]:
        if self._tree is None:
            counts: dict[int, int] = {}
            for d in self.live:
                counts[d.category.id] = counts.get(d.category.id, 0) + 1

            def node(cat: Category) -> dict[str, Any]:
                children = [node(c) for c in cat.children]
                own = counts.get(cat.id, 0)
                return {"id": cat.id, "name": cat.name, "parent": cat.parent,
                        "post_count": own + sum(c["post_count"] for c in children),
                        "jump_url": cat.jump_url, "children": children}

            self._tree = [node(c) for c in self.agency.categories]
        return self._tree

    def tree_js(self) -> str:
        if self._tree_js is None:
            self._tree_js = js_json(self.tree())
        return self._tree_js

    def index_html(self, mobile: bool) -> str:
        got = self._index.get(mobile)
        if got is None:
            got = self._index[mobile] = _index_page(self, mobile)
        return got


def _subtree(cat: Category) -> list[Category]:
    out = [cat]
    for c in cat.children:
        out += _subtree(c)
    return out


# ---------------------------------------------------------------- article fields


def identifier_for(world: World, doc: CatalogDoc) -> str:
    """索引号: the agency's credit code + /YYYY-NNNNN (publication order within the year)."""
    return doc.identifier or _static(world).identifier.get(doc.id, "")


def doc_url(agency: Agency, doc: CatalogDoc) -> str:
    """The gkmlpt document page URL (scheme http:, as the real API gives it)."""
    return f"{agency.gkmlpt_base}content/{doc.id // 1_000_000}/{doc.id // 1000}/post_{doc.id}.html"


def post_url(agency: Agency, doc: CatalogDoc) -> str:
    """The same post on the bureau website, or "" when it has no website twin."""
    if not doc.website_column:
        return ""
    return f"{agency.website_base}{doc.website_column}/content/post_{doc.id}.html"


_JS_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@*_+-./")


def js_escape(text: str) -> str:
    """JavaScript `escape()`: %XX below U+0100, %uXXXX above (UTF-16 code units)."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in _JS_SAFE:
            out.append(ch)
        elif o < 0x100:
            out.append(f"%{o:02X}")
        elif o < 0x10000:
            out.append(f"%u{o:04X}")
        else:
            o -= 0x10000
            out.append(f"%u{0xD800 + (o >> 10):04X}%u{0xDC00 + (o & 0x3FF):04X}")
    return "".join(out)


def _decorated(doc: CatalogDoc, text: str, escape: bool) -> str:
    """The title with the CMS markup an "html"-style title carries (<br/> or <em>)."""
    k = max(1, len(text) // 2)
    head, tail = text[:k], text[k:]
    if escape:
        head, tail = html.escape(head, quote=False), html.escape(tail, quote=False)
    if doc.id % 2:
        return f"{head}<br/>{tail}"
    return f"<em>{head}</em>{tail}"


def display_title(doc: CatalogDoc, today: date) -> str:
    """The title as the CMS stores it (raw text; HTML for "html"-style titles)."""
    title = doc.title_on(today)
    return _decorated(doc, title, escape=False) if doc.title_style == "html" else title


def api_title(doc: CatalogDoc, today: date) -> str:
    """The title as the list API gives it (`%uXXXX` for "percent_u" titles)."""
    if doc.title_style == "percent_u":
        return js_escape(doc.title_on(today))
    return display_title(doc, today)


_GENRES = ("通知", "公告", "公示", "通告", "报告", "意见", "办法", "规定", "方案", "决定", "批复", "指南", "制度")


def genre_name(doc: CatalogDoc) -> str:
    base = re.sub(r"（[^）]*）$", "", doc.title)
    for g in _GENRES:
        if base.endswith(g):
            return g
    return "其他"


def theme_name(agency: Agency, doc: CatalogDoc) -> str:
    name = doc.category.name
    if "预算" in name or "决算" in name:
        return "财政"
    if doc.category.spec.get("annual_reports") or any(w in name for w in ("机构", "指南", "制度", "年报")):
        return "综合政务"
    return agency.voice.theme if agency.voice else "综合政务"


def _ts(dt: datetime) -> int:
    return int(dt.timestamp())


def attachment_objects(world: World, agency: Agency, doc: CatalogDoc, today: date) -> list[dict[str, Any]]:
    return [{"id": a.aid, "name": a.name, "type": {"docx": "doc"}.get(a.ext, a.ext), "mime": a.mime,
             "size": str(len(file_bytes(a, world))), "url": f"http://{agency.host}{a.path}"}
            for a in doc.attachments_on(today)]


def api_article(world: World, agency: Agency, doc: CatalogDoc, today: date) -> dict[str, Any]:
    """One article object of the list API (reference §4.2), as shown on `today`."""
    created = _ts(doc.published)
    lag = int(hexdigest(world.seed, "created_at", doc.id, n=2), 16) % 9 + 1  # created_at trails by seconds
    return {
        "id": doc.id,
        "title": api_title(doc, today),
        "url": doc.link_url if doc.kind == "url" else doc_url(agency, doc),
        "post_url": post_url(agency, doc),
        "type": doc.kind,
        "date": _ts(datetime.combine(doc.written, time(0), SHANGHAI)),
        "create_time": created,
        "created_at": (doc.published + timedelta(seconds=lag)).strftime("%Y-%m-%d %H:%M:%S"),
        "display_publish_time": created,
        "publisher": doc.publisher,
        "identifier": identifier_for(world, doc),
        "document_number": doc.doc_number,
        "keywords": doc.keywords,
        "abstract": doc.abstract,
        "classify_main": doc.category.id,
        "classify_main_name": doc.category.name,
        "classify_genre_name": genre_name(doc),
        "classify_theme_name": theme_name(agency, doc),
        "attachment": attachment_objects(world, agency, doc, today),
        "is_expired": 0,
        "is_abolished": 0,
        "relation": "[]",
    }


def live_docs(world: World, agency: Agency, category_id: int, today: date) -> list[CatalogDoc]:
    """Live documents of a category subtree (0 = all), newest first (cached per day)."""
    return _day(world, agency, today).listing(category_id)


def article_for(world: World, agency: Agency, doc: CatalogDoc, today: date) -> dict[str, Any]:
    """The API article object of `doc` on `today` (cached per day; do not mutate it)."""
    return _day(world, agency, today).article(doc)


def live_titles(world: World, agency: Agency, today: date) -> dict[int, str]:
    """Plain titles (with edits) of the live documents on `today`, by post id (cached per day)."""
    return _day(world, agency, today).titles()


def tree_for(world: World, agency: Agency, today: date) -> list[dict[str, Any]]:
    """The TREE of `window._CONFIG` with post counts of `today`."""
    return _day(world, agency, today).tree()


# ---------------------------------------------------------------- list API


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _api(req: SimRequest, state: SimState, day: _Day, cat_id: int) -> SimResponse:
    agency = day.agency
    sid = req.query.get("sid", "")
    if sid and sid != agency.sid:
        return SimResponse.json({"code": -1, "msg": "sid error"})
    if cat_id == 0:
        cat = None
    else:
        cat = agency.category_by_id.get(cat_id)
        if cat is None:
            return SimResponse.not_found()
    docs = day.listing(cat_id)
    post_count = len(docs)
    total = min(post_count, agency.api_window())
    page = max(1, _int(req.query.get("page"), 1))
    offset = (page - 1) * PAGE_SIZE
    if offset >= total and not (page == 1 and total == 0):
        return SimResponse.not_found()
    if cat is None:
        classify = {"id": 0, "name": "全部", "parent": 0, "post_count": post_count, "theme_count": post_count,
                    "jump_url": ""}
    else:
        classify = {"id": cat.id, "name": cat.name, "parent": cat.parent, "post_count": post_count,
                    "theme_count": post_count, "jump_url": cat.jump_url}
    if state.active("throttled_empty", req):
        return SimResponse.json({"classify": classify, "total": total, "offset": offset, "articles": []})
    body = day.pages.get((cat_id, page))
    if body is None:
        articles = [day.article(d) for d in docs[offset:min(offset + PAGE_SIZE, total)]]
        body = SimResponse.json({"classify": classify, "total": total, "offset": offset, "articles": articles}).body
        day.pages[(cat_id, page)] = body
    if state.active("list_without_totals", req):  # as other cities' catalogs (and trimmed captures) serve it
        data = json.loads(body)
        body = SimResponse.json({"classify": data["classify"], "articles": data["articles"]}).body
    return SimResponse(body=body, content_type="application/json; charset=utf-8")


# ---------------------------------------------------------------- HTML pages


def js_json(data: Any) -> str:
    """JSON for inline <script>: <, >, ", & inside strings as \\u003C, \\u003E, \\u0022, \\u0026.

    Plain replaces are safe: outside strings JSON has none of these characters, and a raw NUL
    never appears in json.dumps output (control characters are escaped), so it can stand in
    for escaped backslashes while `\\"` is rewritten.
    """
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = raw.replace("\\\\", "\x00").replace('\\"', "\\u0022").replace("\x00", "\\\\")
    return (raw.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _js_str(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\x3C") + "'"


def _config(day: _Day, detail: dict[str, Any] | None) -> str:
    agency = day.agency
    g = agency.gkmlpt
    lines = ["    ACTION: 'content',"] if detail is not None else []  # document pages say so (a real capture)
    lines += [f"    SID: {_js_str(agency.sid)},",
             f"    SITE_NAME: {_js_str(agency.name)},",
             f"    SITE_CODE: {_js_str(agency.site_code)},"]
    if detail is not None:
        lines.append(f"    DETAIL: {js_json(detail)},")
    lines += [f"    TREE: {day.tree_js()},",
              f"    SERVICE_AREA_ID: {int(g.get('service_area_id', 0))},",
              f"    SEARCH_JSONP_URL: '//search.gd.gov.cn/jsonp/site/{agency.sid}',",
              f"    APP_URL: '//{agency.host}{agency.gkmlpt_root}',",
              "    STATIC_URL: '/gkmlpt/gkml/',",
              "    PAGE_SIZE: 20,",
              "    SHOW_POLICY: false"]
    return "<script>\nwindow._CONFIG = {\n" + "\n".join(lines) + "\n};\n</script>\n"


def _beacon(agency: Agency, post_id: int | None) -> str:
    if post_id is None:
        setup = f"var NFCMS_SITE_ID = '{agency.sid}', NFCMS_PAGE_ID = 'gkmlpt_index';"
        hit = "'//statistics.gd.gov.cn/visit/page?site=' + NFCMS_SITE_ID + '&u=' + encodeURIComponent(location.href)"
    else:
        setup = f"var NFCMS_SITE_ID = '{agency.sid}', NFCMS_PUB_TYPE = 'post', NFCMS_POST_ID = '{post_id}';"
        hit = "'//statistics.gd.gov.cn/visit/post?site=' + NFCMS_SITE_ID + '&post=' + NFCMS_POST_ID"
    return ("<script>\n" + setup + "\n(function () { var img = new Image(); img.src = " + hit
            + " + '&t=' + Math.random(); })();\n</script>\n")


def _head(title: str, css: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge,chrome=1\">\n"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1.0\">\n"
            "<meta name=\"renderer\" content=\"webkit\">\n"
            f"<title>{html.escape(title)}</title>\n"
            "<link href=\"/gkmlpt/gkml/pc/css/chunk-common.5b7c3e1a.css\" rel=\"stylesheet\">\n"
            f"<link href=\"/gkmlpt/gkml/pc/css/{css}\" rel=\"stylesheet\">\n</head>\n")


def _footer(agency: Agency) -> str:
    return (f"<div class=\"footer\"><p>主办单位：{html.escape(agency.name)}</p>"
            "<p>技术支持：数字广东网络建设有限公司</p></div>\n")


def _index_page(day: _Day, mobile: bool) -> str:
    agency = day.agency
    assets = ASSETS_MOBILE if mobile else ASSETS_PC
    entry = assets[0].rsplit("/", 1)[0] + ("/mindex.4c0e8d27.js" if mobile else "/index.e3a1f6b5.js")
    scripts = "".join(f"<script src=\"{src}\"></script>\n" for src in (*assets, entry))
    return (_head(f"{agency.name}政府信息公开目录", "index.a28f9b6c.css")
            + "<body>\n<noscript><strong>很抱歉，本页面需要启用JavaScript才能正常浏览。</strong></noscript>\n"
            + "<div id=\"app\"></div>\n"
            + _config(day, None) + scripts + _beacon(agency, None) + "</body>\n</html>\n")


def _attachment_links(world: World, agency: Agency, doc: CatalogDoc, today: date) -> str:
    atts = doc.attachments_on(today)
    if not atts:
        return ""
    out = ["<p>附件：</p>"]
    for a in atts:
        text = "点击下载" if hexdigest(world.seed, "att-text", a.aid, n=1) in "0123" else a.name
        out.append(f"<p><a class=\"nfw-cms-attachment\" attachment-id=\"{a.aid}\" href=\"http://{agency.host}{a.path}\" "
                   f"alt=\"{html.escape(a.name)}\" target=\"_blank\">{html.escape(text)}</a></p>")
    return "".join(out)


def _body_html(world: World, agency: Agency, doc: CatalogDoc, today: date) -> str:
    if doc.report_year is not None:
        body = report_body_html(world, agency, doc.report_year)
    else:
        body = "".join(f"<p style=\"text-indent:2em;\">{html.escape(p, quote=False)}</p>"
                       for p in world.body_paragraphs("catalog", doc.id, doc.year))
    return body + _attachment_links(world, agency, doc, today)


def _document(day: _Day, a: int, b: int, post_id: int) -> SimResponse:
    world, agency, today = day.world, day.agency, day.today
    doc = world.doc_by_id.get(post_id)
    if (doc is None or a != post_id // 1_000_000 or b != post_id // 1000 or doc.agency_id != agency.id
            or doc.kind != "normal" or not doc.visible(today)):
        return SimResponse.not_found()
    art = day.article(doc)
    content = _body_html(world, agency, doc, today)
    shown = display_title(doc, today)
    plain = doc.title_on(today)
    detail = {**art, "title": shown, "content": content, "source": doc.publisher,
              "classify_main_parent": doc.category.parent}
    e = html.escape
    written = doc.written.isoformat()
    published = doc.published.strftime("%Y-%m-%d")
    table = (
        "<div class=\"classify\">\n<table class=\"table\">\n"
        f"<tr><td class=\"td-label\">索引号：</td><td class=\"td-value-xl\"><span>{e(art['identifier'])}</span></td>"
        f"<td class=\"td-label\">分类：</td><td class=\"td-value\"><span>{e(doc.category.name)}</span></td></tr>\n"
        f"<tr><td class=\"td-label\">发布机构：</td><td class=\"td-value-xl\"><span>{e(doc.publisher)}</span></td>"
        f"<td class=\"td-label\">成文日期：</td><td class=\"td-value\"><span>{written}</span></td></tr>\n"
        f"<tr><td class=\"td-label\">名称：</td><td class=\"td-value\" colspan=\"3\"><span>{e(plain)}</span></td></tr>\n"
        f"<tr><td class=\"td-label\">文号：</td><td class=\"td-value-xl\"><span>{e(doc.doc_number)}</span></td>"
        f"<td class=\"td-label\">发布日期：</td><td class=\"td-value\"><span>{published}</span></td></tr>\n"
        f"<tr><td class=\"td-label\">主题词：</td><td class=\"td-value-xl\" colspan=\"3\"><span>{e(doc.keywords)}</span></td></tr>\n"
        "</table>\n</div>\n")
    h1 = _decorated(doc, plain, escape=True) if doc.title_style == "html" else e(plain)
    cat = doc.category
    page = (
        _head(f"{plain}_{agency.name}", "content.0c51eb50.css")
        + "<body>\n<div class=\"header\"><div class=\"header-inner\">"
        + f"<a class=\"logo\" href=\"{agency.gkmlpt_base}index\">{e(agency.name)}政府信息公开</a></div></div>\n"
        + "<div class=\"main\">\n<div class=\"crumb\">当前位置：<a href=\"../../../index\">政府信息公开目录</a>"
        + f" &gt; <a href=\"../../../index#{cat.id}\">{e(cat.name)}</a></div>\n"
        + "<div class=\"content-box\">\n" + table
        + "<div class=\"content\">\n"
        + f"<h1 class=\"title document-number\">{h1}</h1>\n"
        + f"<div class=\"date-row\"><span class=\"date\">发布日期：{doc.published:%Y-%m-%d %H:%M}</span>"
        + f"<span class=\"source\">来源：{e(doc.publisher)}</span>"
        + "<span class=\"count\">浏览次数：<em id=\"visit-count\">-</em></span></div>\n"
        + "<div class=\"op-row\"><span class=\"font-size\">字号：<a href=\"javascript:;\" data-size=\"20\">大</a> "
        + "<a href=\"javascript:;\" data-size=\"16\">中</a> <a href=\"javascript:;\" data-size=\"14\">小</a></span>"
        + "<a class=\"print\" href=\"javascript:window.print();\">打印本页</a>"
        + "<a class=\"close\" href=\"javascript:window.close();\">关闭窗口</a></div>\n"
        + f"<div class=\"article-content\">{content}</div>\n"
        + "</div>\n</div>\n</div>\n" + _footer(agency)
        + _config(day, detail)
        + "".join(f"<script src=\"{src}\"></script>\n" for src in (*ASSETS_PC, "/gkmlpt/gkml/pc/js/content.0c51eb50.js"))
        + _beacon(agency, doc.id) + "</body>\n</html>\n")
    return SimResponse.html(page, cacheable=True, last_modified=doc.modified_on(today))
