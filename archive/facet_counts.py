"""The documents table's facet counts, kept exact in the archive by SQLite triggers.

Datasette's column facet counts every row under the page's filter (`select col, count(*) … group by col`):
at 1,000,000 documents that is ~50 ms a facet warm and ~500 ms cold, five facets a page. The archive keeps
the answer instead: `documents_facet_counts` holds, for each channel, each faceted column and each non-NULL
value, how many documents have it. Triggers on `documents` update it in the same transaction as every
insert, delete and update of a faceted column, so whatever writes the archive (the store, the batched
"seen" path, a migration, a repair, a plain sqlite3 shell) cannot leave it stale. The one exception is
SQLite's own: `INSERT OR REPLACE` deletes the row it replaces without firing delete triggers (unless
`PRAGMA recursive_triggers`); nothing in xxgk-archive writes documents that way.

Keyed by channel too, so the commonest facet click (one channel) is answered from the counts as well;
archive/datasette/facets.py reads them when, and only when, the answer is provably Datasette's own.

The table is a rowid table, not WITHOUT ROWID: a WITHOUT ROWID primary key cannot hold a NULL channel,
and a document's channel may be NULL (its other facets still count on the unfiltered page). `value` has
no declared type, so it keeps each value's storage class (2024 stays an integer) as Datasette's GROUP BY
would see it. NULL values are not counted (Datasette's facet skips them); a row whose count reaches 0 is
removed.
"""

from __future__ import annotations

import sqlite3

TABLE = "documents_facet_counts"
# The documents table's default facets (archive/datasette/metadata.py); tests check the two agree.
FACETS = ("agency", "channel", "category", "year", "status")

_MATCH = "channel is {row}.channel and facet = '{col}' and value = {row}.[{col}]"


def _add(col: str) -> str:
    match = _MATCH.format(row="new", col=col)
    return (f"insert into [{TABLE}] (channel, facet, value, n) select new.channel, '{col}', new.[{col}], 0 "
            f"where new.[{col}] is not null and not exists (select 1 from [{TABLE}] where {match});\n"
            f"update [{TABLE}] set n = n + 1 where new.[{col}] is not null and {match};")


def _remove(col: str) -> str:
    match = _MATCH.format(row="old", col=col)
    return (f"update [{TABLE}] set n = n - 1 where old.[{col}] is not null and {match};\n"
            f"delete from [{TABLE}] where n <= 0 and old.[{col}] is not null and {match};")


def _changed() -> str:
    return " or ".join(f"old.[{c}] is not new.[{c}]" for c in FACETS)


TRIGGERS = {
    f"{TABLE}_insert": f"after insert on documents begin\n{chr(10).join(_add(c) for c in FACETS)}\nend",
    f"{TABLE}_delete": f"after delete on documents begin\n{chr(10).join(_remove(c) for c in FACETS)}\nend",
    # A changed channel moves every facet of the document, so an update takes all five out and puts them back.
    f"{TABLE}_update": (f"after update of {', '.join(FACETS)} on documents when {_changed()} begin\n"
                        f"{chr(10).join(_remove(c) for c in FACETS)}\n{chr(10).join(_add(c) for c in FACETS)}\nend"),
}


def create(conn: sqlite3.Connection) -> None:
    """Create the table, fill it from the documents already stored, and install the triggers (inside the
    caller's transaction: a migration)."""
    conn.execute(f"create table if not exists [{TABLE}] (channel text, facet text not null, value, "
                 "n integer not null)")
    # Unique for every non-NULL channel; the triggers keep the NULL channel's rows single (matched with IS).
    conn.execute(f"create unique index if not exists [{TABLE}_key] on [{TABLE}] (channel, facet, value)")
    conn.execute(f"delete from [{TABLE}]")
    for col in FACETS:
        conn.execute(f"insert into [{TABLE}] (channel, facet, value, n) select channel, '{col}', [{col}], count(*) "
                     f"from documents where [{col}] is not null group by channel, [{col}]")
    for name, body in TRIGGERS.items():
        conn.execute(f"drop trigger if exists [{name}]")
        conn.execute(f"create trigger [{name}] {body}")


def recount(conn: sqlite3.Connection) -> list[tuple[object, str, object, int]]:
    """The counts as a GROUP BY over documents gives them (what the table must equal), sorted."""
    rows = [(ch, col, value, n) for col in FACETS for ch, value, n in conn.execute(
        f"select channel, [{col}], count(*) from documents where [{col}] is not null group by channel, [{col}]")]
    return sorted(rows, key=repr)


def stored(conn: sqlite3.Connection) -> list[tuple[object, str, object, int]]:
    """The counts as the table holds them, sorted like recount()."""
    return sorted(conn.execute(f"select channel, facet, value, n from [{TABLE}]").fetchall(), key=repr)
