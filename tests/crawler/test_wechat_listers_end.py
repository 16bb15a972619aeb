"""A WeChat lister is recorded once, however it ends (crawler/spiders/wechat.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from crawler.listers.feeds import FeedLister
from crawler.spiders.wechat import WechatSpider

SHANGHAI = ZoneInfo("Asia/Shanghai")


def spider_with(*listers: FeedLister) -> WechatSpider:
    spider = WechatSpider.__new__(WechatSpider)  # the bookkeeping under test needs no crawler
    spider.agency_id, spider.listers, spider.waiting_for_biz = "x", {f"lister{i}": each for i, each in enumerate(listers)}, []
    return spider


def test_a_lister_ended_by_the_wall_is_not_recorded_again_when_its_page_finishes() -> None:
    lister = FeedLister(["http://wewe-rss.localhost/feeds/a.atom"], SHANGHAI)
    spider = spider_with(lister)
    first = spider.finish_lister(lister, "blocked")  # the wall, while the feed page was still being listed
    assert first is not None and first.stop_reason == "blocked"
    assert spider.finish_lister(lister, "complete") is None  # the page's own end: nothing more to record
    assert spider.leftover_items() == []


def test_listers_that_never_finished_are_recorded_at_the_close() -> None:
    waiting, running = FeedLister(["a"], SHANGHAI), FeedLister(["b"], SHANGHAI)
    spider = spider_with(waiting, running)
    spider.waiting_for_biz.append(waiting)
    left = {item.stop_reason: item for item in spider.leftover_items()}
    assert set(left) == {"no_biz", "incomplete"} and "biz" in left["no_biz"].notes[0]
    assert spider.leftover_items() == []
