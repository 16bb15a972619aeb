"""/-/xxgk/feed/{agency}.atom[?channel=catalog|website|wechat]: the Atom feed of archive/feed.py, read live."""

from __future__ import annotations

import re
from typing import Any

from datasette.utils.asgi import Response

from archive.feed import atom_feed
from archive.i18n import LANGS

AGENCY = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


async def feed(request: Any, datasette: Any) -> Response:
    from archive.datasette.lang import request_lang
    from archive.datasette.metadata import DATABASE, PLUGIN

    agency = request.url_vars["agency"]
    channel = request.args.get("channel") or None
    if not AGENCY.match(agency) or channel not in (None, "catalog", "website", "wechat"):
        return Response.text("unknown agency or channel (channel: catalog, website or wechat)", status=400)
    lang = request_lang(request, datasette)
    name = (datasette.plugin_config(PLUGIN) or {}).get("database") or DATABASE
    db = datasette.get_database(name)
    found = (await db.execute("select 1 from documents where agency = ? limit 1", [agency])).first()
    if found is None:
        return Response.text(f"no documents of {agency} in the archive", status=404)
    base = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    text = await db.execute_fn(lambda conn: atom_feed(conn, agency, channel, base, lang if lang in LANGS else "zh",
                                                      self_url=datasette.absolute_url(request, request.path)))
    return Response(text, status=200, content_type="application/atom+xml; charset=utf-8",
                    headers={"x-content-type-options": "nosniff"})


ROUTES = [(r"^/-/xxgk/feed/(?P<agency>[^/]+)\.atom$", feed)]
