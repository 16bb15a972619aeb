"""Catalog crawl cost on a large generated scenario, beside bare Scrapy with the same settings.

1. Starts the simulator with `large:agencies=1,catalog_docs=N` (the agency takes kaiping-edu's
   identity, so the registry entry crawls it).
2. Runs `xxgk crawl` (a real Scrapy crawl into a fresh archive: WARC + SQLite) and measures wall
   time, the crawl process's CPU (user + system, from the OS accounting of the finished child) and
   its peak RSS.
3. Fetches exactly the URLs the crawl fetched (read back from the captures table) with a bare Scrapy
   spider: the project's Scrapy settings and the simulator profile (CONCURRENT_REQUESTS,
   CONCURRENT_ITEMS, cookies, timeouts…), none of our middlewares, pipelines or extensions, an empty
   callback. The difference in CPU per request is what the project adds to Scrapy.
4. Runs the crawl again with nothing changed, and bare Scrapy on that crawl's URLs: the difference,
   per unchanged document, is the cost of the unchanged path (incremental check + "seen" update). The
   fixed start-up both processes pay differently (our imports, migrations, extensions) is measured on a
   10-document catalog the same way and taken out, so the figure is per document whatever the size;
   the figure with it left in is printed too. `--repeat N` measures the re-crawl N times (the later ones on
   copies of the archive as the first crawl left it) and prints each figure, their median and range: on a
   shared machine one figure is not a measurement.
5. `--for SECONDS` (memory at sizes too long to crawl whole, e.g. 1M documents): runs the crawl for that
   long only, sampling its RSS and the documents stored every `--every` seconds, and prints the samples
   (RSS against documents shows whether memory grows with the catalog), then stops the crawl.
6. `--components` crawls the scenario once more into a fresh archive with each of the project's components
   timed (bench/crawl_components.py) and prints, per request, the CPU of each (with and without what it
   calls of the others), their sum, and the rest of that process beyond bare Scrapy's CPU per request.
7. `--compare OTHER.sqlite` compares the archive's content with another crawl of the same scenario
   row by row (bench/archive_diff.py): a change that makes the crawl cheaper must not change what it stores.

    .venv/bin/python bench/crawl_catalog.py [--docs 20000] [--skip-recrawl] [--components] [--keep]
                                            [--compare A.sqlite] [--repeat 3]
    .venv/bin/python bench/crawl_catalog.py --docs 1000000 --for 2400 --every 60
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive_diff import diff_archives  # noqa: E402

from simulator.testing import start_simulator  # noqa: E402

XXGK = str(Path(sys.executable).parent / "xxgk")
ROOT = Path(__file__).resolve().parent.parent
GOALS = {"overhead_ms_per_request": 0.5, "peak_rss_mb": 300, "unchanged_ms_per_document": 0.1}


def measured(cmd: list[str], **kw) -> tuple[bytes, float, float, int]:  # noqa: ANN003
    """(stdout, wall s, CPU s = user + system, peak RSS MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **kw)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{cmd[:3]} failed with status {status}")
    return out, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def run_crawl(sim_url: str, db: Path) -> dict:
    out, wall, cpu, rss = measured([XXGK, "crawl", "--agency", "kaiping-edu", "--simulator", sim_url, "--db", str(db),
                                    "--json", "--log-level", "WARNING"])
    summary = json.loads(out)
    return {"summary": summary, "run_id": summary["run_id"], "seconds": wall, "cpu": cpu, "rss": rss,
            "requests": summary["summary"]["requests"]}


def rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) // 1024 for line in fh if line.startswith("VmRSS:"))


def stored_documents(db: Path) -> int | None:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        return None  # not created yet, or busy: the next sample


def sampled_crawl(sim_url: str, db: Path, seconds: float, every: float) -> dict:
    """Crawl for `seconds`, sampling (elapsed s, documents stored, RSS MB) every `every` seconds; then stop it."""
    proc = subprocess.Popen([XXGK, "crawl", "--agency", "kaiping-edu", "--simulator", sim_url, "--db", str(db),
                             "--log-level", "WARNING"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0, samples, usage = time.monotonic(), [], None
    while time.monotonic() - t0 < seconds:
        time.sleep(every)  # the sampling period (the crawl runs on regardless)
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        usage = None
        samples.append({"s": round(time.monotonic() - t0), "documents": stored_documents(db), "rss_mb": rss_mb(proc.pid)})
    finished = usage is not None
    if not finished:
        proc.terminate()
        _, _, usage = os.wait4(proc.pid, 0)
    return {"finished": finished, "peak_rss_mb": usage.ru_maxrss // 1024, "samples": samples}


# The project's Scrapy settings (crawler/settings.py + the simulator profile) without anything of ours.
BARE_SPIDER = """
import json, sys, time, scrapy
from scrapy.crawler import CrawlerProcess
from crawler import settings as project
sim, path = sys.argv[1], sys.argv[2]
urls = [line.strip() for line in open(path, encoding="utf-8") if line.strip()]
ours = {"SPIDER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS", "SIMULATOR_PROFILE"}
settings = {k: v for k, v in vars(project).items() if k.isupper() and not k.startswith("XXGK_") and k not in ours}
settings.update(project.SIMULATOR_PROFILE)
settings.update(LOG_LEVEL="WARNING", ROBOTSTXT_OBEY=False)  # robots.txt is one of the URLs
settings = {k: v for k, v in settings.items() if not k.startswith("XXGK_")}
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u, meta={"proxy": sim}, dont_filter=True)
    def parse(self, response):
        pass
p = CrawlerProcess(settings)
t = time.perf_counter(); p.crawl(Bare); p.start()
print(json.dumps({"seconds": time.perf_counter() - t, "requests": len(urls)}))
"""


def bare_scrapy(sim_url: str, urls: list[str], work: Path) -> dict:
    path = work / "urls.txt"
    path.write_text("\n".join(urls), encoding="utf-8")
    out, wall, cpu, rss = measured([sys.executable, "-c", BARE_SPIDER, sim_url, str(path)], cwd=ROOT)
    return {"seconds": wall, "cpu": cpu, "rss": rss, "requests": len(urls)}


def fetched_urls(db: Path, run_id: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("select url from captures where run_id = ? and status is not null "
                                           "order by fetched_at", [run_id])]


def ms(seconds: float, n: int) -> float:
    return round(1000 * seconds / max(n, 1), 3)


def startup_difference(work: Path) -> float:
    """CPU seconds an unchanged re-crawl of a 10-document catalog costs beyond bare Scrapy on its URLs:
    what `xxgk crawl` pays once per process, whatever the catalog's size."""
    db = work / f"fixed-{time.monotonic_ns()}.sqlite"  # a first crawl each time (--repeat measures it again)
    with start_simulator("large:agencies=1,catalog_docs=10") as sim:
        run_crawl(sim.url, db)
        again = run_crawl(sim.url, db)
        bare = bare_scrapy(sim.url, fetched_urls(db, again["run_id"]), work)
    return again["cpu"] - bare["cpu"]


def copy_archive(src: Path, dst: Path) -> Path:
    """The archive folder's database (a consistent copy) and WARC files in `dst`."""
    dst.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src / "archive.sqlite") as a, sqlite3.connect(dst / "archive.sqlite") as b:
        a.backup(b)
    shutil.copytree(src / "warc", dst / "warc", dirs_exist_ok=True)
    return dst


def unchanged_recrawl(sim_url: str, db: Path, leaves: list[tuple], work: Path, skip_bare: bool) -> dict:
    """The crawl of an archive that holds the catalog unchanged, beside bare Scrapy on the URLs it fetched."""
    second = run_crawl(sim_url, db)
    unchanged = second["summary"]["summary"]["unchanged"]
    listing = 1 + sum(max(1, math.ceil(t / 100)) for (t,) in leaves)
    rec = {"requests": second["requests"], "index_plus_list_pages": listing, "new": second["summary"]["summary"]["new"],
           "unchanged": unchanged, "seconds": round(second["seconds"], 1), "cpu_s": round(second["cpu"], 2),
           "peak_rss_mb": second["rss"]}
    if not skip_bare:
        bare = bare_scrapy(sim_url, fetched_urls(db, second["run_id"]), work)
        fixed = startup_difference(work)
        rec.update(bare_scrapy_cpu_s=round(bare["cpu"], 2), startup_difference_cpu_s=round(fixed, 2),
                   ms_per_document_with_startup=ms(second["cpu"] - bare["cpu"], unchanged),
                   ms_per_document=round(ms(second["cpu"] - bare["cpu"] - fixed, unchanged), 3))
    return rec


def components(sim_url: str, work: Path, bare_ms: float | None) -> dict:
    """The instrumented crawl's CPU per request, component by component (bench/crawl_components.py)."""
    out = work / "components.json"
    stdout, _, cpu, _ = measured([sys.executable, str(Path(__file__).with_name("crawl_components.py")), str(out), "--",
                                  "--agency", "kaiping-edu", "--simulator", sim_url, "--db",
                                  str(work / "components.sqlite"), "--json", "--log-level", "WARNING"])
    n = json.loads(stdout)["summary"]["requests"]
    parts = json.loads(out.read_text(encoding="utf-8"))["components"]
    ours = sum(p["self_s"] for p in parts)  # an absent component (an older checkout) counts 0, calls null
    rec = {"requests": n, "cpu_ms_per_request": ms(cpu, n),
           "ms_per_request": {p["component"]: {"calls": p["calls"], "with_what_it_calls": ms(p["inclusive_s"], n),
                                               "own": ms(p["self_s"], n)} for p in parts},
           "listed_components_ms_per_request": ms(ours, n)}
    if bare_ms is not None:
        rec["rest_beyond_bare_scrapy_ms_per_request"] = round(ms(cpu - ours, n) - bare_ms, 3)
    return rec


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--skip-recrawl", action="store_true")
    ap.add_argument("--skip-bare", action="store_true", help="only the crawl's own figures (for 100k/1M memory runs)")
    ap.add_argument("--keep", action="store_true", help="keep the archive folder (printed)")
    ap.add_argument("--for", dest="seconds", type=float, help="crawl for this long only, sampling RSS and documents")
    ap.add_argument("--every", type=float, default=60, help="seconds between samples (with --for)")
    ap.add_argument("--components", action="store_true", help="crawl once more with each component timed")
    ap.add_argument("--compare", help="another crawl's archive of the same scenario: compare content row by row")
    ap.add_argument("--repeat", type=int, default=1, help="measure the unchanged re-crawl this many times")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    db = work / "archive.sqlite"
    result: dict = {}
    if args.seconds:
        with start_simulator(f"large:agencies=1,catalog_docs={args.docs}") as sim:
            sampled = sampled_crawl(sim.url, db, args.seconds, args.every)
        sampled["archive"] = str(work) if args.keep else "(removed; --keep keeps it)"
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(sampled, indent=1))
        return
    with start_simulator(f"large:agencies=1,catalog_docs={args.docs}") as sim:
        first = run_crawl(sim.url, db)
        with sqlite3.connect(db) as conn:
            docs = conn.execute("select count(*) from documents").fetchone()[0]
            leaves = conn.execute("select api_total from category_runs where run_id = ?", [first["run_id"]]).fetchall()
        n = first["requests"]
        result["documents"] = docs
        result["crawl"] = {"seconds": round(first["seconds"], 1), "requests": n, "cpu_s": round(first["cpu"], 2),
                           "cpu_ms_per_request": ms(first["cpu"], n), "requests_per_s": round(n / first["seconds"], 1),
                           "peak_rss_mb": first["rss"]}
        if not args.skip_bare:
            bare = bare_scrapy(sim.url, fetched_urls(db, first["run_id"]), work)
            result["bare_scrapy"] = {"seconds": round(bare["seconds"], 1), "requests": bare["requests"],
                                     "cpu_s": round(bare["cpu"], 2), "cpu_ms_per_request": ms(bare["cpu"], bare["requests"]),
                                     "requests_per_s": round(bare["requests"] / bare["seconds"], 1), "peak_rss_mb": bare["rss"]}
            result["overhead_ms_per_request"] = round(ms(first["cpu"], n) - ms(bare["cpu"], bare["requests"]), 3)
            result["crawl_vs_bare_scrapy"] = round((n / first["seconds"]) / (bare["requests"] / bare["seconds"]), 3)
        if args.components:
            result["components"] = components(sim.url, work, result.get("bare_scrapy", {}).get("cpu_ms_per_request"))
        if not args.skip_recrawl:
            base = work / "base"
            if args.repeat > 1:  # the later re-crawls start from the archive as the first crawl left it
                copy_archive(work, base)
            recrawls = []
            for i in range(args.repeat):
                where = work if i == 0 else copy_archive(base, work / f"again-{i}")
                recrawls.append(unchanged_recrawl(sim.url, where / "archive.sqlite", leaves, work, args.skip_bare))
            result["unchanged_recrawl"] = recrawls[0]
            if not args.skip_bare:
                result["unchanged_ms_per_document"] = recrawls[0]["ms_per_document"]
            if args.repeat > 1:
                figures = [r.get("ms_per_document") for r in recrawls]
                result["unchanged_repeated"] = {
                    "ms_per_document": figures, "cpu_s": [r["cpu_s"] for r in recrawls],
                    **({"median": round(statistics.median(figures), 3), "range": [min(figures), max(figures)]}
                       if not args.skip_bare else {})}
                if not args.skip_bare:
                    result["unchanged_ms_per_document"] = round(statistics.median(figures), 3)
    if args.compare:
        result["compare"] = diff_archives(Path(args.compare), db) or "identical content"
    result["goals"] = {k: {"value": result[k], "goal": f"<= {g}", "met": result[k] <= g}
                       for k, g in GOALS.items() if k in result}
    rss = result["crawl"]["peak_rss_mb"]
    result["goals"]["peak_rss_mb"] = {"value": rss, "goal": f"<= {GOALS['peak_rss_mb']}", "met": rss <= GOALS["peak_rss_mb"]}
    result["archive"] = str(work) if args.keep else "(removed; --keep keeps it)"
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
