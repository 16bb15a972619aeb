"""The MP backend (公众号后台, reference wechat.md §2.1): `searchbiz` resolves the account by its exact
name (its `fakeid` is the biz), then `appmsgpublish` pages the pushes (`begin` counts pushes), or,
with XXGK_WECHAT_MP_MODE=list_ex, `appmsg list_ex` pages the articles (`begin` counts articles).

appmsgpublish answers some pushes with an empty `publish_info` (a real exporter drops them, §2.1):
the push counts but its date and articles are not shown. Once the push list is read, the lister
seeks each such push through its other mode: list_ex lists articles newest first, so the known
pushes on either side bracket where the missing one sits (`begin` starts near the number of
articles listed before it; list_ex hides some articles, so the seek steps back when it lands past
the gap). What it finds is listed, and every gap is noted in the coverage record (a caveat: the list itself
was read to its end), including a push list_ex cannot show (its articles deleted or in violation,
which list_ex does not list). A seek that list_ex refuses is a problem: the listing is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from archive.times import local_date
from crawler.middlewares.capture import CAPTURE_ID
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import ListerError, parse_appmsgpublish, parse_list_ex, parse_searchbiz
from crawler.parsing.wechat.listers import ListedArticle, PushEntry

from .base import DESKTOP_UA, MP, Lister, from_env

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PAGE = 20  # the backend's largest page (the exporter's ARTICLE_LIST_PAGE_SIZE)


@dataclass
class Gap:
    """Consecutive appmsgpublish entries with an empty publish_info, and what brackets them."""

    pushes: int  # how many empty entries
    newer: int | None  # send time of the nearest known push listed before (newer), Unix seconds
    older: int | None  # … and after (older)
    newer_mids: set[int]  # mids of every known push before the gap
    older_mids: set[int]  # … and after it
    articles_before: int  # articles appmsgpublish listed before the gap
    found: dict[int, list[ListedArticle]] = field(default_factory=dict)  # mid → articles list_ex shows
    visited: set[int] = field(default_factory=set)  # list_ex begins asked for

    def where(self) -> str:
        newer = local_date(self.newer) if self.newer else "the newest push"
        older = local_date(self.older) if self.older else "the oldest push"
        return f"between {older} and {newer}"


def gaps_of(entries: list[PushEntry]) -> list[Gap]:
    """The runs of empty entries in the push list, each with its bracket."""
    after: list[set[int]] = [set() for _ in range(len(entries) + 1)]  # mids of every entry from i on
    for i in range(len(entries) - 1, -1, -1):
        after[i] = after[i + 1] | entries[i].mids
    gaps: list[Gap] = []
    articles = 0
    newer: int | None = None
    i = 0
    while i < len(entries):
        if not entries[i].empty:
            articles += entries[i].articles
            newer = entries[i].sent_at if entries[i].sent_at is not None else newer
            i += 1
            continue
        j = i
        while j < len(entries) and entries[j].empty:
            j += 1
        older = next((e.sent_at for e in entries[j:] if e.sent_at is not None), None)
        gaps.append(Gap(pushes=j - i, newer=newer, older=older, newer_mids=after[0] - after[i],
                        older_mids=after[j], articles_before=articles))
        i = j
    return gaps


@dataclass(eq=False)
class MpBackendLister(Lister):
    name = "mp_backend"
    hint = "set WECHAT_MP_COOKIE and WECHAT_MP_TOKEN"
    one_account = True

    credentials: dict[str, str] = field(repr=False)  # secrets: never in a repr
    mode: str  # "appmsgpublish" or "list_ex"
    entries: list[PushEntry] = field(default_factory=list)  # appmsgpublish's push list, in order
    gaps: list[Gap] = field(default_factory=list)

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

    def list_ex_request(self, begin: int, callback: Any, **kw: Any) -> Request:
        params = {"action": "list_ex", "begin": begin, "count": PAGE, "fakeid": self.spider.biz, "type": 9, "query": ""}
        return self.mp_request("appmsg", params, callback, **kw)

    def list_request(self, begin: int) -> Request:
        if self.mode == "list_ex":
            return self.list_ex_request(begin, self.parse_page, cb_kwargs={"begin": begin})
        params = {"sub": "list", "search_field": "null", "begin": begin, "count": PAGE, "query": "",
                  "fakeid": self.spider.biz, "type": "101_1", "free_publish_type": 1, "sub_action": "list_ex"}
        return self.mp_request("appmsgpublish", params, self.parse_page, cb_kwargs={"begin": begin})

    def parse_page(self, response: Response, begin: int) -> Iterator[Any]:
        if self.mode == "list_ex":
            yield from self.page(response, lambda body: parse_list_ex(body, begin), self.list_request)
            return

        def parse(body: bytes) -> Any:
            page = parse_appmsgpublish(body, begin)
            self.entries += page.entries
            return page

        yield from self.page(response, parse, self.list_request)

    # ------------------------------------------------------------ empty publish_info: seek through list_ex

    def listed_all(self) -> Iterator[Any]:
        self.gaps = gaps_of(self.entries)
        if not self.gaps:
            yield from super().listed_all()
            return
        yield self.seek(0, self.start_of(self.gaps[0]))

    @staticmethod
    def start_of(gap: Gap) -> int:
        # list_ex shows at most the articles appmsgpublish listed before the gap: start a page early
        return max(0, gap.articles_before - (PAGE - 1))

    def seek(self, k: int, begin: int) -> Request:
        self.gaps[k].visited.add(begin)
        return self.list_ex_request(begin, self.parse_seek, cb_kwargs={"k": k, "begin": begin},
                                    discovery=f"lister:{self.name}:seek")

    def parse_seek(self, response: Response, k: int, begin: int) -> Iterator[Any]:
        gap = self.gaps[k]
        try:
            page = parse_list_ex(response.body, begin)
        except ListerError as exc:
            self.note_gaps(k, f"list_ex refused ({exc.code})")
            yield from self.stop(exc)
            return
        except ParseError as exc:
            self.note_gaps(k, f"list_ex unreadable: {exc}")
            yield self.finish("failed")
            return
        self.pages += 1
        places = [self.place(gap, art) for art in page.articles]
        for art, place in zip(page.articles, places, strict=True):
            if place == "gap" and art.mid is not None:
                gap.found.setdefault(art.mid, []).append(art)
        back = max(0, begin - PAGE)
        if begin > 0 and back not in gap.visited and (not places or places[0] != "newer"):
            yield self.seek(k, back)  # landed inside or past the gap (or the end): its start may be before
        elif places and places[-1] != "older" and page.next_offset is not None and page.next_offset not in gap.visited:
            yield self.seek(k, page.next_offset)
        else:
            yield from self.gap_done(k, response.meta.get(CAPTURE_ID, ""))

    @staticmethod
    def place(gap: Gap, art: ListedArticle) -> str:
        """Where a list_ex article sits against the gap: "newer", "gap" or "older". Its push (mid) says
        so when appmsgpublish listed that push; otherwise its time against the bracket."""
        if art.mid in gap.newer_mids:
            return "newer"
        if art.mid in gap.older_mids:
            return "older"
        if gap.newer is not None and art.sent_at is not None and art.sent_at > gap.newer:
            return "newer"  # a push of another gap
        if gap.older is not None and art.sent_at is not None and art.sent_at < gap.older:
            return "older"
        return "gap"

    def gap_done(self, k: int, capture: str) -> Iterator[Any]:
        gap = self.gaps[k]
        found = [a for arts in gap.found.values() for a in arts]
        pushes = ", ".join(f"push {mid} ({len(arts)} articles)" for mid, arts in gap.found.items())
        where = f"{gap.pushes} push(es) {gap.where()} came with an empty publish_info"
        if len(gap.found) >= gap.pushes:
            self.caveats.append(f"{where}: found through list_ex: {pushes}; list_ex does not list deleted or "
                                "violating articles, so those of these pushes are not known")
        else:
            missing = gap.pushes - len(gap.found)
            self.caveats.append(f"{where}: list_ex shows {pushes or 'no article'} there, so {missing} push(es) "
                                "stay unknown (their articles deleted or in violation, which list_ex does not list?)")
        yield from self.spider.listed_articles(self, found, capture)
        if k + 1 < len(self.gaps):
            yield self.seek(k + 1, self.start_of(self.gaps[k + 1]))
        else:
            yield self.finish("complete")

    def refused(self, exc: ListerError) -> Iterator[Any]:
        self.gaps = gaps_of(self.entries)
        self.note_gaps(0, "the push list stopped first")
        yield from self.stop(exc)

    def note_gaps(self, k: int, why: str) -> None:
        for gap in self.gaps[k:]:
            self.problems.append(f"{gap.pushes} push(es) {gap.where()} came with an empty publish_info and were "
                                 f"not sought: {why}")
