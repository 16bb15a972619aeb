"""The WeChat spider: pluggable listers (crawler/listers/), then one public article fetcher.

WeChat has no public listing, so listers each see part of an account's history and tag what they
yield with their source (reference wechat.md §2, §4.1): the MP backend (`appmsgpublish`, or
`list_ex` as a sub-mode), WeRead, `profile_ext getmsg`, feed import (Atom / RSS 2.0 / JSON Feed from
a file or URL) and a plain URL list. A lister runs only when its configuration is present;
credentials come only from environment variables, read by each lister's enable step (read counts:
WECHAT_WAP_SID2 + WECHAT_PASS_TICKET, read here). 200013 stops that lister and records how far back
it got; an expired login gives a message saying what to refresh; the verification wall stops the
whole run politely.

The spider holds what the listers share: the account's biz (listers that need it wait until the
MP backend's account search or an article page tells it), the pushes and articles they list, the
coverage record of each lister, and the article fetcher, which records the page state (ok /
deleted / violation / unavailable; blocked pages are never parsed). Identity is (biz, mid, idx).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.ids import document_id
from archive.times import local_date
from crawler.items import CategoryRunItem, DocumentItem, MetricItem, ObservationItem, WechatPushItem
from crawler.listers import LISTERS, Lister
from crawler.listers.base import DESKTOP_UA, MP, from_env
from crawler.middlewares.capture import BLOCKED, CAPTURE_ID
from crawler.middlewares.incremental import KNOWN
from crawler.parsing.wechat import ListedArticle, parse_article
from crawler.policy import BlockedResponse
from crawler.spiders.base import ArchiveSpider


def listing_fingerprint(art: ListedArticle) -> str:
    """What a listing can tell about a change of an article, the same whichever lister shows it.

    WeChat articles are not edited in place, so the only listed change is a deletion (listers that
    hide deleted items say nothing, which reads as "not deleted")."""
    return hashlib.sha256(f"deleted={bool(art.deleted)}".encode()).hexdigest()


def no_lister_message() -> str:
    hints = [cls.hint for cls in LISTERS]
    return "no WeChat lister is configured: " + ", or ".join(hints[:-1]) + " or " + hints[-1]


class WechatSpider(ArchiveSpider):
    name = "wechat"
    channel = "wechat"

    section = "wechat"

    def configure(self, settings: Any, section: dict[str, Any]) -> None:
        if not section.get("account"):
            raise ValueError(f"agency {self.agency_id!r} has no WeChat account in its registry file")
        self.account = section["account"]
        self.biz = settings.get("XXGK_WECHAT_BIZ") or section.get("biz") or ""
        self.listers: dict[str, Lister] = {}
        self.listers_off: dict[str, str] = {}  # lister name → why it is not enabled
        for cls in LISTERS:
            lister, why_not = cls.enable(settings, section, os.environ)
            if lister is None:
                self.listers_off[cls.name] = why_not
            else:
                self.listers[cls.name] = lister
        self.readers, _ = from_env(os.environ, "WECHAT_WAP_SID2", "WECHAT_PASS_TICKET")
        self.fetched: set[str] = set()  # article keys or URLs already asked for
        # Links a lister gave together with the article's ids: a page that hides its ids (unavailable,
        # deleted) reached by the same link from a short-link-only lister is still that article.
        self.link_ids: dict[str, str] = {}
        self.waiting_for_biz: list[Lister] = []

    # ------------------------------------------------------------ listers

    async def start(self) -> AsyncIterator[Any]:
        for name, why_not in self.listers_off.items():
            self.logger.debug(f"lister {name} is off: {why_not}")
        if not self.listers:
            self.index_problem = no_lister_message()
            self.logger.error(self.index_problem)
            return
        for lister in self.listers.values():
            if lister.needs_biz and not self.biz:
                self.waiting_for_biz.append(lister)  # started once an article page or searchbiz tells the biz
                continue
            for out in lister.start(self):
                yield out

    def learned_biz(self, biz: str) -> Iterator[Any]:
        if biz and not self.biz:
            self.biz = biz
            while self.waiting_for_biz:
                yield from self.waiting_for_biz.pop(0).start(self)

    def biz_unknown(self) -> Iterator[Any]:
        """The account search failed: the listers waiting for the biz end now (recorded, not silently
        dropped from the run), unless a link lister still running may reveal it through an article page."""
        if self.biz or any(not lister.done and not lister.needs_biz for lister in self.listers.values()):
            return
        while self.waiting_for_biz:
            lister = self.waiting_for_biz.pop(0)
            lister.problems.append("not started: the account's biz is unknown (the MP backend's account search "
                                   "failed; set XXGK_WECHAT_BIZ or the registry's wechat.biz)")
            yield self.finish_lister(lister, "no_biz")

    def leftover_items(self) -> list[CategoryRunItem]:
        out = []
        for lister in self.listers.values():
            if lister.done:
                continue
            waiting = lister in self.waiting_for_biz
            lister.problems.append("never started: the account's biz stayed unknown" if waiting else "did not finish")
            out.append(self.finish_lister(lister, "no_biz" if waiting else "incomplete"))
        return out

    def listed_articles(self, lister: Lister, articles: list[ListedArticle], capture: str) -> Iterator[Any]:
        # A push is identified across listers by (biz, mid): every article of one push shares the
        # push's appmsgid as its mid, whatever id the lister itself gives the push.
        pushes: dict[int, WechatPushItem] = {}
        for art in articles:
            lister.listed += 1
            if art.sent_at:
                lister.oldest = min(lister.oldest or art.sent_at, art.sent_at)
            if art.biz:
                yield from self.learned_biz(art.biz)
            elif lister.one_account and self.biz:
                art.biz = self.biz  # the lister was asked for this account: its items are this account's
            if art.mid and art.biz:
                push = pushes.setdefault(art.mid, WechatPushItem(
                    agency=self.agency_id, biz=art.biz, push_key=str(art.mid), source=lister.name, mid=art.mid,
                    sent_ts=art.sent_at, notified=art.notified))
                push.n_articles += 1
                if art.idx is not None:
                    push.article_keys.append([art.biz, art.mid, art.idx])
            yield from self.article_request(art, lister.name, capture)
        yield from pushes.values()

    def lister_failed(self, failure: Failure) -> Iterator[Any]:
        name = failure.request.meta.get("lister", "")
        if failure.check(BlockedResponse) and failure.value.reason == "verification_wall":
            yield from self.wall()
            return
        lister = self.listers.get(name)
        if lister is not None and not lister.done:
            lister.problems.append(failure.getErrorMessage())
            yield self.finish_lister(lister, "failed")

    def finish_lister(self, lister: Lister, reason: str) -> CategoryRunItem | None:
        if lister.done:
            return None  # already recorded (the wall ended it while it was still listing)
        lister.done, lister.stop_reason = True, reason
        complete = reason == "complete" and not lister.problems
        return CategoryRunItem(
            agency=self.agency_id, native_id=lister.name, name=f"WeChat lister: {lister.name}", channel="wechat",
            stated_post_count=lister.total, harvested=lister.listed, pages_fetched=lister.pages, stop_reason=reason,
            complete=complete, healthy=complete, oldest_date=local_date(lister.oldest) if lister.oldest else "",
            notes=[*lister.problems, *lister.caveats], check_disappearance=False)

    # ------------------------------------------------------------ articles

    def article_request(self, art: ListedArticle, source: str, capture: str) -> Iterator[Any]:
        key = f"{art.biz}/{art.mid}/{art.idx}" if art.biz and art.mid and art.idx else None
        ident = key or art.url
        if not ident:
            self.crawler.stats.inc_value(f"xxgk/wechat/unidentified/{source}")
            return
        page = "https://" + art.url[len("http://"):] if art.url.startswith("http://mp.weixin.qq.com") else art.url
        if key and page:
            self.link_ids[page] = key
        # Already asked for, under this identity or by this very URL (two listers giving the same link).
        if ident in self.fetched or (page and page in self.fetched):
            self.crawler.stats.inc_value(f"xxgk/wechat/duplicate/{source}")
            # Still a source of the article: every lister that lists it is recorded, whichever came first.
            yield ObservationItem(agency=self.agency_id, channel="wechat", source=source, native_id=key or "",
                                  url=page, capture_id=capture)
            return
        self.fetched.add(ident)
        if page:
            self.fetched.add(page)
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
        url = page
        fingerprint = listing_fingerprint(art)
        fields = {k: v for k, v in art.__dict__.items() if k != "content"}  # a feed's full text stays out
        headers = {"User-Agent": DESKTOP_UA}
        if self.readers:
            headers["Cookie"] = f"wap_sid2={self.readers['WECHAT_WAP_SID2']}; pass_ticket={self.readers['WECHAT_PASS_TICKET']}"
        meta = {"xxgk_discovery": f"lister:{source}", "dont_merge_cookies": True, "handle_httpstatus_list": [302, 404],
                "dont_redirect": True, KNOWN: {"document_id": document_id(self.agency_id, self.channel, key) if key else "",
                                               "url": url, "fingerprint": fingerprint}}
        item = DocumentItem(agency=self.agency_id, channel="wechat", native_id=key or "", canonical_url=url,
                            title=art.title or "", category=self.account, category_id=self.account,
                            listing_source=source, list_fields=fields, list_fingerprint=fingerprint,
                            list_capture_id=capture, published_ts=art.sent_at,
                            extra={"listed": fields})
        yield Request(url, callback=self.parse_article_page, errback=self.article_failed, headers=headers, meta=meta,
                      cb_kwargs={"item": item}, priority=-1)

    def wall(self) -> Iterator[Any]:
        for lister in self.listers.values():
            if not lister.done:
                lister.problems.append("stopped by the verification wall")
                yield self.finish_lister(lister, "blocked")
        raise CloseSpider("verification_wall")

    def parse_article_page(self, response: Response, item: DocumentItem) -> Iterator[Any]:
        if response.meta.get(BLOCKED) == "verification_wall" or response.status == 302:
            yield from self.wall()
            return
        page = parse_article(response.body, response.url)  # raw bytes: a 3 MB page is never decoded whole
        if page.state == "blocked":
            yield from self.wall()
            return
        listed = item.extra.get("listed", {})
        biz = page.biz or listed.get("biz")
        mid, idx = page.mid or listed.get("mid"), page.idx or listed.get("idx")
        if biz:
            yield from self.learned_biz(biz)
        token = listed.get("token")
        # A page that hides its ids (unavailable, deleted) reached by a link alone is not a new article when
        # another lister gave that link's ids in this run, or the archive knows its article (the incremental
        # middleware names it); else its token identifies it (below).
        known = "" if biz and mid and idx else self.link_ids.get(item.canonical_url) or item.native_id
        if known and "/token/" not in known:
            biz, mid, idx = known.rsplit("/", 2)
        if biz and mid and idx:
            key = f"{biz}/{mid}/{idx}"
        elif known:
            key = known
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
