"""Chinese full-text search that a stock sqlite3 can open: overlapping bigrams + FTS5 `unicode61`.

Why (see ../shared/reference/peers.md §3): FTS5's `trigram` tokenizer cannot answer 2-character
queries (the commonest Chinese word length) and silently ignores them inside multi-term queries;
`unicode61` on raw Chinese makes a whole run of Han characters one token; tokenizer extensions make
the database unreadable without them. So:

- `documents_search` holds, for every document, the bigram form of the searched fields (title,
  文号 `doc_number`, publisher, body_text): each run of Han characters becomes its overlapping pairs
  (信息公开 → 信息 息公 公开; a lone character stays itself), other words and numbers stay whole.
  Text is NFKC-normalised first, so full-width ２０２４ and 2024 are the same.
- `documents_search_fts` is an FTS5 index of it with the DEFAULT tokenizer (sqlite-utils
  `enable_fts`, with its triggers), so any sqlite3 opens and queries it.
- `fts_query(q)` (the SQL function `zh_query`) turns each whitespace-separated term into an FTS5
  phrase of its bigrams; terms are ANDed. A term's leading lone Han character cannot be expressed
  (it may end a longer run) and is left to the exact check; a trailing one becomes a prefix token.
  When no term gives an FTS constraint (a one-character query) the query is `""` (matches nothing)
  and callers scan the base table instead (`SCAN_SENTINEL`).
- `contains_all(q, *fields)` (SQL `zh_match`) is the exact check applied to every candidate: each
  term must occur in one of the fields (substring after NFKC + casefold). FTS only narrows; this
  check decides, so a result never lacks a term (no false positives).

`ensure_search(db)` creates and refreshes all of it incrementally (idempotent), and repairs the
triggers if something (sqlite-utils `table.transform`) dropped them.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Database

SEARCH_TABLE = "documents_search"
FTS_TABLE = "documents_search_fts"
FIELDS = ("title", "doc_number", "publisher", "body_text")
# Part of every row's fingerprint: bump it when the bigram form changes, and every row is rebuilt.
BIGRAM_VERSION = "bigram-1"
SCAN_SENTINEL = '""'  # a valid FTS5 query that matches nothing: "no FTS constraint, scan instead"

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # 〇 and the CJK ideograph blocks
# unicode61 token characters are letters and numbers (`[^\W_]`); split them into Han / other runs.
_SEGMENT = re.compile(f"([{_HAN}]+)|((?:(?![{_HAN}])[^\\W_])+)")
_QUOTES = "\"'“”‘’「」『』"


def normalize(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def _segments(text: str) -> Iterator[tuple[bool, str, int, int]]:
    """(is_han, segment, start, end) for every maximal run of Han / of other token characters."""
    for m in _SEGMENT.finditer(text):
        yield m.group(1) is not None, m.group(0), m.start(), m.end()


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def bigram_text(text: str | None) -> str:
    """The indexed form: Han runs as overlapping bigrams, other tokens whole, space-separated."""
    out: list[str] = []
    for han, seg, _, _ in _segments(normalize(text)):
        out.extend(_bigrams(seg) if han else [seg])
    return " ".join(out)


def query_terms(q: str | None) -> list[str]:
    """Whitespace-separated terms (ideographic space included), surrounding quotes removed."""
    terms = []
    for raw in normalize(q).split():
        term = raw.strip(_QUOTES)
        if term:
            terms.append(term)
    return terms


def term_phrase(term: str) -> str | None:
    """One term as an FTS5 phrase over the bigram index, or None when FTS cannot constrain it."""
    tokens: list[str] = []
    prefix = False
    n = len(term)
    for han, seg, start, end in _segments(term):
        at_start, at_end = start == 0, end == n
        if han and len(seg) == 1:
            if at_start:
                # A leading lone character may be the end of a longer run in a document, where it
                # only exists inside a bigram: leave it to the exact check.
                continue
            tokens.append(seg)
            prefix = at_end  # trailing: a lone token or the first bigram of a longer run
        elif han:
            tokens.extend(_bigrams(seg))
            prefix = False
        else:
            tokens.append(seg)
            prefix = at_end  # a trailing word may continue in the document (word-prefix match)
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def fts_query(q: str | None) -> str:
    """The FTS5 MATCH expression for a user query (terms ANDed); SCAN_SENTINEL when none applies."""
    phrases = [p for p in (term_phrase(t) for t in query_terms(q)) if p]
    return " AND ".join(phrases) if phrases else SCAN_SENTINEL


def _fold(text: str | None) -> str:
    return normalize(text).casefold()


def contains_all(q: str | None, *fields: str | None) -> bool:
    """Every term of `q` occurs (as a substring) in at least one field. An empty query matches nothing."""
    terms = [_fold(t) for t in query_terms(q)]
    if not terms:
        return False
    folded = [_fold(f) for f in fields if f]
    return all(any(t in f for f in folded) for t in terms)


def excerpt(text: str | None, q: str | None, width: int = 40) -> str:
    """A short plain-text excerpt of `text` around the first occurrence of a query term."""
    if not text:
        return ""
    flat = " ".join(text.split())
    low = flat.casefold()
    pos = -1
    for t in query_terms(q):
        for form in (t, _fold(t)):
            pos = low.find(form.casefold())
            if pos >= 0:
                break
        if pos >= 0:
            break
    if pos < 0:
        return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")
    start = max(0, pos - width)
    end = min(len(flat), pos + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


# ------------------------------------------------------------------ SQL functions

def register_functions(conn: sqlite3.Connection) -> None:
    """zh_query(q), zh_match(q, field, …), zh_bigrams(text), zh_excerpt(text, q): on any connection."""
    conn.create_function("zh_query", 1, fts_query, deterministic=True)
    conn.create_function("zh_match", -1, lambda q, *f: int(contains_all(q, *f)), deterministic=True)
    conn.create_function("zh_bigrams", 1, bigram_text, deterministic=True)
    conn.create_function("zh_excerpt", 2, excerpt, deterministic=True)


def search_where(param: str = "q", alias: str = "") -> str:
    """The WHERE clause that selects documents matching :param (FTS narrows, zh_match decides).

    `alias` is the documents table's alias in the enclosing query ("" for none).
    """
    a = f"{alias}." if alias else ""
    return (
        f"{a}id in (select s.document_id from {SEARCH_TABLE} s where s.rowid in "
        f"(select rowid from {FTS_TABLE} where {FTS_TABLE} match zh_query(:{param})) "
        f"union all select id from documents where zh_query(:{param}) = '{SCAN_SENTINEL}' and trim(:{param}) != '') "
        f"and zh_match(:{param}, {a}title, {a}doc_number, {a}publisher, {a}body_text)"
    )


# ------------------------------------------------------------------ building the index

def _fingerprint(row: dict[str, Any]) -> str:
    payload = json.dumps([BIGRAM_VERSION] + [row.get(f) or "" for f in FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _as_db(db: Database | str | Path) -> Database:
    if isinstance(db, Database):
        return db
    database = sqlite_utils.Database(db)
    database.execute("PRAGMA busy_timeout = 30000")
    return database


def _triggers_ok(db: Database) -> bool:
    names = {t.name for t in db[SEARCH_TABLE].triggers}
    return {f"{SEARCH_TABLE}_ai", f"{SEARCH_TABLE}_ad", f"{SEARCH_TABLE}_au"} <= names


def ensure_search(db: Database | str | Path, batch: int = 500) -> dict[str, Any]:
    """Create or refresh `documents_search` and its FTS5 index; returns what it did.

    Idempotent and incremental: only documents whose searched fields (or the bigram algorithm)
    changed are rewritten. Repairs the FTS table and triggers when they are missing.
    """
    db = _as_db(db)
    stats = {"added": 0, "updated": 0, "removed": 0, "rebuilt_fts": False}
    if "documents" not in db.table_names():
        raise ValueError("not an xxgk archive: no documents table")
    with db.conn:
        db.execute(
            f"create table if not exists [{SEARCH_TABLE}] (document_id text primary key, source_sha256 text, "
            + ", ".join(f"[{f}] text" for f in FIELDS) + ")")
    if FTS_TABLE not in db.table_names() or not _triggers_ok(db):
        db[SEARCH_TABLE].enable_fts(list(FIELDS), fts_version="FTS5", create_triggers=True, replace=True)
        stats["rebuilt_fts"] = True
    have = {r[0]: r[1] for r in db.execute(f"select document_id, source_sha256 from [{SEARCH_TABLE}]").fetchall()}
    seen: set[str] = set()
    inserts: list[tuple] = []
    updates: list[tuple] = []
    cols = ", ".join(f"[{f}]" for f in FIELDS)
    cursor = db.conn.execute(f"select id, {cols} from documents")
    names = ["id", *FIELDS]
    with db.conn:
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            seen.add(row["id"])
            fp = _fingerprint(row)
            if have.get(row["id"]) == fp:
                continue
            bigrams = tuple(bigram_text(row[f]) for f in FIELDS)
            if row["id"] in have:
                updates.append((fp, *bigrams, row["id"]))
            else:
                inserts.append((row["id"], fp, *bigrams))
            if len(inserts) + len(updates) >= batch:
                _flush(db, inserts, updates, stats)
        _flush(db, inserts, updates, stats)
        gone = [k for k in have if k not in seen]
        for start in range(0, len(gone), batch):
            chunk = gone[start:start + batch]
            db.conn.execute(f"delete from [{SEARCH_TABLE}] where document_id in ({','.join('?' for _ in chunk)})",
                            chunk)
        stats["removed"] = len(gone)
    return stats


def _flush(db: Database, inserts: list[tuple], updates: list[tuple], stats: dict[str, Any]) -> None:
    # Plain INSERT and UPDATE (never INSERT OR REPLACE, whose implicit delete skips the FTS triggers).
    if inserts:
        db.conn.executemany(
            f"insert into [{SEARCH_TABLE}] (document_id, source_sha256, {', '.join(FIELDS)}) "
            f"values ({', '.join('?' for _ in range(len(FIELDS) + 2))})", inserts)
        stats["added"] += len(inserts)
        inserts.clear()
    if updates:
        db.conn.executemany(
            f"update [{SEARCH_TABLE}] set source_sha256 = ?, " + ", ".join(f"[{f}] = ?" for f in FIELDS)
            + " where document_id = ?", updates)
        stats["updated"] += len(updates)
        updates.clear()


def search_ids(conn: sqlite3.Connection, q: str) -> list[str]:
    """Document ids matching `q` (for scripts and tests); registers the functions on `conn`."""
    register_functions(conn)
    return [r[0] for r in conn.execute(f"select id from documents where {search_where()} order by id", {"q": q})]

