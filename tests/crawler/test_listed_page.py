"""A list page's documents go to the incremental middleware as one ListedPage, taken apart there in order.

The catalog spider makes neither the item nor the Request of a listed document until the middleware finds
the page needed; these tests hold what that must not change: which outputs come out, in which order, what
is recorded as seen, and that what was listed before an error still goes on before the error. (The whole
path, against the archive and the simulator, is tests/e2e/test_catalog_crawl.py's unchanged re-crawl.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.items import DocumentItem
from crawler.middlewares.incremental import KNOWN, IncrementalMiddleware, Listed, ListedPage
from crawler.parsing.common import ParseError
from crawler.parsing.gkmlpt import CategoryNode, article_time, clean_title, list_fingerprint
from crawler.spiders.gkmlpt import CategoryState, GkmlptSpider, written_date

BASE = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/"
AGENCY = {"id": "kaiping-edu", "name": "开平市教育局", "host": "www.kaiping.gov.cn", "gkmlpt": {"base": BASE}}


def article(native: int, **kw: Any) -> dict[str, Any]:
    return {"id": native, "title": f"关于 <em>{native}</em> 的通知", "url": f"{BASE}content/1/1/post_{native}.html",
            "date": 1735660800, "create_time": 1735700000, "publisher": "开平市教育局", "identifier": f"X/{native}",
            "attachment": [{"id": 1, "name": "a.pdf", "url": f"{BASE}a.pdf", "size": 3}], **kw}


@pytest.fixture
def spider() -> GkmlptSpider:
    return GkmlptSpider.from_crawler(get_crawler(GkmlptSpider, {"XXGK_AGENCY": AGENCY}))


def state() -> CategoryState:
    return CategoryState(node=CategoryNode(id=7, name="通知公告", parent=0, post_count=9, jump_url="", is_leaf=True, depth=0))


def entries(articles: list[dict[str, Any]], fail_after: bool) -> Iterator[dict[str, Any]]:
    yield from articles
    if fail_after:
        raise ParseError("search result 9: attachment is not a JSON list")


def test_a_page_is_one_output_in_listing_order(spider: GkmlptSpider) -> None:
    st = state()
    listed = [article(1), article(2, type="url", url="http://elsewhere/x"), article(1), article(3)]
    out = list(spider.listed(listed, "api", st, "cap-1"))
    assert len(out) == 1 and isinstance(out[0], ListedPage)
    first, link, third = out[0].outputs  # the second listing of document 1 asks for nothing
    assert isinstance(link, DocumentItem) and link.item_type == "url" and link.link_url == "http://elsewhere/x"
    assert [type(first), type(third)] == [Listed, Listed]
    assert first.document_id == "kaiping-edu/catalog/1" and third.native_id == "3"
    a = listed[0]
    assert first.fingerprint == list_fingerprint(a) and first.title == clean_title(a["title"]) == "关于 1 的通知"
    assert (first.published_ts, first.written_date) == (article_time(a), written_date(a["date"]))
    assert (first.listing_source, first.capture_id) == ("api", "cap-1")
    assert sorted(st.api_ids) == ["1", "2", "3"]


def test_the_request_made_when_needed_carries_the_listed_item(spider: GkmlptSpider) -> None:
    a = article(5)
    (page,) = spider.listed([a], "search", state(), "cap-2")
    (listed,) = page.outputs
    request = listed.make()
    item = request.cb_kwargs["item"]
    assert request.url == a["url"] and request.callback == spider.parse_document_page
    assert request.meta[KNOWN] == {"document_id": "kaiping-edu/catalog/5", "fingerprint": listed.fingerprint}
    assert request.meta["xxgk_discovery"] == "search:7"
    assert (item.native_id, item.canonical_url, item.title, item.category, item.category_id) == (
        "5", a["url"], "关于 5 的通知", "通知公告", "7")
    assert (item.list_fingerprint, item.listing_source, item.list_capture_id) == (listed.fingerprint, "search", "cap-2")
    assert (item.index_no, item.publisher, item.published_ts) == ("X/5", "开平市教育局", 1735700000)
    assert item.written_date == written_date(a["date"]) and item.attachments == a["attachment"]


def test_what_was_listed_before_an_error_goes_on_before_it(spider: GkmlptSpider) -> None:
    outputs = spider.listed(entries([article(1), article(2)], fail_after=True), "search", state(), "")
    page = next(outputs)
    assert [o.native_id for o in page.outputs] == ["1", "2"]
    with pytest.raises(ParseError):
        next(outputs)


class Session:
    """The two questions the middleware asks the archive, answered from a dict (the real archive: e2e tests)."""

    records_seen = True

    def __init__(self, stored: dict[str, str]):
        self.stored, self.seen = stored, []

    def stored_listing(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        return {doc: (self.stored[doc], "live") if doc in self.stored else (None, None) for doc in ids}

    def record_seen(self, rows: list[tuple]) -> None:
        self.seen.append(rows)


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def run(middleware: IncrementalMiddleware, outputs: list[Any], error: Exception | None = None) -> list[Any]:
    async def result() -> AsyncIterator[Any]:
        for out in outputs:
            yield out
        if error is not None:
            raise error

    async def gather() -> list[Any]:
        got = []
        async for out in middleware.process_spider_output(None, result()):
            got.append(out)
        return got

    return asyncio.run(gather())


def never() -> Request:
    raise AssertionError("an unchanged document's Request was made")


def listed(doc: int, fingerprint: str, make: Any = never, title: str = "t") -> Listed:
    return Listed(f"a/catalog/{doc}", fingerprint, str(doc), "api", "cap", title, 1735700000, "2025-01-01", make)


def test_the_middleware_takes_a_page_apart_in_place() -> None:
    session = Session({"a/catalog/1": "f1", "a/catalog/2": "old", "a/catalog/4": "f4"})
    middleware = IncrementalMiddleware(session, Stats(), full_refresh=False)
    wanted = Request("http://h/2")
    before, link, after = Request("http://h/list?page=1"), DocumentItem("a", "catalog", "9", "http://x"), object()
    page = ListedPage([listed(1, "f1"), link, listed(2, "f2", lambda: wanted), listed(4, "f4", title="")])
    out = run(middleware, [before, page, after])
    assert out == [before, link, wanted, after]
    (rows,) = session.seen  # one record_seen a page, for the unchanged documents only
    assert [r[0] for r in rows] == ["a/catalog/1", "a/catalog/4"]
    assert rows[0] == ("a/catalog/1", "api", "cap", [])
    assert rows[1][3] == [{"field": "validation", "table_value": "", "detail_value": "no title"}]
    assert middleware.stats.values["xxgk/documents/unchanged"] == 2


def test_seen_documents_are_recorded_before_the_callbacks_error_is_raised() -> None:
    session = Session({"a/catalog/1": "f1"})
    middleware = IncrementalMiddleware(session, Stats(), full_refresh=False)
    with pytest.raises(ParseError):
        run(middleware, [ListedPage([listed(1, "f1")])], ParseError("truncated"))
    assert [r[0] for r in session.seen[0]] == ["a/catalog/1"]


def test_full_refresh_asks_for_every_page() -> None:
    session = Session({"a/catalog/1": "f1"})
    middleware = IncrementalMiddleware(session, Stats(), full_refresh=True)
    wanted = Request("http://h/1", meta={KNOWN: {"document_id": "a/catalog/1", "fingerprint": "f1"}},
                     cb_kwargs={"item": DocumentItem("a", "catalog", "1", "http://h/1")})
    conditional = []
    middleware._add_validators = conditional.append  # no capture to take validators from here
    assert run(middleware, [ListedPage([listed(1, "f1", lambda: wanted)])]) == [wanted]
    assert session.seen == [] and conditional == [wanted]  # asked for again, conditionally
