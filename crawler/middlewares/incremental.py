"""Incremental crawling: don't re-download a document whose list entry has not changed.

A spider marks a document-page request with `meta["xxgk_known"] = {"document_id", "fingerprint"}`.
If the archive already holds that document, read from a page, with the same list fingerprint, the
request is dropped here (before robots, capture or the network) with `UnchangedDocument`, whose
errback lets the spider record the document as seen. With `XXGK_FULL_REFRESH` the page is asked
for again, conditionally (If-None-Match / If-Modified-Since from its last capture), so an unchanged
page costs a 304 and no body.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from archive.session import ArchiveSession

KNOWN = "xxgk_known"
CONDITIONAL = "xxgk_conditional"  # ask conditionally (attachments: a 304 costs no body)


class UnchangedDocument(IgnoreRequest):
    """The archive already holds this document page as listed: not fetched again."""


class IncrementalMiddleware:
    def __init__(self, session: ArchiveSession, stats: Any, full_refresh: bool):
        self.session, self.stats, self.full_refresh = session, stats, full_refresh

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(ArchiveSession.for_crawler(crawler), crawler.stats, crawler.settings.getbool("XXGK_FULL_REFRESH"))

    def process_request(self, request: Request) -> None:
        if request.meta.get("xxgk_canonical_url"):
            return None  # the simulator-routed copy of a request already seen here
        if request.meta.get(CONDITIONAL):
            self._add_validators(request)
            return None
        known = request.meta.get(KNOWN)
        if not known:
            return None
        row = self.session.stored_fingerprint(known["document_id"])
        if row is None or row != known["fingerprint"]:
            return None
        if self.full_refresh:
            self._add_validators(request)
            return None
        self.stats.inc_value("xxgk/incremental/skipped")
        raise UnchangedDocument(f"unchanged since the last crawl: {request.url}")

    def _add_validators(self, request: Request) -> None:
        validators = self.session.last_validators(request.url)
        for name, value in validators.items():
            request.headers[{"etag": "If-None-Match", "last-modified": "If-Modified-Since"}[name]] = value
        if validators:
            self.stats.inc_value("xxgk/incremental/conditional")
