"""What the channel parsers share: the error they raise, body decoding, the text of HTML elements
and blocks, date normalisation and attachment links.

Element helpers take lxml elements (a parsel selector's `.root`), so a parser can mix XPath
selection with plain tree walks.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree


class ParseError(ValueError):
    """The input is not what the parser expects; the message says precisely what was wrong."""


# ---------------------------------------------------------------- bodies


def html_truncation(body: bytes | str) -> str | None:
    """Why an HTML document was cut short — it opens `<html` but its last `<html` is never closed — or None.
    Every real page of ../shared/real-pages closes its `<html>` (WeChat's open with a commented-out
    `<html></html>` decoy, hence the last one); a page cut by a broken transfer does not."""
    data = (body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body).lower()
    if b"<html" in data[:4096] and data.rfind(b"</html") < data.rfind(b"<html"):
        return f"the HTML page ends after {len(data)} bytes without </html>"
    return None


def decode_body(body: bytes | str, what: str) -> str:
    """Text of a response body: UTF-8 (a BOM tolerated), else a ParseError naming what it was."""
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: body is not UTF-8 ({exc})") from None


def load_json(body: bytes | str, what: str, show: str = "end") -> Any:
    """A JSON body, else a ParseError quoting its end (`show="end"`: the catalog's APIs fail by
    truncation) or its start (`show="start"`: WeChat listers answer with an HTML login page)."""
    text = decode_body(body, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{what}: invalid JSON at char {exc.pos} of {len(text)}: {exc.msg}"
        if show == "start":
            raise ParseError(f"{where}; starts with {text[:60]!r}") from None
        at_end = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        truncated = " (truncated body?)" if at_end else ""
        raise ParseError(f"{where}{truncated}; ends with {text[-40:]!r}") from None


# ---------------------------------------------------------------- characters

BREAK = "\ue000"  # stands for a <br> until we know whether its neighbours want a space


_SURROGATE = re.compile("[\ud800-\udfff]")


def join_surrogates(text: str) -> str:
    """Join surrogate pairs produced by decoding UTF-16 code units one by one (`\\uD83D\\uDE00`)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def resolve_breaks(text: str) -> str:
    """Collapse whitespace; a <br> (BREAK) becomes a space between two narrow characters and nothing
    next to a CJK (wide) character, since Chinese text has no inter-word spaces: the CMS splits
    `关于开展<br/>工作的通知` visually, the title itself is `关于开展工作的通知`."""
    text = " ".join(text.split())
    if BREAK not in text:
        return text
    parts = [p.strip() for p in text.split(BREAK)]
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if out and not _wide(out[-1]) and not _wide(part[0]):
            out += " "
        out += part
    return " ".join(out.split())


_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?")


def normalize_date(text: str) -> str:
    """The first plausible date in `text` as YYYY-MM-DD ('YYYY-MM-DD', 'YYYY年M月D日', '/' and '.' forms);
    '' when there is none."""
    for m in _DATE.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1900 <= y <= 2200 and 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


# ---------------------------------------------------------------- elements


def tag(el: Any) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None  # comments/PIs have a callable tag


# lxml's plain HTML parser: the tree lxml.html's parser builds, without its element classes, whose lookup is
# Python code run for every element Python touches (~45 a gkmlpt document page).
_HTML_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)


def html_root(text: str) -> Any:
    """The lxml tree of an HTML page as parsel's `Selector(text=…)` builds it (the same libxml2 parse and
    options, NULs removed, an empty page as `<html/>`) but with one reusable parser and plain lxml elements,
    read with compiled `etree.XPath` expressions: a document page costs a fraction of parsel's per-call setup."""
    body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    root = etree.fromstring(body, parser=_HTML_PARSER)
    return root if root is not None else etree.fromstring(b"<html/>", parser=_HTML_PARSER)


def has_class(name: str) -> str:
    """An XPath predicate: the element's class list contains `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
                     "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article",
                     "header", "footer", "aside", "nav", "figure", "figcaption", "hr", "address", "center",
                     "form", "fieldset", "main"})
_NL = "\n"
_CELL = "\ue001"  # table cell separator until lines are normalised


def _inline(el: Any, out: list[str]) -> None:
    """Text of an element, block breaks included, used for body text and cells."""
    name = tag(el)
    if name is None or name in _SKIP:
        pass
    elif name == "br":
        out.append(_NL)
    elif name == "tr":
        cells = []
        for cell in el:
            if tag(cell) in ("td", "th"):
                parts: list[str] = []
                _children(cell, parts)
                cells.append(" ".join("".join(parts).split()))  # a cell stays on its row's line
        out.append(_NL + _CELL.join(cells) + _NL)
    elif name in _BLOCKS:
        out.append(_NL)
        _children(el, out)
        out.append(_NL)
    else:
        _children(el, out)
    if el.tail:
        out.append(el.tail)


def _children(el: Any, out: list[str]) -> None:
    if el.text and tag(el) not in _SKIP:
        out.append(el.text)
    for child in el:
        _inline(child, out)


def block_text(el: Any) -> str:
    """One line per block element (p, div, li, tr, br, …), whitespace collapsed, empty lines
    dropped; table cells joined by ' | ' (simulator.report.report_text uses the same form)."""
    parts: list[str] = []
    _children(el, parts)
    lines = []
    for line in "".join(parts).split(_NL):
        line = " ".join(line.split())
        if line.replace(_CELL, "").strip():
            lines.append(re.sub(f" ?{_CELL} ?", " | ", line))
    return "\n".join(lines)


def element_text(el: Any) -> str:
    """Whitespace-collapsed text of an element without scripts and styles; <br> handled as in titles
    (resolve_breaks). For labels, titles and link texts."""
    name = tag(el)
    if name is not None and name != "br" and name not in _SKIP and not len(el):
        return resolve_breaks(el.text or "")  # a leaf (most table cells): its own text, nothing to walk
    parts: list[str] = []

    def walk(node: Any) -> None:
        name = tag(node)
        if name == "br":
            parts.append(BREAK)
        elif name is not None and name not in _SKIP:
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return resolve_breaks("".join(parts))


def flat_text(el: Any) -> str:
    """Whitespace-collapsed text of every text node below `el` (scripts included, <br> ignored);
    itertext skips comments, so `<a> <!-- x --> 标题</a>` gives 标题."""
    return " ".join("".join(el.itertext()).split())


def inner_html(el: Any) -> str:
    head = htmllib.escape(el.text, quote=False) if el.text else ""
    return head + "".join(etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in el)


# ---------------------------------------------------------------- attachments


@dataclass
class AttachmentLink:
    aid: str
    url: str  # absolute
    name: str  # alt attribute, else the link text
    text: str  # the link text


def attachment_links(anchors: Iterable[Any], base_url: str, text: Callable[[Any], str] = element_text,
                     skip: tuple[str, ...] = ("javascript:",)) -> list[AttachmentLink]:
    """Attachment anchors as links, in document order: absolute, one per URL, hrefs starting with
    one of `skip` left out. The name is the alt attribute (NFCMS writes the file's name there),
    else the link text."""
    links: list[AttachmentLink] = []
    seen: set[str] = set()
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(skip):
            continue
        absolute = urljoin(base_url, href)
        if absolute in seen:
            continue
        seen.add(absolute)
        label = text(a)
        alt = " ".join((a.get("alt") or "").split())
        links.append(AttachmentLink(aid=(a.get("attachment-id") or "").strip(), url=absolute, name=alt or label,
                                    text=label))
    return links
