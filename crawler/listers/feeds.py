"""Feed import (reference wechat.md §2.5): Atom, RSS 2.0 or JSON Feed documents from a bridge such as
wewe-rss or we-mp-rss (one request per URL: a bridge serves what it stored, there is nothing to page
back to) or from local files. Sources: XXGK_WECHAT_FEEDS, else the registry's `wechat.feeds`. Times
written without a zone (we-mp-rss) are read in XXGK_WECHAT_FEED_ZONE, and the coverage record says so."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.http import Response

from crawler.middlewares.capture import CAPTURE_ID
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import Feed, parse_feed

from .base import Lister

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def _remote(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@dataclass(eq=False)
class FeedLister(Lister):
    name = "feed"
    hint = "give feeds (XXGK_WECHAT_FEEDS)"

    sources: list[str]  # URLs and file paths
    zone: ZoneInfo  # of times written without one

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[FeedLister | None, str]:
        sources = settings.getlist("XXGK_WECHAT_FEEDS") or section.get("feeds") or []
        if not sources:
            return None, "no feeds (XXGK_WECHAT_FEEDS, wechat.feeds)"
        name = settings.get("XXGK_WECHAT_FEED_ZONE")
        try:
            return cls(sources, ZoneInfo(name)), ""
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"XXGK_WECHAT_FEED_ZONE={name!r} is not a time zone name (e.g. Asia/Shanghai, UTC)") from None

    def read(self, feed: Feed, source: str, capture: str) -> Iterator[Any]:
        for note in feed.notes:
            self.caveats.append(f"feed {source}: {note}")
        yield from self.spider.listed_articles(self, feed.items, capture)

    def first_requests(self) -> Iterator[Any]:
        for i, source in enumerate(self.sources):
            if _remote(source):
                yield self.request(source, self.parse_response, discovery=f"lister:feed:{i}")
            else:
                yield from self.read_file(source)
        if not any(map(_remote, self.sources)):
            yield self.finish("complete" if not self.problems else "failed")

    def read_file(self, source: str) -> Iterator[Any]:
        try:
            feed = parse_feed(Path(source).read_bytes(), naive_zone=self.zone)
        except (OSError, ParseError) as exc:
            self.problems.append(f"feed {source}: {exc}")
            return
        yield from self.read(feed, source, "")

    def parse_response(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            feed = parse_feed(response.body, content_type, naive_zone=self.zone)
        except ParseError as exc:
            self.problems.append(f"feed {response.url}: {exc}")
            yield self.finish("failed")
            return
        self.pages += 1
        yield from self.read(feed, response.url, response.meta.get(CAPTURE_ID, ""))
        if self.pages >= sum(map(_remote, self.sources)):
            yield self.finish("complete" if not self.problems else "failed")
