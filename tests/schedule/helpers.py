"""Helpers for the scheduling tests: commands, condition waits with deadlines, a webhook receiver."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.support import XXGK as XXGK_BIN

AGENCY = "kaiping-edu"
SMALL = "large:agencies=1,catalog_docs=60"  # one small catalog crawlable as kaiping-edu (about 3 s a crawl)
XXGK = [XXGK_BIN]


def schedule_cmd(*args: str) -> list[str]:
    """`xxgk schedule|status …` as a command line."""
    return [XXGK_BIN, *args]


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    if not Path(db).exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    except sqlite3.OperationalError as exc:  # table not created yet
        if "no such table" in str(exc):
            return []
        raise
    finally:
        conn.close()


def jobs(db: Path) -> list[dict[str, Any]]:
    return rows(db, "select * from schedule_jobs order by started_at")


def runs(db: Path) -> list[dict[str, Any]]:
    out = rows(db, "select * from runs order by started_at")
    for r in out:
        r["summary"] = json.loads(r["summary"] or "{}")
    return out


def write_config(path: Path, **values: Any) -> Path:
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return path


class Webhook:
    """A real HTTP server on 127.0.0.1 that records the JSON POSTs it receives."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.cond:
                    outer.posts.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                        "json": json.loads(body)})
                    outer.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait(self, n: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.posts) >= n, timeout):
                raise AssertionError(f"the webhook got {len(self.posts)} POST(s), expected {n}")
            return list(self.posts)


@contextmanager
def webhook_server() -> Iterator[Webhook]:
    hook = Webhook()
    hook.thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()


@contextmanager
def running(cmd: list[str], log: Path) -> Iterator[subprocess.Popen]:
    """A long-running command (the scheduler) with its output in `log`; SIGTERM and wait at the end."""
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
