"""Reconciliation: what an annual report claims against what the archive shows was published.

One claim → one row: the claim as stated, the count the archive supports by the counting rules of
DESIGN.md, the documents behind that count, the coverage caveats that limit it, and a status:

- `match`: observed satisfies the claim (exact: equal; 余/多/逾 lower bound: observed ≥ claimed;
  约/近 approximation: within 10 %);
- `fewer_found` / `more_found`: observed is below / above what the claim allows;
- `unverifiable`: the archive cannot say — the channel is not crawled or not a configured channel,
  the report's category maps to no catalog category, or coverage is short (a listing that was not
  complete and healthy, a capped website column or a WeChat lister that does not reach back to
  Y-01-01). Counts are still shown when they exist; an unverifiable row is never "zero".

"Observed" counts every archived document published in year Y as first seen (including ones that
have disappeared since); "observed_live" counts those still live. Year Y is the Asia/Shanghai
calendar year of 发布日期 (the documents' `published_date`).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from .session import dumps, iso, new_id, utcnow

STATUSES = ("match", "fewer_found", "more_found", "unverifiable")
APPROX_TOLERANCE = 0.10
CHANNELS = ("catalog", "website", "wechat")
FAILED_OUTCOMES = ("error", "http_error", "too_large")

COUNTING_RULES = [
    "Year Y is the Asia/Shanghai calendar year: 发布日期 in [Y-01-01 00:00, Y+1-01-01 00:00) +08:00, read from "
    "each document's local published_date.",
    "Catalog: distinct documents by post id in the catalog categories the claim names. Report category names map "
    "to catalog categories by exact name, else through the agency registry's aliases; a category with children "
    "covers all its descendant leaves. The catalog total covers every category. `type: url` link entries are "
    "catalog entries and count.",
    "Website: distinct articles (by post id; one canonical URL counts once) published in Y across all configured "
    "columns; an article listed in two columns counts once.",
    "WeChat: articles (biz, mid, idx) and pushes (群发/发表 records) published in Y are both counted; deleted and "
    "violation pages are counted separately. The status follows the articles reading unless the pushes reading "
    "matches the claim. Reads: the sum of the archived read counts of Y's articles.",
    "Observed = every archived document of Y as first seen, including documents that have disappeared since; "
    "live = those still live.",
    "Status: exact claims match only when equal; 余/多/逾 claims are lower bounds (match when observed ≥ claimed); "
    "约/近 claims match within 10 %. Otherwise fewer_found or more_found by the sign of observed − claimed.",
    "Unverifiable, never zero: a channel that was not crawled or is not a configured channel, a category with no "
    "catalog counterpart, or short coverage (a listing that was not complete and healthy, a website column capped "
    "before Y-01-01, no WeChat lister reaching back to Y-01-01).",
]

_NOT_CONFIGURED = {
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
    return claim.get("bound") or ("approx" if claim.get("approx") else "exact")


_BOUND_TEXT = {
    "exact": "the claim is exact: match only when observed = claimed",
    "lower": "the claim is a lower bound (余/多/逾): match when observed ≥ claimed",
    "upper": "the claim is an upper bound: match when observed ≤ claimed",
    "approx": f"the claim is approximate (约/近): match when observed is within {APPROX_TOLERANCE:.0%} of it",
}


def _norm(name: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _delta(observed: int | None, claimed: float | None) -> int | None:
    if observed is None or claimed is None:
        return None
    return int(round(observed - claimed))


def _first(ids: list[str], n: int = 5) -> str:
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

    @classmethod
    def from_claim(cls, index: int, claim: dict[str, Any]) -> Row:
        return cls(claim_index=index, kind=claim.get("kind") or "published", channel=claim.get("channel"),
                   category=claim.get("category"), claimed=claim.get("value"), approx=bool(claim.get("approx")),
                   bound=bound_of(claim), unit=claim.get("unit"), quote=claim.get("quote"),
                   quote_start=claim.get("quote_start"), quote_end=claim.get("quote_end"))

    def settle(self, observed: int | None, live: int | None, covered: bool) -> None:
        """Set counts, delta and status; short coverage keeps the counts but makes the row unverifiable."""
        self.observed, self.observed_live = observed, live
        self.delta = _delta(observed, self.claimed)
        self.status = judge(observed, self.claimed, self.bound) if covered else "unverifiable"

    def unverifiable(self, reason: str) -> None:
        self.status = "unverifiable"
        self.caveats.append(reason)
        if not self.method:
            self.method = f"Not counted: {reason}."


# ------------------------------------------------------------------ coverage


@dataclass
class Coverage:
    """What the archive's runs say about one channel: the latest coverage record of each listing unit."""

    channel: str
    units: dict[str, dict[str, Any]]  # category_id -> latest category_runs row (+ run fields)
    runs: list[dict[str, Any]]  # runs whose records are used, with blocked/failed request counts
    runs_of_channel: list[dict[str, Any]]  # every finished run of the channel
    later_without_records: list[dict[str, Any]]

    def caveats(self) -> list[str]:
        out = []
        for r in self.runs:
            bits = []
            if r["blocked"]:
                bits.append(f"{r['blocked']} blocked")
            if r["failed"]:
                bits.append(f"{r['failed']} failed")
            if bits:
                out.append(f"run {r['id']} ({r['status']}, {r['started_at']}) had {' and '.join(bits)} requests "
                           "(retried; the listings' coverage records say whether they were complete)")
            elif r["status"] not in ("ok",):
                out.append(f"run {r['id']} ended {r['status']}")
        for r in self.later_without_records:
            out.append(("a later " if self.runs else "") + f"{self.channel} run {r['id']} ({r['status']}, "
                       f"{r['started_at']}) recorded no coverage" + (f" ({r['error']})" if r.get("error") else "")
                       + ("; the counts rest on the earlier run(s)" if self.runs else ""))
        return out


def load_coverage(db: Database, agency: str, channel: str) -> Coverage:
    units: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "select cr.*, r.started_at as run_started_at, r.status as run_status from category_runs cr "
        "join runs r on r.id = cr.run_id where cr.agency = ? and coalesce(cr.channel, 'catalog') = ? "
        "and r.status != 'running' order by r.started_at, cr.rowid", [agency, channel]):
        units[row["category_id"]] = row  # the latest record of each unit wins
    runs_of_channel = list(db.query(
        "select * from runs where agency = ? and status != 'running' and (channel = ? or channel = 'all' or id in "
        "(select run_id from category_runs where agency = ? and coalesce(channel, 'catalog') = ?)) "
        "order by started_at", [agency, channel, agency, channel]))
    used = sorted({u["run_id"] for u in units.values()})
    failures: Counter[tuple[str, str]] = Counter()
    if used:
        marks = ",".join("?" for _ in used)
        for r in db.query(f"select run_id, outcome, count(*) n from captures where run_id in ({marks}) "
                          "group by run_id, outcome", used):
            failures[(r["run_id"], r["outcome"])] += r["n"]
    runs = []
    for r in runs_of_channel:
        if r["id"] in used:
            runs.append({"id": r["id"], "channel": channel, "run_channel": r["channel"], "started_at": r["started_at"],
                         "ended_at": r["ended_at"], "status": r["status"],
                         "blocked": failures[(r["id"], "blocked")],
                         "failed": sum(failures[(r["id"], o)] for o in FAILED_OUTCOMES)})
    last_used = max((r["started_at"] for r in runs), default="")
    later = [r for r in runs_of_channel if r["started_at"] > last_used and r["id"] not in used]
    return Coverage(channel, units, runs, [dict(r) for r in runs_of_channel], [dict(r) for r in later])


def _unit_text(u: dict[str, Any]) -> str:
    listed = (u.get("harvested") or 0) + (u.get("search_backfilled") or 0)
    notes = []
    try:
        notes = json.loads(u.get("notes") or "[]")
    except ValueError:
        pass
    return (f"{u['name']}: stated {u.get('stated_post_count')}, API total {u.get('api_total')}, listed {listed}, "
            f"stopped on {u.get('stop_reason') or '?'} (complete={bool(u.get('complete'))}, "
            f"healthy={bool(u.get('healthy'))}, run {u['run_id']})" + (f"; {'; '.join(notes)}" if notes else ""))


# ------------------------------------------------------------------ the reconciler


class Reconciler:
    """Counts for one agency and year; coverage is loaded once per channel."""

    def __init__(self, db: Database, agency: Any, year: int):
        self.db, self.agency, self.year = db, agency, year
        self.start, self.end = f"{year}-01-01", f"{year}-12-31"
        self._coverage: dict[str, Coverage] = {}
        self._categories: list[dict[str, Any]] | None = None

    def coverage(self, channel: str) -> Coverage:
        if channel not in self._coverage:
            self._coverage[channel] = load_coverage(self.db, self.agency.id, channel)
        return self._coverage[channel]

    def _in_year(self, alias: str = "") -> str:
        col = f"{alias}published_date"
        return f"substr({col}, 1, 10) >= '{self.start}' and substr({col}, 1, 10) <= '{self.end}'"

    # ---------------------------------------------------------------- entry

    def row(self, index: int, claim: dict[str, Any]) -> Row:
        row = Row.from_claim(index, claim)
        kind, channel = row.kind, row.channel
        if kind == "applications":
            row.unverifiable("applications (依申请公开) are requests received, not published documents; "
                             "they are not in the archive")
        elif kind == "reads":
            if channel == "wechat":
                self.wechat_reads(row)
            else:
                row.unverifiable(f"read counts are archived only for WeChat articles (claim channel: {channel})")
        elif kind != "published":
            row.unverifiable(f"claims of kind {kind!r} are not reconciled")
        elif channel == "catalog":
            self.catalog(row)
        elif channel == "website":
            self.website(row)
        elif channel == "wechat":
            self.wechat(row)
        else:
            row.unverifiable(_NOT_CONFIGURED.get(channel, f"channel {channel!r} is not a configured channel"))
        if row.observed is not None and row.claimed is not None:
            row.method += f" Status rule: {_BOUND_TEXT[row.bound]}."
        return row

    def crawled(self, channel: str) -> bool:
        """A channel is crawled when a run recorded its coverage, or when documents of it exist."""
        if self.coverage(channel).units:
            return True
        return self.db.execute("select exists(select 1 from documents where agency = ? and channel = ?)",
                               [self.agency.id, channel]).fetchone()[0] == 1

    def _not_crawled(self, row: Row, channel: str) -> bool:
        if self.crawled(channel):
            return False
        runs = self.coverage(channel).runs_of_channel
        if runs:  # runs that failed before listing anything: no coverage, not zero
            last = runs[-1]
            row.unverifiable(f"channel not crawled successfully: no {channel} run recorded any coverage (latest: run "
                             f"{last['id']}, {last['status']}" + (f": {last['error']}" if last.get("error") else "") + ")")
        else:
            row.unverifiable(f"channel not crawled: the archive has no {channel} run for {self.agency.id}")
        return True

    # ---------------------------------------------------------------- catalog

    def categories(self) -> list[dict[str, Any]]:
        if self._categories is None:
            self._categories = list(self.db.query(
                "select native_id, name, parent_id, is_leaf, jump_url from categories where agency = ? "
                "and coalesce(channel, 'catalog') = 'catalog' order by native_id", [self.agency.id]))
        return self._categories

    def match_categories(self, report_name: str) -> tuple[list[dict[str, Any]], str]:
        """Catalog categories a report category names: exact name first, else the registry's aliases."""
        cats = self.categories()
        exact = [c for c in cats if _norm(c["name"]) == _norm(report_name)]
        if exact:
            return exact, "by name"
        names = {_norm(n) for n in self.agency.catalog_names_for(report_name.strip())}
        names |= {_norm(n) for n in self.agency.catalog_names_for(_norm(report_name))}
        return [c for c in cats if _norm(c["name"]) in names], "through the registry's aliases"

    def descendants(self, roots: list[dict[str, Any]]) -> list[dict[str, Any]]:
        children: dict[int, list[dict[str, Any]]] = {}
        for c in self.categories():
            children.setdefault(c["parent_id"], []).append(c)
        out: dict[int, dict[str, Any]] = {}
        stack = list(roots)
        while stack:
            c = stack.pop()
            if c["native_id"] in out:
                continue
            out[c["native_id"]] = c
            stack.extend(children.get(c["native_id"], []))
        return sorted(out.values(), key=lambda c: c["native_id"])

    def catalog(self, row: Row) -> None:
        if self._not_crawled(row, "catalog"):
            return
        cov = self.coverage("catalog")
        cats = self.categories()
        if row.category is None:
            covered = cats
            scope = "every catalog category"
        else:
            roots, how = self.match_categories(row.category)
            if not roots:
                row.unverifiable(f"report category {row.category!r} matches no catalog category of "
                                 f"{self.agency.id} (by name or registry alias)")
                return
            covered = self.descendants(roots)
            leaves = [c for c in covered if c["is_leaf"]]
            scope = (f"catalog categor{'y' if len(roots) == 1 else 'ies'} "
                     + ", ".join(f"{c['name']} ({c['native_id']})" for c in roots) + f" matched {how}")
            if leaves and leaves != roots:
                scope += "; covering the leaves " + ", ".join(f"{c['name']} ({c['native_id']})" for c in leaves)
            if all(c["jump_url"] for c in covered):
                row.unverifiable(f"catalog category {row.category} is a link to another site "
                                 f"({roots[0]['jump_url']}); its items are not listed in this catalog")
                return
        ids = {str(c["native_id"]) for c in covered}
        docs = list(self.db.query(
            "select id, native_id, status, item_type, category_id from documents where agency = ? "
            f"and channel = 'catalog' and {self._in_year()} order by published_date, native_id", [self.agency.id]))
        if row.category is not None:
            docs = [d for d in docs if d["category_id"] in ids]
        else:
            undated = self.db.execute(
                "select count(*) from documents where agency = ? and channel = 'catalog' "
                "and coalesce(published_date, '') = ''", [self.agency.id]).fetchone()[0]
            if undated:
                row.caveats.append(f"{undated} catalog documents have no publication date and are not counted")
        observed = len(docs)
        live = sum(1 for d in docs if d["status"] == "live")
        links = sum(1 for d in docs if d["item_type"] == "url")
        row.document_ids = [d["id"] for d in docs]
        # Coverage: every listed leaf under the claim must have been listed completely and healthily.
        problems, notes = [], []
        for c in covered:
            if c["jump_url"]:
                notes.append(f"{c['name']} ({c['native_id']}) is a link to another site ({c['jump_url']}); "
                             "its items are not in the catalog and not counted")
                continue
            if not c["is_leaf"]:
                continue
            u = cov.units.get(f"{self.agency.id}/catalog/{c['native_id']}")
            if u is None:
                problems.append(f"{c['name']} ({c['native_id']}): no run recorded how completely it was listed")
                continue
            if not (u["complete"] and u["healthy"]):
                problems.append("listing incomplete or unhealthy — " + _unit_text(u))
            if u.get("window"):
                notes.append(f"API window used for {c['name']}: the list API serves {u.get('api_total')} of "
                             f"{u.get('stated_post_count')} items; {u.get('search_backfilled') or 0} were listed "
                             "through the province search JSONP")
            elif u.get("search_backfilled"):
                notes.append(f"search backfill used for {c['name']}: {u['search_backfilled']} items listed only "
                             "through the province search JSONP")
        if not any(c["is_leaf"] and not c["jump_url"] for c in covered):
            problems.append("no listed catalog category is recorded for this claim (the category tree was not read)")
        row.caveats += [f"coverage short: {p}" for p in problems] + notes
        gone = [d["id"] for d in docs if d["status"] != "live"]
        if gone:
            row.caveats.append(f"{len(gone)} counted document(s) have disappeared since they were archived "
                               f"(observed {observed}, live {live}): {_first(gone)}")
        row.caveats += cov.caveats()
        row.settle(observed, live, covered=not problems)
        row.method = (f"Distinct catalog documents (by post id) with 发布日期 in {self.start}..{self.end} "
                      f"(Asia/Shanghai) in {scope}: {observed} as first seen (including since-disappeared), "
                      f"{live} live; {links} of these are `type: url` link entries, which are catalog entries and "
                      f"count. Coverage: the latest listing record of each category.")

    # ---------------------------------------------------------------- website

    def website(self, row: Row) -> None:
        if self._not_crawled(row, "website"):
            return
        cov = self.coverage("website")
        columns = {c["path"]: c["name"] for c in self.agency.website_columns}
        for u in cov.units.values():
            columns.setdefault(u["category_id"].split("/website/", 1)[-1], u["name"])
        scope_cols = dict(columns)
        if row.category is not None:
            scope_cols = {p: n for p, n in columns.items() if _norm(n) == _norm(row.category) or p == row.category}
            if not scope_cols:
                row.unverifiable(f"report column {row.category!r} matches no configured website column")
                return
        docs = list(self.db.query(
            "select id, native_id, status, canonical_url from documents where agency = ? and channel = 'website' "
            f"and {self._in_year()} order by published_date, native_id", [self.agency.id]))
        memberships: dict[str, set[str]] = {}
        for m in self.db.query("select document_id, column_path from document_columns where document_id in "
                               "(select id from documents where agency = ? and channel = 'website')", [self.agency.id]):
            memberships.setdefault(m["document_id"], set()).add(m["column_path"])
        if row.category is not None:
            docs = [d for d in docs if memberships.get(d["id"], set()) & set(scope_cols)]
        distinct: dict[str, dict[str, Any]] = {}
        for d in docs:  # one article counts once: by post id, and by canonical URL
            distinct.setdefault(d["canonical_url"] or d["id"], d)
        counted = list(distinct.values())
        listings = sum(len(memberships.get(d["id"], set()) & set(scope_cols)) for d in counted)
        observed, live = len(counted), sum(1 for d in counted if d["status"] == "live")
        row.document_ids = [d["id"] for d in counted]
        problems, notes = [], []
        for path, name in scope_cols.items():
            u = cov.units.get(f"{self.agency.id}/website/{path}")
            if u is None:
                problems.append(f"column {name} ({path}): no run recorded how completely it was listed")
                continue
            oldest = u.get("oldest_date") or ""
            if u.get("capped"):
                if not oldest or oldest > self.start:
                    problems.append(f"column {name} ({path}) is capped (NFCMS 100-page limit); the oldest date it "
                                    f"reaches is {oldest or 'unknown'}, after {self.start}: part of {self.year} "
                                    "is hidden")
                    continue
                notes.append(f"column {name} ({path}) is capped (NFCMS 100-page limit) but reaches back to {oldest}, "
                             f"before {self.start}: {self.year} is fully listed")
            if not u.get("healthy"):
                problems.append(f"column {name} ({path}) was not listed healthily — " + _unit_text(u))
            elif not u.get("complete") and not u.get("capped"):
                problems.append(f"column {name} ({path}) was not listed completely — " + _unit_text(u))
        row.caveats += [f"coverage short: {p}" for p in problems] + notes
        gone = [d["id"] for d in counted if d["status"] != "live"]
        if gone:
            row.caveats.append(f"{len(gone)} counted article(s) have disappeared since: {_first(gone)}")
        row.caveats += cov.caveats()
        row.settle(observed, live, covered=not problems)
        cols = ", ".join(f"{n} ({p})" for p, n in scope_cols.items())
        row.method = (f"Distinct website articles (by post id; one canonical URL counts once) with 发布日期 in "
                      f"{self.start}..{self.end} (Asia/Shanghai) across the columns {cols}: {observed} articles "
                      f"from {listings} column listings (an article listed in two columns counts once); {live} live.")

    # ---------------------------------------------------------------- wechat

    def _wechat_articles(self) -> list[dict[str, Any]]:
        rows = list(self.db.query(
            "select d.id, d.native_id, d.status, w.biz, w.mid, w.idx, w.page_state from documents d "
            "left join wechat_articles w on w.document_id = d.id where d.agency = ? and d.channel = 'wechat' "
            f"and {self._in_year('d.')} order by d.published_date, d.native_id", [self.agency.id]))
        distinct: dict[Any, dict[str, Any]] = {}
        for r in rows:  # an article is (biz, mid, idx)
            key = (r["biz"], r["mid"], r["idx"]) if r["mid"] is not None else r["native_id"]
            distinct.setdefault(key, r)
        return list(distinct.values())

    @staticmethod
    def _article_live(a: dict[str, Any]) -> bool:
        return a["page_state"] == "ok" or (a["page_state"] is None and a["status"] == "live")

    def _lister_problems(self, row: Row) -> list[str]:
        cov = self.coverage("wechat")
        if not cov.units:
            return ["no WeChat lister recorded its coverage"]
        reaching = []
        for u in cov.units.values():
            oldest = u.get("oldest_date")
            if not oldest:
                row.caveats.append(f"lister {u['name']} recorded no oldest date")
            elif oldest > self.start:
                row.caveats.append(f"lister {u['name']} reached back only to {oldest}, after {self.start}: "
                                   f"it cannot see the start of {self.year}")
            else:
                reaching.append(u)
            if not u.get("healthy"):
                row.caveats.append(f"lister {u['name']} was not healthy — " + _unit_text(u))
        if not reaching:
            return [f"no WeChat lister reached back to {self.start}"]
        return []

    def wechat(self, row: Row) -> None:
        if self._not_crawled(row, "wechat"):
            return
        problems = self._lister_problems(row)
        arts = self._wechat_articles()
        states = Counter(a["page_state"] or "unchecked" for a in arts)
        a_obs, a_live = len(arts), sum(1 for a in arts if self._article_live(a))
        pushes = list(self.db.query(
            "select id, notified from wechat_pushes where agency = ? and (substr(sent_date, 1, 10) between ? and ? "
            "or (coalesce(sent_date, '') = '' and year = ?)) order by sent_at, id",
            [self.agency.id, self.start, self.end, self.year]))
        p_obs = len(pushes)
        a_status = judge(a_obs, row.claimed, row.bound)
        p_status = judge(p_obs, row.claimed, row.bound)
        used = "pushes" if p_status == "match" and a_status != "match" else "articles"
        interp = {
            "used": used,
            "matches": [k for k, s in (("articles", a_status), ("pushes", p_status)) if s == "match"],
            "articles": {"observed": a_obs, "observed_live": a_live, "delta": _delta(a_obs, row.claimed),
                         "status": a_status, "states": dict(sorted(states.items()))},
            "pushes": {"observed": p_obs, "notified": sum(1 for p in pushes if p["notified"]),
                       "delta": _delta(p_obs, row.claimed), "status": p_status, "ids": [p["id"] for p in pushes]},
        }
        matched = " and ".join(interp["matches"]) or "neither"
        interp["text"] = (f"articles (biz, mid, idx): {a_obs} ({a_live} live) → {a_status}; pushes: {p_obs} → "
                          f"{p_status}. {matched.capitalize()} match{'es' if len(interp['matches']) == 1 else ''} "
                          f"the claim; the row follows the {used} reading.")
        row.interpretation = interp
        row.document_ids = [a["id"] for a in arts]
        gone = {k: v for k, v in states.items() if k in ("deleted", "violation", "unavailable")}
        if gone:
            row.caveats.append("counted separately: " + ", ".join(f"{v} {k}" for k, v in sorted(gone.items()))
                               + " article page(s); they are in observed (as first seen), not in live")
        row.caveats += [f"coverage short: {p}" for p in problems] + self.coverage("wechat").caveats()
        if used == "pushes":
            row.settle(p_obs, None, covered=not problems)
        else:
            row.settle(a_obs, a_live, covered=not problems)
        row.method = (f"WeChat items with publication time in {self.start}..{self.end} (Asia/Shanghai), counted two "
                      f"ways: distinct articles (biz, mid, idx) found by all listers together = {a_obs} "
                      f"({a_live} live), and distinct pushes (群发/发表 records) = {p_obs}. The status follows the "
                      "articles reading unless the pushes reading matches the claim.")

    def wechat_reads(self, row: Row) -> None:
        if self._not_crawled(row, "wechat"):
            return
        arts = self._wechat_articles()
        latest: dict[str, dict[str, Any]] = {}
        ids = [a["id"] for a in arts]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for m in self.db.query(
                f"select document_id, read_num, read_at from metrics where read_num is not null and document_id in "
                f"({','.join('?' for _ in chunk)}) order by read_at", chunk):
                latest[m["document_id"]] = m  # the latest reading of each article wins
        if not latest:
            row.unverifiable(f"no read counts are archived for {self.year}'s WeChat articles "
                             "(they need client credentials)")
            return
        with_reads = [a for a in arts if a["id"] in latest]
        observed = sum(latest[a["id"]]["read_num"] for a in with_reads)
        live = sum(latest[a["id"]]["read_num"] for a in with_reads if self._article_live(a))
        missing_live = [a["id"] for a in arts if a["id"] not in latest and self._article_live(a)]
        missing_gone = [a["id"] for a in arts if a["id"] not in latest and not self._article_live(a)]
        times = sorted(latest[a["id"]]["read_at"] or "" for a in with_reads)
        row.document_ids = [a["id"] for a in with_reads]
        row.caveats.append(f"read counts read at {times[0]} … {times[-1]} (UTC), cumulative as of then; "
                           "they grow after the year ends")
        if missing_gone:
            row.caveats.append(f"{len(missing_gone)} deleted or unavailable article(s) have no read count "
                               "(deleted articles' reads are missing)")
        if missing_live:
            row.caveats.append(f"coverage short: {len(missing_live)} live article(s) of {self.year} have no read "
                               f"count: {_first(missing_live)}")
        row.settle(observed, live, covered=not missing_live)
        row.method = (f"Sum of the latest archived read_num of each of {len(with_reads)} WeChat articles of "
                      f"{self.year} (of {len(arts)} archived); live = the sum over articles still live.")


# ------------------------------------------------------------------ storing and loading


def reconcile(db: Database, agency: Any, year: int, extracted: dict[str, Any], *, report_source: str,
              report_sha256: str | None, report_document_id: str | None = None,
              report_meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reconcile the extracted claims against the archive, store the result, and return it (as loaded)."""
    rec = Reconciler(db, agency, year)
    rows = [rec.row(i, c) for i, c in enumerate(extracted.get("claims") or [])]
    notes = list(extracted.get("notes") or [])
    if extracted.get("year") not in (None, year):
        notes.insert(0, f"the report's own year is {extracted['year']}, not {year}")
    runs = [r for ch in CHANNELS for r in rec.coverage(ch).runs]
    channels = {ch: {"crawled": rec.crawled(ch), "runs": [r["id"] for r in rec.coverage(ch).runs]}
                for ch in CHANNELS}
    summary = {
        "statuses": {s: sum(1 for r in rows if r.status == s) for s in STATUSES},
        "claims": len(rows),
        "channels": channels,
        "report": {"year": extracted.get("year"), "period": extracted.get("period"),
                   "format": extracted.get("format"), "agency": extracted.get("agency"),
                   "missing_tables": extracted.get("missing"), **(report_meta or {})},
        "agency_name": agency.name,
        "counting_rules": COUNTING_RULES,
    }
    rec_id = new_id("rec-")
    head = {
        "id": rec_id, "agency": agency.id, "year": year, "report_source": report_source,
        "report_sha256": report_sha256, "report_document_id": report_document_id,
        "claims": dumps(extracted.get("claims") or []), "checks": dumps(extracted.get("checks") or []),
        "notes": dumps(notes), "summary": dumps(summary), "created_at": iso(utcnow()), "runs": dumps(runs)}
    body = [{
        "reconciliation_id": rec_id, "claim_index": r.claim_index, "kind": r.kind, "channel": r.channel,
        "category": r.category, "claimed": r.claimed, "approx": int(r.approx), "unit": r.unit, "quote": r.quote,
        "quote_start": r.quote_start, "quote_end": r.quote_end, "observed": r.observed,
        "observed_live": r.observed_live, "delta": r.delta, "status": r.status,
        "interpretation": dumps(r.interpretation) if r.interpretation is not None else None,
        "document_ids": dumps(r.document_ids), "caveats": dumps(r.caveats), "method": r.method,
    } for r in rows]
    # One transaction: a reconciliation is stored with all its rows or not at all.
    with db.conn:
        db.conn.execute(_insert_sql("reconciliations", head), list(head.values()))
        if body:
            db.conn.executemany(_insert_sql("reconciliation_rows", body[0]), [list(b.values()) for b in body])
    loaded = load_reconciliation(db, rec_id)
    assert loaded is not None
    return loaded


def _num(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def load_reconciliation(db: Database, rec_id: str) -> dict[str, Any] | None:
    """A stored reconciliation with its rows, JSON columns decoded."""
    rec = next(db.query("select * from reconciliations where id = ?", [rec_id]), None)
    if rec is None:
        return None
    out = dict(rec)
    for key in ("claims", "checks", "notes", "summary", "runs"):
        out[key] = json.loads(out[key]) if out.get(key) else ([] if key != "summary" else {})
    rows = []
    for r in db.query("select * from reconciliation_rows where reconciliation_id = ? order by claim_index", [rec_id]):
        r = dict(r)
        for key in ("document_ids", "caveats"):
            r[key] = json.loads(r[key]) if r.get(key) else []
        r["interpretation"] = json.loads(r["interpretation"]) if r.get("interpretation") else None
        r["approx"] = bool(r["approx"])
        r["claimed"] = _num(r["claimed"])
        claim = out["claims"][r["claim_index"]] if r["claim_index"] < len(out["claims"]) else {}
        r["bound"] = bound_of(claim) if claim else ("approx" if r["approx"] else "exact")
        rows.append(r)
    out["rows"] = rows
    return out


def latest_reconciliation(db: Database, agency: str, year: int) -> dict[str, Any] | None:
    if "reconciliations" not in db.table_names():
        return None
    row = next(db.query("select id from reconciliations where agency = ? and year = ? "
                        "order by created_at desc, rowid desc limit 1", [agency, year]), None)
    return load_reconciliation(db, row["id"]) if row else None


def _insert_sql(table: str, record: dict[str, Any]) -> str:
    cols = ", ".join(f"[{k}]" for k in record)
    return f"insert into [{table}] ({cols}) values ({', '.join('?' for _ in record)})"
