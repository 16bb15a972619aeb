"""Search, table and start-up latency of the archive as `xxgk serve` serves it, at any size.

Builds (once, cached) an archive of `--docs` documents through the store pipeline (bench/search_corpus.py),
then measures, each next to its goal (issue 15):
- the search page (/archive/search?q=) and the documents table's `?_search=` for 2-, 4- and 8-character
  queries and multi-term queries, common and rare, and one-character queries: p50 / p95 over `--repeat`
  requests of each query (the first, cold one included);
- the documents table with its default facets, and a facet click;
- `xxgk serve` start-up: launch to the first answered request.
Requests go through Datasette in process (its ASGI client), on the file opened as `xxgk serve` opens it.

    .venv/bin/python bench/search_speed.py --docs 1000000 [--cache /tmp/xxgk-bench] [--repeat 5] [--table-only]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.serve import freeze_start_up, make_datasette, wal_mode  # noqa: E402

# class → queries (common ones match most of the corpus; rare ones are planted by search_corpus.RARE)
QUERIES: dict[str, list[str]] = {
    "2 chars, common": ["工作", "教育"],
    "2 chars, rare": ["鲲鹏"],
    "4 chars, common": ["政策解读", "市教育局"],
    "4 chars, rare": ["琉璃穹顶"],
    "8 chars, common": ["现将有关事项通知"],
    "8 chars, rare": ["青瓦白墙古村落群"],
    "multi-term, common": ["工作 安全", "教育 政策解读 2024"],
    "multi-term, rare": ["鲲鹏 工作", "琉璃穹顶 通知"],
    "1 char, common": ["年"],
    "1 char, rare": ["鲲"],
}
GOAL_SEARCH_MS = 200
GOAL_ONE_CHAR_MS = 1000
GOAL_TABLE_MS = 500
GOAL_START_S = 2.0
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)/")


def archive(docs: int, cache: Path) -> Path:
    path = cache / f"search-{docs}.sqlite"
    if not path.exists():
        from bench.search_corpus import build

        print(f"building {path} ({docs:,} documents through the store pipeline; cached for next time)")
        tmp = path.with_suffix(".building.sqlite")
        build(tmp, docs)
        tmp.rename(path)
    return path


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def line(label: str, ms: list[float], goal: float, note: str = "") -> str:
    p50, p95 = percentiles(ms)
    ok = "ok" if p95 < goal else "OVER"
    return f"  {label:<34} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   goal p95 < {goal:,.0f} ms  {ok}  {note}"


async def timed(client: Any, path: str) -> tuple[float, Any]:
    t0 = time.perf_counter()
    response = await client.get(path)
    return (time.perf_counter() - t0) * 1000, response


def summary(response: Any) -> str:
    text = response.text
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    m = re.search(r'class="xxgk-count">([^<]+)<', text) or re.search(r"<h3>([\d,]+ rows?)", text)
    if m:
        return m.group(1).strip()
    if "refused" in text:
        return "refused (one character)"
    m = re.search(r"More than [\d,]+ rows|more than [\d,]+ documents", text)
    return m.group(0) if m else ""


async def measure(path: Path, repeat: int, table_only: bool = False, freeze: bool = True) -> list[str]:
    ds = make_datasette(path, immutable=not wal_mode(path))
    client = ds.client
    if freeze:  # as `xxgk serve` does
        freeze_start_up()
    out = []
    for kind, url in () if table_only else (("search page", "/archive/search?q={}"), ("table ?_search=", "/archive/documents?_search={}")):
        out.append(f"{kind}:")
        for label, queries in QUERIES.items():
            ms, notes = [], []
            for q in queries:
                for i in range(repeat):
                    t, response = await timed(client, url.format(quote(q)))
                    ms.append(t)
                    if i == 0:
                        notes.append(f"{q}: {summary(response)}")
            goal = GOAL_ONE_CHAR_MS if label.startswith("1 char") else GOAL_SEARCH_MS
            out.append(line(label, ms, goal, "; ".join(notes)))
    agency = (await ds.get_database("archive").execute("select id from agencies order by id limit 1")).first()[0]
    out.append("documents table:")
    for label, url in (("table page, default facets", "/archive/documents"),
                       ("facet click (channel)", "/archive/documents?channel=wechat"),
                       ("facet click (agency)", f"/archive/documents?agency={quote(agency)}")):
        ms = []
        for _ in range(repeat):
            t, response = await timed(client, url)
            assert response.status_code == 200, (url, response.status_code)
            ms.append(t)
        out.append(line(label, ms, GOAL_TABLE_MS, summary(response)))
    return out


def start_up(path: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds from launching `xxgk serve` to its first answered request, and the CPU seconds the process
    used (start-up, one request, shut-down: the part that does not depend on other load on the machine)."""
    import resource

    xxgk = Path(sys.executable).with_name("xxgk")
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(xxgk), "serve", "--db", str(path), "--port", "0"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            for text in proc.stdout:
                m = LISTENING.search(text)
                if m:
                    with urllib.request.urlopen(m.group(1) + "/archive/documents?_size=1", timeout=60) as r:  # noqa: S310
                        r.read()
                    times.append(time.perf_counter() - t0)
                    break
            else:
                raise RuntimeError("xxgk serve exited before listening")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return times, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    ap.add_argument("--db", type=Path, help="an existing archive to measure instead of building one")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--table-only", action="store_true",
                    help="only the documents table and its facet clicks (no search, no start-up)")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave start-up's objects to the cyclic collector (the code before `xxgk serve` froze them)")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = args.db or archive(args.docs, args.cache)
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n = conn.execute("select count(*) from documents").fetchone()[0]
    conn.close()
    print(f"{path}: {n:,} documents, {path.stat().st_size / 1e9:.2f} GB; {os.cpu_count()} CPUs; "
          f"repeat {args.repeat}; load average {os.getloadavg()[0]:.1f}")
    for text in asyncio.run(measure(path, args.repeat, args.table_only, not args.no_freeze)):
        print(text, flush=True)
    if args.table_only:
        return
    starts, cpu = start_up(path, max(2, args.repeat // 2))
    print(f"xxgk serve start-up: {min(starts):.2f}–{max(starts):.2f} s wall, {min(cpu):.2f}–{max(cpu):.2f} s CPU "
          f"(goal < {GOAL_START_S:.0f} s) {'ok' if max(starts) < GOAL_START_S else 'OVER'}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
