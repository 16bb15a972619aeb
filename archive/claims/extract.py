"""Claims an annual report makes: year, period, format, agency, and the counts it states.

Everything is matched on the normalized text (simplified, NFKC, mojibake repaired) and reported
with offsets into the ORIGINAL input.  Only numbers attached to a publication verb, a count noun
and a named channel are publication claims (reference §6 "Boilerplate"); staff, money, people,
schools, events, percentages and telephone numbers never are.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from .checks import run_checks
from .narrative import NUMBER, channel_of, english_claims, number_value, read_claims
from .normalize import Normalized, normalize, parse_number
from .tables import detect_format, parse_tables
from .view import View, build_view

# Kept only so the `xxgk claims` command module can import it until it moves to
# xxgk/commands/claims.py; extraction never uses it: without --agency-host no host is assumed.
DEFAULT_AGENCY_HOSTS = ["none"]

# --- patterns -----------------------------------------------------------------------------------

_NUM = NUMBER
_APP_RE = re.compile(
    r"(?:受理|收到|接收|接到|新收|办理)(?P<noun>[^\d,;:。!?]{0,20}?)(?:公开)?申请(?:共计|共|合计|总计|累计)?"
    + _NUM
    + r"(?P<unit>件|宗|个|份|条|起|项)"
)
_APP_DIRECT_RE = re.compile(
    r"(?:收到|受理)?(?:政府信息)?依申请公开(?:政府信息)?(?:申请)?(?:共计|共|合计)?" + _NUM + r"(?P<unit>件|宗|项|份)"
)
_APP_BARE_RE = re.compile(r"(?<!依)(?:政府信息)?公开申请(?:共计|共|合计)?" + _NUM + r"(?P<unit>件|宗|项|份)")
_APP_NUM_FIRST_RE = re.compile(r"(?:共)?(?:收到|受理)" + _NUM + r"(?P<unit>件|宗|条|份)(?:政府信息)?(?:公开)?申请")
_APP_NONE_RE = re.compile(
    r"(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:的)?(?:政府信息公开|依申请公开(?:政府信息)?的?|公开)?(?:申请|来信)|"
    r"(?:未|没有)(?:收到|受理|接到)依申请公开件"
)
_APP_EN_RE = re.compile(r"(?:handled|received|accepted)\s+(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?:information\s+)?"
                        r"(?:disclosure\s+)?applications", re.I)
_READS_RE = re.compile(
    r"阅读(?:量|数|次数|总量|人次)" + _NUM + r"(?P<unit>人次|次)?"
)

# Spam strings mirrors put into a page (reference §7.4).  Matched from a short anchor word and widened
# over the neighbouring non-space characters, which keeps the scan linear.
_SPAM_ANCHORS = re.compile(
    r"365bet|bet365|成人直播|赌场|澳门金沙|金沙官网|金沙城中心|博彩|六合彩|娱乐城|真人视讯|棋牌游戏|色情|av在线|无码|毛片|"
    r"精品国产|在线观看",
    re.IGNORECASE,
)
_SPAM_WIDEN = {"365bet": (0, 12), "赌场": (6, 8)}
_NOT_SPAM_CHAR = re.compile(r"[\s,;。\d]")


class _Spam:
    def __init__(self, start: int, end: int, text: str):
        self._s, self._e, self._t = start, end, text

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e

    def group(self, _n: int = 0) -> str:
        return self._t[self._s : self._e]


def _spam(text: str) -> list[_Spam]:
    out: list[_Spam] = []
    for m in _SPAM_ANCHORS.finditer(text):
        back, ahead = _SPAM_WIDEN.get(m.group(0).lower(), (0, 0))
        a, b = m.start(), m.end()
        while back and a > 0 and not _NOT_SPAM_CHAR.match(text[a - 1]):
            a, back = a - 1, back - 1
        while ahead and b < len(text) and not _NOT_SPAM_CHAR.match(text[b]):
            b, ahead = b + 1, ahead - 1
        if out and a <= out[-1].end():  # overlapping or touching: one spam string
            out[-1] = _Spam(out[-1].start(), max(b, out[-1].end()), text)
            continue
        out.append(_Spam(a, b, text))
    return out


_AGENCY_SUFFIX = (
    r"(?:局|委员会|委|办公室|办|人民政府|政府|厅|署|院|中心|馆|所|队|站|处|街道办事处|管委会|管理委员会|分局|"
    r"研究室|机关|开发区|新区|事务中心|集团)"
)
_TITLE_RE = re.compile(r"(?P<year>\d{4})\s*年度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")


def _titles(text: str):
    """(title match, the words before the year on its line, up to 60 characters)."""
    for m in _TITLE_RE.finditer(text):
        a = max(text.rfind("\n", 0, m.start()), text.rfind("。", max(0, m.start() - 61), m.start()),
                m.start() - 61) + 1
        yield m, text[a : m.start()]
_CONTACT_RE = re.compile(
    r"(?:请与|请联系|联系单位[:为]?)(?P<name>[\u4e00-\u9fff]{2,30}?" + _AGENCY_SUFFIX + r")(?:联系|\()"
)
_PLACE_RE = re.compile(r"(?:省|市|县|区|州|盟|旗|镇|乡|街道)")
_PERIOD_RE = re.compile(
    r"统计(?:期限|时限|期间|时间|区间|周期)(?:为|是)?(?:自|从)?(\d{4})年(\d{1,2})月(\d{1,2})日(?:起)?"
    r"(?:至|到|-|~|—)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
)


def _span_dict(norm: Normalized, view: View, a: int, b: int) -> tuple[int, int]:
    na, nb = view.norm_span(a, b)
    return norm.span(na, nb) if nb > na else (norm.starts[na] if na < len(norm.starts) else len(norm.original),) * 2


def _claim_dict(norm: Normalized, view: View, *, kind: str, channel, category, value, bound: str, unit: str,
                span: tuple[int, int], num: tuple[int, int], sent: tuple[int, int]) -> dict:
    oa, ob = _span_dict(norm, view, *span)
    qa, qb = _span_dict(norm, view, *sent)
    na, nb = _span_dict(norm, view, *num)
    quote = norm.original[qa:qb]
    lead = len(quote) - len(quote.lstrip())
    quote = quote.strip()
    return {
        "kind": kind,
        "channel": channel,
        "category": category,
        "value": value,
        "approx": bound != "exact",
        "lower_bound": bound == "lower",
        "bound": bound,
        "unit": unit,
        "quote": quote,
        "start": oa,
        "end": ob,
        "quote_start": qa + lead,
        "quote_end": qa + lead + len(quote),
        "number": norm.original[na:nb],
    }


class _Sentences:
    """Sentence spans of the view text, found by bisection (one pass to index the boundaries)."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.start() for m in re.finditer(r"[。!?\n]", text)]

    def of(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_left(self.ends, pos)
        a = self.ends[k - 1] + 1 if k > 0 else 0
        if k < len(self.ends):
            b = self.ends[k] + (self.text[self.ends[k]] != "\n")
        else:
            b = len(self.text)
        return a, b


def _published(norm: Normalized, view: View) -> list[dict]:
    claims = read_claims(view)
    out = []
    for c in claims:
        a = c.atom
        d = _claim_dict(norm, view, kind="published", channel=c.channel, category=c.category, value=a.value,
                        bound=a.bound, unit=a.unit, span=(c.span_start if c.span_start >= 0 else a.start, a.end),
                        num=(a.num_start, a.num_end), sent=c.sent)
        d["channel_source"] = c.channel_source
        d["object"] = a.obj
        d["breakdown_open"] = c.list_open if c.children else None
        d["_claim"] = c
        out.append(d)
    sentences = _Sentences(view.text)
    for m in english_claims(view.text):
        value = parse_number(m.group("num"))
        out.append(_claim_dict(norm, view, kind="published", channel=None, category=None, value=value,
                               bound="exact", unit=m.group("unit"), span=(m.start(), m.end()),
                               num=(m.start("num"), m.end("num")), sent=sentences.of(m.start())))
    return out


def _regex_claims(norm: Normalized, view: View, taken: set[int]) -> list[dict]:
    """Applications (受理/收到 … 申请 N 件, or none received) and WeChat reads."""
    out = []
    text = view.text
    sentences = _Sentences(text)

    def add(m, kind, unit, value=None, bound="exact", channel=None, num=None):
        if num is None:
            num = (m.start("num"), m.end("num"))
        if num[0] in taken:
            return
        if value is None:
            value, bound = number_value(m)
            if value is None:
                return
        taken.add(num[0])
        out.append(_claim_dict(norm, view, kind=kind, channel=channel, category=None, value=value, bound=bound,
                               unit=unit, span=(m.start(), m.end()), num=num, sent=sentences.of(m.start())))

    for rx in (_APP_RE, _APP_DIRECT_RE, _APP_NUM_FIRST_RE, _APP_BARE_RE, _APP_EN_RE):
        for m in rx.finditer(text):
            add(m, "applications", m.groupdict().get("unit") or "applications")
    for m in _APP_NONE_RE.finditer(text):
        add(m, "applications", "件", value=0, num=(m.start(), m.end()))
    for m in _READS_RE.finditer(text):
        a, b = sentences.of(m.start())
        channel, several = channel_of(text[a : m.start()])
        add(m, "reads", "次", channel=None if several else channel)
    return out


def find_claims(norm: Normalized) -> list[dict]:
    """Every count claim in the narrative, ordered by position; parts point at their totals."""
    view = build_view(norm.text)
    pub = _published(norm, view)
    taken = {c["_claim"].atom.num_start for c in pub if "_claim" in c}
    claims = sorted(pub + _regex_claims(norm, view, taken), key=lambda c: (c["start"], c["end"]))
    index = {id(c["_claim"]): i for i, c in enumerate(claims) if "_claim" in c}
    for c in claims:
        obj = c.pop("_claim", None)
        c["part_of"] = index[id(obj.parent)] if obj is not None and obj.parent is not None else None
        c["duplicate_of"] = index[id(obj.duplicate_of)] if obj is not None and obj.duplicate_of else None
        c["category_repeat_of"] = (
            index[id(obj.category_repeat_of)] if obj is not None and obj.category_repeat_of else None
        )
        if obj is None:
            c.setdefault("channel_source", None)
            c.setdefault("object", None)
            c.setdefault("breakdown_open", None)
    return claims


# --- year, period, agency -----------------------------------------------------------------------


_YEAR_MENTION = re.compile(r"(?<![\d〔\[(])(20\d\d)\s*年(?:度)?(?!\s*\d{1,2}\s*月)")
_YEAR_EN = re.compile(r"\b(?:in|for|of)\s+(20\d\d)\b")


def find_period(norm: Normalized) -> tuple[int | None, dict | None, str | None]:
    """The report year: its statistics sentence, else its title, else the year its prose speaks of."""
    text = norm.text
    m = _PERIOD_RE.search(text)
    if m:
        y1, m1, d1, y2, m2, d2 = (int(g) if g else None for g in m.groups())
        y2 = y2 or y1
        period = {"start": f"{y1:04d}-{m1:02d}-{d1:02d}", "end": f"{y2:04d}-{m2:02d}-{d2:02d}"}
        return y2, period, None
    t = _TITLE_RE.search(text)
    note = "period assumed to be the calendar year of the title"
    if t:
        y = int(t.group("year"))
    else:
        years = (
            [int(x) for x in _YEAR_MENTION.findall(text)]
            or [int(x) for x in re.findall(r"(?<![\d〔\[(])(20\d\d)\s*年", text)]
            or [int(x) for x in _YEAR_EN.findall(text)]
        )
        if not years:
            return None, None, None
        counts = Counter(years)
        y = max(counts, key=lambda k: (counts[k], k))
        note = f"year {y} is the year the text speaks of most (no title or statistics period found)"
    return y, {"start": f"{y}-01-01", "end": f"{y}-12-31"}, note


_LEADS = ("现向社会公开", "向社会公开", "现予公布", "现将", "现公布", "公开", "公布", "发布", "的", "》", "“", ",", ":", ">")
_NAME = r"[\u4e00-\u9fff]{2,30}?" + _AGENCY_SUFFIX
_SELF_RES = [
    re.compile(r"由(?P<name>" + _NAME + r")(?:编制|制作|发布)"),
    re.compile(r"(?:现将|现公布|现予公布|现向社会公布|现向社会公开)(?P<name>" + _NAME + r")\(以下(?:简|统)称"),
    re.compile(r"(?:^|\n)\s*(?:20\d\d年度?,)?(?:在[^,。]{2,30}下,)?(?P<name>" + _NAME + r")(?=认真|严格|坚持|深入|进一步|"
               r"以|紧紧|全面|积极|按照|根据|紧密|不断|持续|高度|扎实|始终)"),
]


def _strip_lead(before: str) -> str:
    """'现向社会公开开平市教育局' → '开平市教育局'; '(以下简称…)' dropped."""
    before = re.sub(r"\(以下(?:简|统)称[^)]*\)", "", before)
    for sep in _LEADS:
        if sep in before:
            before = before.rsplit(sep, 1)[1]
    return before.strip()


def _good_name(name: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff()]{2,30}" + _AGENCY_SUFFIX, name)) and bool(
        _PLACE_RE.search(name[:-1])
    ) and not name.startswith(("在", "以", "我", "本", "各", "全"))


def find_agency(norm: Normalized) -> dict:
    """The reporting unit as the text names it: title, self-description, first sentence, contact line."""
    text = norm.text
    spam = _spam(text)
    for _t, before in _titles(text):
        before = re.sub(r"\s+", "", before)
        bad = next(iter(_spam(before)), None)
        if bad:
            return _agency_fallback(
                text, f"agency name replaced by spam string {bad.group(0).strip()!r} in the title"
            )
        name = _strip_lead(before)
        if _good_name(name):
            return {"name": name, "note": None}
    for rx in _SELF_RES:
        for m in rx.finditer(text):
            name = _strip_lead(m.group("name"))
            if _good_name(name) and not _spam(name):
                return {"name": name, "note": "name taken from the report's description of itself"}
    note = "agency name not found in the text"
    if spam:
        note += f"; spam strings present: {', '.join(sorted({m.group(0) for m in spam}))}"
    return _agency_fallback(text, note)


def _agency_fallback(text: str, note: str) -> dict:
    """A name stated elsewhere in the text (contact sentence); never a guess from boilerplate."""
    m = _CONTACT_RE.search(text)
    if m and _PLACE_RE.search(m.group("name")[:-1]) and not _spam(m.group("name")):
        return {"name": m.group("name"), "note": note + "; name taken from the contact sentence"}
    return {"name": None, "note": note}


def notice_evidence(text: str, year: int | None) -> dict[str, list[str]]:
    """Format evidence from the format notice a report cites, when its tables say nothing.

    The 2021 notice (国办公开办函〔2021〕30号) means the 2021 format.  The 2019 notice (〔2019〕60号) is
    cited by reports of every year; it tells the format only for the 2019 and 2020 reports."""
    evidence: dict[str, list[str]] = {"2021": [], "2019": []}
    if re.search(r"〔2021〕30号", text):
        evidence["2021"].append("cites the 2021 format notice 国办公开办函〔2021〕30号")
    elif re.search(r"〔2019〕60号", text) and year is not None and year <= 2020:
        evidence["2019"].append(f"a {year} report citing the 2019 format notice 国办公开办函〔2019〕60号")
    return evidence


# --- notes --------------------------------------------------------------------------------------


def host_notes(norm: Normalized, agency_hosts: list[str]) -> list[str]:
    """Hosts in the text that are not the agency's: mirrors rewrite in-text URLs to their own host."""
    notes = []
    seen: dict[str, list[str]] = {}
    for m in re.finditer(
        r"(?:https?:)?(?://)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(/[A-Za-z0-9._~/%-]*)?", norm.text
    ):
        if not (m.group(0).startswith(("http", "//")) or m.group(1).startswith("www.")):
            continue
        seen.setdefault(m.group(1).lower(), []).append(m.group(0))
    own = {h.lower() for h in agency_hosts}
    real = agency_hosts[0] if agency_hosts else None
    for host, urls in seen.items():
        if host in own:
            continue
        if host.endswith(".gov.cn"):
            if agency_hosts:
                notes.append(f"host {host} in the text is another government host, not the agency's "
                             f"({', '.join(agency_hosts)})")
            continue
        if real:
            mapped = "; ".join(f"{u} -> http://{real}{u.split(host, 1)[1]}" for u in urls)
            notes.append(
                f"host {host} in the text is not the agency's host ({', '.join(agency_hosts)}): "
                f"a mirror rewrote the URLs; same path on the agency host: {mapped}"
            )
        else:
            paths = "; ".join(u.split(host, 1)[1] or "/" for u in urls)
            notes.append(
                f"host {host} in the text is not a government host: a mirror probably rewrote the URLs "
                f"(paths {paths}; give the agency's host to map them back)"
            )
    return notes


def spam_notes(norm: Normalized) -> list[str]:
    out = []
    for m in _spam(norm.text):
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
    hosts = list(agency_hosts or [])
    norm = normalize(text)
    year, period, period_note = find_period(norm)
    claims = find_claims(norm)
    tables, table_notes, evidence = parse_tables(norm.text, html)
    if not evidence["2021"] and not evidence["2019"]:
        evidence = notice_evidence(norm.text, year)
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
