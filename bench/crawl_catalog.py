"""Catalog crawl throughput on a large generated scenario, beside the raw-fetch floor.

1. Starts the simulator with `large:agencies=1,catalog_docs=N` (the agency takes kaiping-edu's
   identity, so the registry entry crawls it).
2. Runs `xxgk crawl` (a real Scrapy crawl into a fresh archive: WARC + SQLite) and measures wall
   time, documents/s, requests/s and the crawl process's peak RSS.
3. Fetches exactly the URLs the crawl fetched (read back from the captures table) with a plain
   aiohttp client at the same concurrency, in the same run: the raw-fetch floor; and with a bare
   Scrapy spider (no middlewares of ours, no pipelines, same concurrency): Scrapy's own floor.
4. Runs the crawl again with nothing changed and counts its requests against index + list pages.

    .venv/bin/python bench/crawl_catalog.py [--docs 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from simulator.testing import start_simulator

XXGK = str(Path(sys.executable).parent / "xxgk")


def run_crawl(sim_url: str, db: Path) -> tuple[dict, float, int]:
    """(summary, wall seconds, peak RSS in MB) of one crawl process."""
    cmd = [XXGK, "crawl", "--agency", "kaiping-edu", "--simulator", sim_url, "--db", str(db), "--json",
           "--log-level", "WARNING"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"crawl failed with status {status}")
    return json.loads(out), wall, usage.ru_maxrss // 1024


async def raw_fetch(sim_url: str, urls: list[str], concurrency: int) -> tuple[float, int]:
    queue = list(reversed(urls))
    errors = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def worker() -> None:
            nonlocal errors
            while queue:
                url = queue.pop()
                scheme_less = url.split("://", 1)[1]
                host, _, path = scheme_less.partition("/")
                async with session.get(f"{sim_url}/{path}", headers={"Host": host}) as resp:
                    await resp.read()
                    errors += resp.status >= 500
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0, errors


BARE_SPIDER = """
import json, sys, time, scrapy
from scrapy.crawler import CrawlerProcess
sim, path, conc = sys.argv[1], sys.argv[2], int(sys.argv[3])
urls = [line.strip() for line in open(path, encoding="utf-8") if line.strip()]
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u, meta={"proxy": sim} if u.startswith("http://") else {}, dont_filter=True)
    def parse(self, response):
        pass
p = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": conc, "CONCURRENT_REQUESTS_PER_DOMAIN": conc,
                    "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
t = time.perf_counter(); p.crawl(Bare); p.start()
print(json.dumps({"seconds": time.perf_counter() - t, "requests": len(urls)}))
"""


def bare_scrapy(sim_url: str, urls: list[str], concurrency: int, work: Path) -> dict:
    path = work / "urls.txt"
    path.write_text("\n".join(urls), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", BARE_SPIDER, sim_url, str(path), str(concurrency)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": round(data["seconds"], 1), "requests_per_s": round(data["requests"] / data["seconds"], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=16, help="must equal the simulator profile's CONCURRENT_REQUESTS")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    db = work / "archive.sqlite"
    with start_simulator(f"large:agencies=1,catalog_docs={args.docs}") as sim:
        first, wall, rss = run_crawl(sim.url, db)
        conn = sqlite3.connect(db)
        urls = [r[0] for r in conn.execute("select url from captures where run_id = ? order by fetched_at", [first["run_id"]])]
        docs = conn.execute("select count(*) from documents").fetchone()[0]
        leaves = conn.execute("select api_total from category_runs where run_id = ?", [first["run_id"]]).fetchall()
        conn.close()
        raw_secs, raw_errors = asyncio.run(raw_fetch(sim.url, urls, args.concurrency))
        bare = bare_scrapy(sim.url, urls, args.concurrency, work)
        second, wall2, rss2 = run_crawl(sim.url, db)
    listing = 1 + sum(max(1, math.ceil(t / 100)) for (t,) in leaves)
    result = {
        "documents": docs, "crawl": {"seconds": round(wall, 1), "requests": first["summary"]["requests"],
                                     "documents_per_s": round(docs / wall, 1),
                                     "requests_per_s": round(first["summary"]["requests"] / wall, 1), "peak_rss_mb": rss},
        "raw_fetch_floor": {"seconds": round(raw_secs, 1), "requests": len(urls), "requests_per_s": round(len(urls) / raw_secs, 1),
                            "errors": raw_errors, "concurrency": args.concurrency},
        "bare_scrapy_floor": bare,
        "crawl_vs_raw": round((first["summary"]["requests"] / wall) / (len(urls) / raw_secs), 3),
        "crawl_vs_bare_scrapy": round((first["summary"]["requests"] / wall) / bare["requests_per_s"], 3),
        "unchanged_recrawl": {"requests": second["summary"]["requests"], "index_plus_list_pages": listing,
                              "robots_txt": second["summary"]["requests"] - listing, "seconds": round(wall2, 1),
                              "new": second["summary"]["new"], "peak_rss_mb": rss2},
        "archive": str(work),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
