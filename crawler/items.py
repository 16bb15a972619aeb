"""Items: what the spiders yield and the pipelines store.

Dataclasses, handled through itemadapter by the pipelines. Field metadata carries the Chinese
label where the source has one, so documentation can be generated from one place. Raw values are
kept next to normalized ones (the pipelines fill the normalized fields).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any


def f(label: str = "", default: Any = None, **kw: Any) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=type(default), metadata={"label": label, **kw})
    return field(default=default, metadata={"label": label, **kw})


@dataclass
class CategoryItem:
    """A node of the catalog's category TREE, as `window._CONFIG` states it."""

    agency: str
    native_id: int
    name: str
    parent_id: int = 0
    jump_url: str = ""
    is_leaf: bool = False
    post_count: int | None = f("栏目信息数")
    capture_id: str = ""


@dataclass
class CategoryRunItem:
    """How completely one listing unit was listed in this run (the coverage behind every count):
    a catalog leaf category, a website column, or a WeChat lister."""

    agency: str
    native_id: int | str
    name: str
    channel: str = "catalog"
    oldest_date: str = ""  # the oldest publication date the listing reached (YYYY-MM-DD)
    capped: bool = False  # the listing cannot reach everything it states (NFCMS 100-page cap)
    stated_post_count: int | None = None  # classify.post_count / TREE post_count
    api_total: int | None = None  # `total`: what the list API will serve
    harvested: int = 0  # distinct documents listed through the API
    search_backfilled: int = 0  # distinct documents found only through the search JSONP
    pages_fetched: int = 0
    stop_reason: str = ""  # reached_total | http_404 | empty_page | failed | blocked | ...
    complete: bool = False  # every document the category states was listed
    healthy: bool = False  # no failed or blocked page: safe to mark absences as disappeared
    window: bool = False  # total < post_count
    notes: list[str] = f(default=[])
    listed_ids: Collection[str] = f(default=[])  # native ids listed (API + search), for disappearance: an IdSet or a list
    check_disappearance: bool = True  # False for listers that never show everything (WeChat feeds, WeRead)


@dataclass
class DocumentItem:
    """One catalog document: list fields, and the page's fields once the page was fetched."""

    agency: str
    channel: str
    native_id: str
    canonical_url: str
    title: str = f("名称")
    category: str = f("分类")
    category_id: str = ""
    item_type: str = "normal"  # normal | url (an external-link entry)
    link_url: str = ""
    post_url: str = ""
    listing_source: str = ""  # api | search
    list_fields: dict[str, Any] = f(default={})  # the list entry as served (raw)
    list_fingerprint: str = ""
    list_capture_id: str = ""
    # From the document page (empty when the page was not fetched this run)
    page_fetched: bool = False
    page_capture_id: str = ""
    index_no: str = f("索引号")
    publisher: str = f("发布机构")
    written_date: str = f("成文日期")
    published_raw: str = f("发布日期")
    published_ts: int | None = None  # Unix seconds (list API create_time)
    doc_number: str = f("文号")
    keywords: str = f("主题词")
    abstract: str = f("摘要")
    body_text: str = ""
    content_sha256: str = ""
    attachments: list[dict[str, Any]] = f(default=[])
    checks: list[dict[str, str]] = f(default=[])  # metadata table vs DETAIL JSON disagreements
    extra: dict[str, Any] = f(default={})  # channel-specific fields (WeChat: biz, mid, idx, sn, push, state …)
    # Filled by the normalize pipeline
    published_at: str = ""  # UTC ISO-8601
    published_date: str = ""  # Asia/Shanghai local date
    year: int | None = None


@dataclass
class AttachmentItem:
    """A downloaded (or refused) attachment file of a document."""

    agency: str
    document_native_id: str
    native_id: str
    url: str
    name: str
    file_name: str = ""
    mime: str = ""
    declared_size: int | None = None
    size: int | None = None
    sha256: str = ""
    status: str = "ok"  # ok | not_modified | too_large | truncated | refused | blocked | failed
    capture_id: str = ""
    channel: str = "catalog"


@dataclass
class ObservationItem:
    """Another listing of a document this run already asked for (a second WeChat lister listing the same
    article): recorded as an observation and a source of the document, never fetched again."""

    agency: str
    channel: str
    source: str
    native_id: str = ""  # when the listing tells the identity (WeChat: "{biz}/{mid}/{idx}")
    url: str = ""  # else the URL it listed
    capture_id: str = ""


@dataclass
class WechatPushItem:
    """One push (群发 / 发表 record) as a lister shows it."""

    agency: str
    biz: str
    push_key: str  # the lister's identity of the push (msgid, appmsgid, comm_msg_info.id …)
    source: str
    mid: int | None = None
    sent_ts: int | None = None
    notified: bool | None = None
    n_articles: int = 0
    article_keys: list[list[Any]] = f(default=[])  # [biz, mid, idx] of its articles


@dataclass
class MetricItem:
    """A read count, stored only when credentials made it available, with when it was read."""

    agency: str
    document_native_id: str
    read_num: int | None
    like_num: int | None = None
    share_num: int | None = None
    source: str = "article_page"
    capture_id: str = ""


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def document_problems(item: Any) -> list[str]:
    """What is odd about a usable document (kept, each problem a `document_checks` row): the validate
    pipeline's rule, also applied by the incremental middleware to documents it records as seen. `item`: a
    DocumentItem, or anything with its title, item_type, published_ts, published_raw and written_date (a Listed)."""
    problems = []
    if not item.title:
        problems.append("no title")
    if item.item_type == "normal" and item.published_ts is None and not DATE.match(item.published_raw or ""):
        problems.append("no publication date")
    if item.written_date and not DATE.match(item.written_date):
        problems.append(f"unreadable written date {item.written_date!r}")
    if item.published_raw and not DATE.match(item.published_raw):
        problems.append(f"unreadable publication date {item.published_raw!r}")
    return problems
