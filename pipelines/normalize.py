"""Normalize item values: UTC instants plus Asia/Shanghai local dates, clean titles and text.

Raw values stay on the item (`published_raw`; `list_fields` for website and WeChat entries — a catalog entry
stays in its list page's capture); the normalized ones are what the
archive compares between crawls, so the same document read twice normalizes identically.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from archive.times import to_instants
from crawler.items import DocumentItem


def clean_text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentItem):
            # The list API's create_time is the precise 发布日期; a page alone gives the local day.
            item.published_at, item.published_date, item.year = to_instants(item.published_ts, item.published_raw)
            item.title = clean_text(item.title)
            item.publisher = clean_text(item.publisher)
            item.index_no = clean_text(item.index_no)
            item.doc_number = clean_text(item.doc_number)
            item.keywords = clean_text(item.keywords)
            item.written_date = (item.written_date or "")[:10]
            item.body_text = "\n".join(clean_text(line) for line in (item.body_text or "").splitlines() if line.strip())
        return item
