"""Search as Datasette serves it: the archive's FTS5 index (archive/search_index.py) queried so that a search
costs the same at a thousand documents or a million.

Three numbers decide the cost of a search: how many documents match (N), how many are shown (a page), and
how they are ordered (newest first). Counting every match of a common word at a million documents takes
seconds, so a search is *planned* first (`plan`): the matches are counted up to `COUNT_CAP` (a bounded FTS
scan). Then
- few matches (N ≤ COUNT_CAP): the exact count; the plan keeps their rowids, so the rows, the count and
  the facets (up to FACET_CAP matches: each reads every match) read those documents without evaluating
  the match again;
- many matches: "more than 10,000" and no facets (each would read every match) — the page says so and
  points to filters that narrow it. The page is found by walking the documents in date order: when at
  least DENSE of them match, asking the index about each (`exists … rowid = d.rowid`, a few hundred probes);
  otherwise testing each against the match set, collected once (`+rowid in (…)`);
- a query with a one-character term (a prefix query over most of the index) is answered when its bounded
  count finishes within `ONE_CHARACTER_MS`, else refused with a message saying why.
The same plan serves the search page (archive/datasette/search_page.py) and the documents table's `?_search=`.

Matches are highlighted in Python on the shown rows only (`highlight`, `excerpt`), with every character of
crawled text escaped.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from archive.search_index import (
    _HAN,
    FIELDS,
    FTS_TABLE,
    NOTHING,
    SEGMENT,
    TOKENIZE,
    fts_query,
    normalize,
    query_terms,
    single_characters,
)
from archive.spans import merge_spans

COUNT_CAP = 10_000  # matches counted exactly up to here; beyond, "more than 10,000"
FACET_CAP = 5_000  # the documents table's facets are computed for searches of up to this many matches
DENSE = 0.25  # a share of matching documents above which a page is found by probing documents in date order
ONE_CHARACTER_MS = 800  # a query with a one-character term gets this long to count, else it is refused


# ------------------------------------------------------------------ SQL functions

def register_functions(conn: sqlite3.Connection) -> None:
    """zh_query(q): the FTS5 MATCH expression of a query; zh_excerpt(text, q): a plain-text excerpt."""
    conn.create_function("zh_query", 1, fts_query, deterministic=True)
    conn.create_function("zh_excerpt", 2, lambda text, q: excerpt(text, q, html=False), deterministic=True)


def has_index(conn: sqlite3.Connection) -> bool:
    """Whether this database carries the archive's search index (and not some other documents_fts)."""
    row = conn.execute("select sql from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    return bool(row and TOKENIZE in (row[0] or ""))


def override_escape_fts(conn: sqlite3.Connection) -> None:
    """Datasette's own `?_search_<column>=` calls the SQL function escape_fts(q): on an archive it gets the
    Chinese query instead of Datasette's quoting (which would look for a whole run of Han characters)."""
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


# ------------------------------------------------------------------ planning

@dataclass
class Plan:
    q: str
    fts: str = NOTHING
    count: int = 0  # exact when not `more`
    more: bool = False  # more than COUNT_CAP matches
    refused: str = ""  # why the query is not answered (a one-character term too common to count in time)
    terms: list[str] = field(default_factory=list)
    ids: str = "[]"  # the matching rowids as a JSON array, when not `more`: the match is evaluated once
    dense: bool = False  # `more`, and at least DENSE of the documents match: cheaper to probe than to collect

    @property
    def empty(self) -> bool:
        return self.fts == NOTHING

    def describe(self) -> str:
        """What the search is, in words, for the page's heading."""
        if self.refused:
            return f'search "{self.q}" refused: {self.refused}'
        if self.more:
            return (f'search matches "{self.q}": more than {COUNT_CAP:,} documents, newest first (not counted '
                    "further, no facets: add a term or a filter to narrow it)")
        if self.count > FACET_CAP:
            return (f'search matches "{self.q}": {self.count:,} documents (no facets above {FACET_CAP:,}: add a '
                    "term or a filter to narrow it)")
        return f'search matches "{self.q}"'

    def where(self, param: str = "xxgk_fts", alias: str = "") -> str:
        """The WHERE clause selecting the matching documents (parameters: `params(param)`), shaped for the
        number of matches: the rowids the plan found when they are few (so the count, the facets and the rows
        do not evaluate the match again each), a probe of the index per document when they are many."""
        a = f"{alias}." if alias else ""
        if self.refused or self.empty:
            return "0"
        if self.more and self.dense:  # a few hundred probes at most, walking the documents in date order
            return (f"exists (select 1 from [{FTS_TABLE}] where [{FTS_TABLE}] match :{param} "
                    f"and [{FTS_TABLE}].rowid = {a}rowid)")
        if self.more:  # the match set collected once; `+` keeps SQLite walking the date index, not the set
            return f"+{a}rowid in (select rowid from [{FTS_TABLE}] where [{FTS_TABLE}] match :{param})"
        return f"{a}rowid in (select value from json_each(:{param}_ids))"

    def params(self, param: str = "xxgk_fts") -> dict[str, str]:
        return {param: self.fts} if self.more else {param: self.fts, f"{param}_ids": self.ids}


def count_sql() -> str:
    """How many rows match, up to :cap, and their rowids (a JSON array)."""
    return (f"select count(*), json_group_array(rowid) from (select rowid from [{FTS_TABLE}] "
            f"where [{FTS_TABLE}] match :fts limit :cap)")


SAMPLES = 10  # rowid windows a large match set's density is measured in


def density(conn: sqlite3.Connection, fts: str) -> float:
    """The share of documents matching `fts`, measured in SAMPLES windows of rowids spread over the table (a
    crawl writes an agency's documents together, so the first matches alone would mislead)."""
    last = conn.execute("select max(rowid) from documents").fetchone()[0] or 0
    width = max(last // (SAMPLES * 10), 100)
    starts = sorted({i * last // SAMPLES for i in range(SAMPLES)})
    counts = " + ".join(f"(select count(*) from [{FTS_TABLE}] where [{FTS_TABLE}] match :fts and rowid between "
                        f"{a} and {a + width - 1})" for a in starts)
    return conn.execute(f"select {counts}", {"fts": fts}).fetchone()[0] / (len(starts) * width)


REFUSED = ("a one-character term matches too much of the archive to be searched quickly; add a character "
           "(年 → 年度) or filter by agency, channel or year first")


def plan_on(conn: sqlite3.Connection, q: str, timed: bool = False) -> Plan:
    """Plan a query on a connection: count its matches up to COUNT_CAP + 1 (keeping their rowids when that
    is all), and how dense a larger match set is. `timed`: a one-character query gets ONE_CHARACTER_MS."""
    from contextlib import nullcontext

    p = Plan(q=q, fts=fts_query(q), terms=query_terms(q))
    if p.empty:
        return p
    one_character = bool(single_characters(q))
    if timed and one_character:
        from datasette.utils import sqlite_timelimit

        # Open the FTS table first, untimed: an interrupted constructor would be an error, not a refusal.
        conn.execute(f"select 1 from [{FTS_TABLE}] where rowid = 0").fetchall()
        limit: Any = sqlite_timelimit(conn, ONE_CHARACTER_MS)
    else:
        limit = nullcontext()
    try:
        with limit:
            n, ids = conn.execute(count_sql(), {"fts": p.fts, "cap": COUNT_CAP + 1}).fetchone()
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
        p.refused = REFUSED
        return p
    p.count, p.more = min(n, COUNT_CAP), n > COUNT_CAP
    if not p.more:
        p.ids = ids
    elif not one_character:  # probing documents with a prefix query is slow at any density
        p.dense = density(conn, p.fts) >= DENSE
    return p


async def plan(db: Any, q: str) -> Plan:
    """`plan_on` a Datasette `Database`, with the one-character time limit."""
    return await db.execute_fn(lambda conn: plan_on(conn, q, timed=True))


def plan_sync(conn: sqlite3.Connection, q: str) -> Plan:
    """`plan_on` a plain connection (scripts, tests): no time limit."""
    return plan_on(conn, q)


def search_ids(conn: sqlite3.Connection, q: str) -> list[str]:
    """Every matching document id, sorted (for scripts and tests; no cap)."""
    fts = fts_query(q)
    if fts == NOTHING:
        return []
    return [r[0] for r in conn.execute(
        f"select id from documents where rowid in (select rowid from [{FTS_TABLE}] where [{FTS_TABLE}] match ?) "
        "order by id", [fts])]


# ------------------------------------------------------------------ highlighting

_WORD = f"[^\\W_{_HAN}]"


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A regex finding a term in NFKC-normalised text with the index's semantics (archive/search_index.py):
    punctuation and spaces inside the term stand for any run of them; a leading word starts a word."""
    segs = list(SEGMENT.finditer(normalize(term)))
    parts: list[str] = []
    for i, m in enumerate(segs):
        if i:
            parts.append("[\\W_]+" if m.start() > segs[i - 1].end() else "")
        elif m.group(1) is None:
            parts.append(f"(?<!{_WORD})")
        parts.append(re.escape(m.group()))
    return re.compile("".join(parts), re.IGNORECASE) if parts else None


def _normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFKC form of `text` and, for each of its characters, the offset of the original character."""
    if unicodedata.is_normalized("NFKC", text):  # the common case, checked in C: offsets are the identity
        return text, range(len(text))  # type: ignore[return-value]
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.append(n)
        where.extend([i] * len(n))
    return "".join(out), where


_cached_pattern = functools.lru_cache(maxsize=256)(term_pattern)


def spans(text: str, q: str) -> list[tuple[int, int]]:
    """Where the query's terms occur in `text` (offsets in the original text), merged and sorted."""
    if not text:
        return []
    norm, where = _normalized_with_offsets(text)
    found: list[tuple[int, int]] = []
    for term in query_terms(q):
        pattern = _cached_pattern(term)
        if pattern is None:
            continue
        for m in pattern.finditer(norm):
            if m.end() > m.start():
                found.append((where[m.start()], where[m.end() - 1] + 1))
    return merge_spans(found)


def highlight(text: str | None, q: str, marks: list[tuple[int, int]] | None = None) -> Markup:
    """`text` as HTML, every character escaped, the query's terms in <mark>."""
    text = text or ""
    out, pos = [], 0
    for s, e in spans(text, q) if marks is None else marks:
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def excerpt(text: str | None, q: str, width: int = 60, html: bool = True) -> Any:
    """A short excerpt of `text` around the first occurrence of a term (HTML with <mark>, or plain text)."""
    flat = " ".join((text or "").split())
    if not flat:
        return Markup("") if html else ""
    found = spans(flat, q)
    start = max(0, found[0][0] - width) if found else 0
    end = min(len(flat), (found[0][1] + width) if found else 2 * width)
    piece = flat[start:end]
    before, after = ("…" if start else ""), ("…" if end < len(flat) else "")
    if not html:
        return before + piece + after
    local = [(max(s - start, 0), min(e - start, len(piece))) for s, e in found if s < end and e > start]
    return escape(before) + highlight(piece, q, local) + escape(after)


__all__ = ["COUNT_CAP", "FACET_CAP", "FIELDS", "FTS_TABLE", "Plan", "excerpt", "has_index", "highlight", "plan",
           "register_functions", "search_ids", "spans"]
