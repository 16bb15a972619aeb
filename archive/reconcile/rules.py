"""Statuses, claim bounds and the counting rules a reconciliation states (DESIGN.md, "Counting rules")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("match", "fewer_found", "more_found", "unverifiable")
APPROX_TOLERANCE = 0.10
CHANNELS = ("catalog", "website", "wechat")
FAILED_OUTCOMES = ("error", "http_error", "too_large")

COUNTING_RULES = [
    "Year Y is the Asia/Shanghai calendar year: 发布日期 in [Y-01-01 00:00, Y+1-01-01 00:00) +08:00, read from "
    "each document's local published_date.",
    "Catalog: distinct documents by post id in the catalog categories the claim names. Report category names map "
    "to catalog categories by name (widths, spaces and traditional characters aside), else through the agency "
    "registry's aliases, else through the shared taxonomy of category families; each row says which. A category "
    "with children covers all its descendant leaves. The catalog total covers every category. `type: url` link entries are "
    "catalog entries and count.",
    "Website: distinct articles (by post id; one canonical URL counts once) published in Y across all configured "
    "columns; an article listed in two columns counts once. A claim about a named column counts the configured "
    "column of that name (widths, spaces, traditional characters, quotes and 栏目 aside); a column that is not "
    "configured is unverifiable.",
    "WeChat: articles (biz, mid, idx) and pushes (群发/发表 records) published in Y are both counted; deleted and "
    "violation pages are counted separately. The status follows the articles reading unless the pushes reading "
    "matches the claim. Reads: the sum of the archived read counts of Y's articles.",
    "A claim that names no channel is shown under two readings: the catalog (a category claim maps to catalog "
    "categories as above), and all configured channels together (catalog + website + WeChat articles; a website "
    "article that is a catalog document's twin by post id counts once; a category claim counts the catalog "
    "categories and the website column of that name, WeChat having no categories). The registry's "
    "`reconcile: {channel_less: catalog|all}` names the reading that decides the status (default: catalog).",
    "Observed = every archived document of Y as first seen, including documents that have disappeared since; "
    "live = those still live.",
    "Status: exact claims match only when equal; 超过/超/逾/余/多/以上 claims are lower bounds (match when observed ≥ "
    "claimed); 约/近/大约 claims match within 10 %. Otherwise fewer_found or more_found by the sign of observed − "
    "claimed. The same rule holds for every kind of claim, read counts included.",
    "One row per statement: a claim the report states twice (same channel, category, number and bound) is one row "
    "with both quotes, counted once; a category named twice under one total is one row claiming the sum. Parts of a "
    "total are rows of their own; the summary says which total each belongs to.",
    "Unverifiable, never zero: a channel that was not crawled or is not a configured channel, a category with no "
    "catalog counterpart, a website column that is not configured, or short coverage (a listing that was not "
    "complete and healthy, a website column capped before Y-01-01, no WeChat lister reaching back to Y-01-01).",
]

NOT_CONFIGURED = {
    "key_areas": "the city site's key-areas (重点领域) columns are not a configured channel of this archive",
    "weibo": "Weibo is not a configured channel of this archive",
    "other": "this platform (short video, 头条, 公开栏 …) is not a configured channel of this archive",
    None: "the claim names no publishing channel",
}


def judge(observed: int | None, claimed: float | None, bound: str) -> str:
    """The status of a claim given the observed count (coverage aside)."""
    if observed is None or claimed is None:
        return "unverifiable"
    delta = observed - claimed
    if bound == "lower":
        return "match" if delta >= 0 else "fewer_found"
    if bound == "upper":
        return "match" if delta <= 0 else "more_found"
    if bound == "approx":
        if abs(delta) <= APPROX_TOLERANCE * abs(claimed):
            return "match"
    elif delta == 0:
        return "match"
    return "fewer_found" if delta < 0 else "more_found"


def bound_of(claim: dict[str, Any]) -> str:
    """The claim's bound: the contract's `bound`, else (older claims) lower_bound / approx."""
    if claim.get("bound"):
        return str(claim["bound"])
    return "lower" if claim.get("lower_bound") else "approx" if claim.get("approx") else "exact"


BOUND_TEXT = {
    "exact": "the claim is exact: match only when observed = claimed",
    "lower": "the claim is a lower bound (超过/逾/余/多): match when observed ≥ claimed",
    "upper": "the claim is an upper bound: match when observed ≤ claimed",
    "approx": f"the claim is approximate (约/近/大约): match when observed is within {APPROX_TOLERANCE:.0%} of it",
}


def delta_of(observed: int | None, claimed: float | None) -> int | None:
    if observed is None or claimed is None:
        return None
    return int(round(observed - claimed))


def first_ids(ids: list[str], n: int = 5) -> str:
    return ", ".join(ids[:n]) + (f" … (+{len(ids) - n})" if len(ids) > n else "")


@dataclass
class Row:
    claim_index: int
    kind: str
    channel: str | None
    category: str | None
    claimed: float | None
    approx: bool
    bound: str
    unit: str | None
    quote: str | None
    quote_start: int | None
    quote_end: int | None
    observed: int | None = None
    observed_live: int | None = None
    delta: int | None = None
    status: str = "unverifiable"
    interpretation: dict[str, Any] | None = None
    document_ids: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    method: str = ""
    quotes: list[dict[str, Any]] = field(default_factory=list)  # every statement of the claim (duplicates merged)
    part_of: int | None = None  # the claim_index of the total's row this row is a part of
    mapping: dict[str, Any] | None = None  # which catalog categories / website columns the claim was counted in
    covered: bool = field(default=False, compare=False)  # coverage complete (not stored: the status says it)

    @classmethod
    def from_claim(cls, index: int, claim: dict[str, Any]) -> Row:
        return cls(claim_index=index, kind=claim.get("kind") or "published", channel=claim.get("channel"),
                   category=claim.get("category"), claimed=claim.get("value"), approx=bool(claim.get("approx")),
                   bound=bound_of(claim), unit=claim.get("unit"), quote=claim.get("quote"),
                   quote_start=claim.get("quote_start"), quote_end=claim.get("quote_end"))

    def as_channel(self, channel: str) -> Row:
        """A scratch copy of this claim read as a claim about `channel` (for the readings of a channel-less claim)."""
        return Row(claim_index=self.claim_index, kind=self.kind, channel=channel, category=self.category,
                   claimed=self.claimed, approx=self.approx, bound=self.bound, unit=self.unit, quote=None,
                   quote_start=None, quote_end=None)

    def settle(self, observed: int | None, live: int | None, covered: bool) -> None:
        """Set counts, delta and status; short coverage keeps the counts but makes the row unverifiable."""
        self.observed, self.observed_live, self.covered = observed, live, covered
        self.delta = delta_of(observed, self.claimed)
        self.status = judge(observed, self.claimed, self.bound) if covered else "unverifiable"

    def unverifiable(self, reason: str) -> None:
        self.status = "unverifiable"
        self.caveats.append(reason)
        if not self.method:
            self.method = f"Not counted: {reason}."


# ------------------------------------------------------------------ coverage


