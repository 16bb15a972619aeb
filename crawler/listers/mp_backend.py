"""The MP backend (公众号后台, reference wechat.md §2.1): `searchbiz` resolves the account by its exact
name (its `fakeid` is the biz), then `appmsgpublish` pages the pushes (`begin` counts pushes), or,
with XXGK_WECHAT_MP_MODE=list_ex, `appmsg list_ex` pages the articles (`begin` counts articles)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.parsing.common import ParseError
from crawler.parsing.wechat import ListerError, parse_appmsgpublish, parse_list_ex, parse_searchbiz

from .base import DESKTOP_UA, MP, Lister, from_env

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


@dataclass(eq=False)
class MpBackendLister(Lister):
    name = "mp_backend"
    hint = "set WECHAT_MP_COOKIE and WECHAT_MP_TOKEN"
    one_account = True

    credentials: dict[str, str] = field(repr=False)  # secrets: never in a repr
    mode: str  # "appmsgpublish" or "list_ex"

    @classmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[MpBackendLister | None, str]:
        credentials, missing = from_env(environ, "WECHAT_MP_COOKIE", "WECHAT_MP_TOKEN")
        if credentials is None:
            return None, missing
        return cls(credentials, settings.get("XXGK_WECHAT_MP_MODE")), ""

    def first_requests(self) -> Iterator[Request]:
        query = {"action": "search_biz", "begin": 0, "count": 5, "query": self.spider.account}
        yield self.mp_request("searchbiz", query, self.parse_searchbiz)

    def mp_request(self, endpoint: str, params: dict[str, Any], callback: Any, **kw: Any) -> Request:
        query = {**params, "token": self.credentials["WECHAT_MP_TOKEN"], "lang": "zh_CN", "f": "json", "ajax": 1}
        headers = {"Cookie": self.credentials["WECHAT_MP_COOKIE"], "Referer": f"{MP}/", "User-Agent": DESKTOP_UA}
        return self.request(f"{MP}/cgi-bin/{endpoint}?{urlencode(query)}", callback, headers=headers, **kw)

    def parse_searchbiz(self, response: Response) -> Iterator[Any]:
        try:
            account = parse_searchbiz(response.body, self.spider.account)
        except ListerError as exc:
            yield from self.stop(exc)
            yield from self.spider.biz_unknown()
            return
        except ParseError as exc:  # a truncated or garbled answer: this lister ends, the others are told
            self.problems.append(f"searchbiz: {exc}")
            yield self.finish("failed")
            yield from self.spider.biz_unknown()
            return
        if not account:
            self.problems.append(f"searchbiz found no account named {self.spider.account!r}")
            yield self.finish("account_not_found")
            yield from self.spider.biz_unknown()
            return
        yield from self.spider.learned_biz(account["fakeid"])
        yield self.list_request(0)

    def list_request(self, begin: int) -> Request:
        biz = self.spider.biz
        if self.mode == "list_ex":
            params = {"action": "list_ex", "begin": begin, "count": 20, "fakeid": biz, "type": 9, "query": ""}
            return self.mp_request("appmsg", params, self.parse_page, cb_kwargs={"begin": begin})
        params = {"sub": "list", "search_field": "null", "begin": begin, "count": 20, "query": "", "fakeid": biz,
                  "type": "101_1", "free_publish_type": 1, "sub_action": "list_ex"}
        return self.mp_request("appmsgpublish", params, self.parse_page, cb_kwargs={"begin": begin})

    def parse_page(self, response: Response, begin: int) -> Iterator[Any]:
        parse = parse_list_ex if self.mode == "list_ex" else parse_appmsgpublish
        yield from self.page(response, lambda body: parse(body, begin), self.list_request)
