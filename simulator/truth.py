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

from .model import empty_publish_info
from .truth_reconcile import (
    APPROX_TOLERANCE,
    CRAWL_LISTERS,
    judge_claim,
    reconciliation_truth,
    reconciliations_truth,
)
from .world import Agency, CatalogDoc, World, WxAccount

__all__ = ["APPROX_TOLERANCE", "WECHAT_LISTERS", "ground_truth", "judge_claim", "lister_sees", "reconciliation_truth",
           "reconciliations_truth"]

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
        # A push appmsgpublish shows with an empty publish_info: the MP backend seeks it through list_ex,
        # which shows its articles but the deleted and violating ones.
        sought = lister == "mp_backend" and empty_publish_info(push)
        if lister == "getmsg" and not push.notified:
            continue
        if lister == "weread" and (today - push.sent.date()).days > acct.weread_depth_days:
            continue
        for art in push.articles:
            st = art.state(today)
            if (lister in ("list_ex", "weread", "feeds") or sought) and st in ("deleted", "violation"):
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
    for lister in CRAWL_LISTERS:  # "all": the listers a crawl runs by default (list_ex is a mode it runs when told)
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
    reconciliations = reconciliations_truth(world, agencies, today) if today == world.start_today else None
    return {
        "scenario": world.name, "seed": world.seed, "start": world.start_today.isoformat(), "today": today.isoformat(),
        "agencies": agencies,
        "events": world.event_log,
        # Per agency (one `annual_report:` block each), and the first one alone: the one-agency form.
        "reconciliation": next(iter(reconciliations.values()), None) if reconciliations else None,
        "reconciliations": reconciliations,
    }
