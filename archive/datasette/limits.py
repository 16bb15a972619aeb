"""Bounds on what one request to the archive's Datasette can cost, beyond Datasette's own settings
(`max_returned_rows`, `sql_time_limit_ms`: see archive/serve.py SETTINGS).

- No single value over `MAX_VALUE_BYTES` can be built or read (SQLite's SQLITE_LIMIT_LENGTH):
  `randomblob(400000000)` fails at once instead of allocating 400 MB.
- No query returns more than `MAX_RESULT_BYTES` in all (a budget counted row by row as the rows are
  fetched, so a thousand rows of 10 MB each stop at the budget, not after 10 GB).
- Only GET and HEAD reach the archive's pages: a POST, PUT, PATCH or DELETE to a database, table or row
  answers 405 (the archive is read-only; Datasette's own `/-/` pages keep their forms).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

MAX_VALUE_BYTES = 16 * 1024 * 1024
MAX_RESULT_BYTES = 32 * 1024 * 1024
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ResultTooLarge(sqlite3.DataError):
    """A query whose result would exceed the response budget (Datasette shows it as a query error)."""


class _Budget:
    """A row factory that counts the bytes of the rows a cursor hands out and stops at the budget."""

    def __init__(self, limit: int):
        self.limit = limit
        self.cursor: Any = None
        self.used = 0

    def __call__(self, cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
        if cursor is not self.cursor:  # a new statement: a new budget
            self.cursor, self.used = cursor, 0
        self.used += sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)
        if self.used > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit // (1024 * 1024)} MB: select fewer rows or "
                                 "columns, or use length()/substr() on large values")
        return sqlite3.Row(cursor, row)


def limit_connection(conn: sqlite3.Connection, max_value: int = MAX_VALUE_BYTES,
                     max_result: int = MAX_RESULT_BYTES) -> None:
    """Apply both limits to a connection Datasette opened (called from `prepare_connection`)."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value)
    conn.row_factory = _Budget(max_result)


ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def read_only_methods(app: ASGIApp) -> ASGIApp:
    """An ASGI wrapper answering 405 to anything but GET/HEAD/OPTIONS outside Datasette's `/-/` pages."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("method", "GET") not in READ_METHODS \
                and not scope.get("path", "").startswith("/-/"):
            body = b"405 Method Not Allowed: the archive is read-only\n"
            await send({"type": "http.response.start", "status": 405,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped
