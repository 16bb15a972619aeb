"""Read a JavaScript object literal such as `window._CONFIG = { SID: '750118', TREE: [...], ... }`.

Pages embed configuration as JS, not JSON: keys are bare, strings may be single-quoted, some values
are JSON (TREE, DETAIL) and some are expressions. We isolate the object by brace matching that
respects strings and comments, then read it key by key: JSON values with a real JSON decoder
(`raw_decode`, which also copes with `\\u003C` escapes that defeat regex extraction), quoted
strings as strings, objects and arrays with JS members (WeChat's `picture_page_info_list: [{cdn_url:
JsDecode('…')}]`) member by member, and anything else as raw source text. No per-field regexes.

Known limit: regex literals are not recognised, so a '}' inside one (`/a}b/`) would end the object
early; configuration objects on these sites carry none.
"""

from __future__ import annotations

import json
import re
from typing import Any


class JSObjectError(ValueError):
    """The object literal is missing or malformed."""


_DECODER = json.JSONDecoder()
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


_SPACE = re.compile(r"(?:\s+|//[^\n]*(?:\n|\Z)|/\*(?:.*?\*/|.*\Z))*", re.S)


def _skip_space(text: str, i: int) -> int:
    """Index of the next character that is neither white space nor inside a comment."""
    m = _SPACE.match(text, i)
    return m.end() if m else i


_STRING_BODY = {
    "'": re.compile(r"[^'\\\n]*(?:\\.[^'\\\n]*)*'", re.S),
    '"': re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*"', re.S),
    "`": re.compile(r"[^`\\]*(?:\\.[^`\\]*)*`", re.S),
}
_INTERESTING = re.compile(r"""[{}\[\]'"`]|//|/\*""")


def _string_end(text: str, i: int) -> int:
    """Index just past the JS string starting at text[i] (a quote)."""
    m = _STRING_BODY[text[i]].match(text, i + 1)
    if not m:
        raise JSObjectError("unterminated string literal")
    return m.end()


def _object_start(text: str, marker: str) -> int:
    """Index of the '{' assigned by `marker = {` (the first '{' with an empty marker)."""
    if marker:
        if marker not in text:
            raise JSObjectError(f"{marker} not found")
        m = re.search(re.escape(marker) + r"\s*=(?!=)\s*", text)
        if not m:
            raise JSObjectError(f"no object after {marker}")
        at = m.end()
    else:
        at = 0
    start = text.find("{", at)
    if start < 0:
        raise JSObjectError(f"no object after {marker}")
    return start


def find_object(text: str, marker: str) -> tuple[int, int]:
    """(start, end) of the `{...}` assigned by `marker = {` (e.g. 'window._CONFIG'), braces matched.

    With an empty marker, the object starts at the first '{'.
    """
    start = _object_start(text, marker)
    depth, i = 0, start
    while True:
        m = _INTERESTING.search(text, i)  # jump straight to the next brace, quote or comment
        if not m:
            break
        i, c = m.start(), m.group(0)
        if c in "'\"`":
            i = _string_end(text, i)
            continue
        if c in ("//", "/*"):
            i = _skip_space(text, i)
            continue
        if c in "{[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return start, i + 1
        i += 1
    raise JSObjectError(f"the object after {marker} is not closed")


def _js_string(raw: str) -> str:
    """Value of a single- or double-quoted JS string literal."""
    if "\\" not in raw:
        return raw[1:-1]  # no escapes: the text itself (what the decoding below gives back for it)
    body = re.sub(r"\\x([0-9A-Fa-f]{2})", r"\\u00\1", raw[1:-1])  # JSON has no \xNN escapes
    if raw[0] == "'":
        body = body.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'")
    try:
        return json.loads(f'"{body}"')
    except json.JSONDecodeError:
        return re.sub(r"\\(.)", r"\1", body)


def parse_object(text: str) -> dict[str, Any]:
    """Parse the members of a JS object literal `{ key: value, ... }` (text starts at `{`)."""
    if not text.startswith("{"):
        raise JSObjectError("an object literal starts with '{'")
    return _object_at(text, 0)[0]


def raw_members(text: str) -> dict[str, str]:
    """The members of the object literal `text` starts with, each as its source text, unread: for
    big objects of which a reader needs a few members (read one with `read_value`)."""
    if not text.startswith("{"):
        raise JSObjectError("an object literal starts with '{'")
    return _object_at(text, 0, raw=True)[0]


def read_value(source: str) -> Any:
    """The value of one member's source text, as `parse_object` reads members."""
    return _value(source, _skip_space(source, 0))[0] if source else source


def _object_at(text: str, i: int, raw: bool = False, until: str | None = None) -> tuple[dict[str, Any], int]:
    """The members of the object literal starting at text[i] ('{'), and the index just past '}'
    (`raw`: each member's source text, located by bracket matching only; `until`: the members up to that
    key, and the index just past its value)."""
    out: dict[str, Any] = {}
    i, n = i + 1, len(text)
    while True:
        i = _skip_space(text, i)
        if i >= n:
            raise JSObjectError("unexpected end of object")
        if text[i] == "}":
            return out, i + 1
        if text[i] in "'\"":
            end = _string_end(text, i)
            key = _js_string(text[i:end])
            i = end
        else:
            m = _IDENT.match(text, i)
            if not m:
                raise JSObjectError(f"expected a key at offset {i}: {text[i:i + 20]!r}")
            key, i = m.group(0), m.end()
        i = _skip_space(text, i)
        if i >= n or text[i] != ":":
            raise JSObjectError(f"expected ':' after key {key!r}")
        i = _skip_space(text, i + 1)
        if i >= n:
            raise JSObjectError("unexpected end of object")
        value, i = _expression(text, i) if raw else _value(text, i)
        out[key] = value
        if key == until:
            return out, i
        i = _skip_space(text, i)
        if i < n and text[i] == ",":
            i += 1


def _ends_value(text: str, i: int) -> bool:
    """Whether a value ending at `i` is complete: only a member separator or a closing bracket follows."""
    after = _skip_space(text, i)
    return after >= len(text) or text[after] in ",}]"


def _value(text: str, i: int) -> tuple[Any, int]:
    c = text[i]
    if c in "'\"":
        end = _string_end(text, i)
        if not _ends_value(text, end):
            return _expression(text, i)  # e.g. 'a' + b or '1' * 1: an expression, kept as source
        return _js_string(text[i:end]), end
    if c in "-0123456789tfn[{" and _may_be_json(text, i):
        try:
            value, end = _DECODER.raw_decode(text, i)  # JSON arrays/objects/numbers/true/false/null
        except json.JSONDecodeError:
            pass
        else:
            if _ends_value(text, end):
                return value, end
            return _expression(text, i)
    if c in "[{":
        try:
            value, end = (_object_at if c == "{" else _array_at)(text, i)
        except JSObjectError:
            return _expression(text, i)
        if _ends_value(text, end):
            return value, end
    return _expression(text, i)


def _may_be_json(text: str, i: int) -> bool:
    """False when the value at i cannot be JSON (an object with a bare key, possibly as the first
    member of an array): a failed JSON decode costs a newline count over the whole text."""
    while text[i] in "[{":
        j = _skip_space(text, i + 1)
        if j >= len(text):
            return False
        if text[i] == "{":
            return text[j] in '"}'
        i = j
    return True


def _array_at(text: str, i: int) -> tuple[list[Any], int]:
    """A JS array literal starting at text[i] ('['): its members, and the index just past ']'."""
    out: list[Any] = []
    i += 1
    n = len(text)
    while True:
        i = _skip_space(text, i)
        if i >= n:
            raise JSObjectError("unexpected end of array")
        if text[i] == "]":
            return out, i + 1
        if text[i] == ",":  # an elision or a trailing comma
            i += 1
            continue
        value, i = _value(text, i)
        out.append(value)
        i = _skip_space(text, i)
        if i < n and text[i] == ",":
            i += 1
        elif i < n and text[i] != "]":
            raise JSObjectError(f"expected ',' or ']' in an array at offset {i}")


_EXPR_TOKEN = re.compile(r"""'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|`[^`\\]*(?:\\.[^`\\]*)*`|[()\[\]{},'"`]""", re.S)


def _expression(text: str, i: int) -> tuple[str, int]:
    """Raw source of a non-JSON value, up to the next top-level ',', '}' or ']'. Runs of plain
    characters and whole strings are skipped by one regex step each."""
    depth, start = 0, i
    for m in _EXPR_TOKEN.finditer(text, i):
        t = m.group(0)
        if len(t) > 1:
            continue  # a whole string literal
        if t in "'\"`":
            raise JSObjectError("unterminated string literal")
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                return text[start:m.start()].strip(), m.start()
            depth -= 1
        elif depth == 0:  # ','
            return text[start:m.start()].strip(), m.start()
    return text[start:].strip(), len(text)


def read_assignment(text: str, marker: str = "window._CONFIG", until: str | None = None) -> dict[str, Any]:
    """Find `marker = {...}` in a page and return its members.

    The members are read in place (reading an object finds its end), which spares a page the separate
    brace-matching scan over its whole object; a malformed object is looked at again the careful way, so
    the error says what is wrong with it. With `until`, reading stops after that member: a reader that needs
    one member does not read (nor depend on) the ones after it, such as the category TREE every gkmlpt
    document page carries after its DETAIL. A key written twice is then the first one, not the last."""
    start = _object_start(text, marker)
    try:
        return _object_at(text, start, until=until)[0]
    except JSObjectError:
        start, end = find_object(text, marker)
        return parse_object(text[start:end])
