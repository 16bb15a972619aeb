"""The archive's Chinese full-text index: an FTS5 table in the archive itself, kept current by the store.

Why this shape (../shared/reference/peers.md §3): FTS5's `trigram` tokenizer cannot answer 2-character
queries, the commonest Chinese word length, and silently ignores them inside multi-term queries; the
default `unicode61` tokenizer makes a whole run of Han characters one token; a custom tokenizer makes the
file unreadable by a stock `sqlite3`. So the archive holds an FTS5 table with the STOCK `unicode61`
tokenizer over text we tokenize ourselves:

- `documents_fts` is an external-content FTS5 table on `documents` (rowid = documents.rowid), so Datasette
  detects it as the documents table's search index and any sqlite3 opens it. What it indexes is not the
  raw text but its *index form* (`index_text`), written in the same transaction as the document row (the store
  holds the writes to the end of its batch: `PendingIndex`), and removed with the same form of the old text.
- Index form: each maximal run of Han characters becomes its overlapping bigrams followed by its last
  character alone (信息公开 → 信息 息公 公开 开): every character starts exactly one token, and a lone
  character marks the end of a run. Other words (letters, digits) stay whole. Where a Han run and a word
  are separated by punctuation or spaces, a BREAK token (a private-use character no query produces) sits
  between them. Text is NFKC-normalised first (full-width ２０２４ = 2024).
- A query term becomes ONE FTS5 phrase (`term_phrase`) whose tokens must sit at consecutive positions, and
  that phrase is exact — no candidate is re-checked in Python: inside a Han run consecutive bigrams are
  consecutive characters; a run ending inside the term is anchored by its lone last character; a run
  starting inside the term follows the previous token directly; BREAK keeps "2024，年" from answering 2024年.
  A one-character term is the prefix query "年"*: every occurrence of 年 starts a token.

What a term matches (the tests' oracle, `oracle_pattern` in tests/datasette/test_search.py): letters, digits and Han
characters compared exactly (case-insensitively, after NFKC), every run of punctuation and spaces inside a
term standing for any such run; Han characters may begin and end anywhere; a term's words are whole words,
except that its last may be the beginning of a longer one (报告2024 finds 报告20241). Terms separated by
spaces must all occur, each in any of title, 文号, publisher or body.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

FTS_TABLE = "documents_fts"
FIELDS = ("title", "doc_number", "publisher", "body_text")
# The stock tokenizer, told not to fold diacritics: a query matches only what it says (NFKC + case aside).
TOKENIZE = "unicode61 remove_diacritics 0"
# Bump when index_text changes: the migration that bumps it must rebuild the index (`build`). Never run FTS5's
# own 'rebuild' or 'integrity-check' on this table: they compare it with the raw documents text, not its index form.
INDEX_FORMAT = 1
BREAK = "\ue000"  # a unicode61 token character (private use) that no query term ever yields

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # 〇 and the CJK ideograph blocks
# unicode61 token characters are letters and numbers (`[^\W_]`); split them into Han / other runs.
SEGMENT = re.compile(f"([{_HAN}]+)|([^\\W_{_HAN}]+)")
_QUOTES = "\"'“”‘’「」『』"


# Full-width punctuation is most of what Chinese text gives NFKC to do: each of these becomes its one-character
# NFKD form first, which changes nothing NFKC does next (NFKC is the composition of the NFKD, and these are
# starters), and the rest is then usually NFKC already, which is checked in C rather than normalised (a
# 370-character body: 43 -> 3 us).
_WIDE = tuple((c, unicodedata.normalize("NFKD", c)) for c in "，：；（）！？\u3000")


def normalize(text: str | None) -> str:
    """`unicodedata.normalize("NFKC", text)`, exactly, for less."""
    if not text:
        return ""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def segments(text: str) -> Iterator[tuple[bool, str, bool]]:
    """(is_han, segment, break_before) for every maximal run of Han characters / of other token characters;
    break_before: punctuation or space separates it from the previous segment of the other kind."""
    prev_end, prev_han = -1, None
    for m in SEGMENT.finditer(text):
        han = m.start(1) >= 0
        yield han, m.group(), prev_han is not None and han != prev_han and m.start() > prev_end
        prev_end, prev_han = m.end(), han


def _run_tokens(run: str) -> list[str]:
    return [*map(str.__add__, run, run[1:]), run[-1]]


def index_text(text: str | None) -> str:
    """The form of a field that the FTS table indexes (see the module docstring). On the store's hot path."""
    if not text:
        return ""
    out: list[str] = []
    add, extend = out.append, out.extend
    prev_end, prev_han = -1, None
    for m in SEGMENT.finditer(normalize(text)):
        run = m.group(1)
        han = run is not None
        if prev_han is not None and han != prev_han and m.start() > prev_end:
            add(BREAK)
        if han:
            extend(map(str.__add__, run, run[1:]))
            add(run[-1])
        else:
            add(m.group())
        prev_end, prev_han = m.end(), han
    return " ".join(out)


def query_terms(q: str | None) -> list[str]:
    """Whitespace-separated terms (ideographic space included), surrounding quotes removed."""
    terms = []
    for raw in normalize(q).split():
        term = raw.strip(_QUOTES)
        if term and SEGMENT.search(term):
            terms.append(term)
    return terms


def term_phrase(term: str) -> str | None:
    """One term as an exact FTS5 phrase over the index form; None when it has no letter, digit or Han."""
    segs = list(segments(normalize(term)))
    tokens: list[str] = []
    prefix = False
    for i, (han, seg, brk) in enumerate(segs):
        last = i == len(segs) - 1
        if brk:
            tokens.append(BREAK)
        if han and not last:
            tokens.extend(_run_tokens(seg))  # the run ends here: anchored by its lone last character
        elif han:
            # The term ends inside a run, or at its end: bigrams only; a lone character is the start of
            # a bigram or a run's last character, i.e. a prefix.
            tokens.extend(_run_tokens(seg)[:-1] or [seg])
            prefix = len(seg) == 1
        else:
            tokens.append(seg)
            prefix = last  # the term's last word may be the beginning of a longer one
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


NOTHING = '""'  # a valid FTS5 query that matches no row: what a query without any term becomes


def fts_query(q: str | None) -> str:
    """The FTS5 MATCH expression for a user query: its terms' phrases, ANDed."""
    phrases = [p for p in (term_phrase(t) for t in query_terms(q)) if p]
    return " AND ".join(phrases) if phrases else NOTHING


def single_characters(q: str | None) -> list[str]:
    """The terms of a query that are one Han character (prefix queries over much of the index)."""
    return [t for t in (normalize(t) for t in query_terms(q)) if len(t) == 1 and re.fullmatch(f"[{_HAN}]", t)]


# ------------------------------------------------------------------ the table and its maintenance

def create_sql() -> str:
    cols = ", ".join(FIELDS)
    return (f"create virtual table [{FTS_TABLE}] using fts5({cols}, content=\"documents\", "
            f"content_rowid=\"rowid\", tokenize=\"{TOKENIZE}\")")


def exists(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone())


def _forms(fields: dict[str, Any] | Iterable[Any]) -> list[str]:
    values = [fields.get(f) for f in FIELDS] if isinstance(fields, dict) else list(fields)
    return [index_text(v) for v in values]


_INSERT = f"insert into [{FTS_TABLE}] (rowid, {', '.join(FIELDS)}) values (?, ?, ?, ?, ?)"
_DELETE = f"insert into [{FTS_TABLE}] ([{FTS_TABLE}], rowid, {', '.join(FIELDS)}) values ('delete', ?, ?, ?, ?, ?)"
Write = tuple[str, list[Any]]


def index_document(conn: sqlite3.Connection, rowid: int, fields: dict[str, Any]) -> None:
    """Index a document's searched fields (title, doc_number, publisher, body_text) under its rowid.
    Call it in the transaction that inserted the row, and after `unindex_document` when they changed."""
    conn.execute(_INSERT, [rowid, *_forms(fields)])


def unindex_document(conn: sqlite3.Connection, rowid: int, old_fields: dict[str, Any]) -> None:
    """Remove a document from the index: `old_fields` are the searched fields as they were indexed."""
    conn.execute(_DELETE, [rowid, *_forms(old_fields)])


def _reindex_writes(conn: sqlite3.Connection, doc_id: str, old_fields: dict[str, Any] | None,
                    new_values: dict[str, Any]) -> list[Write]:
    if old_fields is not None:
        new_fields = {f: new_values.get(f, old_fields.get(f)) for f in FIELDS}
        if all(new_fields[f] == old_fields.get(f) for f in FIELDS):
            return []
    else:
        new_fields = {f: new_values.get(f) for f in FIELDS}
    row = conn.execute("select rowid from documents where id = ?", [doc_id]).fetchone()
    if row is None:
        return []
    writes = [(_DELETE, [row[0], *_forms(old_fields)])] if old_fields is not None else []
    return [*writes, (_INSERT, [row[0], *_forms(new_fields)])]


def reindex_document(conn: sqlite3.Connection, doc_id: str, old_fields: dict[str, Any] | None,
                     new_values: dict[str, Any]) -> None:
    """After a document row was inserted (`old_fields` None) or updated (its searched fields before the update),
    bring its index entry up to date at once. A no-op when no searched field changed."""
    for sql, params in _reindex_writes(conn, doc_id, old_fields, new_values):
        conn.execute(sql, params)


class PendingIndex:
    """The index writes of a transaction, held until just before it commits (`flush`): the store's way.

    FTS5 keeps the terms it is given in memory and writes them out as an index segment of their own whenever a
    statement opens a savepoint meanwhile, as every documents insert does (its facet-count triggers): indexed
    between two inserts, each document was a segment, and the insert cost three times as much (80 -> 250 us
    measured). Held to the end of the batch, its documents are one segment. Same transaction, same order:
    what is committed is what `reindex_document` would have written."""

    def __init__(self) -> None:
        self._writes: list[Write] = []

    def __len__(self) -> int:
        return len(self._writes)

    def reindex(self, conn: sqlite3.Connection, doc_id: str, old_fields: dict[str, Any] | None,
                new_values: dict[str, Any]) -> None:
        """As `reindex_document`, written at the next `flush`."""
        self._writes += _reindex_writes(conn, doc_id, old_fields, new_values)

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write what is held, in order, into the connection's open transaction (held writes are dropped
        either way: a transaction that fails here is rolled back whole, its documents with it)."""
        writes, self._writes = self._writes, []
        for sql, params in writes:
            conn.execute(sql, params)


Progress = Callable[[int, int], None]
log = logging.getLogger("xxgk.archive")
# Where the migration's backfill reports progress: a line printer the command layer sets (`progress_to`), else
# the log.
_sink: ContextVar[Callable[[str], None] | None] = ContextVar("xxgk_search_progress", default=None)


@contextlib.contextmanager
def progress_to(sink: Callable[[str], None] | None) -> Iterator[None]:
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def migration_progress(every: float = 2.0) -> Progress:
    """A progress callback that says how far the index build is, every `every` seconds and at the end."""
    start = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last < every:
            return
        last = now
        line = (f"search index: {done:,} of {total:,} documents indexed ({now - start:.0f} s)" if total
                else "search index: created (no documents yet)")
        (_sink.get() or log.info)(line)

    return report


def build(conn: sqlite3.Connection, progress: Progress | None = None, batch: int = 2000) -> int:
    """(Re)build the whole index from the documents table, in the caller's transaction; returns the number of
    documents indexed. `progress(done, total)` is called after every batch."""
    conn.execute(f"drop table if exists [{FTS_TABLE}]")
    conn.execute(create_sql())
    total = conn.execute("select count(*) from documents").fetchone()[0]
    done = 0
    sql = (f"insert into [{FTS_TABLE}] (rowid, {', '.join(FIELDS)}) values (?, ?, ?, ?, ?)")
    cursor = conn.execute(f"select rowid, {', '.join(FIELDS)} from documents order by rowid")
    while rows := cursor.fetchmany(batch):
        conn.executemany(sql, [(r[0], *_forms(r[1:])) for r in rows])
        done += len(rows)
        if progress is not None:
            progress(done, total)
    if progress is not None and not total:
        progress(0, 0)
    optimize(conn)
    return done


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index into one segment (FTS5 'optimize'): the store's inserts leave many, and every query
    reads each. Seconds per 100,000 documents; for a migration's backfill and a copy about to be published."""
    conn.execute(f"insert into [{FTS_TABLE}] ([{FTS_TABLE}]) values ('optimize')")


def optimize_file(path: str | Path) -> dict[str, Any]:
    """`optimize` a database file (the scheduler's `publish_database(prepare=…)`); a file without the index is
    left alone."""
    t0 = time.monotonic()
    conn = sqlite3.connect(path)
    try:
        if not exists(conn):
            return {"search_index": False}
        with conn:
            optimize(conn)
    finally:
        conn.close()
    return {"search_index": True, "optimize_seconds": round(time.monotonic() - t0, 1)}
