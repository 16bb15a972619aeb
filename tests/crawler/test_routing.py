"""The routing middleware: real URLs stay canonical, unrouted hosts are refused."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler.middlewares.routing import CANONICAL, SimulatorRoutingMiddleware

SIM = "http://127.0.0.1:9"


def mw() -> SimulatorRoutingMiddleware:
    return SimulatorRoutingMiddleware(SIM, {"www.kaiping.gov.cn", "mp.weixin.qq.com"})


def test_plain_http_goes_through_the_proxy_mode_unchanged() -> None:
    req = Request("http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index")
    assert mw().process_request(req) is None
    assert req.meta["proxy"] == SIM and req.url == "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index"


def test_https_is_reissued_with_the_host_header_and_given_its_url_back() -> None:
    m = mw()
    routed = m.process_request(Request("https://mp.weixin.qq.com/s/abc?x=1"))
    assert routed.url == f"{SIM}/s/abc?x=1" and routed.headers["Host"] == b"mp.weixin.qq.com"
    assert routed.meta[CANONICAL] == "https://mp.weixin.qq.com/s/abc?x=1" and routed.meta["download_slot"] == "mp.weixin.qq.com"
    assert m.process_request(routed) is None  # not routed twice
    resp = TextResponse(routed.url, body=b"<html></html>", headers={"Content-Type": "text/html"}, request=routed)
    back = m.process_response(routed, resp)
    assert back.url == "https://mp.weixin.qq.com/s/abc?x=1" and back.body == resp.body


def test_unrouted_hosts_are_refused() -> None:
    with pytest.raises(IgnoreRequest, match="not routed"):
        mw().process_request(Request("http://www.example.com/"))


def test_safe_file_names() -> None:
    from crawler.spiders.attachments import safe_file_name

    assert safe_file_name("../../etc/passwd", "x") == "passwd"
    assert safe_file_name('附件1：名单<2024>?.xls', "x") == "附件1：名单_2024__.xls"
    assert safe_file_name("   ", "fallback.pdf") == "fallback.pdf"
    long = safe_file_name("长" * 300 + ".docx", "x")
    assert long.endswith(".docx") and len(long) <= 120
