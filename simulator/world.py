"""The simulated world: every document, article and push of a scenario, with its timeline.

`World(scenario)` expands a scenario deterministically from its seed. Items carry their whole
history (publication, edits, deletions, restorations, state changes); the site renderers ask
for the state on the scenario clock's "today". Text bodies are generated lazily from
per-item seeds so large scenarios stay cheap.
"""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from . import textgen
from .model import (
    SHANGHAI,
    Agency,
    Attachment,
    CatalogDoc,
    Category,
    Timeline,
    WebArticle,
    WxAccount,
    WxArticle,
    WxPush,
    empty_publish_info,
    local_dt,
    url_item_base,
)
from .scenario import ScenarioError, report_block
from .seeded import hexdigest, rng_for

__all__ = ["SHANGHAI", "Agency", "Attachment", "CatalogDoc", "Category", "Timeline", "WebArticle", "World",
           "WxAccount", "WxArticle", "WxPush", "hexdigest", "local_dt", "rng_for"]

# ---------------------------------------------------------------- the world


class World:
    """Everything a scenario contains, generated once per scenario (deterministic)."""

    def __init__(self, scenario: dict[str, Any]):
        self.scenario = scenario
        self.seed = scenario["seed"]
        self.name = scenario["name"]
        self.start_today = date.fromisoformat(str(scenario["today"]))
        self.years = range(scenario["years"][0], scenario["years"][1] + 1)
        self.agencies: list[Agency] = []
        self._pending_ids: list[tuple[datetime, int, Any]] = []  # items waiting for a post id
        for spec in scenario["agencies"]:
            self.agencies.append(self._build_agency(spec))
        self._assign_post_ids()
        self._assign_attachments()
        self.event_log: list[dict[str, Any]] = []
        self._touched: set[int] = set()
        for i, event in enumerate(scenario.get("events") or []):
            self._apply_event(i, event)
        self._index()

    # ------------------------------------------------------------ lookups

    def _index(self) -> None:
        self.agency_by_id = {a.id: a for a in self.agencies}
        self.doc_by_id: dict[int, CatalogDoc] = {d.id: d for a in self.agencies for d in a.docs}
        self.article_by_id: dict[int, WebArticle] = {w.id: w for a in self.agencies for w in a.articles}
        self.wx_by_token: dict[str, WxArticle] = {}
        self.wx_by_key: dict[tuple[str, int, int], WxArticle] = {}
        self.wx_account_by_biz: dict[str, WxAccount] = {}
        self.attachment_by_path: dict[str, Attachment] = {}
        for a in self.agencies:
            for d in a.docs:
                for att in d.attachments:
                    self.attachment_by_path[att.path] = att
            for w in a.articles:
                for att in w.attachments:
                    self.attachment_by_path[att.path] = att
            if a.wechat:
                self.wx_account_by_biz[a.wechat.biz] = a.wechat
                for art in a.wechat.articles:
                    self.wx_by_token[art.token] = art
                    self.wx_by_key[art.key] = art

    def agency_for_gkmlpt(self, host: str, site_code: str) -> Agency | None:
        for a in self.agencies:
            if a.host == host and a.site_code == site_code:
                return a
        return None

    def agency_for_website(self, host: str, path: str) -> tuple[Agency, str] | None:
        """The agency whose website serves `path` on `host` (the longest website path wins, so a site at the
        host root serves only what no other site claims), and the path below that website's root
        ('' for the root itself; None when the path is the root without its trailing slash)."""
        best: tuple[Agency, str] | None = None
        for a in self.agencies:
            if not a.website or a.web_host != host:
                continue
            root = a.web_root
            if path == root.rstrip("/") and root != "/":
                rest: str | None = None
            elif path.startswith(root):
                rest = path[len(root):]
            else:
                continue
            if best is None or len(root) > len(best[0].web_root):
                best = (a, rest)  # type: ignore[assignment]
        return best

    def agency_for_sid(self, sid: str) -> Agency | None:
        for a in self.agencies:
            if a.sid == sid:
                return a
        return None

    def body_paragraphs(self, kind: str, item_id: Any, year: int) -> list[str]:
        """The body of a catalog document ("catalog", post id), website article ("web", post id) or WeChat
        article ("wechat", token), in its agency's voice."""
        item = {"catalog": self.doc_by_id, "web": self.article_by_id, "wechat": self.wx_by_token}[kind].get(item_id)
        agency_id = item.push.account.agency_id if isinstance(item, WxArticle) else getattr(item, "agency_id", None)
        agency = self.agency_by_id.get(agency_id) if agency_id else self.agencies[0]
        return self.agency_paragraphs(agency, kind, item_id, year)

    def agency_paragraphs(self, agency: Agency, kind: str, item_id: Any, year: int) -> list[str]:
        """An item's body from its agency and id alone (usable while the world is still being built)."""
        return textgen.paragraphs(self.voice(agency), rng_for(self.seed, "body", kind, item_id), year)

    def voice(self, agency: Agency | None) -> textgen.Voice:
        agency = agency or self.agencies[0]
        assert agency.voice is not None
        return agency.voice

    # ------------------------------------------------------------ generation

    def _year_count(self, spec: dict[str, Any], year: int, rng: random.Random, key: str = "counts") -> int:
        counts = spec.get(key) or {}
        if year in counts:
            return int(counts[year])
        lo, hi = spec.get("per_year", [0, 0])
        return rng.randint(int(lo), int(hi))

    def _random_moment(self, rng: random.Random, year: int) -> datetime:
        """A working-day time in `year`, local time."""
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365 if year % 4 else 366))
        while day.weekday() >= 5 and rng.random() < 0.85:
            day += timedelta(days=1)
        if day.year != year:
            day = date(year, 12, 30)
        minute = rng.randint(8 * 60 + 20, 18 * 60 + 10)
        return datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), SHANGHAI)

    def _build_agency(self, spec: dict[str, Any]) -> Agency:
        agency = Agency(id=spec["id"], name=spec["name"], host=spec["host"],
                        credit_code=spec.get("credit_code", "11440000000000000X"), spec=spec,
                        voice=textgen.voice_for(spec, self.seed))
        if spec.get("gkmlpt"):
            agency.categories = [self._category(c, 0) for c in spec["gkmlpt"].get("categories", [])]
            self._build_catalog(agency)
        if spec.get("website"):
            self._build_website(agency)
        if spec.get("wechat"):
            self._build_wechat(agency)
        return agency

    def _category(self, spec: dict[str, Any], parent: int) -> Category:
        cat = Category(id=int(spec["id"]), name=spec["name"], parent=parent,
                       jump_url=spec.get("jump_url", ""), spec=spec)
        cat.children = [self._category(c, cat.id) for c in spec.get("children", [])]
        return cat

    def _build_catalog(self, agency: Agency) -> None:
        g = agency.gkmlpt
        voice = self.voice(agency)
        serial: dict[int, int] = {}
        for leaf in agency.leaf_categories():
            # Budgets and final accounts always carry their tables as attachments.
            always_attached = bool(leaf.spec.get("attachments", "预算" in leaf.name or "决算" in leaf.name))
            for year in self.years:
                rng = rng_for(self.seed, agency.id, "catalog", leaf.id, year)
                if leaf.spec.get("annual_reports"):
                    n = 1
                else:
                    n = self._year_count(leaf.spec, year, rng)
                for _ in range(n):
                    if leaf.spec.get("annual_reports"):
                        report = report_block(self.scenario, agency.id, year - 1) or {}
                        if report.get("published_at"):
                            published = local_dt(report["published_at"])
                        else:
                            published = datetime.combine(date(year, 1, rng.randint(12, 28)),
                                                         time(rng.randint(9, 16), rng.randint(0, 59)), SHANGHAI)
                    else:
                        published = self._random_moment(rng, year)
                    title = textgen.catalog_title(voice, leaf.name, rng, year, bool(leaf.spec.get("annual_reports")))
                    written = (published - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5]))).date()
                    doc = CatalogDoc(
                        id=0, agency_id=agency.id, category=leaf, title=title, published=published,
                        written=written, publisher=agency.name if rng.random() < 0.85 else rng.choice(voice.units),
                        keywords=rng.choice(voice.keywords), abstract="",
                    )
                    if leaf.spec.get("annual_reports"):
                        doc.report_year = year - 1
                    if leaf.spec.get("doc_numbers") and rng.random() < 0.8:
                        serial[year] = serial.get(year, 0) + rng.randint(1, 4)
                        prefix = voice.doc_prefix + "规" if rng.random() < 0.15 else voice.doc_prefix
                        doc.doc_number = f"{prefix}〔{year}〕{serial[year]}号"
                    if rng.random() < float(g.get("attachment_rate", 0.1)) or always_attached:
                        doc.attachments = [Attachment(0, 0, "", rng.choice(["pdf", "pdf", "pdf", "docx", "xls"]))]
                    agency.docs.append(doc)
                    self._pending_ids.append((published, len(self._pending_ids), doc))
        # Special item styles, chosen per year among the ordinary documents.
        plain = [d for d in agency.docs if d.report_year is None]
        for year in self.years:
            pool = [d for d in plain if d.year == year]
            rng = rng_for(self.seed, agency.id, "styles", year)
            rng.shuffle(pool)
            n_url = int(g.get("url_items_per_year", 0))
            n_pu = int(g.get("percent_u_titles_per_year", 0))
            n_html = int(g.get("html_titles_per_year", 0))
            for d in pool[:n_url]:
                d.kind = "url"
                d.attachments = []
            for d in pool[n_url:n_url + n_pu]:
                d.title_style = "percent_u"
            for d in pool[n_url + n_pu:n_url + n_pu + n_html]:
                d.title_style = "html"
        # One planted hostile title (script tags and event handlers) for rendering-safety tests, in the
        # `hostile_category` (default: the first leaf whose name says 其他).
        hostile = g.get("hostile_category") or next((c.name for c in agency.leaf_categories() if "其他" in c.name), "")
        others = [d for d in plain if d.category.name == hostile and d.kind == "normal" and d.title_style == "plain"]
        if others and g.get("hostile_item", True):
            victim = others[len(others) // 2]
            victim.title_style = "hostile"
            victim.title = '关于<script>alert("xss")</script>防范网络诈骗的提醒<img src=x onerror="alert(1)">'

    def _build_website(self, agency: Agency) -> None:
        w = agency.website
        columns = w.get("columns", [])
        names = {c["path"]: c["name"] for c in columns}
        twins = w.get("twins", [])
        first = self.years[0]
        voice = self.voice(agency)
        for col in columns:
            hist = col.get("history") or {}
            years = list(range(int(hist.get("from", first)), first)) + list(self.years)
            for year in years:
                rng = rng_for(self.seed, agency.id, "web", col["path"], year)
                if year < first:
                    n = rng.randint(*hist["per_year"])
                else:
                    n = self._year_count(col, year, rng)
                # Catalog twins fill part of the column's volume.
                twin_docs: list[CatalogDoc] = []
                for t in twins:
                    if t["column"] != col["path"]:
                        continue
                    cands = [d for d in agency.docs if d.category.name == t["category"] and d.year == year and d.kind == "normal"]
                    cands.sort(key=lambda d: d.published)
                    take = min(round(len(cands) * float(t.get("share", 1.0))), n - len(twin_docs))
                    twin_docs += cands[:max(0, take)]
                for d in twin_docs:
                    d.website_column = col["path"]
                    art = WebArticle(id=0, agency_id=agency.id, column=col["path"], title=d.title,
                                     published=d.published, source=d.publisher, columns=[col["path"]], twin=d)
                    agency.articles.append(art)
                for _ in range(n - len(twin_docs)):
                    published = self._random_moment(rng, year)
                    art = WebArticle(id=0, agency_id=agency.id, column=col["path"],
                                     title=textgen.website_title(voice, names[col["path"]], rng, year),
                                     published=published, source=rng.choice(voice.units + voice.places[:5]),
                                     columns=[col["path"]])
                    if rng.random() < 0.08:
                        art.attachments = [Attachment(0, 0, "", rng.choice(["pdf", "docx", "xls"]))]
                    agency.articles.append(art)
                    self._pending_ids.append((published, len(self._pending_ids), art))
        # Cross-listing: some articles also appear in a second column (counted once).
        cross = w.get("cross_listed") or {}
        paths = [c["path"] for c in columns]
        for year in self.years:
            rng = rng_for(self.seed, agency.id, "cross", year)
            n = int(cross[year]) if year in cross else rng.randint(*cross.get("other_years", [0, 0]))
            pool = [a for a in agency.articles if a.year == year and a.twin is None]
            pool.sort(key=lambda a: (a.published, a.column, a.title))
            rng.shuffle(pool)
            for art in pool[:n]:
                other = [p for p in paths if p != art.column]
                if other:
                    art.columns.append(rng.choice(other))

    def _build_wechat(self, agency: Agency) -> None:
        spec = agency.spec["wechat"]
        acct = WxAccount(agency_id=agency.id, name=spec["name"], bizuin=int(spec["bizuin"]),
                         user_name=spec.get("user_name", "gh_000000000000"),
                         legacy_before=int(spec.get("legacy_layout_before", 0)),
                         weread_depth_days=int(spec.get("weread_depth_days", 10**6)),
                         feed_since=date.fromisoformat(str(spec["feed_since"])) if spec.get("feed_since") else None,
                         read_counts=bool(spec.get("read_counts", False)))
        mid = 2247483650 + int(hexdigest(self.seed, agency.id, "mid0", n=4), 16) % 5000
        msgid = 1000000001
        counts = spec.get("articles") or {}
        authors = spec.get("author_pool") or [spec["name"]]
        voice = self.voice(agency)
        for year in self.years:
            rng = rng_for(self.seed, agency.id, "wechat", year)
            n = int(counts[year]) if year in counts else rng.randint(*counts.get("other_years", [300, 400]))
            sizes: list[int] = []
            while sum(sizes) < n:
                sizes.append(min(rng.choice([1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8]), n - sum(sizes)))
            # One push per chosen day, spread over the year, sorted.
            days = sorted(rng.sample(range(365), min(len(sizes), 365)))
            while len(days) < len(sizes):  # more pushes than days: allow a second push on some days
                days.append(rng.randrange(365))
                days.sort()
            for k, size in enumerate(sizes):
                day = date(year, 1, 1) + timedelta(days=days[k])
                if day.year != year:
                    day = date(year, 12, 31)
                minute = rng.randint(7 * 60, 22 * 60)
                sent = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), SHANGHAI)
                # Year-boundary pushes: the first of a year just after midnight, the last just before.
                if k == 0 and year > self.years[0]:
                    sent = datetime.combine(date(year, 1, 1), time(0, 5, 0), SHANGHAI)
                if k == len(sizes) - 1:
                    sent = datetime.combine(date(year, 12, 31), time(23, 55, 0), SHANGHAI)
                mid += rng.randint(1, 3)
                msgid += rng.randint(1, 4)
                push = WxPush(account=acct, msgid=msgid, mid=mid, sent=sent,
                              notified=rng.random() < float(spec.get("notified_share", 0.7)))
                for idx in range(1, size + 1):
                    token = base64.urlsafe_b64encode(
                        hashlib.sha256(f"{self.seed}:tok:{mid}:{idx}".encode()).digest()).decode()[:22]
                    push.articles.append(WxArticle(
                        push=push, idx=idx, title=textgen.wechat_title(voice, rng, year),
                        author=rng.choice(authors) if rng.random() < 0.8 else "",
                        digest="".join(textgen.paragraphs(voice, rng, year, 1, 1))[:54],
                        original=rng.random() < 0.35, token=token,
                        sn=hexdigest(self.seed, "sn", mid, idx), read_num=int(rng.lognormvariate(7.4, 0.6)),
                    ))
                acct.pushes.append(push)
        acct.pushes.sort(key=lambda p: (p.sent, p.mid))
        self._wechat_kinds(agency, acct, spec)
        agency.wechat = acct

    def _wechat_kinds(self, agency: Agency, acct: WxAccount, spec: dict[str, Any]) -> None:
        """Share posts and real-weight pages, chosen after the pushes so no other draw changes.

        `share_posts: {text: N, image: N}` per year turns N one-article pushes of the current layout
        into text posts (every other one without a title of its own: WeChat then keeps the whole
        text as its title) and image posts; `real_weight_every: N` serves about one current-layout
        article in N at a real page's weight."""
        share = spec.get("share_posts") or {}
        for year in self.years:
            if year < acct.legacy_before:
                continue
            rng = rng_for(self.seed, agency.id, "share-posts", year)
            singles = [p.articles[0] for p in acct.pushes if p.sent.year == year and len(p.articles) == 1]
            rng.shuffle(singles)
            n_text, n_image = int(share.get("text", 0)), int(share.get("image", 0))
            for k, art in enumerate(singles[:n_text]):
                art.show_type, art.own_title = 10, k % 2 == 0
                if not art.own_title:
                    art.title = "\n\n".join(self.agency_paragraphs(agency, "wechat", art.token, year))
            for art in singles[n_text:n_text + n_image]:
                art.show_type, art.pictures = 8, rng.randint(2, 9)
        every = int(spec.get("real_weight_every", 0))
        for art in acct.articles:
            if every and art.layout == "current" and int(hexdigest(self.seed, "weight", art.token, n=8), 16) % every == 0:
                art.real_weight = True

    def _assign_post_ids(self) -> None:
        """One shared post-id sequence, rising with publication time (reference gkmlpt.md §1)."""
        anchors = [(datetime(2010, 1, 1, tzinfo=SHANGHAI), 300_000), (datetime(2020, 1, 1, tzinfo=SHANGHAI), 2_050_000),
                   (datetime(2025, 7, 1, tzinfo=SHANGHAI), 3_300_000), (datetime(2027, 1, 1, tzinfo=SHANGHAI), 3_700_000)]

        def target(t: datetime) -> int:
            for (t0, v0), (t1, v1) in zip(anchors, anchors[1:], strict=False):
                if t < t1:
                    frac = max(0.0, (t - t0).total_seconds() / (t1 - t0).total_seconds())
                    return int(v0 + frac * (v1 - v0))
            return anchors[-1][1]

        rng = rng_for(self.seed, "post-ids")
        last = 0
        for published, _, item in sorted(self._pending_ids, key=lambda x: (x[0], x[1])):
            last = max(last + 1 + rng.randint(0, 30), target(published) + rng.randint(-150, 150))
            item.id = last
        for a in self.agencies:
            base = url_item_base(a)
            for d in a.docs:
                if d.kind == "url":  # an external-link entry: another site's column (not simulated)
                    d.link_url = f"{base}content/post_{d.id}.html"
            for art in a.articles:
                if art.twin is not None:
                    art.id = art.twin.id
                    art.title = art.twin.title

    def _assign_attachments(self) -> None:
        rng = rng_for(self.seed, "attachment-ids")
        items: list[Any] = [d for a in self.agencies for d in a.docs if d.attachments]
        items += [w for a in self.agencies for w in a.articles if w.attachments]
        items.sort(key=lambda x: x.id)
        aid = 300_000
        for item in items:
            for k, att in enumerate(item.attachments):
                aid += rng.randint(1, 40)
                att.aid, att.post_id = aid, item.id
                stem = {"pdf": "附件", "docx": "附件", "xls": "附表"}[att.ext]
                att.name = f"{stem}{k + 1}：{item.title[:18]}.{att.ext}"

    # ------------------------------------------------------------ events

    def _select(self, idx: int, event: dict[str, Any]) -> list[Any]:
        sel = event.get("select") or {}
        channel = event["channel"]
        agency = self.agency_by_id_for(event)
        if channel == "catalog":
            pool: list[Any] = [d for d in agency.docs if d.kind == "normal" and d.report_year is None
                               and d.title_style in ("plain",)]
            if "category" in sel:
                pool = [d for d in pool if d.category.name == sel["category"]]
        elif channel == "website":
            pool = [w for w in agency.articles if w.twin is None]
            if "column" in sel:
                pool = [w for w in pool if w.column == sel["column"]]
        else:
            assert agency.wechat is not None
            pool = [art for art in agency.wechat.articles]
            if sel.get("hidden_from_listers"):
                # An article of a push sent without notification (getmsg lists only notified ones) that the MP
                # backend lists with an empty publish_info (its seek, list_ex, lists no deleted or violating
                # article; WeRead and the feeds neither): deleted or in violation there, no lister reaches it.
                pool = [a for a in pool if not a.push.notified and empty_publish_info(a.push)]
        if "deleted_on" in sel:
            d0 = date.fromisoformat(str(sel["deleted_on"]))
            items = agency.docs if channel == "catalog" else agency.articles
            return [x for x in items if any(s == d0 for s, _ in x.timeline.deletions)]
        if "year" in sel:
            pool = [x for x in pool if x.year == int(sel["year"])] if channel != "wechat" else \
                [x for x in pool if x.ct.year == int(sel["year"])]
        pool = [x for x in pool if id(x) not in self._touched]
        if not pool and sel.get("hidden_from_listers"):
            raise ScenarioError(f"event {idx} ({event['action']} {sel}): the account has no article that no lister "
                                "reaches (no unnotified push listed with an empty publish_info)")
        pool.sort(key=lambda x: (getattr(x, "id", 0), getattr(x, "mid", 0), getattr(x, "idx", 0)))
        rng = rng_for(self.seed, "event", idx)
        chosen = rng.sample(pool, min(int(sel.get("n", 1)), len(pool)))
        return sorted(chosen, key=lambda x: (getattr(x, "id", 0), getattr(x, "mid", 0), getattr(x, "idx", 0)))

    def agency_by_id_for(self, event: dict[str, Any]) -> Agency:
        wanted = event.get("agency")
        for a in self.agencies:
            if wanted is None or a.id == wanted:
                return a
        raise ValueError(f"event names unknown agency {wanted!r}")

    def _apply_event(self, idx: int, event: dict[str, Any]) -> None:
        day = date.fromisoformat(str(event["day"]))
        action = event["action"]
        targets = self._select(idx, event)
        for t in targets:
            if action == "delete" and event["channel"] in ("catalog", "website"):
                t.timeline.deletions.append((day, None))
            elif action == "restore":
                t.timeline.deletions = [(s, e if e is not None or s > day else day) for s, e in t.timeline.deletions]
            elif action == "edit":
                fields = dict(event.get("fields") or {})
                if fields.get("attachment_added"):
                    t.attachments.append(Attachment(aid=900_000 + idx * 100 + len(t.attachments), post_id=t.id,
                                                    name=f"补充材料：{t.title[:14]}.pdf", ext="pdf", added_on=day))
                t.timeline.edits.append((day, fields))
            elif action == "publish_at":
                t.published = local_dt(event["at"])
                t.written = t.published.date()
            elif event["channel"] == "wechat" and action in ("delete", "violation", "unavailable"):
                t.states.append((day, {"delete": "deleted"}.get(action, action)))
            if action != "restore":
                self._touched.add(id(t))
            self.event_log.append({
                "day": day.isoformat(), "action": action, "channel": event["channel"],
                "agency": self.agency_by_id_for(event).id,
                "id": list(t.key) if event["channel"] == "wechat" else t.id,
                "fields": event.get("fields") or ({"published": event["at"]} if action == "publish_at" else {}),
            })
