"""Scale-out on Redis (`xxgk crawl --frontier redis://… --role writer|worker`): an agency's catalog or website
crawled by two worker processes sharing a scrapy-redis frontier, stored by one writer, gives the same archive as one
process (documents, versions, events, categories, category_runs, website column memberships, the captures' URL set and the WARC records'
payload digests), first in full, then nightly with nothing changed (every page skipped as unchanged); `xxgk
verify` re-hashes the workers' captures against their WARC files."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from warcio.archiveiterator import ArchiveIterator

from crawler.redis_frontier import keys
from simulator.testing import start_simulator
from tests.support import XXGK, xxgk

CRAWLS = (("jmkpsjyj", "catalog"), ("jmkpswjj", "catalog"), ("jmkpsjyj", "website"))
VOLATILE = ("_at", "run_id", "capture_id", "state_capture_id")  # times and ids no two crawls share


def crawl_args(sim: str, reg: Path, db: Path, agency: str, channel: str) -> list[str]:
    return ["crawl", "--agency", agency, "--channel", channel, "--simulator", sim, "--registry", str(reg),
            "--db", str(db), "--json", "--log-level", "WARNING"]


def crawl_two(sim: str, reg: Path, db: Path, agency: str, channel: str, url: str) -> dict[str, Any]:
    """A writer and two workers, started together; the writer's run summary."""
    base = [XXGK, *crawl_args(sim, reg, db, agency, channel), "--frontier", url]
    writer = subprocess.Popen([*base, "--role", "writer", "--workers", "2"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    workers = [subprocess.Popen([*base, "--role", "worker"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err[-3000:]
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-3000:]
    return json.loads(out)


def rows(db: Path, table: str, order: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        cursor = conn.execute(f"select * from {table} order by {order}")
        names = [d[0] for d in cursor.description]
        keep = [i for i, n in enumerate(names) if not n.endswith(VOLATILE) and n not in ("id", "rowid", "at")]
        return sorted(tuple((names[i], first_lister(table, names, row, i)) for i in keep) for row in cursor)
    finally:
        conn.close()


def first_lister(table: str, names: list[str], row: tuple, i: int) -> Any:
    """A website article two columns list is first seen through whichever column's page was read first, a race
    in one process as in two (its memberships, `document_columns`, name both and are compared in full)."""
    record = dict(zip(names, row, strict=True))
    website = "/website/" in str(record.get("document_id") or record.get("id") or "")
    if website and table == "documents" and names[i] == "listing_source":
        return "column:…"
    if website and table == "document_events" and names[i] == "details" and record["event"] == "first_seen":
        return "{source: column:…}"
    return row[i]


def capture_urls(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("select url from captures")}
    finally:
        conn.close()


def payload_digests(db: Path) -> set[tuple[str, str]]:
    """(URL, WARC-Payload-Digest) of every response and revisit record in the archive's WARC files."""
    conn = sqlite3.connect(db)
    try:
        files = {r[0] for r in conn.execute("select warc_file from captures where warc_file is not null")}
    finally:
        conn.close()
    found = set()
    for name in files:
        with open(db.parent / "warc" / name, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    found.add((record.rec_headers.get_header("WARC-Target-URI"),
                               record.rec_headers.get_header("WARC-Payload-Digest")))
    return found


def assert_same_archive(one: Path, two: Path) -> None:
    for table, order in (("documents", "id"), ("document_versions", "document_id"),
                         ("document_events", "document_id"), ("categories", "id"),
                         ("category_runs", "category_id"), ("attachments", "id"),
                         ("document_columns", "document_id")):
        a, b = rows(one, table, order), rows(two, table, order)
        assert a == b, (table, len(a), len(b), [r for r in a if r not in b][:2], [r for r in b if r not in a][:2])
    assert capture_urls(one) == capture_urls(two)
    assert payload_digests(one) == payload_digests(two)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("scale")
    with start_simulator("kaiping-city-2024") as sim:
        xxgk("agencies", "add", "--from-simulator", sim.url, "--registry", str(root / "reg"), "--json")
        yield sim, root


def test_two_workers_give_the_archive_of_one_process(city: Any, redis_url: str) -> None:
    sim, root = city
    reg, one, two = root / "reg", root / "one" / "archive.sqlite", root / "two" / "archive.sqlite"
    for nightly in (False, True):
        for agency, channel in CRAWLS:
            # The one-process crawl runs beside the shared one (another archive): the two are compared once both end.
            alone = subprocess.Popen([XXGK, *crawl_args(sim.url, reg, one, agency, channel)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            shared = crawl_two(sim.url, reg, two, agency, channel, redis_url)
            out, err = alone.communicate(timeout=300)
            assert alone.returncode == 0, err[-3000:]
            single = json.loads(out)
            assert single["status"] == shared["status"] == "ok", (single, shared)
            assert len(shared["summary"]["workers"]) == 2
            for key in ("new", "changed", "unchanged", "disappeared", "skipped_unchanged", "categories"):
                assert shared["summary"][key] == single["summary"][key], (agency, channel, nightly, key)
            if nightly:  # nothing changed: no document page is read again, by either
                assert shared["summary"]["skipped_unchanged"] == shared["summary"]["unchanged"] > 0
            else:
                assert shared["summary"]["new"] > 0
        assert_same_archive(one, two)
    # Every capture row the workers sent matches its record in the worker's own WARC file.
    verified = xxgk("verify", "--db", str(two)).stdout
    assert verified.rstrip().endswith(": OK") and "captures re-hashed" in verified, verified


class OpensAFile:
    """A pickle that, if unpickled, creates a file (builtins.open): what anyone who can write to the Redis could
    otherwise make the writer run."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):  # noqa: ANN204
        return (open, (str(self.path), "w"))


def test_a_message_not_from_a_worker_is_never_unpickled_and_fails_the_run(city: Any, redis_url: str,
                                                                          tmp_path: Path) -> None:
    sim, root = city
    agency, channel = CRAWLS[0]
    db, planted = tmp_path / "archive.sqlite", tmp_path / "planted"
    writer = subprocess.Popen([XXGK, *crawl_args(sim.url, root / "reg", db, agency, channel), "--frontier",
                               redis_url, "--role", "writer", "--workers", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server, k = redis.Redis.from_url(redis_url), keys(agency, channel)
    deadline = time.monotonic() + 60
    while not server.get(k["run"]):  # wait for a condition: the writer has published its run
        assert writer.poll() is None and time.monotonic() < deadline, "the writer did not publish its run"
        time.sleep(0.05)
    server.rpush(k["items"], pickle.dumps(OpensAFile(planted)))
    out, err = writer.communicate(timeout=120)
    result = json.loads(out)
    assert writer.returncode == 1 and result["status"] == "failed", (out, err[-2000:])
    assert "held a message that is not an xxgk worker's" in result["summary"]["problem"]
    assert not planted.exists()  # never unpickled
    run = sqlite3.connect(db).execute("select status from runs where id = ?", [result["run_id"]]).fetchone()
    assert run == ("failed",)


def test_wechat_is_not_scaled_out(tmp_path: Path) -> None:
    """Refused in one line before any Redis is reached: WeChat's lister callbacks cannot travel in Redis."""
    out = xxgk("crawl", "--agency", "kaiping-edu", "--channel", "wechat", "--frontier", "redis://127.0.0.1:9/0",
               "--db", str(tmp_path / "a.sqlite"), expect=None)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines() == ["xxgk crawl: --frontier scales out the catalog, website channel "
                                               "only, not wechat"], out.stderr
    assert not (tmp_path / "a.sqlite").exists()


@pytest.mark.parametrize("role", ["writer", "worker"])
def test_unreachable_frontier_is_one_line(role: str, tmp_path: Path) -> None:
    out = xxgk("crawl", "--agency", "kaiping-edu", "--frontier", "redis://127.0.0.1:9/0", "--role", role,
               "--db", str(tmp_path / "a.sqlite"), expect=None)
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xxgk crawl: the frontier redis://127.0.0.1:9/0 cannot be reached"), \
        out.stderr
    assert not (tmp_path / "a.sqlite").exists()  # refused before the archive is created
