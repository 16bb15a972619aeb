"""Replay routes of the archive's Datasette (registered by plugins/xxgk_plugin.py; the work is archive/replay.py).

- /-/xxgk/replay/{capture_id}: the capture's page — what it is (URL, time, status, sha256, WARC file and
  offset, the other captures of the URL) and the response itself in an `<iframe sandbox>` (no allow-scripts).
- /-/xxgk/replay/{capture_id}/raw: the replayed response, rewritten into the archive, under a sandboxing
  Content-Security-Policy that lets it load nothing from outside the archive.
- /-/xxgk/replay-url?url=U[&at=CAPTURE]: the capture of U nearest in time to CAPTURE (a link followed inside
  a replayed page); /-/xxgk/replay-url/raw?…: its response, for images and styles.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import quote

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from archive.i18n import channel_text, translator
from archive.replay import (
    CSP,
    SAFE_HEADERS,
    ReplayError,
    capture_for_url,
    find_capture,
    mime_of,
    read_payload,
    safe_body,
    shown_inline,
)
from archive.times import local_text

CAPTURE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


def _blocked(text: str, status: int) -> Response:
    return Response(text, status=status, headers=dict(SAFE_HEADERS), content_type="text/plain; charset=utf-8")


def _config(datasette: Any) -> dict[str, Any]:
    from archive.datasette.metadata import PLUGIN

    return datasette.plugin_config(PLUGIN) or {}


def _db(datasette: Any) -> Any:
    from archive.datasette.metadata import DATABASE

    return datasette.get_database(_config(datasette).get("database") or DATABASE)


def replay_path(datasette: Any, capture_id: str) -> str:
    return datasette.urls.path(f"/-/xxgk/replay/{quote(capture_id, safe='')}")


def _url_for(datasette: Any, at: str) -> Any:
    base = datasette.urls.path("/-/xxgk/replay-url/raw")

    def url_for(url: str, kind: str) -> str:
        return f"{base}?url={quote(url, safe='')}&at={quote(at, safe='')}"

    return url_for


async def _raw(datasette: Any, capture_id: str) -> Response:
    warc_dir = _config(datasette).get("warc_dir")
    if not warc_dir:
        return _blocked("no WARC folder configured (xxgk serve --warc-dir)", 404)
    cap = await _db(datasette).execute_fn(lambda conn: find_capture(conn, capture_id))
    if cap is None:
        return _blocked("no such capture", 404)
    if cap.held is None:
        return _blocked(f"no WARC record to replay (outcome {cap.row['outcome']})", 404)
    try:
        payload = await asyncio.to_thread(read_payload, warc_dir, cap.held)
        body, ctype = await asyncio.to_thread(safe_body, payload, cap.row["url"], _url_for(datasette, cap.row["id"]))
    except ReplayError as exc:
        return _blocked(str(exc), 404)
    headers = dict(SAFE_HEADERS)
    if ctype == "application/octet-stream":
        headers["content-disposition"] = f'attachment; filename="{cap.row["id"]}.bin"'
    return Response(body, status=200, headers=headers, content_type=ctype)


async def replay_raw(request: Any, datasette: Any) -> Response:
    capture_id = request.url_vars["capture_id"]
    if not CAPTURE_ID.match(capture_id):
        return _blocked("bad capture id", 400)
    return await _raw(datasette, capture_id)


async def replay_url_raw(request: Any, datasette: Any) -> Response:
    url, at = request.args.get("url") or "", request.args.get("at") or ""
    if at and not CAPTURE_ID.match(at):
        return _blocked("bad capture id", 400)
    found = await _db(datasette).execute_fn(lambda conn: capture_for_url(conn, url, at or None)) if url else None
    if found is None:
        return _blocked("not in the archive", 404)
    return await _raw(datasette, found)


async def replay_url(request: Any, datasette: Any) -> Response:
    url, at = request.args.get("url") or "", request.args.get("at") or ""
    if at and not CAPTURE_ID.match(at):
        return Response.text("bad capture id", status=400)
    found = await _db(datasette).execute_fn(lambda conn: capture_for_url(conn, url, at or None)) if url else None
    if found is None:
        from archive.datasette.lang import request_lang

        t = translator(request_lang(request, datasette))
        return Response.text(t("replay.missing") + f"\n{url}", status=404)
    return Response.redirect(replay_path(datasette, found))


async def replay_page(request: Any, datasette: Any) -> Response:
    from archive.datasette.lang import request_lang

    capture_id = request.url_vars["capture_id"]
    if not CAPTURE_ID.match(capture_id):
        return Response.text("bad capture id", status=400)
    lang = request_lang(request, datasette)
    t = translator(lang)
    cap = await _db(datasette).execute_fn(lambda conn: find_capture(conn, capture_id))
    if cap is None:
        return Response.text("no such capture", status=404)
    row, held = cap.row, cap.held
    warc_ok = bool(_config(datasette).get("warc_dir"))
    ctype = (held or row).get("content_type") or ""
    context = {
        "t": t, "lang": lang, "cap": row, "held": held, "warc_ok": warc_ok,
        "fetched_local": local_text(row["fetched_at"], seconds=True),
        "frame_src": replay_path(datasette, capture_id) + "/raw",
        "inline": shown_inline(ctype), "mime": mime_of(ctype) or "?",
        "warc_url": lambda cid: datasette.urls.path(f"/-/xxgk/warc/{quote(cid, safe='')}"),
        "replay_url": lambda cid: replay_path(datasette, cid),
        "capture_url": lambda cid: datasette.urls.table(_db(datasette).name, "captures") + "/" + tilde_encode(cid),
        "others": [{**o, "local": local_text(o["fetched_at"], seconds=True)} for o in cap.others],
        "channel_text": lambda c: channel_text(c, lang),
    }
    html = await datasette.render_template("xxgk_replay.html", context, request=request, view_name="xxgk_replay")
    # The outer page is ours (no crawled markup is live in it); it may frame only our own replay responses.
    return Response.html(html, headers={"content-security-policy": "frame-src 'self'; object-src 'none'",
                                        "referrer-policy": "no-referrer"})


ROUTES = [
    (r"^/-/xxgk/replay/(?P<capture_id>[^/]+)/raw$", replay_raw),
    (r"^/-/xxgk/replay/(?P<capture_id>[^/]+)$", replay_page),
    (r"^/-/xxgk/replay-url/raw$", replay_url_raw),
    (r"^/-/xxgk/replay-url$", replay_url),
]
__all__ = ["CSP", "ROUTES", "replay_path"]
