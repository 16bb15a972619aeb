"""Read the values WeChat article pages assign in their scripts (reference wechat.md §1.3).

Pages write values twice over: plain JS strings hold HTML-escaped text with `\\xNN` escapes
(`var msg_title = '…'.html(false)`, `htmlDecode("…")`, `var author = "…"`), `window.cgiDataNew`
holds raw text inside `JsDecode('…')` and numbers as `'123' * 1`.

Real pages are 2–4 MB, almost all of it inline library code, so nothing here walks that code token
by token. `scan_scripts(body, spans, names)` works on the raw bytes: one literal-prefixed search
finds `var NAME =` / `window.NAME =` for the wanted names only, a value is read only when it is a
literal (strings, numbers, `htmlDecode`/`JsDecode` calls, `||`, `* 1`, `.html(false)`), and only
the statements found are decoded. A match must sit in code, not inside a string or comment (a title
that spells `var ct = …` cannot pose as a variable): JS strings cannot span lines, so the line up to
the match is tokenized; when a block comment, a template literal or a line continuation could reach
into that line, or the line says "inside a string", the script is tokenized from its start instead.
Known limit, as in jsobject: regex literals are not recognised.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Collection
from typing import Any

from .common import join_surrogates
from .jsobject import JSObjectError, raw_members, read_value

# ---------------------------------------------------------------- JS string values

_JS_ESC = re.compile(r"\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|\r\n|[\s\S])")
_JS_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_Q = r"""'([^'\\\n]*(?:\\.[^'\\\n]*)*)'|"([^"\\\n]*(?:\\.[^"\\\n]*)*)\""""
_TERM_CALL = re.compile(rf"""(htmlDecode|JsDecode)\s*\(\s*(?:{_Q})\s*\)""", re.S)
_TERM_STR = re.compile(rf"""(?:{_Q})\s*(\.html\(\s*(?:false|0)?\s*\))?\s*(\*\s*1)?""", re.S)
_TERM_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_OR_TOKEN = re.compile(r"""'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\|\|""", re.S)
_JSDECODE = re.compile(r"""JsDecode\(\s*'([^'\\\n]*(?:\\.[^'\\\n]*)*)'\s*\)""", re.S)
_TIMES_ONE = re.compile(r"""'(-?\d+(?:\.\d+)?)'\s*\*\s*1""")
_UNPARSED = object()


def _js_unescape(body: str) -> str:
    """The value of a JS string literal's body: \\xNN, \\uNNNN, \\u{…}, \\n …, line continuations."""
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        if e[0] == "u" and len(e) == 5:
            return chr(int(e[1:], 16))
        if e in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
            return ""
        return _JS_SIMPLE.get(e, e)

    return join_surrogates(_JS_ESC.sub(one, body))  # \uD83D\uDE00 pairs → one character


def _split_or(src: str) -> list[str]:
    """Top-level operands of `a || b || c` (strings skipped)."""
    parts, start = [], 0
    for m in _OR_TOKEN.finditer(src):
        if m.group(0) == "||":
            parts.append(src[start:m.start()])
            start = m.end()
    parts.append(src[start:])
    return parts


def _number(text: str) -> int | float | None:
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _js_term(src: str, html_layer: bool) -> Any:
    src = src.strip()
    m = _TERM_CALL.fullmatch(src)
    if m:
        raw = _js_unescape(m.group(2) if m.group(2) is not None else m.group(3))
        return htmllib.unescape(raw) if m.group(1) == "htmlDecode" else raw  # JsDecode: raw text
    m = _TERM_STR.fullmatch(src)
    if m:
        value = _js_unescape(m.group(1) if m.group(1) is not None else m.group(2))
        if m.group(3) or html_layer:  # .html(false) is the HTML layer; plain strings carry it too
            value = htmllib.unescape(value)
        return _number(value) if m.group(4) else value
    if _TERM_NUM.fullmatch(src):
        return _number(src)
    return _UNPARSED


def _js_eval(src: str, html_layer: bool) -> Any:
    """Value of `"a" || "" || "b"`, `'…'.html(false)`, `htmlDecode("…")`, `JsDecode('…')`,
    `'123' * 1` or a number: the first operand with a value (JS `||`), None when all are empty
    (`"" * 1` is an absent count, not 0), `_UNPARSED` for anything else."""
    values = [_js_term(part, html_layer) for part in _split_or(src)]
    if all(v is _UNPARSED for v in values):
        return _UNPARSED
    known = [v for v in values if v is not _UNPARSED]
    for v in known:
        if v is not None and v != "":
            return v
    return known[-1] if known else None


def _cgi_value(value: Any) -> Any:
    """A cgiDataNew member: jsobject leaves `JsDecode('…')` and `'1' * 1` as source text."""
    if isinstance(value, dict):
        return {k: _cgi_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cgi_value(v) for v in value]
    if isinstance(value, str):
        m = _JSDECODE.fullmatch(value)  # the common forms first, without the general evaluator
        if m:
            return _js_unescape(m.group(1))
        m = _TIMES_ONE.fullmatch(value)
        if m:
            return _number(m.group(1))
        out = _js_eval(value, html_layer=False)
        return value if out is _UNPARSED else out
    return value


# ---------------------------------------------------------------- scripts in raw page bytes

_SCRIPT_OPEN = re.compile(rb"<script\b[^>]*>", re.I)
_SCRIPT_CLOSE = re.compile(rb"</script\s*>", re.I)
_BQ = rb"""'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*\""""
_BTERM = (rb"(?:(?:htmlDecode|JsDecode)\s*\(\s*(?:" + _BQ + rb")\s*\)|(?:" + _BQ
          + rb")(?:\s*\.html\(\s*(?:false|0)?\s*\))?(?:\s*\*\s*1)?|-?\d+(?:\.\d+)?)")
_LITERAL = re.compile(_BTERM + rb"(?:\s*\|\|\s*" + _BTERM + rb")*(?=\s*(?:[;,)}\r\n]|$))")
# Tokens of one line; a token whose closer group is empty runs past the match (an open string/comment).
_LINE_TOKEN = re.compile(rb"""'[^'\\\n]*(?:\\.[^'\\\n]*)*(?P<q1>')?|"[^"\\\n]*(?:\\.[^"\\\n]*)*(?P<q2>")?|`[^`\\]*(?:\\.[^`\\]*)*(?P<q3>`)?"""
                         rb"""|//|/\*(?:.*?(?P<q4>\*/))?""", re.S)
_CODE_TOKEN = re.compile(rb"""'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|`[^`\\]*(?:\\.[^`\\]*)*`|//[^\n]*|/\*.*?(?:\*/|$)""",
                         re.S)
_IDENT_BYTE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")
CGI = "cgiDataNew"


def script_spans(body: bytes) -> list[tuple[int, int]]:
    """(start, end) of every inline script's text, in page order. A script ends at the first
    `</script`, as HTML parsers end it."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _SCRIPT_OPEN.search(body, pos)) is not None:
        close = _SCRIPT_CLOSE.search(body, m.end())
        end = close.start() if close else len(body)
        spans.append((m.end(), end))
        pos = close.end() if close else len(body)
    return spans


def _inside_token(body: bytes, start: int, end: int, p: int) -> bool:
    """Whether offset p of the script body[start:end] lies inside a string, template or comment
    (tokenized from the script's start)."""
    for m in _CODE_TOKEN.finditer(body, start, end):
        if m.start() >= p:
            return False
        if m.end() > p:
            return True
    return False


class _Script:
    """One script's span and where its multi-line constructs (block comments, template literals)
    stand at `pos`; advanced as matches arrive in page order, so each script is counted once."""

    __slots__ = ("start", "end", "pos", "ticks", "opened", "closed")

    def __init__(self, start: int, end: int):
        self.start, self.end, self.pos, self.ticks, self.opened, self.closed = start, end, start, 0, -1, -1

    def multiline_open(self, body: bytes, line: int) -> bool:
        """Whether a block comment or a template literal may still be open at the start of `line`."""
        if line > self.pos:
            since = max(self.start, self.pos - 1)  # a marker may straddle the old position
            self.ticks += body.count(b"`", self.pos, line)
            self.opened = max(self.opened, body.rfind(b"/*", since, line))
            self.closed = max(self.closed, body.rfind(b"*/", since, line))
            self.pos = line
        return self.opened > self.closed or self.ticks % 2 == 1


def _in_code(body: bytes, script: _Script, p: int) -> bool:
    """Whether an assignment found at p is code rather than text inside a string or comment."""
    start, end = script.start, script.end
    line = max(start, body.rfind(b"\n", start, p) + 1)
    if line > start and (script.multiline_open(body, line) or body[line - 2:line] == b"\\\n"):
        return not _inside_token(body, start, end, p)  # a multi-line construct may reach this line
    for m in _LINE_TOKEN.finditer(body, line, p):
        if not (m.group("q1") or m.group("q2") or m.group("q3") or m.group("q4")):
            # the line says: inside a string, template or comment (or `//`); make sure from the start
            return not _inside_token(body, start, end, p)
    return True


def _statements(body: bytes, spans: list[tuple[int, int]], patterns: list[re.Pattern[bytes]]
                ) -> list[tuple[int, int, str]]:
    """(value position, script end, name) of each assignment the patterns find in code, page order."""
    matches = sorted((m for pattern in patterns for m in pattern.finditer(body)), key=lambda m: m.start())
    out = []
    k = 0
    script: _Script | None = None
    for m in matches:
        p = m.start()
        if p and body[p - 1] in _IDENT_BYTE:
            continue  # `xvar a =` or `a.window.b =`: not an assignment to the wanted name
        while k < len(spans) and spans[k][1] <= p:
            k += 1
        if k == len(spans):
            break
        if spans[k][0] > p:
            continue  # in the markup, not in a script
        if script is None or script.start != spans[k][0]:
            script = _Script(*spans[k])
        if _in_code(body, script, p):
            out.append((m.end(), script.end, m.group(1).decode()))
    return out


def scan_scripts(body: bytes, spans: list[tuple[int, int]], names: Collection[str]
                 ) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Every literal value assigned to a wanted name by `var NAME =` or `window.NAME =` (all
    occurrences, in page order) and the first `window.cgiDataNew = {…}`, read as a dict."""
    alternation = b"|".join(re.escape(n.encode()) for n in sorted(set(names), key=len, reverse=True))
    patterns = [re.compile(rb"var\s+(" + alternation + rb")\s*=(?!=)\s*"),
                re.compile(rb"window\.(" + alternation + rb"|" + CGI.encode() + rb")\s*=(?!=)\s*")]
    found: dict[str, list[Any]] = {}
    cgi: dict[str, Any] = {}
    for at, end, name in _statements(body, spans, patterns):
        if name == CGI:
            if not cgi:
                cgi = _read_cgi(body[at:end].decode("utf-8", "replace"))
            continue
        m = _LITERAL.match(body, at, end)
        if m:
            value = _js_eval(m.group(0).decode("utf-8", "replace"), html_layer=True)
            if value is not _UNPARSED:
                found.setdefault(name, []).append(value)
    return found, cgi


class CgiData(dict[str, Any]):
    """`window.cgiDataNew`'s members, kept as source and read when first asked for: the object is
    100–450 KB (a normal article repeats its whole body in `content_noencode`) and the parser needs
    a dozen members."""

    def __init__(self, members: dict[str, str]):
        super().__init__(members)
        self._read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        if key in self._read:
            return super().__getitem__(key)
        value = _cgi_value(read_value(super().__getitem__(key)))
        super().__setitem__(key, value)
        self._read.add(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default


def _read_cgi(code: str) -> dict[str, Any]:
    """The object literal `code` starts with (the text after `window.cgiDataNew =`)."""
    try:
        return CgiData(raw_members(code)) if code.startswith("{") else {}
    except JSObjectError:
        return {}
