"""Which catalog categories an annual report's category name stands for, as the ground truth computes it.

Reports name catalog categories in their own words (「工作动态」 for the catalog's 「政务动态」, 「部门文件及公示公告」
for 「部门文件」 + 「公示公告」). The archive's reconciliation maps them by name, else through the agency's
registry aliases, else through the shared taxonomy of category families (crawler/taxonomy.yaml). The truth
must say what a correct mapping gives without asking the reconciler or the registry: it reads the same
data file and applies its documented rules (the comment at its top) here, on the simulated category tree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import opencc
import yaml

from .model import Category

# What the data file's rules say: a leading enumeration (一、 (二) 3. ①) and a trailing colon are no part of
# a name; 及 和 与 、 暨 ， ; / join the parts of a compound name.
_ENUMERATION = re.compile(r"^(?:\(?[一二三四五六七八九十\d]{1,3}[)、.．:]|[①-⑳])")
_JOINERS = re.compile(r"[及和与、暨,;；/]")
_T2S = opencc.OpenCC("t2s")


def plain(name: str | None) -> str:
    """A name as the taxonomy compares names: half-width, no spaces, simplified, no enumeration or colon."""
    text = _T2S.convert("".join(unicodedata.normalize("NFKC", name or "").split()))
    return _ENUMERATION.sub("", text).rstrip(":：")


@cache
def _families() -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """(listed name → family, [(family, keywords)] in priority order) of crawler/taxonomy.yaml."""
    data = yaml.safe_load((resources.files("crawler") / "taxonomy.yaml").read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    keywords: list[tuple[str, list[str]]] = []
    for entry in data["families"]:
        for n in entry.get("names") or []:
            listed.setdefault(plain(n), entry["family"])
        keywords.append((entry["family"], [plain(k) for k in entry.get("keywords") or []]))
    return listed, keywords


def _simple_family(name: str) -> str | None:
    listed, keywords = _families()
    if name in listed:
        return listed[name]
    hits = [(len(k), -rank, fam) for rank, (fam, kws) in enumerate(keywords) for k in kws if k and k in name]
    return max(hits)[2] if hits else None


def families(name: str) -> set[str]:
    """The families a name stands for: its own, or those of all the parts of a compound name."""
    n = plain(name)
    listed, _ = _families()
    if n in listed:
        return {listed[n]}
    parts = [p for p in _JOINERS.split(n) if p]
    if len(parts) > 1 and all(_simple_family(p) for p in parts):
        return {f for p in parts if (f := _simple_family(p))}
    one = _simple_family(n) if n else None
    return {one} if one else set()


def match(report_name: str, categories: Iterable[Category],
          aliases: dict[str, list[str]] | None = None) -> tuple[list[Category], str]:
    """The catalog categories (of all of an agency's, any depth) a report category name stands for, none lying
    under another of them, and how: 'name', 'alias' or 'taxonomy' ('' when nothing matches)."""
    cats = list(categories)
    want = plain(report_name)
    found = [c for c in cats if plain(c.name) == want]
    how = "name"
    if not found:
        how = "alias"
        for key, names in (aliases or {}).items():
            group = {plain(n) for n in (key, *names)}
            if want in group:
                found = [c for c in cats if plain(c.name) in group]
                if found:
                    break
    if not found:
        how = "taxonomy"
        wanted = families(report_name)
        found = [c for c in cats if wanted and (fams := families(c.name)) and fams <= wanted]
    by_id = {c.id: c for c in cats}
    ids = {c.id for c in found}

    def under_another(c: Category) -> bool:
        p = c.parent
        while p in by_id:
            if p in ids:
                return True
            p = by_id[p].parent
        return False

    roots = [c for c in found if not under_another(c)]
    return roots, how if roots else ""


def subtree(roots: list[Category]) -> list[Category]:
    out: dict[int, Category] = {}
    stack = list(roots)
    while stack:
        c = stack.pop()
        if c.id not in out:
            out[c.id] = c
            stack.extend(c.children)
    return list(out.values())


def column_match(report_name: str, columns: list[dict[str, Any]]) -> list[str]:
    """Website columns a report's column name names (widths and spaces aside, as the reconciler compares)."""
    want = "".join(unicodedata.normalize("NFKC", report_name).split())
    return [c["path"] for c in columns
            if "".join(unicodedata.normalize("NFKC", c["name"]).split()) == want or c["path"] == report_name]
