"""How many requests a second the simulator serves on this machine.

Starts the kaiping-2024 simulator in a subprocess (one server process, as tests and crawls use it)
and drives it from this process with aiohttp over keep-alive connections, for a fixed number of
requests per URL class. Reports requests/s per class and for the mix. With `wrk` on PATH it also
runs wrk against the simplest URL, as a check that the Python client is not the bottleneck.

    .venv/bin/python bench/simulator_rps.py [--requests 6000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import time

import aiohttp

from simulator.scenario import load
from simulator.testing import start_simulator
from simulator.world import World

HOST = "www.kaiping.gov.cn"


def url_classes(world: World) -> dict[str, list[tuple[str, str]]]:
    a = world.agencies[0]
    docs = [d for d in a.docs if d.kind == "normal" and d.visible(world.start_today)][:200]
    arts = a.wechat.articles[:200] if a.wechat else []
    return {
        "api page": [(HOST, f"/jmkpsjyj/gkmlpt/api/all/{c.id}?page=1&sid={a.sid}") for c in a.leaf_categories()],
        "document page": [(HOST, f"/jmkpsjyj/gkmlpt/content/{d.id // 10**6}/{d.id // 1000}/post_{d.id}.html") for d in docs],
        "website list": [(HOST, f"/kpsjyjzww/jyxw/jydt/index_{n}.html") for n in range(2, 60)],
        "wechat article": [("mp.weixin.qq.com", f"/s/{x.token}") for x in arts],
        "robots.txt (floor)": [(HOST, "/robots.txt")],
    }


async def drive(base: str, urls: list[tuple[str, str]], total: int, concurrency: int) -> tuple[float, int]:
    done = 0
    errors = 0
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as session:
        async def worker(k: int) -> None:
            nonlocal done, errors
            i = k
            while done < total:
                done += 1
                host, path = urls[i % len(urls)]
                i += concurrency
                async with session.get(base + path, headers={"Host": host}) as resp:
                    await resp.read()
                    errors += resp.status >= 400
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        return time.perf_counter() - t0, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    world = World(load("kaiping-2024"))
    classes = url_classes(world)
    results = {}
    with start_simulator("kaiping-2024") as sim:
        asyncio.run(drive(sim.url, classes["robots.txt (floor)"], 500, args.concurrency))  # warm-up
        mix: list[tuple[str, str]] = []
        for name, urls in classes.items():
            secs, errors = asyncio.run(drive(sim.url, urls, args.requests, args.concurrency))
            results[name] = {"requests": args.requests, "seconds": round(secs, 2), "rps": round(args.requests / secs),
                             "errors": errors}
            if not name.startswith("robots"):
                mix += urls
        secs, errors = asyncio.run(drive(sim.url, mix, args.requests, args.concurrency))
        results["mix"] = {"requests": args.requests, "seconds": round(secs, 2), "rps": round(args.requests / secs),
                          "errors": errors}
        wrk = shutil.which("wrk")
        if wrk:
            out = subprocess.run([wrk, "-t1", f"-c{args.concurrency}", "-d5s", "-H", f"Host: {HOST}",
                                  f"{sim.url}/robots.txt"], capture_output=True, text=True, check=False).stdout
            results["wrk robots.txt"] = next((line.strip() for line in out.splitlines() if "Requests/sec" in line), out)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
