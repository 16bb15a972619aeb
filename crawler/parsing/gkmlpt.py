"""Pure parsers for the gkmlpt disclosure catalogue (reference gkmlpt.md §3–5, §8).

Everything here takes text/bytes (plus a URL where links must be resolved) and returns plain
dataclasses/dicts, so the spider, the pipelines and the tests share one reading of each format:

- `parse_index`: the SPA shell's `window._CONFIG` (a JS object literal, read by jsobject, never by
  per-field regexes);
- `walk_tree`: the category TREE and the leaf rule of §3;
- `parse_list` / `parse_search` / `search_to_article`: the list API and the province search JSONP,
  mapped onto one article shape;
- `clean_title` / `list_fingerprint`: title normalisation and the change-detection hash;
- `parse_document`: the server-rendered document page (metadata table, body, attachments,
  DETAIL and the table-vs-DETAIL cross-checks).

Shared helpers (ParseError, body decoding, element text, attachment links) live in common.py;
local time is archive.times' Asia/Shanghai.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from archive.times import local_date, local_seconds

from .common import (
    BREAK,
    AttachmentLink,
    ParseError,
    attachment_links,
    block_text,
    decode_body,
    element_text,
    has_class,
    html_root,
    inner_html,
    join_surrogates,
    load_json,
    normalize_date,
    resolve_breaks,
)
from .jsobject import JSObjectError, read_assignment

# ---------------------------------------------------------------- index page: _CONFIG and TREE


@dataclass
class CatalogConfig:
    sid: str  # SID as a string
    tree: list[dict[str, Any]]  # the raw TREE
    search_jsonp_url: str  # SEARCH_JSONP_URL as given ('' if absent)
    service_area_id: Any
    keys: list[str]  # every key of _CONFIG, in order


def parse_index(html: str) -> CatalogConfig:
    """Read SID, TREE and friends from the `window._CONFIG` object of an index (or document) page."""
    try:
        config = read_assignment(html, "window._CONFIG")
    except JSObjectError as exc:
        raise ParseError(f"index page: window._CONFIG unreadable: {exc}") from exc
    if "SID" not in config:
        what = " (ACTION 'content': a document page, not the catalog index)" if config.get("ACTION") == "content" else ""
        raise ParseError(f"index page: window._CONFIG has no SID{what} (keys: {', '.join(config) or 'none'})")
    sid = config["SID"]
    if isinstance(sid, bool) or not isinstance(sid, str | int) or str(sid).strip() == "":
        raise ParseError(f"index page: SID is not a non-empty string or number: {sid!r}")
    if "TREE" not in config:
        raise ParseError(f"index page: window._CONFIG has no TREE (keys: {', '.join(config)})")
    tree = config["TREE"]
    if not isinstance(tree, list):
        # jsobject returns non-JSON values as raw source text: TREE did not parse as a JSON array.
        raise ParseError(f"index page: TREE is not a JSON array (got {type(tree).__name__}: {str(tree)[:80]!r})")
    for i, node in enumerate(tree):
        if not isinstance(node, dict):
            raise ParseError(f"index page: TREE[{i}] is not an object: {node!r:.80}")
    search = config.get("SEARCH_JSONP_URL", "")
    return CatalogConfig(sid=str(sid).strip(), tree=tree, search_jsonp_url=search if isinstance(search, str) else "",
                         service_area_id=config.get("SERVICE_AREA_ID"), keys=list(config))


@dataclass
class CategoryNode:
    id: int
    name: str
    parent: int
    post_count: int | None
    jump_url: str
    is_leaf: bool
    depth: int


def _int_field(node: dict[str, Any], key: str, where: str, default: int | None = None) -> int | None:
    value = node.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(f"{where}: {key!r} is a boolean")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParseError(f"{where}: {key!r} is not an integer: {value!r}") from None


def walk_tree(tree: list[dict[str, Any]]) -> list[CategoryNode]:
    """Every node depth-first in TREE order, with the leaf rule of reference §3.

    A node with a non-empty jump_url only links elsewhere: it is listed (is_leaf False) but its
    subtree is skipped. Otherwise recurse into the children; a node whose children yield no leaf
    (none, or all of them jump_url nodes) counts as a leaf itself.
    """
    out: list[CategoryNode] = []

    def visit(node: Any, depth: int, path: str) -> bool:
        if not isinstance(node, dict):
            raise ParseError(f"TREE{path}: not an object: {node!r:.80}")
        if "id" not in node:
            raise ParseError(f"TREE{path}: node without 'id'")
        node_id = _int_field(node, "id", f"TREE{path}")
        assert node_id is not None
        jump = node.get("jump_url") or ""
        item = CategoryNode(id=node_id, name=str(node.get("name") or ""),
                            parent=_int_field(node, "parent", f"TREE{path}", 0) or 0,
                            post_count=_int_field(node, "post_count", f"TREE{path}"),
                            jump_url=str(jump), is_leaf=False, depth=depth)
        out.append(item)  # pre-order: the parent precedes its children; is_leaf filled in below
        if item.jump_url.strip():
            return False
        children = node.get("children") or []
        if not isinstance(children, list):
            raise ParseError(f"TREE{path}: 'children' is not a list")
        found = False
        for k, child in enumerate(children):
            found = visit(child, depth + 1, f"{path}.children[{k}]") or found
        item.is_leaf = not found
        return True

    if not isinstance(tree, list):
        raise ParseError(f"TREE is not a list: {type(tree).__name__}")
    for i, top in enumerate(tree):
        visit(top, 0, f"[{i}]")
    return out


# ---------------------------------------------------------------- list API


@dataclass
class ListPage:
    classify: dict[str, Any]
    total: int | None  # None: the page does not say (real catalogs differ); page until empty or 404
    offset: int | None
    articles: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # what the page left out, for the coverage record


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or_none(value: Any) -> int | None:
    """An integer, also one written as a string (other cities' catalogs do, china-governance coerces)."""
    if _is_int(value):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


NO_TOTALS = "the list page carries no total/offset: paged until an empty page or a 404"


def parse_list(body: bytes | str) -> ListPage:
    """One page of `GET …/gkmlpt/api/all/{cat}?page=&sid=` (reference §4.1).

    `total`, `offset` and `classify` may be missing or written as strings on other cities'
    catalogs: the page is read anyway, with a note saying what it left out (the spider then pages
    until an empty page or a 404). Only a body that lists nothing readable is an error."""
    data = load_json(body, "list API")
    if not isinstance(data, dict):
        raise ParseError(f"list API: expected a JSON object, got {type(data).__name__}")
    if "articles" not in data and ("code" in data or "msg" in data):
        # e.g. {"code":-1,"msg":"sid error"} with status 200 for a wrong sid
        raise ParseError(f"list API: error object: code {data.get('code')!r}, msg {data.get('msg')!r}")
    if "articles" not in data:
        raise ParseError(f"list API: missing key 'articles' (keys: {', '.join(data) or 'none'})")
    articles = data["articles"]
    if not isinstance(articles, list):
        raise ParseError(f"list API: 'articles' is not a list: {type(articles).__name__}")
    for i, art in enumerate(articles):
        if not isinstance(art, dict):
            raise ParseError(f"list API: articles[{i}] is not an object: {art!r:.80}")
        if "id" not in art:
            raise ParseError(f"list API: articles[{i}] has no 'id'")
    notes = []
    classify = data.get("classify")
    if not isinstance(classify, dict):
        notes.append(f"the list page's classify is {'missing' if classify is None else 'not an object'}")
        classify = {}
    total, offset = _int_or_none(data.get("total")), _int_or_none(data.get("offset"))
    if total is None or offset is None:
        notes.append(NO_TOTALS + (f" (total {data['total']!r})" if data.get("total") is not None and total is None
                                  else ""))
        total = offset = None
    return ListPage(classify=classify, total=total, offset=offset, articles=articles, notes=notes)


_LOCAL_STAMP = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def article_time(article: dict[str, Any]) -> int | None:
    """The entry's publication time, Unix seconds: `create_time`, else `created_at` (a local
    `YYYY-MM-DD HH:MM:SS`, also with `.`, `/` or 年月日), else `display_publish_time`."""
    value = _int_or_none(article.get("create_time"))
    if value is not None:
        return value
    m = _LOCAL_STAMP.search(str(article.get("created_at") or ""))
    if m:
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        return local_seconds(f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{sec:02d}")
    return _int_or_none(article.get("display_publish_time"))


# ---------------------------------------------------------------- search JSONP


@dataclass
class SearchPage:
    count: int | None  # None: the page does not say; page until an empty page
    results: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


_CALLBACK = re.compile(r"\s*(?:/\*.*?\*/\s*)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(", re.S)


def unwrap_jsonp(text: str) -> str:
    """The JSON inside `cb(...)` (any callback name, optional `/**/` prefix and trailing ';')."""
    m = _CALLBACK.match(text)
    if not m:
        raise ParseError(f"search JSONP: no callback call at the start: {text[:60]!r}")
    end = text.rstrip().rstrip(";").rstrip()
    if not end.endswith(")"):
        raise ParseError(f"search JSONP: callback {m.group(1)}( is not closed (truncated body?); "
                         f"ends with {text[-40:]!r}")
    return end[m.end():-1]


def parse_search(body: bytes | str) -> SearchPage:
    """A search.gd.gov.cn JSONP page → results and count (reference §4.6)."""
    text = decode_body(body, "search JSONP").strip()
    if text.startswith("{"):
        data = load_json(text, "search JSONP")
        if isinstance(data, dict) and ("errcode" in data or "errmsg" in data) and "results" not in data:
            raise ParseError(f"search JSONP: error object: errcode {data.get('errcode')!r}, "
                             f"errmsg {data.get('errmsg')!r} (is the callback parameter missing?)")
    else:
        data = load_json(unwrap_jsonp(text), "search JSONP")
    if not isinstance(data, dict):
        raise ParseError(f"search JSONP: expected a JSON object, got {type(data).__name__}")
    if "results" not in data:
        raise ParseError(f"search JSONP: missing key 'results' (keys: {', '.join(data) or 'none'})")
    results = data["results"]
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ParseError("search JSONP: 'results' is not a list of objects")
    count = _int_or_none(data.get("count"))
    notes = [] if count is not None else [f"the search page carries no count ({data.get('count')!r}): paged until "
                                          "an empty page"]
    return SearchPage(count=count, results=results, notes=notes)


def search_to_article(result: dict[str, Any]) -> dict[str, Any]:
    """Map one search result onto the list-API article shape (reference §4.2, §4.6).

    `title` loses the `<em>` highlighting (clean_title); `type` comes from `post_type`;
    `attachment` (a JSON string in search results) becomes a list; `create_time` is kept when
    present, else taken from `display_publish_time`, else from `pub_time` (local midnight for a
    bare date). Other keys (pub_time, isgkml, category, …) are kept unchanged.
    """
    out = {k: v for k, v in result.items() if k != "post_type"}
    if "post_type" in result:
        out["type"] = result["post_type"]
    out["title"] = clean_title(str(result.get("title") or ""))
    att = result.get("attachment")
    if att is None or (isinstance(att, str) and not att.strip()):
        out["attachment"] = []
    elif isinstance(att, str):
        try:
            parsed = json.loads(att)
        except json.JSONDecodeError as exc:
            raise ParseError(f"search result {result.get('id')!r}: attachment is not JSON: {exc.msg}: "
                             f"{att[:60]!r}") from None
        if not isinstance(parsed, list):
            raise ParseError(f"search result {result.get('id')!r}: attachment is not a JSON list: {att[:60]!r}")
        out["attachment"] = parsed
    elif isinstance(att, list):
        out["attachment"] = att
    else:
        raise ParseError(f"search result {result.get('id')!r}: attachment has type {type(att).__name__}")
    if not _is_int(out.get("create_time")):
        finer = result.get("display_publish_time")
        if _is_int(finer):
            out["create_time"] = finer
        elif isinstance(result.get("pub_time"), str):
            out["create_time"] = local_seconds(result["pub_time"])
        else:
            out.setdefault("create_time", None)
    for key in ("id", "url", "post_url", "type", "date", "publisher", "identifier", "document_number", "keywords",
                "abstract", "classify_main", "classify_main_name", "is_expired", "is_abolished"):
        out.setdefault(key, None)
    return out


# ---------------------------------------------------------------- titles


_PCT = re.compile(r"%u([0-9A-Fa-f]{4})|%([0-9A-Fa-f]{2})")
_PCT_U = re.compile(r"%u[0-9A-Fa-f]{4}")
_BS_U = re.compile(r"\\u([0-9A-Fa-f]{4})")
_BR = re.compile(r"<br\s*/?\s*>", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.S)  # as in HTML: no space after '<'
# What clean_title's steps act on (escapes, backslash escapes, tags, entities, breaks): a title without any is
# only collapsed (tests/crawler/test_fingerprint_fast.py holds the shortcut to the full steps).
_MARKUP = re.compile(r"[%\\<&" + BREAK + "]")


def _js_unescape(text: str) -> str:
    """JS `unescape()`, applied only to text that really is `escape()`d (it has a %uXXXX)."""
    if not _PCT_U.search(text):
        return text  # a lone "%20" or "5%" in an ordinary title stays as it is
    return join_surrogates(_PCT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text))


def _clean_once(text: str) -> str:
    text = _js_unescape(text)
    if "\\u" in text:
        text = join_surrogates(_BS_U.sub(lambda m: chr(int(m.group(1), 16)), text))
    text = _BR.sub(BREAK, text)
    text = _TAG.sub("", text)
    text = htmllib.unescape(text)
    text = _BR.sub(BREAK, text)  # a <br> that was written as &lt;br/&gt;
    text = _TAG.sub("", text)
    return resolve_breaks(text)


def clean_title(raw: str) -> str:
    """A title as plain text: %uXXXX (JS escape()) and leftover \\uXXXX decoded, HTML tags stripped
    (<br/> → space between narrow characters, nothing next to CJK), entities unescaped,
    whitespace collapsed and trimmed.

    Idempotent: the steps are repeated until the text stops changing, so an entity-escaped tag
    (`&lt;b&gt;`) is stripped in the same call rather than on a second one.
    """
    text = raw or ""
    if not _MARKUP.search(text):  # the usual title: nothing to decode or strip, only white space to collapse
        return " ".join(text.split())
    return _clean_title_steps(text)


def _clean_title_steps(text: str) -> str:
    for _ in range(4):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


# ---------------------------------------------------------------- fingerprint


FINGERPRINT_FIELDS = ("id", "title", "url", "post_url", "type", "date", "create_time", "publisher", "identifier",
                      "document_number", "keywords", "abstract", "classify_main", "is_expired", "is_abolished")
_SCHEME = re.compile(r"^(?:https?:)?//", re.I)


def _canon(value: Any) -> str:
    """Scalars as whitespace-normalised strings, so 123 == "123" and None == ""."""
    if type(value) is str:  # the usual case first: it runs for every field of every listed document
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def list_fingerprint(article: dict[str, Any], title: str | None = None) -> str:
    """sha256 hex of the fields whose change means "the document changed".

    Fields: id, title, url, post_url, type, date, create_time, publisher, identifier,
    document_number, keywords, abstract, classify_main, is_expired, is_abolished, and the
    attachments as (id, name, size, url) sorted by (id, url). Left out on purpose: created_at and
    display_publish_time (they jitter by seconds), classify_main_name/genre/theme and relation
    (derived or cosmetic), and keys the search index adds (pub_time, isgkml, category).

    Normalisation, so that the list API and search (after search_to_article) agree on the same
    document, as they do in the simulator:
    - title through clean_title: the API has `%uXXXX` escapes and `<br/>`/`<em>` markup that the
      search index does not, and search adds `<em>` highlighting;
    - type from post_type and the attachment JSON string parsed (done by search_to_article);
    - every scalar as a whitespace-collapsed string (123 == "123", None == missing == "");
    - URLs without their scheme (the API says http: on https sites, links may be `//host/…`).
    create_time is kept although a search result without one falls back to pub_time's midnight:
    the simulator's search carries the API's create_time, and a real gap should show up.

    `title`, when given, is the entry's title already through clean_title (the spider has it).
    The canonical JSON is written straight from a template for the usual entry (every value a str,
    an int or None, attachments a list of objects): byte for byte what `_canonical_record` +
    `json.dumps(sort_keys=True)` write, which stays the way for anything else
    (tests/crawler/test_fingerprint_fast.py holds the two to each other).
    """
    canonical = _canonical_fast(article, title)
    if canonical is None:
        canonical = json.dumps(_canonical_record(article), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical_record(article: dict[str, Any]) -> dict[str, Any]:
    """The fingerprinted fields of an entry, normalised (see list_fingerprint)."""
    rec: dict[str, Any] = {}
    for key in FINGERPRINT_FIELDS:
        value = article.get(key)
        if key == "title":
            rec[key] = clean_title(str(value or ""))
        elif key in ("url", "post_url"):
            rec[key] = _SCHEME.sub("", _canon(value))
        else:
            rec[key] = _canon(value)
    atts = article.get("attachment") or []
    if isinstance(atts, str):
        try:
            atts = json.loads(atts) if atts.strip() else []
        except json.JSONDecodeError:
            atts = [{"name": atts}]
    reduced = [[_canon(a.get("id")), _canon(a.get("name")), _canon(a.get("size")),
                _SCHEME.sub("", _canon(a.get("url")))] for a in atts if isinstance(a, dict)]
    rec["attachment"] = sorted(reduced, key=lambda r: (r[0], r[3], r[1], r[2]))
    return rec


# The record's keys in json.dumps(sort_keys=True) order, the JSON around their values, and how each is read.
_SORTED_FIELDS = tuple(sorted((*FINGERPRINT_FIELDS, "attachment")))
_TEMPLATE = "{" + ",".join(f'"{k}":%s' for k in _SORTED_FIELDS) + "}"
_PLAIN, _URL, _TITLE, _ATTACHMENT = range(4)
_LAYOUT = tuple((k, {"url": _URL, "post_url": _URL, "title": _TITLE, "attachment": _ATTACHMENT}.get(k, _PLAIN))
                for k in _SORTED_FIELDS)
_json_str = json.encoder.encode_basestring  # json.dumps' own string encoder for ensure_ascii=False


def _plain(value: Any) -> str | None:
    """_canon of a str, an int or None; None for any other type (left to the general way)."""
    kind = type(value)
    if kind is str:
        return " ".join(value.split())
    if kind is int:
        return str(value)
    if value is None:
        return ""
    return None


def _canonical_fast(article: dict[str, Any], title: str | None) -> str | None:
    """The canonical JSON of an entry whose values are all str, int or None; None for any other entry."""
    get = article.get
    encoded = []
    for key, how in _LAYOUT:  # one pass in output order: this runs for every listed document
        value = get(key)
        kind = type(value)
        if how == _PLAIN or how == _URL:
            if kind is str:
                value = " ".join(value.split())
                encoded.append(_json_str(_SCHEME.sub("", value) if how == _URL else value))
            elif kind is int:
                encoded.append(f'"{value}"')
            elif value is None:
                encoded.append('""')
            else:
                return None
        elif how == _TITLE:
            if kind is str:
                encoded.append(_json_str(clean_title(value) if title is None else title))
            elif value is None:
                encoded.append('""')
            else:
                return None
        elif not value:
            encoded.append("[]")
        elif kind is list:
            reduced = []
            for a in value:
                if type(a) is not dict:
                    return None
                row = (_plain(a.get("id")), _plain(a.get("url")), _plain(a.get("name")), _plain(a.get("size")))
                if None in row:
                    return None
                reduced.append((row[0], _SCHEME.sub("", row[1]), row[2], row[3]))  # sorted on (id, url, name, size)
            encoded.append("[" + ",".join(f"[{_json_str(i)},{_json_str(n)},{_json_str(z)},{_json_str(u)}]"
                                          for i, u, n, z in sorted(reduced)) + "]")
        else:
            return None
    return _TEMPLATE % tuple(encoded)


# ---------------------------------------------------------------- document page


@dataclass
class DocumentPage:
    meta: dict[str, str]
    title: str
    h1: str
    body_text: str
    body_html: str
    attachments: list[AttachmentLink]
    detail: dict[str, Any] | None
    checks: list[dict[str, Any]] = field(default_factory=list)


_CLASSIFY_ROWS = etree.XPath(f"//div[{has_class('classify')}]//tr")
_H1_TITLE = etree.XPath(f"//h1[{has_class('title')}]")
_CONTENT = etree.XPath(f"//div[{has_class('article-content')}]")
_ATTACHMENTS = etree.XPath(f"//a[{has_class('nfw-cms-attachment')}]")

_LABEL_END = ("：", ":")
_LABELS = "索引号|分类|发布机构|成文日期|名称|文号|发布日期|主题词"
_KNOWN_LABEL = re.compile(rf"(?:{_LABELS})\s*[：:]")
_ONE_CELL = re.compile(rf"^({_LABELS})\s*[：:]\s*(.*)$")


def _table_meta(rows: list[Any]) -> dict[str, str]:
    """Label → value from the classify table: a cell ending in '：' labels the next cell.
    Also accepts '标签：值' in a single cell (seen on some templates)."""
    meta: dict[str, str] = {}
    for row in rows:
        cells = list(row.iterchildren("td", "th"))  # lxml's HTML parser lower-cases every tag name
        i = 0
        while i < len(cells):
            text = element_text(cells[i])
            if text.endswith(_LABEL_END):
                label = text.rstrip("：:").strip()
                value = element_text(cells[i + 1]) if i + 1 < len(cells) else ""
                if _KNOWN_LABEL.fullmatch(value):
                    value, i = "", i - 1  # an empty one-cell value: the next cell is the next label
                if label and label not in meta:
                    meta[label] = value
                i += 2
                continue
            m = _ONE_CELL.match(text)
            if m and m.group(1) not in meta:
                meta[m.group(1)] = m.group(2)
            i += 1
    return meta


def _table_date(value: str) -> str:
    return normalize_date(value) or " ".join(value.split())


def _norm(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


def _cross_checks(meta: dict[str, str], detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Disagreements between the metadata table and DETAIL. A field is compared only when the
    table has the label and DETAIL has the key (a missing side is not a disagreement)."""
    checks: list[dict[str, Any]] = []

    def check(name: str, label: str, key: str, convert: Any, same: Any = None) -> None:
        if label not in meta or key not in detail:
            return
        table_value = _norm(meta[label])
        detail_value = convert(detail[key])
        if detail_value is None:
            return
        equal = same(table_value, detail_value) if same else table_value == _norm(detail_value)
        if not equal:
            checks.append({"field": name, "table_value": meta[label], "detail_value": detail_value})

    def same_title(table_value: str, detail_title: str) -> bool:
        # DETAIL titles may be HTML (<br/>, <em>) or plain text that looks like HTML (a title that is
        # literally about "<script>"): equal if equal as text either way.
        return table_value == _norm(detail_title) or clean_title(table_value) == clean_title(detail_title)

    check("title", "名称", "title", lambda v: str(v if v is not None else ""), same_title)
    check("identifier", "索引号", "identifier", _norm)
    check("document_number", "文号", "document_number", _norm)
    check("publisher", "发布机构", "publisher", _norm)
    check("published_date", "发布日期", "create_time", local_date,
          lambda t, d: _table_date(t) == d)
    check("written_date", "成文日期", "date", local_date, lambda t, d: _table_date(t) == d)
    check("category", "分类", "classify_main_name", _norm)
    return checks


NO_TABLE = "no div.classify table and no h1.title: fields read from window._CONFIG.DETAIL"


def _detail_meta(detail: dict[str, Any]) -> dict[str, str]:
    """The metadata table's labels, filled from DETAIL (a page that shows no table)."""
    meta = {"名称": clean_title(str(detail.get("title") or "")), "索引号": _norm(detail.get("identifier")),
            "发布机构": _norm(detail.get("publisher")), "文号": _norm(detail.get("document_number")),
            "分类": _norm(detail.get("classify_main_name")), "主题词": _norm(detail.get("keywords"))}
    for label, key in (("发布日期", "create_time"), ("成文日期", "date")):
        stamp = _int_or_none(detail.get(key))
        meta[label] = local_date(stamp) if stamp is not None else ""
    return {k: v for k, v in meta.items() if v}


def _config_detail(html: str) -> tuple[dict[str, Any] | None, str]:
    """DETAIL of the page's window._CONFIG, or None and why not."""
    try:
        config = read_assignment(html, "window._CONFIG", until="DETAIL")
    except JSObjectError as exc:
        return None, f"window._CONFIG unreadable: {exc}"
    value = config.get("DETAIL")
    if isinstance(value, dict):
        return value, ""
    return None, "window._CONFIG has no DETAIL" if "DETAIL" not in config else \
        f"DETAIL is not a JSON object: {str(value)[:60]!r}"


def parse_document(html: str, url: str) -> DocumentPage:
    """A gkmlpt document page `…/content/{a}/{b}/post_{id}.html` (reference §5).

    The table is the source of truth (its text is data: an escaped "<script>" in 名称 is returned
    as those characters); DETAIL is parsed with jsobject and compared field by field. A page that
    shows neither the table nor the h1 (other templates; trimmed captures) is read from DETAIL alone,
    with a check saying so; without DETAIL either, it is not a document page."""
    root = html_root(html)
    rows = _CLASSIFY_ROWS(root)
    h1s = _H1_TITLE(root)
    detail, why_not = _config_detail(html)
    if not rows and not h1s:
        if detail is None:
            raise ParseError(f"document page {url}: neither a div.classify table nor an h1.title, and {why_not} "
                             "(not a document page)")
        return _detail_document(detail, url)
    meta = _table_meta(rows)
    h1 = element_text(h1s[0]) if h1s else ""
    title = meta.get("名称", "").strip() or h1

    content = _CONTENT(root)
    body_text = block_text(content[0]) if content else ""
    body_html = inner_html(content[0]) if content else ""

    attachments = attachment_links(_ATTACHMENTS(root), url)

    checks: list[dict[str, Any]] = []
    if detail is None:
        checks.append({"field": "detail", "table_value": None, "detail_value": None, "reason": why_not})
    else:
        checks += _cross_checks(meta, detail)
    return DocumentPage(meta=meta, title=title, h1=h1, body_text=body_text, body_html=body_html,
                        attachments=attachments, detail=detail, checks=checks)


def _detail_document(detail: dict[str, Any], url: str) -> DocumentPage:
    meta = _detail_meta(detail)
    content = str(detail.get("content") or "")
    root = lxml_html.fragment_fromstring(content, create_parent="div") if content.strip() else None
    attachments = attachment_links(_ATTACHMENTS(root) if root is not None else [], url)
    return DocumentPage(meta=meta, title=meta.get("名称", ""), h1="", body_text=block_text(root) if root is not None
                        else "", body_html=content, attachments=attachments, detail=detail,
                        checks=[{"field": "page", "table_value": None, "detail_value": None, "reason": NO_TABLE}])


__all__ = [
    "NO_TABLE", "NO_TOTALS", "CatalogConfig", "CategoryNode", "DocumentPage", "ListPage", "SearchPage", "article_time",
    "clean_title", "list_fingerprint", "parse_document", "parse_index", "parse_list", "parse_search",
    "search_to_article", "unwrap_jsonp", "walk_tree",
]
