"""What the facet-count triggers (archive/facet_counts.py) add to each document write.

Writes `--docs` documents into a fresh archive the way the store does (archive/rows.py prepared inserts, one
transaction per `--batch` documents, the search index left out: it is the same with or without the triggers),
then marks a tenth of them disappeared and deletes a tenth — once with the triggers, once with them dropped —
and prints CPU µs per insert, per faceted update and per delete, best of `--repeat` runs each. The counts are
checked against the GROUP BY after the run with triggers.

    .venv/bin/python bench/facet_counts_cost.py --docs 20000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import facet_counts  # noqa: E402
from archive.rows import Rows  # noqa: E402
from archive.schema import open_db  # noqa: E402

CHANNELS = ("catalog", "website", "wechat")
CATEGORIES = [f"栏目{i}" for i in range(40)]


def clock() -> float:
    # CPU time of this process: what the triggers cost, without the fsyncs and the other work on a shared machine
    return time.process_time()


def documents(n: int, agencies: list[str], seed: int = 15) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        channel = CHANNELS[i % 3]
        year = 2014 + rnd.randrange(11)
        out.append({
            "id": f"{agencies[i % len(agencies)]}/{channel}/{i}", "agency": agencies[i % len(agencies)],
            "channel": channel, "native_id": str(i), "canonical_url": f"http://example.gov.cn/{i}.html",
            "title": f"关于第{i}号文件的通知", "category": rnd.choice(CATEGORIES), "category_id": str(i % 40),
            "published_at": f"{year}-05-01T02:00:00Z", "published_date": f"{year}-05-01", "year": year,
            "body_text": "正文" * 200, "status": "live", "first_seen_at": "2025-01-01T00:00:00Z",
            "last_seen_at": "2025-01-01T00:00:00Z",
        })
    return out


def run(folder: Path, docs: list[dict[str, object]], agencies: list[str], batch: int,
        triggers: bool) -> dict[str, float]:
    db = open_db(folder / f"archive-{'with' if triggers else 'without'}-{time.monotonic_ns()}.sqlite")
    conn = db.conn
    conn.executemany("insert into agencies (id) values (?)", [(a,) for a in agencies])
    conn.commit()
    if not triggers:
        for name in facet_counts.TRIGGERS:
            conn.execute(f"drop trigger [{name}]")
        conn.commit()
    rows = Rows(conn)
    t0 = clock()
    for start in range(0, len(docs), batch):
        for doc in docs[start:start + batch]:
            rows.insert("documents", doc)
        conn.commit()
    t_insert = clock() - t0
    tenth = [d["id"] for d in docs[::10]]
    t0 = clock()
    for doc_id in tenth:
        rows.update("documents", {"id": doc_id}, {"status": "disappeared", "disappeared_at": "2025-02-01T00:00:00Z"})
    conn.commit()
    t_update = clock() - t0
    t0 = clock()
    for doc_id in tenth:
        conn.execute("delete from documents where id = ?", [doc_id])
    conn.commit()
    t_delete = clock() - t0
    if triggers:
        assert facet_counts.stored(conn) == facet_counts.recount(conn), "counts drifted from the GROUP BY"
    db.close()
    return {"insert": t_insert / len(docs) * 1e6, "update": t_update / len(tenth) * 1e6,
            "delete": t_delete / len(tenth) * 1e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--agencies", type=int, default=300)
    ap.add_argument("--batch", type=int, default=200, help="documents a transaction")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    agencies = [f"agency-{i:03d}" for i in range(args.agencies)]
    docs = documents(args.docs, agencies)
    best: dict[bool, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for triggers in (False, True):  # alternated, so drift in machine load hits both
                result = run(Path(tmp), docs, agencies, args.batch, triggers)
                prev = best.get(triggers)
                best[triggers] = {k: min(v, prev[k]) if prev else v for k, v in result.items()}
    print(f"{args.docs:,} documents, {args.agencies} agencies, {args.batch} a transaction, best of {args.repeat}:")
    for op in ("insert", "update", "delete"):
        off, on = best[False][op], best[True][op]
        print(f"  {op:<7} without triggers {off:7.1f} µs   with {on:7.1f} µs   +{on - off:6.1f} µs a document")


if __name__ == "__main__":
    main()
