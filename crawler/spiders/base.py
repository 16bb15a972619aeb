"""What every archive spider shares: its agency, the registry section it crawls, and the problem
that fails a run (set when the crawl could not even start listing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import DocumentItem
from crawler.parsing.common import ParseError
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
