"""Ground truth: what a correct crawl and reconciliation of a scenario must find.

Computed from the world, never from rendered pages, so the crawler's tests compare two
independent paths. Years are Asia/Shanghai local years (DESIGN.md, principle 7).

Vocabulary (for each agency, channel, year and category):
- published: every item the agency published in the year, including ones deleted later
  (omniscient; a crawler that started late cannot see all of them);
- first_seen: items visible on at least one day between the scenario's start day and `today`,
  i.e. what nightly crawls from the start day onwards archive;
- live: items visible on `today`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from .sites.wechat_listers import empty_publish_info
from .world import Agency, CatalogDoc, World, WxAccount

WECHAT_LISTERS = ("mp_backend", "list_ex", "getmsg", "weread", "feeds")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)] if end >= start else [end]


def _seen(item: Any, days: list[date]) -> bool:
    """Visible on any of the days (only days where visibility can change need checking)."""
    return any(item.visible(d) for d in days)


def _change_days(world: World, today: date) -> list[date]:
    """The start day, `today`, and every event day in between: visibility changes only on those."""
    start = world.start_today
    days = {start, today}
    for e in world.event_log:
        d = date.fromisoformat(e["day"])
        if start <= d <= today:
            days.add(d)
    return sorted(days)


def top_level_name(agency: Agency, doc: CatalogDoc) -> str:
    cat = doc.category
    by_id = agency.category_by_id
    while cat.parent and cat.parent in by_id:
        cat = by_id[cat.parent]
    return cat.name


def catalog_truth(world: World, agency: Agency, today: date) -> dict[str, Any]:
    days = _change_days(world, today)
    # Items published between start and today become visible on their publication day.
    days_all = sorted(set(days) | {d.published.date() for d in agency.docs if world.start_today < d.published.date() <= today})
    by_year: dict[int, dict[str, Any]] = {}
    for doc in agency.docs:
        y = by_year.setdefault(doc.year, {"published": 0, "first_seen": 0, "live": 0, "url_items": 0,
                                          "by_category": defaultdict(Counter), "by_report_category": defaultdict(Counter),
                                          "first_seen_ids": [], "live_ids": []})
        seen = _seen(doc, days_all)
        live = doc.visible(today)
        for key, flag in (("published", True), ("first_seen", seen), ("live", live)):
            if flag:
                y[key] += 1
                y["by_category"][doc.category.name][key] += 1
                y["by_report_category"][top_level_name(agency, doc)][key] += 1
        if doc.kind == "url" and seen:
            y["url_items"] += 1
        if seen:
            y["first_seen_ids"].append(doc.id)
        if live:
            y["live_ids"].append(doc.id)
    window = agency.api_window()
    search_only: list[int] = []
    categories = []
    for cat in agency.all_categories():
        listing = agency.catalog_listing(cat.id, today) if not cat.jump_url else []
        if cat.is_leaf:
            search_only += [d.id for d in listing[window:]]
        categories.append({"id": cat.id, "name": cat.name, "parent": cat.parent, "leaf": cat.is_leaf,
                           "jump_url": cat.jump_url, "post_count": len(listing), "api_total": min(len(listing), window)})
    return {
        "by_year": {str(y): {**{k: v for k, v in d.items() if k not in ("by_category", "by_report_category")},
                             "first_seen_ids": sorted(d["first_seen_ids"]), "live_ids": sorted(d["live_ids"]),
                             "by_category": {k: dict(c) for k, c in sorted(d["by_category"].items())},
                             "by_report_category": {k: dict(c) for k, c in sorted(d["by_report_category"].items())}}
                    for y, d in sorted(by_year.items())},
        "categories": categories,
        "search_only_ids": sorted(search_only),
        "search_only_by_year": dict(sorted(Counter(str(world.doc_by_id[i].year) for i in search_only).items())),
        "deleted_before_start_ids": sorted(d.id for d in agency.docs
                                           if d.published.date() <= world.start_today and not d.visible(world.start_today)),
    }


def website_truth(world: World, agency: Agency, today: date) -> dict[str, Any]:
    days = sorted(set(_change_days(world, today)) |
                  {a.published.date() for a in agency.articles if world.start_today < a.published.date() <= today})
    by_year: dict[int, dict[str, Any]] = {}
    for art in agency.articles:
        y = by_year.setdefault(art.year, {"published": 0, "first_seen": 0, "live": 0, "listings": 0,
                                          "cross_listed": 0, "twins": 0, "by_column": Counter()})
        seen = _seen(art, days)
        y["published"] += 1
        if seen:
            y["first_seen"] += 1
            y["listings"] += len(art.columns)
            y["by_column"][art.column] += 1
            if len(art.columns) > 1:
                y["cross_listed"] += 1
            if art.twin is not None:
                y["twins"] += 1
        if art.visible(today):
            y["live"] += 1
    w = agency.website
    page_size, limit = int(w.get("page_size", 20)), int(w.get("pages_limit", 100))
    coverage = {}
    for col in w.get("columns", []):
        listing = agency.column_listing(col["path"], today)
        reachable = listing[: page_size * limit]
        coverage[col["path"]] = {
            "name": col["name"], "listed": len(listing), "pages": -(-len(listing) // page_size),
            "reachable": len(reachable), "unreachable": len(listing) - len(reachable),
            "capped": len(listing) > len(reachable),
            "oldest_reachable_date": reachable[-1].published.date().isoformat() if reachable else None,
        }
    return {"by_year": {str(y): {**d, "by_column": dict(sorted(d["by_column"].items()))} for y, d in sorted(by_year.items())},
            "columns": coverage}


def lister_sees(acct: WxAccount, lister: str, today: date) -> list[tuple[Any, Any]]:
    """(push, article) pairs each WeChat lister shows on `today` (reference wechat.md §2)."""
    out = []
    for push in acct.pushes:
        if push.sent.date() > today:
            continue
        if lister == "mp_backend" and empty_publish_info(push):  # listed with an empty publish_info
            continue
        if lister == "getmsg" and not push.notified:
            continue
        if lister == "weread" and (today - push.sent.date()).days > acct.weread_depth_days:
            continue
        for art in push.articles:
            st = art.state(today)
            if lister in ("list_ex", "weread", "feeds") and st in ("deleted", "violation"):
                continue
            if lister == "feeds" and (acct.feed_since is None or push.sent.date() < acct.feed_since):
                continue
            out.append((push, art))
    return out


def wechat_truth(world: World, agency: Agency, today: date) -> dict[str, Any]:
    acct = agency.wechat
    assert acct is not None
    by_year: dict[int, dict[str, Any]] = {}
    for push in acct.pushes:
        if push.sent.date() > today:
            continue
        y = by_year.setdefault(push.sent.year, {"pushes": 0, "notified_pushes": 0, "articles": 0,
                                                "states": Counter(), "reads_total": 0})
        y["pushes"] += 1
        y["notified_pushes"] += int(push.notified)
        for art in push.articles:
            y["articles"] += 1
            y["states"][art.state(today)] += 1
            y["reads_total"] += art.read_num
    listers: dict[str, Any] = {}
    for lister in WECHAT_LISTERS:
        seen = lister_sees(acct, lister, today)
        per_year: dict[str, dict[str, int]] = {}
        for push, _art in seen:
            e = per_year.setdefault(str(push.sent.year), {"articles": 0, "pushes": 0})
            e["articles"] += 1
        for push in {id(p): p for p, _ in seen}.values():
            per_year[str(push.sent.year)]["pushes"] += 1
        oldest = min((p.sent for p, _ in seen), default=None)
        listers[lister] = {"by_year": dict(sorted(per_year.items())),
                           "oldest": oldest.isoformat() if oldest else None}
    union: dict[tuple[int, int], Any] = {}
    for lister in WECHAT_LISTERS:
        for push, art in lister_sees(acct, lister, today):
            union[(push.mid, art.idx)] = (push, art)
    all_years: dict[str, dict[str, int]] = {}
    for push, _art in union.values():
        all_years.setdefault(str(push.sent.year), {"articles": 0, "pushes": 0})["articles"] += 1
    for push in {id(p): p for p, _ in union.values()}.values():
        all_years[str(push.sent.year)]["pushes"] += 1
    listers["all"] = {"by_year": dict(sorted(all_years.items())),
                      "oldest": min((p.sent for p, _ in union.values()), default=None)}
    if listers["all"]["oldest"]:
        listers["all"]["oldest"] = listers["all"]["oldest"].isoformat()
    return {"account": {"name": acct.name, "biz": acct.biz, "bizuin": acct.bizuin, "weread_book_id": acct.weread_book_id},
            "by_year": {str(y): {**d, "states": dict(sorted(d["states"].items()))} for y, d in sorted(by_year.items())},
            "listers": listers}


def _seen_articles(world: World, agency: Agency, today: date, year: int) -> list[Any]:
    """The website articles of `year` that nightly crawls from the start day archive (first seen)."""
    days = sorted(set(_change_days(world, today)) |
                  {a.published.date() for a in agency.articles if world.start_today < a.published.date() <= today})
    return [a for a in agency.articles if a.year == year and _seen(a, days)]


class _Counts:
    """What a correct reconciliation counts for one agency and year (crawl on the start day, every lister)."""

    def __init__(self, world: World, agency: Agency, year: int, t: dict[str, Any]):
        self.agency, self.today, self.t = agency, world.start_today, t
        self.cat = t.get("catalog", {}).get("by_year", {}).get(str(year), {})
        self.cat_seen = set(self.cat.get("first_seen_ids", []))
        self.docs = [world.doc_by_id[i] for i in sorted(self.cat_seen)] if "catalog" in t else []
        self.articles = _seen_articles(world, agency, self.today, year) if "website" in t else []
        self.paths = {name: path for path, name in agency.column_names().items()} if agency.website else {}
        wx = t.get("wechat")
        self.wx_articles = wx["listers"]["all"]["by_year"].get(str(year), {}).get("articles", 0) if wx else None
        self.wx_ok = wx["by_year"].get(str(year), {}).get("states", {}).get("ok", 0) if wx else None

    def catalog(self, category: str | None) -> tuple[list[Any] | None, str]:
        """The counted catalog documents of a category (None: every category); None when it has no counterpart."""
        if "catalog" not in self.t:
            return None, "the catalog is not configured"
        if category is None:
            return self.docs, ""
        if category not in self.cat.get("by_report_category", {}):
            return None, "no catalog category of that name"
        return [d for d in self.docs if top_level_name(self.agency, d) == category], ""

    def website(self, column: str | None) -> list[Any] | None:
        """Distinct articles of every column, or of the column of that name (an article listed there in any
        position); None when no configured column has that name."""
        if "website" not in self.t:
            return None
        if column is None:
            return self.articles
        path = self.paths.get(column)
        return [a for a in self.articles if path in a.columns] if path else None

    def all_channels(self, category: str | None) -> tuple[int | None, int | None, str]:
        """Catalog + website (a twin of a counted catalog document once) + WeChat articles; a category claim
        counts the catalog category and the website column of that name (WeChat has no categories)."""
        docs, _ = self.catalog(category)
        arts = self.website(category)
        if category is None and (docs is None or ("website" in self.t and arts is None)
                                 or (self.agency.wechat and self.wx_articles is None)):
            return None, None, "a configured channel has no count"
        if docs is None and arts is None:
            return None, None, "no catalog category and no website column of that name"
        counted = {d.id for d in docs or []}
        kept = [a for a in arts or [] if a.twin is None or a.twin.id not in counted]
        observed = len(counted) + len(kept)
        live = sum(d.visible(self.today) for d in docs or []) + sum(a.visible(self.today) for a in kept)
        if category is None and self.wx_articles is not None:
            observed, live = observed + self.wx_articles, live + (self.wx_ok or 0)
        return observed, live, (f"catalog {len(counted)} + website {len(kept)} (twins of counted catalog documents "
                                "once)" + (f" + WeChat articles {self.wx_articles}" if category is None and
                                           self.wx_articles is not None else ""))


def reconciliation_truth(world: World, truth_agencies: dict[str, Any]) -> dict[str, Any] | None:
    """Expected rows of the scenario's annual report for a crawl on the start day, one per claim the report
    states (its `readback`: what a careful reader extracts), as the counting rules of DESIGN.md give them:

    - a claim stated twice is one row (`statements`: how many times it is stated);
    - a WeChat count is two rows, articles and pushes (the two readings of one claim);
    - a claim that names no channel (channel None) carries two `readings`, the catalog and all channels
      together (catalog + website + WeChat articles, a website twin of a counted catalog document once;
      for a category, the catalog category and the website column of that name); its status `follows` the
      catalog reading (the registry's default: the built-in agency files set no `reconcile:`);
    - `part_of` names the (channel, category) of the total a part belongs to.

    A claim value may be written as the report would ("约48万", "超300", "120余"): each row carries the
    number and its bound, and the status follows judge_claim()."""
    from .report import report_spec

    spec = world.scenario.get("annual_report")
    if not spec:
        return None
    agency_id, year = spec["agency"], int(spec["year"])
    agency = world.agency_by_id[agency_id]
    resolved = report_spec(world, agency, year)
    counts = _Counts(world, agency, year, truth_agencies[agency_id])
    apps = list((resolved["claims"].get("apps") or {}).keys())
    rows: list[dict[str, Any]] = []
    rows_of: dict[int, list[dict[str, Any]]] = {}  # readback index → its rows
    stated: dict[tuple[Any, ...], int] = {}

    def row(c: dict[str, Any], channel: str | None, category: str | None, observed: int | None, live: int | None,
            note: str = "", **extra: Any) -> dict[str, Any]:
        status, delta = judge_claim(observed, c["value"], c["bound"])
        r = {"kind": c["kind"], "channel": channel, "category": category, "claimed": c["value"], "bound": c["bound"],
             "observed": observed, "observed_live": live, "delta": delta, "status": status, "note": note,
             "statements": 1, "part_of": None, **extra}
        rows.append(r)
        return r

    def reading(c: dict[str, Any], observed: int | None, live: int | None, note: str) -> dict[str, Any]:
        status, delta = judge_claim(observed, c["value"], c["bound"])
        return {"observed": observed, "observed_live": live, "delta": delta, "status": status, "note": note}

    for i, c in enumerate(resolved["readback"]):
        key = (c["kind"], c["channel"], c["category"], c["value"], c["bound"])
        if key in stated:  # the same statement again: the extractor's duplicate_of, one row
            for r in rows_of[stated[key]]:
                r["statements"] += 1
            rows_of[i] = rows_of[stated[key]]
            continue
        stated[key] = i
        kind, channel, category = c["kind"], c["channel"], c["category"]
        made: list[dict[str, Any]] = []
        if kind == "applications":
            made.append(row(c, "applications", None, None, None, "applications are not published documents"))
        elif kind == "reads":
            reads = counts.t.get("wechat", {}).get("by_year", {}).get(str(year), {}).get("reads_total")
            made.append(row(c, "wechat", "reads", None, None, "read counts need client credentials; with them the "
                            f"sum of current read_num is {reads}"))
        elif channel is None:
            docs, why = counts.catalog(category)
            cat = reading(c, len(docs) if docs is not None else None,
                          sum(d.visible(counts.today) for d in docs) if docs is not None else None,
                          why or "catalog documents as first seen")
            every = reading(c, *counts.all_channels(category))
            made.append(row(c, None, category, cat["observed"], cat["observed_live"],
                            "names no channel: the status follows the catalog reading (the registry's default)",
                            readings={"catalog": cat, "all": every}, follows="catalog"))
        elif channel == "catalog":
            docs, why = counts.catalog(category)
            made.append(row(c, "catalog", category, len(docs) if docs is not None else None,
                            sum(d.visible(counts.today) for d in docs) if docs is not None else None, why))
        elif channel == "website":
            arts = counts.website(category)
            note = ("distinct articles; column listings add up to "
                    f"{sum(len(a.columns) for a in arts or [])}" if category is None else
                    f"articles listed in column {counts.paths.get(category)}" if arts is not None else
                    "no website column of that name")
            made.append(row(c, "website", category, len(arts) if arts is not None else None,
                            sum(a.visible(counts.today) for a in arts) if arts is not None else None, note))
        elif channel == "wechat" and counts.wx_articles is not None:
            made.append(row(c, "wechat", "articles", counts.wx_articles, counts.wx_ok,
                            "articles (biz, mid, idx) found by all listers together, deleted ones included"))
            pushes = counts.t["wechat"]["listers"]["all"]["by_year"].get(str(year), {}).get("pushes", 0)
            made.append(row(c, "wechat", "pushes", pushes, None, "pushes (群发/发表 records)"))
        elif channel == "key_areas":
            made.append(row(c, "key_areas", category, None, None,
                            "the city site's key-areas columns are not a configured channel"))
        elif channel == "weibo":
            made.append(row(c, "weibo", category, None, None, "Weibo is not a configured channel"))
        elif channel == "other":
            name = apps.pop(0) if apps and category is None else category
            made.append(row(c, "other", name, None, None, "apps are not a configured channel"))
        rows_of[i] = made
        parent = c.get("part_of")
        if parent is not None and rows_of.get(parent):
            for r in made:
                r["part_of"] = [rows_of[parent][0]["channel"], rows_of[parent][0]["category"]]
    return {"agency": agency_id, "year": year, "rows": rows}


# A claim written 约N / 近N matches an observed count within this share of N; a lower bound (N余, 超过N …)
# matches any count ≥ N; an exact claim only N itself.
APPROX_TOLERANCE = 0.10


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


def ground_truth(world: World, today: date | None = None) -> dict[str, Any]:
    """The whole truth for the world on `today` (default: the scenario's start day)."""
    today = today or world.start_today
    agencies: dict[str, Any] = {}
    for a in world.agencies:
        entry: dict[str, Any] = {"name": a.name, "host": a.host}
        if a.gkmlpt:
            entry["catalog"] = catalog_truth(world, a, today)
        if a.website:
            entry["website"] = website_truth(world, a, today)
        if a.wechat:
            entry["wechat"] = wechat_truth(world, a, today)
        agencies[a.id] = entry
    return {
        "scenario": world.name, "seed": world.seed, "start": world.start_today.isoformat(), "today": today.isoformat(),
        "agencies": agencies,
        "events": world.event_log,
        "reconciliation": reconciliation_truth(world, agencies) if today == world.start_today else None,
    }
