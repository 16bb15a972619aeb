"""The cross-agency page of Datasette: /-/xxgk/agencies?year=Y&sort=KEY&desc=1 (HTML) and
/-/xxgk/agencies.csv (UTF-8 with a BOM, one line per agency and claim).

Agencies × claims of one year (archive/reconcile/across.py `agencies_matrix`): every agency of the latest agency
audit of the year, every agency with a reconciliation of it and every archived agency, with statuses, the size
of each discrepancy and a link to each agency's reconciliation on the dashboard. No script: a column heading is
a link that re-sorts on the server. The table's HTML is the audit report's (archive/audit_report/agencies.py),
which escapes every value.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlencode

import sqlite_utils
from markupsafe import Markup

from archive.audit_report.agencies import matrix_table, render_csv, totals_line
from archive.i18n import DEFAULT_LANG
from archive.reconcile.across import SORTS, agencies_matrix

DEFAULT_SORT = "discrepancy"


def years(conn: sqlite3.Connection) -> list[int]:
    """Report years with a reconciliation or an agency audit, newest first."""
    db = sqlite_utils.Database(conn)
    tables = db.table_names()
    found: set[int] = set()
    for table in ("reconciliations", "agency_audits"):
        if table in tables:
            found |= {int(r[0]) for r in conn.execute(f"select distinct year from {table}") if r[0] is not None}
    return sorted(found, reverse=True)


def parse_args(args: dict[str, str | None], known_years: list[int]) -> tuple[int | None, str, bool, str | None]:
    """(year, sort, descending, problem) from the query string; unknown values fall back, and say so."""
    problem = None
    year: int | None = known_years[0] if known_years else None
    if args.get("year"):
        try:
            year = int(str(args["year"]))
        except ValueError:
            problem = f"year must be a number, not {args['year']!r}"
    sort = args.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        problem, sort = f"unknown sort {sort!r}", DEFAULT_SORT
    desc_arg = args.get("desc")
    descending = sort not in ("agency", "name", "status") if desc_arg in (None, "") else desc_arg not in ("0", "false")
    return year, sort, descending, problem


def build_page(conn: sqlite3.Connection, args: dict[str, str | None], base: str, dashboard: str,
               lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The page's context in `lang`: the table as Markup, the year links and the CSV link. `base`: this page's
    path; `dashboard`: the reconciliation dashboard's path."""
    known = years(conn)
    year, sort, descending, problem = parse_args(args, known)
    out: dict[str, Any] = {"year": year, "years": [{"year": y, "href": f"{base}?{urlencode({'year': y})}"}
                                                   for y in known], "problem": problem, "table": None}
    if year is None:
        return out
    matrix = agencies_matrix(sqlite_utils.Database(conn), year, sort=sort, descending=descending)

    def sort_href(key: str, desc: bool) -> str:
        return f"{base}?{urlencode({'year': year, 'sort': key, 'desc': int(desc)})}"

    def agency_href(row: dict[str, Any]) -> str | None:
        return f"{dashboard}?{urlencode({'id': row['reconciliation_id']})}" if row.get("reconciliation_id") else None

    query = urlencode({"year": year, "sort": sort, "desc": int(descending)})
    table = matrix_table(matrix, sort_href, agency_href, lang=lang)
    out.update(matrix=matrix, table=Markup(table),  # noqa: S704 - every value escaped by matrix_table
               totals=totals_line(matrix, lang), csv_href=f"{base}.csv?{query}", audit=matrix.get("audit"))
    return out


def build_csv(conn: sqlite3.Connection, args: dict[str, str | None]) -> tuple[int | None, str]:
    """(year, the CSV text with its BOM) for /-/xxgk/agencies.csv."""
    year, sort, descending, _ = parse_args(args, years(conn))
    if year is None:
        return None, ""
    return year, render_csv(agencies_matrix(sqlite_utils.Database(conn), year, sort=sort, descending=descending))
