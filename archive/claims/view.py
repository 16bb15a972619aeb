"""The prose of a report as the claims reader sees it, mapped back to the normalized text.

From the normalized text (simplified, NFKC) the view drops what carries no claim and would break
phrases apart, while remembering for every kept character where it came from:

- table rows (two or more "|") and PDF page footers ("— 3 —") are dropped;
- URLs, e-mail addresses, telephone numbers, postcodes, file names, timestamps and index numbers
  (索引号) become one placeholder character (MASK), so their digits are never counts;
- spaces between CJK characters and digits (PDF conversions: "发布信息 393 件") are dropped;
- a line break inside a sentence (PDF line wraps) is dropped; a break after a sentence end, around
  a heading or before a table stays a hard break.

Everything is linear in the size of the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..spans import merge_spans
from .vocab import HEADING

MASK = "◇"

_MASKS = [
    re.compile(r"(?:https?:)?//[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+"),
    re.compile(r"(?:www\.|[A-Za-z0-9-]+\.(?:com|cn|net|org|gov|edu)\b)[A-Za-z0-9._~:/?#@!$&'*+,;=%-]*"),
    re.compile(r"(?<![A-Za-z0-9])/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)+/?"),  # a path written alone
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    re.compile(r"[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*\.(?:jpg|jpeg|png|gif|bmp|pdf|docx?|xlsx?|wps|zip|rar)", re.I),
    re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"),  # timestamps
    re.compile(r"[0-9A-Z]{5,}/\d{4}-\d+"),  # 索引号 000014349/2022-02188
    re.compile(r"\(?0\d{2,3}\)?[-\s]?\d{7,8}(?:-\d+)?|(?<!\d)1[3-9]\d{9}(?!\d)|"
               r"(?<![\d.,])\d{7,8}(?![\d.,%]|\s*(?:余|多)?\s*(?:万|亿|条|篇|件|项|份|期|则|个|次))"),
    re.compile(r"(?:邮编|邮政编码)[:\s]*\d{6}"),
]
_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_FOOTER = re.compile(r"^\s*[—–-]+\s*\d+\s*[—–-]+\s*$|^\s*第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?\s*$")
_SENT_END = "。!?！？"
_CJKISH = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’《》、,.;:!?()\[\]%]")


@dataclass
class View:
    text: str
    idx: list[int]  # view position -> normalized-text position
    hard: list[int] = field(default_factory=list)  # view positions of hard line breaks
    headings: list[tuple[int, str]] = field(default_factory=list)  # (view position, heading text)

    def norm_span(self, a: int, b: int) -> tuple[int, int]:
        """Normalized-text span of view[a:b] (b exclusive)."""
        if b <= a:
            p = self.idx[a] if a < len(self.idx) else (self.idx[-1] + 1 if self.idx else 0)
            return p, p
        return self.idx[a], self.idx[b - 1] + 1


def _mask_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for rx in _MASKS:
        spans += [(m.start(), m.end()) for m in rx.finditer(text) if m.end() > m.start()]
    return merge_spans(spans)


def _is_table_line(line: str) -> bool:
    s = line.strip()
    return s.count("|") >= 2 or s == "|" or (s.endswith(" |") and len(s) < 60)


def _is_heading(line: str) -> bool:
    s = line.strip()
    return bool(HEADING.match(s)) and len(s) <= 40 and not re.search(r"[。;；]", s[:-1])


def build_view(text: str) -> View:
    masks = _mask_spans(text)
    chars: list[str] = []
    idx: list[int] = []
    view = View("", idx)
    lines = text.split("\n")
    pos = 0
    kinds = []
    for line in lines:
        if not line.strip():
            kinds.append("blank")
        elif _is_table_line(line) or _FOOTER.match(line):
            kinds.append("skip")
        elif _is_heading(line):
            kinds.append("heading")
        else:
            kinds.append("text")
    mask_starts = [a for a, _ in masks]

    def masks_in(a: int, b: int) -> list[tuple[int, int]]:
        k = bisect.bisect_left(mask_starts, a)
        out = []
        while k < len(masks) and masks[k][0] < b:
            out.append((masks[k][0], min(masks[k][1], b)))
            k += 1
        return out

    for n, line in enumerate(lines):
        start = pos
        pos += len(line) + 1
        kind = kinds[n]
        if kind in ("blank", "skip"):
            if chars and chars[-1] != "\n":
                view.hard.append(len(chars))
                chars.append("\n")
                idx.append(start)
            continue
        if kind == "heading":
            view.headings.append((len(chars), line.strip()))
        end = start + len(line)
        # pieces of the line: masked spans and whitespace runs; everything else is copied as is
        cuts = [(a, b, MASK) for a, b in masks_in(start, end)]
        cuts += [(m.start() + start, m.end() + start, " ") for m in _SPACE.finditer(line)
                 if not any(a <= m.start() + start < b for a, b, _ in cuts)]
        cuts.sort()
        i = start
        for a, b, what in cuts:
            if a < i:
                continue
            chars.extend(text[i:a])
            idx.extend(range(i, a))
            if what == MASK:
                chars.append(MASK)
                idx.append(a)
            else:
                prev = chars[-1] if chars else ""
                nxt = text[b] if b < end else ""
                if prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum() and not (
                    prev.isdigit() and nxt.isdigit()
                ):
                    chars.append(" ")
                    idx.append(a)
            i = min(b, end)
        chars.extend(text[i:end])
        idx.extend(range(i, end))
        # decide the break after this line
        nxt_kind = kinds[n + 1] if n + 1 < len(lines) else "blank"
        stripped = line.rstrip()
        soft = (
            kind == "text"
            and nxt_kind == "text"
            and stripped
            and stripped[-1] not in _SENT_END
            and len(stripped) >= 12
        )
        if not soft and chars and chars[-1] != "\n":
            view.hard.append(len(chars))
            chars.append("\n")
            idx.append(start + len(line))
    view.text = "".join(chars)
    return view
