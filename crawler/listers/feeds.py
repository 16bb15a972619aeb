"""Feed import (reference wechat.md §2.5): Atom, RSS 2.0 or JSON Feed documents from a bridge such as
wewe-rss (one request per URL: a bridge serves what it stored, there is nothing to page back to) or
from local files. Sources: XXGK_WECHAT_FEEDS, else the registry's `wechat.feeds`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from crawler.middlewares.capture import CAPTURE_ID
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import parse_feed

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

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[FeedLister | None, str]:
        sources = settings.getlist("XXGK_WECHAT_FEEDS") or section.get("feeds") or []
        return (cls(sources), "") if sources else (None, "no feeds (XXGK_WECHAT_FEEDS, wechat.feeds)")

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
            listed = parse_feed(Path(source).read_bytes())
        except (OSError, ParseError) as exc:
            self.problems.append(f"feed {source}: {exc}")
            return
        yield from self.spider.listed_articles(self, listed, "")

    def parse_response(self, response: Response) -> Iterator[Any]:
        try:
            listed = parse_feed(response.body, (response.headers.get(b"Content-Type") or b"").decode("latin-1"))
        except ParseError as exc:
            self.problems.append(f"feed {response.url}: {exc}")
            yield self.finish("failed")
            return
        self.pages += 1
        yield from self.spider.listed_articles(self, listed, response.meta.get(CAPTURE_ID, ""))
        if self.pages >= sum(map(_remote, self.sources)):
            yield self.finish("complete" if not self.problems else "failed")
