"""Incremental crawling: don't re-download a document whose list entry has not changed.

A spider middleware, so an unchanged document costs no trip through the scheduler or the
downloader: when a spider yields a document-page request (or a `Listed`, which becomes that request
only if the page is needed: the catalog spider's million-document listings make no Request and no
item for an unchanged document, and yield a list page's documents as one `ListedPage`) marked with
`meta["xxgk_known"] = {"document_id", "fingerprint"}` and `cb_kwargs["item"]` (the document as
listed), and the archive already holds that document completely with the same list fingerprint,
the request is replaced by the listed item itself, which records the document as seen. With
`XXGK_FULL_REFRESH` the page is asked for again, conditionally (If-None-Match / If-Modified-Since
from its last capture), so an unchanged page costs a 304 and no body. Requests marked
`meta["xxgk_conditional"]` (attachments) are always made conditional.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from scrapy import Request

from archive.session import ArchiveSession, StorageError
from crawler.extensions.runlog import archive_session
from crawler.items import DocumentItem, document_problems

KNOWN = "xxgk_known"
CONDITIONAL = "xxgk_conditional"


@dataclass(slots=True)
class Listed:
    """A listed document whose page a spider would ask for, yielded instead of the Request so that a
    document the archive holds unchanged costs no Request and no item: it carries only what deciding
    that and recording it as seen need (the list fingerprint, and the fields `document_problems`
    reads), and this middleware calls `make()` (the Request, `KNOWN` in its meta and the
    DocumentItem in its cb_kwargs) only when the page is needed. A spider yields it, or a
    `ListedPage` of them, only where this middleware runs (it is in SPIDER_MIDDLEWARES; nothing
    else turns it into a Request)."""

    document_id: str
    fingerprint: str
    native_id: str
    listing_source: str  # api | search, as DocumentItem.listing_source
    capture_id: str  # the list page's capture
    title: str  # as the item's (clean_title)
    published_ts: int | None
    written_date: str
    make: Callable[[], Request]
    item_type: str = "normal"  # only documents with a page are Listed
    published_raw: str = ""  # the page's 发布日期: not read yet


@dataclass(slots=True)
class ListedPage:
    """A list page's outputs (Listed, and items such as external-link entries) as one spider output: Scrapy's
    per-output machinery then runs once a page rather than once a listed document. This middleware takes it
    apart in place, in order."""

    outputs: list[Any]


def _document_id(out: Any) -> str | None:
    """The archive id of the document a spider output asks for (a Listed, or a Request marked KNOWN)."""
    if type(out) is Listed:
        return out.document_id
    if isinstance(out, Request) and (known := out.meta.get(KNOWN)):
        return known.get("document_id") or None
    return None


class IncrementalMiddleware:
    def __init__(self, session: ArchiveSession, stats: Any, full_refresh: bool):
        self.session, self.stats, self.full_refresh = session, stats, full_refresh

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(archive_session(crawler), crawler.stats, crawler.settings.getbool("XXGK_FULL_REFRESH"))

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # A callback's output is gathered first so the archive is asked once for all the documents a list page
        # names; what came before a callback's error is still passed on before the error.
        outputs: list[Any] = []
        error: Exception | None = None
        try:
            async for out in result:
                if type(out) is ListedPage:
                    outputs += out.outputs
                else:
                    outputs.append(out)
        except Exception as exc:  # noqa: BLE001 - re-raised below, after what came before it
            error = exc
        ids = [doc for out in outputs if (doc := _document_id(out))]
        listing = self.session.stored_listing(ids) if ids else {}
        stored = {k: fingerprint for k, (fingerprint, _) in listing.items()}
        seen = []
        for out in outputs:
            if type(out) is Listed:
                row = self.listed_row(out, listing)
                out = out.make() if row is None else out
            else:
                row = self.seen(out, listing)
            if row is None:
                yield self.filter(out, stored)
            else:
                seen.append(row)
        if seen:
            try:
                self.session.record_seen(seen)
            except StorageError:
                pass  # the session has stopped the crawl and says why; nothing more is stored
            else:
                self.stats.inc_value("xxgk/incremental/skipped", len(seen))
                self.stats.inc_value("xxgk/documents/unchanged", len(seen))
        if error is not None:
            raise error

    def seen(self, out: Any, listing: dict[str, tuple[str | None, str | None]]) -> tuple | None:
        """The `record_seen` row of a request for a live catalog or website document the archive holds
        unchanged and complete; None for anything the spider's item or request must carry on."""
        doc = _document_id(out)
        if not doc or out.meta.get(CONDITIONAL):
            return None
        return self.seen_row(doc, out.meta[KNOWN]["fingerprint"], out.cb_kwargs.get("item"), listing)

    def seen_row(self, doc: str, fingerprint: str, item: Any,
                 listing: dict[str, tuple[str | None, str | None]]) -> tuple | None:
        if not self.unchanged(doc, fingerprint, listing):
            return None
        # What the validate pipeline would drop (or WeChat's own bookkeeping) goes the item's way.
        if (not isinstance(item, DocumentItem) or item.channel == "wechat" or not item.agency
                or not item.canonical_url or not str(item.native_id).isdigit()):
            return None
        return self.row(doc, item, item.checks, item.page_capture_id or item.list_capture_id or None)

    def listed_row(self, listed: Listed, listing: dict[str, tuple[str | None, str | None]]) -> tuple | None:
        """As seen_row, for a Listed: its spider gives it an agency and a canonical URL, and never for WeChat."""
        if not self.unchanged(listed.document_id, listed.fingerprint, listing) or not listed.native_id.isdigit():
            return None
        return self.row(listed.document_id, listed, [], listed.capture_id or None)

    def unchanged(self, doc: str, fingerprint: str, listing: dict[str, tuple[str | None, str | None]]) -> bool:
        """Whether the document is archived complete, live, with this list fingerprint (and may be recorded seen)."""
        return not self.full_refresh and self.session.records_seen and listing.get(doc) == (fingerprint, "live")

    def row(self, doc: str, fields: Any, checks: list[dict[str, str]], capture: str | None) -> tuple:
        """The `record_seen` row: the document's checks and what the validate pipeline finds odd in `fields`."""
        problems = document_problems(fields)
        if problems:
            self.stats.inc_value("xxgk/validation/problems", len(problems))
        checks = [*checks, *({"field": "validation", "table_value": "", "detail_value": p} for p in problems)]
        return doc, fields.listing_source, capture, checks

    def filter(self, out: Any, stored: dict[str, str | None] | None = None) -> Any:
        if not isinstance(out, Request):
            return out
        if out.meta.get(CONDITIONAL):
            self._add_validators(out)
            return out
        known = out.meta.get(KNOWN)
        if not known:
            return out
        document_id = known.get("document_id") or self.session.document_for_url(known.get("url", ""))
        if not document_id:
            return out
        item = out.cb_kwargs["item"]
        if not item.native_id:  # listed by its link only (WeChat short links): the archive knows who it is
            item.native_id = self.session.native_id(document_id) or ""
        stored = stored or {}
        fingerprint = stored[document_id] if document_id in stored else self.session.stored_fingerprint(document_id)
        if fingerprint != known["fingerprint"]:
            return out
        if self.full_refresh:
            self._add_validators(out)
            return out
        self.stats.inc_value("xxgk/incremental/skipped")
        return item

    def _add_validators(self, request: Request) -> None:
        validators = self.session.last_validators(request.url)
        for name, value in validators.items():
            request.headers[{"etag": "If-None-Match", "last-modified": "If-Modified-Since"}[name]] = value
        if validators:
            self.stats.inc_value("xxgk/incremental/conditional")
