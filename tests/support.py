"""Running `xxgk` in a subprocess, as a user would (a Twisted reactor cannot restart inside one process)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

XXGK = str(Path(sys.executable).parent / "xxgk")
AGENCY = "kaiping-edu"


def xxgk(*args: str, env: dict[str, str] | None = None, expect: int | None = 0, timeout: float = 900,
         base_env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess:
    """`xxgk ARGS…` with `env` added to `base_env` (default: this process's environment); asserts the exit
    status when `expect` is not None, showing the output when it differs."""
    out = subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=timeout, check=False,
                         env={**(os.environ if base_env is None else base_env), **(env or {})}, **kwargs)
    if expect is not None:
        assert out.returncode == expect, (f"xxgk {' '.join(args)}\nexit {out.returncode}\nSTDOUT {out.stdout[-2000:]}"
                                          f"\nSTDERR {out.stderr[-4000:]}")
    return out


def crawl_args(sim_url: str, db: Path, channel: str = "catalog", *extra: str, agency: str = AGENCY) -> list[str]:
    return ["crawl", "--agency", agency, "--channel", channel, "--simulator", sim_url, "--db", str(db), "--json",
            "--log-level", "WARNING", *extra]


def crawl(sim_url: str, db: Path, channel: str = "catalog", *extra: str, agency: str = AGENCY,
          env: dict[str, str] | None = None, expect: int = 0) -> dict[str, Any]:
    """One crawl of the simulator; its JSON run summary."""
    return json.loads(xxgk(*crawl_args(sim_url, db, channel, *extra, agency=agency), env=env, expect=expect).stdout)


# WeChat credentials for simulator crawls (test values, never real ones), every lister's, and the account's
# wewe-rss feed: the crawl of every lister that the shared kaiping-2024 archive (tests/conftest.py) is made of.
WECHAT_SECRETS = {
    "WECHAT_MP_COOKIE": "slave_sid=SECRETslave-e2e-81724; bizuin=3911122233",
    "WECHAT_MP_TOKEN": "778899001122",
    "WECHAT_UIN": "SECRETuin-e2e-9988",
    "WECHAT_KEY": "SECRETkey-e2e-77665544",
    "WECHAT_PASS_TICKET": "SECRETpt-e2e-1122334455",
    "WEREAD_COOKIE": "wr_vid=SECRETvid-e2e-445566; wr_skey=SECRETskey-e2e-998877",
    "WECHAT_WAP_SID2": "SECRETwap-e2e-556677",
}
KAIPING_FEED = "http://wewe-rss.localhost/feeds/MP_WXS_3094172651.atom?limit=1000"


def crawl_output(sim_url: str, db: Path, channel: str, *extra: str, env: dict[str, str] | None = None,
                 expect: int = 0) -> tuple[dict[str, Any], str, str]:
    """One crawl with exactly `env`'s credentials (none inherited from this process): its JSON run summary,
    stdout and stderr (to look for secrets in)."""
    clean = {k: v for k, v in os.environ.items() if k not in WECHAT_SECRETS}
    out = xxgk(*crawl_args(sim_url, db, channel, *extra), env=env, base_env=clean, expect=expect, timeout=900)
    return json.loads(out.stdout), out.stdout, out.stderr


@dataclass(frozen=True)
class CrawledArchive:
    """A finished archive (database and WARC files) that tests share read-only, with what each crawl printed."""

    folder: Path
    runs: dict[str, dict[str, Any]]  # channel: {"result": JSON summary, "stdout": …, "stderr": …}
    truth: dict[str, Any]  # the simulator's ground truth of the day it was crawled

    def copy(self, to: Path) -> Path:
        """A private copy to change (reconcile, crawl again): its database path."""
        shutil.copytree(self.folder, to)
        return to / "archive.sqlite"


def stored_text(folder: Path) -> str:
    """Everything an archive folder holds (database, WAL, WARC records decompressed), as text. WARC files are
    read as a stream: `gzip.decompress` copies what is left after every member, quadratic in a file of
    thousands of records."""
    parts = []
    for path in folder.rglob("*"):
        if path.is_file():
            with (gzip.open(path) if path.name.endswith(".gz") else path.open("rb")) as f:
                parts.append(f.read().decode("utf-8", "replace"))
    return "\n".join(parts)


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """A folder `build` fills, and the JSON-able record it returns, made once per test session: xdist workers
    share it through a file lock in the folder they all see (the session's own without xdist)."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = shared / name, shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that died half-way left no record
            record.write_text(json.dumps(build(folder), ensure_ascii=False), encoding="utf-8")
    return folder, json.loads(record.read_text(encoding="utf-8"))


def small_scenario(path: Path) -> Path:
    """kaiping-2024 at a quarter of its volumes (WeChat: 40 articles in 2024, 20–30 in the other years), three
    years, no website back catalogue, written to `path`: for tests of behaviour the full volumes add nothing to
    (the fault suite, each WeChat lister alone), so each crawl of it takes seconds."""
    data = yaml.safe_load((resources.files("simulator") / "scenarios" / "kaiping-2024.yaml").read_text("utf-8"))
    data["name"], data["years"] = "kaiping-faults", [2023, 2025]
    agency = data["agencies"][0]

    def shrink(categories: list[dict]) -> None:
        for c in categories:
            if "per_year" in c:
                c["per_year"] = [max(1, n // 4) for n in c["per_year"]]
            if "counts" in c:
                c["counts"] = {y: max(2, n // 4) for y, n in c["counts"].items()}
            shrink(c.get("children", []))

    shrink(agency["gkmlpt"]["categories"])
    agency["gkmlpt"]["api_window"] = 10  # so the search JSONP backfill still runs
    for column in agency["website"]["columns"]:
        column.pop("history", None)
    shrink(agency["website"]["columns"])
    agency["website"]["cross_listed"] = {2024: 3, "other_years": [1, 2]}
    agency["wechat"]["articles"] = {2024: 40, "other_years": [20, 30]}
    for event in data["events"]:  # so few pushes may include none that hides an article from every lister
        event.get("select", {}).pop("hidden_from_listers", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
