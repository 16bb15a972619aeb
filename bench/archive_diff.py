"""Compare the content of two archives of the same scenario, row by row.

Two crawls never share run ids, capture ids, times or WARC offsets; everything else they store must
be equal. Capture ids are replaced by the capture's URL and status wherever they appear (columns
and JSON), run ids by a marker, and columns that are times or WARC positions are left out; each
table is then compared as a multiset of rows.

    .venv/bin/python bench/archive_diff.py A.sqlite B.sqlite
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

SKIP_TABLES = {"runs", "agencies", "migrations", "_migrations", "schedule_jobs", "sqlite_sequence"}
VOLATILE = re.compile(r"(_at$|^at$|^warc_(file|offset|length|record_id)$|^pid$|^rowid$)")
IDS = re.compile(r"\b(cap|run)-[0-9A-Za-z_-]+")
DATE_HEADER = re.compile(r'\["Date", "[^"]*"\]')  # the server's clock, not content


def _content(path: Path) -> dict[str, Counter]:
    conn = sqlite3.connect(path)
    try:
        names = {r[0]: f"cap:{r[1]}:{r[2]}" for r in conn.execute("select id, url, status from captures")}
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like "
                                            "'%_fts%' and name not like 'sqlite_%'")]

        def norm(value: object) -> object:
            if isinstance(value, str):
                value = DATE_HEADER.sub('["Date", "-"]', value)
                return IDS.sub(lambda m: names.get(m.group(0), "<run>" if m.group(1) == "run" else "<cap?>"), value)
            return value

        out = {}
        for table in tables:
            if table in SKIP_TABLES:
                continue
            info = list(conn.execute(f"pragma table_info([{table}])"))
            # Row numbers (integer keys) follow the order responses arrived in, which concurrency varies.
            serial = {r[1] for r in info if r[5] and r[2].upper() == "INTEGER"}
            keep = [r[1] for r in info if not VOLATILE.search(r[1]) and r[1] not in serial
                    and not (table == "captures" and r[1] == "id") and not r[1].endswith("run_id")]
            if not keep:
                continue
            rows = conn.execute(f"select {', '.join(f'[{c}]' for c in keep)} from [{table}]")
            out[table] = Counter(tuple(zip(keep, map(norm, row), strict=True)) for row in rows)
        return out
    finally:
        conn.close()


def diff_archives(a: Path, b: Path, show: int = 3) -> list[str]:
    """What differs between the two archives' content (empty when they are the same)."""
    ca, cb = _content(a), _content(b)
    problems = []
    for table in sorted(set(ca) | set(cb)):
        ra, rb = ca.get(table, Counter()), cb.get(table, Counter())
        if ra == rb:
            continue
        only_a, only_b = ra - rb, rb - ra
        problems.append(f"{table}: {sum(only_a.values())} rows only in A, {sum(only_b.values())} only in B; "
                        f"e.g. A {list(only_a)[:show]} B {list(only_b)[:show]}")
    return problems


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args()
    found = diff_archives(args.a, args.b)
    print("\n".join(found) or "identical content")
    sys.exit(1 if found else 0)
