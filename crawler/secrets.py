"""Credentials come from environment variables only, and never reach a capture, a log or the database.

`secret_values()` lists what to redact: the value of every credential variable that is set, each
secret part of a cookie-like value, and every form those take on the wire — percent-encoded as
`quote` and `quote_plus` write them (upper- and lower-case hex), base64 (standard and URL-safe, with
and without padding), and the decoded form of a value that is itself base64 (WECHAT_UIN). The
capture middleware, the fetch policy and the logging filter replace any occurrence of them in URLs,
headers, bodies and log records; URLs also have their credential parameters masked by name, and
credential headers are replaced by their cookie names and a hash prefix.

Public ids are not secrets: a cookie part named like the account's own id (`bizuin` — the same
number as the `__biz` of every article URL) is never redacted, so the archive keeps its URLs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

SECRET_ENV = ("WECHAT_MP_COOKIE", "WECHAT_MP_TOKEN", "WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET",
              "WECHAT_APPMSG_TOKEN", "WECHAT_WAP_SID2", "WEREAD_COOKIE", "WECHAT_APPID", "WECHAT_APPSECRET")
# Cookie parts that are public ids, not credentials (see the module docstring).
PUBLIC_COOKIES = frozenset({"bizuin", "data_bizuin", "slave_bizuin", "mm_lang"})
SECRET_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-wechat-key"}
SECRET_PARAMS = {"token", "key", "pass_ticket", "appmsg_token", "uin", "wxtoken", "access_token", "wap_sid2"}
MARK = "REDACTED"
# Short values (a 1-digit token) would redact innocent text; the variables hold long values in practice.
MIN_LENGTH = 6


def _parts(value: str) -> list[str]:
    """A value and, when it is a cookie string, each of its non-public cookie values."""
    out = [value]
    if "=" in value.rstrip("="):  # name=value pairs (base64 padding alone is not)
        for part in value.split(";"):
            name, eq, inner = part.partition("=")
            if eq and name.strip().lower() not in PUBLIC_COOKIES:
                out.append(inner.strip())
    return out


def encodings(value: str) -> set[str]:
    """Every form `value` takes in a URL, a header or a body."""
    raw = value.encode()
    forms = {value, quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="/")}
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(forms)}
    for b64 in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = b64.decode()
        forms |= {text, text.rstrip("="), quote(text, safe="")}
    try:  # a value that is itself base64 (WECHAT_UIN) also appears decoded
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("ascii")
        if decoded.isascii() and decoded.isalnum():
            forms.add(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    return {f for f in forms if len(f) >= MIN_LENGTH}


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    """Every form of every credential that is set, longest first (so a longer form is replaced whole)."""
    env = os.environ if environ is None else environ
    values: set[str] = set()
    for name in SECRET_ENV:
        value = env.get(name, "")
        for part in _parts(value) if value else ():
            if len(part) >= MIN_LENGTH:
                values |= encodings(part)
    return sorted(values, key=lambda v: (-len(v), v))


def redact_text(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = text.replace(value, MARK)
    return text


def redact_bytes(data: bytes, values: list[str]) -> tuple[bytes, bool]:
    changed = False
    for value in values:
        raw = value.encode()
        if raw in data:
            data, changed = data.replace(raw, MARK.encode()), True
    return data, changed


def redact_url(url: str) -> str:
    """A URL with its credential query parameters masked by name (whatever their value)."""
    if "?" not in url:
        return url  # no query (most URLs): nothing to mask, no parse
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    query = [(k, MARK if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:,")))


def redact_headers(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Credential headers replaced by their cookie names and a hash prefix; URLs in headers masked."""
    out = []
    for name, value in pairs:
        lower = name.lower()
        if lower in SECRET_HEADERS:
            names = sorted({c.split("=", 1)[0].strip() for c in value.split(";") if "=" in c})
            digest = hashlib.sha256(value.encode()).hexdigest()[:12]
            value = f"REDACTED(names={','.join(names)};sha256={digest})"
        elif lower == "set-cookie":
            value = re.sub(r"=([^;]*)", "=REDACTED", value, count=1)
        elif lower in ("referer", "location", "content-location"):
            value = redact_url(value)
        out.append((name, value))
    return out


class RedactingFilter(logging.Filter):
    """Rewrites log records so no credential value is ever written to a log."""

    def __init__(self, values: list[str]):
        super().__init__()
        self.values = values
        self.pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.pattern is None:
            return True
        message = record.getMessage()
        if self.pattern.search(message):
            record.msg, record.args = self.pattern.sub(MARK, message), ()
        return True


def install_log_redaction() -> None:
    """Redact every log record of the process when it is created.

    A record factory rather than a handler filter: Scrapy replaces the root handler when a crawler
    starts, and records of any logger must be covered.
    """
    values = secret_values()
    if not values:
        return
    flt = RedactingFilter(values)
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        flt.filter(record)
        return record

    logging.setLogRecordFactory(factory)
