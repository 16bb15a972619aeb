"""The catalog spider's shortcut for list URLs already on the base's origin gives what the full resolution gives."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from crawler.spiders.gkmlpt import _canonical_url_parsed, canonical_url

BASE = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/"
PARTS = urlsplit(BASE)
PREFIXES = ["http://www.kaiping.gov.cn/", "https://www.kaiping.gov.cn/", "//www.kaiping.gov.cn/", "",
            "http://WWW.kaiping.gov.cn/", "http://www.kaiping.gov.cn:80/", "content/", "/", " http://www.kaiping.gov.cn/"]
TAILS = st.lists(st.sampled_from(list("ab/.?#;%:@ \t\n\x00\\_-=&2中") + ["..", "./", "/../", "%2e"]), max_size=30).map("".join)


@given(st.sampled_from(PREFIXES), TAILS)
@example("http://www.kaiping.gov.cn/", "jmkpsjyj/gkmlpt/content/2/2001/post_2001.html")
@example("http://www.kaiping.gov.cn/", "a/../b")
@example("http://www.kaiping.gov.cn/", "a?")
def test_shortcut_agrees_with_the_full_resolution(prefix: str, tail: str) -> None:
    url = prefix + tail
    assert canonical_url(BASE, PARTS, url) == _canonical_url_parsed(BASE, PARTS, url)


def test_the_shortcut_is_taken_for_a_plain_url() -> None:
    url = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/content/2/2001/post_2001.html"
    assert canonical_url(BASE, PARTS, url) is url  # returned as it is, not rebuilt
