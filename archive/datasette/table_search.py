"""`?_search=` on the archive's documents table, planned like the search page (archive/datasette/search.py).

Datasette's own search filter would wrap the query in `rowid in (select rowid from documents_fts where …)`
for the rows, the count and every facet: seven full evaluations of the match set, seconds for a common word
at a million documents. So an ASGI wrapper plans the search first (a bounded count) and hands Datasette the
query under `_xxgk_search` (its own filter never sees it; links Datasette builds keep it, and the search box
shows it); `filters` turns it into the WHERE clause shaped for the number of matches. A search of more than
COUNT_CAP documents is shown newest first without a count or facets (`_nocount`, `_nofacet`), one of more than
FACET_CAP without facets, and the page says so.
The matched words are highlighted in the title, 文号, publisher and body cells (`render_cell`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode

from archive.datasette.search import FACET_CAP, FIELDS, Plan, excerpt, highlight, plan

PARAM = "_xxgk_search"
_TABLE_PATH = re.compile(r"^/(?P<db>[^/]+)/documents(?:\.(?P<format>\w+))?$")
_plan: ContextVar[Plan | None] = ContextVar("xxgk_table_search", default=None)

ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


async def _archive_db(datasette: Any, route: str) -> Any:
    from datasette.utils import tilde_decode

    from archive.datasette.search import has_index

    try:
        db = datasette.get_database(route=tilde_decode(route))
    except KeyError:
        return None
    return db if await db.execute_fn(has_index) else None


def search_requests(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    """The ASGI wrapper (plugin hook `asgi_wrapper`)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            m = _TABLE_PATH.match(scope.get("path", "")) if scope.get("type") == "http" else None
            args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True) if m else []
            searched = [v for k, v in args if k in ("_search", PARAM)]
            db = await _archive_db(datasette, m.group("db")) if searched else None
            if db is None:
                await app(scope, receive, send)
                return
            kept = [(k, v) for k, v in args if k not in ("_search", PARAM)]
            q = next((v.strip() for v in searched if v.strip()), "")
            if not q:  # an empty search box: the table itself
                await app({**scope, "query_string": urlencode(kept).encode("ascii")}, receive, send)
                return
            p = await plan(db, q)
            kept.append((PARAM, q))
            if p.more or p.refused:
                kept += [(k, "1") for k in ("_nocount", "_nofacet") if k not in dict(kept)]
            elif p.count > FACET_CAP:
                kept += [("_nofacet", "1")] if "_nofacet" not in dict(kept) else []
            scope = {**scope, "query_string": urlencode(kept).encode("ascii")}
            token = _plan.set(p)
            try:
                await app(scope, receive, send)
            finally:
                _plan.reset(token)

        return wrapped

    return wrap


def filters(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The WHERE clause for `_xxgk_search` (plugin hook `filters_from_request`)."""
    q = request.args.get(PARAM) if table == "documents" else None
    if not q:
        return None

    async def inner() -> Any:
        from datasette.filters import FilterArguments

        p = _plan.get()
        if p is None or p.q != q:  # not through the wrapper (a direct call): plan it here
            p = await plan(datasette.get_database(database), q)
            _plan.set(p)
        return FilterArguments([p.where("xxgk_fts")], params=p.params("xxgk_fts"),
                               human_descriptions=[p.describe()],
                               extra_context={"supports_search": True, "search": q})

    return inner


def render_cell(value: Any, column: str, table: str | None) -> Any:
    """Highlighted title / 文号 / publisher, and an excerpt around the first match for the body."""
    p = _plan.get()
    if p is None or table != "documents" or column not in FIELDS or not isinstance(value, str):
        return None
    if column == "body_text":
        return excerpt(value, p.q)
    return highlight(value, p.q)
