"""The store's search-index writes are held to the end of their batch (archive/search_index.py, PendingIndex):
committed with the documents they index, in order, and written as one FTS5 segment a batch instead of one a
document."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.datasette.search import search_ids
from archive.search_index import FTS_TABLE, reindex_document
from archive.session import ArchiveSession

AGENCY = {"id": "a", "name": "A", "host": "h.example"}


def _session(folder: Path) -> ArchiveSession:
    return ArchiveSession(folder / "archive.sqlite", folder / "warc", AGENCY, "catalog", settings={}, software="t")


def _record(i: int) -> dict:
    return {"id": f"d{i}", "agency": "a", "channel": "catalog", "title": f"校园安全工作会议第{i}次",
            "body_text": "会议强调安全。" * 20, "status": "live", "year": 2024}


def _count_index_writes(conn: sqlite3.Connection) -> None:
    """Count the rows FTS5 writes into its data table (its segments and their structure), on this connection."""
    conn.execute("create temp table index_writes (n)")
    conn.execute(f"create temp trigger count_index_writes after insert on main.[{FTS_TABLE}_data] "
                 "begin insert into index_writes values (1); end")


def _index_writes(conn: sqlite3.Connection) -> int:
    return conn.execute("select count(*) from index_writes").fetchone()[0]


def test_held_writes_are_committed_with_their_documents_in_order(tmp_path: Path) -> None:
    session = _session(tmp_path)
    conn = session.db.conn
    for i in range(3):
        session.rows.insert("documents", _record(i))
        session.search_index.reindex(conn, f"d{i}", None, _record(i))
    # The same batch changes a title it indexed: the change is held behind the first write.
    old = session.rows.one("select title, doc_number, publisher, body_text from documents where id = 'd1'")
    session.rows.update("documents", {"id": "d1"}, {"title": "校园防溺水安全教育"})
    session.search_index.reindex(conn, "d1", old, {"title": "校园防溺水安全教育"})
    assert len(session.search_index) == 5 and search_ids(conn, "安全工作") == []  # held, not yet written
    session.commit()
    assert len(session.search_index) == 0
    reader = sqlite3.connect(tmp_path / "archive.sqlite")
    assert search_ids(reader, "安全工作") == ["d0", "d2"]
    assert search_ids(reader, "防溺水") == ["d1"] and search_ids(reader, "强调") == ["d0", "d1", "d2"]
    assert reader.execute(f"select count(*) from [{FTS_TABLE}_docsize]").fetchone()[0] == 3  # d1's entry replaced


def test_a_batch_rolled_back_leaves_neither_documents_nor_their_index(tmp_path: Path) -> None:
    session = _session(tmp_path)
    conn = session.db.conn
    session.rows.insert("documents", _record(0))
    session.search_index.reindex(conn, "d0", None, _record(0))
    session.commit()
    session.rows.insert("documents", _record(1))
    session.search_index.reindex(conn, "d1", None, _record(1))
    session.search_index.flush(conn)
    conn.rollback()  # a batch that failed as it committed (a full disk): none of it stands
    session.db.begin()
    session.commit()
    assert search_ids(conn, "安全工作") == ["d0"]
    assert conn.execute(f"select count(*) from [{FTS_TABLE}_docsize]").fetchone()[0] == 1
    assert [r[0] for r in conn.execute("select id from documents")] == ["d0"]


def test_a_batch_of_documents_is_one_index_segment_not_one_each(tmp_path: Path) -> None:
    """FTS5 writes the terms it holds as a segment whenever a statement opens a savepoint, as each documents
    insert does (its facet-count triggers). Indexed between inserts, 50 documents were 50 segments (and the
    merges that follow); held to the commit, they are written once."""
    counts = {}
    for how in ("held", "at once"):
        session = _session(tmp_path / how)
        conn = session.db.conn
        _count_index_writes(conn)
        for i in range(50):
            session.rows.insert("documents", _record(i))
            if how == "held":
                session.search_index.reindex(conn, f"d{i}", None, _record(i))
            else:
                reindex_document(conn, f"d{i}", None, _record(i))
        session.commit()
        assert len(search_ids(conn, "强调")) == 50
        counts[how] = _index_writes(conn)
    assert counts["at once"] >= 50 and counts["held"] * 10 < counts["at once"], counts
