"""The gkmlpt catalog spider.

index → window._CONFIG (SID, TREE) → for each leaf category the list API from page 1, stopping on
offset+len ≥ total, on HTTP 404 or on an empty page (throttled empty pages are retried with backoff
by the retry middleware before being believed); list pages without total/offset (other cities'
catalogs) are paged until an empty page or a 404, and the category's record says so → when the API
serves fewer items than the category states (the window), the province search JSONP backfills the
rest → document pages (metadata table is the source of truth, DETAIL JSON the cross-check; a page
without the table is read from DETAIL, with a check saying so) → attachments.

Every category ends with a CategoryRunItem saying how completely it was listed; the store pipeline
marks documents disappeared only from complete, healthy listings. The spider holds no storage code:
incremental skipping happens in IncrementalMiddleware (a spider middleware), evidence in CaptureMiddleware.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.ids import document_id
from archive.times import local_date
from crawler.idset import IdSet
from crawler.items import CategoryItem, CategoryRunItem, DocumentItem
from crawler.middlewares.capture import CAPTURE_ID
from crawler.middlewares.incremental import KNOWN, Listed, ListedPage
from crawler.middlewares.retry import DELAY
from crawler.parsing.common import ParseError
from crawler.parsing.gkmlpt import (
    CategoryNode,
    article_time,
    clean_title,
    list_fingerprint,
    parse_document,
    parse_index,
    parse_list,
    parse_search,
    search_to_article,
    walk_tree,
)
from crawler.policy import BlockedResponse
from crawler.spiders.attachments import AttachmentsMixin
from crawler.spiders.base import ArchiveSpider

PARSE_RETRIES = 3
# Scheduler priorities (higher first). Document pages and their attachments go before further list
# pages, so a listing drains as it goes: the scheduler holds about one list page's documents per
# category, not the whole catalog (memory stays flat at a million documents).
LIST_PRIORITY, SEARCH_PRIORITY, DOCUMENT_PRIORITY, ATTACHMENT_PRIORITY = 10, 5, 20, 30


@dataclass
class CategoryState:
    node: CategoryNode
    api_total: int | None = None
    stated: int | None = None
    pages: int = 0
    api_ids: IdSet = field(default_factory=IdSet)  # compact: a million ids stay a few MB (crawler/idset.py)
    search_ids: IdSet = field(default_factory=IdSet)
    stop_reason: str = ""
    problems: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)  # how the listing was read (not failures)
    no_totals: bool = False  # the list pages gave no total/offset: an empty page or a 404 ends the list
    done: bool = False

    def caveat(self, notes: list[str]) -> None:
        self.caveats += [n for n in notes if n not in self.caveats]


# What urljoin/urlsplit could rewrite in a URL (white space and controls, query, fragment, params, dot
# segments, backslashes): a URL without any of them on the base's own origin is already canonical.
_REWRITTEN = re.compile(r"[\x00-\x20\x7f?#;\\]|/\.")


def canonical_url(base: str, base_parts: SplitResult, url: str) -> str:
    """`url` resolved against the catalog base, with the base's scheme and host when it names the base's host.
    Most list entries are already that (an absolute URL on the base's origin): returned as they are, without
    the three URL parses (tests/crawler/test_canonical_url.py holds the shortcut to the long way)."""
    if url.startswith(f"{base_parts.scheme}://{base_parts.netloc}/") and not _REWRITTEN.search(url):
        return url
    return _canonical_url_parsed(base, base_parts, url)


def _canonical_url_parsed(base: str, base_parts: SplitResult, url: str) -> str:
    parts = urlsplit(urljoin(base, url))
    if parts.hostname == base_parts.hostname:
        parts = parts._replace(scheme=base_parts.scheme, netloc=base_parts.netloc)
    return parts.geturl()


def written_date(ts: Any) -> str:
    """The list entry's `date` (Unix seconds) as a local date; '' when it is none or out of range."""
    try:
        return local_date(ts) or ""
    except (ValueError, OverflowError, OSError):
        return ""


class GkmlptSpider(AttachmentsMixin, ArchiveSpider):
    name = "gkmlpt"
    channel = "catalog"
    section = "gkmlpt"
    attachment_priority = ATTACHMENT_PRIORITY

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        if not section.get("base"):
            raise ValueError(f"agency {self.agency_id!r} has no gkmlpt base URL in its registry file")
        self.base = section["base"]
        self._base_parts = urlsplit(self.base)  # split once: canonical() runs for every listed document
        self.search_template = section.get("search_jsonp", "")
        self.search_page_size = settings.getint("XXGK_SEARCH_PAGE_SIZE")
        self.categories: dict[int, CategoryState] = {}
        self.documents_requested = IdSet()
        # An unparseable (truncated) list page is asked for again with the same backoff as HTTP retries.
        self.backoff_base = settings.getfloat("XXGK_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("XXGK_BACKOFF_MAX")
        self.sid = ""
        self.search_base = ""

    async def start(self) -> AsyncIterator[Request]:
        yield Request(urljoin(self.base, "index"), callback=self.parse_index, errback=self.index_failed,
                      meta={"xxgk_discovery": "seed"}, dont_filter=True)

    # ------------------------------------------------------------ index

    def parse_index(self, response: Response) -> Iterator[Any]:
        try:
            config = parse_index(response.text)
        except ParseError as exc:
            self.index_problem = f"index unparseable: {exc}"
            self.logger.error(self.index_problem)
            return
        self.sid = config.sid
        search = config.search_jsonp_url or self.search_template.format(sid=config.sid)
        self.search_base = ("http:" + search) if search.startswith("//") else search
        capture = response.meta.get(CAPTURE_ID, "")
        for node in walk_tree(config.tree):
            yield CategoryItem(agency=self.agency_id, native_id=node.id, name=node.name, parent_id=node.parent,
                               jump_url=node.jump_url, is_leaf=node.is_leaf, post_count=node.post_count, capture_id=capture)
            if node.is_leaf:
                self.categories[node.id] = CategoryState(node=node, stated=node.post_count)
                yield self.list_request(node.id, 1)

    def index_failed(self, failure: Failure) -> None:
        self.index_problem = f"index not fetched: {failure.getErrorMessage()}"
        self.logger.error(self.index_problem)

    # ------------------------------------------------------------ list API

    def list_request(self, cat_id: int, page: int, retry: int = 0) -> Request:
        url = urljoin(self.base, f"api/all/{cat_id}?page={page}&sid={self.sid}")
        meta = {"handle_httpstatus_list": [404], "xxgk_discovery": f"category:{cat_id}", "parse_retry": retry}
        if retry:
            meta[DELAY] = min(self.backoff_max, self.backoff_base * 3**retry)
        return Request(url, callback=self.parse_list_page, errback=self.list_failed, meta=meta,
                       cb_kwargs={"cat_id": cat_id, "page": page}, dont_filter=bool(retry), priority=LIST_PRIORITY)

    def parse_list_page(self, response: Response, cat_id: int, page: int) -> Iterator[Any]:
        state = self.categories[cat_id]
        if response.status == 404:
            # Past the last page (or the whole window): the API's own end of list.
            yield from self.end_api(state, "http_404")
            return
        try:
            lp = parse_list(response.body)
        except ParseError as exc:
            retry = response.meta.get("parse_retry", 0)
            if retry < PARSE_RETRIES:
                self.crawler.stats.inc_value("xxgk/list/parse_retry")
                yield self.list_request(cat_id, page, retry + 1)
                return
            state.problems.append(f"page {page}: {exc}")
            yield from self.end_api(state, "unparseable")
            return
        state.pages += 1
        state.caveat(lp.notes)
        if lp.total is None:
            state.no_totals = True
        else:
            state.api_total = lp.total
        if str(lp.classify.get("post_count", "")).isdigit():
            state.stated = int(lp.classify["post_count"])
        yield from self.listed(lp.articles, "api", state, response.meta.get(CAPTURE_ID, ""))
        ended = lp.total is not None and lp.offset is not None and lp.offset + len(lp.articles) >= lp.total
        if not lp.articles:
            yield from self.end_api(state, "reached_total" if ended else "empty_page")
        elif ended:
            yield from self.end_api(state, "reached_total")
        else:
            yield self.list_request(cat_id, page + 1)

    def list_failed(self, failure: Failure) -> Iterator[Any]:
        kwargs = failure.request.cb_kwargs
        state = self.categories[kwargs["cat_id"]]
        if failure.check(BlockedResponse):
            reason = failure.value.reason
            state.problems.append(f"page {kwargs['page']}: blocked ({reason})")
            yield from self.end_api(state, "empty_page" if reason == "throttled_empty" else f"blocked:{reason}")
        else:
            state.problems.append(f"page {kwargs['page']}: {failure.getErrorMessage()}")
            yield from self.end_api(state, "failed")

    def end_api(self, state: CategoryState, reason: str) -> Iterator[Any]:
        state.stop_reason = reason
        stated, total = state.stated, state.api_total
        if stated is None:
            short = False
        elif total is not None:
            short = stated > total  # the API window
        else:  # no total known (a failed first page, or pages without totals): compare what was listed
            short = len(state.api_ids) < stated
        if self.search_base and short:
            yield self.search_request(state.node.id, 1)
        else:
            yield self.finish_category(state)

    # ------------------------------------------------------------ search JSONP backfill

    def search_request(self, cat_id: int, page: int, retry: int = 0) -> Request:
        url = (f"{self.search_base}?page={page}&pagesize={self.search_page_size}&isgkml=1"
               f"&classify_main={cat_id}&callback=xxgk_cb")
        meta = {"xxgk_discovery": f"search:{cat_id}", "parse_retry": retry}
        if retry:
            meta[DELAY] = min(self.backoff_max, self.backoff_base * 3**retry)
        return Request(url, callback=self.parse_search_page, errback=self.search_failed, meta=meta,
                       cb_kwargs={"cat_id": cat_id, "page": page}, dont_filter=bool(retry), priority=SEARCH_PRIORITY)

    def parse_search_page(self, response: Response, cat_id: int, page: int) -> Iterator[Any]:
        state = self.categories[cat_id]
        try:
            sp = parse_search(response.body)
        except ParseError as exc:
            retry = response.meta.get("parse_retry", 0)
            if retry < PARSE_RETRIES:
                yield self.search_request(cat_id, page, retry + 1)
                return
            state.problems.append(f"search page {page}: {exc}")
            yield self.finish_category(state)
            return
        state.caveat(sp.notes)
        articles = (article for article in map(search_to_article, sp.results) if str(article.get("id")) not in state.api_ids)
        yield from self.listed(articles, "search", state, response.meta.get(CAPTURE_ID, ""))
        if sp.results and (sp.count is None or page * self.search_page_size < sp.count):
            yield self.search_request(cat_id, page + 1)
        else:
            yield self.finish_category(state)

    def search_failed(self, failure: Failure) -> Iterator[Any]:
        state = self.categories[failure.request.cb_kwargs["cat_id"]]
        state.problems.append(f"search: {failure.getErrorMessage()}")
        yield self.finish_category(state)

    # ------------------------------------------------------------ categories

    def finish_category(self, state: CategoryState) -> CategoryRunItem:
        state.done = True
        listed = len(state.api_ids | state.search_ids)
        stated = state.stated
        complete = stated is not None and listed >= stated and not state.problems
        # Without totals an empty page is the only end the API gives (and a throttled one cannot be told apart).
        ends = ("reached_total", "http_404", "empty_page") if state.no_totals else ("reached_total", "http_404")
        healthy = not state.problems and state.stop_reason in ends
        return CategoryRunItem(
            agency=self.agency_id, native_id=state.node.id, name=state.node.name, stated_post_count=stated,
            api_total=state.api_total, harvested=len(state.api_ids), search_backfilled=len(state.search_ids - state.api_ids),
            pages_fetched=state.pages, stop_reason=state.stop_reason, complete=complete, healthy=healthy,
            window=stated is not None and state.api_total is not None and state.api_total < stated,
            notes=[*state.problems, *state.caveats], listed_ids=state.api_ids | state.search_ids,
        )

    # ------------------------------------------------------------ documents

    def canonical(self, url: str) -> str:
        """Scheme and host of the catalog base (the API may say https:, http: or //host)."""
        return canonical_url(self.base, self._base_parts, url)

    def listed(self, articles: Iterable[dict[str, Any]], source: str, state: CategoryState,
               capture: str) -> Iterator[ListedPage]:
        """A list or search page's documents as one ListedPage (one output for Scrapy to carry, not one a
        document); what was listed before an error in the entries still goes out, before the error."""
        outputs: list[Any] = []
        error: Exception | None = None
        try:
            for article in articles:
                if (out := self.document(article, source, state, capture)) is not None:
                    outputs.append(out)
        except Exception as exc:  # noqa: BLE001 - re-raised below, after what came before it
            error = exc
        if outputs:
            yield ListedPage(outputs)
        if error is not None:
            raise error

    def document(self, article: dict[str, Any], source: str, state: CategoryState, capture: str) -> Any:
        """A Listed for a document with a page, the item itself for an external-link entry, None for a document
        already asked for (or an entry without an id)."""
        native = str(article.get("id", ""))
        if not native:
            state.problems.append(f"{source}: a list entry without an id")
            return None
        (state.api_ids if source == "api" else state.search_ids).add(native)
        kind = article.get("type") or "normal"
        raw_title = article.get("title", "")
        title = clean_title(str(raw_title))
        if kind != "normal":
            return self.listed_item(article, native, kind, str(article.get("url") or ""), title,
                                    list_fingerprint(article), source, state, capture)
        if not self.documents_requested.add_new(native):
            return None
        # The spider asks for each page once (documents_requested), so Scrapy's duplicate filter need not
        # keep a fingerprint of every document page; the list entry itself stays in the list page's capture.
        # The item and the Request are made only if the incremental middleware finds the page needed (Listed);
        # the URL is resolved now, so an unreadable one fails in this callback as it always did.
        url = self.canonical(str(article.get("url") or ""))
        fingerprint = list_fingerprint(article, title if type(raw_title) is str else None)
        doc = document_id(self.agency_id, self.channel, native)
        return Listed(doc, fingerprint, native, source, capture, title, article_time(article),
                      written_date(article.get("date")),
                      lambda: self.document_request(self.listed_item(article, native, kind, url, title, fingerprint,
                                                                     source, state, capture), doc, source, state))

    def listed_item(self, article: dict[str, Any], native: str, kind: str, url: str, title: str, fingerprint: str,
                    source: str, state: CategoryState, capture: str) -> DocumentItem:
        """The document as its list entry states it (`url`: the canonical URL of a page, else the link as listed)."""
        return DocumentItem(
            agency=self.agency_id, channel="catalog", native_id=native, canonical_url=url, title=title,
            category=str(article.get("classify_main_name") or state.node.name), category_id=str(state.node.id),
            item_type=kind, link_url=url if kind != "normal" else "", post_url=str(article.get("post_url") or ""),
            listing_source=source, list_fingerprint=fingerprint,
            list_capture_id=capture, index_no=str(article.get("identifier") or ""),
            publisher=str(article.get("publisher") or ""), written_date=written_date(article.get("date")),
            published_ts=article_time(article),
            doc_number=str(article.get("document_number") or ""), keywords=str(article.get("keywords") or ""),
            abstract=str(article.get("abstract") or ""),
            attachments=[a for a in (article.get("attachment") or []) if isinstance(a, dict)],
        )

    def document_request(self, item: DocumentItem, doc: str, source: str, state: CategoryState) -> Request:
        return Request(
            item.canonical_url, callback=self.parse_document_page, errback=self.document_failed,
            cb_kwargs={"item": item}, priority=DOCUMENT_PRIORITY, dont_filter=True,
            meta={KNOWN: {"document_id": doc, "fingerprint": item.list_fingerprint},
                  "handle_httpstatus_list": [304, 404], "xxgk_discovery": f"{source}:{state.node.id}"})

    def parse_document_page(self, response: Response, item: DocumentItem) -> Iterator[Any]:
        page = self.parsed_page(response, item, parse_document)
        if page is None:
            yield item
            return
        meta = page.meta
        item.page_fetched = True
        item.page_capture_id = response.meta.get(CAPTURE_ID, "")
        item.title = page.title or item.title
        item.category = meta.get("分类") or item.category
        item.index_no = meta.get("索引号", item.index_no)
        item.publisher = meta.get("发布机构", item.publisher)
        item.written_date = meta.get("成文日期") or item.written_date
        item.published_raw = meta.get("发布日期", "")
        item.doc_number = meta.get("文号", item.doc_number)
        item.keywords = meta.get("主题词", item.keywords)
        item.body_text = page.body_text
        item.checks.extend(page.checks)
        listed = {str(a.get("url", "")): a for a in item.attachments}
        item.attachments = []
        for link in page.attachments:
            info = listed.get(link.url, {})
            item.attachments.append({"id": link.aid, "url": link.url, "name": link.name or info.get("name", ""),
                                     "mime": info.get("mime", ""), "size": info.get("size")})
        item.content_sha256 = hashlib.sha256(
            (item.title + "\n" + item.body_text + "\n" + "\n".join(a["url"] for a in item.attachments)).encode()).hexdigest()
        yield item
        yield from self.attachment_requests(item)

    def document_failed(self, failure: Failure) -> DocumentItem:
        return self.page_not_read(failure)
