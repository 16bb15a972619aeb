"""The fetch policy's pure parts (crawler/policy.py, crawler/filecheck.py): which URLs, how big, how whole."""

from __future__ import annotations

import gzip
import resource
import zlib
from datetime import date
from pathlib import Path

import pytest
from scrapy.http import Headers

from crawler.filecheck import file_problem
from crawler.parsing.common import html_truncation
from crawler.policy import FetchPolicy, allowed_hosts, decode_bounded, response_problem
from simulator.sites.files import file_bytes
from simulator.world import World

REAL_PAGES = Path(__file__).resolve().parents[3] / "shared" / "real-pages"
KAIPING = {"id": "kaiping-edu", "name": "开平市教育局", "host": "www.kaiping.gov.cn",
           "gkmlpt": {"base": "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/",
                      "search_jsonp": "http://search.gd.gov.cn/jsonp/site/{sid}"},
           "website": {"base": "http://www.kaiping.gov.cn/kpsjyjzww/", "columns": [{"path": "a", "name": "b"}]},
           "wechat": {"account": "开平教育", "feeds": ["http://wewe-rss.localhost/feeds/x.atom"]}}


@pytest.fixture(scope="module")
def policy() -> FetchPolicy:
    return FetchPolicy(allowed_hosts(KAIPING))


@pytest.mark.parametrize("url", [
    "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index", "https://www.kaiping.gov.cn/attachment/1.pdf",
    "http://search.gd.gov.cn/jsonp/site/750118", "https://mp.weixin.qq.com/s/abc", "https://weread.qq.com/web/x",
    "http://wewe-rss.localhost/feeds/x.atom", "HTTP://WWW.KAIPING.GOV.CN./x",
])
def test_the_agencys_hosts_are_allowed(policy: FetchPolicy, url: str) -> None:
    assert policy.refusal(url) is None


@pytest.mark.parametrize(("url", "why"), [
    ("file:///etc/passwd", "scheme"), ("ftp://www.kaiping.gov.cn/x", "scheme"), ("data:text/html,hi", "scheme"),
    ("gopher://www.kaiping.gov.cn/", "scheme"), ("http:///nohost", "no host"),
    ("http://127.0.0.1:8001/archive", "internal"), ("http://localhost/", "internal"), ("http://[::1]/", "internal"),
    ("http://10.0.0.7/", "internal"), ("http://192.168.1.1/", "internal"), ("http://169.254.169.254/latest", "internal"),
    ("http://0.0.0.0/", "internal"), ("http://evil.example/", "registered"), ("http://kaiping.gov.cn.evil.example/", "registered"),
    ("http://intranet/", "registered"),
])
def test_anything_else_is_refused_with_a_reason(policy: FetchPolicy, url: str, why: str) -> None:
    reason = policy.refusal(url)
    assert reason is not None and why in reason


def test_a_gzip_bomb_is_measured_within_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    decoded, over = decode_bounded(bomb, [b"gzip"], 1024 * 1024)
    assert decoded is None and over
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: never inflated whole
    assert decode_bounded(gzip.compress(b"abc"), [b"gzip"], 10) == (b"abc", False)
    assert decode_bounded(zlib.compress(b"abc"), [b"deflate"], 10) == (b"abc", False)
    assert decode_bounded(b"not compressed", [b"gzip"], 10) == (None, False)  # left to Scrapy to report


def test_response_problems() -> None:
    page = b"<!DOCTYPE html><html><body>" + b"x" * 100 + b"</body></html>"
    html = Headers({"Content-Type": "text/html; charset=utf-8"})
    assert response_problem(200, html, page, [], 10_000) is None
    assert response_problem(200, html, page[:60], [], 10_000)[0] == "truncated"
    assert response_problem(200, Headers({"Content-Length": "500"}), b"x" * 100, [], 10_000)[0] == "truncated"
    assert response_problem(200, html, page, ["dataloss"], 10_000)[0] == "truncated"
    assert response_problem(200, html, page, [], 50)[0] == "too_large"
    zipped = Headers({"Content-Type": "text/html", "Content-Encoding": "gzip"})
    assert response_problem(200, zipped, gzip.compress(page[:60]), [], 10_000)[0] == "truncated"
    assert response_problem(200, zipped, gzip.compress(b"\0" * 100_000), [], 10_000)[0] == "too_large"
    assert response_problem(404, html, page[:60], [], 10_000) is None  # only content is judged whole or not


def test_every_real_page_reads_as_whole() -> None:
    pages = [p for p in REAL_PAGES.rglob("*") if p.suffix in (".html", ".htm") or p.name.endswith((".html.gz", ".htm.gz"))]
    assert len(pages) >= 40
    for page in pages:
        data = gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes()
        assert html_truncation(data) is None, page
        assert html_truncation(data[: len(data) * 2 // 3]) is not None, page


def test_files_are_whole_only_with_their_end(world: World) -> None:
    seen: dict[str, bytes] = {}
    for doc in world.agencies[0].docs:
        for att in doc.attachments_on(date(2025, 3, 31)):
            seen.setdefault(att.ext, file_bytes(att, world))
    assert set(seen) == {"pdf", "docx", "xls"}
    for ext, data in seen.items():
        assert file_problem(data) is None, ext
        assert file_problem(data, declared_size=len(data)) is None
        for cut in (len(data) // 2, len(data) - 600):
            assert file_problem(data[:cut]) is not None, (ext, cut)
        assert "declares" in file_problem(data, declared_size=len(data) * 2)
    assert file_problem(b"plain text of unknown kind") is None


def test_a_spiders_allowed_domains_extend_the_hosts() -> None:
    policy = FetchPolicy(allowed_hosts({}), domains=["jiangmen.gov.cn"])
    assert policy.refusal("http://www.jiangmen.gov.cn/x") is None and policy.refusal("http://jiangmen.gov.cn/") is None
    assert policy.refusal("http://jiangmen.gov.cn.evil.example/") is not None
    assert policy.refusal("https://mp.weixin.qq.com/s/x") is None  # public hosts always
