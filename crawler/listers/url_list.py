"""A plain URL list (XXGK_WECHAT_URL_LIST): a seed file of article links, one a line or in CSV."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.parsing.wechat import parse_url_list

from .base import Lister

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


@dataclass(eq=False)
class UrlListLister(Lister):
    name = "url_list"
    hint = "a URL list (XXGK_WECHAT_URL_LIST)"

    path: str

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[UrlListLister | None, str]:
        path = settings.get("XXGK_WECHAT_URL_LIST")
        return (cls(path), "") if path else (None, "no URL list (XXGK_WECHAT_URL_LIST)")

    def first_requests(self) -> Iterator[Any]:
        try:
            listed = parse_url_list(Path(self.path).read_text(encoding="utf-8"))
        except OSError as exc:
            self.problems.append(f"URL list {self.path}: {exc}")
            yield self.finish("failed")
            return
        yield from self.spider.listed_articles(self, listed, "")
        yield self.finish("complete")
