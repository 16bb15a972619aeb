"""Plausible Chinese titles and bodies of the kind an agency publishes, in that agency's own voice.

An agency's `Voice` is built from its scenario entry: its name (开平市教育局 → region 开平市, city 开平, short
name 市教育局), the pack of words of its kind (education, health, government: simulator/voices.yaml, chosen
by `voice.domain` or from the name) and whatever its `voice:` block replaces (places, units, phone …). So a
health bureau publishes about hospitals under its own name, and no agency but 开平市教育局 says 开平.

Everything is drawn from a `random.Random` the caller seeds, so the same seed gives the same text; a voice
draws exactly as many values for a title whatever its words (kaiping-2024's ids and dates never move).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .seeded import hexdigest

LISTS = ("keywords", "units", "places", "topics", "notice_kinds", "activities", "meetings", "enforcement", "others",
         "sentences", "wechat_titles", "news", "policy_docs", "personnel", "rules", "org", "plans")
# The levels of a name's place: 江门市蓬江区教育局 → 江门市, 蓬江区.
_LEVEL = re.compile(r"[^省市县区]{2,7}?[省市县区]")
# Title kinds of catalog categories, by a word of the category's name (first match wins: 执法公示 is 执法).
_CATALOG_KINDS = (("年报", ("年报", "年度报告")), ("指南", ("指南",)), ("制度", ("制度",)), ("机构", ("机构", "领导", "职能")),
                  ("执法", ("执法", "双随机", "许可", "处罚")), ("决算", ("决算",)), ("预算", ("预算",)),
                  ("规划", ("规划", "计划", "总结")), ("人事", ("人事", "任免", "招聘", "招录")), ("解读", ("解读",)),
                  ("动态", ("动态", "要闻", "新闻")), ("文件", ("文件", "政策", "法规", "规章")),
                  ("公告", ("公告", "公示", "通知", "通告")))
_COLUMN_KINDS = (("人事", ("人事", "招聘", "招录")), ("政策", ("政策", "法规", "文件")), ("动态", ("动态", "新闻", "要闻")),
                 ("公告", ("公告", "通知", "公示")))


@cache
def _packs() -> dict[str, Any]:
    return yaml.safe_load((resources.files("simulator") / "voices.yaml").read_text(encoding="utf-8"))


@cache  # a pure function of two immutable arguments, asked once per generated title
def _kind(name: str, kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    for kind, words in kinds:
        if any(w in name for w in words):
            return kind
    return ""


@dataclass(frozen=True, eq=False)
class Voice:
    """The words of one agency: who it is and what it writes about."""

    agency: str
    short: str
    region: str
    city: str
    prefecture: str
    account: str
    phone: str
    address: str
    doc_prefix: str
    theme: str
    lists: dict[str, tuple[str, ...]]

    def __getattr__(self, name: str) -> tuple[str, ...]:
        try:
            return self.__dict__["lists"][name]
        except KeyError:
            raise AttributeError(name) from None

    def fill(self, template: str, rng: random.Random, year: int) -> str:
        # Always the same draws in the same order, whatever the template uses.
        return template.format(
            y=year, y1=year - 1, y2=str(year)[-3:], n=rng.randint(1, 60), place=rng.choice(self.places),
            activity=rng.choice(self.activities), meeting=rng.choice(self.meetings), m=rng.randint(2, 90) * 100)


def _levels(name: str) -> list[str]:
    levels, pos = [], 0
    while m := _LEVEL.match(name, pos):
        levels.append(m.group(0))
        pos = m.end()
    return levels


# The pack of an agency's name, by a word of it (first match wins); anything else speaks as a government office.
_DOMAINS = (("education", ("教育",)), ("health", ("卫生", "健康")), ("agriculture", ("农业", "农村", "水利", "渔业")),
            ("transport", ("交通",)), ("human_resources", ("人力资源", "社会保障")))


def domain_of(name: str) -> str:
    return next((domain for domain, words in _DOMAINS if any(w in name for w in words)), "government")


def voice_for(spec: dict[str, Any], seed: Any) -> Voice:
    """The voice of a scenario agency (`spec`: its entry under `agencies:`)."""
    given = dict(spec.get("voice") or {})
    name = str(spec["name"])
    packs = _packs()
    domain = str(given.get("domain") or domain_of(name))
    if domain not in packs["packs"]:
        raise ValueError(f"agency {spec.get('id')}: unknown voice.domain {domain!r}; known: {', '.join(packs['packs'])}")
    pack = {**packs["common"], **packs["packs"][domain]}
    levels = _levels(name)
    region = str(given.get("region") or "".join(levels) or name)
    city = str(given.get("city") or (levels[-1][:-1] if levels else name[:2]))
    rest = name[len("".join(levels)):] if levels and name.startswith("".join(levels)) else ""
    short = str(given.get("short") or ((region[-1] + rest) if rest and len(rest) >= 2 else "我单位"))
    wechat = spec.get("wechat") or {}
    h = int(hexdigest(seed, spec["id"], "voice", n=8), 16)
    values = {
        "agency": name, "short": short, "region": region, "city": city,
        "prefecture": str(given.get("prefecture") or (levels[0] if len(levels) > 1 else "广东省")),
        "account": str(wechat.get("name") or name),
        "phone": str(given.get("phone") or f"0{750 + h % 50}-{2000000 + h % 7000000}"),
        "address": str(given.get("address") or f"{region}人民路{h % 180 + 1}号"),
        "landmark": str(given.get("landmark") or "行走的"),
    }

    def own(text: str) -> str:
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text

    lists = {key: tuple(own(str(x)) for x in (given.get(key) or pack.get(key) or [])) for key in LISTS}
    for key in ("places", "activities", "meetings", "units"):
        if not lists[key]:
            raise ValueError(f"agency {spec.get('id')}: voice.{key} is empty")
    values.pop("landmark")
    return Voice(**values, doc_prefix=str(given.get("doc_prefix") or city[:1] + str(pack["doc_suffix"])),
                 theme=str(pack["theme"]), lists=lists)


def catalog_title(v: Voice, category: str, rng: random.Random, year: int, annual_report: bool = False) -> str:
    """A title in the style of the named catalog category (an annual report's category: the report's title)."""
    kind = "年报" if annual_report else _kind(category, _CATALOG_KINDS)
    if kind == "年报":
        return f"{v.agency}{year - 1}年政府信息公开工作年度报告"
    if kind == "指南":
        return f"{v.agency}政府信息公开指南（{year}年修订）"
    if kind == "制度":
        return rng.choice(v.rules) + f"（{year}年）"
    if kind == "机构":
        return rng.choice(v.org) + f"（{year}年{rng.randint(1, 12)}月更新）"
    if kind == "文件":
        return "关于" + v.fill(rng.choice(v.topics), rng, year) + "的通知"
    if kind == "公告":
        return "关于" + v.fill(rng.choice(v.notice_kinds), rng, year) + "的公示"
    if kind == "动态":
        if rng.random() < 0.5:
            return v.fill("{place}开展{activity}活动", rng, year)
        return v.fill(v.short + "召开{meeting}", rng, year)
    if kind == "执法":
        return v.agency + v.fill(rng.choice(v.enforcement), rng, year)
    if kind == "预算":
        return f"{rng.choice(v.places)}{year}年部门预算"
    if kind == "决算":
        return f"{rng.choice(v.places)}{year - 1}年部门决算"
    if kind == "规划":
        return v.agency + v.fill(rng.choice(v.plans), rng, year)
    if kind == "人事":
        return v.agency + v.fill(rng.choice(v.personnel), rng, year)
    if kind == "解读":
        return f"《{v.region}" + v.fill(rng.choice(v.policy_docs), rng, year) + "》政策解读"
    return v.agency + v.fill(rng.choice(v.others), rng, year)


def website_title(v: Voice, column: str, rng: random.Random, year: int) -> str:
    """A title for a website article in the named column."""
    kind = _kind(column, _COLUMN_KINDS)
    if kind == "公告":
        return "关于" + v.fill(rng.choice(v.topics + v.notice_kinds), rng, year) + rng.choice(["的通知", "的公告", "的公示"])
    if kind == "动态":
        return v.fill(rng.choice(v.news), rng, year)
    if kind == "政策":
        return f"关于印发《{v.region}" + v.fill(rng.choice(v.policy_docs), rng, year) + "》的通知"
    if kind == "人事":
        return v.agency + v.fill(rng.choice(v.personnel), rng, year)
    return v.fill(rng.choice(v.topics), rng, year)


def wechat_title(v: Voice, rng: random.Random, year: int) -> str:
    return v.fill(rng.choice(v.wechat_titles), rng, year)


def paragraphs(v: Voice, rng: random.Random, year: int, lo: int = 3, hi: int = 8) -> list[str]:
    """Body paragraphs of plausible length (roughly 150 to 900 characters in all)."""
    out = []
    for _ in range(rng.randint(lo, hi)):
        out.append("".join(v.fill(rng.choice(v.sentences), rng, year) for _ in range(rng.randint(1, 3))))
    return out
