"""A large archive for the search benchmark, written through the project's own store path.

Documents are made of the simulator's agency voices (simulator/textgen.py: titles and bodies of the kind an
education bureau, a health commission or a town government publishes) for many agencies, three channels,
the catalog categories of the large scenario, eleven years, and go through `NormalizePipeline` and
`StorePipeline` inside an `ArchiveSession` — one session a (agency, channel), as one crawl each — so the
documents, their versions, events, observations and the search index are exactly what crawls would write.

Rare words are planted at known rates so every query class has a rare member (RARE below): a 2-, 4- and
8-character phrase, each in about 1 document in 20,000.

    .venv/bin/python bench/search_corpus.py --docs 1000000 --out bench/.cache/search-1000000.sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.session import ArchiveSession  # noqa: E402
from crawler.items import DocumentItem  # noqa: E402
from pipelines.normalize import NormalizePipeline  # noqa: E402
from pipelines.store import StorePipeline  # noqa: E402
from simulator.large import TREES  # noqa: E402
from simulator.textgen import catalog_title, paragraphs, voice_for, website_title, wechat_title  # noqa: E402

CITIES = ["开平市", "台山市", "恩平市", "鹤山市", "新会区", "蓬江区", "江海区", "广州市越秀区", "广州市天河区", "深圳市福田区",
          "深圳市南山区", "佛山市禅城区", "佛山市南海区", "东莞市", "中山市", "珠海市香洲区", "惠州市惠城区", "肇庆市端州区",
          "清远市清城区", "韶关市浈江区", "汕头市金平区", "湛江市赤坎区", "茂名市茂南区", "阳江市江城区", "梅州市梅江区"]
KINDS = ["教育局", "卫生健康局", "人民政府", "财政局", "民政局", "住房和城乡建设局", "自然资源局", "交通运输局",
         "农业农村局", "文化广电旅游体育局", "市场监督管理局", "人力资源和社会保障局"]
WEBSITE_COLUMNS = ["通知公告", "工作动态", "政策法规", "人事信息", "专题专栏"]
YEARS = (2015, 2025)
# (phrase, one document in N carries it): the rare members of the 2-, 4- and 8-character query classes.
RARE = [("鲲鹏", 20000), ("琉璃穹顶", 20000), ("青瓦白墙古村落群", 20000)]
# The leaf categories of an education bureau's catalog in the large scenario, with their shares.
LEAVES = [(child, share) for name, parent_share, children in TREES["education"]
          for child, share in (children or ((name, parent_share),))]
CATEGORY_NAMES = [name for name, _ in LEAVES]
SHARES = [share for _, share in LEAVES]


def agencies(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        name = CITIES[i % len(CITIES)] + KINDS[(i // len(CITIES)) % len(KINDS)]
        if i >= len(CITIES) * len(KINDS):
            name = f"{name}第{i // (len(CITIES) * len(KINDS)) + 1}分局"
        out.append({"id": f"bench-{i:04d}", "name": name, "host": "www.example.gov.cn",
                    "wechat": {"name": name.replace("市", "") + "发布"}})
    return out


def _voices(specs: list[dict[str, Any]]) -> list[Any]:
    return [voice_for(spec, "bench") for spec in specs]


def documents(spec: dict[str, Any], voice: Any, channel: str, count: int, rng: random.Random) -> Iterator[DocumentItem]:
    """`count` normalized-to-be items of one agency and channel."""
    for k in range(count):
        year = rng.randint(*YEARS)
        day = datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59),
                       tzinfo=UTC)
        if channel == "catalog":
            category = rng.choices(CATEGORY_NAMES, SHARES)[0]
            title = catalog_title(voice, category, rng, year)
        elif channel == "website":
            category = rng.choice(WEBSITE_COLUMNS)
            title = website_title(voice, category, rng, year)
        else:
            category = spec["wechat"]["name"]
            title = wechat_title(voice, rng, year)
        body = "\n".join(paragraphs(voice, rng, year))
        for phrase, rate in RARE:
            if rng.random() < 1 / rate:
                body += f"\n{phrase}"
        native = str(k + 1)
        doc_number = f"{voice.doc_prefix}〔{year}〕{rng.randint(1, 99)}号" if category == "部门文件" else ""
        yield DocumentItem(
            agency=spec["id"], channel=channel, native_id=native,
            canonical_url=f"http://{spec['host']}/{spec['id']}/{channel}/post_{native}.html", title=title,
            category=category, category_id=category, listing_source="api", page_fetched=True,
            publisher=voice.agency, published_ts=int(day.timestamp()), doc_number=doc_number, body_text=body,
            content_sha256=hashlib.sha256(body.encode()).hexdigest(), list_fingerprint=native)


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, n: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + n


def build(path: Path, n_docs: int, n_agencies: int = 300, seed: int = 15, echo: Any = print) -> dict[str, Any]:
    """Write `n_docs` documents into a new archive at `path` (removed first), through the store pipeline."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    specs = agencies(n_agencies)
    voices = _voices(specs)
    rng = random.Random(seed)
    shares = {"catalog": 0.5, "website": 0.3, "wechat": 0.2}
    normalize = NormalizePipeline()
    stats = Stats()
    done, t0, last = 0, time.perf_counter(), 0.0
    warc = path.parent / f"{path.stem}-warc"
    for i, (spec, voice) in enumerate(zip(specs, voices, strict=True)):
        for channel, share in shares.items():
            count = n_docs * share // n_agencies + (1 if i < (n_docs * share) % n_agencies else 0)
            session = ArchiveSession(path, warc, spec, channel, {}, "xxgk-bench", batch_size=2000, batch_seconds=30)
            store = StorePipeline(session, stats)
            for item in documents(spec, voice, channel, int(count), rng):
                store.process_item(normalize.process_item(item))
                done += 1
            session.commit()
            session.finish("ok", {}, [], {"new": int(count)})
            if time.perf_counter() - last > 10:
                last = time.perf_counter()
                rate = done / (last - t0)
                echo(f"  {done:,} of {n_docs:,} documents stored ({rate:,.0f}/s, {(n_docs - done) / rate / 60:.1f} min left)")
    return {"documents": done, "seconds": time.perf_counter() - t0, "agencies": n_agencies}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--agencies", type=int, default=300)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    out = build(args.out, args.docs, args.agencies)
    print(f"{out['documents']:,} documents in {out['seconds']:.0f} s ({out['documents'] / out['seconds']:,.0f}/s): {args.out}")


if __name__ == "__main__":
    main()
