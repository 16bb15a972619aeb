"""Helpers the WeChat parsers share: lenient scalars, the escaping listers put on URLs, and the
ids an article URL carries (§1.1)."""

from __future__ import annotations

import base64
import html as htmllib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

ARTICLE_HOST = "mp.weixin.qq.com"
TOKEN_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{1,64})/?$")


def as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A non-empty, stripped string, else None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def b64_biz(bizuin: Any) -> str | None:
    """Numeric bizuin → the `__biz` form (base64 of its decimal digits, §1.1)."""
    text = str(bizuin).strip() if bizuin is not None else ""
    return base64.b64encode(text.encode()).decode() if text.isdigit() else None


def clean_url(url: Any) -> str:
    """Undo the escaping listers put on URLs: JSON `\\/` and HTML entities (`&amp;`)."""
    if not isinstance(url, str):
        return ""
    return htmllib.unescape(url.replace("\\/", "/")).strip()


def query_params(query: str) -> dict[str, str]:
    # Not parse_qs: it turns '+' (a base64 letter in __biz) into a space.
    out: dict[str, str] = {}
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name and name not in out:
            out[unquote(name)] = unquote(value)
    return out


@dataclass
class UrlIds:
    biz: str | None = None
    mid: int | None = None
    idx: int | None = None
    sn: str | None = None
    token: str | None = None


def url_ids(url: str) -> UrlIds:
    """biz/mid/idx/sn of a long link, or the token of a short link (§1.1)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return UrlIds()
    m = TOKEN_PATH.match(parts.path)
    if m:
        return UrlIds(token=m.group(1))
    q = query_params(parts.query)
    return UrlIds(biz=as_str(q.get("__biz")), mid=as_int(q.get("mid") or q.get("appmsgid")),
                   idx=as_int(q.get("idx") or q.get("itemidx")), sn=as_str(q.get("sn")))
