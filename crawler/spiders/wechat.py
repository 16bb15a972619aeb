"""The WeChat spider: pluggable listers, then one public article fetcher.

WeChat has no public listing, so listers each see part of an account's history and tag what they
yield with their source (reference wechat.md §2, §4.1): the MP backend (`appmsgpublish`, or
`list_ex` as a sub-mode), WeRead, `profile_ext getmsg`, feed import (Atom / RSS 2.0 / JSON Feed from
a file or URL) and a plain URL list. A lister runs only when its configuration is present;
credentials come only from environment variables (WECHAT_MP_COOKIE + WECHAT_MP_TOKEN,
WECHAT_UIN + WECHAT_KEY + WECHAT_PASS_TICKET, WEREAD_COOKIE; read counts with WECHAT_WAP_SID2 +
WECHAT_PASS_TICKET). 200013 stops that lister and records how far back it got; an expired login
gives a message saying what to refresh; the verification wall stops the whole run politely.

Every listed URL goes through the article fetcher, which records the page state (ok / deleted /
violation / unavailable; blocked pages are never parsed). Identity is (biz, mid, idx).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.times import local_date
from crawler.items import CategoryRunItem, DocumentItem, MetricItem, WechatPushItem
from crawler.middlewares.capture import BLOCKED, CAPTURE_ID
from crawler.middlewares.incremental import KNOWN
from crawler.middlewares.retry import BlockedResponse
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import (
    ListedArticle,
    ListerError,
    ListerPage,
    parse_appmsgpublish,
    parse_article,
    parse_feed,
    parse_getmsg,
    parse_list_ex,
    parse_searchbiz,
    parse_url_list,
    parse_weread,
)
from crawler.spiders.base import ArchiveSpider

MP = "https://mp.weixin.qq.com"
# Listers explain refusals in the body (WeRead errCode with 401, a bridge's 400): parse, don't drop.
LISTER_ERROR_STATUSES = [400, 401, 403]
WEREAD = "https://weread.qq.com"
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def env(*names: str) -> dict[str, str] | None:
    """The named environment variables, or None when any is missing or empty."""
    values = {n: os.environ.get(n, "") for n in names}
    return values if all(values.values()) else None


def listing_fingerprint(art: ListedArticle) -> str:
    """What a listing can tell about a change of an article, the same whichever lister shows it.

    WeChat articles are not edited in place, so the only listed change is a deletion (listers that
    hide deleted items say nothing, which reads as "not deleted")."""
    return hashlib.sha256(f"deleted={bool(art.deleted)}".encode()).hexdigest()


@dataclass
class ListerState:
    name: str
    pages: int = 0
    listed: int = 0
    total: int | None = None
    oldest: int | None = None
    stop_reason: str = ""
    problems: list[str] = field(default_factory=list)
    done: bool = False


class WechatSpider(ArchiveSpider):
    name = "wechat"
    channel = "wechat"

    section = "wechat"

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        if not section.get("account"):
            raise ValueError(f"agency {self.agency_id!r} has no WeChat account in its registry file")
        self.account = section["account"]
        self.biz = settings.get("XXGK_WECHAT_BIZ") or section.get("biz") or ""
        self.mp_mode = settings.get("XXGK_WECHAT_MP_MODE", "appmsgpublish")
        self.feeds = settings.getlist("XXGK_WECHAT_FEEDS") or section.get("feeds") or []
        self.url_list = settings.get("XXGK_WECHAT_URL_LIST", "")
        self.mp = env("WECHAT_MP_COOKIE", "WECHAT_MP_TOKEN")
        self.client = env("WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET")
        self.weread = env("WEREAD_COOKIE")
        self.readers = env("WECHAT_WAP_SID2", "WECHAT_PASS_TICKET")
        self.listers: dict[str, ListerState] = {}
        self.fetched: set[str] = set()  # article keys or URLs already asked for
        self.waiting_for_biz: list[str] = []

    # ------------------------------------------------------------ start

    async def start(self) -> AsyncIterator[Request]:
        planned = []
        if self.mp:
            planned.append("mp_backend")
        if self.client:
            planned.append("getmsg")
        if self.weread:
            planned.append("weread")
        if self.feeds:
            planned.append("feed")
        if self.url_list:
            planned.append("url_list")
        if not planned:
            self.index_problem = ("no WeChat lister is configured: set WECHAT_MP_COOKIE and WECHAT_MP_TOKEN, or "
                                  "WECHAT_UIN, WECHAT_KEY and WECHAT_PASS_TICKET, or WEREAD_COOKIE, or give feeds "
                                  "(XXGK_WECHAT_FEEDS) or a URL list (XXGK_WECHAT_URL_LIST)")
            self.logger.error(self.index_problem)
            return
        for name in planned:
            self.listers[name] = ListerState(name)
        if "mp_backend" in planned:
            yield self.mp_request("searchbiz", {"action": "search_biz", "begin": 0, "count": 5, "query": self.account},
                                  self.parse_searchbiz)
        for name in ("getmsg", "weread"):
            if name in planned:
                if self.biz:
                    yield self.first_request(name)
                else:
                    self.waiting_for_biz.append(name)  # started once an article page or searchbiz tells the biz
        for i, source in enumerate(self.feeds):
            for out in self.feed_source(source, i):
                yield out
        if self.feeds and not any(f.startswith(("http://", "https://")) for f in self.feeds):
            yield self.finish_lister(self.listers["feed"], "complete" if not self.listers["feed"].problems else "failed")
        if self.url_list:
            for out in self.url_list_source():
                yield out

    def first_request(self, name: str) -> Request:
        return self.getmsg_request(0) if name == "getmsg" else self.weread_request(0)

    def learned_biz(self, biz: str) -> Iterator[Request]:
        if biz and not self.biz:
            self.biz = biz
            while self.waiting_for_biz:
                yield self.first_request(self.waiting_for_biz.pop(0))

    # ------------------------------------------------------------ MP backend

    def mp_request(self, endpoint: str, params: dict[str, Any], callback: Any, **kw: Any) -> Request:
        assert self.mp is not None
        query = {**params, "token": self.mp["WECHAT_MP_TOKEN"], "lang": "zh_CN", "f": "json", "ajax": 1}
        return Request(f"{MP}/cgi-bin/{endpoint}?{urlencode(query)}", callback=callback, errback=self.lister_failed,
                       headers={"Cookie": self.mp["WECHAT_MP_COOKIE"], "Referer": f"{MP}/", "User-Agent": DESKTOP_UA},
                       meta={"xxgk_discovery": "lister:mp_backend", "lister": "mp_backend", "dont_merge_cookies": True,
                             "handle_httpstatus_list": LISTER_ERROR_STATUSES},
                       dont_filter=True, **kw)

    def parse_searchbiz(self, response: Response) -> Iterator[Any]:
        state = self.listers["mp_backend"]
        try:
            account = parse_searchbiz(response.body, self.account)
        except ListerError as exc:
            yield from self.stop_lister(state, exc)
            return
        if not account:
            state.problems.append(f"searchbiz found no account named {self.account!r}")
            yield self.finish_lister(state, "account_not_found")
            return
        yield from self.learned_biz(account["fakeid"])
        yield self.mp_list_request(0)

    def mp_list_request(self, begin: int) -> Request:
        if self.mp_mode == "list_ex":
            params = {"action": "list_ex", "begin": begin, "count": 20, "fakeid": self.biz, "type": 9, "query": ""}
            return self.mp_request("appmsg", params, self.parse_mp_page, cb_kwargs={"begin": begin})
        params = {"sub": "list", "search_field": "null", "begin": begin, "count": 20, "query": "", "fakeid": self.biz,
                  "type": "101_1", "free_publish_type": 1, "sub_action": "list_ex"}
        return self.mp_request("appmsgpublish", params, self.parse_mp_page, cb_kwargs={"begin": begin})

    def parse_mp_page(self, response: Response, begin: int) -> Iterator[Any]:
        parse = parse_list_ex if self.mp_mode == "list_ex" else parse_appmsgpublish
        yield from self.lister_page("mp_backend", response, lambda body: parse(body, begin),
                                    lambda nxt: self.mp_list_request(nxt))

    # ------------------------------------------------------------ getmsg, WeRead

    def getmsg_request(self, offset: int) -> Request:
        assert self.client is not None
        query = {"action": "getmsg", "__biz": self.biz, "f": "json", "offset": offset, "count": 10, "is_ok": 1,
                 "scene": 124, "uin": self.client["WECHAT_UIN"], "key": self.client["WECHAT_KEY"],
                 "pass_ticket": self.client["WECHAT_PASS_TICKET"]}
        return Request(f"{MP}/mp/profile_ext?{urlencode(query)}", callback=self.parse_getmsg_page,
                       errback=self.lister_failed, dont_filter=True,
                       meta={"xxgk_discovery": "lister:getmsg", "lister": "getmsg",
                             "handle_httpstatus_list": LISTER_ERROR_STATUSES})

    def parse_getmsg_page(self, response: Response) -> Iterator[Any]:
        yield from self.lister_page("getmsg", response, parse_getmsg, self.getmsg_request)

    def weread_request(self, offset: int) -> Request:
        assert self.weread is not None
        bizuin = base64.b64decode(self.biz).decode()
        url = f"{WEREAD}/web/mp/articles?{urlencode({'bookId': f'MP_WXS_{bizuin}', 'offset': offset})}"
        return Request(url, callback=self.parse_weread_page, errback=self.lister_failed, dont_filter=True,
                       headers={"Cookie": self.weread["WEREAD_COOKIE"]}, cb_kwargs={"offset": offset},
                       meta={"xxgk_discovery": "lister:weread", "lister": "weread", "dont_merge_cookies": True,
                             "handle_httpstatus_list": LISTER_ERROR_STATUSES})

    def parse_weread_page(self, response: Response, offset: int) -> Iterator[Any]:
        yield from self.lister_page("weread", response, lambda body: parse_weread(body, offset), self.weread_request)

    # ------------------------------------------------------------ feeds and URL lists

    def feed_source(self, source: str, i: int) -> Iterator[Any]:
        if source.startswith(("http://", "https://")):
            yield Request(source, callback=self.parse_feed_response, errback=self.lister_failed, dont_filter=True,
                          meta={"xxgk_discovery": f"lister:feed:{i}", "lister": "feed",
                                "handle_httpstatus_list": LISTER_ERROR_STATUSES})
            return
        state = self.listers["feed"]
        try:
            listed = parse_feed(Path(source).read_bytes())
        except (OSError, ParseError) as exc:
            state.problems.append(f"feed {source}: {exc}")
            return
        yield from self.listed(state, listed, "")

    def parse_feed_response(self, response: Response) -> Iterator[Any]:
        state = self.listers["feed"]
        try:
            listed = parse_feed(response.body, (response.headers.get(b"Content-Type") or b"").decode("latin-1"))
        except ParseError as exc:
            state.problems.append(f"feed {response.url}: {exc}")
            yield self.finish_lister(state, "failed")
            return
        state.pages += 1
        yield from self.listed(state, listed, response.meta.get(CAPTURE_ID, ""))
        # One request per feed source: a bridge serves what it stored, there is nothing to page back to.
        if state.pages >= sum(1 for f in self.feeds if f.startswith(("http://", "https://"))):
            yield self.finish_lister(state, "complete" if not state.problems else "failed")

    def url_list_source(self) -> Iterator[Any]:
        state = self.listers["url_list"]
        try:
            listed = parse_url_list(Path(self.url_list).read_text(encoding="utf-8"))
        except OSError as exc:
            state.problems.append(f"URL list {self.url_list}: {exc}")
            yield self.finish_lister(state, "failed")
            return
        yield from self.listed(state, listed, "")
        yield self.finish_lister(state, "complete")

    # ------------------------------------------------------------ shared lister logic

    def lister_page(self, name: str, response: Response, parse: Any, next_request: Any) -> Iterator[Any]:
        state = self.listers[name]
        try:
            page: ListerPage = parse(response.body)
        except ListerError as exc:
            yield from self.stop_lister(state, exc)
            return
        except ParseError as exc:
            state.problems.append(f"page {state.pages + 1}: {exc}")
            yield self.finish_lister(state, "failed")
            return
        state.pages += 1
        state.total = page.total if page.total is not None else state.total
        yield from self.listed(state, page.articles, response.meta.get(CAPTURE_ID, ""))
        if page.next_offset is None:
            yield self.finish_lister(state, "complete")
        else:
            yield next_request(page.next_offset)

    def listed(self, state: ListerState, articles: list[ListedArticle], capture: str) -> Iterator[Any]:
        # A push is identified across listers by (biz, mid): every article of one push shares the
        # push's appmsgid as its mid, whatever id the lister itself gives the push.
        pushes: dict[int, WechatPushItem] = {}
        for art in articles:
            state.listed += 1
            if art.sent_at:
                state.oldest = min(state.oldest or art.sent_at, art.sent_at)
            if art.biz:
                yield from self.learned_biz(art.biz)
            elif state.name in ("mp_backend", "getmsg") and self.biz:
                art.biz = self.biz  # these listers are asked for one account: their items are that account's
            if art.mid and art.biz:
                push = pushes.setdefault(art.mid, WechatPushItem(
                    agency=self.agency_id, biz=art.biz, push_key=str(art.mid), source=state.name, mid=art.mid,
                    sent_ts=art.sent_at, notified=art.notified))
                push.n_articles += 1
                if art.idx is not None:
                    push.article_keys.append([art.biz, art.mid, art.idx])
            yield from self.article_request(art, state.name, capture)
        yield from pushes.values()

    def stop_lister(self, state: ListerState, exc: ListerError) -> Iterator[Any]:
        oldest = local_date(state.oldest) if state.oldest else "nothing"
        state.problems.append(f"{exc} (code {exc.code}); reached back to {oldest}")
        self.logger.warning(f"lister {state.name} stopped: {exc}")
        yield self.finish_lister(state, exc.kind)

    def lister_failed(self, failure: Failure) -> Iterator[Any]:
        name = failure.request.meta.get("lister", "")
        if failure.check(BlockedResponse) and failure.value.reason == "verification_wall":
            yield from self.wall()
            return
        state = self.listers.get(name)
        if state is not None and not state.done:
            state.problems.append(failure.getErrorMessage())
            yield self.finish_lister(state, "failed")

    def finish_lister(self, state: ListerState, reason: str) -> CategoryRunItem:
        state.done, state.stop_reason = True, reason
        complete = reason == "complete" and not state.problems
        return CategoryRunItem(
            agency=self.agency_id, native_id=state.name, name=f"WeChat lister: {state.name}", channel="wechat",
            stated_post_count=state.total, harvested=state.listed, pages_fetched=state.pages, stop_reason=reason,
            complete=complete, healthy=complete, oldest_date=local_date(state.oldest) if state.oldest else "",
            notes=list(state.problems), check_disappearance=False)

    # ------------------------------------------------------------ articles

    def article_request(self, art: ListedArticle, source: str, capture: str) -> Iterator[Any]:
        key = f"{art.biz}/{art.mid}/{art.idx}" if art.biz and art.mid and art.idx else None
        ident = key or art.url
        if not ident:
            self.crawler.stats.inc_value(f"xxgk/wechat/unidentified/{source}")
            return
        if ident in self.fetched:
            self.crawler.stats.inc_value(f"xxgk/wechat/duplicate/{source}")
            return
        self.fetched.add(ident)
        if not art.url:
            # Listed without a link (getmsg keeps a deleted article's slot): recorded from the listing.
            yield DocumentItem(
                agency=self.agency_id, channel="wechat", native_id=key or "", canonical_url=f"{MP}/s?__biz={quote(art.biz or '')}"
                f"&mid={art.mid}&idx={art.idx}", title=art.title or "", category=self.account, category_id=self.account,
                listing_source=source, list_fingerprint=listing_fingerprint(art),
                list_capture_id=capture, published_ts=art.sent_at,
                extra={"biz": art.biz, "mid": art.mid, "idx": art.idx, "state": "deleted" if art.deleted else None,
                       "source": source, "push_key": str(art.mid)})
            return
        if art.url.startswith("http://mp.weixin.qq.com"):
            url = "https://" + art.url[len("http://"):]
        else:
            url = art.url
        fingerprint = listing_fingerprint(art)
        headers = {"User-Agent": DESKTOP_UA}
        if self.readers:
            headers["Cookie"] = f"wap_sid2={self.readers['WECHAT_WAP_SID2']}; pass_ticket={self.readers['WECHAT_PASS_TICKET']}"
        meta = {"xxgk_discovery": f"lister:{source}", "dont_merge_cookies": True, "handle_httpstatus_list": [302, 404],
                "dont_redirect": True, KNOWN: {"document_id": f"{self.agency_id}/wechat/{key}" if key else "",
                                               "url": url, "fingerprint": fingerprint}}
        item = DocumentItem(agency=self.agency_id, channel="wechat", native_id=key or "", canonical_url=url,
                            title=art.title or "", category=self.account, category_id=self.account,
                            listing_source=source, list_fields=art.__dict__, list_fingerprint=fingerprint,
                            list_capture_id=capture, published_ts=art.sent_at,
                            extra={"listed": art.__dict__})
        yield Request(url, callback=self.parse_article_page, errback=self.article_failed, headers=headers, meta=meta,
                      cb_kwargs={"item": item}, priority=-1)

    def wall(self) -> Iterator[Any]:
        for state in self.listers.values():
            if not state.done:
                state.problems.append("stopped by the verification wall")
                yield self.finish_lister(state, "blocked")
        raise CloseSpider("verification_wall")

    def parse_article_page(self, response: Response, item: DocumentItem) -> Iterator[Any]:
        if response.meta.get(BLOCKED) == "verification_wall" or response.status == 302:
            yield from self.wall()
            return
        page = parse_article(response.text, response.url)
        if page.state == "blocked":
            yield from self.wall()
            return
        listed = item.extra.get("listed", {})
        biz = page.biz or listed.get("biz")
        mid, idx = page.mid or listed.get("mid"), page.idx or listed.get("idx")
        if biz:
            yield from self.learned_biz(biz)
        token = listed.get("token")
        if biz and mid and idx:
            key = f"{biz}/{mid}/{idx}"
        elif token and (biz or self.biz):
            # A page that hides its ids (unavailable, deleted) listed only by its short link: the
            # article is still real; it is identified by its token until a page shows (biz, mid, idx).
            biz, key = biz or self.biz, f"{biz or self.biz}/token/{token}"
            item.checks.append({"field": "identity", "table_value": "", "detail_value": f"{page.state}: known by its short link only"})
        else:
            self.crawler.stats.inc_value("xxgk/wechat/unidentified")
            return
        self.fetched.add(key)
        item.native_id = key
        item.page_fetched = page.state == "ok"
        item.page_capture_id = response.meta.get(CAPTURE_ID, "")
        item.title = page.title or item.title
        item.published_ts = page.ct or item.published_ts
        item.publisher = page.account or self.account
        item.body_text = page.body_text or ""
        if mid and idx:
            sn = page.sn or listed.get("sn")
            item.canonical_url = f"{MP}/s?__biz={quote(biz)}&mid={mid}&idx={idx}" + (f"&sn={sn}" if sn else "")
        if page.state == "ok":
            item.content_sha256 = hashlib.sha256((item.title + "\n" + item.body_text).encode()).hexdigest()
        item.extra = {"biz": biz, "mid": int(mid) if mid else None, "idx": int(idx) if idx else None,
                      "sn": page.sn or listed.get("sn"),
                      "author": page.author or listed.get("author"), "digest": page.digest or listed.get("digest"),
                      "cover": page.cover or listed.get("cover"), "original": page.original,
                      "item_show_type": page.item_show_type, "state": page.state, "state_text": page.state_text,
                      "short_url": page.short_url or (response.url if "/s/" in urlsplit(response.url).path else None),
                      "push_key": str(mid) if mid else None, "source": item.listing_source,
                      "listed_deleted": listed.get("deleted")}
        yield item
        if page.read_num is not None:
            yield MetricItem(agency=self.agency_id, document_native_id=key, read_num=page.read_num,
                             like_num=page.like_num, capture_id=item.page_capture_id)

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BlockedResponse) and failure.value.reason == "verification_wall":
            yield from self.wall()
            return
        item: DocumentItem = failure.request.cb_kwargs["item"]
        reason = failure.value.reason if failure.check(BlockedResponse) else failure.getErrorMessage()
        self.crawler.stats.inc_value("xxgk/documents/page_failed")
        if item.native_id:
            item.checks.append({"field": "page", "table_value": "", "detail_value": f"not fetched: {reason}"})
            yield item
