"""From what the discovery spider read to a registry file, and back: `xxgk agencies add` / `check`.

- `Findings`: what the spider read (crawler/spiders/discover.py) and what it could not;
- `propose`: the registry data of a new agency, each value marked found, guessed or missing;
- `render_yaml`: that data as a commented registry file (what each key means, what was guessed, where
  the values came from and when);
- `check`: a registry file against a fresh reading: what still holds and what drifted.

Pure: no fetching, no files, no command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from crawler.parsing.discovery import (
    CatalogFacts,
    ListedItem,
    SitePage,
    article_column,
    flatten_outline,
    is_annual_report_title,
    main_publisher,
)
from crawler.taxonomy import normalize, shared

DEFAULT_REPORT_CATEGORY = "政府信息公开年报"  # what the registry assumes when a file names none
DEFAULT_POLITENESS = {"download_delay": 1.0, "concurrent_per_host": 1, "autothrottle_max_delay": 30,
                      "obey_robots": True, "download_timeout": 60}
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class Findings:
    """What one discovery crawl read (values) and could not read (problems by role: index, listing, page:PATH)."""

    gkmlpt_base: str = ""
    website_base: str = ""
    website_guessed: str = ""  # the twin URL the website base was guessed from ('' when given)
    catalog: CatalogFacts | None = None
    listing: list[ListedItem] = field(default_factory=list)  # page 1 of the annual report's category
    listing_url: str = ""
    pages: dict[str, SitePage] = field(default_factory=dict)  # website pages read, by column path
    link_names: dict[str, str] = field(default_factory=dict)  # column path → its navigation link text
    twin_columns: dict[str, str] = field(default_factory=dict)  # column path → an annual report twin in it
    problems: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    finish_reason: str = ""

    def columns(self) -> list[SitePage]:
        """The column list pages, in navigation order."""
        home = self.pages.get("")
        paths = [link.path for link in home.links] if home else []
        order = {p: i for i, p in enumerate(dict.fromkeys([*paths, *self.link_names]))}
        cols = [p for p in self.pages.values() if p.kind == "column"]
        return sorted(cols, key=lambda p: (order.get(p.path, len(order)), p.path))

    def column_name(self, page: SitePage) -> str:
        return self.link_names.get(page.path) or page.title or page.path

    def unanswered(self) -> dict[str, str]:
        return {k.removeprefix("page:"): v for k, v in self.problems.items() if k.startswith("page:")}


@dataclass
class Proposal:
    id: str
    data: dict[str, Any]  # the registry file's data
    found: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # dotted key → a comment for the file
    sources: list[str] = field(default_factory=list)  # URLs the values came from


class DiscoveryError(ValueError):
    """Nothing usable was found (the catalog index could not be read)."""


def default_id(gkmlpt_base: str) -> str:
    """An id from the catalog's URL: its site code (…/jmkpsjyj/gkmlpt/ → jmkpsjyj), else the host's name
    (www.jiangmen.gov.cn/gkmlpt/ → jiangmen)."""
    parts = urlsplit(gkmlpt_base)
    segments = [s for s in parts.path.split("/") if s]
    if "gkmlpt" in segments and segments.index("gkmlpt") > 0:
        return segments[segments.index("gkmlpt") - 1].lower()
    labels = [x for x in (parts.hostname or "").split(".") if x not in ("www", "gov", "cn", "com", "org", "")]
    return "-".join(labels).lower() or "agency"


def valid_id(agency_id: str) -> bool:
    return bool(_ID.match(agency_id))


def propose(f: Findings, agency_id: str = "", wechat_account: str = "") -> Proposal:
    """The registry data for the agency the findings describe, with what was found, guessed and missing."""
    cat = f.catalog
    if cat is None:
        raise DiscoveryError(f"the gkmlpt catalog index could not be read: {f.problems.get('index', 'not fetched')}")
    p = Proposal(id=agency_id or default_id(f.gkmlpt_base), data={})
    (p.found if agency_id else p.guessed).append(f"id {p.id}" + ("" if agency_id else " (from the catalog's URL)"))
    p.sources.append(urljoin(f.gkmlpt_base, "index"))
    name, how = cat.name, cat.name_from
    if not name:
        name, how = main_publisher(f.listing), "the publisher of its annual reports"
        if not name and f.pages.get(""):
            name, how = f.pages[""].meta_site_name, "the website's SiteName meta tag"
        if name:
            p.guessed.append(f"name {name} (from {how})")
    else:
        p.found.append(f"name {name} (from {how})")
    if not name:
        name = p.id
        p.missing.append("the agency's name: the index shows none; `name:` is the id until you edit it")
    p.data.update(id=p.id, name=name, host=urlsplit(f.gkmlpt_base).hostname or "")
    _catalog(p, f, cat)
    _website(p, f)
    if wechat_account:
        p.data["wechat"] = {"account": wechat_account}
        p.found.append(f"WeChat account 「{wechat_account}」 (as given; discovery does not reach WeChat)")
    else:
        p.missing.append("the WeChat account: not given (--wechat-account NAME); the channel is left out")
    p.data["politeness"] = dict(DEFAULT_POLITENESS)
    return p


def _catalog(p: Proposal, f: Findings, cat: CatalogFacts) -> None:
    parents = {n["parent"] for n in cat.flat.values()}
    leaves = sum(1 for cid in cat.flat if cid not in parents)
    p.found.append(f"SID {cat.sid} (from window._CONFIG)")
    p.found.append(f"category tree: {len(cat.flat)} categories, {leaves} without children"
                   + (f"; links to other sites: {', '.join(cat.links)}" if cat.links else "")
                   + (f"; never had an item: {', '.join(cat.never_had_items)}" if cat.never_had_items else ""))
    if cat.search_from == "guessed":
        p.notes["gkmlpt.search_jsonp"] = "GUESSED: the index names none."
    (p.found if cat.search_from != "guessed" else p.guessed).append(
        f"search endpoint {cat.search_jsonp}" + (" (SEARCH_JSONP_URL)" if cat.search_from != "guessed" else
                                                   " (the index names none: the province search, reference §4.6)"))
    p.data["gkmlpt"] = {"base": f.gkmlpt_base, "search_jsonp": cat.search_jsonp, "sid": cat.sid}
    if cat.service_area_id not in (None, ""):
        p.data["gkmlpt"]["service_area_id"] = cat.service_area_id
    p.data["gkmlpt"]["categories"] = cat.outline
    report: dict[str, Any] = {}
    if cat.report:
        report["catalog_category"] = cat.report["name"]
        p.found.append(f"annual report category {cat.report['name']} ({cat.report['id']}), {cat.report_how}")
        titles = [i.title for i in f.listing if is_annual_report_title(i.title)]
        if f.listing_url and not titles:
            p.notes["annual_report.catalog_category"] = "its first list page shows no annual report title"
    else:
        report["catalog_category"] = DEFAULT_REPORT_CATEGORY
        p.notes["annual_report.catalog_category"] = "NOT FOUND: the default; edit it"
        p.missing.append(f"the annual report's category: {cat.report_how}; `catalog_category` is the default "
                         f"{DEFAULT_REPORT_CATEGORY} until you edit it")
    p.data["annual_report"] = report
    if f.problems.get("listing"):
        p.missing.append(f"the annual report category's list: {f.problems['listing']}")


def _website(p: Proposal, f: Findings) -> None:
    if not f.website_base:
        p.missing.append("the website: not given (--website URL) and no annual report twin to guess it from")
        return
    home = f.pages.get("")
    if f.website_guessed:
        p.notes["website.base"] = "GUESSED from an annual report twin's URL"
        p.guessed.append(f"website {f.website_base} (from the annual report twin {f.website_guessed})")
    if home is None:
        p.missing.append(f"the website's home page: {f.problems.get('page:', 'not read')}")
    p.sources.append(f.website_base)
    columns = f.columns()
    for page in columns:
        p.notes[f"column:{page.path}"] = (f"{page.total_items} items" if page.total_items is not None else
                                          f"{page.entries} items on page 1")
        if page.capped:
            p.notes[f"column:{page.path}"] += "; paging capped (pages_limit): its oldest items are unreachable"
    if columns:
        p.guessed.append("columns " + ", ".join(f"{f.column_name(c)} ({c.path})" for c in columns)
                         + " (list pages the navigation links to: remove those you do not want archived)")
    else:
        p.missing.append("website columns: no column list page found from the home page")
    sections = [pg for pg in f.pages.values() if pg.kind == "section"]
    if sections:
        p.notes["sections"] = ", ".join(f"{f.column_name(s)} ({s.path})" for s in sections)
    p.data["website"] = {"base": f.website_base,
                         "columns": [{"path": c.path, "name": f.column_name(c)} for c in columns]}
    column, how = _report_column(f, [c.path for c in columns])
    if column:
        p.data["annual_report"]["website_column"] = column
        p.found.append(f"annual report column {column} ({how})")
    else:
        p.missing.append("the website column of the annual report: no twin URL in the catalog and no report "
                         "title on the columns' first pages")


def _report_column(f: Findings, columns: list[str]) -> tuple[str, str]:
    for column, url in f.twin_columns.items():
        if column in columns:
            return column, f"the catalog's annual report {url} is its twin there"
    for path in columns:
        reports = f.pages[path].annual_reports
        own = [t for t, u in reports if article_column(u, f.website_base) == path]
        if own:
            return path, f"its first page lists {own[0]}"
    return "", ""


# ---------------------------------------------------------------- the file


def _scalar(value: Any) -> str:
    """A YAML scalar, quoted only when plain text would read back differently."""
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return yaml.safe_dump(value).split("\n", 1)[0]
    text = str(value)
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and text.strip() == text and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _outline_lines(nodes: list[dict[str, Any]], indent: str) -> list[str]:
    lines = []
    for n in nodes:
        notes = []
        if n.get("jump_url"):
            notes.append("a link to another site: never crawled")
        elif n.get("post_count") == 0:
            notes.append("never had an item")
        head = f"{indent}- {{id: {n['id']}, name: {_scalar(n['name'])}"
        if n.get("jump_url"):
            head += f", jump_url: {_scalar(n['jump_url'])}"
        if n.get("children"):
            lines.append(f"{indent}- id: {n['id']}")
            lines.append(f"{indent}  name: {_scalar(n['name'])}" + (f"  # {'; '.join(notes)}" if notes else ""))
            lines.append(f"{indent}  children:")
            lines += _outline_lines(n["children"], indent + "    ")
        else:
            lines.append(head + "}" + (f"  # {'; '.join(notes)}" if notes else ""))
    return lines


def render_yaml(p: Proposal, when: str, via: str = "") -> str:
    """The registry file: the data of `p` with comments on every key and on what was guessed."""
    d, g = p.data, p.data.get("gkmlpt", {})
    out = [f"# {d['name']}: written by `xxgk agencies add` on {when} from",
           *(f"#   {url}" for url in p.sources)]
    if via:
        out.append(f"#   (read through the simulator at {via}, not the real sites)")
    out += ["# Review the lines marked GUESSED, then run `xxgk agencies check " + p.id + "` (same --registry).",
            "# Keys: crawler/agencies/kaiping-edu.yaml documents every one; `xxgk agencies` lists the registry.",
            f"id: {_scalar(d['id'])}  # = the file name; what --agency takes",
            f"name: {_scalar(d['name'])}",
            f"host: {_scalar(d['host'])}"]
    if g:
        out += ["gkmlpt:",
                "  # The catalog (政府信息公开目录); the crawler reads SID and TREE from its index on every run.",
                f"  base: {_scalar(g['base'])}",
                "  # The province search JSONP serves items outside the list API's window ({sid} is filled in)."
                + (" " + p.notes["gkmlpt.search_jsonp"] if p.notes.get("gkmlpt.search_jsonp") else ""),
                f"  search_jsonp: {_scalar(g['search_jsonp'])}",
                "  # As discovered: `xxgk agencies check` compares the live index with these two.",
                f"  sid: {_scalar(g['sid'])}"]
        if "service_area_id" in g:
            out.append(f"  service_area_id: {_scalar(g['service_area_id'])}")
        out.append("  categories:")
        out += _outline_lines(g.get("categories") or [], "    ")
    w = d.get("website")
    if w:
        out += ["website:",
                "  # The bureau website (NFCMS). Columns GUESSED: the list pages its navigation links to.",
                f"  base: {_scalar(w['base'])}" + (f"  # {p.notes['website.base']}" if p.notes.get("website.base")
                                                   else ""),
                "  columns:" if w["columns"] else "  columns: []"]
        for c in w["columns"]:
            note = p.notes.get(f"column:{c['path']}", "")
            out.append(f"    - {{path: {_scalar(c['path'])}, name: {_scalar(c['name'])}}}" + (f"  # {note}" if note else ""))
        if p.notes.get("sections"):
            out.append(f"  # Section pages (they list their columns' items; not archived): {p.notes['sections']}")
    if d.get("wechat"):
        out += ["wechat:", "  # The WeChat account's name (as given: discovery does not reach WeChat).",
                f"  account: {_scalar(d['wechat']['account'])}"]
    r = d.get("annual_report", {})
    out += ["annual_report:",
            "  # The catalog category the annual reports are published in (looked for by name: the shared",
            "  # taxonomy's 年报 family).",
            f"  catalog_category: {_scalar(r.get('catalog_category', DEFAULT_REPORT_CATEGORY))}"
            + (f"  # {p.notes['annual_report.catalog_category']}" if p.notes.get("annual_report.catalog_category")
               else "")]
    if r.get("website_column"):
        out += ["  # The website column that carries them too.", f"  website_column: {_scalar(r['website_column'])}"]
    out += ["# Report wording maps to catalog categories by name, else through the shared taxonomy of category",
            "# families (crawler/taxonomy.yaml). Wording it misses: add `category_aliases:` (report name: [catalog",
            "# names]); they win over the taxonomy.",
            "politeness:",
            "  # Real sites only (the simulator profile has no delays): about one request a second per host.",
            *(f"  {k}: {_scalar(v)}" for k, v in DEFAULT_POLITENESS.items())]
    return "\n".join(line for line in out if line != "") + "\n"


# ---------------------------------------------------------------- check


@dataclass
class CheckLine:
    status: str  # ok, drift, failed, note
    what: str
    text: str


def check(raw: dict[str, Any], report_category: str, report_column: str, columns: list[str],
          f: Findings) -> list[CheckLine]:
    """A registry file's values (its parsed YAML and the agency's derived fields) against a fresh reading."""
    out: list[CheckLine] = []
    g = raw.get("gkmlpt") or {}
    cat = f.catalog
    if g.get("base"):
        if cat is None:
            out.append(CheckLine("failed", "index", f"the catalog index does not answer: {f.problems.get('index')}"))
        else:
            out.append(CheckLine("ok", "index", f"the catalog index answers ({len(cat.flat)} categories)"))
            out += _check_catalog(g, cat, report_category)
    if (raw.get("website") or {}).get("base"):
        out += _check_website(f, columns, report_column)
    return out


def _check_catalog(g: dict[str, Any], cat: CatalogFacts, report_category: str) -> list[CheckLine]:
    out = []
    sid = str(g.get("sid") or "")
    if not sid:
        out.append(CheckLine("note", "sid", f"the file records no SID (the index says {cat.sid})"))
    elif sid != cat.sid:
        out.append(CheckLine("drift", "sid", f"SID changed: the file says {sid}, the index says {cat.sid}"))
    else:
        out.append(CheckLine("ok", "sid", f"SID {sid} unchanged"))
    if g.get("categories"):
        out += _tree_drift(flatten_outline(g["categories"]), cat.flat)
    else:
        out.append(CheckLine("note", "tree", f"the file records no category tree (the index has {len(cat.flat)})"))
    names = {normalize(n["name"]): n["name"] for n in cat.flat.values() if not n["jump_url"]}
    if normalize(report_category) in names:
        out.append(CheckLine("ok", "report category", f"{report_category} is in the tree"))
    else:
        family = [n for n in names.values() if shared().families_of(n) == ["年报"]]
        out.append(CheckLine("drift", "report category", f"{report_category} is no longer in the tree"
                             + (f"; of the 年报 family now: {', '.join(family)}" if family else "")))
    live = cat.search_jsonp if cat.search_from != "guessed" else ""
    if live and g.get("search_jsonp") and live != g["search_jsonp"]:
        out.append(CheckLine("drift", "search", f"the index's search endpoint is {live}, the file says "
                             f"{g['search_jsonp']}"))
    return out


def _tree_drift(mine: dict[int, dict[str, Any]], live: dict[int, dict[str, Any]]) -> list[CheckLine]:
    changes = []
    for cid in sorted(set(mine) - set(live)):
        changes.append(f"gone: {mine[cid]['name']} ({cid})")
    for cid in sorted(set(live) - set(mine)):
        changes.append(f"new: {live[cid]['name']} ({cid})")
    for cid in sorted(set(mine) & set(live)):
        a, b = mine[cid], live[cid]
        if a["name"] != b["name"]:
            changes.append(f"renamed: {a['name']} → {b['name']} ({cid})")
        if a["parent"] != b["parent"]:
            changes.append(f"moved: {b['name']} ({cid}) from parent {a['parent']} to {b['parent']}")
        if a["jump_url"] != b["jump_url"]:
            changes.append(f"link changed: {b['name']} ({cid}) {a['jump_url'] or '(none)'} → {b['jump_url'] or '(none)'}")
    if not changes:
        return [CheckLine("ok", "tree", f"category tree unchanged ({len(live)} categories)")]
    return [CheckLine("drift", "tree", c) for c in changes]


def _check_website(f: Findings, columns: list[str], report_column: str) -> list[CheckLine]:
    out = []
    home = f.pages.get("")
    out.append(CheckLine("ok", "website", "the website's home page answers") if home else
               CheckLine("failed", "website", f"the website's home page does not answer: {f.problems.get('page:')}"))
    unanswered = f.unanswered()
    for path in columns:
        page = f.pages.get(path)
        if page is None:
            out.append(CheckLine("failed", f"column {path}", f"does not answer: {unanswered.get(path, 'not read')}"))
        elif page.kind != "column":
            out.append(CheckLine("drift", f"column {path}", f"answers, but is no longer a column list ({page.kind})"))
        else:
            size = f"{page.total_items} items" if page.total_items is not None else f"{page.entries} items on page 1"
            out.append(CheckLine("ok", f"column {path}", f"answers ({size})"))
    if report_column:
        moved = [c for c in f.twin_columns if c != report_column]
        if report_column not in columns:
            out.append(CheckLine("drift", "report column", f"{report_column} is not one of the file's columns"))
        elif moved and report_column not in f.twin_columns:
            out.append(CheckLine("drift", "report column", f"the catalog's annual reports now have their website "
                                 f"twins in {', '.join(moved)}, not {report_column}"))
    new = [c for c in f.columns() if c.path not in columns]
    if new:
        out.append(CheckLine("note", "new columns", "the navigation links columns the file does not list: "
                             + ", ".join(f"{f.column_name(c)} ({c.path})" for c in new)))
    return out
