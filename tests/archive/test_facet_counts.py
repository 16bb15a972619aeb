"""The documents table's facet counts (archive/facet_counts.py) stay exactly the GROUP BY over documents,
whatever writes the documents, and the migration fills them on an archive built before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import facet_counts
from archive.datasette.metadata import TABLES
from archive.schema import migrations, open_db

IDS = [f"a/catalog/{i}" for i in range(6)]
# Values of each faceted column, NULL included, with the storage classes a column can end up holding (a text
# year, a real, an empty string).
VALUES = {
    "agency": [None, "a", "b"],
    "channel": [None, "catalog", "website", "wechat", ""],
    "category": [None, "政务动态", "通知公告", ""],
    "year": [None, 2023, 2024, "2024", "未知", 2024.5],
    "status": [None, "live", "disappeared"],
}
ROW = st.fixed_dictionaries({col: st.sampled_from(values) for col, values in VALUES.items()})
COLUMN_CHANGE = st.sampled_from(list(VALUES)).flatmap(
    lambda col: st.tuples(st.just(col), st.sampled_from(VALUES[col])))
OPS = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(IDS), ROW),
    st.tuples(st.just("insert or ignore"), st.sampled_from(IDS), ROW),
    st.tuples(st.just("upsert"), st.sampled_from(IDS), ROW),
    st.tuples(st.just("update"), st.sampled_from(IDS), COLUMN_CHANGE),
    st.tuples(st.just("update row"), st.sampled_from(IDS), ROW),
    st.tuples(st.just("update unfaceted"), st.sampled_from(IDS), st.just(None)),
    st.tuples(st.just("delete"), st.sampled_from(IDS), st.just(None)),
    st.tuples(st.just("delete all"), st.just(""), st.just(None)),
), max_size=40)


def apply(conn: sqlite3.Connection, op: str, doc_id: str, arg: object) -> None:
    cols = list(VALUES)
    if op in ("insert", "insert or ignore", "upsert"):
        assert isinstance(arg, dict)
        sql = (f"insert {'or ignore ' if op == 'insert or ignore' else ''}into documents (id, {', '.join(cols)}) "
               f"values (?, {', '.join('?' for _ in cols)})")
        if op == "upsert":
            sql += f" on conflict(id) do update set {', '.join(f'{c} = excluded.{c}' for c in cols)}"
        try:
            conn.execute(sql, [doc_id, *(arg[c] for c in cols)])
        except sqlite3.IntegrityError:  # a plain insert of an id already there: nothing written
            pass
    elif op == "update":
        assert isinstance(arg, tuple)
        conn.execute(f"update documents set [{arg[0]}] = ? where id = ?", [arg[1], doc_id])
    elif op == "update row":
        assert isinstance(arg, dict)
        conn.execute(f"update documents set {', '.join(f'{c} = ?' for c in cols)} where id = ?",
                     [*(arg[c] for c in cols), doc_id])
    elif op == "update unfaceted":  # the batched "seen" path: no facet changes, the counts stay
        conn.execute("update documents set last_seen_at = '2025-01-01T00:00:00Z' where id = ?", [doc_id])
    elif op == "delete":
        conn.execute("delete from documents where id = ?", [doc_id])
    else:
        conn.execute("delete from documents")


def test_counts_equal_the_group_by_after_any_writes(tmp_path: Path) -> None:
    db = open_db(tmp_path / "archive.sqlite")
    conn = db.conn
    conn.executemany("insert into agencies (id) values (?)", [("a",), ("b",)])
    conn.commit()

    @settings(max_examples=150)
    @given(OPS)
    def check(ops: list[tuple[str, str, object]]) -> None:
        for op, doc_id, arg in ops:
            apply(conn, op, doc_id, arg)
        # Every row exact, none at zero, none for a NULL value; and a rolled-back write leaves them as they were.
        assert facet_counts.stored(conn) == facet_counts.recount(conn)
        assert conn.execute(f"select count(*) from {facet_counts.TABLE} where n <= 0 or value is null").fetchone() \
            == (0,)
        before = facet_counts.stored(conn)
        conn.commit()
        apply(conn, "delete all", "", None)
        conn.rollback()
        assert facet_counts.stored(conn) == before

    check()


def test_counts_move_with_a_changed_channel(tmp_path: Path) -> None:
    conn = open_db(tmp_path / "archive.sqlite").conn
    conn.execute("insert into documents (id, channel, category, year, status) values "
                 "('x', 'catalog', '通知公告', 2024, 'live'), ('y', 'catalog', '通知公告', 2024, 'live')")
    conn.execute("update documents set channel = 'website' where id = 'x'")
    rows = {(ch, f, v): n for ch, f, v, n in facet_counts.stored(conn)}
    assert rows[("catalog", "category", "通知公告")] == 1 and rows[("website", "category", "通知公告")] == 1
    assert rows[("website", "channel", "website")] == 1 and rows[("catalog", "year", 2024)] == 1
    conn.execute("update documents set channel = null where id = 'x'")
    rows = {(ch, f, v): n for ch, f, v, n in facet_counts.stored(conn)}
    assert rows[(None, "status", "live")] == 1 and ("website", "year", 2024) not in rows
    assert facet_counts.stored(conn) == facet_counts.recount(conn)


def test_migration_fills_the_counts_of_an_archive_built_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m010_facet_counts")
    old["agencies"].insert({"id": "a"})
    old["documents"].insert_all([
        {"id": f"a/{ch}/{i}", "agency": "a", "channel": ch, "category": f"c{i % 3}", "year": 2020 + i % 4,
         "status": "disappeared" if i % 5 == 0 else "live"}
        for ch in ("catalog", "website", "wechat") for i in range(20 + len(ch))])
    old["documents"].insert({"id": "a/catalog/null", "agency": "a", "channel": None, "category": None})
    assert facet_counts.TABLE not in old.table_names()
    old.close()
    db = open_db(path)
    assert facet_counts.stored(db.conn) == facet_counts.recount(db.conn)
    assert sum(n for _, facet, _, n in facet_counts.stored(db.conn) if facet == "agency") == 27 + 27 + 26 + 1
    # …and the triggers keep it so from then on.
    db.conn.execute("delete from documents where channel = 'website'")
    db.conn.execute("update documents set status = 'disappeared' where channel = 'wechat'")
    assert facet_counts.stored(db.conn) == facet_counts.recount(db.conn)


def test_counted_columns_are_the_documents_default_facets() -> None:
    assert list(facet_counts.FACETS) == TABLES["documents"].options["facets"]
