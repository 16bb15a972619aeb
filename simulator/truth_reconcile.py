"""The expected reconciliation of a scenario's annual report: one row per claim a careful reader extracts.

The claims are the report's own `readback` (simulator/report.py): what the extractor must find, with its
channel, category, value and bound. Each row says what a correct reconciliation of an archive crawled on the
scenario's start day must show (DESIGN.md, "Counting rules"), computed from the world:

- catalog: distinct documents of the year (Asia/Shanghai) in the catalog categories the claim names, by name,
  else the agency's `category_aliases`, else the shared taxonomy (simulator/catalog_map.py reads its data
  file); a category with no document in the year is a count of 0, not unverifiable; a claim that reaches
  only links to other sites (`jump_url`) or no category at all is unverifiable;
- website: distinct articles of the year that paging reaches, in the claim's columns (all columns for the
  website total); a column capped by `pages_limit` whose oldest reachable article is after Y-01-01 hides part
  of the year: unverifiable, with the counts still stated;
- WeChat: articles and pushes found by the listers a default crawl with every credential runs (MP backend in
  its default `appmsgpublish` mode, getmsg, WeRead, the feed; `list_ex` is a mode a crawl runs only when told
  to). The row follows the articles reading unless the pushes reading matches; no lister reaching back to
  Y-01-01 makes it unverifiable;
- WeChat reads: unverifiable for a crawl without read credentials (the row); `with_read_credentials` gives the
  row of a crawl with WECHAT_WAP_SID2 + WECHAT_PASS_TICKET: the sum of the read counts of the year's articles
  whose pages are readable (deleted ones show none);
- a claim naming no channel: two `readings`, the catalog and every configured channel together (a website
  twin of a counted catalog document once; WeChat articles for a total); the row `follows` the catalog
  reading (the registry's default, `reconcile: {channel_less: catalog}`);
- applications and channels the archive does not crawl (key areas, Weibo, apps): unverifiable;
- a claim stated twice is one row (`statements`: how many times); a part names its total (`part_of`).

Statuses follow `judge_claim`: exact claims match only when equal, lower bounds (余/多/超) when observed ≥
claimed, approximations (约/近) within 10 %.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import catalog_map
from .scenario import report_blocks
from .world import Agency, World

# A claim written 约N / 近N matches an observed count within this share of N; a lower bound (N余, 超过N …)
# matches any count ≥ N; an exact claim only N itself.
APPROX_TOLERANCE = 0.10
# The WeChat listers a crawl runs when given every credential and the feed (list_ex is a mode of the MP
# backend that replaces appmsgpublish only when asked for: -s XXGK_WECHAT_MP_MODE=list_ex).
CRAWL_LISTERS = ("mp_backend", "getmsg", "weread", "feeds")
NOT_CONFIGURED = {"key_areas": "the key-areas columns of the city site are not a configured channel",
                  "weibo": "Weibo is not a configured channel", "other": "apps are not a configured channel",
                  None: "the claim names no channel"}


def judge_claim(observed: int | None, claimed: int | float | None, bound: str) -> tuple[str, int | None]:
    """(status, observed − claimed) of one claim, by the rule of its bound."""
    if observed is None or claimed is None:
        return "unverifiable", None
    delta = int(round(observed - claimed))
    if bound == "lower":
        return ("match" if observed >= claimed else "fewer_found"), delta
    if bound == "approx" and abs(observed - claimed) <= APPROX_TOLERANCE * abs(claimed):
        return "match", delta
    if delta == 0:
        return "match", delta
    return ("fewer_found" if delta < 0 else "more_found"), delta


def settled(claimed: Any, bound: str, observed: int | None, live: int | None, covered: bool = True,
            note: str = "") -> dict[str, Any]:
    """Counts, delta and status of a row; short coverage keeps the counts but makes it unverifiable."""
    status, delta = judge_claim(observed, claimed, bound)
    return {"observed": observed, "observed_live": live, "delta": delta,
            "status": status if covered else "unverifiable", "note": note}


class Expected:
    """The rows of one agency's report of one year, for a crawl on `today` (the scenario's start day)."""

    def __init__(self, world: World, agency: Agency, year: int, today: date, truth: dict[str, Any]):
        self.world, self.agency, self.year, self.today, self.truth = world, agency, year, today, truth
        self.start = date(year, 1, 1)

    def row(self, claim: dict[str, Any]) -> dict[str, Any]:
        kind, channel, category = claim["kind"], claim["channel"], claim["category"]
        value, bound = claim["value"], claim["bound"]
        out = {"kind": kind, "channel": channel, "category": category, "claimed": value, "bound": bound}
        if kind == "applications":
            out.update(settled(value, bound, None, None, note="applications are requests, not published documents"))
        elif kind == "reads":
            out.update(self.reads(value, bound) if channel == "wechat" and self.agency.wechat else
                       settled(value, bound, None, None, note="read counts are archived for WeChat articles only"))
        elif kind != "published":
            out.update(settled(value, bound, None, None, note=f"claims of kind {kind} are not reconciled"))
        elif channel is None:
            out.update(self.channel_less(category, value, bound))
        elif channel == "catalog" and self.agency.gkmlpt:
            out.update(self.catalog(category, value, bound))
        elif channel == "website" and self.agency.website:
            out.update(self.website(category, value, bound))
        elif channel == "wechat" and self.agency.wechat:
            out.update(self.wechat(value, bound))
        else:
            out.update(settled(value, bound, None, None,
                               note=NOT_CONFIGURED.get(channel, f"the agency has no {channel} channel")))
        out.pop("_items", None)
        return out

    # ---------------------------------------------------------------- naming no channel

    def channel_less(self, category: str | None, value: Any, bound: str) -> dict[str, Any]:
        """Two readings: the catalog, and every configured channel together (a website twin of a counted
        catalog document once; a category claim counts the catalog categories and the website column of that
        name, WeChat has none); the status follows the catalog reading (the registry's default)."""
        a = self.agency
        catalog = self.catalog(category, value, bound) if a.gkmlpt else settled(value, bound, None, None)
        parts: list[dict[str, Any]] = []
        if a.gkmlpt and (category is None or catalog["observed"] is not None):
            parts.append(catalog)
        if a.website:
            web = self.website(category, value, bound)
            if category is None or web["observed"] is not None:
                counted = {d.id for d in catalog.get("_items", [])}
                kept = [art for art in web["_items"] if art.twin is None or art.twin.id not in counted]
                parts.append({**web, "observed": len(kept), "observed_live": len(kept), "_items": kept})
        if a.wechat and category is None:
            union, reaching = self._union()
            parts.append({"observed": len(union), "status": "match" if reaching else "unverifiable",
                          "observed_live": sum(1 for _, art in union.values() if art.state(self.today) == "ok")})
        if not parts or any(p["observed"] is None for p in parts):
            every = settled(value, bound, None, None, note="not every channel could be counted")
        else:
            every = settled(value, bound, sum(p["observed"] for p in parts),
                            sum(p["observed_live"] or 0 for p in parts),
                            covered=all(p["status"] != "unverifiable" for p in parts), note="all channels together")
        catalog.pop("_items", None)
        readings = {"catalog": catalog, "all": every}
        return {**catalog, "readings": readings, "follows": "catalog",
                "note": "names no channel: the status follows the catalog reading (the registry's default)"}

    # ---------------------------------------------------------------- catalog

    def catalog(self, category: str | None, value: Any, bound: str) -> dict[str, Any]:
        a = self.agency
        if category is None:
            covered = a.all_categories()
            how = "every catalog category"
        else:
            roots, how = catalog_map.match(category, a.all_categories(), a.spec.get("category_aliases"))
            if not roots:
                return settled(value, bound, None, None, note="no catalog category by name, alias or taxonomy")
            covered = catalog_map.subtree(roots)
            if all(c.jump_url for c in covered):
                return settled(value, bound, None, None, note="a link to another site's column")
            how = f"{', '.join(c.name for c in roots)} (by {how})"
        ids = {c.id for c in covered}
        docs = [d for d in a.docs if d.category.id in ids and d.year == self.year and d.visible(self.today)]
        listed = any(not c.children and not c.jump_url for c in covered)
        return {**settled(value, bound, len(docs), len(docs), covered=listed, note=f"documents of {how}"),
                "_items": docs}

    # ---------------------------------------------------------------- website

    def website(self, category: str | None, value: Any, bound: str) -> dict[str, Any]:
        a = self.agency
        columns = a.website.get("columns", [])
        scope = [c["path"] for c in columns] if category is None else catalog_map.column_match(category, columns)
        if not scope:
            return settled(value, bound, None, None, note="no website column of that name")
        coverage = self.truth["website"]["columns"]
        hidden = [p for p in scope if coverage[p]["capped"]
                  and (coverage[p]["oldest_reachable_date"] or "9999") > self.start.isoformat()]
        w = a.website
        reach = int(w.get("page_size", 20)) * int(w.get("pages_limit", 100))
        seen = {art.id: art for p in scope for art in a.column_listing(p, self.today)[:reach]
                if art.year == self.year}
        note = (f"columns {', '.join(hidden)} are capped after {self.start}: part of the year is hidden" if hidden
                else f"distinct articles of {', '.join(scope)}")
        return {**settled(value, bound, len(seen), len(seen), covered=not hidden, note=note),
                "_items": list(seen.values())}

    # ---------------------------------------------------------------- WeChat

    def _union(self) -> tuple[dict[tuple[int, int], Any], bool]:
        """The year's (push, article) pairs the crawl's listers find together, and whether one of them reaches
        back to Y-01-01."""
        from .truth import lister_sees

        acct = self.agency.wechat
        assert acct is not None
        union: dict[tuple[int, int], Any] = {}
        reaching = False
        for lister in CRAWL_LISTERS:
            seen = lister_sees(acct, lister, self.today)
            if seen and min(p.sent for p, _ in seen).date() <= self.start:
                reaching = True
            union.update({(p.mid, art.idx): (p, art) for p, art in seen if p.sent.year == self.year})
        return union, reaching

    def wechat(self, value: Any, bound: str) -> dict[str, Any]:
        union, reaching = self._union()
        articles = len(union)
        live = sum(1 for _, art in union.values() if art.state(self.today) == "ok")
        pushes = len({p.mid for p, _ in union.values()})
        a_status, a_delta = judge_claim(articles, value, bound)
        p_status, p_delta = judge_claim(pushes, value, bound)
        used = "pushes" if p_status == "match" and a_status != "match" else "articles"
        out = (settled(value, bound, pushes, None, covered=reaching) if used == "pushes" else
               settled(value, bound, articles, live, covered=reaching))
        out["note"] = ("articles (biz, mid, idx) and pushes found by the listers together"
                       + ("" if reaching else f"; no lister reaches back to {self.start}"))
        out["interpretation"] = {
            "used": used,
            "articles": {"observed": articles, "observed_live": live, "delta": a_delta, "status": a_status},
            "pushes": {"observed": pushes, "delta": p_delta, "status": p_status}}
        return out

    def reads(self, value: Any, bound: str) -> dict[str, Any]:
        acct = self.agency.wechat
        assert acct is not None
        out = settled(value, bound, None, None, note="read counts need read credentials (WECHAT_WAP_SID2 + "
                                                     "WECHAT_PASS_TICKET); with them: with_read_credentials")
        if not acct.read_counts:
            out["with_read_credentials"] = settled(value, bound, None, None, note="the account shows no read counts")
            return out
        union, _ = self._union()
        readable = [art for _, art in union.values() if art.state(self.today) == "ok"]
        total = sum(art.read_num for art in readable)
        out["with_read_credentials"] = settled(
            value, bound, total, total, note=f"read counts of the {len(readable)} readable articles of {self.year}")
        return out


def _report_missing(agency: Agency, year: int, today: date) -> str:
    """Why a crawl on `today` archives no year-`year` annual report of the agency ('' when it archives one)."""
    docs = [d for d in agency.docs if d.report_year == year]
    if any(d.visible(today) for d in docs):
        return ""
    if any(a.visible(today) for a in agency.articles if a.twin is not None and a.twin.report_year == year):
        return ""
    if not any(c.spec.get("annual_reports") for c in agency.all_categories()):
        return "the catalog has no annual-report category"
    if docs and min(d.published.date() for d in docs) > today:
        return f"the {year} annual report is published on {min(d.published.date() for d in docs)}, after {today}"
    return f"no {year} annual report is published"


def agency_reconciliation(world: World, truth_agencies: dict[str, Any], today: date,
                          block: dict[str, Any]) -> dict[str, Any]:
    """The expected rows of one agency's annual report (`block`: its `annual_report:` entry), in the report's
    claim order; status `no_report` with the reason when a crawl on `today` archives no such report."""
    from .report import report_spec

    agency = world.agency_by_id[block["agency"]]
    year = int(block["year"])
    missing = _report_missing(agency, year, today)
    if missing:
        return {"agency": agency.id, "year": year, "status": "no_report", "reason": missing, "rows": []}
    claims = report_spec(world, agency, year)["readback"]
    expected = Expected(world, agency, year, today, truth_agencies[agency.id])
    rows: list[dict[str, Any]] = []
    row_of: dict[int, dict[str, Any]] = {}  # readback index → its row
    stated: dict[tuple[Any, ...], int] = {}
    for i, c in enumerate(claims):
        key = (c["kind"], c["channel"], c["category"], c["value"], c["bound"])
        if key in stated:  # the same statement again (the extractor's duplicate_of): one row, stated twice
            row_of[i] = row_of[stated[key]]
            row_of[i]["statements"] += 1
            continue
        stated[key] = i
        row = {**expected.row(c), "statements": 1, "part_of": None}
        parent = row_of.get(c["part_of"]) if c.get("part_of") is not None else None
        if parent is not None:
            row["part_of"] = [parent["kind"], parent["channel"], parent["category"]]
        row_of[i] = row
        rows.append(row)
    return {"agency": agency.id, "year": year, "status": "reconciled", "lister_union": list(CRAWL_LISTERS),
            "rows": rows}


def reconciliations_truth(world: World, truth_agencies: dict[str, Any], today: date) -> dict[str, dict[str, Any]]:
    """Every agency's expected reconciliation, by agency id (the scenario's `annual_report:` blocks)."""
    return {b["agency"]: agency_reconciliation(world, truth_agencies, today, b) for b in report_blocks(world.scenario)}


def reconciliation_truth(world: World, truth_agencies: dict[str, Any], today: date) -> dict[str, Any] | None:
    """The expected rows of the scenario's (first) annual report: the one-agency form of `reconciliations_truth`."""
    blocks = report_blocks(world.scenario)
    return agency_reconciliation(world, truth_agencies, today, blocks[0]) if blocks else None
