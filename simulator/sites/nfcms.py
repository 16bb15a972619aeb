"""The bureau website (政务网, NFCMS) under `/{web_code}/`, e.g. http://www.kaiping.gov.cn/kpsjyjzww/.

The website's path may have several segments (Jiangmen's departments: /bmpd/jmswjkj/) or none (a portal at
the host root, http://www.enping.gov.cn/), and it may live on another host than the catalog
(`website.host`); its pages' own links, styles and images follow.

Reference: gkmlpt.md §6 (URL layout, paging, list markup, detail pages) and §8 (quirks).

Paths served (web_code = `agency.website["site_code"]`, "" at the host root):
- `/{wc}/`, `/{wc}/index.html`: portal home (navigation to every column, latest items per column).
- `/{wc}/{section}/`: a section landing page (e.g. `zwgk/` 政务公开) listing its columns; the
  breadcrumb links to it, so it must exist.
- `/{wc}/{column}/`, `index.html` = page 1, `index_N.html` (N ≥ 2) = page N. `index_1.html`, pages
  past the end and pages past `pages_limit` are 404 (the CMS only generates `pages_limit` pages, so
  the oldest items of a long column are unreachable by paging).
- `/{wc}/{column}/content/post_{id}.html`: an article, only under its primary column.
- A directory without its trailing slash answers 301 to the slashed URL (nginx behaviour).

Choices where the reference is uncertain [unc], made plausible and documented here:
- List markup follows the Jiangmen pattern: `ul.infoList > li > a[href][title] + span` (YYYY-MM-DD).
  Navigation and side navigation use `div`/`a` rather than `ul`, and the one side widget `ul` holds
  fewer `li` than the main list on every normal page, so "pick the `ul` with the most `li`" works.
  On a throttled (empty) page the side widget keeps its items: a parser must not take them.
- Paging is the NFCMS script `var totalPage = Math.ceil(N/20); var pages_limit=100; ...` followed by
  `createPageHTML(totalPage, current, "index", "html")` with a 1-based `current`; the links are
  written by JavaScript only (no static pager anchors), as on the captured sites.
- Statistics beacon: inline `NFCMS_SITE_ID`, and `NFCMS_PUB_TYPE='cat'` + `NFCMS_CAT_ID` +
  `NFCMS_PAGE_ID` (the 1-based page number) on list pages, `NFCMS_PAGE_ID` on the home page,
  `NFCMS_PUB_TYPE='post'` + `NFCMS_POST_ID` on articles; an inline function then requests
  `//statistics.gd.gov.cn/visit/{post|cat|page}?…`. The NFCMS site id and column (cat) ids are
  not known: they are derived from the seed (`website.nfcms_site_id` overrides the site id).
- Detail body container: `div.news_cont_d_wrap > div.article-content#zoom` (the Shenzhen form;
  Kaiping's is unknown). Meta tags use the `meta-` prefix on columns with `meta_prefix`, and put
  `content` before `name` on every other pair of columns (`meta_order: content_first|name_first`
  in a column spec overrides), so all four forms occur in kaiping-2024.
- Twins of catalog documents show the catalog document's body and attachments (same post).
- Footer identifiers (ICP 备案号, 网站标识码, 公网安备) are synthetic unless the website spec gives
  `icp`, `site_ident`, `gongan`; the telephone (`phone`) defaults to the agency's voice (the number its
  bodies print).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from datetime import date
from html import escape
from itertools import islice
from typing import Any
from weakref import WeakKeyDictionary, ref

from ..http import SimRequest, SimResponse, SimState
from ..report import report_body_html
from ..world import Agency, Attachment, WebArticle, World, hexdigest

# Section (first path segment) names; a website spec may add its own under `sections`.
SECTION_NAMES = {"zwgk": "政务公开", "jyxw": "教育新闻", "jggk": "机构概况", "hdjl": "互动交流",
                 "bsfw": "办事服务", "ztzl": "专题专栏"}

HOME_ITEMS = 6  # latest items per column block on the home and section pages
SIDE_ITEMS = 5  # side widget size (clipped below the main list's size)
RELATED_ITEMS = 5
ON = ' class="on"'  # the current column in the side navigation

_ARTICLE_RE = re.compile(r"^(?P<col>[\w/-]+?)/content/post_(?P<id>\d+)\.html$")
_LIST_RE = re.compile(r"^(?P<dir>[\w/-]+?)/(?:index(?:_(?P<n>[1-9]\d*))?\.html)?$")


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    """Serve a page of an agency's NFCMS website, or None when the path is not under a known site."""
    found = state.world.agency_for_website(req.host, req.path)
    if found is None:
        return None
    agency, rest = found
    site = _site_for(state.world, agency)
    if rest is None:  # the site's own directory without its trailing slash
        return _redirect(site, "")
    today = state.today
    if rest in ("", "index.html"):
        return SimResponse.html(site.cached(("home", today), lambda: site.render_home(today)))
    m = _ARTICLE_RE.match(rest)
    if m:
        return site.article_response(m["col"], int(m["id"]), today)
    m = _LIST_RE.match(rest)
    if m:
        if m["n"] == "1":  # NFCMS never generates index_1.html
            return SimResponse.not_found()
        d, n = m["dir"], int(m["n"] or 1)
        if d in site.columns:
            return site.list_response(d, n, today, throttled=state.active("throttled_empty", req) is not None)
        if d in site.sections and n == 1:
            return SimResponse.html(site.cached(("section", d, today), lambda: site.render_section(d, today)))
        return SimResponse.not_found()
    if rest in site.columns or rest in site.sections:
        return _redirect(site, rest + "/")
    return SimResponse.not_found()


def list_url(agency: Agency, column: str, page: int = 1) -> str:
    """The URL of a column list page (page 1 is the bare column URL)."""
    return f"{agency.website_base}{column}/" + ("" if page <= 1 else f"index_{page}.html")


def article_url(agency: Agency, art: WebArticle) -> str:
    """The canonical URL of an article: always under its primary column."""
    return f"{agency.website_base}{art.column}/content/post_{art.id}.html"


def listed_title(title: str, limit: int) -> str:
    """The list text of a title: cut to `limit` characters plus "…" when longer."""
    return title if len(title) <= limit else title[:limit] + "…"


def _redirect(site: _Site, rel: str) -> SimResponse:
    loc = site.base + rel
    body = ("<html><head><title>301 Moved Permanently</title></head><body><center><h1>301 Moved Permanently"
            "</h1></center><hr><center>nginx</center></body></html>")
    return SimResponse.html(body, status=301, headers={"Location": loc})


# ---------------------------------------------------------------- per-world site state


_SITES: WeakKeyDictionary[World, dict[str, _Site]] = WeakKeyDictionary()


def _site_for(world: World, agency: Agency) -> _Site:
    per_world = _SITES.get(world)
    if per_world is None:
        per_world = _SITES[world] = {}
    site = per_world.get(agency.id)
    if site is None:
        site = per_world[agency.id] = _Site(world, agency)
    return site


def _e(s: Any) -> str:
    return escape(str(s), quote=True)


class _Site:
    """Static facts of one website plus the caches (listings per day, rendered pages)."""

    MAX_DAYS = 8
    MAX_PAGES = 512

    def __init__(self, world: World, agency: Agency):
        self._world = ref(world)  # a strong reference would keep the WeakKeyDictionary key alive
        self.agency = agency
        spec = agency.website
        self.spec = spec
        self.wc = agency.web_code
        self.base = agency.website_base
        self.page_size = int(spec.get("page_size", 20))
        self.pages_limit = int(spec.get("pages_limit", 100))
        self.truncate_at = int(spec.get("truncate_at", 24))
        self.columns: dict[str, dict[str, Any]] = {c["path"]: c for c in spec.get("columns", [])}
        self.col_order = list(self.columns)
        names = {**SECTION_NAMES, **(spec.get("sections") or {})}
        # Sections: every proper prefix of a column path, in column order.
        self.sections: dict[str, list[str]] = {}
        self.section_names: dict[str, str] = {}
        for path in self.col_order:
            segs = path.split("/")
            for k in range(1, len(segs)):
                prefix = "/".join(segs[:k])
                self.sections.setdefault(prefix, []).append(path)
                self.section_names[prefix] = names.get(segs[k - 1], "栏目")
        seed = world.seed
        self.site_id = int(spec.get("nfcms_site_id") or
                           750100 + int(hexdigest(seed, agency.id, "nfcms-site", n=6), 16) % 800)
        self.cat_ids = {p: 10000 + int(hexdigest(seed, agency.id, "nfcms-cat", p, n=6), 16) % 80000
                        for p in (*self.col_order, *self.sections)}
        self.home_page_id = 1000 + int(hexdigest(seed, agency.id, "nfcms-home", n=6), 16) % 9000
        self.icp = spec.get("icp") or f"粤ICP备{int(hexdigest(seed, agency.id, 'icp', n=8), 16) % 10**8:08d}号"
        self.site_ident = spec.get("site_ident") or f"4407{int(hexdigest(seed, agency.id, 'ident', n=6), 16) % 10**6:06d}"
        self.gongan = spec.get("gongan") or \
            f"粤公网安备 4407{int(hexdigest(seed, agency.id, 'gongan', n=8), 16) % 10**10:010d}号"
        self.phone = spec.get("phone") or world.voice(agency).phone  # the number the bodies print
        self._days: OrderedDict[date, dict[str, list[WebArticle]]] = OrderedDict()
        self._pages: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._urls: dict[int, str] = {}
        self._nav = self._render_nav()

    @property
    def world(self) -> World:
        world = self._world()
        assert world is not None
        return world

    # ---- caches

    def listings(self, today: date) -> dict[str, list[WebArticle]]:
        """Column → live articles on `today`, newest first ('' = all columns)."""
        got = self._days.get(today)
        if got is not None:
            self._days.move_to_end(today)
            return got
        got = {p: self.agency.column_listing(p, today) for p in self.col_order}
        merged = {a.id: a for arts in got.values() for a in arts}
        got[""] = sorted(merged.values(), key=lambda a: (a.published, a.id), reverse=True)
        self._days[today] = got
        while len(self._days) > self.MAX_DAYS:
            self._days.popitem(last=False)
        return got

    def cached(self, key: tuple[Any, ...], render: Any) -> str:
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = render()
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        return page

    # ---- pieces

    def col_name(self, path: str) -> str:
        return str(self.columns[path]["name"])

    def title_of(self, art: WebArticle, today: date) -> str:
        return art.title_on(today)

    def _render_nav(self) -> str:
        out = [f'<div class="nav"><div class="w1200"><a class="nav-item" href="{_e(self.base)}">首页</a>']
        top = [s for s in self.sections if "/" not in s]
        for sec in top:
            subs = "".join(f'<a href="{_e(self.base + p)}/">{_e(self.col_name(p))}</a>' for p in self.sections[sec])
            out.append(f'<div class="nav-item"><a href="{_e(self.base + sec)}/">{_e(self.section_names[sec])}</a>'
                       f'<div class="sub-nav">{subs}</div></div>')
        for p in self.col_order:  # columns without a section sit on the bar itself
            if "/" not in p:
                out.append(f'<a class="nav-item" href="{_e(self.base + p)}/">{_e(self.col_name(p))}</a>')
        out.append("</div></div>")
        return "".join(out)

    def breadcrumb(self, path: str) -> str:
        """`首页 > 政务公开 > 通知公告` with links."""
        crumbs = [f'<a href="{_e(self.base)}">首页</a>']
        segs = path.split("/")
        for k in range(1, len(segs) + 1):
            prefix = "/".join(segs[:k])
            name = self.col_name(prefix) if prefix in self.columns else self.section_names.get(prefix, prefix)
            crumbs.append(f'<a href="{_e(self.base + prefix)}/">{_e(name)}</a>')
        return '<div class="position">当前位置：' + " &gt; ".join(crumbs) + "</div>"

    def beacon(self, **ids: Any) -> str:
        lines = [f"var NFCMS_SITE_ID = {self.site_id};"]
        for k, v in ids.items():
            lines.append(f"var NFCMS_{k} = {v!r};" if isinstance(v, str) else f"var NFCMS_{k} = {v};")
        return ('<script type="text/javascript">\n' + "\n".join(lines) + "\n" + _BEACON_JS + "</script>\n")

    def page(self, title: str, body: str, beacon: str, head: str = "") -> str:
        a = self.agency
        gk = (f' | <a href="{_e(a.gkmlpt_base)}index" target="_blank">政府信息公开</a>' if a.gkmlpt else "")
        root = _e(a.web_root)
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">\n'
            f'<meta name="SiteName" content="{_e(a.name)}">\n<meta name="SiteDomain" content="{_e(a.web_host)}">\n'
            f'<meta name="SiteIDCode" content="{_e(self.site_ident)}">\n{head}'
            f"<title>{_e(title)}</title>\n"
            f'<link rel="stylesheet" type="text/css" href="{root}common/css/style.css">\n'
            f'<script type="text/javascript" src="{root}common/js/jquery.min.js"></script>\n'
            f'<script type="text/javascript">{_PAGER_JS}</script>\n'
            "</head>\n<body>\n"
            f'<div class="top-bar"><div class="w1200"><span class="welcome">欢迎访问{_e(a.name)}网站</span>'
            f'<div class="top-links"><a href="http://{_e(a.web_host)}/" target="_blank">政府门户网站</a>{gk}'
            ' | <a href="javascript:void(0)" id="wza">无障碍浏览</a></div></div></div>\n'
            f'<div class="header"><div class="w1200"><a class="logo" href="{_e(self.base)}">'
            f'<img src="{root}images/logo.png" alt="{_e(a.name)}"></a>'
            f'<div class="search-box"><form action="http://search.gd.gov.cn/search/all/{self.site_id}" method="get" '
            'target="_blank"><input type="text" name="keywords" placeholder="请输入关键字">'
            '<button type="submit">搜索</button></form></div></div></div>\n'
            f"{self._nav}\n{body}\n"
            '<div class="footer"><div class="w1200">\n'
            f'<div class="footer-links"><a href="{_e(self.base)}wzdt/">网站地图</a> | '
            f'<a href="{_e(self.base)}lxwm/">联系我们</a> | <a href="{_e(self.base)}mzsm/">免责声明</a></div>\n'
            f"<p>主办单位：{_e(a.name)}　　联系电话：{_e(self.phone)}</p>\n"
            f'<p>备案号：<a href="https://beian.miit.gov.cn/" target="_blank">{_e(self.icp)}</a>　'
            f"网站标识码：{_e(self.site_ident)}　"
            f'<img src="{root}images/gaba.png" alt="">{_e(self.gongan)}</p>\n'
            f'<div class="jiucuo"><script id="_jiucuo_" sitecode="{_e(self.site_ident)}" '
            'src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></div>\n'
            "</div></div>\n"
            f"{beacon}</body>\n</html>\n"
        )

    def url_attr(self, art: WebArticle) -> str:
        """The escaped canonical URL (memoised: list pages render thousands of them)."""
        url = self._urls.get(art.id)
        if url is None:
            url = self._urls[art.id] = _e(article_url(self.agency, art))
        return url

    def link_li(self, art: WebArticle, today: date, title_attr: str = "full", date_span: bool = True) -> str:
        full = self.title_of(art, today)
        text = _e(listed_title(full, self.truncate_at))
        if title_attr == "full":
            attr = f' title="{text if len(full) <= self.truncate_at else _e(full)}"'
        else:
            attr = f' title="{text}"' if title_attr == "truncated" else ""
        span = f"<span>{art.published:%Y-%m-%d}</span>" if date_span else ""
        return f'<li><a href="{self.url_attr(art)}"{attr} target="_blank">{text}</a>{span}</li>'

    # ---- pages

    def render_home(self, today: date) -> str:
        lists = self.listings(today)
        blocks = []
        for p in self.col_order:
            items = "".join(self.link_li(a, today) for a in lists[p][:HOME_ITEMS])
            blocks.append(f'<div class="index-box"><div class="box-title"><span>{_e(self.col_name(p))}</span>'
                          f'<a class="more" href="{_e(self.base + p)}/">更多&gt;&gt;</a></div>'
                          f'<ul class="index-list">{items}</ul></div>')
        latest = "".join(self.link_li(a, today) for a in lists[""][:HOME_ITEMS])
        body = (f'<div class="main w1200"><div class="index-top"><div class="box-title"><span>最新动态</span></div>'
                f'<ul class="index-list">{latest}</ul></div>\n' + "\n".join(blocks) + "</div>")
        return self.page(self.agency.name, body, self.beacon(PAGE_ID=self.home_page_id))

    def render_section(self, sec: str, today: date) -> str:
        lists = self.listings(today)
        blocks = []
        for p in self.sections[sec]:
            items = "".join(self.link_li(a, today) for a in lists[p][:HOME_ITEMS])
            blocks.append(f'<div class="section-box"><div class="box-title"><span>{_e(self.col_name(p))}</span>'
                          f'<a class="more" href="{_e(self.base + p)}/">更多&gt;&gt;</a></div>'
                          f'<ul class="section-list">{items}</ul></div>')
        name = self.section_names[sec]
        body = f'<div class="main w1200">{self.breadcrumb(sec)}\n' + "\n".join(blocks) + "</div>"
        return self.page(f"{name}_{self.agency.name}", body,
                         self.beacon(PUB_TYPE="cat", CAT_ID=self.cat_ids[sec], PAGE_ID=1))

    def list_response(self, path: str, n: int, today: date, throttled: bool) -> SimResponse:
        arts = self.listings(today)[path]
        reachable = min(max(1, math.ceil(len(arts) / self.page_size)), self.pages_limit)
        if n > reachable:
            return SimResponse.not_found()
        html = self.cached(("list", path, n, today, throttled), lambda: self.render_list(path, n, today, throttled))
        return SimResponse.html(html)

    def render_list(self, path: str, n: int, today: date, throttled: bool) -> str:
        col = self.columns[path]
        lists = self.listings(today)
        arts = lists[path]
        shown = [] if throttled else arts[(n - 1) * self.page_size:n * self.page_size]
        title_attr = str(col.get("title_attr", "full"))
        items = "\n".join(self.link_li(a, today, title_attr) for a in shown)
        # Side widget: the newest items of the other columns, always fewer than the main list.
        side_n = SIDE_ITEMS if not shown else min(SIDE_ITEMS, len(shown) - 1)
        side = list(islice((a for a in lists[""] if path not in a.columns), side_n))
        side_html = "".join(self.link_li(a, today, date_span=False) for a in side)
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        siblings = self.sections.get(parent, [path]) if parent else [path]
        side_nav = "".join(
            f'<a{ON if p == path else ""} href="{_e(self.base + p)}/">{_e(self.col_name(p))}</a>'
            for p in siblings)
        side_title = self.section_names.get(parent, self.col_name(path)) if parent else self.col_name(path)
        name = self.col_name(path)
        body = (
            f'<div class="main w1200">{self.breadcrumb(path)}\n'
            f'<div class="left-side"><div class="side-title">{_e(side_title)}</div>'
            f'<div class="side-nav">{side_nav}</div>'
            f'<div class="side-box"><div class="side-box-title">热点信息</div><ul class="side-list">{side_html}</ul>'
            "</div></div>\n"
            f'<div class="right-main"><div class="list-title"><span>{_e(name)}</span></div>\n'
            f'<ul class="infoList">\n{items}\n</ul>\n'
            '<div class="page" id="page"><script type="text/javascript">\n'
            f"var currentPage = {n};\n"
            f"var totalPage = Math.ceil({len(arts)}/{self.page_size}); var pages_limit={self.pages_limit}; "
            "if(totalPage>pages_limit){ totalPage=pages_limit }\n"
            'createPageHTML(totalPage, currentPage, "index", "html");\n'
            "</script></div>\n</div></div>"
        )
        return self.page(f"{name}_{self.agency.name}", body,
                         self.beacon(PUB_TYPE="cat", CAT_ID=self.cat_ids[path], PAGE_ID=n))

    def article_response(self, path: str, post_id: int, today: date) -> SimResponse:
        art = self.world.article_by_id.get(post_id)
        if art is None or art.agency_id != self.agency.id or art.column != path or not art.visible(today):
            return SimResponse.not_found()
        modified = art.modified_on(today)
        if art.twin is not None:
            modified = max(modified, art.twin.modified_on(today))
        html = self.cached(("post", post_id, today), lambda: self.render_article(art, today))
        return SimResponse.html(html, cacheable=True, last_modified=modified)

    def attachments_of(self, art: WebArticle, today: date) -> list[Attachment]:
        if art.twin is not None:
            return art.twin.attachments_on(today)
        return [a for a in art.attachments if a.added_on is None or a.added_on <= today]

    def render_article(self, art: WebArticle, today: date) -> str:
        col = self.columns.get(art.column, {"name": art.column})
        title = self.title_of(art, today)
        url = article_url(self.agency, art)
        twin = art.twin
        if twin is not None and twin.report_year is not None:
            content = report_body_html(self.world, self.agency, twin.report_year)
            description = title
        else:
            paras = (self.world.body_paragraphs("catalog", twin.id, twin.year) if twin is not None
                     else self.world.body_paragraphs("web", art.id, art.year))
            content = "\n".join(f"<p>{_e(p)}</p>" for p in paras)
            description = paras[0][:80] if paras else title
        atts = self.attachments_of(art, today)
        if atts:
            content += "\n" + "".join(
                f'<p><a class="nfw-cms-attachment" href="http://{_e(self.agency.web_host)}{_e(a.path)}">{_e(a.name)}</a></p>'
                for a in atts)
        keywords = (twin.keywords if twin is not None and twin.keywords else str(col["name"]))
        prefix = "meta-" if col.get("meta_prefix") else ""
        idx = self.col_order.index(art.column) if art.column in self.columns else 0
        order = col.get("meta_order") or ("content_first" if (idx // 2) % 2 else "name_first")
        metas = [("ArticleTitle", title), ("PubDate", f"{art.published:%Y-%m-%d %H:%M:%S}"),
                 ("ContentSource", art.source), ("ColumnName", col["name"]), ("Url", url),
                 ("ArticleId", art.id), ("Keywords", keywords), ("Description", description)]
        if order == "content_first":
            head = "".join(f'<meta content="{_e(v)}" name="{prefix}{k}">\n' for k, v in metas)
        else:
            head = "".join(f'<meta name="{prefix}{k}" content="{_e(v)}">\n' for k, v in metas)
        related = list(islice((a for a in self.listings(today).get(art.column, []) if a.id != art.id), RELATED_ITEMS))
        related_html = "".join(
            f'<li><a href="{self.url_attr(a)}" target="_blank">{_e(self.title_of(a, today))}</a></li>'
            for a in related)
        body = (
            f'<div class="main w1200">{self.breadcrumb(art.column)}\n'
            '<div class="news_cont_d_wrap">\n'
            f'<div class="article-title"><h1>{_e(title)}</h1></div>\n'
            f'<div class="article-info"><span class="date">发布日期：{art.published:%Y-%m-%d %H:%M}</span>'
            f'<span class="source">来源：{_e(art.source)}</span>'
            '<span class="hits">浏览次数：<span id="hits"></span></span>'
            '<span class="font-size">字号：[ <a href="javascript:doZoom(18)">大</a> '
            '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a> ]</span></div>\n'
            f'<div class="article-content" id="zoom">\n{content}\n</div>\n'
            '<div class="article-tools"><a href="javascript:window.print()">打印本页</a>'
            '<a href="javascript:window.close()">关闭窗口</a></div>\n'
            f'<div class="qrcode"><img src="{_e(self.agency.web_root)}images/qrcode.png" alt=""><p>扫一扫在手机打开当前页</p></div>\n'
            f'<div class="related-links"><div class="related-title">相关信息</div><ul>{related_html}</ul></div>\n'
            "</div></div>"
        )
        return self.page(f"{title}_{self.agency.name}", body,
                         self.beacon(PUB_TYPE="post", POST_ID=art.id), head=head)


# The NFCMS pager: page 1 is index.html, page N ≥ 2 is index_N.html (1-based `current`).
_PAGER_JS = """
function createPageHTML(total, current, name, ext) {
  if (total <= 1) { return; }
  function u(n) { return n <= 1 ? name + "." + ext : name + "_" + n + "." + ext; }
  var h = ['<span class="total">共' + total + '页</span>'];
  if (current > 1) { h.push('<a href="' + u(1) + '">首页</a><a href="' + u(current - 1) + '">上一页</a>'); }
  var lo = Math.max(1, current - 4), hi = Math.min(total, lo + 8);
  for (var i = lo; i <= hi; i++) {
    h.push(i == current ? '<span class="current">' + i + '</span>' : '<a href="' + u(i) + '">' + i + '</a>');
  }
  if (current < total) { h.push('<a href="' + u(current + 1) + '">下一页</a><a href="' + u(total) + '">尾页</a>'); }
  document.write(h.join(""));
}
"""

# The statistics beacon (reference gkmlpt.md §6.4): one image request to statistics.gd.gov.cn.
_BEACON_JS = """(function (w) {
  var a = '//statistics.gd.gov.cn/visit/';
  if (w.NFCMS_PUB_TYPE == 'post') { a += 'post?site=' + w.NFCMS_SITE_ID + '&post=' + w.NFCMS_POST_ID; }
  else if (w.NFCMS_PUB_TYPE == 'cat') { a += 'cat?site=' + w.NFCMS_SITE_ID + '&cat=' + w.NFCMS_CAT_ID; }
  else { a += 'page?site=' + w.NFCMS_SITE_ID + '&page=' + w.NFCMS_PAGE_ID + '&u=' + encodeURIComponent(w.location.href); }
  setTimeout(function () { var b = new Image(); b.src = a + '&t=' + Math.random(); }, 100);
})(window);
"""
