"""The archive's search index (archive/search_index.py) and its queries, without Datasette: the index form,
the exact FTS5 phrase of a term, no false positive and no false negative against a plain regular-expression
oracle over random Chinese text, index maintenance by the store's call, and highlighting that escapes
crawled text."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.datasette.search import excerpt, highlight, plan_sync, search_ids, spans
from archive.schema import open_db
from archive.search_index import (
    BREAK,
    FIELDS,
    FTS_TABLE,
    NOTHING,
    build,
    create_sql,
    fts_query,
    index_document,
    index_text,
    normalize,
    optimize_file,
    reindex_document,
)

CORPUS = {
    "a": ("深圳市政府信息公开年度报告", "", "深圳市人民政府", "本报告依据条例编制。"),
    "b": ("关于开展2024年度招生工作的通知", "开教〔2024〕12号", "开平市教育局", "各中小学校：现将招生计划公开如下。"),
    "c": ("工作指南", "", "开平市教育局", "信息。息公开"),  # bigrams 信息|息公 公开 in a row, no 信息公开
    "d": ("校园安全工作会议", "开教〔2023〕7号", "开平市教育局", "会议强调安全。"),
    "e": ("ＡＢＣ full-width test", "", "", "二〇二四年工作要点"),
    "f": ('关于<script>alert("xss")</script>防范网络诈骗的提醒', "", "开平市教育局", "提醒师生注意防范。"),
    "g": ("2024，年终总结", "", "", "信息公"),  # 2024 and 年 apart; a run ending in 公
}


def memory_index(docs: dict[str, tuple[str, ...]]) -> sqlite3.Connection:
    """A documents table with the archive's index, filled the way the store fills it."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create table documents (id text primary key, {', '.join(FIELDS)})")
    conn.execute(create_sql())
    for doc_id, fields in docs.items():
        rowid = conn.execute(f"insert into documents (id, {', '.join(FIELDS)}) values (?, ?, ?, ?, ?)",
                             [doc_id, *fields]).lastrowid
        index_document(conn, rowid, dict(zip(FIELDS, fields, strict=True)))
    return conn


# ------------------------------------------------------------------ the oracle: what a term means, as a regex

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff"


def oracle_pattern(term: str) -> re.Pattern[str]:
    """The documented meaning of a term (archive/search_index.py), as a regex over NFKC text: letters, digits
    and Han exact (case aside); punctuation and spaces at its ends ignored, and inside it standing for any run
    of them; a term beginning with a letter or digit matches where a word begins (not 024 inside 2024)."""
    pieces = re.findall(r"[^\W_]+|[\W_]+", unicodedata.normalize("NFKC", term))
    while pieces and not re.match(r"[^\W_]", pieces[0]):
        pieces.pop(0)
    while pieces and not re.match(r"[^\W_]", pieces[-1]):
        pieces.pop()
    body = "".join(re.escape(p) if re.match(r"[^\W_]", p) else r"[\W_]+" for p in pieces)
    if pieces and not re.match(f"[{_HAN}]", pieces[0]):
        body = f"(?<![^\\W_{_HAN}])" + body
    return re.compile(body, re.IGNORECASE)


def expected(docs: dict[str, tuple[str, ...]], terms: list[str]) -> list[str]:
    patterns = [oracle_pattern(t) for t in terms]
    return sorted(k for k, fields in docs.items()
                  if all(any(p.search(unicodedata.normalize("NFKC", f)) for f in fields) for p in patterns))


# ------------------------------------------------------------------ examples

def test_index_text() -> None:
    assert index_text("信息公开") == "信息 息公 公开 开"
    assert index_text("年") == "年"
    assert index_text("关于2024年度，开教〔2024〕12号") == f"关于 于 2024 年度 度 开教 教 {BREAK} 2024 12 号"
    assert index_text("ＡＢＣ２０２４") == "ABC2024"  # NFKC: full-width letters and digits
    assert index_text("二〇二四年") == "二〇 〇二 二四 四年 年"
    assert index_text(None) == index_text("") == ""


# Full-width punctuation, letters and digits, the ideographic space, what composes with them (a combining acute
# after a full-width A is an Á), compatibility ideographs and circled numbers: NFKC's work, and its edge cases.
NFKC_ALPHABET = "，：；（）！？\u3000ＡＢａ２\u0301\u0308\u0327信息〇\uf900①ﬁ㍿ e,:;()!?"


@settings(max_examples=500)
@given(st.text(alphabet=NFKC_ALPHABET, max_size=30) | st.text(max_size=30))
def test_normalize_is_nfkc_exactly(text: str) -> None:
    """The index's shortcut (full-width punctuation replaced first, then checked) is NFKC itself."""
    assert normalize(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(("q", "fts"), [
    ("公开", '"公开"'),
    ("信息公开", '"信息 息公 公开"'),
    ("信息公开 报告", '"信息 息公 公开" AND "报告"'),
    ("2024年", '"2024 年"*'),
    ("年2024", '"年 2024"*'),
    ("开教〔2024〕12号", f'"开教 教 {BREAK} 2024 12 号"*'),
    ("“招生计划”", '"招生 生计 计划"'),
    ("年", '"年"*'),
    ("", NOTHING),
    ("。，", NOTHING),
    ('"OR" NEAR(', '"OR"* AND "NEAR"*'),  # FTS operators stay words inside phrases
])
def test_fts_query(q: str, fts: str) -> None:
    assert fts_query(q) == fts


@pytest.mark.parametrize("q", ["公开", "信息公开", "信息公开 报告", "政府信息", "招生", "开教〔2024〕", "〔2024〕12号",
                               "2024年", "年", "安全 会议", "信息 公开", "息公开", "abc", "二〇二四", "〇二", "script",
                               '<script>alert("xss")</script>', "防范网络诈骗", "不存在的词", "信息公", "2024，年",
                               "024", "Full-Width", "公"])
def test_search_is_exact(q: str) -> None:
    conn = memory_index(CORPUS)
    assert search_ids(conn, q) == expected(CORPUS, q.split())


def test_no_false_positive_across_a_run_boundary() -> None:
    # "信息。息公开" has the bigrams 信息 | 息公 公开 in a row: a bigram index alone takes it for 信息公开. The
    # lone 息 ending the first run sits between them, so the phrase itself is exact: no Python re-check.
    conn = memory_index(CORPUS)
    assert search_ids(conn, "信息公开") == ["a"]
    assert search_ids(conn, "息公开") == ["a", "c"]  # a substring of a's 信息公开, too
    assert search_ids(conn, "2024年") == ["b"]  # not g's "2024，年"
    assert search_ids(conn, "2024，年") == ["g"]


# ------------------------------------------------------------------ property: random Chinese text

HAN = "信息公开年度报告政府工作招生"  # few characters: random text repeats their bigrams at run boundaries
TEXT_ALPHABET = HAN + "。，、 〔〕2024ab" + "２Ａ"
text = st.text(alphabet=TEXT_ALPHABET, max_size=40)
han_term = st.text(alphabet=HAN, min_size=1, max_size=8)
mixed_term = st.text(alphabet=HAN + "2024ab，〔〕", min_size=1, max_size=8).filter(lambda t: re.search(r"[^\W_]", t))


@settings(max_examples=300)
@given(docs=st.lists(st.tuples(text, text), min_size=1, max_size=12),
       terms=st.lists(st.one_of(han_term, han_term, mixed_term), min_size=1, max_size=3), data=st.data())
def test_search_equals_the_oracle_on_random_chinese_text(docs: list[tuple[str, str]], terms: list[str],
                                                         data: st.DataObject) -> None:
    corpus = {f"d{i}": (title, "", "", body) for i, (title, body) in enumerate(docs)}
    # Half the time, terms cut from the documents themselves (so there are matches to get wrong).
    if data.draw(st.booleans()):
        body = docs[0][1] + docs[0][0]
        if len(body) >= 2:
            start = data.draw(st.integers(0, len(body) - 2))
            terms = [body[start:start + data.draw(st.integers(1, 8))].strip("，、。 〔〕") or terms[0], *terms[1:]]
    terms = [t for t in " ".join(terms).split() if re.search(r"[^\W_]", t)] or ["信息"]  # spaces separate terms
    conn = memory_index(corpus)
    assert search_ids(conn, " ".join(terms)) == expected(corpus, terms), fts_query(" ".join(terms))


# ------------------------------------------------------------------ maintenance by the store's call

def test_reindex_document_follows_inserts_and_changes(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.sqlite")  # the migration created the index
    record = {"id": "x", "title": "校园安全工作会议", "body_text": "会议强调安全。"}
    db["documents"].insert(record)
    reindex_document(db.conn, "x", None, record)
    assert search_ids(db.conn, "安全工作") == ["x"]
    row = db["documents"].get("x")
    db["documents"].update("x", {"last_seen_at": "2024-01-01"})
    reindex_document(db.conn, "x", row, {"last_seen_at": "2024-01-01"})  # nothing searched changed: no-op
    assert search_ids(db.conn, "安全工作") == ["x"]
    row = db["documents"].get("x")
    db["documents"].update("x", {"title": "校园防溺水安全教育"})
    reindex_document(db.conn, "x", row, {"title": "校园防溺水安全教育"})
    assert search_ids(db.conn, "防溺水") == ["x"] and search_ids(db.conn, "安全工作") == []
    assert search_ids(db.conn, "强调") == ["x"]  # the body, unchanged, is still indexed
    assert db.execute(f"select count(*) from {FTS_TABLE}_docsize").fetchone()[0] == 1  # one entry, replaced


def test_migration_backfills_an_existing_archive_with_progress(tmp_path: Path) -> None:
    db = open_db(tmp_path / "b.sqlite")
    db["documents"].insert_all([{"id": k, "title": t, "doc_number": n, "publisher": p, "body_text": b}
                                for k, (t, n, p, b) in CORPUS.items()])  # written without the index
    assert search_ids(db.conn, "招生") == []
    seen: list[tuple[int, int]] = []
    assert build(db.conn, progress=lambda done, total: seen.append((done, total)), batch=3) == len(CORPUS)
    assert seen[-1] == (len(CORPUS), len(CORPUS)) and len(seen) == 3
    assert search_ids(db.conn, "招生") == ["b"]


def test_stock_sqlite3_opens_and_searches_the_index(tmp_path: Path) -> None:
    """No custom tokenizer or function in the file: a plain connection can MATCH the index form."""
    db = open_db(tmp_path / "c.sqlite")
    record = {"id": "x", "title": "政府信息公开年度报告"}
    db["documents"].insert(record)
    reindex_document(db.conn, "x", None, record)
    db.conn.commit()
    db.close()
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    n = conn.execute(f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match '\"信息 息公 公开\"'").fetchone()[0]
    assert n == 1


def test_plan_counts_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import archive.datasette.search as search

    conn = memory_index({f"d{i}": (f"公开第{i}号", "", "", "") for i in range(30)})
    assert (plan_sync(conn, "公开").count, plan_sync(conn, "公开").more) == (30, False)
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    p = plan_sync(conn, "公开")
    assert (p.count, p.more) == (10, True) and "more than 10" in p.describe()


# ------------------------------------------------------------------ highlighting

def test_highlight_escapes_crawled_text_and_marks_only_matches() -> None:
    title = '关于<script>alert("信息公开")</script>的通知 & <img src=x onerror=alert(1)>'
    html = str(highlight(title, "信息公开 通知"))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&lt;img src=x" in html
    assert re.findall(r"<mark>(.*?)</mark>", html) == ["信息公开", "通知"]
    # a query that is itself markup is escaped where it is highlighted (its words: punctuation at its ends is
    # not part of what it matches)
    html = str(highlight(title, "<script>alert"))
    assert "<script>" not in html and "&lt;<mark>script&gt;alert</mark>(" in html


def test_highlight_follows_the_search_semantics() -> None:
    assert spans("ＡＢＣ２０２４年", "abc2024") == [(0, 7)]  # NFKC, case aside, offsets in the original text
    assert spans("信息。息公开", "信息公开") == []  # what the index does not match is not marked either
    assert spans("开教〔2024〕12号", "开教〔2024〕") == [(0, 7)]
    plain = excerpt("前" * 200 + "招生计划" + "后" * 200, "招生", width=10, html=False)
    assert plain == "…" + "前" * 10 + "招生计划" + "后" * 8 + "…"
    assert "<mark>招生</mark>" in str(excerpt("<b>" + "招生计划", "招生")) and "&lt;b&gt;" in str(excerpt("<b>招生", "招生"))


def test_optimize_file_keeps_every_answer(tmp_path: Path) -> None:
    db = open_db(tmp_path / "d.sqlite")
    for k, (t, n, p, b) in CORPUS.items():  # one insert each, as the store writes: one segment each
        record = {"id": k, "title": t, "doc_number": n, "publisher": p, "body_text": b}
        db["documents"].insert(record)
        reindex_document(db.conn, k, None, record)
        db.conn.commit()
    before = {q: search_ids(db.conn, q) for q in ("公开", "信息公开", "2024年", "开教〔2024〕", "年")}
    db.close()
    assert optimize_file(tmp_path / "d.sqlite")["search_index"] is True
    conn = sqlite3.connect(tmp_path / "d.sqlite")
    assert {q: search_ids(conn, q) for q in before} == before and before["信息公开"] == ["a"]
    conn.close()
    plain = tmp_path / "plain.sqlite"
    sqlite3.connect(plain).execute("create table t (x)").connection.close()
    assert optimize_file(plain) == {"search_index": False}


def test_a_one_character_query_over_its_time_is_refused_with_a_message(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A time limit of 0 interrupts the count at its first step (Datasette's progress handler): the refusal
    path, deterministically. Longer terms are never limited this way."""
    import asyncio
    from urllib.parse import quote

    import archive.datasette.search as search
    from archive.datasette.search import REFUSED, plan_on
    from archive.serve import make_datasette

    db = open_db(tmp_path / "archive.sqlite")
    for k, (t, n, p, b) in CORPUS.items():
        record = {"id": k, "title": t, "doc_number": n, "publisher": p, "body_text": b, "published_date": "2024-01-01"}
        db["documents"].insert(record)
        reindex_document(db.conn, k, None, record)
    db.conn.commit()
    assert plan_on(db.conn, "年", timed=True).count == len(expected(CORPUS, ["年"])) == 4  # in time: answered
    monkeypatch.setattr(search, "ONE_CHARACTER_MS", 0)
    assert plan_on(db.conn, "年", timed=True).refused == REFUSED
    assert plan_on(db.conn, "年 工作", timed=True).refused == REFUSED
    assert not plan_on(db.conn, "年度", timed=True).refused and plan_on(db.conn, "年度").count == len(expected(CORPUS, ["年度"]))
    db.close()
    ds = make_datasette(tmp_path / "archive.sqlite")
    loop = asyncio.new_event_loop()
    try:
        page = loop.run_until_complete(ds.client.get(f"/archive/search?q={quote('年')}"))
        assert page.status_code == 200 and "未予搜索" in page.text and "年 → 年度" in page.text
        page = loop.run_until_complete(ds.client.get(f"/archive/search?q={quote('年')}&_lang=en"))
        assert page.status_code == 200 and "refused" in page.text and "add a character" in page.text
        table = loop.run_until_complete(ds.client.get(f"/archive/documents.json?_search={quote('年')}"))
        assert table.status_code == 200 and table.json()["rows"] == []
        assert "refused" in table.json()["human_description_en"]
    finally:
        loop.close()
