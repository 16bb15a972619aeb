"""The interface of a WeChat lister: one source of an account's article links (reference wechat.md §2).

WeChat has no public listing, so each lister sees part of an account's history. A lister is enabled
by its own configuration (settings, the agency's `wechat` registry section, and environment
variables for credentials, which are read nowhere else), starts with the requests it needs, parses
its own responses and keeps its own coverage state. What it lists goes to the spider
(`WechatSpider.listed_articles`), which records pushes, learns the account's biz, fetches the
articles and writes each lister's coverage record (`WechatSpider.finish_lister`); the spider also
stops every lister at the verification wall.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from scrapy import Request
from scrapy.http import Response

from archive.times import local_date
from crawler.items import CategoryRunItem
from crawler.middlewares.capture import CAPTURE_ID
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import ListerError, ListerPage

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

MP = "https://mp.weixin.qq.com"
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
# Listers explain refusals in the body (WeRead errCode with 401, a bridge's 400): parse, don't drop.
LISTER_ERROR_STATUSES = [400, 401, 403]


class ListingSpider(Protocol):
    """What a lister needs of the spider that drives it (the WeChat spider): the account, what it has
    learned, and where listed articles, failures and coverage records go."""

    account: str
    biz: str
    logger: Any

    def listed_articles(self, lister: Lister, articles: list[Any], capture: str) -> Iterator[Any]: ...

    def learned_biz(self, biz: str) -> Iterator[Any]: ...

    def biz_unknown(self) -> Iterator[Any]: ...

    def lister_failed(self, failure: Any) -> Iterator[Any]: ...

    def finish_lister(self, lister: Lister, reason: str) -> CategoryRunItem | None: ...


def from_env(environ: Mapping[str, str], *names: str) -> tuple[dict[str, str] | None, str]:
    """The named environment variables, or None and which of them are missing or empty."""
    values = {n: environ.get(n, "") for n in names}
    missing = [n for n, v in values.items() if not v]
    return (None, f"{', '.join(missing)} not set") if missing else (values, "")


@dataclass(kw_only=True, eq=False)
class Lister(ABC):
    """A lister's configuration is its subclass's dataclass fields, its coverage state the fields
    here. Subclasses are `@dataclass(eq=False)` too: a lister is stateful, equal only to itself."""

    name: ClassVar[str]  # the source tag of what it lists, its coverage record, meta["lister"]
    # How to turn it on, as one alternative of the spider's "no lister is configured: …" sentence.
    hint: ClassVar[str]
    needs_biz: ClassVar[bool] = False  # asks for the account by its biz: starts once the spider knows it
    one_account: ClassVar[bool] = False  # lists one account: what it lists without a biz is that account's

    pages: int = 0
    listed: int = 0
    total: int | None = None
    oldest: int | None = None  # earliest push time seen, Unix seconds
    stop_reason: str = ""
    problems: list[str] = field(default_factory=list)  # what kept the listing from being complete
    caveats: list[str] = field(default_factory=list)  # how it was read, where a reader should know (not gaps)
    done: bool = False
    spider: ListingSpider = field(init=False, repr=False)  # bound by start()

    @classmethod
    @abstractmethod
    def enable(cls, settings: BaseSettings, section: Mapping[str, Any],
               environ: Mapping[str, str]) -> tuple[Lister | None, str]:
        """This lister, configured, when settings, the registry's wechat section and the environment
        enable it; else None and why not."""

    def start(self, spider: ListingSpider) -> Iterable[Any]:
        """The lister's first requests (and items); from now on it answers to `spider`."""
        self.spider = spider
        return self.first_requests()

    @abstractmethod
    def first_requests(self) -> Iterable[Any]: ...

    # ------------------------------------------------------------ helpers for the listers

    def request(self, url: str, callback: Callable[..., Any], discovery: str = "", **kw: Any) -> Request:
        """A lister request: never filtered as a duplicate, refusals parsed, failures to the spider."""
        meta: dict[str, Any] = {"xxgk_discovery": discovery or f"lister:{self.name}", "lister": self.name}
        if "Cookie" in (kw.get("headers") or {}):
            meta["dont_merge_cookies"] = True  # the credential cookie goes as given, never into the cookie jar
        meta["handle_httpstatus_list"] = LISTER_ERROR_STATUSES
        return Request(url, callback=callback, errback=self.spider.lister_failed, meta=meta, dont_filter=True, **kw)

    def page(self, response: Response, parse: Callable[[bytes], ListerPage],
             next_request: Callable[[int], Request]) -> Iterator[Any]:
        """One page of a paged list: its articles to the spider, then the next page or the end."""
        try:
            page = parse(response.body)
        except ListerError as exc:
            yield from self.refused(exc)
            return
        except ParseError as exc:
            self.problems.append(f"page {self.pages + 1}: {exc}")
            yield self.finish("failed")
            return
        self.pages += 1
        self.total = page.total if page.total is not None else self.total
        yield from self.spider.listed_articles(self, page.articles, response.meta.get(CAPTURE_ID, ""))
        if page.next_offset is None:
            yield from self.listed_all()
        else:
            yield next_request(page.next_offset)

    def listed_all(self) -> Iterator[Any]:
        """The paged list reached its end. A lister with more to do afterwards overrides this."""
        yield self.finish("complete")

    def refused(self, exc: ListerError) -> Iterator[Any]:
        """The API refused a page: by default, stop. A lister that can tell more first overrides this."""
        yield from self.stop(exc)

    def stop(self, exc: ListerError) -> Iterator[Any]:
        """The API refused: stop here and say how far back the list got."""
        oldest = local_date(self.oldest) if self.oldest else "nothing"
        self.problems.append(f"{exc} (code {exc.code}); reached back to {oldest}")
        self.spider.logger.warning(f"lister {self.name} stopped: {exc}")
        yield self.finish(exc.kind)

    def finish(self, reason: str) -> CategoryRunItem | None:
        return self.spider.finish_lister(self, reason)
