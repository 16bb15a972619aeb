"""Attachment downloads shared by the spiders: size cap, conditional requests, safe file names, sha256.

A file is stored `ok` only when it is whole (crawler/filecheck.py: the size the listing declared, the
format's own end markers); a short file is `truncated`, a refused link `refused`, an oversized one
`too_large` (crawler/policy.py decides all three), and none of them replaces a good copy already archived.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.filecheck import file_problem
from crawler.items import AttachmentItem, DocumentItem
from crawler.middlewares.capture import CAPTURE_ID
from crawler.middlewares.incremental import CONDITIONAL
from crawler.policy import failure_outcome


def safe_file_name(name: str, fallback: str) -> str:
    """A file name safe on any filesystem: no path parts, controls or reserved characters, ≤ 120 chars."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f<>:"|?*]', "_", name).strip(" .")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[: 120 - len(ext) - 1] + "." + ext
    return name[:120]


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." + last.rsplit(".", 1)[-1] if "." in last else ""


class AttachmentsMixin:
    """Needs `agency_id`, `channel` and `attachment_max` on the spider."""

    agency_id: str
    channel: str
    attachment_max: int
    crawler: Any
    # Scheduler priority of attachment requests: a spider that drains its pages before listing further
    # (crawler/spiders/gkmlpt.py) ranks them above its document pages, so none waits for the whole listing.
    attachment_priority = 0

    def attachment_requests(self, item: DocumentItem) -> Iterator[Request]:
        for att in item.attachments:
            yield Request(att["url"], callback=self.parse_attachment, errback=self.attachment_failed,
                          cb_kwargs={"document": item.native_id, "att": att}, priority=self.attachment_priority,
                          meta={"download_maxsize": self.attachment_max, "download_warnsize": 0, CONDITIONAL: True,
                                "handle_httpstatus_list": [304], "xxgk_discovery": f"document:{item.native_id}"})

    def _attachment(self, document: str, att: dict[str, Any], **kw: Any) -> AttachmentItem:
        return AttachmentItem(agency=self.agency_id, document_native_id=document, native_id=str(att["id"]),
                              url=att["url"], name=att["name"], channel=self.channel,
                              file_name=safe_file_name(att["name"], f"{att['id']}{extension(att['url'])}"),
                              declared_size=as_int(att.get("size")), **kw)

    def parse_attachment(self, response: Response, document: str, att: dict[str, Any]) -> AttachmentItem:
        item = self._attachment(document, att, capture_id=response.meta.get(CAPTURE_ID, ""),
                                mime=(response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0])
        if response.status == 304:
            item.status = "not_modified"
            return item
        problem = file_problem(response.body, item.declared_size)
        if problem:
            self.logger.warning(f"attachment {item.url} is not whole: {problem}")
            self.crawler.stats.inc_value("xxgk/attachments/truncated")
            item.status = "truncated"
            return item
        item.size = len(response.body)
        item.sha256 = hashlib.sha256(response.body).hexdigest()
        return item

    def attachment_failed(self, failure: Failure) -> AttachmentItem:
        status = failure_outcome(failure)  # refused, too_large, truncated, blocked or failed
        self.crawler.stats.inc_value(f"xxgk/attachments/{status}")
        kwargs = failure.request.cb_kwargs
        return self._attachment(kwargs["document"], kwargs["att"], status=status,
                                capture_id=failure.request.meta.get(CAPTURE_ID, ""))
