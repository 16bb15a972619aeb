"""Repair of GBK one-byte-shift mojibake in mirror copies (reference §7.3).

A mirror re-encoded the page as GBK and decoded part of it one byte late, so every character of a
run is (trail byte of char i + lead byte of char i+1).  The run starts where the mirror printed a
"?" for the orphan byte and re-synchronises at an ASCII byte (often the run's last trail byte, e.g.
"_" of 開 or "C" of 機).  The mirror then NFKC-folded some full-width punctuation ("！" → "!"),
dropped unmapped pairs silently and wrote "?" for others.

Recovery is lossy.  We re-encode the run, re-pair the bytes, and fill a lost byte only when a small
lexicon of report vocabulary makes exactly one candidate plausible; anything else stays unknown and
is marked with UNKNOWN.  A repair is accepted only when it scores better than the literal text.
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

# Two-character words of annual-report prose (simplified).  Used only to choose among candidates
# for a byte the mirror lost; a candidate must form one of these words with a neighbour.
LEXICON = frozenset(
    """
    公开 信息 政府 申请 管理 方面 主动 依据 根据 工作 情况 机制 制度 审核 审校 三校 三审 学校 专科
    取得 突破 缴费 收费 领导 平台 网站 发布 政务 规范 落实 推进 加强 完善 建设 服务 办理 答复
    依法 年度 报告 统计 期限 行政 复议 诉讼 处理 不予 部分 予以 文件 通知 公告 公示 指南 目录
    机构 组织 部门 预算 决算 执法 年报 其他 重点 领域 栏目 专栏 法规 政策 解读 发展 规划 数据
    经费 质量 安全 监督 保障 考核 评议 责任 追究 问题 改进 事项 建议 提案 代表 委员 会议 群众
    社会 公众 查询 咨询 电话 窗口 中心 系统 微信 微博 门户 网络 教育 教师 学生 考试 招生 活动
    开展 全面 进一步 提升 水平 质量 条例 要求 规定 印发 实施 方案 意见 办法 标准 检查 监测 意识
    形态 职责 流程 具体 实际 内部 权益 合法 法律 顾问 同意 确保 权威 可靠 申请人 岗位 股室 业务
    """.split()
)


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
            score -= 3
        elif t.kind == "T":
            score -= 1
        elif text[t.start] in _FOLDED:
            score -= 1
        else:
            score += char_score(text[t.start])
    return score


@lru_cache(maxsize=4096)
def _candidates(lead: int | None, trail: int | None) -> list[str]:
    out = []
    leads = range(0x81, 0xFF) if lead is None else (lead,)
    trails = range(0x40, 0xFF) if trail is None else (trail,)
    for a in leads:
        for b in trails:
            ch = _decode(bytes((a, b)))
            if ch and char_score(ch) > 0:
                out.append(ch)
    return out


@lru_cache(maxsize=16384)
def _fill(prev: str | None, nxt: str | None, lead: int | None, trail: int | None) -> str | None:
    """The single candidate for a half-known char that forms a lexicon word with a neighbour."""
    if lead is None and trail is None:
        return None
    hits = set()
    for ch in _candidates(lead, trail):
        s = _simp(ch)
        if (prev and _simp(prev) + s in LEXICON) or (nxt and s + _simp(nxt) in LEXICON):
            hits.add(ch)
    return hits.pop() if len(hits) == 1 else None


@lru_cache(maxsize=4096)
def _fill_pair(lead: int, trail: int) -> tuple[str, str] | None:
    """Two chars around a silently dropped pair: (lead, t)(l, trail) with (t, l) unmapped."""
    firsts = [(b, _decode(bytes((lead, b)))) for b in range(0x40, 0xFF)]
    seconds = [(a, _decode(bytes((a, trail)))) for a in range(0x81, 0xFF)]
    hits = set()
    for t, c1 in firsts:
        if not c1 or char_score(c1) <= 0:
            continue
        for ld, c2 in seconds:
            if not c2 or _decode(bytes((t, ld))) is not None:
                continue
            if _simp(c1) + _simp(c2) in LEXICON:
                hits.add((c1, c2))
    return hits.pop() if len(hits) == 1 else None


def _render(
    pairs: list[tuple[int | None, int | None]],
    drop: int | None,
    prev: str | None,
    nxt: str | None,
    at_start: bool,
) -> tuple[str, int, int]:
    """Decode pairs (the one at index `drop` split around a silently dropped pair)."""
    halves: list[tuple[int | None, int | None]] = []
    for k, (a, b) in enumerate(pairs):
        halves.extend([(a, None), (None, b)] if k == drop else [(a, b)])
    decoded = [_decode(bytes(h)) if None not in h else None for h in halves]  # type: ignore[arg-type]
    out: list[str] = []
    score = unknown = 0
    k = 0
    while k < len(halves):
        a, b = halves[k]
        if a is not None and b is not None:
            ch = decoded[k]
            out.append(ch or UNKNOWN)
            unknown += ch is None
            score += char_score(ch) if ch else -3
            k += 1
            continue
        left = out[-1] if out else prev
        if k == drop and a is not None and halves[k + 1][1] is not None:
            pair = _fill_pair(a, halves[k + 1][1])  # type: ignore[arg-type]
            if pair:
                out.extend(pair)
                score += 2
                k += 2
                continue
        right = decoded[k + 1] if k + 1 < len(halves) else nxt
        if k == 0 and at_start and a is None and b == 0xA1:
            out.append("\u3000")  # a run usually starts on a full-width space (A1A1)
            score += 1
        elif filled := _fill(left, right, a, b):
            out.append(filled)
            score += 1
        else:
            out.append(UNKNOWN)
            unknown += 1
            score -= 1
        k += 1
    return "".join(out), score, unknown


def _decode_bytes(
    seq: list[int | None], prev: str | None, nxt: str | None, at_start: bool
) -> tuple[str, int, int]:
    """Best decoding of a byte sequence; also tries one silently dropped pair at a bad spot."""
    pairs = [(seq[k], seq[k + 1]) for k in range(0, len(seq), 2)]
    best = _render(pairs, None, prev, nxt, at_start)
    for k, (a, b) in enumerate(pairs):
        if a is None or b is None:
            continue
        ch = _decode(bytes((a, b)))
        if ch is None or char_score(ch) <= 0:
            text, score, unknown = _render(pairs, k, prev, nxt, at_start)
            if score - 1 > best[1]:  # a dropped pair must earn its keep
                best = (text, score - 1, unknown)
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
        nxt = text[part[-1].end] if part[-1].end < len(text) else None
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
            decoded, score, unknown = _decode_bytes(seq, prev, nxt, at_start=prev in (None, "\n", "　", " "))
            score += _literal_score(rest, text) - 2 * choice.count("?")  # a real "？" is the rarer reading
            if best is None or score > best[0]:
                best = (score, cut, decoded, unknown)
    if best is None or best[0] <= _literal_score(toks, text) + 1:
        return None, i + 1
    score, cut, decoded, unknown = best
    end = toks[cut - 1].end
    # Once the decoding has re-aligned it repeats the literal text: end the repair there.
    while decoded and end > i + 1 and decoded[-1] == _FOLDED.get(text[end - 1], text[end - 1]):
        decoded, end = decoded[:-1], end - 1
    return Repair(i, end, decoded, unknown), end


def find_repairs(text: str) -> list[Repair]:
    """Mojibake runs in text (traditional or simplified, pinyin already stripped) and their repair."""
    repairs = []
    i = text.find("?")
    while i != -1:
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
