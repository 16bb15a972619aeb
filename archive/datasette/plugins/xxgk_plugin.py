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
- /robots.txt: the archive mirror asks crawlers to stay away; /-/xxgk/xxgk.css: a little CSS.
- Limits (archive/datasette/limits.py): no SQL value over 16 MB, no query result over 32 MB, and 405 to
  any write method on the archive's pages.

Everything from crawled pages is escaped: templates autoescape, and the only Markup built here comes
from markupsafe.escape or from archive.audit_report.svg (which escapes every value).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response, asgi_start
from markupsafe import Markup

from archive.datasette import table_search
from archive.datasette.limits import limit_connection, read_only_methods
from archive.datasette.metadata import DATABASE, PLUGIN
from archive.datasette.search import has_index, override_escape_fts, register_functions

CHUNK = 256 * 1024
_CAPTURE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


def _config(datasette: Any) -> dict[str, Any]:
    return datasette.plugin_config(PLUGIN) or {}


def _db_name(datasette: Any) -> str:
    return _config(datasette).get("database") or DATABASE


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
    return read_only_methods  # 405 to POST/PUT/PATCH/DELETE on the archive's pages


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
            return _document_vars(datasette, database, key)
        return _capture_vars(datasette, database, key)
    return None


def _document_vars(datasette: Any, database: str, doc_id: str) -> Any:
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)

        async def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
            return [dict(r) for r in (await db.execute(sql, params)).rows]

        doc = await rows("select id, capture_id, canonical_url, status from documents where id = ?", [doc_id])
        if not doc:
            return {}
        versions = await rows("select id, observed_at, run_id, capture_id, changed_fields, [values], previous "
                              "from document_versions where document_id = ? order by observed_at, id", [doc_id])
        for v in versions:
            v["fields"] = _version_fields(v)
        events = await rows("select at, event, run_id, capture_id, details from document_events "
                            "where document_id = ? order by at, id", [doc_id])
        attachments = await rows("select a.id, a.name, a.url, a.mime, a.size, a.sha256, a.status, a.capture_id, "
                                 "c.warc_file from attachments a left join captures c on c.id = a.capture_id "
                                 "where a.document_id = ? order by a.id", [doc_id])
        cap_ids = {doc[0]["capture_id"]} | {x["capture_id"] for x in versions + events + attachments}
        cap_ids.discard(None)
        cap_ids.discard("")
        captures: list[dict[str, Any]] = []
        if cap_ids:
            marks = ",".join("?" for _ in cap_ids)
            captures = await rows(
                "select id, fetched_at, url, status, outcome, sha256, payload_length, warc_file, revisit_of, run_id "
                f"from captures where id in ({marks}) or url = ? order by fetched_at, id",
                [*sorted(cap_ids), doc[0]["canonical_url"] or ""])
        warc_ok = bool(_config(datasette).get("warc_dir"))
        return {"xxgk_doc": {
            "id": doc_id, "capture_id": doc[0]["capture_id"], "status": doc[0]["status"],
            "versions": versions, "events": events, "attachments": attachments, "captures": captures,
            "warc_available": warc_ok,
        }, "xxgk_warc_url": lambda cid: warc_url(datasette, cid),
            "xxgk_capture_url": lambda cid: datasette.urls.table(database, "captures") + "/" + tilde_encode(cid)}

    return inner


def _short(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def _version_fields(v: dict[str, Any]) -> list[dict[str, str]]:
    try:
        fields = json.loads(v.get("changed_fields") or "[]")
        after = json.loads(v.get("values") or "{}")
        before = json.loads(v.get("previous") or "{}")
    except ValueError:
        return []
    return [{"field": f, "before": _short(before.get(f, "")) if f in before else "",
             "after": _short(after.get(f, ""))} for f in fields]


def _capture_vars(datasette: Any, database: str, capture_id: str) -> Any:
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        res = await db.execute("select id, warc_file, revisit_of from captures where id = ?", [capture_id])
        row = res.first()
        if row is None:
            return {}
        return {"xxgk_capture": dict(row), "xxgk_warc_url": lambda cid: warc_url(datasette, cid),
                "xxgk_warc_available": bool(_config(datasette).get("warc_dir"))}

    return inner


# ------------------------------------------------------------------ links in canned-query results

@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if table is not None or not _is_archive(datasette, database) or not isinstance(value, str) or not value:
        return None
    if column == "document_id":
        return Markup('<a href="{}">{}</a>').format(doc_url(datasette, value), value)
    if column == "capture_id":
        cap = datasette.urls.table(_db_name(datasette), "captures") + "/" + tilde_encode(value)
        return Markup('<a href="{}">{}</a> <a href="{}" title="download the WARC record">[WARC]</a>').format(
            cap, value, warc_url(datasette, value))
    return None


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    db = _db_name(datasette)
    return [
        {"href": datasette.urls.path(f"/{db}/search"), "label": "Search documents"},
        {"href": datasette.urls.path("/-/xxgk/dashboard"), "label": "Reconciliation dashboard"},
        {"href": datasette.urls.path(f"/{db}/runs_health"), "label": "Crawl runs"},
    ]


# ------------------------------------------------------------------ routes

@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    from archive.datasette.search_page import search_page

    return [
        (rf"^/{re.escape(_db_name(datasette))}/search$", search_page),
        (r"^/-/xxgk/warc/(?P<capture_id>[^/]+)$", warc_record),
        (r"^/-/xxgk/dashboard$", dashboard),
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

    db = datasette.get_database(_db_name(datasette))
    args = {k: request.args.get(k) for k in ("id", "agency", "year")}
    context = await db.execute_fn(lambda conn: build_dashboard(conn, **args))
    context["db_name"] = _db_name(datasette)
    context["doc_url"] = lambda doc_id: doc_url(datasette, doc_id)
    html = await datasette.render_template("xxgk_dashboard.html", context, request=request,
                                           view_name="xxgk_dashboard")
    return Response.html(html, status=200 if context.get("rec") or not context.get("not_found") else 404)
