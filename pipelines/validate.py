"""Validate items before anything is stored.

Structurally unusable items (no id, no URL) are dropped with a counted reason; items that are
usable but odd (a missing title, an impossible date) are kept and carry their problems into
`document_checks`, because dropping a real document would silently shorten a count.
"""

from __future__ import annotations

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
    document_problems,
)

REQUIRED = {DocumentItem: ("agency", "native_id", "canonical_url"), AttachmentItem: ("document_native_id", "url"),
            CategoryItem: ("agency", "native_id"), CategoryRunItem: ("agency", "native_id"),
            WechatPushItem: ("agency", "biz", "push_key"), MetricItem: ("agency", "document_native_id"),
            ObservationItem: ("agency", "source")}


class ValidatePipeline:
    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        kind = type(item).__name__
        required = REQUIRED.get(type(item))
        if required is None:
            raise DropItem(f"unknown item type {kind}")
        # The items are dataclasses: their fields are attributes (no ItemAdapter per item on the hot path).
        missing = [k for k in required if getattr(item, k, None) in (None, "")]
        if missing:
            self.stats.inc_value(f"xxgk/invalid/{kind}")
            raise DropItem(f"{kind} without {', '.join(missing)}: {ItemAdapter(item).asdict()!r:.300}")
        if isinstance(item, DocumentItem):
            if item.channel != "wechat" and not str(item.native_id).isdigit():
                self.stats.inc_value("xxgk/invalid/DocumentItem")
                raise DropItem(f"document id {item.native_id!r} is not a post id")
            for problem in document_problems(item):
                self.stats.inc_value("xxgk/validation/problems")
                item.checks.append({"field": "validation", "table_value": "", "detail_value": problem})
        return item
