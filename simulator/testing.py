"""Run the simulator in a subprocess for tests, and drive its clock and faults.

The server runs in its own process (as Scrapy's own mock server does) so crawls, which also run
in subprocesses, talk to it over real loopback HTTP.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LISTENING = re.compile(r"listening on (http://[\d.]+:(\d+))")


class RunningSimulator:
    def __init__(self, proc: subprocess.Popen, url: str, port: int):
        self.proc, self.url, self.port = proc, url, port

    def _admin(self, method: str, action: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(f"{self.url}/_sim/{action}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read())

    def state(self) -> dict[str, Any]:
        return self._admin("GET", "state")

    def truth(self) -> dict[str, Any]:
        return self._admin("GET", "truth")

    def agencies(self) -> list[dict[str, Any]]:
        return self._admin("GET", "agencies")

    def set_today(self, day: str) -> dict[str, Any]:
        return self._admin("POST", "clock", {"today": day})

    def advance(self, days: int) -> dict[str, Any]:
        return self._admin("POST", "clock", {"advance_days": days})

    def set_faults(self, faults: list[dict[str, Any]], replace: bool = True) -> dict[str, Any]:
        return self._admin("POST", "faults", {"faults": faults, "replace": replace})

    def clear_faults(self) -> dict[str, Any]:
        return self._admin("DELETE", "faults")

    def reset_counters(self) -> dict[str, Any]:
        return self._admin("POST", "reset", {})

    def reset(self, day: str) -> None:
        """No fault, fresh counters and the clock on `day`: a shared simulator as a test's own."""
        self.clear_faults()
        self.reset_counters()
        self.set_today(day)

    def get(self, host: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Fetch a simulated URL by Host header; returns (status, headers, body) without raising on 4xx/5xx."""
        req = urllib.request.Request(self.url + path, headers={"Host": host, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


@contextmanager
def start_simulator(scenario: str = "kaiping-2024", today: str | None = None) -> Iterator[RunningSimulator]:
    cmd = [sys.executable, "-m", "simulator", "--scenario", scenario, "--port", "0"]
    if today:
        cmd += ["--today", today]
    with launched(cmd, LISTENING, "simulator") as (proc, m):
        yield RunningSimulator(proc, m.group(1), int(m.group(2)))


@contextmanager
def launched(cmd: list[str], listening: re.Pattern, what: str,
             env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, re.Match]]:
    """Run a server whose first stdout line announces where it listens; stop it afterwards.

    The line is printed once the socket listens, so requests made after it queue until served.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        line = proc.stdout.readline()
        m = listening.search(line)
        if not m:
            proc.kill()
            _, err = proc.communicate(timeout=10)
            raise RuntimeError(f"{what} did not start: {line!r}\n{err[-3000:]}")
        # Keep draining both pipes so the child never blocks on a full one.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        yield proc, m
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def real_weight_sample(scenario: str = "kaiping-2024") -> bytes:
    """One real-weight article page of the scenario (a current-layout article served with a real
    page's 2–4 MB of scripts), as the simulator serves it: for benches and parser tests."""
    from .http import SimRequest, SimState
    from .scenario import load
    from .sites import wechat_pages
    from .world import World

    world = World(load(scenario))
    state = SimState(world)
    assert any(a.wechat for a in world.agencies), "the scenario has no WeChat account"
    art = next(a for ag in world.agencies if ag.wechat for a in ag.wechat.articles
               if a.real_weight and a.show_type == 0 and a.state(state.today) == "ok")
    resp = wechat_pages.handle(SimRequest("GET", wechat_pages.HOST, f"/s/{art.token}", {}, {}), state)
    assert resp is not None
    return resp.body
