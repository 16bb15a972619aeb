"""No network: a crawl whose first requests all fail before any response (here: nothing listens where the
simulator or the proxy should be) ends at once as a `failed` run saying "network unreachable", without
minutes of backoff retries."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.e2e.helpers import query
from tests.support import xxgk


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connections to it are refused


@pytest.mark.parametrize("path", ["simulator", "proxy"])
def test_unreachable_network_fails_fast_and_says_so(path: str, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    db = tmp_path / "archive.sqlite"
    args = ["crawl", "--agency", "kaiping-edu", "--channel", "catalog", "--db", str(db), "--json",
            "--log-level", "ERROR"]
    env = {"no_proxy": "", "NO_PROXY": ""}
    if path == "simulator":
        args += ["--simulator", dead]
    else:  # the real-web code path, through a proxy that is not there
        env.update(http_proxy=dead, HTTP_PROXY=dead, https_proxy=dead, HTTPS_PROXY=dead)
        # the real profile's backoff between the attempts (2 s, then 6 s) and its politeness delay (1 s a request)
        # would only make the test wait: what it holds is how many attempts are made before the run ends, not how
        # long they are apart
        args += ["-s", "XXGK_BACKOFF_BASE=0.05", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"]
    out = xxgk(*args, env=env, expect=None, timeout=120)
    assert out.returncode not in (0, 3), out.stderr[-2000:]
    result = json.loads(out.stdout)
    summary = result.get("summary", result)
    assert result.get("status", summary.get("status")) == "failed"
    assert summary["problem"].startswith("network unreachable"), summary["problem"]
    assert summary["retries"] <= 3  # stopped after the first few attempts, not RETRY_TIMES per request
    runs = query(db, "select status, error from runs")
    assert [(r["status"], r["error"][:19]) for r in runs] == [("failed", "network unreachable")]
