"""`xxgk parse`: what the crawler's parsers read from a saved page, as `scrapy parse` shows for a live URL.

A user checks a page saved from their own agency (a browser's "save as", `curl -o`, a WARC record's
payload; gzip is undone) before trusting a crawl of it:

    xxgk parse --kind wechat-article page.html.gz --json
    xxgk parse --kind gkmlpt-list api_all_1805_page1.json
    xxgk parse --kind feed we-mp-rss.xml --feed-zone UTC

Nothing is fetched. A page the parser cannot read exits 2 with the parser's own message.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click

from xxgk.options import fail, json_option

# Placeholder URLs: the page's own URL resolves its relative links; give --url for the real one.
DEFAULT_URLS = {
    "wechat-article": "https://mp.weixin.qq.com/s/",
    "wechat-account": "https://mp.weixin.qq.com/mp/aboutbiz",
    "gkmlpt-document": "http://localhost/gkmlpt/content/0/0/post_0.html",
    "nfcms-list": "http://localhost/column/index.html",
    "nfcms-article": "http://localhost/column/content/post_0.html",
}
TIME_KEYS = ("ct", "sent_at", "create_time", "published_ts")


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, and every Unix time of a known key also as an Asia/Shanghai local time."""
    from archive.times import SHANGHAI  # lazily: `xxgk --help` stays fast

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k] = _plain(v)
            if k in TIME_KEYS and isinstance(v, int) and not isinstance(v, bool) and v > 0:
                from datetime import datetime

                out[f"{k}_local"] = datetime.fromtimestamp(v, SHANGHAI).isoformat()
        return out
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def read_saved(path: Path) -> bytes:
    """The file's bytes, gunzipped when gzip-compressed (by content, not by name)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _query_int(url: str | None, name: str) -> int:
    values = parse_qs(urlsplit(url or "").query).get(name) or ["0"]
    return int(values[0]) if values[0].isdigit() else 0


def _lister(body: bytes, url: str | None) -> dict[str, Any]:
    """A lister response, its route told by its shape (the URL's begin/offset, when given, is the page's)."""
    from crawler.parsing.common import ParseError
    from crawler.parsing.wechat import (
        parse_appmsgpublish,
        parse_getmsg,
        parse_history_page,
        parse_list_ex,
        parse_weread,
    )

    text = body.decode("utf-8", "replace").lstrip("\ufeff").strip()
    if not text.startswith("{"):
        return {"route": "history page (var msgList)", "page": parse_history_page(text)}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"lister response: invalid JSON at char {exc.pos}: {exc.msg}") from None
    if "publish_page" in data:
        return {"route": "appmsgpublish", "page": parse_appmsgpublish(body, _query_int(url, "begin"))}
    if "app_msg_list" in data:
        return {"route": "appmsg list_ex", "page": parse_list_ex(body, _query_int(url, "begin"))}
    if "reviews" in data or "errCode" in data:
        return {"route": "weread articles", "page": parse_weread(body, _query_int(url, "offset"))}
    if "general_msg_list" in data or "ret" in data:
        return {"route": "profile_ext getmsg", "page": parse_getmsg(body)}
    if isinstance(data.get("list"), list):  # the getmsg list itself, as a history page embeds it
        wrapped = json.dumps({"ret": 0, "general_msg_list": data}, ensure_ascii=False)
        return {"route": "getmsg list (general_msg_list's inner JSON)", "page": parse_getmsg(wrapped)}
    raise ParseError(f"lister response: no lister's shape (keys: {', '.join(data) or 'none'})")


def _gkmlpt_list(body: bytes) -> dict[str, Any]:
    from crawler.parsing.gkmlpt import article_time, clean_title, parse_list

    page = parse_list(body)
    articles = [{**a, "title_clean": clean_title(str(a.get("title") or "")), "published_ts": article_time(a)}
                for a in page.articles]
    return {**_plain(page), "articles": _plain(articles)}


def _gkmlpt_index(text: str) -> dict[str, Any]:
    from crawler.parsing.gkmlpt import parse_index, walk_tree

    config = parse_index(text)
    return {"sid": config.sid, "search_jsonp_url": config.search_jsonp_url, "service_area_id": config.service_area_id,
            "keys": config.keys, "categories": _plain(walk_tree(config.tree))}


def _search(body: bytes) -> dict[str, Any]:
    from crawler.parsing.gkmlpt import parse_search, search_to_article

    page = parse_search(body)
    return {"count": page.count, "notes": page.notes, "results": _plain([search_to_article(r) for r in page.results])}


def _feed(body: bytes, zone: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from crawler.parsing.wechat import parse_feed

    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("parse", f"--feed-zone {zone!r} is not a time zone name (e.g. Asia/Shanghai, UTC)")
    return parse_feed(body, naive_zone=tz)


def read_page(kind: str, body: bytes, url: str | None, feed_zone: str = "Asia/Shanghai") -> Any:
    """What the parser of `kind` reads from `body`, as plain JSON-able values."""
    from crawler.parsing import gkmlpt, nfcms
    from crawler.parsing.wechat import parse_account, parse_article

    text = body.decode("utf-8", "replace")
    page_url = url or DEFAULT_URLS.get(kind, "")
    readers: dict[str, Callable[[], Any]] = {
        "wechat-article": lambda: parse_article(body, page_url),
        "wechat-account": lambda: parse_account(text),
        "wechat-lister": lambda: _lister(body, url),
        "feed": lambda: _feed(body, feed_zone),
        "gkmlpt-index": lambda: _gkmlpt_index(text),
        "gkmlpt-list": lambda: _gkmlpt_list(body),
        "gkmlpt-document": lambda: gkmlpt.parse_document(text, page_url),
        "search-jsonp": lambda: _search(body),
        "nfcms-list": lambda: nfcms.parse_list(text, page_url),
        "nfcms-article": lambda: nfcms.parse_article(text, page_url),
    }
    return _plain(readers[kind]())


KINDS = ("wechat-article", "wechat-account", "wechat-lister", "feed", "gkmlpt-index", "gkmlpt-list",
         "gkmlpt-document", "search-jsonp", "nfcms-list", "nfcms-article")


def _show(value: Any, indent: str = "") -> list[str]:
    """A readable outline: long texts cut, lists of records one record a block."""
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict | list) and v:
                lines.append(f"{indent}{k}:")
                lines += _show(v, indent + "  ")
            else:
                lines.append(f"{indent}{k}: {_scalar(v)}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict | list):
                lines.append(f"{indent}- [{i}]")
                lines += _show(v, indent + "  ")
            else:
                lines.append(f"{indent}- {_scalar(v)}")
    else:
        lines.append(f"{indent}{_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        flat = " ".join(value.split())
        return json.dumps(flat[:160] + (f"… ({len(value)} characters)" if len(flat) > 160 else ""), ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


@click.command("parse")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Which parser reads the file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The page's own URL: resolves its links; for lister pages, their begin/offset.")
@click.option("--feed-zone", default="Asia/Shanghai", show_default=True,
              help="Zone of feed times written without one (we-mp-rss writes its bridge's local time).")
@json_option
def parse(kind: str, file: Path, url: str | None, feed_zone: str, as_json: bool) -> None:
    """Show what the crawler reads from a saved page (gzip accepted): nothing is fetched."""
    from crawler.parsing.common import ParseError
    from crawler.parsing.wechat import ListerError

    try:
        result = read_page(kind, read_saved(file), url, feed_zone)
    except ListerError as exc:  # a saved refusal reads as one
        result = {"refusal": {"code": exc.code, "kind": exc.kind, "message": str(exc)}}
    except ParseError as exc:
        fail("parse", f"{file}: {exc}")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        fail("parse", f"{file}: {exc}")
    if as_json:
        click.echo(json.dumps({"kind": kind, "file": str(file), "result": result}, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join([f"{kind}: {file}", *_show(result)]))
