"""WeRead (微信读书, reference wechat.md §2.3): `/web/mp/articles?bookId=MP_WXS_<bizuin>&offset=` with a
logged-in web session; groups (pushes) of articles, to a limited depth.

errCode -2041 means "not logged in", but since 2026-10 WeRead is reported to answer it for some
accounts' article lists with a valid login. The lister then asks the shelf (`/web/shelf/bookIds`,
login only): a shelf that answers says the login is fine and the account is refused, so the message
names the right remedy (another lister, not a new cookie)."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.parsing.common import ParseError
from crawler.parsing.wechat import ListerError, parse_weread, parse_weread_shelf
from crawler.parsing.wechat.listers import WEREAD_REFUSED

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

    def refused(self, exc: ListerError) -> Iterator[Any]:
        if exc.code != WEREAD_REFUSED:
            yield from self.stop(exc)
            return
        # a dead login or a refused account: the shelf tells which
        yield self.request(f"{WEREAD}/web/shelf/bookIds", self.parse_shelf, headers={"Cookie": self.cookie},
                           cb_kwargs={"refusal": exc})

    def parse_shelf(self, response: Response, refusal: ListerError) -> Iterator[Any]:
        try:
            logged_in = parse_weread_shelf(response.body)
        except ParseError:
            logged_in = False
        if not logged_in:
            yield from self.stop(refusal)
            return
        yield from self.stop(ListerError(
            f"{str(refusal).split(':', 1)[0]}: WeRead refuses the article list of MP_WXS_"
            f"{base64.b64decode(self.spider.biz).decode()} although the login works (the shelf answers): reported "
            "for some accounts since 2026-10; a new WEREAD_COOKIE will not help, list this account with another "
            "lister (MP backend, getmsg, a feed or a URL list)", WEREAD_REFUSED, "refused"))
