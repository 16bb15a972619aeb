"""Text normalization that remembers where every character came from.

Steps (reference §7): strip pinyin annotations, repair GBK byte-shift mojibake, traditional →
simplified (OpenCC t2s), NFKC.  Each output character keeps the [start, end) span of the original
input it came from, so a claim found in the normalized text can quote the original string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from . import mojibake

_T2S = opencc.OpenCC("t2s")

# Brief/reference regex, plus a syllable check so "(app)" or "(http" stay untouched.
_PINYIN_RE = re.compile(r"([\u3400-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6})\)")
_V = "aeiouüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE_RE = re.compile(
    rf"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[{_V}]{{1,3}}(?:ng|n|r)?|[ńňǹḿ]g?|ng|m)$"
)


def is_pinyin(s: str) -> bool:
    return bool(_SYLLABLE_RE.match(s))


@dataclass
class Normalized:
    """Normalized text plus, per character, its [start, end) span in `original`."""

    original: str
    text: str
    starts: list[int]
    ends: list[int]
    notes: list[str] = field(default_factory=list)
    unreadable: list[tuple[int, int]] = field(default_factory=list)

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Original span of text[s:e]."""
        if e <= s:
            pos = self.starts[s] if s < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[s], self.ends[e - 1]

    def orig(self, s: int, e: int) -> str:
        a, b = self.span(s, e)
        return self.original[a:b]


class _Buf:
    """Parallel lists of characters and their original spans."""

    def __init__(self, chars: list[str], starts: list[int], ends: list[int]):
        self.chars, self.starts, self.ends = chars, starts, ends

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def replace(self, edits: list[tuple[int, int, str]]) -> _Buf:
        """Apply non-overlapping (s, e, new) edits; new chars map to the whole replaced span."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for s, e, new in sorted(edits):
            chars += self.chars[last:s]
            starts += self.starts[last:s]
            ends += self.ends[last:s]
            if new:
                a = self.starts[s] if s < len(self.starts) else (self.ends[-1] if self.ends else 0)
                b = self.ends[e - 1] if e > s else a
                chars += list(new)
                starts += [a] * len(new)
                ends += [b] * len(new)
            last = e
        chars += self.chars[last:]
        starts += self.starts[last:]
        ends += self.ends[last:]
        return _Buf(chars, starts, ends)

    def map_chars(self, fn) -> _Buf:
        """Per-character rewrite; a char that becomes several keeps its span on each."""
        mapped = [fn(c) for c in self.chars]
        if all(len(m) == 1 for m in mapped):  # the usual case: one character for one
            return _Buf(mapped, self.starts, self.ends)
        chars, starts, ends = [], [], []
        for c, s, e in zip(self.chars, self.starts, self.ends, strict=True):
            for out in fn(c):
                chars.append(out)
                starts.append(s)
                ends.append(e)
        return _Buf(chars, starts, ends)


def strip_pinyin(text: str) -> str:
    return _PINYIN_RE.sub(lambda m: m.group(1) if is_pinyin(m.group(2)) else m.group(0), text)


def _strip_pinyin(buf: _Buf) -> _Buf:
    edits = [(m.start(2) - 1, m.end(), "") for m in _PINYIN_RE.finditer(buf.text) if is_pinyin(m.group(2))]
    return buf.replace(edits) if edits else buf


def _t2s(buf: _Buf) -> _Buf:
    text = buf.text
    conv = _T2S.convert(text)
    if len(conv) == len(text):  # t2s is 1:1 per character for report prose: keep phrase context
        return _Buf(list(conv), buf.starts, buf.ends)
    # A length change would shift offsets: fall back to character-wise conversion.
    return buf.map_chars(lambda c: _T2S.convert(c) or c)


@lru_cache(maxsize=8192)
def _nfkc(c: str) -> str:
    return unicodedata.normalize("NFKC", c)


def to_simplified(text: str) -> str:
    return _T2S.convert(text)


def normalize(original: str, *, repair: bool = True) -> Normalized:
    """Normalize `original` for matching; see the module docstring for the steps."""
    buf = _Buf(list(original), list(range(len(original))), list(range(1, len(original) + 1)))
    buf = _strip_pinyin(buf)
    notes: list[str] = []
    unreadable: list[tuple[int, int]] = []
    if repair:
        reps = mojibake.find_repairs(buf.text)
        for r in reps:
            a, b = buf.starts[r.start], buf.ends[r.end - 1]
            if r.unknown:
                unreadable.append((a, b))
                notes.append(
                    f"unreadable mojibake at original[{a}:{b}] {original[a:b]!r}: "
                    f"{r.unknown} character(s) lost, marked {mojibake.UNKNOWN} (partial repair {r.text!r})"
                )
            else:
                notes.append(
                    f"repaired GBK byte-shift mojibake at original[{a}:{b}] {original[a:b]!r} -> {r.text!r}"
                    " (best effort: silently dropped byte pairs can leave wrong characters)"
                )
        if reps:
            buf = buf.replace([(r.start, r.end, r.text) for r in reps])
            buf = _strip_pinyin(buf)  # a repaired char may now precede its own annotation: 學(xué)
    buf = _t2s(buf)
    buf = buf.map_chars(_nfkc)
    return Normalized(original, buf.text, buf.starts, buf.ends, notes, unreadable)


# --- numbers ------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)


def cn_to_int(s: str) -> int | None:
    """Chinese numeral → int: 一百九十一 → 191, 两 → 2, 十 → 10, 十五 → 15, 一千零五 → 1005."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS and c not in _CN_BIG for c in s):
        return None
    total = section = 0
    digit: int | None = None
    for c in s:
        if c in _CN_DIGITS:
            if digit and _CN_DIGITS[c] != 0:
                return None  # "一二" is not a number
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _CN_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(num: str, multiplier: str | None = None) -> int | float | None:
    """'191' → 191, '19.8' + '万' → 198000, '一百九十一' → 191, '1,234' → 1234."""
    num = num.replace(",", "")
    if re.fullmatch(r"\d+", num):
        value: int | float = int(num)
    elif re.fullmatch(r"\d+\.\d+", num):
        value = float(num)
    else:
        v = cn_to_int(num)
        if v is None:
            return None
        value = v
    if multiplier:
        value = value * _CN_BIG[multiplier]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    return value


# 余/多 after the number make it a lower bound; 约/近 before it an approximation.
APPROX_BEFORE = ("约", "近", "逾", "超过", "大约")
LOWER_AFTER = ("余", "多")
