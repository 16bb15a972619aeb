"""WeRead (微信读书, reference wechat.md §2.3): `/web/mp/articles?bookId=MP_WXS_<bizuin>&offset=` with a
logged-in web session; groups (pushes) of articles, to a limited depth."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.parsing.wechat import parse_weread

from .base import Lister, from_env

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

WEREAD = "https://weread.qq.com"


@dataclass(eq=False)
class WeReadLister(Lister):
    name = "weread"
    hint = "WEREAD_COOKIE"
    needs_biz = True

    cookie: str = field(repr=False)  # a secret: never in a repr

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[WeReadLister | None, str]:
        credentials, missing = from_env(environ, "WEREAD_COOKIE")
        return (cls(credentials["WEREAD_COOKIE"]), "") if credentials else (None, missing)

    def first_requests(self) -> Iterator[Request]:
        yield self.page_request(0)

    def page_request(self, offset: int) -> Request:
        bizuin = base64.b64decode(self.spider.biz).decode()
        url = f"{WEREAD}/web/mp/articles?{urlencode({'bookId': f'MP_WXS_{bizuin}', 'offset': offset})}"
        return self.request(url, self.parse_page, headers={"Cookie": self.cookie}, cb_kwargs={"offset": offset})

    def parse_page(self, response: Response, offset: int) -> Iterator[Any]:
        yield from self.page(response, lambda body: parse_weread(body, offset), self.page_request)
