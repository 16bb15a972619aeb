"""Credentials come from environment variables only, and never reach a capture, a log or the database.

`secret_values()` lists the values of the credential variables that are set; the capture middleware
and the logging filter replace any occurrence of them (in URLs, headers, bodies and log records).
"""

from __future__ import annotations

import logging
import os
import re

SECRET_ENV = ("WECHAT_MP_COOKIE", "WECHAT_MP_TOKEN", "WECHAT_UIN", "WECHAT_KEY", "WECHAT_PASS_TICKET",
              "WECHAT_APPMSG_TOKEN", "WECHAT_WAP_SID2", "WEREAD_COOKIE", "WECHAT_APPID", "WECHAT_APPSECRET")
MARK = "REDACTED"


def secret_values() -> list[str]:
    """Values worth redacting: each variable's value, and for cookie headers each cookie's value."""
    values: set[str] = set()
    for name in SECRET_ENV:
        value = os.environ.get(name, "")
        if not value:
            continue
        values.add(value)
        for part in value.split(";"):
            if "=" in part:
                values.add(part.split("=", 1)[1].strip())
    # Short values (a 1-digit token) would redact innocent text; the variables hold long values in practice.
    return sorted((v for v in values if len(v) >= 6), key=len, reverse=True)


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
