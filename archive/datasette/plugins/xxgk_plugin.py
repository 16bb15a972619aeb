"""xxgk-archive's local Datasette plugin (loaded with --plugins-dir archive/datasette/plugins).

- SQL functions on every connection (prepare_connection): zh_query(q), zh_excerpt(text, q) — the Chinese
  search of archive/search_index.py and archive/datasette/search.py; on an archive, Datasette's
  escape_fts(q) becomes the Chinese query too.
- Search: the search page /{db}/search (archive/datasette/search_page.py), and `?_search=` on the documents
  table planned and highlighted (archive/datasette/table_search.py: an ASGI wrapper, a filter, render_cell).
- The document page (documents row) shows versions, events, attachments and captures, each capture
  with a link to download its WARC record; /-/xxgk/warc/{capture_id} streams that record (one gzip
  member, itself a valid .warc.gz) from the WARC folder.
- /-/xxgk/dashboard: the reconciliation dashboard (claimed vs observed charts, inline SVG).
- /-/xxgk/agencies (and .csv): agencies × claims of a year, sortable by links (archive/datasette/agencies.py).
- /robots.txt: the archive mirror asks crawlers to stay away; /-/xxgk/xxgk.css: a little CSS.
- The documents table's column facets read from the archive's exact facet counts when that is provably
  Datasette's own answer (archive/datasette/facets.py); Datasette's ColumnFacet otherwise.
- Limits (archive/datasette/limits.py): no SQL value over 16 MB, no query result over 32 MB, and 405 to
  any write method on the archive's pages.

Everything from crawled pages is escaped: templates autoescape, and the only Markup built here comes
from markupsafe.escape or from archive.audit_report.svg (which escapes every value).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response, asgi_start
from markupsafe import Markup

from archive.datasette import table_search
from archive.datasette.limits import limit_connection, read_only_methods
from archive.datasette.metadata import PLUGIN, archive_db_name
from archive.datasette.search import has_index, override_escape_fts, register_functions

CHUNK = 256 * 1024
_CAPTURE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


def _config(datasette: Any) -> dict[str, Any]:
    return datasette.plugin_config(PLUGIN) or {}


_db_name = archive_db_name


def _is_archive(datasette: Any, database: str | None) -> bool:
    return database == _db_name(datasette)


def doc_url(datasette: Any, doc_id: str) -> str:
    return datasette.urls.table(_db_name(datasette), "documents") + "/" + tilde_encode(doc_id)


def warc_url(datasette: Any, capture_id: str) -> str:
    return datasette.urls.path(f"/-/xxgk/warc/{capture_id}")


# ------------------------------------------------------------------ SQL functions

@hookimpl(trylast=True)  # after Datasette's own escape_fts, which an archive's replaces
def prepare_connection(conn: Any) -> None:
    register_functions(conn)
    if has_index(conn):
        override_escape_fts(conn)
    limit_connection(conn)  # no value over 16 MB, no result over 32 MB (archive/datasette/limits.py)


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    from archive.datasette.lang import lang_wrapper, server_lang

    # 405 to POST/PUT/PATCH/DELETE on the archive's pages; ?_lang= remembered in a cookie
    return lambda app: lang_wrapper(read_only_methods(app), server_lang(datasette))


# ------------------------------------------------------------------ facets

# A hook wrapper around every plugin's register_facet_classes: Datasette's built-in ColumnFacet (from its default
# plugin datasette.facets) is swapped for our subclass in the combined result. Registering our class beside it
# would compute every column facet twice (shown as agency and agency_2); unregistering datasette.facets would
# have to re-list DateFacet and ArrayFacet (and its json1 check). The wrapper changes nothing else.
@hookimpl(wrapper=True)
def register_facet_classes() -> Any:
    from archive.datasette.facets import with_counted_facets

    results = yield
    return [with_counted_facets(classes) for classes in results]


# ------------------------------------------------------------------ search on the documents table

@hookimpl(specname="asgi_wrapper")
def search_wrapper(datasette: Any) -> Any:
    return table_search.search_requests(datasette)


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    return table_search.filters(request, database, table, datasette)


@hookimpl(specname="render_cell")
def render_search_cell(value: Any, column: str, table: str | None) -> Any:
    return table_search.render_cell(value, column, table)


@hookimpl
def extra_template_vars(template: str, database: str, table: str, view_name: str, request: Any,
                        datasette: Any) -> Any:
    if not _is_archive(datasette, database):
        return None
    if view_name == "row" and table in ("documents", "captures") and request is not None:
        pks = request.url_vars.get("pks", "")
        key = tilde_decode(pks)
        if table == "documents":
            return _document_vars(datasette, database, key, request)
        return _capture_vars(datasette, database, key, request)
    return None


def _document_vars(datasette: Any, database: str, doc_id: str, request: Any = None) -> Any:
    from archive.datasette.document import document_vars

    return lambda: document_vars(datasette, database, doc_id, request, bool(_config(datasette).get("warc_dir")))


def _capture_vars(datasette: Any, database: str, capture_id: str, request: Any = None) -> Any:
    from archive.datasette.document import capture_vars

    return lambda: capture_vars(datasette, database, capture_id, request, bool(_config(datasette).get("warc_dir")))


# ------------------------------------------------------------------ links in canned-query results

@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if not _is_archive(datasette, database) or not isinstance(value, str) or not value:
        return None
    if column.endswith("_at"):  # a stored UTC instant, shown as Asia/Shanghai time (the UTC value on hover)
        from archive.times import local_text

        local = local_text(value, seconds=True)
        return Markup('<span title="{} UTC">{}</span>').format(value, local) if local else None
    if table is not None:
        return None
    if column == "document_id":
        return Markup('<a href="{}">{}</a>').format(doc_url(datasette, value), value)
    if column == "capture_id":
        cap = datasette.urls.table(_db_name(datasette), "captures") + "/" + tilde_encode(value)
        return Markup('<a href="{}">{}</a> <a href="{}" title="download the WARC record">[WARC]</a>').format(
            cap, value, warc_url(datasette, value))
    return None


@hookimpl
def menu_links(datasette: Any, request: Any) -> list[dict[str, str]]:
    from archive.datasette.lang import request_lang
    from archive.i18n import translator

    t = translator(request_lang(request, datasette))
    db = _db_name(datasette)
    return [
        {"href": datasette.urls.path(f"/{db}/search"), "label": t("nav.search")},
        {"href": datasette.urls.path("/-/xxgk/dashboard"), "label": t("nav.dashboard")},
        {"href": datasette.urls.path("/-/xxgk/agencies"), "label": t("nav.agencies")},
        {"href": datasette.urls.path(f"/{db}/runs_health"), "label": t("nav.runs")},
    ]


# ------------------------------------------------------------------ routes

@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    from archive.datasette.feed import ROUTES as FEED
    from archive.datasette.replay import ROUTES as REPLAY
    from archive.datasette.search_page import search_page

    return [
        (rf"^/{re.escape(_db_name(datasette))}/search$", search_page),
        *REPLAY,  # /-/xxgk/replay/… (archive/datasette/replay.py)
        *FEED,  # /-/xxgk/feed/{agency}.atom (archive/datasette/feed.py)
        (r"^/-/xxgk/warc/(?P<capture_id>[^/]+)$", warc_record),
        (r"^/-/xxgk/dashboard$", dashboard),
        (r"^/-/xxgk/agencies$", agencies_page),
        (r"^/-/xxgk/agencies\.csv$", agencies_csv),
        (r"^/robots\.txt$", robots_txt),
        (r"^/-/xxgk/xxgk\.css$", stylesheet),
    ]


# Datasette 0.65 lists every column description above the table; a compact scrolling grid keeps the
# rows in view on wide tables such as documents.
CSS = """
dl.column-descriptions { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  font-size: .85em; max-height: 11em; overflow-y: auto; border: 1px solid #ddd; padding: .4rem .6rem;
  background: #fff; }
dl.column-descriptions dt { font-weight: 600; margin: 0; }
dl.column-descriptions dd { margin: 0; }
"""


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/xxgk/xxgk.css")]


async def stylesheet() -> Response:
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


async def robots_txt() -> Response:
    return Response.text("User-agent: *\nDisallow: /\n")


def _warc_path(warc_dir: str, warc_file: str) -> Path | None:
    """The WARC file inside the WARC folder, or None when the name would leave it."""
    if not warc_file or Path(warc_file).name != warc_file or warc_file.startswith("."):
        return None
    folder = Path(warc_dir).resolve()
    path = (folder / warc_file).resolve()
    return path if path.parent == folder and path.is_file() else None


async def warc_record(request: Any, send: Any, datasette: Any) -> Response | None:
    """Stream one capture's WARC record: the gzip member at warc_offset, warc_length bytes long."""
    capture_id = request.url_vars["capture_id"]
    if not _CAPTURE_ID.match(capture_id):
        return Response.text("bad capture id", status=400)
    warc_dir = _config(datasette).get("warc_dir")
    if not warc_dir:
        return Response.text("no WARC folder configured (xxgk serve --warc-dir)", status=404)
    db = datasette.get_database(_db_name(datasette))
    row = (await db.execute("select warc_file, warc_offset, warc_length, warc_record_id from captures where id = ?",
                            [capture_id])).first()
    if row is None or not row["warc_file"] or row["warc_offset"] is None or not row["warc_length"]:
        return Response.text("no WARC record for this capture", status=404)
    path = _warc_path(warc_dir, row["warc_file"])
    if path is None:
        return Response.text("WARC file not found", status=404)
    offset, length = int(row["warc_offset"]), int(row["warc_length"])
    import aiofiles

    async with aiofiles.open(path, "rb") as fh:
        await fh.seek(offset)
        first = await fh.read(min(CHUNK, length))
        if len(first) < 2 or first[:2] != b"\x1f\x8b":
            return Response.text("the WARC record is not where the capture says", status=500)
        name = f"{capture_id}.warc.gz"
        await asgi_start(send, 200, {
            "content-disposition": f'attachment; filename="{name}"',
            "content-length": str(length),
            "x-warc-file": row["warc_file"],
            "x-warc-offset": str(offset),
            "x-warc-record-id": row["warc_record_id"] or "",
            "x-content-type-options": "nosniff",
        }, content_type="application/gzip")
        remaining = length - len(first)
        await send({"type": "http.response.body", "body": first, "more_body": remaining > 0})
        while remaining > 0:
            chunk = await fh.read(min(CHUNK, remaining))
            if not chunk:  # the file is shorter than the capture says: end the body rather than hang
                break
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
        if remaining > 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    return None


# ------------------------------------------------------------------ reconciliation dashboard

async def dashboard(request: Any, datasette: Any) -> Response:
    from archive.datasette.dashboard import build_dashboard
    from archive.datasette.lang import request_lang
    from archive.i18n import translator

    db = datasette.get_database(_db_name(datasette))
    args = {k: request.args.get(k) for k in ("id", "agency", "year")}
    lang = request_lang(request, datasette)
    context = await db.execute_fn(lambda conn: build_dashboard(conn, **args, lang=lang))
    context.update(db_name=_db_name(datasette), t=translator(lang), xxgk_lang=lang)
    context["doc_url"] = lambda doc_id: doc_url(datasette, doc_id)
    html = await datasette.render_template("xxgk_dashboard.html", context, request=request,
                                           view_name="xxgk_dashboard")
    return Response.html(html, status=200 if context.get("rec") or not context.get("not_found") else 404)


# ------------------------------------------------------------------ agencies × claims

async def agencies_page(request: Any, datasette: Any) -> Response:
    from archive.datasette.agencies import build_page
    from archive.datasette.lang import request_lang
    from archive.i18n import translator

    db = datasette.get_database(_db_name(datasette))
    args = {k: request.args.get(k) for k in ("year", "sort", "desc")}
    base, dash = datasette.urls.path("/-/xxgk/agencies"), datasette.urls.path("/-/xxgk/dashboard")
    lang = request_lang(request, datasette)
    context = await db.execute_fn(lambda conn: build_page(conn, args, base, dash, lang))
    context.update(db_name=_db_name(datasette), t=translator(lang), xxgk_lang=lang)
    html = await datasette.render_template("xxgk_agencies.html", context, request=request, view_name="xxgk_agencies")
    return Response.html(html, status=400 if context.get("problem") and not context.get("table") else 200)


async def agencies_csv(request: Any, datasette: Any) -> Response:
    from archive.datasette.agencies import build_csv

    db = datasette.get_database(_db_name(datasette))
    args = {k: request.args.get(k) for k in ("year", "sort", "desc")}
    year, text = await db.execute_fn(lambda conn: build_csv(conn, args))
    if year is None:
        return Response.text("no reconciliation in the archive yet", status=404)
    return Response(text, content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="agencies-{year}.csv"'})
