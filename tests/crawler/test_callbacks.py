"""Every spider callback passes Scrapy's generator-return check (`WARN_ON_GENERATOR_RETURN_VALUE` is off
in crawler/settings.py because Scrapy re-runs that check on every response: here it runs once)."""

from __future__ import annotations

import inspect

import pytest
from scrapy.utils.misc import is_generator_with_return_value

from crawler import settings
from crawler.spiders.discover import DiscoverySpider
from crawler.spiders.gkmlpt import GkmlptSpider
from crawler.spiders.website import WebsiteSpider
from crawler.spiders.wechat import WechatSpider

SPIDERS = [GkmlptSpider, WebsiteSpider, WechatSpider, DiscoverySpider]


def callbacks(spider: type) -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in inspect.getmembers(spider, inspect.isfunction)
            if not name.startswith("__") and inspect.isgeneratorfunction(fn)]


@pytest.mark.parametrize("spider", SPIDERS, ids=lambda s: s.__name__)
def test_no_generator_callback_returns_a_value(spider: type) -> None:
    found = callbacks(spider)
    assert found, f"{spider.__name__} has no generator methods: the check would prove nothing"
    assert [name for name, fn in found if is_generator_with_return_value(fn)] == []


def test_the_check_finds_a_generator_that_returns_a_value() -> None:
    def bad(self, response):  # noqa: ANN001, ANN202
        yield response
        return "lost"

    assert is_generator_with_return_value(bad)
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
