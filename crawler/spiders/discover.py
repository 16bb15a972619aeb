"""The discovery spider: what an agency's gkmlpt catalog and website say about themselves.

Run by `xxgk agencies add` and `xxgk agencies check` (one crawl per process, the project's polite
settings: robots.txt, delays, the identifying User-Agent; the simulator routing when asked), or by hand:
`scrapy crawl discover -a gkmlpt=URL [-a website=URL]`. It archives nothing.

index → `window._CONFIG` (name, SID, TREE, search endpoint, the annual report's category) → page 1 of
that category's list API (the reports and their website twins' `post_url`) → the website's home page
(given, or guessed from a twin's URL) → the columns and sections its navigation links to, a bounded
number of pages deep. Every reading is a pure function of crawler/parsing/discovery.py; what was read,
and what could not be, ends in `self.findings` (crawler/discovery.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery import Findings
from crawler.parsing.blocks import detect_block
from crawler.parsing.common import ParseError
from crawler.parsing.discovery import (
    article_column,
    is_annual_report_title,
    read_catalog_index,
    read_listing,
    read_site_page,
    site_path,
    website_guess,
)

ALL_STATUSES = {"handle_httpstatus_all": True}
# Components of the project settings that archive what a crawl reads: off for discovery.
ARCHIVING = {"DOWNLOADER_MIDDLEWARES": ["crawler.middlewares.capture.CaptureMiddleware"],
             "SPIDER_MIDDLEWARES": ["crawler.middlewares.incremental.IncrementalMiddleware"],
             "EXTENSIONS": ["crawler.extensions.runlog.RunLogExtension", "crawler.extensions.progress.ProgressExtension"]}


class DiscoverySpider(scrapy.Spider):
    name = "discover"

    def __init__(self, gkmlpt: str = "", website: str = "", columns: str | list[str] = "", **kwargs: Any):
        super().__init__(**kwargs)
        base = gkmlpt.strip()
        self.findings = Findings(gkmlpt_base=base if not base or base.endswith("/") else base + "/",
                                 website_base=_slashed(website.strip()))
        self.known_columns = [c.strip("/") for c in (columns.split(",") if isinstance(columns, str) else columns)
                              if c.strip("/")]
        self.requested: set[str] = set()
        # The fetch policy lets a discovery reach the hosts the user named (and their subdomains), nothing else.
        self.allowed_domains = sorted({h for h in (urlsplit(u).hostname for u in (base, website.strip()) if u) if h})

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """The project's settings without what archives (captures, run log, pipelines): discovery keeps nothing."""
        super().update_settings(settings)
        for key, off in ARCHIVING.items():
            settings.set(key, {**settings.getdict(key), **dict.fromkeys(off)}, priority="spider")
        settings.set("ITEM_PIPELINES", {}, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):  # noqa: ANN001, ANN206 - Scrapy's factory signature
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("XXGK_DISCOVERY_MAX_PAGES")
        spider.max_depth = crawler.settings.getint("XXGK_DISCOVERY_MAX_DEPTH")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        f = self.findings
        if f.gkmlpt_base:
            yield Request(urljoin(f.gkmlpt_base, "index"), callback=self.parse_index, errback=self.failed,
                          meta={**ALL_STATUSES, "role": "index"}, dont_filter=True)
        if f.website_base:
            for request in self.website_requests():
                yield request

    def website_requests(self) -> Iterator[Request]:
        base = self.findings.website_base
        yield from self.site_request(base, 0)
        for column in self.known_columns:  # `check`: the file's columns, whether the navigation links them or not
            yield from self.site_request(urljoin(base, column + "/"), 1)

    # ------------------------------------------------------------ responses

    def readable(self, response: Response, role: str) -> bool:
        """True for a 200 that is content; otherwise the reason is recorded under `role`."""
        reason = ""
        if response.status != 200:
            reason = f"HTTP {response.status}"
        else:
            block = detect_block(response.status, {k.decode(): v[0].decode("latin-1")
                                                   for k, v in response.headers.items() if v}, response.body,
                                 response.url)
            if block:
                reason = f"blocked ({block})"
        if reason:
            self.findings.problems[role] = f"{response.url}: {reason}"
        return not reason

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        role = request.meta.get("role", request.url)
        self.findings.problems[role] = f"{request.url}: {failure.getErrorMessage() or failure.type.__name__}"

    def parse_index(self, response: Response) -> Iterator[Request]:
        f = self.findings
        f.fetched.append(response.url)
        if not self.readable(response, "index"):
            return
        try:
            f.catalog = read_catalog_index(response.text)
        except ParseError as exc:
            f.problems["index"] = f"{response.url}: {exc}"
            return
        if f.catalog.report:
            url = urljoin(f.gkmlpt_base, f"api/all/{f.catalog.report['id']}?page=1&sid={f.catalog.sid}")
            yield Request(url, callback=self.parse_listing, errback=self.failed,
                          meta={**ALL_STATUSES, "role": "listing"}, dont_filter=True)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        f = self.findings
        f.fetched.append(response.url)
        f.listing_url = response.url
        if not self.readable(response, "listing"):
            return
        try:
            _, f.listing = read_listing(response.body)
        except ParseError as exc:
            f.problems["listing"] = f"{response.url}: {exc}"
            return
        if not f.website_base:
            for item in f.listing:
                guess = website_guess(item.post_url, f.gkmlpt_base) if item.post_url else ""
                if guess:
                    f.website_base, f.website_guessed = guess, item.post_url
                    yield from self.website_requests()
                    break
        # The column an annual report's website twin lives in, whether the navigation links it or not.
        for item in f.listing:
            column = article_column(item.post_url, f.website_base) if f.website_base and item.post_url else None
            if column and is_annual_report_title(item.title):
                f.twin_columns.setdefault(column, item.post_url)
                yield from self.site_request(urljoin(f.website_base, column + "/"), 1)

    def site_request(self, url: str, depth: int) -> Iterator[Request]:
        path = site_path(url, self.findings.website_base)
        if path is None or path in self.requested or len(self.requested) >= self.max_pages:
            return
        self.requested.add(path)
        yield Request(url, callback=self.parse_site_page, errback=self.failed, dont_filter=True,
                      meta={**ALL_STATUSES, "role": f"page:{path}"}, cb_kwargs={"depth": depth})

    def parse_site_page(self, response: Response, depth: int) -> Iterator[Request]:
        f = self.findings
        f.fetched.append(response.url)
        path = site_path(response.url, f.website_base)
        if path is None or not self.readable(response, f"page:{path}"):
            return
        page = read_site_page(response.text, response.url, f.website_base)
        f.pages[page.path] = page
        for link in page.links:
            if link.name:
                f.link_names.setdefault(link.path, link.name)
        if depth >= self.max_depth:
            return
        for link in page.links:
            if follows(page.kind, page.path, link.path):
                yield from self.site_request(link.url, depth + 1)

    def closed(self, reason: str) -> None:
        f = self.findings
        f.finish_reason = reason
        self.logger.info("discovered: SID %s, %d categories, report category %s; website %s: %d columns; "
                         "not read: %s", f.catalog.sid if f.catalog else "-", len(f.catalog.flat) if f.catalog else 0,
                         (f.catalog.report or {}).get("name", "-") if f.catalog else "-", f.website_base or "-",
                         len(f.columns()), "; ".join(f.problems.values()) or "nothing")


def follows(kind: str, path: str, target: str) -> bool:
    """Which links discovery follows: everything the home page links to; what lies below a section; a column's
    siblings (its side navigation) and sub-columns."""
    if kind == "home":
        return True
    if kind == "section":
        return target.startswith(path + "/")
    if kind == "column":
        parent = path.rpartition("/")[0]
        return target.startswith(path + "/") or bool(parent) and target.rpartition("/")[0] == parent
    return False


def _slashed(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"
