"""Pure parsers for the bureau websites run on NFCMS (reference gkmlpt.md §6, §8).

- `parse_list`: a column list page (`…/{column}/index.html`, `index_N.html`): the entries of the
  main list and the totals declared by the paging script;
- `page_url`: the NFCMS paging rule (page 1 = index.html, page N ≥ 2 = index_N.html);
- `parse_article`: an article page `…/{column}/content/post_{id}.html`: meta tags, body text
  without page chrome, attachments.

The real Kaiping markup is unknown [unc], so both parsers find their target by structure (link
shapes, container classes, chrome-looking class names) rather than by one site's exact classes.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from .common import (
    AttachmentLink,
    ParseError,
    attachment_links,
    block_text,
    flat_text,
    has_class,
    html_truncation,
    inner_html,
    normalize_date,
    tag,
)

__all__ = ["ArticlePage", "ListEntry", "ListPage", "page_url", "parse_article", "parse_list"]


# ---------------------------------------------------------------- page chrome


# Class/id parts (split on '-', '_' and case changes) and tags that mark page chrome: navigation,
# side widgets, header/footer. A list or body inside such a region is never the main content.
_CHROME_TAGS = frozenset({"nav", "aside", "header", "footer"})
_CHROME_PARTS = frozenset({"nav", "navi", "navbar", "menu", "side", "sidebar", "aside", "header", "head", "top",
                           "topbar", "footer", "foot", "bottom", "copyright", "related", "relate", "xgxx", "xgwz",
                           "hot", "rank", "ranking", "recommend", "tuijian", "friend", "links", "sitemap",
                           "banner", "breadcrumb", "crumb", "position", "location", "search"})
_SPLIT_CLASS = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")


def _class_parts(el: Any) -> set[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {p.lower() for p in _SPLIT_CLASS.split(raw) if p}


def _is_chrome(el: Any) -> bool:
    return tag(el) in _CHROME_TAGS or not _CHROME_PARTS.isdisjoint(_class_parts(el))


def _in_chrome(el: Any) -> bool:
    """True when the element or one of its ancestors (below <body>) is page chrome."""
    node = el
    while node is not None and tag(node) not in ("body", "html"):
        if _is_chrome(node):
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------- list pages


@dataclass
class ListEntry:
    url: str  # absolute article URL as listed
    post_id: str
    title: str  # title attribute when present and not truncated, else the link text
    title_truncated: bool  # the chosen title ends with "…"/"...": fetch the article for the full title
    date: str  # YYYY-MM-DD, '' when the entry shows no date


@dataclass
class ListPage:
    entries: list[ListEntry]
    total_items: int | None  # N of Math.ceil(N/size)
    page_size: int | None
    pages_limit: int | None
    total_pages: int | None  # pages reachable by paging: min(ceil(N/size), pages_limit)
    capped: bool  # ceil(N/size) > pages_limit: the oldest items cannot be reached by paging
    current_page: int | None  # 1-based, as the script declares it


_POST_HREF = re.compile(r"(?:^|/)content/post_(\d+)\.html?(?=$|[?#])", re.I)
_CEIL = re.compile(r"Math\.ceil\(\s*(\d+)\s*/\s*(\d+)\s*\)")
_LIMIT = re.compile(r"\bpages_limit\s*=\s*(\d+)")
_CURRENT_VAR = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
# A call, not the pager's own `function createPageHTML(total, current, …)` definition.
_CREATE_PAGE = re.compile(r"(?<!function )(?<![\w.$])createPageHTML\s*\(\s*([^,()]*)")
_CREATE_ARGS = re.compile(r"\s*[^,()]+,\s*([^,()]+?)\s*,")
_URL_PAGE = re.compile(r"/index_(\d+)\.s?html?$", re.I)
_TRUNCATED = ("…", "...", "･･･", "⋯")


def _post_id(href: str) -> str | None:
    m = _POST_HREF.search(href.strip())
    return m.group(1) if m else None


def _truncated(title: str) -> bool:
    return title.endswith(_TRUNCATED)


def _anchor_title(a: Any) -> tuple[str, bool]:
    """The best title of a list anchor: the title attribute (comments inside the anchor make the
    link text unreliable) unless it is cut itself, then the link text."""
    attr = " ".join((a.get("title") or "").split())
    text = flat_text(a)
    if attr and not _truncated(attr):
        return attr, False
    title = text or attr
    return title, _truncated(title)


def _text_outside(el: Any, skip: Any) -> str:
    """Text of `el` leaving out the subtree of `skip` (the anchor: its title may contain a date)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node is skip:
            return
        if tag(node) not in (None, "script", "style"):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

    walk(el)
    return " ".join(parts)


def _entry_date(a: Any, stop: Any) -> str:
    """The date shown next to an anchor: climb from the anchor through its row (li, tr, div, …)
    while the ancestor holds no other article link, and read a date outside the anchor."""
    node = a.getparent()
    own = _post_id(a.get("href") or "")
    while node is not None and node is not stop.getparent():
        ids = {_post_id(x.get("href") or "") for x in node.iter("a")} - {None}
        if ids - {own}:
            break  # the row ends here: a wider element would read a neighbour's date
        found = normalize_date(_text_outside(node, a))
        if found:
            return found
        if node is stop:
            break
        node = node.getparent()
    return ""


def _post_anchors(el: Any) -> list[Any]:
    return [a for a in el.iter("a") if _post_id(a.get("href") or "")]


def _main_uls(root: Any) -> list[Any]:
    """The main list: the non-chrome `ul`/`ol` with the most `li` linking to posts; sibling lists of
    the same class under the same parent count too (some templates split one list every few items)."""
    best: Any = None
    best_n = 0
    for ul in root.iter("ul", "ol"):
        n = sum(1 for li in ul if tag(li) == "li" and _post_anchors(li))
        if n > best_n and not _in_chrome(ul):
            best, best_n = ul, n
    if best is None:
        return []
    parent, cls = best.getparent(), best.get("class")
    return [ul for ul in parent if tag(ul) == tag(best) and ul.get("class") == cls
            and (ul is best or any(tag(li) == "li" and _post_anchors(li) for li in ul))]


def _script_totals(html: str, url: str) -> tuple[int | None, int | None, int | None, int | None]:
    ceil = _CEIL.search(html)
    total, size = (int(ceil.group(1)), int(ceil.group(2))) if ceil else (None, None)
    limit_m = _LIMIT.search(html)
    limit = int(limit_m.group(1)) if limit_m else None
    current: int | None = None
    var = _CURRENT_VAR.search(html)
    if var:
        current = int(var.group(1))
    else:
        call = _CREATE_PAGE.search(html)
        args = _CREATE_ARGS.match(html, call.start(1)) if call else None
        if args and args.group(1).isdigit():
            current = int(args.group(1))
            # A literal may be 0-based on some templates [unc]: trust the URL when it says so.
            m = _URL_PAGE.search(urlsplit(url).path)
            url_page = int(m.group(1)) if m else 1
            if current == url_page - 1:
                current = url_page
    return total, size, limit, current


def parse_list(html: str, url: str) -> ListPage:
    """A column list page → its main-list entries and the totals of its paging script (§6.2, §6.3).

    An empty list with a paging script is valid (an empty column, or a throttled page: §8); a page
    with neither a paging script nor any post link is not a list page (ParseError).
    """
    sel = Selector(text=html)
    root = sel.root
    if root is None:
        raise ParseError(f"list page {url}: empty document")
    has_script = bool(_CEIL.search(html) or _CREATE_PAGE.search(html))
    anchors: list[Any] = []
    uls = _main_uls(root)
    if uls:
        for ul in uls:
            for li in ul:
                if tag(li) == "li":
                    anchors += [(a, li) for a in _post_anchors(li)]
    else:
        # Table lists (`<tr><th>date</th><td><a>`) and other shapes: every post link outside chrome.
        anchors = [(a, a) for a in _post_anchors(root) if not _in_chrome(a)]
    if not anchors and not has_script:
        n_links = len(_post_anchors(root))
        raise ParseError(f"list page {url}: no paging script (Math.ceil/createPageHTML) and no post links "
                         f"outside navigation/side widgets ({n_links} inside them): not a column list")

    entries: list[ListEntry] = []
    by_url: dict[str, ListEntry] = {}
    for a, row in anchors:
        href = (a.get("href") or "").strip()
        absolute = urljoin(url, href)
        title, cut = _anchor_title(a)
        seen = by_url.get(absolute)
        if seen is not None:
            if not seen.title and title:  # an image link first, the text link second
                seen.title, seen.title_truncated = title, cut
            continue
        post_id = _post_id(href)
        assert post_id is not None
        entry = ListEntry(url=absolute, post_id=post_id, title=title, title_truncated=cut,
                          date=_entry_date(a, row if row is not a else root))
        by_url[absolute] = entry
        entries.append(entry)

    total, size, limit, current = _script_totals(html, url)
    pages = math.ceil(total / size) if total is not None and size else None
    total_pages = None if pages is None else (min(pages, limit) if limit is not None else pages)
    capped = pages is not None and limit is not None and pages > limit
    return ListPage(entries=entries, total_items=total, page_size=size, pages_limit=limit,
                    total_pages=total_pages, capped=capped, current_page=current)


_INDEX_NAME = re.compile(r"^index(?:_\d+)?(\.s?html?)$", re.I)


def page_url(column_url: str, page: int) -> str:
    """Page `page` (1-based) of a column: index.html for 1, index_N.html for N ≥ 2 (never index_1).

    `column_url` may be the column directory (with or without its trailing '/'), or any of its
    index pages; a query or fragment is dropped. The index extension (.html/.shtml) is kept.
    """
    if page < 1:
        raise ValueError(f"page numbers start at 1, got {page}")
    parts = urlsplit(column_url.strip())
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    m = _INDEX_NAME.match(last)
    if m:
        directory, ext = head + "/", m.group(1)
    else:
        directory, ext = (path if path.endswith("/") else path + "/"), ".html"
    name = f"index{ext}" if page == 1 else f"index_{page}{ext}"
    return urlunsplit((parts.scheme, parts.netloc, directory + name, "", ""))


# ---------------------------------------------------------------- article pages


@dataclass
class ArticlePage:
    title: str
    published: str  # PubDate as given, e.g. "2024-04-16 13:23:11"
    source: str
    column_name: str
    article_id: str
    canonical_url: str
    meta: dict[str, str]  # every <meta name=…>, "meta-" prefix removed, first value wins
    body_text: str
    body_html: str
    attachments: list[AttachmentLink] = field(default_factory=list)


# Containers holding the body only, then wrappers that also hold title/info/tools (§6.4).
_BODY_ONLY = [
    "//div[@id='zoom']", f"//div[{has_class('article-content')}]", f"//div[{has_class('article_content')}]",
    f"//div[{has_class('TRS_Editor')}]", f"//div[{has_class('zoom')}]",
]
_WRAPPERS = [
    f"//div[{has_class('news_cont_d_wrap')}]", f"//div[{has_class('tyxxy_main')}]",
    f"//div[{has_class('content')}]", "//div[@id='content']",
]
_FILE_HREF = re.compile(r"(?:/attachment/|\.(?:pdf|docx?|xlsx?|et|wps|ofd|zip|rar|7z|pptx?|txt|csv)(?:$|[?#]))", re.I)

# Structural chrome inside a wrapper: class/id parts of the title, info row, tools, QR code, …
_BODY_CHROME_PARTS = _CHROME_PARTS | {"title", "info", "tools", "tool", "toolbar", "print", "qrcode", "ewm",
                                      "erweima", "share", "hits", "fontsize", "font", "date", "source", "prev",
                                      "next", "pager", "sxp", "fxd"}

# Phrase fallback (§6.4): lines that are nothing but chrome, and markers after which only chrome follows.
_CHROME_FIELD = re.compile(
    r"(?:发布(?:日期|时间)|更新(?:日期|时间))\s*[:：]\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?:信息)?来源\s*[:：].*?(?=(?:发布|更新|浏览|点击|阅读|访问|字号|作者|来源|【|\[|$))"
    r"|(?:浏览|点击|阅读|访问)(?:次数|量|数)?\s*[:：]\s*\d*(?:\s*次)?"
    r"|字号\s*[:：]?\s*[\[【]?\s*大\s*中\s*小\s*[\]】]?"
    r"|[\[【]\s*(?:大|中|小|打印|关闭|关闭窗口|打印本页|收藏|分享)\s*[\]】]"
    r"|打印本页|关闭窗口|打印|关闭|扫一扫在手机打开当前页|扫一扫(?:在手机上?)?(?:打开|阅读)(?:当前页|本页)?"
    r"|分享到\s*[:：]?|返回顶部|收藏本页")
_BREADCRUMB = re.compile(r"^(?:当前位置\s*[:：]?\s*)?(?:您的位置\s*[:：]?\s*)?首页\s*(?:>|＞|»|›|/|\\|→)")
_TAIL_MARKERS = re.compile(r"^(?:相关(?:信息|链接|文章|阅读|新闻)\s*[:：]?$|上一篇|下一篇|版权所有|备案号|网站标识码)")


def _is_chrome_line(line: str) -> bool:
    if _BREADCRUMB.match(line) or line.startswith("当前位置"):
        return True
    rest = _CHROME_FIELD.sub("", line)
    return not re.sub(r"[\s|｜·•/\\,，;；:：\[\]【】()（）]+", "", rest)


def _clean_lines(text: str, title: str) -> str:
    lines = text.split("\n")
    while lines and (_is_chrome_line(lines[0]) or (title and lines[0] == title)):
        lines.pop(0)
    for k, line in enumerate(lines):
        if k and _TAIL_MARKERS.match(line) and len(line) <= 40:
            lines = lines[:k]
            break
    return "\n".join(line for line in lines if not _is_chrome_line(line))


def _first(sel: Selector, xpaths: list[str], keep: Any = None) -> Any:
    """The candidate with the most text among the first selector that matches outside chrome."""
    for xp in xpaths:
        found = [n.root for n in sel.xpath(xp) if not _in_chrome(n.root) and (keep is None or keep(n.root))]
        if found:
            return max(found, key=lambda el: len(flat_text(el)))
    return None


def _densest(root: Any) -> Any:
    """Last resort: the non-chrome element with the most direct <p> children."""
    best, best_n = None, 0
    for el in root.iter():
        if tag(el) is None:
            continue
        n = sum(1 for c in el if tag(c) == "p")
        if n > best_n and not _in_chrome(el):
            best, best_n = el, n
    return best


def _strip_structural(container: Any, wrapper: bool) -> Any:
    """A copy of the container without scripts/styles and, for wrappers, chrome-classed blocks and h1."""
    clone = copy.deepcopy(container)
    doomed = []
    for el in clone.iter():
        name = tag(el)
        if el is clone or name is None:
            if name is None and el is not clone:
                doomed.append(el)  # comments
            continue
        if name in ("script", "style", "noscript", "template", "iframe"):
            doomed.append(el)
        elif wrapper and (name in ("h1", "h2") and el.getparent() is clone or name in _CHROME_TAGS
                          or not _BODY_CHROME_PARTS.isdisjoint(_class_parts(el))):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:  # keep the text that follows the removed element
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
    return clone


_META_PREFIX = re.compile(r"^meta-", re.I)
_PUB_TEXT = re.compile(r"发布(?:日期|时间)\s*[:：]\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                       r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)")
_SOURCE_TEXT = re.compile(r"(?:信息)?来源\s*[:：]\s*(.*?)\s*(?=发布|更新|浏览|点击|阅读|访问|字号|作者|【|\[|$)")


def _meta(sel: Selector) -> dict[str, str]:
    meta: dict[str, str] = {}
    for m in sel.xpath("//meta[@name]"):
        name = _META_PREFIX.sub("", (m.root.get("name") or "").strip())
        if name and name not in meta:
            meta[name] = (m.root.get("content") or "").strip()
    return meta


def _meta_get(meta: dict[str, str], name: str) -> str:
    """Case-insensitive lookup (some templates write `articletitle`)."""
    if name in meta:
        return meta[name]
    lower = name.lower()
    return next((v for k, v in meta.items() if k.lower() == lower), "")


def _page_lines(root: Any) -> list[str]:
    body = root.find("body")
    return block_text(body if body is not None else root).split("\n")


def parse_article(html: str, url: str) -> ArticlePage:
    """An NFCMS article page (§6.4): meta tags in either form, the body without chrome, attachments.
    A page cut short (no closing `</html>`, or nothing lxml can build a tree from) is a ParseError: its
    empty or partial body must never be stored as the article's."""
    cut = html_truncation(html)
    if cut:
        raise ParseError(f"article page {url}: truncated: {cut}")
    sel = Selector(text=html)
    root = sel.root
    if root is None:
        raise ParseError(f"article page {url}: no HTML document in the response")
    meta = _meta(sel)
    meta_title = " ".join(_meta_get(meta, "ArticleTitle").split())

    container = _first(sel, _BODY_ONLY)
    wrapper = False
    if container is None:
        container = _first(sel, _WRAPPERS)
        wrapper = container is not None
    if container is None and not meta_title:
        raise ParseError(f"article page {url}: neither an ArticleTitle meta tag nor a body container "
                         "(#zoom, .article-content, .news_cont_d_wrap, .tyxxy_main, .content): not an article page")
    if container is None:
        container = _densest(root)
        wrapper = True

    h1 = ""
    for scope in ([container] if wrapper else []) + [root]:
        found = [h for h in scope.iter("h1") if flat_text(h) and not _in_chrome(h)]
        if found:
            h1 = flat_text(found[0])
            break
    title = meta_title or h1
    if not title:
        page_title = root.findtext(".//title") or ""
        title = " ".join(page_title.split("_")[0].split())

    if container is not None:
        clean = _strip_structural(container, wrapper)
        body_text = _clean_lines(block_text(clean), title)
        body_html = inner_html(clean).strip()
    else:
        clean, body_text, body_html = None, "", ""

    published = _meta_get(meta, "PubDate")
    source = _meta_get(meta, "ContentSource")
    if not published or not source:
        lines = _page_lines(root)
        if not published:
            published = next((m.group(1) for line in lines if (m := _PUB_TEXT.search(line))), "")
        if not source:
            source = next((m.group(1) for line in lines if (m := _SOURCE_TEXT.search(line)) and m.group(1)), "")

    article_id = _meta_get(meta, "ArticleId") or (_post_id(urlsplit(url).path) or "")
    meta_url = _meta_get(meta, "Url")
    canonical = urljoin(url, meta_url) if re.match(r"^(?:https?:)?//", meta_url, re.I) else url

    candidates = [a for a in root.iter("a") if "nfw-cms-attachment" in (a.get("class") or "").split()]
    if container is not None:
        candidates += [a for a in container.iter("a") if _FILE_HREF.search(a.get("href") or "")]
    # Body links to files are plain anchors too: in-page and mail links among them are not attachments.
    attachments = attachment_links(candidates, url, text=flat_text, skip=("javascript:", "#", "mailto:"))

    return ArticlePage(title=title, published=published, source=source,
                       column_name=_meta_get(meta, "ColumnName"), article_id=article_id,
                       canonical_url=canonical, meta=meta, body_text=body_text, body_html=body_html,
                       attachments=attachments)
