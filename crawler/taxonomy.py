"""The shared taxonomy of catalog category families (data: `crawler/taxonomy.yaml`).

Annual reports and gkmlpt catalogs name the same categories differently; the taxonomy puts a name
into one or more families (指南, 制度, 机构, 文件, 公告, 动态, 执法, 预决算, 年报, 规划, 人事, 其他 …) so
that a report's 「工作动态」 finds a catalog's 「政务动态」. The registry's `Agency` uses it to match report
names to catalog categories (agency aliases first); `xxgk agencies add` uses it to find the annual
report's category (the 年报 family) by name rather than by one fixed string.

It lives beside the registry (DESIGN.md: crawler/ holds the "agency registry + taxonomy"); the archive's
reconciliation reaches it only through the `Agency` it is given, never by importing crawler/.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

ANNUAL_REPORT = "年报"
# 及 / 和 / 与 / 、 / 暨 / ，and / join a compound name (部门文件及公示公告); NFKC makes ， a comma.
_JOIN = re.compile(r"[及和与、暨,;；/]")
# A leading enumeration: 一、 (一) 1. 1、 ① …; NFKC has already made （一） into (一).
_ENUM = re.compile(r"^(?:\(?[一二三四五六七八九十\d]{1,3}[)、.．:]|[\u2460-\u2473])")
_TRAILING = ":："


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def normalize(name: str | None) -> str:
    """A name as the taxonomy compares it: NFKC (widths), no whitespace, simplified characters, no
    leading enumeration or trailing colon."""
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    text = _t2s().convert(text)
    text = _ENUM.sub("", text).rstrip(_TRAILING)
    return text


@dataclass(frozen=True)
class Family:
    name: str
    names: frozenset[str]
    keywords: tuple[str, ...]


class Taxonomy:
    """Families in priority order, read from the data file (or given, for tests)."""

    def __init__(self, data: dict[str, Any], where: str = "taxonomy"):
        entries = data.get("families") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"{where}: expected a non-empty 'families' list")
        self.families: list[Family] = []
        self._by_name: dict[str, str] = {}
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("family"), str):
                raise ValueError(f"{where}: families[{i}] needs a 'family' name")
            names = frozenset(normalize(n) for n in e.get("names") or [])
            keywords = tuple(normalize(k) for k in e.get("keywords") or [])
            fam = Family(e["family"], names, keywords)
            self.families.append(fam)
            for n in names:
                self._by_name.setdefault(n, fam.name)  # an earlier family keeps a name listed twice

    def family_of(self, name: str) -> str | None:
        """The one family of a simple name: listed name, else the longest keyword (ties: earlier family)."""
        n = normalize(name)
        if not n:
            return None
        if n in self._by_name:
            return self._by_name[n]
        best: tuple[int, int, str] | None = None
        for rank, fam in enumerate(self.families):
            for kw in fam.keywords:
                if kw and kw in n and (best is None or (-len(kw), rank) < (best[0], best[1])):
                    best = (-len(kw), rank, fam.name)
        return best[2] if best else None

    def families_of(self, name: str) -> list[str]:
        """Every family a name stands for: one for a simple name, one per part of a compound name whose
        parts all have a family (部门文件及公示公告 → 文件, 公告); [] when it has none."""
        n = normalize(name)
        if n in self._by_name:
            return [self._by_name[n]]
        parts = [p for p in _JOIN.split(n) if p]
        if len(parts) > 1:
            fams = [self.family_of(p) for p in parts]
            if all(fams):
                return list(dict.fromkeys(f for f in fams if f))
        one = self.family_of(n)
        return [one] if one else []

    def names_of(self, family: str) -> list[str]:
        """The listed names of a family (what a SQL `name in (…)` can look for)."""
        for fam in self.families:
            if fam.name == family:
                return sorted(fam.names)
        return []

    def same_family(self, report_name: str, catalog_names: list[str]) -> tuple[list[str], list[str]]:
        """(the report name's families, the catalog names all of whose families are among them)."""
        wanted = self.families_of(report_name)
        if not wanted:
            return [], []
        matched = [c for c in catalog_names if (fams := self.families_of(c)) and set(fams) <= set(wanted)]
        return wanted, matched


@cache
def shared() -> Taxonomy:
    """The shared taxonomy of the installed package (`crawler/taxonomy.yaml`)."""
    ref = resources.files("crawler") / "taxonomy.yaml"
    return Taxonomy(yaml.safe_load(ref.read_text(encoding="utf-8")), where=str(ref))
