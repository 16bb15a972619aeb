"""The province-wide search JSONP, `http://search.gd.gov.cn/jsonp/site/{SID}` (reference gkmlpt.md §4.6).

It serves every live catalogue document of the site, including those older than the list
API's window, so crawlers use it for historical backfill. Behaviour:

- `callback` is required (a JS identifier); without it the answer is the plain JSON
  `{"errcode":-1,"errmsg":"调用失败，请检查参数"}`;
- 1-indexed `page` (`page=0` → `{"results":[],"count":0}`), `pagesize` default 20, capped at 50;
- filters: `classify_main` (a leaf id), `classify_mains` / `classify_mains_excluded` (comma
  lists), `classify_main_name`, `text` (substring of the title, highlighted with `<em>`),
  `including_url_doc=0` drops external-link entries; `isgkml` is accepted (only catalogue
  documents are indexed here, so it changes nothing);
- results newest first, shaped like the API article but with `pub_time` (YYYY-MM-DD) instead of
  `created_at`, `post_type` instead of `type`, `attachment` as a JSON string, `isgkml` 1 and
  `category` (the category name).

Guesses: an unknown SID answers an empty result set; titles come without the API's `%u`
escaping or CMS markup (the search index holds plain text); the `throttled_empty` fault empties
`results` but keeps `count`, as on the list API.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..http import SimRequest, SimResponse, SimState
from ..world import CatalogDoc
from . import gkmlpt

HOST = "search.gd.gov.cn"
DEFAULT_PAGESIZE = 20
MAX_PAGESIZE = 50

_PATH = re.compile(r"^/jsonp/site/(\d+)/?$")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_ERROR = {"errcode": -1, "errmsg": "调用失败，请检查参数"}


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    if req.host != HOST:
        return None
    m = _PATH.match(req.path)
    if not m:
        return None
    callback = req.query.get("callback", "")
    if not _CALLBACK.match(callback):
        return SimResponse.json(_ERROR)
    page = _int(req.query.get("page"), 1)
    size = _int(req.query.get("pagesize"), DEFAULT_PAGESIZE)
    size = DEFAULT_PAGESIZE if size <= 0 else min(size, MAX_PAGESIZE)
    world = state.world
    agency = world.agency_for_sid(m.group(1))
    if page <= 0 or agency is None or not agency.gkmlpt:
        return _jsonp(callback, {"results": [], "count": 0})
    today = state.today
    titles = gkmlpt.live_titles(world, agency, today)
    docs = _filter(gkmlpt.live_docs(world, agency, 0, today), req.query, titles)
    text = req.query.get("text", "")
    results: list[dict[str, Any]] = []
    if not state.active("throttled_empty", req):
        for doc in docs[(page - 1) * size:page * size]:
            item = _result(gkmlpt.article_for(world, agency, doc, today), doc, titles[doc.id])
            if text:
                item["title"] = item["title"].replace(text, f"<em>{text}</em>")
            results.append(item)
    return _jsonp(callback, {"results": results, "count": len(docs)})


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _ids(value: str) -> set[int]:
    return {int(v) for v in value.split(",") if v.strip().lstrip("-").isdigit()}


def _filter(docs: list[CatalogDoc], q: dict[str, str], titles: dict[int, str]) -> list[CatalogDoc]:
    out = docs
    if q.get("classify_main", "").strip():
        wanted = _ids(q["classify_main"])
        out = [d for d in out if d.category.id in wanted]
    if q.get("classify_mains", "").strip():
        wanted = _ids(q["classify_mains"])
        out = [d for d in out if d.category.id in wanted]
    if q.get("classify_mains_excluded", "").strip():
        excluded = _ids(q["classify_mains_excluded"])
        out = [d for d in out if d.category.id not in excluded]
    if q.get("classify_main_name", ""):
        out = [d for d in out if d.category.name == q["classify_main_name"]]
    if q.get("including_url_doc") == "0":
        out = [d for d in out if d.kind != "url"]
    text = q.get("text", "")
    if text:
        out = [d for d in out if text in titles[d.id]]
    return out


def _result(article: dict[str, Any], doc: CatalogDoc, title: str) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, value in article.items():
        if key == "type":
            item["post_type"] = value
        elif key == "created_at":
            item["pub_time"] = doc.published.strftime("%Y-%m-%d")
        elif key == "attachment":
            item["attachment"] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            item[key] = value
    item["title"] = title
    item["isgkml"] = 1
    item["category"] = doc.category.name
    return item


def _jsonp(callback: str, data: dict[str, Any]) -> SimResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return SimResponse.text(f"{callback}({body})", content_type="application/javascript; charset=utf-8")
