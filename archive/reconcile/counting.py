"""Counting: one claim → the documents the archive supports by the counting rules, and a status."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlite_utils import Database

from ..ids import category_id
from .coverage import Coverage, load_coverage, unit_text
from .rules import BOUND_TEXT, NOT_CONFIGURED, Row, delta_of, first_ids, judge


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
            elif channel is None:
                row.unverifiable("the claim names no channel, and read counts are archived only for WeChat articles")
            else:
                row.unverifiable(f"read counts are archived only for WeChat articles (claim channel: {channel})")
        elif kind != "published":
            row.unverifiable(f"claims of kind {kind!r} are not reconciled")
        elif channel is None:
            from .readings import channel_less

            channel_less(self, row)
        elif channel == "catalog":
            self.catalog(row)
        elif channel == "website":
            self.website(row)
        elif channel == "wechat":
            self.wechat(row)
        else:
            row.unverifiable(NOT_CONFIGURED.get(channel, f"channel {channel!r} is not a configured channel"))
        if row.observed is not None and row.claimed is not None and row.bound in BOUND_TEXT:
            row.method += f" Status rule: {BOUND_TEXT[row.bound]}."
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
        """Catalog categories a report category names, and how: the Agency decides (exact name, else its
        registry aliases, else the shared taxonomy's families); a match under another match is dropped."""
        cats = self.categories()
        names, how = self.agency.match_catalog(report_name, [c["name"] for c in cats])
        matched = [c for c in cats if c["name"] in set(names)]
        ids = {c["native_id"] for c in matched}
        parent = {c["native_id"]: c["parent_id"] for c in cats}

        def under_another(c: dict[str, Any]) -> bool:
            seen, p = set(), parent.get(c["native_id"])
            while p and p not in seen:
                if p in ids:
                    return True
                seen.add(p)
                p = parent.get(p)
            return False

        return [c for c in matched if not under_another(c)], how

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
                                 f"{self.agency.id}: {how}")
                return
            covered = self.descendants(roots)
            row.mapping = {"catalog": {"how": how, "categories": [
                {"native_id": c["native_id"], "name": c["name"]} for c in roots]}}
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
            u = cov.units.get(category_id(self.agency.id, "catalog", c['native_id']))
            if u is None:
                problems.append(f"{c['name']} ({c['native_id']}): no run recorded how completely it was listed")
                continue
            if not (u["complete"] and u["healthy"]):
                problems.append("listing incomplete or unhealthy — " + unit_text(u))
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
                               f"(observed {observed}, live {live}): {first_ids(gone)}")
        row.caveats += cov.caveats()
        row.settle(observed, live, covered=not problems)
        row.method = (f"Distinct catalog documents (by post id) with 发布日期 in {self.start}..{self.end} "
                      f"(Asia/Shanghai) in {scope}: {observed} as first seen (including since-disappeared), "
                      f"{live} live; {links} of these are `type: url` link entries, which are catalog entries and "
                      f"count. Coverage: the latest listing record of each category.")

    # ---------------------------------------------------------------- website

    def website_columns(self) -> dict[str, str]:
        """path → name of every website column: the registry's, and those a run recorded coverage for."""
        columns = {c["path"]: c.get("name") or c["path"] for c in self.agency.website_columns}
        for u in self.coverage("website").units.values():
            columns.setdefault(u["category_id"].split("/website/", 1)[-1], u["name"])
        return columns

    def website_scope(self, category: str | None) -> dict[str, str]:
        """The columns a claim covers: all of them for a total, else the configured column(s) of that name."""
        columns = self.website_columns()
        if category is None:
            return columns
        names = set(self.agency.match_column(category, columns.values()))
        return {p: n for p, n in columns.items() if n in names or p == category}

    def website(self, row: Row) -> None:
        if self._not_crawled(row, "website"):
            return
        cov = self.coverage("website")
        scope_cols = self.website_scope(row.category)
        if row.category is not None:
            if not scope_cols:
                configured = ", ".join(sorted(self.website_columns().values())) or "none"
                row.unverifiable(f"report column {row.category!r} matches no configured website column of "
                                 f"{self.agency.id} (configured: {configured}); add it to the registry's "
                                 "website.columns to count it")
                return
            row.mapping = {"website": {"how": "by name", "columns": [{"path": p, "name": n}
                                                                     for p, n in scope_cols.items()]}}
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
            u = cov.units.get(category_id(self.agency.id, "website", path))
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
                problems.append(f"column {name} ({path}) was not listed healthily — " + unit_text(u))
            elif not u.get("complete") and not u.get("capped"):
                problems.append(f"column {name} ({path}) was not listed completely — " + unit_text(u))
        row.caveats += [f"coverage short: {p}" for p in problems] + notes
        gone = [d["id"] for d in counted if d["status"] != "live"]
        if gone:
            row.caveats.append(f"{len(gone)} counted article(s) have disappeared since: {first_ids(gone)}")
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
                row.caveats.append(f"lister {u['name']} was not healthy — " + unit_text(u))
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
            "readings": ["articles", "pushes"], "used": used,
            "matches": [k for k, s in (("articles", a_status), ("pushes", p_status)) if s == "match"],
            "articles": {"observed": a_obs, "observed_live": a_live, "delta": delta_of(a_obs, row.claimed),
                         "status": a_status, "states": dict(sorted(states.items()))},
            "pushes": {"observed": p_obs, "notified": sum(1 for p in pushes if p["notified"]),
                       "delta": delta_of(p_obs, row.claimed), "status": p_status, "ids": [p["id"] for p in pushes]},
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
                               f"count: {first_ids(missing_live)}")
        row.settle(observed, live, covered=not missing_live)
        row.method = (f"Sum of the latest archived read_num of each of {len(with_reads)} WeChat articles of "
                      f"{self.year} (of {len(arts)} archived); live = the sum over articles still live.")


# ------------------------------------------------------------------ storing and loading
