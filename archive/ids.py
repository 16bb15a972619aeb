"""Identifiers of archive rows, built in one place.

A document, attachment or category is `{agency}/{channel}/{native id}`: the native id is what the
channel itself calls it (gkmlpt post id, NFCMS post id or column path, WeChat `biz:mid:idx` or short
link), so the same publication gets the same id on every crawl.
"""

from __future__ import annotations

import secrets

from .times import utcnow


def document_id(agency: str, channel: str, native_id: object) -> str:
    return f"{agency}/{channel}/{native_id}"


# Attachments and categories use the same shape: one id space per agency and channel.
attachment_id = category_id = document_id


def new_id(prefix: str = "") -> str:
    """Sortable unique id: UTC time to the microsecond plus randomness (never a bare timestamp)."""
    return f"{prefix}{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(4)}"
