"""Datasette's column facet on the documents table, answered from the archive's facet counts.

`CountedColumnFacet` is Datasette's ColumnFacet except for one case: the documents table of a database that
keeps `documents_facet_counts` (and its triggers: archive/facet_counts.py), every requested column facet is
one the counts keep, and the rows faceted are all documents or exactly `channel = X`. Then the values come
from the counts table (a few hundred rows) instead of a GROUP BY over up to every document; the result is
built as ColumnFacet builds it (same values, counts, order by count desc then value, `truncated`, labels,
`selected`, toggle URLs). Anything else — a search, `_where`, another filter, a page past the first
(`_next` adds to the faceted SQL), a facet on another column, an archive without the counts — goes to
ColumnFacet itself. The decision reads the SQL Datasette built for the facets (`self.sql`, `self.params`),
not the request, so every filter any plugin adds is seen.
"""

from __future__ import annotations

import re
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from archive.facet_counts import FACETS, TABLE, TRIGGERS

# The SQL Datasette 0.65's table view hands its facets (views/table.py: sql_no_order_no_limit): every column
# of documents, then nothing, or exactly the one filter `"channel" = :p0` (?channel= or ?channel__exact=).
_UNFILTERED = re.compile(r"select (?P<columns>[^()]+?) from documents ")
_ONE_CHANNEL = re.compile(r'select (?P<columns>[^()]+?) from documents where "channel" = :p0 ')


def counted_scope(sql: str, params: Any, table: str | None) -> tuple[str, list[str]] | None:
    """("all" | "channel", the selected columns) when the faceted rows are all documents or one channel's,
    else None."""
    if table != "documents":
        return None
    for scope, pattern, keys in (("all", _UNFILTERED, set()), ("channel", _ONE_CHANNEL, {"p0"})):
        m = pattern.fullmatch(sql)
        if m and set(params or {}) == keys:
            return scope, m.group("columns").split(", ")
    return None


class CountedColumnFacet(ColumnFacet):
    """ColumnFacet, with the documents table's facets read from the archive's exact counts when that gives
    ColumnFacet's own answer (see the module's docstring); otherwise ColumnFacet unchanged."""

    async def _keeps_counts(self) -> bool:
        names = [TABLE, *TRIGGERS]
        rows = await self.ds.execute(
            self.database, f"select count(*) from sqlite_master where name in ({', '.join('?' for _ in names)})",
            names)
        return rows.first()[0] == len(names)

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        scope = counted_scope(self.sql, self.params, self.table)
        configs = self.get_configs()
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        if (scope is None or not all(c in FACETS and escape_sqlite(c) in scope[1] for c in columns)
                or not await self._keeps_counts()):
            return await super().facet_results()
        if scope[0] == "all":
            counts_sql = (f"select value, sum(n) as count from [{TABLE}] where facet = :facet group by value "
                          "order by count desc, value limit :limit")
        else:
            counts_sql = (f"select value, n as count from [{TABLE}] where channel = :p0 and facet = :facet "
                          "order by count desc, value limit :limit")
        return await self._results(configs, columns, counts_sql)

    async def _results(self, configs: list[dict[str, Any]], columns: list[str],
                       counts_sql: str) -> tuple[list[dict[str, Any]], list[str]]:
        # ColumnFacet.facet_results (Datasette 0.65) with the counts query in place of its GROUP BY; the
        # served-archive tests compare the two outputs whole.
        facet_results, facets_timed_out = [], []
        qs_pairs = self.get_querystring_pairs()
        facet_size = self.get_facet_size()
        for source_and_config, column in zip(configs, columns, strict=True):
            try:
                rows = await self.ds.execute(
                    self.database, counts_sql, {**dict(self.params or {}), "facet": column, "limit": facet_size + 1},
                    truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                facets_timed_out.append(column)
                continue
            values: list[dict[str, Any]] = []
            facet_results.append({
                "name": column,
                "type": self.type,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values,
                "truncated": len(rows) > facet_size,
            })
            facet_rows = rows.rows[:facet_size]
            expanded = await self.ds.expand_foreign_keys(
                self.database, self.table, column, [row["value"] for row in facet_rows])
            for row in facet_rows:
                column_qs = f"{column}__exact" if column.startswith("_") else column
                selected = (column_qs, str(row["value"])) in qs_pairs
                if selected:
                    toggle_path = path_with_removed_args(self.request, {column_qs: str(row["value"])})
                else:
                    toggle_path = path_with_added_args(self.request, {column_qs: row["value"]})
                values.append({
                    "value": row["value"],
                    "label": expanded.get((column, row["value"]), row["value"]),
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle_path)),
                    "selected": selected,
                })
        return facet_results, facets_timed_out


def with_counted_facets(classes: list[type]) -> list[type]:
    """A register_facet_classes result with Datasette's ColumnFacet replaced by CountedColumnFacet."""
    return [CountedColumnFacet if cls is ColumnFacet else cls for cls in classes]
