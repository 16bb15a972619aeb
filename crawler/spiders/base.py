"""What every archive spider shares: its agency, the registry section it crawls, and the problem
that fails a run (set when the crawl could not even start listing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import DocumentItem
from crawler.parsing.common import ParseError
from crawler.policy import failure_outcome
from crawler.registry import agency_settings


class ArchiveSpider(scrapy.Spider):
    channel: str = ""
    section: str = ""  # the key of the agency's registry file this spider crawls (gkmlpt, website, wechat)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):  # noqa: ANN001, ANN206
        spider = super().from_crawler(crawler, *args, **kwargs)
        agency = spider.agency = agency_settings(crawler.settings, kwargs)
        spider.agency_id = agency["id"]
        spider.index_problem = ""
        spider.attachment_max = crawler.settings.getint("XXGK_ATTACHMENT_MAX_BYTES")
        spider.configure(crawler.settings, agency.get(cls.section) or {})
        return spider

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        """Read this spider's registry section and settings; raise ValueError when they are unusable."""
        raise NotImplementedError

    def parsed_page(self, response: Response, item: DocumentItem, parse: Callable[[str, str], Any]) -> Any | None:
        """The parsed document page, or None when there is nothing to read: unchanged (304), gone
        (404, noted on the item) or unparseable (noted and counted). The item is then yielded as listed."""
        if response.status == 304:
            return None
        if response.status == 404:
            item.checks.append({"field": "page", "table_value": "", "detail_value": "listed, but the page answers 404"})
            return None
        try:
            return parse(response.text, response.url)
        except ParseError as exc:
            item.checks.append({"field": "page", "table_value": "", "detail_value": f"unparseable: {exc}"})
            self.crawler.stats.inc_value("xxgk/documents/unparseable")
            return None

    def leftover_items(self) -> list[Any]:
        """Coverage records the spider still owes when it closes (asked by the store pipeline), so a listing
        unit that never finished is recorded as such rather than missing from the run."""
        return []

    def page_not_read(self, failure: Failure) -> DocumentItem:
        """A document page that could not be read (failed, blocked, truncated, refused, too large): the
        document as listed, with why, so the archive keeps its last good version of the page."""
        item: DocumentItem = failure.request.cb_kwargs["item"]
        outcome = failure_outcome(failure)
        reason = failure.value.reason if outcome == "blocked" else failure.getErrorMessage()
        item.checks.append({"field": "page", "table_value": "", "detail_value": f"not fetched ({outcome}): {reason}"})
        self.crawler.stats.inc_value("xxgk/documents/page_failed")
        self.crawler.stats.inc_value(f"xxgk/documents/page_{outcome}")
        return item
