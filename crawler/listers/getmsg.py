"""The client's history list (reference wechat.md §2.2): `mp/profile_ext?action=getmsg` with the
credentials of a logged-in WeChat client; 群发 pushes only, paged by the `next_offset` it answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.parsing.wechat import parse_getmsg

from .base import MP, Lister, from_env

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


@dataclass(eq=False)
class GetmsgLister(Lister):
    name = "getmsg"
    hint = "WECHAT_UIN, WECHAT_KEY and WECHAT_PASS_TICKET"
    needs_biz = True
    one_account = True

    credentials: dict[str, str] = field(repr=False)  # secrets: never in a repr

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[GetmsgLister | None, str]:
        credentials, missing = from_env(environ, "WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET")
        return (cls(credentials), "") if credentials else (None, missing)

    def first_requests(self) -> Iterator[Request]:
        yield self.page_request(0)

    def page_request(self, offset: int) -> Request:
        query = {"action": "getmsg", "__biz": self.spider.biz, "f": "json", "offset": offset, "count": 10, "is_ok": 1,
                 "scene": 124, "uin": self.credentials["WECHAT_UIN"], "key": self.credentials["WECHAT_KEY"],
                 "pass_ticket": self.credentials["WECHAT_PASS_TICKET"]}
        return self.request(f"{MP}/mp/profile_ext?{urlencode(query)}", self.parse_page)

    def parse_page(self, response: Response) -> Iterator[Any]:
        yield from self.page(response, parse_getmsg, self.page_request)
