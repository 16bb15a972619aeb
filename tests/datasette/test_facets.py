"""The documents table's facets read from the archive's facet counts (archive/datasette/facets.py) are exactly
Datasette's own ColumnFacet results, and only the requests the counts can answer use them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from archive import facet_counts
from archive.datasette.metadata import DATABASE
from archive.serve import make_datasette, snapshot

from .conftest import Archive
from .test_datasette import Client

TABLE_URL = f"/{DATABASE}/documents.json"
# A filter every document passes (id is the primary key): the same rows, but not a request the counts answer,
# so Datasette's own ColumnFacet computes the facets.
NO_OP = "id__notnull=1"


@pytest.fixture(scope="module")
def facets_client(crawled: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    snap = snapshot(crawled.db, tmp_path_factory.mktemp("facets") / "archive.sqlite")
    client = Client(make_datasette(snap, settings={"trace_debug": True}))
    yield client, snap
    client.close()


def facets(client: Client, query: str) -> tuple[dict[str, Any], bool]:
    """The facet results of /archive/documents.json?{query} (a facet that timed out is missing), and whether
    the counts table was read (from Datasette's trace of the request's SQL)."""
    data = client.json(f"{TABLE_URL}?{query}&_trace=1" if query else f"{TABLE_URL}?_trace=1")
    counted = any(facet_counts.TABLE in t["sql"] for t in data["_trace"]["traces"])
    return data["facet_results"], counted


def without_no_op(value: Any) -> Any:
    """The fallback request's output with its no-op filter taken out of every URL."""
    if isinstance(value, dict):
        return {k: without_no_op(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_no_op(v) for v in value]
    if isinstance(value, str):
        return value.replace(f"{NO_OP}&", "").replace(f"?{NO_OP}", "").replace(f"%26{NO_OP}", "")
    return value


@pytest.mark.parametrize("query", ["", "channel=catalog", "channel=website", "channel=wechat",
                                   "channel__exact=catalog", "channel=catalog&_facet_size=2", "_facet_size=1",
                                   "channel=nonesuch", "channel=catalog&_sort=title",
                                   "channel=wechat&_facet=year"])  # a requested facet: hideable, shown twice
def test_counted_facets_are_datasettes_own(facets_client: tuple[Client, Path], query: str) -> None:
    client, _ = facets_client
    ours, counted = facets(client, query)
    assert counted, "these requests are answered from the counts"
    theirs, their_counted = facets(client, f"{NO_OP}&{query}" if query else NO_OP)
    assert not their_counted
    assert ours == without_no_op(theirs)
    assert list(ours)[:5] == ["agency", "channel", "category", "year", "status"]


def test_counted_facets_match_the_sql_and_mark_the_selected_value(facets_client: tuple[Client, Path]) -> None:
    client, snap = facets_client
    conn = sqlite3.connect(snap)
    try:
        assert facet_counts.stored(conn) == facet_counts.recount(conn)  # kept by the crawl's own writes
        for channel in (None, "catalog"):
            where, params = ("where channel = ?", [channel]) if channel else ("", [])
            results, counted = facets(client, f"channel={channel}" if channel else "")
            assert counted
            for column, facet in results.items():
                expected = conn.execute(
                    f"select {column}, count(*) as n from documents {where} {'and' if where else 'where'} "
                    f"{column} is not null group by {column} order by n desc, {column} limit 12", params).fetchall()
                assert [(r["value"], r["count"]) for r in facet["results"]] == expected, column
                assert facet["results"], column
            if channel:
                chosen = [r for r in results["channel"]["results"] if r["selected"]]
                assert [r["value"] for r in chosen] == [channel]
                assert "channel=" not in chosen[0]["toggle_url"]
    finally:
        conn.close()
    assert results["agency"]["results"][0]["label"] == "开平市教育局"  # the agencies table's label, as Datasette's


@pytest.mark.parametrize("query", [
    "channel=catalog&year=2024",                  # another filter
    "agency=kaiping-edu",                         # a filter on another column
    "channel__not=catalog",                       # channel, but not equal
    "channel=catalog&channel=website",            # two channel filters
    f"_where={quote('year > 2023')}",             # _where
    f"_search={quote('通知')}",                    # a search (faceted: fewer matches than FACET_CAP)
    "_facet=publisher",                           # a facet the counts do not keep: every facet by Datasette
])
def test_other_requests_fall_back_to_datasette(facets_client: tuple[Client, Path], query: str) -> None:
    client, _ = facets_client
    results, counted = facets(client, query)
    assert not counted
    assert set(results) >= {"agency", "channel", "category", "year", "status"}
    theirs, _ = facets(client, f"{NO_OP}&{query}")
    assert results == without_no_op(theirs)


def test_next_page_falls_back(facets_client: tuple[Client, Path]) -> None:
    client, _ = facets_client
    first = client.json(f"{TABLE_URL}?_size=5")
    assert first["next"]
    _, counted = facets(client, f"_size=5&_next={quote(first['next'])}")
    assert not counted  # Datasette facets a later page over the rows after the cursor: not the counts' answer


def test_table_page_shows_the_counted_facets(facets_client: tuple[Client, Path]) -> None:
    client, snap = facets_client
    page = client.get(f"/{DATABASE}/documents?channel=wechat").text
    conn = sqlite3.connect(snap)
    try:
        n = conn.execute("select count(*) from documents where channel = 'wechat'").fetchone()[0]
    finally:
        conn.close()
    channel_facet = page.split('data-column="channel"', 1)[1].split("</div>", 1)[0]
    assert n and "wechat" in channel_facet and f"{n:,}" in channel_facet
