"""Publication-count claims of a report's prose, read as trees.

The reader works on the claims view (view.py) sentence by sentence:

1. Atoms.  Every number followed by a count noun (条, 篇, 件 …) with its markers: 约/近 before it
   make it approximate, 余/多/超过/以上 a lower bound, 万/亿 multiply it.  A number inside quotes
   or book-title marks, after 第, or followed by a noun that is not information ("6个子栏目",
   "1件涉及…") is no atom.
2. Clauses.  An atom's own clause runs back to the previous delimiter (, ; : or an opening
   parenthesis; "、" only right after another atom).  Parentheses without atoms are text.  The
   atom-free clauses between the previous atom and this one are its scope ("在厅网站“统计数据”专栏,").
3. Reading a clause.  The publication verb nearest the number splits it into a location/channel part
   before the verb and an object after it (the category, unless it is a generic noun such as 信息).
   A clause without a verb is a list item: its words are the category.
4. Trees.  其中/包括/含 (or a parenthesis right after an atom, or a "主要公开内容:" sentence) open a
   breakdown of the atom before them; items are its parts.  A part names its own channel or
   inherits its total's; a part naming another platform than its (channel-bearing) total closes the
   list.  Consecutive claims whose later members add up to the first are nested under it.
5. Channels.  Only words of the sentence decide: a platform named in the clause, else in its scope,
   else the total's (for parts) or the previous claim's in the same sentence (for siblings), else a
   channel-naming heading; several platforms named together give null, and so does no platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .normalize import parse_number
from .view import MASK, View
from .vocab import (
    APPLICATION_WORDS,
    APPROX_AFTER_UNIT,
    APPROX_BEFORE,
    CHANNEL_PATTERNS,
    COLON_LIST,
    COLUMN_SUFFIX,
    COMPARISON,
    EXAMPLES_TAIL,
    FILLERS,
    GENERIC_NOUNS,
    GENERIC_PREFIXES,
    LEADING_ACTIONS,
    LIFECYCLE_WORDS,
    LIST_OPENERS,
    LOCATION_PREPS,
    LOWER_AFTER_UNIT,
    LOWER_BEFORE,
    METRIC_WORDS,
    MULTI_CHANNEL,
    NOT_PUBLICATION,
    OBJECT_CHANNELS,
    PUB_VERBS,
    RATE_WORDS,
    STOCK_CLAUSE,
    STOCK_WORDS,
    SUBJECT_WORDS,
    UNIT_BAD_NEXT,
    VERB_NOUN_NEXT,
    VERB_NOUN_PREV,
    WEAK_UNITS,
)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PRE = _alt(FILLERS + APPROX_BEFORE + LOWER_BEFORE)
_CN_NUM = "零〇一二两三四五六七八九十百千"
# A number with its markers; the groups are read by number_value().
NUMBER = (
    rf"(?P<pre>(?:{_PRE})*)"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?|[{_CN_NUM}]+)"
    r"(?P<more1>余|多)?(?P<mul>万|亿)?(?P<more2>余|多)?"
)
ATOM_RE = re.compile(NUMBER + r"(?P<unit>条次|批次|条|篇|件|项|份|期|则|个|次)(?P<post>以上|左右)?")
_VERB_RE = re.compile(_alt(PUB_VERBS))
_GENERIC_RE = re.compile(rf"(?:{_alt(GENERIC_PREFIXES)})*(?:{_alt(GENERIC_NOUNS)})")
_BOUNDARY = set(",;:、。!?()\n等") | {MASK}
_DELIMS = set(",;:")
_QUOTES = {"“": "”", "《": "》", "‘": "’", "〈": "〉", '"': '"'}
_TRAIL_FILLERS = tuple(sorted(FILLERS + ("数", "数量", "总数", "数量为", "总量", "量", "的", "条数", "篇数", "件数"),
                             key=len, reverse=True))
_OTHER_MODIFIERS = ("其他", "其它", "其余", "另外", "另")
_EN_PUB_RE = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?P<unit>pieces|items|articles)\s+of\s+(?:government\s+)?"
    r"(?:information|news|posts)\s+(?:were|was|have\s+been|had\s+been)\s+(?:released|published|disclosed|"
    r"made\s+public|issued)",
    re.I,
)


@dataclass
class Atom:
    start: int  # view position where the atom's markers start
    num_start: int
    num_end: int
    end: int
    value: int | float
    bound: str  # exact | approx | lower
    unit: str
    number: str
    obj: str | None = None  # the noun after the count ("发布457篇教育动态" → 教育动态)
    verb_before: bool = False


@dataclass
class Claim:
    atom: Atom
    sent: tuple[int, int]
    channel: str | None
    channel_source: str | None  # stated | scope | total | sentence | heading | several | None
    category: str | None
    parent: Claim | None = None
    index: int = -1
    list_open: bool = False  # its breakdown is marked open (…等)
    stated_channel: str | None = None
    duplicate_of: Claim | None = None
    category_repeat_of: Claim | None = None
    children: list[Claim] = field(default_factory=list)
    span_start: int = -1


@dataclass
class _List:
    parent: Claim | None
    parent_atom: Atom | None
    depth: int
    kind: str  # paren | qizhong | colon
    items: list[Claim] = field(default_factory=list)
    publication: bool = True  # the thing broken down is a publication count


# --- small helpers ------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _strip(s: str, words, *, suffix: bool = False) -> str:
    """s without any of words at its start (or end), repeatedly, longest first; never down to ""."""
    words = _longest_first(tuple(words))
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if (s.endswith(w) if suffix else s.startswith(w)) and len(s) > len(w):
                s = s[: -len(w)] if suffix else s[len(w) :]
                changed = True
                break
    return s


def _strip_prefixes(s: str, words) -> str:
    return _strip(s, words)


def _strip_suffixes(s: str, words) -> str:
    return _strip(s, words, suffix=True)


_PLATFORM_COLUMN = re.compile(r"“((?:政府)?信息公开|政务公开|重点领域[^“”]{0,8})”(专栏|栏目|专区|平台|目录)")


def _blank_quotes(s: str) -> str:
    """Quoted names ("“台山政府网”微信公众号") are names, not channel words: blank their inside.
    A quoted column that is itself a platform ("“政府信息公开”专栏") is kept as its words."""
    s = _PLATFORM_COLUMN.sub(lambda m: m.group(1) + m.group(2) + "○○", s)
    return re.sub(r"“[^“”]*”|《[^《》]*》|\"[^\"]*\"", lambda m: "○" * len(m.group(0)), s)


def _generic(s: str) -> bool:
    return bool(_GENERIC_RE.fullmatch(s))


def _is_verb_at(text: str, a: int, b: int) -> bool:
    """Is text[a:b] (a publication-verb match) a verb rather than part of a noun?"""
    verb = text[a:b]
    after = text[b : b + 4]
    for key, nexts in VERB_NOUN_NEXT.items():
        if verb.endswith(key) and any(after.startswith(n) for n in nexts):
            return False
    before = text[max(0, a - 4) : a]
    for key, prevs in VERB_NOUN_PREV.items():
        if verb.startswith(key) and verb == key and any(before.endswith(p) for p in prevs):
            return False
    return True


def find_verb(text: str) -> tuple[int, int] | None:
    """Span of the rightmost publication verb of text (verbs inside quotes or nouns skipped)."""
    blanked = _blank_quotes(text)
    best = None
    for m in _VERB_RE.finditer(blanked):
        if _is_verb_at(blanked, m.start(), m.end()):
            best = (m.start(), m.end())
    return best


def channel_of(text: str) -> tuple[str | None, bool]:
    """(channel, several) named in text.  Adjacent channel words are one phrase ("网站信息公开专栏"
    is the catalog); distinct platforms named apart, or a word such as 多渠道, mean several."""
    t = _blank_quotes(text)
    if MULTI_CHANNEL.search(t):
        return None, True
    hits: list[tuple[int, int, str]] = []
    taken = [False] * len(t)
    for name, rx in CHANNEL_PATTERNS:
        for m in rx.finditer(t):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            hits.append((m.start(), m.end(), name))
    if not hits:
        return None, False
    hits.sort()
    rank = {n: i for i, (n, _) in enumerate(CHANNEL_PATTERNS)}
    phrases: list[list[tuple[int, int, str]]] = [[hits[0]]]
    for h in hits[1:]:
        gap = t[phrases[-1][-1][1] : h[0]]
        if len(gap.strip("○")) <= 3 and not re.search(r"[、,;和及与或]", gap):
            phrases[-1].append(h)
        else:
            phrases.append([h])
    # adjacent words are one phrase only when one of them is a column of a site (the catalog or the
    # key-areas column on a portal); "微博微信" names two platforms
    names = set()
    for p in phrases:
        kinds = {x[2] for x in p}
        if len(kinds) > 1 and not kinds & {"catalog", "key_areas"}:
            return None, True
        names.add(min(kinds, key=lambda n: rank[n]))
    if len(names) > 1:
        return None, True
    return names.pop(), False


def clean_category(s: str | None, *, strip_actions: bool = False, keep_generic: bool = False) -> str | None:
    """The report's words for a category: no verbs, count fillers, quotes or example lists.
    A generic noun (信息, 政务信息 …) is no category, except as a list item (keep_generic), where
    it names one part beside others."""
    if not s:
        return None
    s = s.replace(MASK, "")
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"[\s“”‘’\"]", "", s)
    s = s.replace("《", "").replace("》", "")
    s = s.strip(",;:、.-—")
    s = LIST_OPENERS.sub("", s)
    s = _strip_prefixes(s, ("以及", "及", "和", "与", "另有", "此外", "同时"))
    if strip_actions:
        s = _strip_prefixes(s, LEADING_ACTIONS)
    s = _strip_prefixes(s, GENERIC_PREFIXES)
    # a trailing parenthesis of examples: "其他信息(意见征集、答问知识库等)"
    s = re.sub(r"\([^()]*\)$", "", s)
    s = _strip_suffixes(s, _TRAIL_FILLERS)
    s = s.strip(",;:、")
    if not s or not re.search(r"[\u4e00-\u9fffA-Za-z]", s):
        return None
    if _generic(s) and not (keep_generic and s not in ("信息", "内容", "各类信息")):
        return None
    return s


# --- atoms --------------------------------------------------------------------------------------


def number_value(m: re.Match) -> tuple[int | float | None, str]:
    """(value, bound) of a match of NUMBER: 万/亿 applied; bound exact, approx or lower."""
    g = m.groupdict()
    value = parse_number(g["num"], g.get("mul"))
    pre = g.get("pre") or ""
    more = g.get("more1") or g.get("more2")
    post = g.get("post") or ""
    if more or post in LOWER_AFTER_UNIT or any(pre.endswith(w) or w in pre for w in LOWER_BEFORE):
        bound = "lower"
    elif post in APPROX_AFTER_UNIT or any(w in pre for w in APPROX_BEFORE):
        bound = "approx"
    else:
        bound = "exact"
    return value, bound


class _QuoteState:
    """Which quotes are open at a position, scanned forward once per sentence (atoms come in order)."""

    PAIRS = (("“", "”"), ("《", "》"), ("‘", "’"))

    def __init__(self, text: str, s0: int):
        self.text, self.pos = text, s0
        self.open: dict[str, int] = {}

    def inside(self, pos: int) -> bool:
        text = self.text
        for i in range(self.pos, pos):
            c = text[i]
            for open_, close in self.PAIRS:
                if c == open_:
                    self.open[open_] = i
                elif c == close:
                    self.open.pop(open_, None)
        self.pos = max(self.pos, pos)
        for open_, close in self.PAIRS:
            if open_ in self.open:
                nxt = text.find(close, pos, pos + 30)
                stop = min([p for p in (text.find(x, pos, pos + 30) for x in "。\n") if p != -1], default=-1)
                if nxt != -1 and (stop == -1 or nxt < stop):
                    return True
        return False


def find_atoms(text: str, s0: int, s1: int) -> list[Atom]:
    out: list[Atom] = []
    quotes = _QuoteState(text, s0)
    for m in ATOM_RE.finditer(text, s0, s1):
        ns, ne = m.start("num"), m.end("num")
        num = m.group("num")
        prev = text[ns - 1] if ns > s0 else ""
        if num[0].isdigit() and (prev.isdigit() or prev in ".,"):
            continue
        if not num[0].isdigit() and (prev in _CN_NUM + "第每这该此上下哪几"):
            continue
        if prev == "第" or (ns - len(m.group("pre")) > s0 and text[ns - len(m.group("pre")) - 1] == "第"):
            continue
        unit, ue = m.group("unit"), m.end("unit")
        nxt = text[ue] if ue < len(text) else "\n"
        if unit in UNIT_BAD_NEXT and nxt in UNIT_BAD_NEXT[unit]:
            continue
        if quotes.inside(ns):
            continue
        value, bound = number_value(m)
        if value is None:
            continue
        start = m.start()
        # A verb right before the number: "发布457篇教育动态".
        vb = find_verb(text[max(s0, start - 6) : start])
        verb_before = bool(vb) and vb[1] == min(6, start - s0)
        end = m.end()
        obj = None
        rest = text[end : min(s1, end + 16)]
        if not rest or rest[0] in _BOUNDARY or rest[0] == "(":
            pass
        else:
            g = _GENERIC_RE.match(rest)
            if g and (g.end() == len(rest) or rest[g.end()] in _BOUNDARY or rest[g.end()] == "("):
                obj = g.group(0)
                end += g.end()
            elif verb_before:
                run = re.match(r"[^,;:、。!?()\n等\d]{1,12}", rest)
                obj = run.group(0) if run else None
                end += len(obj or "")
            else:
                continue
        if unit in ("个",) and obj is None and rest and rest[0] not in _BOUNDARY:
            continue
        out.append(Atom(start, ns, ne, end, value, bound, unit, m.group(0), obj, verb_before))
    return out


# --- the reader ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, view: View):
        self.view = view
        self.text = view.text
        self.claims: list[Claim] = []
        self.prev_sentence_last: tuple[Atom | None, Claim | None] = (None, None)
        self.colon_list: _List | None = None
        self.heading_pos = [p for p, _ in view.headings]
        self.headings = view.headings

    # -- structure

    def sentences(self):
        text = self.text
        for para in re.finditer(r"[^\n]+", text):
            a = para.start()
            for s in re.finditer(r"[^。!?！？]+[。!?！？]?", para.group(0)):
                yield a + s.start(), a + s.end(), a

    def _parens(self, s0: int, s1: int, atoms: list[Atom]) -> tuple[list[bool], list[int]]:
        """inline[i]: inside an atom-free parenthesis; depth[i]: open parentheses with atoms."""
        n = s1 - s0
        inline = [False] * n
        pairs = []
        stack = []
        for i in range(s0, s1):
            c = self.text[i]
            if c == "(":
                stack.append(i)
            elif c == ")" and stack:
                pairs.append((stack.pop(), i))
        nums = sorted(a.num_start for a in atoms)
        depth = [0] * (n + 1)
        import bisect

        for o, c in pairs:
            k = bisect.bisect_left(nums, o)
            if k < len(nums) and nums[k] < c:
                depth[o - s0 + 1] += 1
                depth[c - s0] -= 1
            else:
                for i in range(o, c + 1):
                    inline[i - s0] = True
        run = 0
        for i in range(n + 1):
            run += depth[i]
            depth[i] = run
        return inline, depth

    def _clause_start(self, s0: int, pos: int, prev_end: int, inline: list[bool]) -> int:
        text = self.text
        j = pos - 1
        while j >= max(s0, prev_end):
            c = text[j]
            if not inline[j - s0]:
                if c in _DELIMS or c in "()":
                    break
                if c == "、" and prev_end > s0 and re.fullmatch(r"[\s)等]*", text[prev_end:j]):
                    break
            j -= 1
        return j + 1

    def _heading_channel(self, pos: int) -> str | None:
        import bisect

        k = bisect.bisect_right(self.heading_pos, pos) - 1
        if k < 0:
            return None
        heading = self.headings[k][1]
        if re.search(r"建设|管理|保障|监督|机制|考核", heading):
            return None  # "平台建设" names a subject of work, not where the counts below were published
        channel, several = channel_of(heading)
        return None if several else channel

    # -- reading one atom

    def run(self) -> list[Claim]:
        for s0, s1, para in self.sentences():
            if self.colon_list is not None and para > self.colon_list_para_end:
                self.colon_list = None
            self.sentence(s0, s1, para)
        return self.claims

    colon_list_para_end = -1
    stock_at: int | None = None

    def sentence(self, s0: int, s1: int, para: int) -> None:
        text = self.text
        atoms = find_atoms(text, s0, s1)
        prev_last_atom, prev_last_claim = self.prev_sentence_last
        same_para = self.prev_para == para if hasattr(self, "prev_para") else False
        self.prev_para = para
        para_end = text.find("\n", s0)
        para_end = len(text) if para_end == -1 else para_end
        if COLON_LIST.search(text[s0:s1].split(",")[0] if "," in text[s0:s1] else text[s0:s1]) or (
            re.search(r"(?:主要|具体)?公开(?:的)?内容(?:包括|有|如下)?:", text[s0:s1])
        ):
            if prev_last_claim is not None and same_para:
                self.colon_list = _List(prev_last_claim, prev_last_atom, 0, "colon")
                self.colon_list_para_end = para
        if not atoms:
            return
        inline, depth = self._parens(s0, s1, atoms)
        stock = STOCK_WORDS.search(text, s0, s1)
        self.stock_at = stock.start() if stock else None
        stack: list[_List] = []
        if self.colon_list is not None and self.colon_list_para_end == para:
            stack.append(self.colon_list)
        prev_atom: Atom | None = None
        prev_claim: Claim | None = None  # previous publication claim of this sentence at this level
        prev_was_claim = False
        sentence_claims: list[Claim] = []
        for atom in atoms:
            d = depth[atom.num_start - s0]
            prev_end = prev_atom.end if prev_atom else s0
            cs = self._clause_start(s0, atom.start, prev_end, inline)
            scope = text[prev_end:cs]
            own = text[cs : atom.start]
            # lists closing: parentheses closed, or a ";" then a new location
            while stack and stack[-1].depth > d:
                stack.pop()
            if stack and stack[-1].kind != "colon" and ";" in scope and self._names_location(scope.split(";")[-1]):
                stack.pop()
            # lists opening
            opener_in_scope = any(LIST_OPENERS.match(c.strip()) for c in re.split(r"[,;:]", scope) if c.strip())
            opener_in_own = bool(LIST_OPENERS.match(own))
            paren_open = prev_atom is not None and d > depth[prev_atom.num_start - s0]
            if paren_open or opener_in_scope or opener_in_own:
                parent_atom = prev_atom
                parent_claim = prev_claim if prev_was_claim else None
                if prev_atom is None and same_para and (opener_in_scope or opener_in_own):
                    parent_atom, parent_claim = prev_last_atom, prev_last_claim
                if parent_atom is not None and not (stack and stack[-1].parent_atom is parent_atom):
                    stack.append(
                        _List(parent_claim, parent_atom, d, "paren" if paren_open else "qizhong",
                              publication=parent_claim is not None)
                    )
            lst = stack[-1] if stack else None
            headed = prev_atom is None and bool(re.match(r"(?:包含|包括|含)", own))
            claim = self.read(atom, s0, s1, cs, own, scope, lst, prev_claim if prev_was_claim else None, headed)
            if claim is not None:
                if lst is not None and claim.parent is None and lst.parent is not None and claim.channel_source != "closed":
                    claim.parent = lst.parent
                    lst.items.append(claim)
                if claim.channel_source == "closed":
                    claim.channel_source = "stated"
                    while stack and stack[-1].kind != "colon":
                        stack.pop()
                    if stack and stack[-1].kind == "colon":
                        stack.pop()
                        self.colon_list = None
                self.claims.append(claim)
                sentence_claims.append(claim)
                prev_claim = claim
            prev_was_claim = claim is not None
            prev_atom = atom
        self._nest(sentence_claims)
        last = atoms[-1]
        self.prev_sentence_last = (last, sentence_claims[-1] if sentence_claims and sentence_claims[-1].atom is last else None)

    def _names_location(self, clause: str) -> bool:
        clause = clause.strip(" ,;:")
        if not clause:
            return False
        channel, several = channel_of(clause)
        return bool(channel or several or COLUMN_SUFFIX.search(clause))

    def read(self, atom: Atom, s0: int, s1: int, cs: int, own: str, scope: str, lst: _List | None,
             sibling: Claim | None, headed: bool) -> Claim | None:
        text = self.text
        body = LIST_OPENERS.sub("", own.strip()).strip(",;:")
        if any(w in own for w in METRIC_WORDS) or (atom.obj and any(w in atom.obj for w in METRIC_WORDS)):
            return None
        if self.stock_at is not None and self.stock_at < atom.start and STOCK_CLAUSE.search(scope + own):
            return None
        verb = find_verb(body)
        if (
            verb is not None
            and verb[1] == len(body)
            and body[verb[0] : verb[1]] in ("公开", "公示")
            and verb[0] > 0
            and not body.startswith(LOCATION_PREPS)
            and channel_of(body[: verb[0]]) == (None, False)
        ):
            # "行政执法公示22条", "党务公开26条": the words name a kind of item; a verb before them
            # ("发布行政执法公示22篇") is the clause's verb
            verb = find_verb(body[: verb[0]])
        summary = False
        if verb is None and not clean_category(body, strip_actions=True) and not (atom.obj and not _generic(atom.obj)):
            # "共计24条信息": the count of what the clauses before it describe
            sv = find_verb(scope)
            if sv is not None and not any(w in scope for w in METRIC_WORDS):
                body, verb, summary = scope.strip(",;: "), find_verb(scope.strip(",;: ")), True
        if verb is not None:
            before, after = body[: verb[0]], body[verb[1] :]
        else:
            before, after = body, ""
        if (verb is not None and any(w in before for w in NOT_PUBLICATION)) or "申请" in after or "申请" in (
            atom.obj or ""
        ):
            return None
        in_pub_list = lst is not None and lst.publication and lst.parent is not None
        if verb is None and any(w in body for w in (NOT_PUBLICATION if not in_pub_list else APPLICATION_WORDS)):
            return None
        if RATE_WORDS.search(body) or COMPARISON.search(body):
            return None
        if lst is not None and not lst.publication and verb is None:
            return None
        own_channel, several = channel_of(before if verb is not None else body)
        if verb is None and not in_pub_list and sibling is None:
            # a lone clause without a verb counts only when it is nothing but a platform ("微信公众号8条")
            if not own_channel or clean_category(_strip_channel_words(body)):
                return None
        if atom.unit in ("次",) and verb is None and not in_pub_list:
            return None
        # category
        category: str | None = None
        column: str | None = None
        # a quoted column right before the verb ("在“教育工作信息”公开信息8条"); a quoted name next to a
        # platform word is an account ("“台山政府网”微信公众号"), not a column
        q = None
        if verb is not None:
            q = re.search(r"“([^“”]{1,30})”(?P<suf>栏目|专栏|子栏目|板块|版块)?(?:中|里|内|上)?$", before.strip(",;: "))
            if q and not q.group("suf") and channel_of(before)[0] is not None:
                q = None
        if q is None and summary:
            q = re.search(r"“([^“”]{1,30})”(?:栏目|专栏|子栏目|板块|版块)", scope)
        if q:
            column = q.group(1)
            suffixed = column + ((q.group("suf") if "suf" in q.re.groupindex else None) or "专栏")
            qc, qsev = channel_of(suffixed)
            if qc in ("catalog", "key_areas") and not qsev and not clean_category(_strip_channel_words(suffixed)):
                column = None  # “政府信息公开”专栏 is the platform itself
                own_channel, several = qc, False
        if verb is not None:
            obj = clean_category(after)
            if obj and EXAMPLES_TAIL.search(obj) and lst is None and sibling is None:
                obj = None
            b = _strip_prefixes(before.strip(",;: "), ("以及", "及", "和", "另有"))
            if obj is not None and b in _OTHER_MODIFIERS:
                obj = clean_category(body)
            if obj is None and not after.strip() and b and not own_channel and not several and not column and (
                in_pub_list or sibling is not None
            ):
                bb = b
                if not bb.startswith(LOCATION_PREPS) and not SUBJECT_WORDS.match(bb):
                    cand = clean_category(_strip_suffixes(bb, ("中", "里", "内", "上")), strip_actions=True,
                                          keep_generic=in_pub_list or sibling is not None)
                    if cand and not SUBJECT_WORDS.match(cand):
                        obj = cand
            if obj is None and column is None and not own_channel and not several:
                # "政策文件栏目中发布信息400条": a column named without quotes
                loc = _strip_prefixes(before.strip(",;: "), LOCATION_PREPS)
                if COLUMN_SUFFIX.search(loc):
                    name = clean_category(_strip_suffixes(loc, ("中", "里", "内", "上")))
                    if name and not SUBJECT_WORDS.match(name) and COLUMN_SUFFIX.sub("", name):
                        column = name
            category = obj
            if column and (obj is None or len(obj) <= 2 or obj in column or summary):
                category = column
        elif headed:
            prev_clause = [c for c in re.split(r"[,;:]", scope) if c.strip()]
            category = clean_category(prev_clause[-1]) if prev_clause else None
        elif own_channel and not clean_category(_strip_channel_words(body)):
            category = None
        else:
            category = clean_category(body, strip_actions=True, keep_generic=in_pub_list or sibling is not None)
        if category and (re.search(r"\d", category) or LIFECYCLE_WORDS.match(category)):
            return None
        # channel
        channel, source = None, None
        if several:
            channel, source = None, "several"
        elif own_channel:
            channel, source = own_channel, "stated"
        else:
            sc, sev = channel_of(scope) if not summary else (None, False)
            if sev:
                channel, source = None, "several"
            elif sc:
                channel, source = sc, "scope"
        obj_text = (category or "") + (atom.obj or "")
        if re.match(r"^重点领域(?:的)?(?:政府)?信息$", after.strip()) and source != "several":
            channel, source, category = "key_areas", "stated", None
        if source in (None, "scope", "several") and not own_channel:
            for name, rx in OBJECT_CHANNELS:
                if rx.search(obj_text):
                    channel, source = name, "stated"
        last_scope = re.split(r"[,;:]", scope.strip(",;: "))[-1] if scope.strip(",;: ") else ""
        if source is None and last_scope and COLUMN_SUFFIX.search(last_scope) and lst is None:
            channel, source = "website", "column"
        inherited = None
        if lst is not None and lst.parent is not None and lst.publication:
            inherited = (lst.parent.channel, "total")
        elif sibling is not None:
            inherited = (sibling.channel, "sentence")
        # a part located in a column of its total's platform keeps the total's channel
        if inherited and inherited[0] in ("website", "catalog") and source == "stated" and channel in (
            "key_areas", "catalog") and COLUMN_SUFFIX.search(_strip_suffixes(before.strip(",;: "), ("发布",))):
            col = clean_category(_strip_prefixes(before.strip(",;: "), LOCATION_PREPS))
            if col and (category is None or _generic(category)):
                category = _strip_suffixes(col, ("中", "里", "内", "上"))
            channel, source = inherited
        if source is None and inherited is not None:
            channel, source = inherited
        if source is None:
            hc = self._heading_channel(atom.start)
            if hc:
                channel, source = hc, "heading"
        if source is None:  # last resort: a platform named only inside a quoted name
            qc, qsev = channel_of(re.sub(r"[“”]", "", text[max(s0, atom.start - 80) : atom.start]))
            if qc and not qsev:
                channel, source = qc, "quoted"
        if source is None and lst is None and sibling is None and verb is not None and COLUMN_SUFFIX.search(
            before.strip(",;: ")
        ):
            channel, source = "website", "column"
        claim = Claim(atom, (s0, s1), channel, source, category)
        claim.span_start = cs if not summary else cs - len(scope)
        claim.stated_channel = channel if source == "stated" else None
        # a part naming another platform than its total closes the breakdown
        if (
            lst is not None
            and lst.parent is not None
            and source == "stated"
            and lst.parent.channel is not None
            and channel != lst.parent.channel
            and not (lst.parent.channel == "website" and channel in ("catalog", "key_areas"))  # columns of the site
        ):
            claim.channel_source = "closed"
        return claim

    def _nest(self, claims: list[Claim]) -> None:
        """Consecutive claims of a sentence whose later members add up to the first: a breakdown."""
        tops = [c for c in claims if c.parent is None]
        i = 0
        while i < len(tops):
            head = tops[i]
            total = 0
            for j in range(i + 1, min(len(tops), i + 60)):
                c = tops[j]
                if c.stated_channel and c.stated_channel != head.channel:
                    break
                total += c.atom.value
                if total == head.atom.value and j - i >= 2 and head.atom.bound == "exact":
                    for k in range(i + 1, j + 1):
                        tops[k].parent = head
                    i = j
                    break
                if total > head.atom.value:
                    break
            i += 1


def _strip_channel_words(s: str) -> str:
    t = s
    for _, rx in CHANNEL_PATTERNS:
        t = rx.sub("", t)
    t = _strip_prefixes(t, LOCATION_PREPS)
    return re.sub(r"“[^“”]*”", "", t)


def read_claims(view: View) -> list[Claim]:
    claims = _Reader(view).run()
    for i, c in enumerate(claims):
        c.index = i
    for c in claims:
        if c.parent is not None:
            c.parent.children.append(c)
    for c in claims:
        if c.children:  # "…、行政处罚结果2项等)": the breakdown names some parts only
            last = c.children[-1].atom.end
            c.list_open = view.text[last : last + 2].lstrip(")").startswith("等")
    # restatements: the same channel, category and value stated again
    seen: dict[tuple, Claim] = {}
    for c in claims:
        key = (c.channel, c.category, c.atom.value)
        if key in seen and c.atom.bound == seen[key].atom.bound:
            c.duplicate_of = seen[key]
        else:
            seen.setdefault(key, c)
    by_parent: dict[int, dict[str, Claim]] = {}
    for c in claims:
        if c.parent is not None and c.category:
            first = by_parent.setdefault(c.parent.index, {}).setdefault(c.category, c)
            if first is not c:
                c.category_repeat_of = first
    return claims


def english_claims(text: str) -> list[re.Match]:
    return list(_EN_PUB_RE.finditer(text))


__all__ = ["Atom", "Claim", "ATOM_RE", "NUMBER", "number_value", "WEAK_UNITS", "find_atoms", "read_claims", "channel_of", "clean_category",
           "find_verb", "english_claims"]
