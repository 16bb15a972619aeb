"""Secrets in every encoding, public ids kept (crawler/secrets.py)."""

from __future__ import annotations

import base64
import logging
import re
from urllib.parse import quote, quote_plus, urlencode

from crawler.secrets import (
    RedactingFilter,
    redact_bytes,
    redact_headers,
    redact_text,
    redact_url,
    secret_values,
)

TICKET = "Ab+cD/eF9gHi+jKlMnO/pQ=="
ENV = {"WECHAT_PASS_TICKET": TICKET, "WECHAT_MP_COOKIE": "slave_sid=U2xhdmU+/x9==; bizuin=3094172651; mm_lang=zh_CN",
       "WECHAT_UIN": "MTIzNDU2Nzg5MA==", "WECHAT_MP_TOKEN": "12"}


def test_every_wire_form_of_a_secret_is_redacted() -> None:
    values = secret_values(ENV)
    forms = [TICKET, quote(TICKET, safe=""), quote(TICKET), quote_plus(TICKET),
             re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(TICKET, safe="")),  # lower-case escapes
             base64.b64encode(TICKET.encode()).decode(), "U2xhdmU+/x9==", quote_plus("U2xhdmU+/x9=="),
             "1234567890"]  # the decoded uin
    for form in forms:
        text = f"before {form} after"
        assert redact_text(text, values) == "before REDACTED after", form
        assert redact_bytes(text.encode(), values) == (b"before REDACTED after", True), form
    referer = "https://mp.weixin.qq.com/mp/profile_ext?" + urlencode({"action": "getmsg", "pass_ticket": TICKET})
    assert TICKET not in redact_text(referer, values) and quote_plus(TICKET) not in redact_text(referer, values)


def test_public_ids_and_short_values_are_not_secrets() -> None:
    values = secret_values(ENV)
    for public in ("3094172651", "zh_CN", "12", "MP_WXS_3094172651", "bizuin=3094172651"):
        assert redact_text(f"x {public} y", values) == f"x {public} y", public


def test_urls_and_headers() -> None:
    assert redact_url("https://h/p?a=1&pass_ticket=x%2By&token=7&b=2") == \
        "https://h/p?a=1&pass_ticket=REDACTED&token=REDACTED&b=2"
    headers = dict(redact_headers([("Cookie", "wap_sid2=abc; pass_ticket=def"),
                                   ("Referer", "https://mp.weixin.qq.com/s?__biz=x&key=k1&uin=u1"),
                                   ("Set-Cookie", "sid=secret; Path=/"), ("Accept", "text/html")]))
    assert headers["Cookie"].startswith("REDACTED(names=pass_ticket,wap_sid2;sha256=")
    assert headers["Referer"] == "https://mp.weixin.qq.com/s?__biz=x&key=REDACTED&uin=REDACTED"
    assert headers["Set-Cookie"] == "sid=REDACTED; Path=/" and headers["Accept"] == "text/html"


def test_log_records_are_redacted_in_every_form() -> None:
    flt = RedactingFilter(secret_values(ENV))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET %s", (f"/s?pass_ticket={quote(TICKET, safe='')}",), None)
    flt.filter(record)
    assert record.getMessage() == "GET /s?pass_ticket=REDACTED"
