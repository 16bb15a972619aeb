"""Claims → rows: a statement made twice is one row, a category named twice under one total one summed row.

The extractor marks both (contract in archive/claims): `duplicate_of` (the same channel, category, number
and bound stated again: one claim, two quotes) and `category_repeat_of` (a list naming one category twice
with different numbers: the two add up). Parts (`part_of`) stay rows of their own; `parts()` says which
rows are parts of which total, and `parts_caveat()` whether the report's own parts disagree with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..claims.checks import value_range
from .rules import APPROX_TOLERANCE, bound_of

QUOTE_KEYS = ("quote", "start", "end", "quote_start", "quote_end", "number")


@dataclass
class Group:
    index: int  # the claim the row is keyed by: the first statement
    claim: dict[str, Any]  # the claim as reconciled (value summed over category repeats)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    merged: dict[int, str] = field(default_factory=dict)  # claim index → "duplicate" | "category_repeat"
    part_of: int | None = None  # the index of the group of the total this one is a part of

    @property
    def members(self) -> list[int]:
        return [self.index, *self.merged]


def quote_of(index: int, claim: dict[str, Any]) -> dict[str, Any]:
    return {"claim_index": index, **{k: claim.get(k) for k in QUOTE_KEYS}, "value": claim.get("value"),
            "bound": bound_of(claim)}


def combined_bound(bounds: list[str]) -> str:
    """The bound of a sum: exact parts stay exact, exact and lower bounds give a lower bound, else approximate."""
    kinds = set(bounds)
    if kinds <= {"exact"}:
        return "exact"
    return "lower" if kinds <= {"exact", "lower"} else "approx"


def _earlier(claims: list[dict[str, Any]], i: int, key: str) -> int | None:
    j = claims[i].get(key)
    return j if isinstance(j, int) and not isinstance(j, bool) and 0 <= j < i else None


def group_claims(claims: list[dict[str, Any]]) -> list[Group]:
    """One group per row, in report order."""
    groups: dict[int, Group] = {}
    owner: dict[int, int] = {}  # claim index → the group it went into
    for i, c in enumerate(claims):
        dup, repeat = _earlier(claims, i, "duplicate_of"), _earlier(claims, i, "category_repeat_of")
        target = dup if dup is not None else repeat
        if target is None:
            groups[i] = Group(i, dict(c), [quote_of(i, c)])
            owner[i] = i
            continue
        g = groups[owner[target]]
        owner[i] = g.index
        g.quotes.append(quote_of(i, c))
        if dup is not None:
            g.merged[i] = "duplicate"
            continue
        g.merged[i] = "category_repeat"
        summed = [claims[g.index]] + [claims[m] for m, how in g.merged.items() if how == "category_repeat"]
        bound = combined_bound([bound_of(x) for x in summed])
        g.claim.update(value=sum(x.get("value") or 0 for x in summed), bound=bound, approx=bound != "exact",
                       lower_bound=bound == "lower")
    for g in groups.values():
        p = _earlier(claims, g.index, "part_of")
        g.part_of = owner.get(p) if p is not None else None
    return list(groups.values())


def parts(groups: list[Group]) -> dict[int, list[int]]:
    """Total's row → its parts' rows (claim indexes), in report order."""
    out: dict[int, list[int]] = {}
    for g in groups:
        if g.part_of is not None and g.part_of != g.index:
            out.setdefault(g.part_of, []).append(g.index)
    return out


def parts_caveat(total: Group, members: list[Group]) -> str | None:
    """The report's own parts against its total (the extractor's N-4, as ranges): a caveat when a closed list
    disagrees with the total. A list ending with 等 (breakdown_open) names some parts only: never a caveat."""
    if total.claim.get("breakdown_open") or len(members) < 2:
        return None
    lo = sum(value_range(m.claim)[0] for m in members)
    hi = sum(value_range(m.claim)[1] for m in members)
    t_lo, t_hi = value_range(total.claim)
    names = ", ".join(f"#{m.index}" for m in members)
    shown = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
    if lo > t_hi:
        return (f"the report's own parts ({names}) add up to {shown}, more than the total it claims "
                f"({total.claim.get('value')}): the report contradicts itself (its check N-4)")
    if hi < t_lo and hi >= (1 - APPROX_TOLERANCE) * t_lo:
        return (f"the report's own parts ({names}) add up to {shown}, not the total it claims "
                f"({total.claim.get('value')}): the report contradicts itself (its check N-4)")
    return None
