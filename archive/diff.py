"""What changed between two versions of a text, highlighted: by character (Chinese has no spaces to split on), or
by word — Latin words and numbers whole, short unchanged stretches between two changes folded into them — which
reads better when a sentence was rewritten. difflib does the matching; long unchanged stretches are elided.

    html = diff_html(before, after, mode="char")    # escaped HTML with <del>/<ins>
"""

from __future__ import annotations

import difflib
import json
import re
from html import escape
from typing import Any

MODES = ("char", "word")
_WORD = re.compile(r"[A-Za-z]+|\d+(?:[.,:/-]\d+)*|\s+|.", re.S)
FOLD = 2  # word view: an unchanged run this short between two changes is shown as part of the change


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def tokens(text: str, mode: str) -> list[str]:
    return list(text) if mode == "char" else _WORD.findall(text)


# Digests and ids are opaque: a character diff of two hashes is noise, so they are shown replaced whole.
_OPAQUE = re.compile(r"(sha256|fingerprint|_id)$")


def field_mode(field: str, mode: str) -> str:
    """The diff mode of a field: 'whole' for digests and ids, else the mode asked for."""
    return "whole" if _OPAQUE.search(field) else mode


def diff_ops(before: str, after: str, mode: str = "char") -> list[tuple[str, str]]:
    """[(op, text)] with op 'equal', 'delete' or 'insert', in reading order (a replacement: delete then insert)."""
    if mode == "whole":
        return [(op, text) for op, text in (("delete", before), ("insert", after)) if text]
    a, b = tokens(before, mode), tokens(after, mode)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("insert", "".join(b[j1:j2])))
    return fold(ops) if mode == "word" else merge(ops)


def merge(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent deletions together, then adjacent insertions (a run of changes reads as one replacement)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(ops):
        if ops[i][0] == "equal":
            if out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + ops[i][1])
            else:
                out.append(ops[i])
            i += 1
            continue
        dels, ins = [], []
        while i < len(ops) and ops[i][0] != "equal":
            (dels if ops[i][0] == "delete" else ins).append(ops[i][1])
            i += 1
        out += [("delete", "".join(dels))] if dels else []
        out += [("insert", "".join(ins))] if ins else []
    return out


def fold(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Short unchanged runs between two changes become part of both sides of the change."""
    out = list(ops)
    for k in range(1, len(out) - 1):
        op, text = out[k]
        if op == "equal" and len(text) <= FOLD and out[k - 1][0] != "equal" and out[k + 1][0] != "equal":
            out[k] = ("both", text)
    expanded: list[tuple[str, str]] = []
    for op, text in out:
        if op == "both":
            expanded += [("delete", text), ("insert", text)]
        else:
            expanded.append((op, text))
    return merge(expanded)


def changed(before: str, after: str) -> tuple[int, int]:
    """(characters removed, characters added) in the character view."""
    ops = diff_ops(before, after, "char")
    return (sum(len(t) for o, t in ops if o == "delete"), sum(len(t) for o, t in ops if o == "insert"))


def diff_html(before: Any, after: Any, mode: str = "char", context: int = 80,
              elided: str = "… ({n} characters unchanged) …") -> str:
    """Escaped HTML of the change: removed text in <del>, added text in <ins>, unchanged stretches longer than
    twice `context` shortened to their ends around `elided` (which names {n})."""
    mode = mode if mode in (*MODES, "whole") else "char"
    ops = diff_ops(as_text(before), as_text(after), mode)
    parts = []
    for k, (op, text) in enumerate(ops):
        if op == "delete":
            parts.append(f'<del class="xxgk-del">{escape(text)}</del>')
        elif op == "insert":
            parts.append(f'<ins class="xxgk-ins">{escape(text)}</ins>')
        else:
            head = k > 0
            tail = k < len(ops) - 1
            keep = context * (int(head) + int(tail))
            if len(text) <= keep + 20 or not (head or tail) and len(text) <= 2 * context:
                parts.append(escape(text))
                continue
            start = text[:context] if head else ""
            end = text[-context:] if tail else ""
            gone = len(text) - len(start) - len(end)
            parts.append(escape(start) + f'<span class="xxgk-elided">{escape(elided.format(n=f"{gone:,}"))}</span>'
                         + escape(end))
    return "".join(parts)
