"""Prepared-statement writes for a crawl's hot path.

sqlite-utils' `insert`/`update` look the table's schema up (`PRAGMA table_info`) and open a savepoint on
every call (62 µs an insert, 123 µs an update, against 12 µs and 6 µs for a prepared statement). A crawl
writes a handful of rows per response, so these write the same SQL text every time and let sqlite3's
statement cache keep it prepared. sqlite-utils stays for migrations and for everything that is not the
crawl's per-response path.

Values are stored as sqlite-utils stores them (dicts and lists as JSON), so an archive is the same
whichever wrote it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

PLAIN = (str, int, float, bytes, type(None))


def _value(value: Any) -> Any:
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class Rows:
    """Inserts, updates and look-ups on one connection, inside whatever transaction it has open."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._sql: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], str] = {}

    def _statement(self, kind: str, table: str, columns: tuple[str, ...], keys: tuple[str, ...] = ()) -> str:
        cache_key = (kind, table, columns, keys)
        sql = self._sql.get(cache_key)
        if sql is None:
            if kind == "insert":
                sql = (f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                       f"values ({', '.join('?' for _ in columns)})")
            else:
                sql = (f"update [{table}] set {', '.join(f'[{c}] = ?' for c in columns)} "
                       f"where {' and '.join(f'[{k}] = ?' for k in keys)}")
            self._sql[cache_key] = sql
        return sql

    def insert(self, table: str, record: dict[str, Any]) -> None:
        self.conn.execute(self._statement("insert", table, tuple(record)), [_value(v) for v in record.values()])

    def update(self, table: str, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Update the one row whose columns equal `key` (its primary key); a missing row is a bug."""
        if not values:
            return
        sql = self._statement("update", table, tuple(values), tuple(key))
        cursor = self.conn.execute(sql, [*(_value(v) for v in values.values()), *key.values()])
        if cursor.rowcount != 1:
            raise LookupError(f"{table}: no row {key} to update")

    def one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None."""
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def all(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def exists(self, table: str, where: str, params: list[Any] | tuple[Any, ...]) -> bool:
        return self.conn.execute(f"select 1 from [{table}] where {where} limit 1", params).fetchone() is not None
