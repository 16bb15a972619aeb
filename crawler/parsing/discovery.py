"""Pure readers for discovering an agency (`xxgk agencies add` / `check`): what a gkmlpt index, a list-API
page and the pages of an NFCMS website say about the agency's channels.

- `read_catalog_index`: name, SID, the category TREE as an outline, the search JSONP endpoint and the
  annual report's category (the taxonomy's 年报 family, by name) from `window._CONFIG` (reference
  gkmlpt.md §3, §4.6), reusing `parse_index` / `walk_tree`;
- `read_listing`: a list-API page read tolerantly (titles, document and website URLs), to find the
  annual reports and, through their `post_url`, the website column that carries them;
- `site_path` / `read_site_page`: a website page's links to other columns (its navigation) and whether
  it is a column list (paging script or its own posts), a section landing page or neither (§6.1–6.3),
  reusing the NFCMS list parser.

Nothing here fetches: the discovery spider (crawler/spiders/discover.py) fetches and calls these.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.parsing import nfcms
from crawler.parsing.common import ParseError
from crawler.parsing.gkmlpt import clean_title, parse_index, walk_tree
from crawler.parsing.jsobject import JSObjectError, read_assignment
from crawler.taxonomy import ANNUAL_REPORT, shared

# What gkmlpt index titles append to the agency's name [unc: seen in the simulator; real titles unknown].
_CATALOG_SUFFIXES = ("政府信息公开目录系统", "政府信息公开目录", "信息公开目录", "政府信息公开", "信息公开")
DEFAULT_SEARCH = "http://search.gd.gov.cn/jsonp/site/{sid}"  # reference gkmlpt.md §4.6


# ---------------------------------------------------------------- the catalog index


@dataclass
class CatalogFacts:
    sid: str
    name: str
    name_from: str  # where the name was read ('' when none was found)
    outline: list[dict[str, Any]]  # the TREE as nested {id, name, post_count, jump_url?, children?}
    flat: dict[int, dict[str, Any]]  # id → {name, parent, jump_url, post_count, is_leaf}
    search_jsonp: str  # a template with {sid}
    search_from: str  # 'SEARCH_JSONP_URL' or 'guessed'
    service_area_id: Any
    report: dict[str, Any] | None  # the annual report's category: {id, name, post_count}
    report_how: str
    never_had_items: list[str] = field(default_factory=list)  # names of categories whose post_count is 0
    links: list[str] = field(default_factory=list)  # names of jump_url categories


def catalog_name(config: dict[str, Any], html: str) -> tuple[str, str]:
    """The agency's name from the index: `SITE_NAME` when _CONFIG has it, else the page title without its
    catalog suffix (开平市教育局政府信息公开目录 → 开平市教育局)."""
    site = config.get("SITE_NAME")
    if isinstance(site, str) and site.strip():
        return site.strip(), "_CONFIG.SITE_NAME"
    title = " ".join((Selector(text=html).xpath("//title/text()").get() or "").split())
    for suffix in _CATALOG_SUFFIXES:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip(" -_|"), "the index page's <title>"
    return "", ""


def tree_outline(tree: list[Any]) -> list[dict[str, Any]]:
    """TREE as nested plain nodes (what the registry file records and `check` compares)."""
    out = []
    for node in tree:
        if not isinstance(node, dict) or "id" not in node:
            continue
        item: dict[str, Any] = {"id": int(node["id"]), "name": str(node.get("name") or "")}
        if node.get("post_count") is not None:
            item["post_count"] = int(node["post_count"])
        if str(node.get("jump_url") or "").strip():
            item["jump_url"] = str(node["jump_url"]).strip()
        children = tree_outline(node.get("children") or []) if isinstance(node.get("children"), list) else []
        if children:
            item["children"] = children
        out.append(item)
    return out


def flatten_outline(outline: list[dict[str, Any]], parent: int = 0) -> dict[int, dict[str, Any]]:
    """id → {name, parent, jump_url} of an outline (from the live index or from a registry file)."""
    flat: dict[int, dict[str, Any]] = {}
    for node in outline:
        flat[int(node["id"])] = {"name": str(node.get("name") or ""), "parent": parent,
                                 "jump_url": str(node.get("jump_url") or "")}
        flat.update(flatten_outline(node.get("children") or [], int(node["id"])))
    return flat


def search_template(url: str, sid: str) -> str:
    """SEARCH_JSONP_URL as a registry template: absolute http(s), the SID replaced by `{sid}`."""
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    return re.sub(rf"(?<=/){re.escape(sid)}(?=$|[/?#])", "{sid}", url)


def report_category(nodes: list[Any]) -> tuple[dict[str, Any] | None, str]:
    """The category the annual reports are filed in: a category of the taxonomy's 年报 family (a leaf
    first, then the fullest), never a link to another site."""
    taxonomy = shared()
    found = [n for n in nodes if not n.jump_url and taxonomy.families_of(n.name) == [ANNUAL_REPORT]]
    if not found:
        return None, f"no category of the shared taxonomy's {ANNUAL_REPORT} family in the TREE"
    found.sort(key=lambda n: (not n.is_leaf, -(n.post_count or 0)))
    best = found[0]
    how = f"by name: {best.name} is of the shared taxonomy's {ANNUAL_REPORT} family"
    if len(found) > 1:
        how += f" (also of it: {', '.join(n.name for n in found[1:])})"
    return {"id": best.id, "name": best.name, "post_count": best.post_count}, how


def read_catalog_index(html: str) -> CatalogFacts:
    """What a gkmlpt index page says about its catalog; ParseError when `window._CONFIG` is unusable."""
    config = parse_index(html)
    try:
        raw = read_assignment(html, "window._CONFIG")
    except JSObjectError:  # parse_index read it, so this cannot happen; keep the name optional anyway
        raw = {}
    nodes = walk_tree(config.tree)
    name, name_from = catalog_name(raw, html)
    if config.search_jsonp_url.strip():
        search, search_from = search_template(config.search_jsonp_url, config.sid), "SEARCH_JSONP_URL"
    else:
        search, search_from = DEFAULT_SEARCH, "guessed"
    report, how = report_category(nodes)
    outline = tree_outline(config.tree)
    return CatalogFacts(
        sid=config.sid, name=name, name_from=name_from, outline=outline, flat=flatten_outline(outline),
        search_jsonp=search, search_from=search_from, service_area_id=config.service_area_id,
        report=report, report_how=how,
        never_had_items=[n.name for n in nodes if n.post_count == 0 and not n.jump_url],
        links=[n.name for n in nodes if n.jump_url])


# ---------------------------------------------------------------- a list-API page


@dataclass
class ListedItem:
    id: str
    title: str
    url: str
    post_url: str
    date: str  # YYYY-MM-DD (created_at), '' when absent
    publisher: str


_ANNUAL_TITLE = re.compile(r"信息公开.*(?:年度报告|年报)")


def is_annual_report_title(title: str) -> bool:
    """An annual report's title (…政府信息公开工作年度报告, …信息公开年报), widths and spaces aside."""
    return bool(_ANNUAL_TITLE.search("".join(unicodedata.normalize("NFKC", title or "").split())))


def read_listing(body: bytes | str) -> tuple[dict[str, Any], list[ListedItem]]:
    """(classify, items) of a list-API page, read tolerantly: only `articles` is required (trimmed real
    pages lack `total`/`offset`; discovery needs titles and URLs, not the paging)."""
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"list API: invalid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ParseError("list API: no 'articles' list")
    items = []
    for art in data["articles"]:
        if not isinstance(art, dict) or "id" not in art:
            continue
        items.append(ListedItem(id=str(art["id"]), title=clean_title(str(art.get("title") or "")),
                                url=str(art.get("url") or ""), post_url=str(art.get("post_url") or ""),
                                date=str(art.get("created_at") or "")[:10], publisher=str(art.get("publisher") or "")))
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    return classify, items


def main_publisher(items: list[ListedItem]) -> str:
    counts = Counter(i.publisher for i in items if i.publisher)
    return counts.most_common(1)[0][0] if counts else ""


def website_guess(post_url: str, gkmlpt_base: str) -> str:
    """The website a catalog document's `post_url` twin lives on: the host root when the catalog is at the
    root (/gkmlpt/), else the twin's first path segment (a site code, as /kpsjyjzww/ beside /jmkpsjyj/)."""
    twin, catalog = urlsplit(post_url), urlsplit(gkmlpt_base)
    if not twin.hostname or "/content/" not in twin.path:
        return ""
    root = f"{twin.scheme or 'http'}://{twin.netloc}/"
    segments = [s for s in twin.path.split("/") if s]
    if catalog.path.strip("/") == "gkmlpt" or len(segments) < 3:
        return root
    return root + segments[0] + "/"


# ---------------------------------------------------------------- website pages


_INDEX = re.compile(r"(?:^|/)index\.s?html?$", re.I)
_FILE = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_GENERIC = ("更多", "more", "首页", ">>", "》", "详细")


def site_path(url: str, base: str) -> str | None:
    """A URL's column path under the website base ('' for the home page): scheme-blind, `index.html`
    dropped; None for another site, an article, a paging page (index_N) or a file."""
    u, b = urlsplit(url), urlsplit(base)
    if not u.hostname or (u.hostname or "").lower() != (b.hostname or "").lower() or (u.port != b.port):
        return None
    base_path = b.path if b.path.endswith("/") else b.path + "/"
    path = u.path or "/"
    if not (path + ("" if path.endswith("/") else "/")).startswith(base_path):
        return None
    rest = path[len(base_path):] if path.startswith(base_path) else ""
    rest = _INDEX.sub("", rest).strip("/")
    if "content/" in rest + "/" or rest.startswith("content"):
        return None
    if _FILE.search(rest):  # index_2.html, a .css, .js, .png …: not a column
        return None
    return rest


@dataclass
class SiteLink:
    url: str
    path: str
    name: str


@dataclass
class SitePage:
    url: str
    path: str
    kind: str  # 'home', 'column' (a list page), 'section' (links to columns below it) or 'page'
    title: str  # the page's <title> up to its site suffix
    entries: int  # posts listed on the page
    own_entries: int  # … of them under this column's own path
    total_items: int | None  # N of the paging script's Math.ceil(N/size)
    capped: bool  # more pages than pages_limit: the oldest items cannot be reached by paging
    annual_reports: list[tuple[str, str]]  # (title, url) of annual reports listed on this page
    links: list[SiteLink]  # links to other columns or sections of the site
    meta_site_name: str = ""  # <meta name="SiteName">


def _link_name(a: Any) -> str:
    text = " ".join("".join(a.xpath(".//text()").getall()).split())
    title = " ".join((a.attrib.get("title") or "").split())
    for name in (text, title):
        if name and not any(g in name.lower() for g in _GENERIC) and len(name) <= 20:
            return name
    return ""


def site_links(html: str, page_url: str, base: str) -> list[SiteLink]:
    """Links of a page to columns or sections of the same website, first name wins (navigation first)."""
    found: dict[str, SiteLink] = {}
    for a in Selector(text=html).xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = urljoin(page_url, href)
        path = site_path(url, base)
        if not path:
            continue
        name = _link_name(a)
        seen = found.get(path)
        if seen is None:
            found[path] = SiteLink(url=url, path=path, name=name)
        elif not seen.name and name:
            seen.name = name
    return list(found.values())


def _page_title(sel: Selector) -> str:
    title = " ".join((sel.xpath("//title/text()").get() or "").split())
    return re.split(r"\s*[-_|—–]\s*", title, maxsplit=1)[0] if title else ""


def read_site_page(html: str, url: str, base: str) -> SitePage:
    """What one website page is: a column list (a paging script, or mostly posts of its own path), a section
    landing page (links to columns below its path) or another page; its links and listed annual reports."""
    sel = Selector(text=html)
    path = site_path(url, base) or ""
    try:
        listing = nfcms.parse_list(html, url)
        entries, total, capped = listing.entries, listing.total_items, listing.capped
    except ParseError:
        entries, total, capped = [], None, False
    prefix = f"{path}/content/" if path else "content/"
    own = [e for e in entries if (p := urlsplit(e.url).path) and prefix in p]
    links = [link for link in site_links(html, url, base) if link.path != path]
    below = [link for link in links if path and link.path.startswith(path + "/")]
    if not path:
        kind = "home"
    elif total is not None or (own and 2 * len(own) >= len(entries)):
        kind = "column"
    elif below:
        kind = "section"
    else:
        kind = "page"
    reports = [(e.title, e.url) for e in entries if is_annual_report_title(e.title)]
    meta = sel.xpath("//meta[translate(@name, 'SITENAM', 'sitenam')='sitename']/@content").get() or ""
    return SitePage(url=url, path=path, kind=kind, title=_page_title(sel), entries=len(entries),
                    own_entries=len(own), total_items=total, capped=capped, annual_reports=reports,
                    links=links, meta_site_name=meta.strip())


def article_column(post_url: str, base: str) -> str | None:
    """The column path an article URL lives under (…/{column}/content/post_N.html), None off the site."""
    u, b = urlsplit(post_url), urlsplit(base)
    if not u.hostname or (u.hostname or "").lower() != (b.hostname or "").lower():
        return None
    base_path = b.path if b.path.endswith("/") else b.path + "/"
    if not u.path.startswith(base_path) or "/content/" not in u.path:
        return None
    return u.path[len(base_path):].split("/content/", 1)[0].strip("/") or None
