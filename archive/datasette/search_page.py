"""The search page, /{db}/search?q=…: 50 documents a page, newest first, counted (or "more than 10,000"),
matches highlighted in the title and an excerpt, and a next-page link that works at any depth (keyset
paging on (published_date, rowid): page 200 costs what page 1 costs). The canned query of the same name
stays the JSON and CSV interface (/{db}/search.json?q=…&page=N)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from archive.datasette.lang import request_lang
from archive.datasette.search import COUNT_CAP, Plan, excerpt, highlight, plan
from archive.i18n import translator

PAGE_SIZE = 50
COLUMNS = "d.rowid as rowid_, d.id, d.published_date, d.channel, d.category, d.title, d.doc_number, d.publisher, " \
          "d.status, d.body_text"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "xxgk_search.html"


def after_clause(token: str) -> tuple[str, dict[str, Any]]:
    """The keyset condition for the rows after `token` ("<published_date>,<rowid>"; an empty date is NULL)."""
    date, _, rowid = token.rpartition(",")
    try:
        rid = int(rowid)
    except ValueError:
        return "", {}
    if not date:  # NULL dates come last (DESC)
        return "(d.published_date is null and d.rowid < :after_rowid)", {"after_rowid": rid}
    return ("(d.published_date < :after_date or (d.published_date = :after_date and d.rowid < :after_rowid) "
            "or d.published_date is null)"), {"after_date": date, "after_rowid": rid}


def page_sql(p: Plan, after: str = "") -> tuple[str, dict[str, Any]]:
    """One page of a planned search (PAGE_SIZE + 1 rows: the extra one says there is a next page)."""
    where, params = [p.where("fts", "d")], p.params("fts")
    if after:
        clause, extra = after_clause(after)
        if clause:
            where.append(clause)
            params.update(extra)
    return (f"select {COLUMNS} from documents d where {' and '.join(where)} "
            f"order by d.published_date desc, d.rowid desc limit {PAGE_SIZE + 1}"), params


async def search_page(request: Any, datasette: Any) -> Any:
    from datasette.utils import tilde_encode
    from datasette.utils.asgi import Response

    from archive.datasette.metadata import archive_db_name as _db_name

    name = _db_name(datasette)
    db = datasette.get_database(name)
    q = (request.args.get("q") or "").strip()
    after = request.args.get("next") or ""
    lang = request_lang(request, datasette)
    context: dict[str, Any] = {"q": q, "db_name": name, "cap": COUNT_CAP, "rows": [], "plan": None,
                               "t": translator(lang), "xxgk_lang": lang}
    if q:
        p = await plan(db, q)
        context["plan"] = p
        if not p.refused and not p.empty:
            sql, params = page_sql(p, after)
            rows = [dict(r) for r in (await db.execute(sql, params)).rows]
            more = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
            base = datasette.urls.table(name, "documents")
            context["rows"] = [{
                **r, "url": base + "/" + tilde_encode(r["id"]),
                "title_html": highlight(r["title"], q), "doc_number_html": highlight(r["doc_number"], q),
                "publisher_html": highlight(r["publisher"], q), "excerpt_html": excerpt(r["body_text"], q),
            } for r in rows]
            if more:
                last = rows[-1]
                context["next_url"] = "?" + urlencode({"q": q, "next": f"{last['published_date'] or ''},{last['rowid_']}"})
            context["first_url"] = "?" + urlencode({"q": q}) if after else ""
            context["table_url"] = base + "?" + urlencode({"_search": q})
            context["json_url"] = datasette.urls.path(f"/{name}/search.json") + "?" + urlencode({"q": q})
    html = await datasette.render_template(_template(datasette), context, request=request, view_name="xxgk_search")
    return Response.html(html)


def _template(datasette: Any) -> Any:
    """Our template by name when Datasette was given our templates folder (xxgk serve), else from its file
    (a plain `datasette archive.sqlite` loading the plugin through its entry point)."""
    try:
        return datasette.jinja_env.get_template(TEMPLATE.name)
    except Exception:  # noqa: BLE001 - jinja2.TemplateNotFound, without importing jinja2 here
        return datasette.jinja_env.from_string(TEMPLATE.read_text(encoding="utf-8"))
