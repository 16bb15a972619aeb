"""Validate items before anything is stored.

Structurally unusable items (no id, no URL) are dropped with a counted reason; items that are
usable but odd (a missing title, an impossible date) are kept and carry their problems into
`document_checks`, because dropping a real document would silently shorten a count.
"""

from __future__ import annotations

import re
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.items import (
    AttachmentItem,
    CategoryItem,
    CategoryRunItem,
    DocumentItem,
    MetricItem,
    ObservationItem,
    WechatPushItem,
)

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def document_problems(item: DocumentItem) -> list[str]:
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


class ValidatePipeline:
    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        kind = type(item).__name__
        data = ItemAdapter(item)
        required = {DocumentItem: ("agency", "native_id", "canonical_url"), AttachmentItem: ("document_native_id", "url"),
                    CategoryItem: ("agency", "native_id"), CategoryRunItem: ("agency", "native_id"),
                    WechatPushItem: ("agency", "biz", "push_key"), MetricItem: ("agency", "document_native_id"),
                    ObservationItem: ("agency", "source")}.get(type(item))
        if required is None:
            raise DropItem(f"unknown item type {kind}")
        missing = [k for k in required if data.get(k) in (None, "")]
        if missing:
            self.stats.inc_value(f"xxgk/invalid/{kind}")
            raise DropItem(f"{kind} without {', '.join(missing)}: {dict(data)!r:.300}")
        if isinstance(item, DocumentItem):
            if item.channel != "wechat" and not str(item.native_id).isdigit():
                self.stats.inc_value("xxgk/invalid/DocumentItem")
                raise DropItem(f"document id {item.native_id!r} is not a post id")
            for problem in document_problems(item):
                self.stats.inc_value("xxgk/validation/problems")
                item.checks.append({"field": "validation", "table_value": "", "detail_value": problem})
        return item
