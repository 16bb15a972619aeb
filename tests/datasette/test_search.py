"""The bigram search text and the query translation, without Datasette: exactness on a small corpus
where trigram FTS and raw unicode61 are known to fail, and index maintenance (ensure_search)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive.datasette.search import (
    FTS_TABLE,
    SCAN_SENTINEL,
    SEARCH_TABLE,
    bigram_text,
    contains_all,
    ensure_search,
    fts_query,
    search_ids,
)
from archive.schema import open_db

CORPUS = {
    "a": ("深圳市政府信息公开年度报告", "", "深圳市人民政府", "本报告依据条例编制。"),
    "b": ("关于开展2024年度招生工作的通知", "开教〔2024〕12号", "开平市教育局", "各中小学校：现将招生计划公开如下。"),
    "c": ("工作指南", "", "开平市教育局", "信息。息公开"),  # bigrams 信息|息公 公开 in a row, no 信息公开
    "d": ("校园安全工作会议", "开教〔2023〕7号", "开平市教育局", "会议强调安全。"),
    "e": ("ＡＢＣ full-width test", "", "", "二〇二四年工作要点"),
    "f": ('关于<script>alert("xss")</script>防范网络诈骗的提醒', "", "开平市教育局", "提醒师生注意防范。"),
}


@pytest.fixture
def corpus(tmp_path: Path) -> sqlite3.Connection:
    db = open_db(tmp_path / "a.sqlite")
    db["documents"].insert_all([{"id": k, "title": t, "doc_number": n, "publisher": p, "body_text": b}
                                for k, (t, n, p, b) in CORPUS.items()])
    ensure_search(db)
    db.close()
    conn = sqlite3.connect(tmp_path / "a.sqlite")
    yield conn
    conn.close()


def expected(q: str) -> list[str]:
    return sorted(k for k, fields in CORPUS.items() if contains_all(q, *fields))


def test_bigram_text() -> None:
    assert bigram_text("信息公开") == "信息 息公 公开"
    assert bigram_text("关于2024年度，开教〔2024〕12号") == "关于 2024 年度 开教 2024 12 号"
    assert bigram_text("年") == "年"
    assert bigram_text("ＡＢＣ２０２４") == "ABC2024"  # NFKC: full-width letters and digits
    assert bigram_text("二〇二四年") == "二〇 〇二 二四 四年"


@pytest.mark.parametrize(("q", "fts"), [
    ("公开", '"公开"'),
    ("信息公开", '"信息 息公 公开"'),
    ("信息公开 报告", '"信息 息公 公开" AND "报告"'),
    ("2024年", '"2024 年"*'),
    ("年2024", '"2024"*'),      # a leading lone character is left to the exact check
    ("开教〔2024〕12号", '"开教 2024 12 号"*'),
    ("“招生计划”", '"招生 生计 计划"'),
    ("年", SCAN_SENTINEL),
    ("", SCAN_SENTINEL),
    ('"OR" NEAR', '"OR"* AND "NEAR"*'),  # FTS operators stay words inside phrases
])
def test_fts_query(q: str, fts: str) -> None:
    assert fts_query(q) == fts


@pytest.mark.parametrize("q", ["公开", "信息公开", "信息公开 报告", "政府信息", "招生", "开教〔2024〕", "〔2024〕12号",
                               "2024年", "年", "安全 会议", "信息 公开", "息公开", "abc", "二〇二四", "〇二", "script",
                               '<script>alert("xss")</script>', "防范网络诈骗", "不存在的词"])
def test_search_is_exact(corpus: sqlite3.Connection, q: str) -> None:
    assert search_ids(corpus, q) == expected(q)


def test_no_false_positive_across_a_run_boundary(corpus: sqlite3.Connection) -> None:
    # "信息。息公开" indexes as 信息 | 息公 公开: three bigrams in a row that FTS alone takes for 信息公开.
    # The exact check drops it.
    from archive.datasette.search import register_functions

    register_functions(corpus)
    raw = {r[0] for r in corpus.execute(f"select s.document_id from {SEARCH_TABLE} s join {FTS_TABLE} f on "
                                        f"f.rowid = s.rowid where {FTS_TABLE} match zh_query('信息公开')")}
    assert raw == {"a", "c"}
    assert search_ids(corpus, "信息公开") == ["a"]
    assert search_ids(corpus, "息公开") == ["a", "c"]  # a substring of a's 信息公开, too


def test_trigram_would_have_failed() -> None:
    """The reason for all this: trigram FTS5 finds nothing for a 2-character word (peers.md §3)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(x, tokenize='trigram')")
    conn.execute("insert into t values ('深圳市政府信息公开年度报告')")
    assert conn.execute("select count(*) from t where t match '\"公开\"'").fetchone()[0] == 0
    assert conn.execute("select count(*) from t where t match '\"信息公开\"'").fetchone()[0] == 1


def test_ensure_search_is_incremental_and_repairs_triggers(tmp_path: Path) -> None:
    db = open_db(tmp_path / "b.sqlite")
    db["documents"].insert_all([{"id": k, "title": t, "doc_number": n, "publisher": p, "body_text": b}
                                for k, (t, n, p, b) in CORPUS.items()])
    first = ensure_search(db)
    assert first["added"] == len(CORPUS) and first["rebuilt_fts"]
    assert ensure_search(db) == {"added": 0, "updated": 0, "removed": 0, "rebuilt_fts": False}
    # A changed title is re-indexed, and only that document.
    db["documents"].update("d", {"title": "校园防溺水安全教育"})
    assert ensure_search(db)["updated"] == 1
    assert search_ids(db.conn, "防溺水") == ["d"]
    # sqlite-utils transform() drops the FTS triggers (peers.md §3): ensure_search puts them back and
    # rows written afterwards are searchable again.
    db[SEARCH_TABLE].transform()
    assert not {t.name for t in db[SEARCH_TABLE].triggers}
    assert ensure_search(db)["rebuilt_fts"]
    db["documents"].insert({"id": "g", "title": "新增的通知", "body_text": "寒假安全提醒"})
    ensure_search(db)
    assert search_ids(db.conn, "寒假") == ["g"]
    assert search_ids(db.conn, "防溺水") == ["d"]
    db.conn.execute(f"insert into {FTS_TABLE}({FTS_TABLE}) values ('integrity-check')")
    # A document that vanished from the table leaves the index.
    db.execute("delete from documents where id = 'g'")
    db.conn.commit()
    assert ensure_search(db)["removed"] == 1
    assert search_ids(db.conn, "寒假") == []


def test_stock_sqlite3_opens_the_index(tmp_path: Path) -> None:
    """No custom tokenizer in the file: a plain connection (no functions registered) can MATCH bigrams."""
    db = open_db(tmp_path / "c.sqlite")
    db["documents"].insert({"id": "x", "title": "政府信息公开年度报告"})
    ensure_search(db)
    db.close()
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    n = conn.execute(f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match '\"信息 息公 公开\"'").fetchone()[0]
    assert n == 1
    assert sqlite_utils.Database(conn)[FTS_TABLE].exists()
