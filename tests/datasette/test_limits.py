"""What one request to the archive's Datasette may cost: no huge values, no huge results, no writes, no
runaway queries (docs/reliability.md). A small archive built in place; Datasette in process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.schema import open_db
from archive.serve import make_datasette

RECURSIVE = "with recursive n(i) as (select 1 union all select i + 1 from n limit {rows}) "


@pytest.fixture
def call(tmp_path: Path) -> Iterator[Any]:
    db = open_db(tmp_path / "archive.sqlite")
    db["agencies"].insert({"id": "x", "name": "某局"})
    db["documents"].insert({"id": "x/catalog/1", "agency": "x", "channel": "catalog", "title": "公开", "status": "live"})
    db.close()
    ds = make_datasette(tmp_path / "archive.sqlite")
    loop = asyncio.new_event_loop()

    def request(method: str, path: str, **kw: Any) -> Any:
        return loop.run_until_complete(getattr(ds.client, method)(path, **kw))

    yield request
    loop.close()


def sql(call: Any, query: str) -> Any:
    return call("get", "/archive.json", params={"sql": query})


def test_a_huge_value_is_refused_not_built(call) -> None:
    started = time.monotonic()
    response = sql(call, "select randomblob(50000000)")
    assert response.status_code == 400 and "too big" in response.json()["error"]
    assert len(response.content) < 10_000 and time.monotonic() - started < 5


def test_a_huge_result_is_cut_at_its_budget(call) -> None:
    response = sql(call, RECURSIVE.format(rows=100) + "select i, randomblob(2000000) from n")  # 200 MB in all
    assert response.status_code == 400 and "larger than 32 MB" in response.json()["error"]
    small = sql(call, RECURSIVE.format(rows=100) + "select i, randomblob(1000) from n")
    assert small.status_code == 200 and len(small.json()["rows"]) == 100


def test_rows_and_time_are_capped(call) -> None:
    rows = sql(call, RECURSIVE.format(rows=5000) + "select i from n").json()
    assert len(rows["rows"]) == 1000 and rows["truncated"]
    started = time.monotonic()
    endless = sql(call, "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n")
    assert endless.status_code == 400 and time.monotonic() - started < 15


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/archive/documents", "/archive", "/archive/documents/x~2Fcatalog~2F1"])
def test_writes_answer_405_cleanly(call, method: str, path: str) -> None:
    response = call(method, path)
    assert response.status_code == 405 and "read-only" in response.text and "Traceback" not in response.text
    assert call("get", "/archive/documents.json").json()["rows"]  # and nothing changed
