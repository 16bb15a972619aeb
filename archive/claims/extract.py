"""Claims an annual report makes: year, period, format, agency, and the counts it states.

Everything is matched on the normalized text (simplified, NFKC, mojibake repaired) and reported
with offsets into the ORIGINAL input.  Only numbers attached to a publication verb, a count noun
and a named channel are publication claims (reference §6 "Boilerplate"); staff, money, people,
schools, events, percentages and telephone numbers never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import run_checks
from .normalize import Normalized, normalize, parse_number
from .tables import detect_format, parse_tables

DEFAULT_AGENCY_HOSTS = ["www.kaiping.gov.cn"]

# --- patterns -----------------------------------------------------------------------------------

_NUM = r"(?P<pre>约|近|逾|超过|大约)?(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)(?P<mul>万|亿)?(?P<more>余|多)?"
_VERB = r"(?P<verb>主动公开|公开|发布|推送|发表|更新|刊发|刊登|上传|公布|推出|编发)"
_PUB_UNIT = r"(?P<unit>条(?!例|款|龙)|篇|期|则|件|份)"
_VERB_WORDS = r"公开|发布|推送|发表|更新|刊发|刊登|上传|公布|推出|编发"
# the noun may not hold another verb: the verb nearest the number is the one that counts
_PUB_RE = re.compile(
    _VERB
    + rf"(?P<noun>(?:(?!{_VERB_WORDS})[^\d,;:。!?“”]){{0,16}}?)(?:共计|共|合计|累计)?"
    + _NUM
    + _PUB_UNIT
)
_APP_RE = re.compile(
    r"(?:受理|收到|接收|接到|新收)(?P<noun>[^\d,;:。!?]{0,20}?)申请(?:共计|共|合计|总计|累计)?"
    + _NUM
    + r"(?P<unit>件|宗|个|份|条|起)"
)
_APP_DIRECT_RE = re.compile(r"依申请公开(?:政府信息)?(?:申请)?(?:共计|共|合计)?" + _NUM + r"(?P<unit>件|宗)")
_APP_NONE_RE = re.compile(r"(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:的)?(?:政府信息公开|依申请公开)?申请")
_READS_RE = re.compile(
    r"阅读(?:量|数|次数|总量|人次)(?:累计|共|达到|达|为|超过|超|约|近)*" + _NUM + r"(?P<unit>人次|次)?"
)
_LIST_ITEM_RE = re.compile(
    r"(?P<cat>[^\d,;:。!?、]{1,30}?)(?:共|有|为)?" + _NUM + r"(?P<unit>条|篇|件|个|期)"
)

_CHANNELS = [
    ("key_areas", re.compile(r"重点领域")),
    ("wechat", re.compile(r"微信公众号|公众号|微信")),
    ("weibo", re.compile(r"微博")),
    ("catalog", re.compile(r"政府信息公开目录|信息公开目录|公开目录|目录系统|信息公开平台|公开平台|gkmlpt")),
    ("website", re.compile(r"政务网|门户网站|网站|政府网|官网")),
    ("other", re.compile(r"抖音|视频号|今日头条|头条号|政务新媒体|公开栏|客户端")),
]
_GENERIC_NOUNS = set("信息 政府信息 政务信息 各类信息 各类政府信息 文章 推文 稿件 内容 了 了信息".split()) | {
    ""
}

_MASK_RES = [
    re.compile(r"(?:https?://|www\.)[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+"),
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    re.compile(r"\d{3,4}-\d{7,8}(?:-\d+)?|\d{7,8}(?!\d)"),  # telephone numbers
]
_HEADING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、](?!\d)|\(\d+\))"
)

_SPAM_RE = re.compile(
    r"365bet[^\s,;。\d]{0,12}|bet365|成人直播|[^\s,;。\d]{0,6}赌场[^\s,;。\d]{0,8}|澳门金沙|金沙官网|金沙城中心|"
    r"博彩|六合彩|娱乐城|真人视讯|棋牌游戏|色情|av在线|无码",
    re.IGNORECASE,
)
_AGENCY_SUFFIX = r"(?:局|委员会|委|办公室|办|人民政府|政府|厅|署|院|中心|馆|所|队|站|处|街道办事处|管委会)"
_TITLE_RE = re.compile(r"(?P<before>[^\n。]{0,60}?)(?P<year>\d{4})\s*年度?政府信息公开(?:工作)?(?:年度)?报告")
_CONTACT_RE = re.compile(
    r"(?:请与|请联系|联系单位[:为]?)(?P<name>[\u4e00-\u9fff]{2,30}?" + _AGENCY_SUFFIX + r")(?:联系|\()"
)
_PLACE_RE = re.compile(r"(?:省|市|县|区|州|盟|旗|镇|乡)")
_PERIOD_RE = re.compile(
    r"统计(?:期限|时限|期间|时间|区间)(?:为|是)?(?:自|从)?(\d{4})年(\d{1,2})月(\d{1,2})日(?:起)?"
    r"(?:至|到|-|~|—)(\d{4})年(\d{1,2})月(\d{1,2})日"
)


@dataclass
class _Sentence:
    start: int
    end: int  # exclusive, includes the terminator
    para: int


def _mask(text: str) -> str:
    """Blank URLs, e-mails and telephone numbers (same length, so offsets hold)."""
    for rx in _MASK_RES:
        text = rx.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for para, m in enumerate(re.finditer(r"[^\n]+", text)):
        for s in re.finditer(r"[^。!?]+[。!?]?", m.group(0)):
            if s.group(0).strip():
                out.append(_Sentence(m.start() + s.start(), m.start() + s.end(), para))
    return out


def _clause_bounds(text: str, pos: int, sent: _Sentence) -> tuple[int, int]:
    a = max(text.rfind(c, sent.start, pos) for c in ",;:") + 1
    a = max(a, sent.start)
    ends = [i for i in (text.find(c, pos, sent.end) for c in ",;:") if i != -1]
    return a, min(ends) if ends else sent.end


def _nearest_channel(text: str, a: int, b: int, pos: int) -> str | None:
    """The channel keyword in text[a:b] nearest before pos (else the first after it)."""
    before, after = None, None
    for name, rx in _CHANNELS:
        for m in rx.finditer(text, a, b):
            if m.end() <= pos:
                if before is None or m.end() > before[0]:
                    before = (m.end(), name)
            elif after is None or m.start() < after[0]:
                after = (m.start(), name)
    if before:
        return before[1]
    return after[1] if after else None


def _heading_context(text: str, pos: int) -> str:
    """The nearest heading line above pos."""
    for line in reversed(text[:pos].split("\n")[:-1]):
        if _HEADING_RE.match(line) and len(line) <= 40:
            return line
    return ""


def _value(m: re.Match) -> tuple[int | float | None, bool, str]:
    value = parse_number(m.group("num"), m.group("mul"))
    pre, more = m.group("pre"), m.group("more")
    bound = "lower" if more or pre in ("逾", "超过") else "approx" if pre else "exact"
    return value, bound != "exact", bound


class _Collector:
    def __init__(self, norm: Normalized, work: str):
        self.norm, self.work = norm, work
        self.claims: list[dict] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in self.taken)

    def add(
        self,
        m: re.Match,
        sent: _Sentence,
        *,
        kind: str,
        channel: str | None,
        category: str | None,
        unit: str,
        span: tuple[int, int] | None = None,
        value=None,
        approx=None,
        bound=None,
    ) -> dict | None:
        a, b = span or (m.start(), m.end())
        num_a, num_b = (
            (m.start("num"), m.end("num")) if "num" in m.re.groupindex and m.group("num") else (a, b)
        )
        if not self.free(num_a, num_b):
            return None
        if value is None:
            value, approx, bound = _value(m)
            if value is None:
                return None
        oa, ob = self.norm.span(a, b)
        qa, qb = self.norm.span(sent.start, sent.end)
        claim = {
            "kind": kind,
            "channel": channel,
            "category": category,
            "value": value,
            "approx": bool(approx),
            "bound": bound,
            "unit": unit,
            "quote": self.norm.original[qa:qb].strip(),
            "start": oa,
            "end": ob,
            "quote_start": qa,
            "quote_end": qb,
            "number": self.norm.orig(num_a, num_b),
        }
        claim["_pos"], claim["_num"] = num_a, (num_a, num_b)
        self.claims.append(claim)
        self.taken.append((num_a, num_b))
        return claim


def _find_lists(col: _Collector, sents: list[_Sentence]) -> None:
    """'…191条。其中,指南1条;制度2条;…' → one category claim per item, channel of the total."""
    work = col.work
    for m in re.finditer(r"其中[,:]?", work):
        if m.start() and work[m.start() - 1] not in "。,;:\n ":
            continue
        sent = next((s for s in sents if s.start <= m.start() < s.end), None)
        if sent is None:
            continue
        k = sents.index(sent)
        near = [s for s in sents[max(0, k - 1) : k + 1] if s.para == sent.para]
        parents = [
            c
            for c in col.claims
            if c["kind"] == "published"
            and c["category"] is None
            and c["_pos"] < m.start()
            and any(s.start <= c["_pos"] < s.end for s in near)
        ]
        if not parents:
            continue
        parent = parents[-1]
        items = []
        for seg in re.finditer(r"[^;、,。]+", work[m.end() : sent.end]):
            a, b = m.end() + seg.start(), m.end() + seg.end()
            while b > a and work[b - 1].isspace():
                b -= 1
            im = _LIST_ITEM_RE.fullmatch(work, a, b)
            if im is None:
                break
            items.append(im)
        if len(items) < 2:
            continue
        # Items such as "政府信息公开指南1条" contain a verb and may have been read as claims: drop them.
        col.claims = [c for c in col.claims if c is parent or not m.end() <= c["_pos"] < sent.end]
        col.taken = [c["_num"] for c in col.claims]
        for im in items:
            claim = col.add(
                im,
                sent,
                kind="published",
                channel=parent["channel"],
                category=im.group("cat").strip(),
                unit=im.group("unit"),
            )
            if claim is not None:
                claim["_parent"] = parent


def _find_published(col: _Collector, sents: list[_Sentence]) -> None:
    work = col.work
    for sent in sents:
        for m in _PUB_RE.finditer(work, sent.start, sent.end):
            if work[m.start("verb") - 2 : m.start("verb")] == "申请" or "申请" in m.group("noun"):
                continue  # 依申请公开… is about applications
            if work[m.start("num") - 1 : m.start("num")] == "第":
                continue
            ca, cb = _clause_bounds(work, m.start("num"), sent)
            if m.start("verb") < ca:
                continue
            channel = _nearest_channel(work, ca, cb, m.start("num"))
            channel = channel or _nearest_channel(work, sent.start, sent.end, m.start("num"))
            if channel is None and "重点领域" in _heading_context(work, sent.start):
                channel = "key_areas"
            if channel is None:
                continue  # no channel named: not a publication claim (e.g. 论文发表301篇)
            noun = m.group("noun").strip()
            category = None if noun in _GENERIC_NOUNS else noun
            span = None
            if channel == "key_areas":  # the sub-column is named in quotes before the verb
                q = list(re.finditer(r"“([^“”]{1,30})”", work[ca : m.start("verb")]))
                if q:
                    category = q[-1].group(1)
                    span = (ca + q[-1].start(), m.end())
            col.add(
                m, sent, kind="published", channel=channel, category=category, unit=m.group("unit"), span=span
            )


def _find_applications(col: _Collector, sents: list[_Sentence]) -> None:
    work = col.work
    for sent in sents:
        for rx in (_APP_RE, _APP_DIRECT_RE):
            for m in rx.finditer(work, sent.start, sent.end):
                col.add(m, sent, kind="applications", channel=None, category=None, unit=m.group("unit"))
        for m in _APP_NONE_RE.finditer(work, sent.start, sent.end):
            col.add(
                m,
                sent,
                kind="applications",
                channel=None,
                category=None,
                unit="件",
                value=0,
                approx=False,
                bound="exact",
            )


def _find_reads(col: _Collector, sents: list[_Sentence]) -> None:
    work = col.work
    for sent in sents:
        for m in _READS_RE.finditer(work, sent.start, sent.end):
            channel = _nearest_channel(work, sent.start, sent.end, m.start("num"))
            col.add(m, sent, kind="reads", channel=channel, category=None, unit="次")


def find_claims(norm: Normalized) -> list[dict]:
    """Every count claim in the narrative, ordered by position."""
    work = _mask(norm.text)
    sents = _sentences(work)
    col = _Collector(norm, work)
    _find_published(col, sents)
    _find_lists(col, sents)
    _find_applications(col, sents)
    _find_reads(col, sents)
    claims = sorted(col.claims, key=lambda c: c["start"])
    for c in claims:
        parent = c.pop("_parent", None)
        c["part_of"] = claims.index(parent) if parent is not None else None
        c.pop("_pos", None)
        c.pop("_num", None)
    return claims


# --- year, period, agency -----------------------------------------------------------------------


def find_period(norm: Normalized) -> tuple[int | None, dict | None, str | None]:
    text = norm.text
    m = _PERIOD_RE.search(text)
    if m:
        y1, m1, d1, y2, m2, d2 = (int(g) for g in m.groups())
        period = {"start": f"{y1:04d}-{m1:02d}-{d1:02d}", "end": f"{y2:04d}-{m2:02d}-{d2:02d}"}
        return y2, period, None
    t = _TITLE_RE.search(text)
    if t:
        y = int(t.group("year"))
        return (
            y,
            {"start": f"{y}-01-01", "end": f"{y}-12-31"},
            "period assumed to be the calendar year of the title",
        )
    return None, None, None


def _strip_lead(before: str) -> str:
    """'现向社会公开开平市教育局' → '开平市教育局'."""
    for sep in (
        "现向社会公开",
        "向社会公开",
        "现予公布",
        "现将",
        "现公布",
        "公开",
        "公布",
        "发布",
        "的",
        "》",
        "“",
        ",",
    ):
        if sep in before:
            before = before.rsplit(sep, 1)[1]
    return before.strip()


def find_agency(norm: Normalized) -> dict:
    text = norm.text
    spam = [m for m in _SPAM_RE.finditer(text)]
    for t in _TITLE_RE.finditer(text):
        before = t.group("before")
        bad = _SPAM_RE.search(before)
        if bad:
            return _agency_fallback(
                text, f"agency name replaced by spam string {bad.group(0).strip()!r} in the title"
            )
        name = _strip_lead(before)
        if re.fullmatch(r"[\u4e00-\u9fff()]{2,30}" + _AGENCY_SUFFIX, name) and _PLACE_RE.search(name[:-1]):
            return {"name": name, "note": None}
    note = "agency name not found in the text"
    if spam:
        note += f"; spam strings present: {', '.join(sorted({m.group(0) for m in spam}))}"
    return _agency_fallback(text, note)


def _agency_fallback(text: str, note: str) -> dict:
    """A name stated elsewhere in the text (contact sentence); never a guess from boilerplate."""
    m = _CONTACT_RE.search(text)
    if m and _PLACE_RE.search(m.group("name")[:-1]) and not _SPAM_RE.search(m.group("name")):
        return {"name": m.group("name"), "note": note + "; name taken from the contact sentence"}
    return {"name": None, "note": note}


# --- notes --------------------------------------------------------------------------------------


def host_notes(norm: Normalized, agency_hosts: list[str]) -> list[str]:
    notes = []
    seen: dict[str, list[str]] = {}
    for m in re.finditer(
        r"(?:https?://)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(/[A-Za-z0-9._~/%-]*)?", norm.text
    ):
        if not (m.group(0).startswith("http") or m.group(1).startswith("www.")):
            continue
        seen.setdefault(m.group(1).lower(), []).append(m.group(0))
    real = agency_hosts[0] if agency_hosts else None
    for host, urls in seen.items():
        if host in {h.lower() for h in agency_hosts}:
            continue
        if host.endswith(".gov.cn"):
            notes.append(
                f"host {host} in the text is another government host, not the agency's ({', '.join(agency_hosts)})"
            )
            continue
        mapped = "; ".join(f"{u} -> http://{real}{u.split(host, 1)[1]}" for u in urls) if real else ""
        notes.append(
            f"host {host} in the text is not the agency's host ({', '.join(agency_hosts)}): "
            f"a mirror rewrote the URLs; same path on the agency host: {mapped}"
        )
    return notes


def spam_notes(norm: Normalized) -> list[str]:
    out = []
    for m in _SPAM_RE.finditer(norm.text):
        a, b = norm.span(m.start(), m.end())
        out.append(f"spam substitution {norm.original[a:b]!r} at original[{a}:{b}]")
    return out


def _repeat_notes(claims: list[dict]) -> list[str]:
    groups: dict[tuple, list[dict]] = {}
    for c in claims:
        if c["kind"] == "published" and c["category"] is None:
            groups.setdefault((c["channel"],), []).append(c)
    out = []
    for (channel,), cs in groups.items():
        if len(cs) > 1:
            values = [c["value"] for c in cs]
            verdict = "consistent" if len(set(values)) == 1 else "INCONSISTENT"
            out.append(
                f"{channel} total stated {len(cs)} times ({', '.join(map(str, values))}): {verdict}; "
                "kept as one claim per sentence"
            )
    return out


# --- entry point --------------------------------------------------------------------------------


def extract_claims(text: str, html: str | None = None, *, agency_hosts: list[str] | None = None) -> dict:
    """The JSON contract for one annual report (see archive/claims/__init__.py)."""
    hosts = list(agency_hosts) if agency_hosts else list(DEFAULT_AGENCY_HOSTS)
    norm = normalize(text)
    year, period, period_note = find_period(norm)
    claims = find_claims(norm)
    tables, table_notes, evidence = parse_tables(norm.text, html)
    fmt = detect_format(evidence)
    missing = [k for k in ("t2", "t3", "t4") if tables[k] is None]
    notes = list(norm.notes)
    if period_note:
        notes.append(period_note)
    notes += table_notes + host_notes(norm, hosts) + spam_notes(norm) + _repeat_notes(claims)
    checks = run_checks(tables, claims, norm.text, year=year, fmt=fmt, evidence=evidence)
    return {
        "year": year,
        "period": period,
        "format": fmt,
        "format_evidence": evidence,
        "agency": find_agency(norm),
        "claims": claims,
        "tables": tables,
        "missing": missing,
        "checks": checks,
        "notes": notes,
    }
