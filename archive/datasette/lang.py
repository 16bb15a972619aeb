"""The language of a Datasette request: `?_lang=zh|en` (remembered in a cookie), else the cookie, else the
server's (`xxgk serve --lang`, plugin setting `lang`, default zh).

The language is also kept in a context variable for the duration of the request, so the metadata hook can
give Datasette's own pages (titles, descriptions, canned queries) in that language.
"""

from __future__ import annotations

import contextvars
from typing import Any

from archive.i18n import DEFAULT_LANG, lang_of

COOKIE = "xxgk_lang"
CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("xxgk_lang", default=None)


def server_lang(datasette: Any) -> str:
    from archive.datasette.metadata import PLUGIN

    return lang_of((datasette.plugin_config(PLUGIN) or {}).get("lang"), DEFAULT_LANG)


def request_lang(request: Any, datasette: Any) -> str:
    asked = request.args.get("_lang") if request is not None else None
    if asked:
        return lang_of(asked, server_lang(datasette))
    cookie = request.cookies.get(COOKIE) if request is not None else None
    return lang_of(cookie, server_lang(datasette)) if cookie else server_lang(datasette)


def scope_lang(scope: dict[str, Any], default: str) -> str:
    """The language of a raw ASGI scope (query string, then cookie), for the ASGI wrapper."""
    from http.cookies import SimpleCookie
    from urllib.parse import parse_qs

    asked = parse_qs((scope.get("query_string") or b"").decode("latin-1")).get("_lang")
    if asked:
        return lang_of(asked[0], default)
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is ignored
                continue
            if COOKIE in jar:
                return lang_of(jar[COOKIE].value, default)
    return default


def lang_wrapper(app: Any, default: str) -> Any:
    """ASGI middleware: the request's language in CURRENT, and `?_lang=` remembered in a cookie."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        lang = scope_lang(scope, default)
        token = CURRENT.set(lang)
        asked = b"_lang=" in (scope.get("query_string") or b"")

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if asked and message.get("type") == "http.response.start":
                headers = list(message.get("headers") or [])
                headers.append((b"set-cookie", f"{COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax".encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await app(scope, receive, send_with_cookie)
        finally:
            CURRENT.reset(token)

    return wrapped
