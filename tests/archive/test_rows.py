"""archive/rows.py writes rows exactly as sqlite-utils would, through prepared statements."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
import sqlite_utils

from archive.rows import Rows


def tables() -> tuple[sqlite_utils.Database, sqlite_utils.Database]:
    pair = []
    for _ in range(2):
        db = sqlite_utils.Database(memory=True)
        db["t"].create({"id": str, "n": int, "x": float, "j": str, "d": str, "b": int}, pk="id")
        db["k"].create({"a": str, "b": str, "v": str}, pk=("a", "b"))
        pair.append(db)
    return pair[0], pair[1]


def test_insert_and_update_store_what_sqlite_utils_stores() -> None:
    ours, theirs = tables()
    rows = Rows(ours.conn)
    record = {"id": "a", "n": 3, "x": 1.5, "j": {"k": ["v", "文"]}, "d": date(2024, 5, 1), "b": True}
    rows.insert("t", record)
    theirs["t"].insert(record)
    change = {"j": [1, 2], "n": None}
    rows.update("t", {"id": "a"}, change)
    theirs["t"].update("a", change)
    rows.insert("k", {"a": "1", "b": "2", "v": "x"})
    theirs["k"].insert({"a": "1", "b": "2", "v": "x"})
    rows.update("k", {"a": "1", "b": "2"}, {"v": "y"})
    theirs["k"].update(("1", "2"), {"v": "y"})
    for table in ("t", "k"):
        assert list(ours.conn.execute(f"select * from {table}")) == list(theirs.conn.execute(f"select * from {table}"))
    assert rows.one("select n, j from t where id = ?", ["a"]) == {"n": None, "j": "[1, 2]"}
    assert rows.one("select n from t where id = ?", ["zz"]) is None
    assert rows.exists("k", "a = ? and b = ?", ["1", "2"]) and not rows.exists("k", "a = ?", ["2"])
    assert [r["v"] for r in rows.all("select v from k")] == ["y"]


def test_updating_a_missing_row_is_an_error_and_bad_columns_fail_like_sqlite() -> None:
    ours, _ = tables()
    rows = Rows(ours.conn)
    with pytest.raises(LookupError):
        rows.update("t", {"id": "nope"}, {"n": 1})
    with pytest.raises(sqlite3.OperationalError):
        rows.insert("t", {"id": "a", "missing": 1})
