"""Read the values WeChat article pages assign in their scripts (reference wechat.md §1.3).

Pages write values twice over: plain JS strings hold HTML-escaped text with `\\xNN` escapes
(`var msg_title = '…'.html(false)`, `htmlDecode("…")`, `var author = "…"`), `window.cgiDataNew`
holds raw text inside `JsDecode('…')` and numbers as `'123' * 1`. Scripts are scanned token by
token (strings and comments skipped), so a title that spells `var ct = …` cannot pose as a
variable; `scan_scripts` returns every `var NAME = …` and the first `cgiDataNew` object.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from .common import join_surrogates
from .jsobject import JSObjectError, find_object, parse_object

_STRING = r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""
_SCAN = re.compile(
    rf"""{_STRING}|`(?:[^`\\]|\\.)*`|//[^\n]*|/\*.*?\*/"""
    r"""|(?<![\w$.])var\s+([A-Za-z_$][\w$]*)\s*=(?!=)\s*"""
    r"""|(?<![\w$.])window\.(cgiDataNew)\s*=(?!=)\s*""", re.S)
_STRING_RE = re.compile(_STRING, re.S)
_STOP = re.compile(rf"""{_STRING}|[;\n,()\[\]{{}}]""", re.S)
_JS_ESC = re.compile(r"\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|\r\n|[\s\S])")
_JS_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_Q = r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\""""
_TERM_CALL = re.compile(rf"""(htmlDecode|JsDecode)\s*\(\s*(?:{_Q})\s*\)""", re.S)
_TERM_STR = re.compile(rf"""(?:{_Q})\s*(\.html\(\s*(?:false|0)?\s*\))?\s*(\*\s*1)?""", re.S)
_TERM_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_UNPARSED = object()


def _js_unescape(body: str) -> str:
    """The value of a JS string literal's body: \\xNN, \\uNNNN, \\u{…}, \\n …, line continuations."""
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
    parts, start, i = [], 0, 0
    while i < len(src):
        c = src[i]
        if c in "'\"":
            m = _STRING_RE.match(src, i)
            i = m.end() if m else i + 1
            continue
        if src.startswith("||", i):
            parts.append(src[start:i])
            i += 2
            start = i
            continue
        i += 1
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


def _statement_end(code: str, i: int) -> int:
    depth = 0
    for m in _STOP.finditer(code, i):
        t = m.group(0)
        if t[0] in "'\"":
            continue
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                return m.start()
            depth -= 1
        elif depth == 0:
            return m.start()
    return len(code)


def _cgi_value(value: Any) -> Any:
    """A cgiDataNew member: jsobject leaves `JsDecode('…')` and `'1' * 1` as source text."""
    if isinstance(value, dict):
        return {k: _cgi_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cgi_value(v) for v in value]
    if isinstance(value, str):
        out = _js_eval(value, html_layer=False)
        return value if out is _UNPARSED else out
    return value


def scan_scripts(scripts: list[str]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Every `var NAME = …` (all occurrences, in order) and the first `window.cgiDataNew = {…}`.
    Each script is scanned on its own, so one odd script cannot desynchronise the others."""
    found: dict[str, list[Any]] = {}
    cgi: dict[str, Any] = {}
    for code in scripts:
        for m in _SCAN.finditer(code):
            if m.group(1):
                end = _statement_end(code, m.end())
                value = _js_eval(code[m.end():end], html_layer=True)
                if value is not _UNPARSED:
                    found.setdefault(m.group(1), []).append(value)
            elif m.group(2) and not cgi:
                try:
                    start, end = find_object(code[m.end():], "")
                    cgi = _cgi_value(parse_object(code[m.end() + start:m.end() + end]))
                except JSObjectError:
                    cgi = {}
    return found, cgi
