"""Province-scale benchmark: many agencies on many hosts, crawled in full, then nightly with nothing changed;
one against two processes on a Redis frontier; the real-web duration of a province-wide nightly run.

1. The simulator serves `large:agencies=A,hosts=H,catalog_docs=D` (catalog only); `xxgk agencies add
   --from-simulator` registers every agency.
2. `xxgk crawl --agency @FILE --channel catalog` (one process, the agencies one after another) in full, then
   again with nothing changed: requests (from each run's summary), wall time, CPU (user + system of the
   finished process, the OS's accounting) and peak RSS; the database and WARC folder sizes after each.
3. Per million documents: those figures divided by the documents archived, times 10^6 (extrapolated, linear).
4. Real-web duration at one request a second per host, hosts in parallel (the host with most requests
   decides): measured per-host request counts at this size; at a million documents the list pages of each
   category are re-counted from the scenario's truth at 10^6 documents (100 entries a page, as gkmlpt serves),
   the rest (index, robots.txt, empty categories) taken as measured.
5. One agency of `large:agencies=1,catalog_docs=R`: one process against a writer and two workers on a
   `redis-server` started here (`--frontier`), wall time and the CPU of all processes.

    .venv/bin/python bench/scale_province.py [--agencies 300 --hosts 30 --docs 30000 --redis-docs 10000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.crawl_catalog import measured  # noqa: E402
from simulator.testing import start_simulator  # noqa: E402

XXGK = str(Path(sys.executable).parent / "xxgk")
PAGE = 100  # list entries per gkmlpt API page
MILLION = 1_000_000


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def db_size(db: Path) -> int:
    return sum(size(p) for p in (db, Path(f"{db}-wal")) if p.exists())


def documents(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from documents").fetchone()[0]
    finally:
        conn.close()


def crawl_all(sim: str, reg: Path, listing: Path, db: Path) -> dict[str, Any]:
    out, wall, cpu, rss = measured([XXGK, "crawl", "--agency", f"@{listing}", "--channel", "catalog", "--simulator",
                                    sim, "--registry", str(reg), "--db", str(db), "--json", "--log-level", "WARNING"])
    runs = json.loads(out)["agencies"]
    bad = [r["agency"] for r in runs if r["status"] != "ok"]
    if bad:
        raise SystemExit(f"runs not ok: {bad[:5]}")
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": rss,
            "requests": {r["agency"]: r["summary"]["requests"] for r in runs},
            "skipped_unchanged": sum(r["summary"]["skipped_unchanged"] for r in runs),
            "new": sum(r["summary"]["new"] for r in runs)}


def list_pages(truth: dict[str, Any], agency: str) -> int:
    """The list API pages one nightly run reads of an agency's categories that hold documents."""
    by_cat: dict[str, int] = defaultdict(int)
    for year in truth["agencies"][agency]["catalog"]["by_year"].values():
        for name, counts in year["by_category"].items():
            by_cat[name] += counts["live"]
    return sum(max(1, math.ceil(n / PAGE)) for n in by_cat.values())


def truth_of(scenario: str) -> dict[str, Any]:
    out = subprocess.run([XXGK, "simulate", "--scenario", scenario, "--truth"], capture_output=True, check=True)
    return json.loads(out.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server(folder: Path) -> tuple[subprocess.Popen, str]:
    import redis

    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return proc, url
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def children_cpu() -> float:
    import resource

    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def redis_compare(docs: int, tmp: Path) -> dict[str, Any]:
    """One agency: one process against a writer and two workers on Redis."""
    result: dict[str, Any] = {"docs": docs}
    proc, url = redis_server(tmp)
    try:
        with start_simulator(f"large:agencies=1,catalog_docs={docs}") as sim:
            base = ["crawl", "--agency", "kaiping-edu", "--simulator", sim.url, "--json", "--log-level", "WARNING"]
            cpu0, t0 = children_cpu(), time.perf_counter()
            subprocess.run([XXGK, *base, "--db", str(tmp / "one" / "a.sqlite")], check=True, capture_output=True)
            result["one_process"] = {"wall_s": round(time.perf_counter() - t0, 1),
                                     "cpu_s": round(children_cpu() - cpu0, 1)}
            shared = [XXGK, *base, "--db", str(tmp / "two" / "a.sqlite"), "--frontier", url]
            cpu0, t0 = children_cpu(), time.perf_counter()
            writer = subprocess.Popen([*shared, "--role", "writer", "--workers", "2"], stdout=subprocess.PIPE)
            workers = [subprocess.Popen([*shared, "--role", "worker"], stdout=subprocess.DEVNULL) for _ in range(2)]
            for w in workers:
                w.wait()
            out, _ = writer.communicate()
            summary = json.loads(out)["summary"]
            result["two_workers"] = {"wall_s": round(time.perf_counter() - t0, 1),
                                     "cpu_s": round(children_cpu() - cpu0, 1), "requests": summary["requests"],
                                     "new": summary["new"]}
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agencies", type=int, default=300)
    ap.add_argument("--hosts", type=int, default=30)
    ap.add_argument("--docs", type=int, default=30000)
    ap.add_argument("--redis-docs", type=int, default=10000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / ".cache" / "scale_province.json")
    a = ap.parse_args()
    scenario = f"large:agencies={a.agencies},hosts={a.hosts},catalog_docs={a.docs}"
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-scale-"))
    result: dict[str, Any] = {"scenario": scenario}
    try:
        with start_simulator(scenario) as sim:
            reg, db = tmp / "reg", tmp / "archive" / "archive.sqlite"
            t0 = time.perf_counter()
            added = json.loads(subprocess.run([XXGK, "agencies", "add", "--from-simulator", sim.url, "--registry",
                                               str(reg), "--json"], capture_output=True, check=True).stdout)
            result["register_s"] = round(time.perf_counter() - t0, 1)
            ids = {x["id"]: x["simulated_id"] for x in added}
            listing = tmp / "agencies.txt"
            listing.write_text("\n".join(ids) + "\n", encoding="utf-8")
            truth = sim.truth()
            host = {a_id: truth["agencies"][sim_id]["host"] for a_id, sim_id in ids.items()}
            for phase in ("full", "nightly"):
                run = crawl_all(sim.url, reg, listing, db)
                run.update(db_bytes=db_size(db), warc_bytes=size(db.parent / "warc"))
                result[phase] = run
        n = documents(db)
        result["documents"] = n
        k = MILLION / n
        for phase in ("full", "nightly"):
            r = result[phase]
            per_host: dict[str, int] = defaultdict(int)
            for agency, requests in r["requests"].items():
                per_host[host[agency]] += requests
            r["requests_total"] = sum(r["requests"].values())
            r["busiest_host_requests"] = max(per_host.values())
            r["per_million"] = {"requests": round(r["requests_total"] * k), "wall_h": round(r["wall_s"] * k / 3600, 1),
                                "cpu_h": round(r["cpu_s"] * k / 3600, 1)}
        for phase in ("full", "nightly"):
            for key in ("db_bytes", "warc_bytes"):
                result[phase]["per_million"][key.replace("_bytes", "_gb")] = round(result[phase][key] * k / 1e9, 1)
        # Real-web nightly duration at 1 request/s per host, hosts in parallel.
        result["real_web_nightly_s_measured"] = result["nightly"]["busiest_host_requests"]
        t0 = time.perf_counter()
        big = truth_of(f"large:agencies={a.agencies},hosts={a.hosts},catalog_docs={MILLION}")
        per_host_m: dict[str, int] = defaultdict(int)
        for agency, requests in result["nightly"]["requests"].items():
            sim_id = ids[agency]
            per_host_m[host[agency]] += requests - list_pages(truth, sim_id) + list_pages(big, sim_id)
        result["truth_1M_s"] = round(time.perf_counter() - t0, 1)
        result["real_web_nightly_s_at_1M"] = max(per_host_m.values())
        result["nightly_requests_at_1M"] = sum(per_host_m.values())
        result["real_web_full_s_at_1M"] = round(result["full"]["busiest_host_requests"] * MILLION / n)
        result["redis"] = redis_compare(a.redis_docs, tmp / "redis")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    for phase in ("full", "nightly"):
        result[phase].pop("requests")
    a.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
