"""Run real crawls (each in its own process, as Twisted requires) and read the archive they leave."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from simulator.testing import RunningSimulator
from tests.support import AGENCY, XXGK, crawl, crawl_args


def crawl_cmd(sim: RunningSimulator, db: Path, *extra: str) -> list[str]:
    return [XXGK, *crawl_args(sim.url, db, "catalog", *extra)]


def run_crawl(sim: RunningSimulator, db: Path, *extra: str, expect: int = 0) -> dict[str, Any]:
    return crawl(sim.url, db, "catalog", *extra, expect=expect)


def query(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def archived_by_year_and_category(db: Path) -> dict[str, dict[str, int]]:
    """{year: {leaf category name: documents ever seen}} from the archive."""
    rows = query(db, "select d.year, c.name, count(*) n from documents d join categories c on c.id = "
                     "'kaiping-edu/catalog/' || d.category_id where d.channel = 'catalog' group by 1, 2")
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(str(r["year"]), {})[r["name"]] = r["n"]
    return out


def truth_by_year_and_category(truth: dict[str, Any], key: str = "first_seen") -> dict[str, dict[str, int]]:
    years = truth["agencies"][AGENCY]["catalog"]["by_year"]
    return {y: {name: c[key] for name, c in d["by_category"].items() if c.get(key)} for y, d in years.items()
            if any(c.get(key) for c in d["by_category"].values())}


def expected_listing_requests(truth: dict[str, Any], search_page_size: int = 50) -> int:
    """Index + every list-API page + every search page the window needs, + robots.txt of the two hosts."""
    total = 2 + 1
    for cat in truth["agencies"][AGENCY]["catalog"]["categories"]:
        if not cat["leaf"]:
            continue
        total += max(1, math.ceil(cat["api_total"] / 100))
        if cat["api_total"] < cat["post_count"]:
            total += math.ceil(cat["post_count"] / search_page_size)
    return total


def events(db: Path) -> Counter:
    return Counter(r["event"] for r in query(db, "select event from document_events"))
