"""Parse time per real page type: the frozen real captures in ../shared/real-pages/, parsed as a crawl does.

For each page type (WeChat article kinds, the 2018 layout, message pages, feeds, lister responses,
the gkmlpt and NFCMS samples) it prints the file count, the median size and the median and worst
parse time (best of `--repeat` runs per file, in CPU time of this process: the machine is shared, and
wall time would count other processes' turns). An article page is parsed from its raw bytes, as the
spider hands `response.body` to the parser (decoding included). A simulated real-weight page
(simulator/sites/wechat_weight.py) is timed beside the real ones. Then what the capture middleware
spends on one real 3 MB page before the parser sees it: its sha256, the block detector and the
WARC record (gzip), which keeps the page whole.

    .venv/bin/python bench/parse_real_pages.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.times import utcnow  # noqa: E402
from archive.warcstore import WarcStore  # noqa: E402
from crawler.parsing.blocks import detect_block  # noqa: E402
from crawler.parsing.gkmlpt import parse_document, parse_list  # noqa: E402
from crawler.parsing.nfcms import parse_list as parse_nfcms_list  # noqa: E402
from crawler.parsing.wechat import parse_article, parse_feed, parse_getmsg, parse_list_ex  # noqa: E402

REAL = ROOT.parent / "shared" / "real-pages"
URL = "https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA"


def wechat_kind(path: Path) -> str | None:
    folder = path.parent.name
    if folder == "aboutbiz" or path.name.startswith("bitsea"):
        return None  # not article pages
    if folder == "WechatSogou":
        return "wechat 2018 layout"
    if folder in ("作者已删除", "内容违规", "该内容暂时无法查看"):
        return "wechat message page"
    return f"wechat {folder}"


def cases() -> list[tuple[str, Path, Callable[[bytes], Any]]]:
    out: list[tuple[str, Path, Callable[[bytes], Any]]] = []
    for path in sorted((REAL / "wechat" / "articles").rglob("*.html.gz")):
        kind = wechat_kind(path)
        if kind:
            out.append((kind, path, lambda body: parse_article(body, URL)))
    for path in sorted((REAL / "wechat" / "feeds").iterdir()):
        out.append(("wechat feed", path, parse_feed))
    listers = REAL / "wechat" / "listers"
    out.append(("wechat getmsg", listers / "getmsg_real_2017-11_reconstructed.json", parse_getmsg))
    out.append(("wechat list_ex", listers / "list_ex_real_2019-11_compact.json", lambda b: parse_list_ex(b, 0)))
    out.append(("gkmlpt list (trimmed)", REAL / "gkmlpt" / "hongtu_zhaoqing_acceptance.json", parse_list))
    out.append(("gkmlpt document (trimmed)", REAL / "gkmlpt" / "hongtu_zhaoqing_detail.html",
                lambda b: parse_document(b.decode(), "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/3/3255/post_3255421.html")))
    out.append(("nfcms list", REAL / "nfcms" / "gz_xw_tzgg_list_index.html",
                lambda b: parse_nfcms_list(b.decode(), "https://www.gz.gov.cn/xw/tzgg/index.html")))
    return out


def simulated_page() -> bytes | None:
    """A real-weight article page from the simulator, when this version of it can render one."""
    try:
        from simulator.testing import real_weight_sample
    except ImportError:
        return None
    return real_weight_sample()


def best_of(fn: Callable[[bytes], Any], body: bytes, repeat: int) -> tuple[float, bool]:
    """(best time in ms, whether the parser raised)."""
    best, failed = float("inf"), False
    for _ in range(repeat):
        t0 = time.process_time()
        try:
            fn(body)
        except Exception:  # noqa: BLE001 - a parse error is reported, not fatal to the bench
            failed = True
        best = min(best, time.process_time() - t0)
    return best * 1000, failed


def capture_costs(body: bytes, repeat: int) -> None:
    import hashlib
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        warc = WarcStore(folder, "bench", "bench")
        written: list = []

        def write(b: bytes) -> None:
            written.append(warc.write_exchange(
                url=URL, method="GET", request_headers=[("Host", "mp.weixin.qq.com")], request_target="/s/x",
                status=200, reason="OK", response_headers=[("Content-Type", "text/html; charset=utf-8")], body=b,
                fetched_at=utcnow()))

        steps = [("sha256", lambda b: hashlib.sha256(b).hexdigest()),
                 ("block detection", lambda b: detect_block(200, {}, b, URL)), ("WARC record (gzip)", write)]
        print(f"\ncapture of one {len(body) / 1e6:.1f} MB page (ms):", ", ".join(
            f"{name} {best_of(fn, body, repeat)[0]:.1f}" for name, fn in steps),
            f"; record {written[-1].length / 1e6:.2f} MB")
        warc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not REAL.is_dir():
        sys.exit(f"{REAL} not found: the real pages sit in ../shared/real-pages beside the repository")
    times: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)

    def measure(kind: str, fn: Callable[[bytes], Any], body: bytes) -> None:
        ms, failed = best_of(fn, body, args.repeat)
        times[kind].append(ms)
        sizes[kind].append(len(body))
        failures[kind] += failed

    for kind, path, fn in cases():
        raw = path.read_bytes()
        measure(kind, fn, gzip.decompress(raw) if path.suffix == ".gz" else raw)
    sim = simulated_page()
    if sim is not None:
        measure("simulator real-weight page", lambda b: parse_article(b, URL), sim)
    print(f"{'page type':32} {'files':>5} {'median KB':>10} {'median ms':>10} {'worst ms':>9} {'failed':>7}")
    for kind in sorted(times):
        t, s = times[kind], sizes[kind]
        print(f"{kind:32} {len(t):5d} {statistics.median(s) / 1024:10.0f} {statistics.median(t):10.1f} "
              f"{max(t):9.1f} {failures[kind]:7d}")
    capture_costs(gzip.decompress((REAL / "wechat/articles/wechat-article-exporter/普通图文/01.html.gz").read_bytes()),
                  args.repeat)


if __name__ == "__main__":
    main()
