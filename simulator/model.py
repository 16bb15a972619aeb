"""The simulated world's items: catalog documents, website articles, WeChat articles and pushes, each
with its timeline (publication, edits, deletions, restorations, state changes); the agencies that publish
them, with where their channels live (host, catalog department path or the host root, website path and
host); and the seeded helpers that make every value reproducible."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .seeded import hexdigest

if TYPE_CHECKING:
    from .textgen import Voice

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_dt(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)


# ---------------------------------------------------------------- timelines


@dataclass(eq=False)
class Timeline:
    """Visibility and edits of one item over scenario days."""

    deletions: list[tuple[date, date | None]] = field(default_factory=list)  # [deleted_on, restored_on)
    edits: list[tuple[date, dict[str, Any]]] = field(default_factory=list)

    def deleted_on(self, today: date) -> bool:
        return any(start <= today and (end is None or today < end) for start, end in self.deletions)

    def edits_until(self, today: date) -> list[dict[str, Any]]:
        return [f for d, f in sorted(self.edits, key=lambda e: e[0]) if d <= today]

    def last_change(self, today: date) -> date | None:
        days = [d for d, _ in self.edits if d <= today]
        days += [e for _, e in self.deletions if e is not None and e <= today]
        return max(days) if days else None


class Published:
    """What catalog documents and website articles share: a publication time and a timeline of edits."""

    published: datetime
    title: str
    timeline: Timeline

    @property
    def year(self) -> int:
        return self.published.year

    def visible(self, today: date) -> bool:
        return self.published.date() <= today and not self.timeline.deleted_on(today)

    def title_on(self, today: date) -> str:
        title = self.title
        for fields in self.timeline.edits_until(today):
            title += fields.get("title_suffix", "")
        return title

    def modified_on(self, today: date) -> datetime:
        """Last modification visible on `today` (publication or the latest edit)."""
        last = self.timeline.last_change(today)
        return self.published if last is None else datetime.combine(last, time(9, 0), SHANGHAI)


# ---------------------------------------------------------------- catalog (gkmlpt)


@dataclass(eq=False)
class Attachment:
    aid: int
    post_id: int
    name: str
    ext: str
    added_on: date | None = None  # None: present from publication

    @property
    def path(self) -> str:
        return f"/attachment/{self.aid // 1_000_000}/{self.aid // 1000}/{self.aid}/{self.post_id}.{self.ext}"

    @property
    def mime(self) -> str:
        return {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xls": "application/vnd.ms-excel"}[self.ext]


@dataclass(eq=False)
class Category:
    id: int
    name: str
    parent: int = 0
    children: list[Category] = field(default_factory=list)
    jump_url: str = ""
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def is_leaf(self) -> bool:
        return not self.children and not self.jump_url

    def leaves(self) -> list[Category]:
        if self.jump_url:
            return []
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


@dataclass(eq=False)
class CatalogDoc(Published):
    id: int
    agency_id: str
    category: Category
    title: str
    published: datetime
    written: date
    publisher: str
    identifier: str = ""
    doc_number: str = ""
    keywords: str = ""
    abstract: str = ""
    kind: str = "normal"  # "normal" | "url"
    link_url: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    title_style: str = "plain"  # "plain" | "percent_u" | "html" | "hostile"
    website_column: str = ""  # a twin on the bureau website under the same post id
    report_year: int | None = None  # annual report of that year
    timeline: Timeline = field(default_factory=Timeline)

    def attachments_on(self, today: date) -> list[Attachment]:
        return [a for a in self.attachments if a.added_on is None or a.added_on <= today]


# ---------------------------------------------------------------- bureau website (NFCMS)


@dataclass(eq=False)
class WebArticle(Published):
    id: int
    agency_id: str
    column: str  # primary column path, e.g. "zwgk/tzgg"
    title: str
    published: datetime
    source: str
    columns: list[str] = field(default_factory=list)  # every column that lists it, primary first
    attachments: list[Attachment] = field(default_factory=list)
    twin: CatalogDoc | None = None
    timeline: Timeline = field(default_factory=Timeline)


# ---------------------------------------------------------------- WeChat


@dataclass(eq=False)
class WxArticle:
    push: WxPush
    idx: int
    title: str
    author: str
    digest: str
    original: bool
    token: str  # short-link token, 22 characters
    sn: str
    read_num: int
    states: list[tuple[date, str]] = field(default_factory=list)  # (day, "deleted"|"violation"|"unavailable"|"ok")
    show_type: int = 0  # item_show_type: 0 article, 8 image post (图片分享), 10 text post (文本分享)
    own_title: bool = True  # a text post may have none: WeChat then keeps its text as the title
    pictures: int = 0  # images of an image post
    real_weight: bool = False  # served at a real page's weight (2–4 MB of inline scripts and styles)

    @property
    def mid(self) -> int:
        return self.push.mid

    @property
    def ct(self) -> datetime:
        return self.push.sent

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.push.account.biz, self.mid, self.idx)

    @property
    def short_url(self) -> str:
        return f"https://mp.weixin.qq.com/s/{self.token}"

    @property
    def long_url(self) -> str:
        a = self.push.account
        return (f"https://mp.weixin.qq.com/s?__biz={a.biz}&mid={self.mid}&idx={self.idx}&sn={self.sn}"
                f"&chksm={self.sn[:8]}{self.sn[-8:]}#rd")

    @property
    def cover(self) -> str:
        return f"https://mmbiz.qpic.cn/mmbiz_jpg/{self.sn[:20]}/0?wx_fmt=jpeg"

    @property
    def layout(self) -> str:
        return "legacy" if self.ct.year < self.push.account.legacy_before else "current"

    def state(self, today: date) -> str | None:
        """None before publication; otherwise ok / deleted / violation / unavailable."""
        if self.ct.date() > today:
            return None
        current = "ok"
        for day, st in sorted(self.states):
            if day <= today:
                current = st
        return current


@dataclass(eq=False)
class WxPush:
    account: WxAccount
    msgid: int
    mid: int
    sent: datetime
    notified: bool
    articles: list[WxArticle] = field(default_factory=list)


# About one push in EMPTY_INFO_EVERY comes back from the MP backend's appmsgpublish with an empty publish_info.
EMPTY_INFO_EVERY = 37


def empty_publish_info(push: WxPush) -> bool:
    """Whether appmsgpublish shows this push as an entry with an empty `publish_info`.

    A pure function of the push (chosen by a hash of its bizuin and msgid, so the same push on every day): the
    simulator's pages, its ground truth and a scenario's planted events all apply it."""
    return int(hexdigest("empty-publish-info", push.account.bizuin, push.msgid, n=8), 16) % EMPTY_INFO_EVERY == 0


@dataclass(eq=False)
class WxAccount:
    agency_id: str
    name: str
    bizuin: int
    user_name: str
    legacy_before: int
    weread_depth_days: int
    feed_since: date | None
    read_counts: bool
    pushes: list[WxPush] = field(default_factory=list)  # oldest first

    @property
    def biz(self) -> str:
        return base64.b64encode(str(self.bizuin).encode()).decode()

    @property
    def weread_book_id(self) -> str:
        return f"MP_WXS_{self.bizuin}"

    @property
    def articles(self) -> list[WxArticle]:
        return [a for p in self.pushes for a in p.articles]


# ---------------------------------------------------------------- agency


@dataclass(eq=False)
class Agency:
    id: str
    name: str
    host: str
    credit_code: str
    spec: dict[str, Any]
    categories: list[Category] = field(default_factory=list)  # top level, TREE order
    docs: list[CatalogDoc] = field(default_factory=list)
    articles: list[WebArticle] = field(default_factory=list)
    wechat: WxAccount | None = None
    voice: Voice | None = None  # what its titles and bodies say (simulator/textgen.py)

    @property
    def gkmlpt(self) -> dict[str, Any]:
        return self.spec.get("gkmlpt") or {}

    @property
    def website(self) -> dict[str, Any]:
        return self.spec.get("website") or {}

    @property
    def site_code(self) -> str:
        """The catalog's department path (jmkpsjyj in /jmkpsjyj/gkmlpt/); '' for a catalog at the host root."""
        return str(self.gkmlpt.get("site_code") or "").strip("/")

    @property
    def sid(self) -> str:
        return str(self.gkmlpt.get("sid", ""))

    @property
    def web_code(self) -> str:
        """The website's path on its host (kpsjyjzww, or bmpd/jmswjkj); '' for a website at the host root."""
        return str(self.website.get("site_code") or "").strip("/")

    @property
    def web_host(self) -> str:
        """The website's host: the agency's own unless the website spec names another."""
        return str(self.website.get("host") or self.host)

    @property
    def gkmlpt_root(self) -> str:
        """The catalog's path on the host: /jmkpsjyj/gkmlpt/, or /gkmlpt/ at the host root."""
        return f"/{self.site_code}/gkmlpt/" if self.site_code else "/gkmlpt/"

    @property
    def web_root(self) -> str:
        """The website's path on its host: /kpsjyjzww/, or / at the host root."""
        return f"/{self.web_code}/" if self.web_code else "/"

    @property
    def gkmlpt_base(self) -> str:
        return f"http://{self.host}{self.gkmlpt_root}"

    @property
    def website_base(self) -> str:
        return f"http://{self.web_host}{self.web_root}"

    def all_categories(self) -> list[Category]:
        out: list[Category] = []

        def walk(nodes: list[Category]) -> None:
            for n in nodes:
                out.append(n)
                walk(n.children)

        walk(self.categories)
        return out

    @cached_property
    def category_by_id(self) -> dict[int, Category]:
        return {c.id: c for c in self.all_categories()}

    def leaf_categories(self) -> list[Category]:
        return [leaf for c in self.categories for leaf in c.leaves()]

    def column_names(self) -> dict[str, str]:
        return {c["path"]: c["name"] for c in self.website.get("columns", [])}

    # ---- what the sites show on a day

    def catalog_listing(self, category_id: int, today: date) -> list[CatalogDoc]:
        """Live documents of a category (and its descendants; 0 = all), newest first."""
        if category_id == 0:
            ids = {c.id for c in self.all_categories()}
        else:
            cat = self.category_by_id.get(category_id)
            if cat is None:
                return []
            ids = {leaf.id for leaf in cat.leaves()} | {cat.id}
        docs = [d for d in self.docs if d.category.id in ids and d.visible(today)]
        docs.sort(key=lambda d: (d.published, d.id), reverse=True)
        return docs

    def api_window(self) -> int:
        return int(self.gkmlpt.get("api_window", 10**9))

    def column_listing(self, column: str, today: date) -> list[WebArticle]:
        arts = [a for a in self.articles if column in a.columns and a.visible(today)]
        arts.sort(key=lambda a: (a.published, a.id), reverse=True)
        return arts


def url_item_base(agency: Agency) -> str:
    """Where an agency's `type: url` catalog entries point: `gkmlpt.url_item_base`, else its first link
    category's site, else its host root (the target is not simulated)."""
    base = agency.gkmlpt.get("url_item_base") or next(
        (c.jump_url for c in agency.all_categories() if c.jump_url), f"http://{agency.host}/")
    return base if base.endswith("/") else base + "/"
