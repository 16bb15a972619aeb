"""Repair of GBK one-byte-shift mojibake in mirror copies (reference §7.3).

A mirror re-encoded the page as GBK and decoded part of it one byte late, so every character of a
run is (trail byte of char i + lead byte of char i+1).  The run starts where the mirror printed a
"?" for the orphan byte and re-synchronises at an ASCII byte (often the run's last trail byte, e.g.
"_" of 開 or "C" of 機).  The mirror then NFKC-folded some full-width punctuation ("！" → "!"),
dropped unmapped pairs silently and wrote "?" for others.

Recovery is lossy.  We re-encode the run, re-pair the bytes and decode them again; a character that
lost one of its bytes could be any of dozens, so it stays unknown and is marked with UNKNOWN.  A
reading is scored by how common its characters are (GB2312 level 1 after t2s, report punctuation)
and accepted only when it scores better than the literal text: no word list is involved.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

UNKNOWN = "〓"  # the typesetter's "missing glyph" mark

_T2S = opencc.OpenCC("t2s")

# ASCII punctuation the mirror produced by NFKC-folding a full-width form inside a run.
_FOLDED = {"!": "！", ",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}
_PINYIN_TAIL = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6}\)")
_COMMON_PUNCT = set("　、。，：；！？“”‘’（）《》〈〉【】…—·")
_MAX_TOKENS = 24
_MAX_INNER_Q = 4

@dataclass
class Repair:
    start: int  # span in the text given to find_repairs
    end: int
    text: str  # replacement; UNKNOWN marks each character that could not be recovered
    unknown: int


@dataclass
class _Tok:
    kind: str  # "Q" lost-byte marker, "C" two-byte char, "T" ASCII resync byte
    start: int
    end: int
    raw: bytes = b""
    pinyin: bool = False


def _gbk(ch: str) -> bytes | None:
    try:
        return ch.encode("gbk")
    except UnicodeEncodeError:
        return None


@lru_cache(maxsize=65536)
def _decode(pair: bytes) -> str | None:
    try:
        s = pair.decode("gbk")
    except UnicodeDecodeError:
        return None
    return s if len(s) == 1 else None


@lru_cache(maxsize=65536)
def _simp(ch: str) -> str:
    out = _T2S.convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=65536)
def char_score(ch: str) -> int:
    """+2 common (GB2312 level 1 after t2s, or report punctuation), 0 level 2, -2 rare."""
    if ch in _COMMON_PUNCT:
        return 2
    b = _gbk(_simp(ch))
    if b is None or len(b) != 2 or b[1] < 0xA1:
        return -2
    if 0xB0 <= b[0] <= 0xD7:
        return 2
    if 0xD8 <= b[0] <= 0xF7:
        return 0
    return -2


def _tokenize(text: str, i: int) -> list[_Tok]:
    """Tokens of a candidate run starting at the "?" at text[i]."""
    toks: list[_Tok] = []
    n = len(text)
    while i < n and len(toks) < _MAX_TOKENS:
        c = text[i]
        if c == "?":
            m = _PINYIN_TAIL.match(text, i + 1)
            j = m.end() if m else i + 1
            toks.append(_Tok("Q", i, j, pinyin=bool(m)))
            i = j
            continue
        if c in _FOLDED:
            toks.append(_Tok("C", i, i + 1, _FOLDED[c].encode("gbk")))
        elif ord(c) < 128:
            if 0x40 <= ord(c) <= 0x7E:
                toks.append(_Tok("T", i, i + 1, c.encode()))
            break
        else:
            b = _gbk(c)
            if b is None or len(b) != 2 or b[1] < 0x81:
                break  # a char whose second byte is not a lead byte cannot sit inside a run
            toks.append(_Tok("C", i, i + 1, b))
        i += 1
    return toks


def _literal_score(toks: list[_Tok], text: str) -> int:
    score = 0
    for t in toks:
        if t.kind == "Q":
            score -= 30
        elif t.kind == "T":
            score -= 10
        elif text[t.start] in _FOLDED:
            score -= 10
        else:
            score += 10 * char_score(text[t.start])
    return score


def _render(pairs: list[tuple[int | None, int | None]], at_start: bool) -> tuple[str, int, int]:
    """Decode byte pairs; a pair with a lost byte is UNKNOWN (one reading among many is a guess),
    except a run's first character whose trail byte is A1: the full-width space that starts a
    paragraph (A1A1), the usual place a run begins.  Scores are tenths: a common character +20, a
    level-2 one 0, a rare one -20, an undecodable pair -30, an unknown half -9."""
    out: list[str] = []
    score = unknown = 0
    for k, (a, b) in enumerate(pairs):
        if a is not None and b is not None:
            ch = _decode(bytes((a, b)))
            out.append(ch or UNKNOWN)
            unknown += ch is None
            score += 10 * char_score(ch) if ch else -30
        elif k == 0 and at_start and a is None and b == 0xA1:
            out.append("\u3000")
            score += 10
        else:
            out.append(UNKNOWN)
            unknown += 1
            score -= 9
    return "".join(out), score, unknown


def _decode_bytes(seq: list[int | None], at_start: bool) -> tuple[str, int, int]:
    """Best decoding; also tries one pair the mirror silently dropped (an unmapped GBK pair) at a
    spot where the plain reading gives a rare or undecodable character: its two neighbours then
    each lost a byte."""
    pairs = [(seq[k], seq[k + 1]) for k in range(0, len(seq), 2)]
    best = _render(pairs, at_start)
    for k, (a, b) in enumerate(pairs):
        if a is None or b is None:
            continue
        ch = _decode(bytes((a, b)))
        if ch is None or char_score(ch) < 0:
            split = pairs[:k] + [(a, None), (None, b)] + pairs[k + 1 :]
            cand = _render(split, at_start)
            if cand[1] > best[1]:
                best = cand
    return best


def _has_signal(toks: list[_Tok], text: str) -> bool:
    qs = sum(1 for t in toks if t.kind == "Q")
    if qs >= 2 or any(t.kind == "T" or (t.kind == "Q" and t.pinyin) for t in toks):
        return True
    return any(t.kind == "C" and text[t.start] not in _FOLDED and char_score(text[t.start]) < 0 for t in toks)


def _repair_at(text: str, i: int) -> tuple[Repair | None, int]:
    prev = text[i - 1] if i > 0 else None
    if prev is not None and ord(prev) < 128 and not prev.isspace():
        return None, i + 1  # "?" after ASCII (a URL query, "A?B") is not a run start
    toks = _tokenize(text, i)
    if len(toks) < 2:
        return None, i + 1
    best: tuple[int, int, str, int] | None = None  # (score, cut, text, unknown)
    for cut in range(2, len(toks) + 1):
        part = toks[:cut]
        if not _has_signal(part, text):
            continue
        rest = toks[cut:]
        inner_q = [k for k, t in enumerate(part) if t.kind == "Q" and k > 0]
        if len(inner_q) > _MAX_INNER_Q:
            break  # 3^k readings: a run this broken is not worth searching further
        for choice in itertools.product(("1", "2", "?"), repeat=len(inner_q)):
            seq: list[int | None] = [None]  # the orphan lead byte behind the leading "?"
            chosen = dict(zip(inner_q, choice, strict=True))
            for k, t in enumerate(part[1:], start=1):
                if t.kind == "Q":
                    c = chosen[k]
                    seq.extend([None] if c == "1" else [None, None] if c == "2" else list("？".encode("gbk")))
                else:
                    seq.extend(t.raw)
            if len(seq) % 2:
                if part[-1].kind == "T":
                    continue
                seq.append(None)  # the last char lost its trail byte
            decoded, score, unknown = _decode_bytes(seq, at_start=prev in (None, "\n", "　", " "))
            score += _literal_score(rest, text) - 20 * choice.count("?")  # a real "？" is the rarer reading
            if best is None or score >= best[0]:  # ties: the longer run
                best = (score, cut, decoded, unknown)
    if best is None or best[0] <= _literal_score(toks, text) + 10:
        return None, i + 1
    score, cut, decoded, unknown = best
    end = toks[cut - 1].end
    # Once the decoding has re-aligned it repeats the literal text: end the repair there.
    while decoded and end > i + 1 and decoded[-1] == _FOLDED.get(text[end - 1], text[end - 1]):
        decoded, end = decoded[:-1], end - 1
    return Repair(i, end, decoded, unknown), end


MAX_ATTEMPTS = 5000  # candidate runs examined per text: a page that is mojibake throughout stays as it is


def find_repairs(text: str) -> list[Repair]:
    """Mojibake runs in text (traditional or simplified, pinyin already stripped) and their repair.
    At most MAX_ATTEMPTS candidate runs are examined, which bounds the time on a garbled page."""
    repairs = []
    i = text.find("?")
    attempts = 0
    while i != -1 and attempts < MAX_ATTEMPTS:
        attempts += 1
        rep, nxt = _repair_at(text, i)
        if rep:
            repairs.append(rep)
        i = text.find("?", nxt)
    return repairs


def repair_text(text: str) -> str:
    """Convenience: text with every repairable run replaced (no offset bookkeeping)."""
    out, last = [], 0
    for r in find_repairs(text):
        out.append(text[last : r.start])
        out.append(r.text)
        last = r.end
    out.append(text[last:])
    return "".join(out)
