"""The bureau website spider (NFCMS columns).

For each column of the registry: index.html, index_2.html, … (never index_1.html) until the paging
script's last page or a 404; the `pages_limit` cap is detected from the script and recorded as a
coverage gap with the oldest date the listing reached. Each article is fetched once however many
columns list it (the memberships are stored from the column listings); its full title, dates,
source, body and attachments come from the article page, because list titles may be truncated.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.ids import document_id
from archive.times import local_seconds
from crawler.items import CategoryRunItem, DocumentItem
from crawler.middlewares.capture import CAPTURE_ID
from crawler.middlewares.incremental import KNOWN
from crawler.parsing.common import ParseError
from crawler.parsing.nfcms import ListEntry, page_url, parse_article, parse_list
from crawler.policy import BlockedResponse
from crawler.spiders.attachments import AttachmentsMixin
from crawler.spiders.base import ArchiveSpider


@dataclass
class ColumnState:
    path: str
    name: str
    url: str
    stated: int | None = None
    reachable_pages: int | None = None
    capped: bool = False
    page_size: int = 20
    pages: int = 0
    listed: dict[str, str] = field(default_factory=dict)  # post id -> listed date
    stop_reason: str = ""
    problems: list[str] = field(default_factory=list)


def list_fingerprint(entry: ListEntry) -> str:
    return hashlib.sha256(f"{entry.post_id}|{entry.url}|{entry.title}|{entry.date}".encode()).hexdigest()


class WebsiteSpider(AttachmentsMixin, ArchiveSpider):
    name = "website"
    channel = "website"
    section = "website"

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        if not section.get("base") or not section.get("columns"):
            raise ValueError(f"agency {self.agency_id!r} has no website base URL and columns in its registry file")
        self.base = section["base"]
        self.columns = {c["path"]: ColumnState(path=c["path"], name=c["name"],
                                               url=urljoin(section["base"], c["path"].strip("/") + "/"))
                        for c in section["columns"]}
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for state in self.columns.values():
            yield self.list_request(state, 1)

    # ------------------------------------------------------------ column lists

    def list_request(self, state: ColumnState, page: int) -> Request:
        return Request(page_url(state.url, page), callback=self.parse_list_page, errback=self.list_failed,
                       cb_kwargs={"path": state.path, "page": page}, priority=10,
                       meta={"handle_httpstatus_list": [404], "xxgk_discovery": f"column:{state.path}"})

    def parse_list_page(self, response: Response, path: str, page: int) -> Iterator[Any]:
        state = self.columns[path]
        if response.status == 404:
            if page == 1:
                state.problems.append("the column's first page answers 404")
            yield self.finish_column(state, "http_404")
            return
        try:
            lp = parse_list(response.text, response.url)
        except ParseError as exc:
            state.problems.append(f"page {page}: {exc}")
            yield self.finish_column(state, "unparseable")
            return
        state.pages += 1
        if lp.total_items is not None:
            state.stated = lp.total_items
            state.reachable_pages = lp.total_pages
            state.capped = lp.capped
            state.page_size = lp.page_size or state.page_size
        for entry in lp.entries:
            state.listed.setdefault(entry.post_id, entry.date)
            yield from self.article(entry, state, response.meta.get(CAPTURE_ID, ""))
        last = state.reachable_pages
        if not lp.entries:
            yield self.finish_column(state, "empty_page")
        elif last is not None and page >= last:
            yield self.finish_column(state, "page_cap" if state.capped else "last_page")
        else:
            yield self.list_request(state, page + 1)

    def list_failed(self, failure: Failure) -> CategoryRunItem:
        kwargs = failure.request.cb_kwargs
        state = self.columns[kwargs["path"]]
        if failure.check(BlockedResponse):
            state.problems.append(f"page {kwargs['page']}: blocked ({failure.value.reason})")
            return self.finish_column(state, "empty_page" if failure.value.reason == "throttled_empty"
                                      else f"blocked:{failure.value.reason}")
        state.problems.append(f"page {kwargs['page']}: {failure.getErrorMessage()}")
        return self.finish_column(state, "failed")

    def finish_column(self, state: ColumnState, reason: str) -> CategoryRunItem:
        state.stop_reason = reason
        listed = len(state.listed)
        oldest = min(state.listed.values(), default="")
        healthy = reason in ("last_page", "page_cap", "http_404") and not state.problems
        notes = list(state.problems)
        if state.capped:
            notes.append(f"paging capped at {state.reachable_pages} pages: {listed} of {state.stated} articles "
                         f"reachable, back to {oldest}")
        reachable = min(state.stated, (state.reachable_pages or 0) * state.page_size) if state.stated is not None else None
        return CategoryRunItem(
            agency=self.agency_id, native_id=state.path, name=state.name, channel="website",
            stated_post_count=state.stated, api_total=reachable, harvested=listed, pages_fetched=state.pages,
            stop_reason=reason, complete=healthy and not state.capped and state.stated is not None and listed >= state.stated,
            healthy=healthy, capped=state.capped, oldest_date=oldest, notes=notes, listed_ids=sorted(state.listed),
        )

    # ------------------------------------------------------------ articles

    def primary_column(self, url: str) -> str:
        path = urlsplit(url).path
        base = urlsplit(self.base).path
        rest = path[len(base):] if path.startswith(base) else path.lstrip("/")
        return rest.split("/content/", 1)[0].strip("/")

    def article(self, entry: ListEntry, state: ColumnState, capture: str) -> Iterator[Request]:
        if entry.post_id in self.requested:
            return
        self.requested.add(entry.post_id)
        column = self.primary_column(entry.url)
        item = DocumentItem(
            agency=self.agency_id, channel="website", native_id=entry.post_id, canonical_url=entry.url,
            title=entry.title, category=self.columns[column].name if column in self.columns else state.name,
            category_id=column, listing_source=f"column:{state.path}", list_fields=entry.__dict__,
            list_fingerprint=list_fingerprint(entry), list_capture_id=capture, published_raw=entry.date,
        )
        if entry.title_truncated:
            item.checks.append({"field": "title", "table_value": entry.title, "detail_value": "truncated in the list"})
        yield Request(entry.url, callback=self.parse_article_page, errback=self.article_failed, cb_kwargs={"item": item},
                      meta={KNOWN: {"document_id": document_id(self.agency_id, self.channel, entry.post_id),
                                    "fingerprint": item.list_fingerprint},
                            "handle_httpstatus_list": [304, 404], "xxgk_discovery": f"column:{state.path}"})

    def parse_article_page(self, response: Response, item: DocumentItem) -> Iterator[Any]:
        page = self.parsed_page(response, item, parse_article)
        if page is None:
            yield item
            return
        item.checks = [c for c in item.checks if c.get("detail_value") != "truncated in the list"]
        item.page_fetched = True
        item.page_capture_id = response.meta.get(CAPTURE_ID, "")
        item.title = page.title or item.title
        item.published_ts = local_seconds(page.published)  # PubDate is Asia/Shanghai wall time
        item.published_raw = page.published[:10] if page.published else item.published_raw
        item.publisher = page.source
        item.body_text = page.body_text
        item.attachments = [{"id": a.aid or hashlib.sha1(a.url.encode()).hexdigest()[:12], "url": a.url, "name": a.name}
                            for a in page.attachments]
        item.content_sha256 = hashlib.sha256(
            (item.title + "\n" + item.body_text + "\n" + "\n".join(a["url"] for a in item.attachments)).encode()).hexdigest()
        yield item
        yield from self.attachment_requests(item)

    def article_failed(self, failure: Failure) -> DocumentItem:
        return self.page_not_read(failure)
