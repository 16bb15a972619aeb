"""How the simulated annual report words its claims: a small grammar of real report wordings.

Real reports state the same facts in many ways (../shared/reference/annual-report-format.md and the
development corpus): a catalog total with a "其中 …；…" list (the Kaiping seed), a total that names
no platform with a "包括 …" list, verbs inside every list item, the list in parentheses, a split by
platform whose parts keep their own channels, thousands separators and full-width digits,
approximate and lower-bound counts, Weibo and apps, traditional-character mirror copies.  A
*wording* picks one of each:

    style:   seed | plain_list | verbs_in_items | parenthesized | channel_split
    script:  simplified | traditional
    digits:  ascii | fullwidth | grouped (thousands separators)
    tables:  html | flat_rows | flat_cells | missing  (the tables as <table>s, flattened one row or
             one cell per line, or dropped as images are; the same as the `variants` of report.py)

The scenario may fix any of them (`annual_report.wording`); what it leaves open is drawn from the
scenario seed, so the same scenario always renders the same text.  Drawn styles always name the
platform of every count (plain_list and channel_split add a channel-less total and are used only
when asked for), so a scenario's reconciliation truth holds whichever style is drawn.

Every style also says what a careful reader must extract (`readback`): the claims with their
channel, category, value and bound, parts pointing at their totals.  The round-trip tests compare
the extractor with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import opencc

from .world import Agency, World, rng_for

STYLES = ("seed", "plain_list", "verbs_in_items", "parenthesized", "channel_split")
DRAWN_STYLES = ("seed", "verbs_in_items", "parenthesized")  # every count names its platform
SCRIPTS = ("simplified", "traditional")
DIGITS = ("ascii", "fullwidth", "grouped")
TABLES = {"html": None, "flat_rows": "tables_as_text_rows", "flat_cells": "tables_as_text_cells",
          "missing": "tables_missing"}
SEED_AGENCY = "开平市教育局"  # the seed report's own agency: only its report carries the seed's local passages

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Wording:
    style: str
    script: str
    digits: str
    tables: str = "html"

    def as_dict(self) -> dict[str, str]:
        return {"style": self.style, "script": self.script, "digits": self.digits, "tables": self.tables}


def resolve_wording(world: World, agency: Agency, year: int, given: dict[str, Any] | None) -> Wording:
    given = dict(given or {})
    unknown = sorted(set(given) - {"style", "script", "digits", "tables"})
    if unknown:
        raise ValueError(f"unknown annual_report.wording keys {unknown}; known: style, script, digits, tables")
    rng = rng_for(world.seed, agency.id, "report-wording", year)
    style = str(given.get("style") or rng.choice(DRAWN_STYLES))
    script = str(given.get("script") or "simplified")
    digits = str(given.get("digits") or "ascii")
    tables = str(given.get("tables") or "html")
    for key, value, allowed in (("style", style, STYLES), ("script", script, SCRIPTS), ("digits", digits, DIGITS),
                                ("tables", tables, tuple(TABLES))):
        if value not in allowed:
            raise ValueError(f"unknown annual_report.wording.{key} {value!r}; known: {', '.join(allowed)}")
    return Wording(style, script, digits, tables)


# ---------------------------------------------------------------- values


_VALUE_RE = re.compile(
    r"^(?P<pre>约|近|大约|将近|超过|超|逾|不少于)?(?P<num>\d+(?:\.\d+)?)(?P<more1>余|多)?(?P<mul>万|亿)?(?P<more2>余|多)?$"
)


def parse_claim_value(value: Any) -> tuple[int | float, str]:
    """A scenario claim value → (number, bound): 457 → exact; "约48万" → 480000 approx;
    "超300" / "300余" / "120余万" → lower bounds (1 200 000 for the last)."""
    if isinstance(value, bool):
        raise ValueError(f"bad claim value {value!r}")
    if isinstance(value, (int, float)):
        return value, "exact"
    m = _VALUE_RE.match(str(value).strip().replace(",", ""))
    if not m:
        raise ValueError(f"bad claim value {value!r}: a number, optionally with 约/近/超过/超/逾 before it, "
                         "余/多 after it and 万/亿")
    number: int | float = float(m.group("num")) if "." in m.group("num") else int(m.group("num"))
    if m.group("mul"):
        number = number * (10_000 if m.group("mul") == "万" else 100_000_000)
        if isinstance(number, float) and number.is_integer():
            number = int(number)
    pre = m.group("pre") or ""
    if m.group("more1") or m.group("more2") or pre in ("超过", "超", "逾", "不少于"):
        return number, "lower"
    return number, "approx" if pre else "exact"


def show(value: Any, wording: Wording) -> str:
    """A count as the report writes it (a string value is kept as the scenario wrote it)."""
    if isinstance(value, str):
        text = value
    elif wording.digits == "grouped" and isinstance(value, int) and value >= 1000:
        text = f"{value:,}"
    else:
        text = str(value)
    if wording.digits == "fullwidth":
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789,"})
    return text


def in_script(text: str, wording: Wording) -> str:
    return _S2T.convert(text) if wording.script == "traditional" else text


def read_back(name: str | None, wording: Wording) -> str | None:
    """A category name as a reader gets it back (traditional text converted to simplified)."""
    if name is None:
        return None
    return _T2S.convert(_S2T.convert(name)) if wording.script == "traditional" else name


# ---------------------------------------------------------------- the narrative


class Narrative:
    """Paragraphs (kind, text) and the claims a careful reader extracts from them."""

    def __init__(self, wording: Wording):
        self.wording = wording
        self.paras: list[tuple[str, str]] = []
        self.readback: list[dict[str, Any]] = []

    def para(self, kind: str, text: str) -> None:
        self.paras.append((kind, text))

    def claim(self, channel: str | None, category: str | None, value: Any, *, parent: int | None = None,
              kind: str = "published") -> int | None:
        try:
            number, bound = parse_claim_value(value)
        except ValueError:
            return -1  # not a count a reader could take back (the scenario wrote something else)
        self.readback.append({"kind": kind, "channel": channel, "category": read_back(category, self.wording),
                              "value": number, "bound": bound, "part_of": parent if parent != -1 else None})
        return len(self.readback) - 1


def _short(name: str) -> str:
    """How a report calls its own agency after the first mention: 开平市教育局 → 市教育局."""
    m = re.match(r"^.{2,4}?[市县区]", name)
    rest = name[m.end() :] if m else name
    return ("市" + rest) if rest and m and len(rest) >= 2 else "我局"


def build_narrative(agency: Agency, year: int, spec: dict[str, Any], wording: Wording, rng) -> Narrative:
    """Section 一 (总体情况) and the narrative parts of sections 五/六, worded as `wording` says."""
    n = Narrative(wording)
    c = spec["claims"]
    name = agency.name
    short = _short(name)
    urls = spec["urls"]
    wx_name = agency.wechat.name if agency.wechat else None
    web = c.get("website") is not None  # an agency without a website states no website count
    style = wording.style
    v = lambda x: show(x, wording)  # noqa: E731

    # -- introduction
    if style in ("seed", "parenthesized"):
        n.para("p", (
            f"根据《中华人民共和国政府信息公开条例》文件精神，现向社会公开{name}{year}年政府信息公开工作年度报告。"
            "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            "存在的主要问题及改进情况、其他需要报告的事项等六部分组成，"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"如对本年报有疑义，请与{name}联系（联系电话：{spec['telephone']}）。"))
    else:
        notice = "国办公开办函〔2021〕30号" if spec["format"] == "2021" else "国办公开办函〔2019〕60号"
        n.para("p", (
            "根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告"
            f"有关事项的通知》（{notice}）要求，现将{name}（以下简称{short}）{year}年政府信息公开工作年度报告予以公布。"
            f"报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。联系电话：{spec['telephone']}，"
            f"邮编：{spec['postcode']}。"))

    # -- (一) 主动公开
    n.para("h1", "一、总体情况")
    n.para("h2", "（一）主动公开情况")
    catalog: dict[str, Any] = dict(c.get("catalog") or {})
    total = c.get("catalog_total")
    parts = list(catalog.items())
    sentences: list[str] = []
    if style == "seed":
        t = n.claim("catalog", None, total)
        s = f"{year}年，{short}在政府信息公开目录系统（{urls['catalog']}）主动公开政府信息{v(total)}条。"
        if parts:
            s += "其中，" + "；".join(f"{k}{v(x)}条" for k, x in parts) + "。"
            for k, x in parts:
                n.claim("catalog", k, x, parent=t)
        sentences.append(s)
        if web:
            sentences.append(f"在{name}政务网（{urls['website']}）发布信息{v(c['website'])}条。")
            n.claim("website", None, c["website"])
    elif style == "plain_list":
        t = n.claim(None, None, total)
        s = f"全年，{short}主动公开各类政府信息{v(total)}条"
        s += ("，包括" + "，".join(f"{k}{v(x)}条" for k, x in parts) + "。") if parts else "。"
        for k, x in parts:
            n.claim(None, k, x, parent=t)
        sentences.append(s)
        if web:
            sentences.append(f"全年在门户网站（{urls['website']}）发布各类信息{v(c['website'])}条。")
            n.claim("website", None, c["website"])
    elif style == "verbs_in_items":
        t = n.claim("catalog", None, total)
        verbs = ("公开", "发布", "更新", "公开")
        items = "，".join(f"{verbs[i % len(verbs)]}{k}{v(x)}篇" for i, (k, x) in enumerate(parts))
        sentences.append(f"全年，{short}在政府信息公开平台共主动公开信息{v(total)}篇" + (f"，其中{items}。" if parts else "。"))
        for k, x in parts:
            n.claim("catalog", k, x, parent=t)
        if web:
            sentences.append(f"门户网站全年发布各类信息{v(c['website'])}篇。")
            n.claim("website", None, c["website"])
    elif style == "parenthesized":
        t = n.claim("catalog", None, total)
        items = "，".join(f"{k}{v(x)}条" for k, x in parts)
        sentences.append(f"{year}年，{short}通过政府信息公开目录主动公开政府信息{v(total)}条"
                         + (f"（其中：{items}）" if parts else "")
                         + (f"，通过门户网站发布信息{v(c['website'])}条" if web else "") + "。")
        for k, x in parts:
            n.claim("catalog", k, x, parent=t)
        if web:
            n.claim("website", None, c["website"])
    else:  # channel_split: one total over the platforms, each part keeping its own channel
        plain = [x for x in (total, c.get("website"), c.get("wechat")) if x is not None]
        grand = sum(plain) if all(isinstance(x, int) for x in plain) else None
        top = n.claim(None, None, grand) if grand is not None else None
        t = n.claim("catalog", None, total, parent=top)
        items = "、".join(f"{k}{v(x)}条" for k, x in parts)
        s = (f"{year}年，{short}共主动公开政府信息{v(grand)}条，其中" if grand is not None
             else f"{year}年，{short}")
        s += f"通过政府信息公开平台公开{v(total)}条" + (f"（包括{items}）" if parts else "")
        for k, x in parts:
            n.claim("catalog", k, x, parent=t)
        if web:
            s += f"，通过门户网站公开{v(c['website'])}条"
            n.claim("website", None, c["website"], parent=top)
        if wx_name and c.get("wechat") is not None:
            s += f"，通过“{wx_name}”微信公众号公开{v(c['wechat'])}条"
            n.claim("wechat", None, c["wechat"], parent=top)
        sentences.append(s + "。")

    for column, x in (c.get("website_columns") or {}).items():
        sentences.append(f"门户网站“{column}”栏目发布{v(x)}条。")
        n.claim("website", column, x)
    seed_extras = style == "seed" and name == SEED_AGENCY
    if wx_name and c.get("wechat") is not None and style != "channel_split":
        s = {"seed": "通过“{w}”微信公众号发布信息{x}条",
             "plain_list": "“{w}”微信公众号推送信息{x}条",
             "verbs_in_items": "“{w}”微信公众号共推送文章{x}篇",
             "parenthesized": "通过“{w}”微信公众号发布信息{x}条"}[style].format(w=wx_name, x=v(c["wechat"]))
        n.claim("wechat", None, c["wechat"])
        if c.get("wechat_reads") is not None and not seed_extras:
            s += f"，累计阅读量{v(c['wechat_reads'])}次"
            n.claim("wechat", None, c["wechat_reads"], kind="reads")
        sentences.append(s + "。")
    if c.get("weibo") is not None:
        sentences.append(f"通过“{short}发布”政务微博发布信息{v(c['weibo'])}条。")
        n.claim("weibo", None, c["weibo"])
    for app, x in (c.get("apps") or {}).items():
        sentences.append(f"通过“{app}”app发布信息动态{v(x)}条。")
        n.claim("other", None, x)
    n.para("p", "".join(sentences))

    # -- (二) 依申请公开
    n.para("h2", "（二）依申请公开情况")
    apps = c.get("applications")
    if apps is None:
        n.para("p", f"{short}严格依照《中华人民共和国政府信息公开条例》规定办理依申请公开。")
    elif apps == 0 and style in ("plain_list", "channel_split"):
        n.para("p", f"{year}年，{short}未收到政府信息公开申请。")
        n.claim(None, None, 0, kind="applications")
    else:
        n.para("p", (f"{year}年，{short}共受理政府信息公开申请{v(apps)}宗。我局严格依照《中华人民共和国政府信息公开条例》"
                     "和有关规定进行办理，已全部依法依规依时答复。"))
        n.claim(None, None, apps, kind="applications")

    # -- (三)–(五): management paragraphs with numbers that are no claims
    if name == SEED_AGENCY and style == "seed":
        for kind, text in _MANAGEMENT:
            n.para(kind, text)
    else:
        meetings, trainings, people = rng.randint(2, 6), rng.randint(1, 4), rng.randint(40, 180)
        n.para("h2", "（三）政府信息管理")
        n.para("p", (f"严格落实信息发布“三审三校”制度，全年召开政务公开专题会议{meetings}次，组织业务培训{trainings}场，"
                     f"参训人员{people}人次，信息发布审核率100%。依据《{name}政府信息公开保密审查办法》（{short[:2]}"
                     f"办〔{year}〕{rng.randint(3, 40)}号）开展保密审查。"))
        n.para("h2", "（四）平台建设")
        n.para("p", (f"{short}门户网站设有政务公开、政策解读、互动交流等栏目{rng.randint(5, 12)}个，全年网站运维投入"
                     f"{rng.randint(3, 30)}.5万元。工作人员{rng.randint(2, 9)}名负责信息发布。"))
        n.para("h2", "（五）监督保障情况")
        n.para("p", "按照《条例》要求，进一步严格政府信息公开审查机制，确保发布信息准确无误。")
    return n


def key_areas_paragraphs(n: Narrative, spec: dict[str, Any], year: int) -> None:
    """Section 六 (一): the key-areas columns (重点领域) and their counts."""
    areas = spec["claims"].get("key_areas") or {}
    if not areas:
        return
    wording = n.wording
    v = lambda x: show(x, wording)  # noqa: E731
    n.para("h2", "（一）重点领域信息公开情况")
    if wording.style == "seed":
        quoted = "".join(f"“{k}”" for k in areas)
        counts = "，".join(f"“{k}”公开信息{v(x)}条" for k, x in areas.items())
        n.para("p", (f"政府网“重点领域信息公开专栏”的栏目共包括{len(areas)}个子栏目，即{quoted}。"
                     f"{year}年，我局在{counts}。"))
        for k, x in areas.items():
            n.claim("key_areas", k, x)
        return
    # No total of the columns: a report that states one adds a claim the scenario does not list.
    if wording.style in ("verbs_in_items", "plain_list"):
        items = "、".join(f"{k}{v(x)}条" for k, x in areas.items())
        n.para("p", f"{year}年，在重点领域信息公开专栏发布{items}。")
        for k, x in areas.items():
            n.claim("key_areas", k, x)
    else:
        counts = "，".join(f"“{k}”栏目发布{v(x)}条" for k, x in areas.items())
        n.para("p", f"{year}年，在重点领域信息公开专栏中，{counts}。")
        for k, x in areas.items():
            n.claim("key_areas", k, x)


# The seed report's 政府信息管理 … 监督保障 sections (h2 = （一）…, p = body), spoken as the seed agency.
_MANAGEMENT: list[tuple[str, str]] = [
    ("h2", "（三）政府信息管理"),
    ("p", "严格落实意识形态工作责任制，严格履行“三审三核三校”机制，加强政府信息公开平台日常监测和检查，杜绝错敏字、错误链接等情况，坚决守好意识形态大门。建立健全政务公开工作机制，结合工作实际，进一步细化了政府信息公开工作内部职责、处理流程及具体要求，进一步提升政务公开工作的标准化、规范化水平。"),
    ("h2", "（四）平台建设"),
    ("p", "主要通过开平市教育局政务网主动公开，并采用通报、新闻发布会等形式和政务微信、报纸、广播、电视等公共媒体公开教育信息。市教育局（开平市东兴大道爱民路3号）也在大门口位置设置了固定政务公开栏。市教育局在市行政服务中心设立教育局服务窗口，为市民提供咨询服务。为便利群众办事，主动搭建了“开平市中小学招生服务平台”“中考查询”“普通话考试缴费”“教师资格认定网上预约”等指尖办事平台，让群众可以足不出户，即可查询信息、办理事项。"),
    ("h2", "（五）监督保障情况"),
    ("p", "以《条例》为准则，按照《广东省人民政府办公厅关于印发广东省政府信息公开申请办理答复规范的通知》等文件要求，依规推进政府信息公开、依申请公开工作。严格依照《开平市教育局保密工作制度》《开平市教育局政务公开制度》要求落实政务公开工作，所有主动公开信息均经过“三审三校”，经局领导审核同意后发布，确保公开信息权威可靠。依申请公开工作落实岗位责任制，业务股室依据《开平市教育局处理信息公开申请流程图》流程办理，所有回复会经法律顾问审查同意后发出，切实保障申请人的合法权益。"),
]
