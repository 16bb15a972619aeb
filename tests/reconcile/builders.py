"""Small hand-built archives for reconciliation tests: real schema (open_db), rows inserted by hand."""

from __future__ import annotations

import gzip
import hashlib
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.schema import dumps, open_db
from archive.warcstore import WarcStore
from crawler.registry import Registry

AGENCY = "kaiping-edu"
_seq = itertools.count(1)


def claim(channel: str | None, category: str | None, value: float, *, kind: str = "published",
          bound: str = "exact", unit: str = "条", at: int = 0, **extra: Any) -> dict[str, Any]:
    """A claim of the extractor's contract; `at` places its quote in the report text, `extra` sets part_of,
    duplicate_of, category_repeat_of, breakdown_open …"""
    quote = f"{channel or ''}{category or ''}{value}{unit}"
    return {"kind": kind, "channel": channel, "category": category, "value": value, "approx": bound != "exact",
            "lower_bound": bound == "lower", "bound": bound, "unit": unit, "quote": quote, "start": at,
            "end": at + len(quote), "quote_start": at, "quote_end": at + len(quote), "number": str(value),
            "part_of": None, "duplicate_of": None, "category_repeat_of": None, **extra}


class Archive:
    """An archive database under tmp_path with helpers for every table reconciliation reads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "archive.sqlite"
        self.warc_dir = folder / "warc"
        self.db = open_db(self.path)
        self.agency = Registry().load(AGENCY)
        self.db["agencies"].insert({"id": AGENCY, "name": self.agency.name, "host": self.agency.host, "registry": "{}"})
        self._warc: WarcStore | None = None

    # ------------------------------------------------------------ runs and coverage

    def run(self, channel: str = "catalog", status: str = "ok", started: str | None = None) -> str:
        n = next(_seq)
        run_id = f"run-{n:04d}"
        started = started or f"2025-03-31T{n // 60 % 24:02d}:{n % 60:02d}:00.000000Z"
        self.db["runs"].insert({"id": run_id, "agency": AGENCY, "channel": channel, "started_at": started,
                                "ended_at": started, "status": status})
        return run_id

    def category(self, native_id: int, name: str, parent: int = 0, leaf: bool = True, jump_url: str = "") -> None:
        self.db["categories"].insert({"id": f"{AGENCY}/catalog/{native_id}", "agency": AGENCY, "channel": "catalog",
                                      "native_id": native_id, "name": name, "parent_id": parent,
                                      "jump_url": jump_url, "is_leaf": int(leaf)})

    def listed(self, *categories: tuple[int, str]) -> str:
        """Leaf catalog categories (native id, name), each listed completely by one new run; the run id."""
        run_id = self.run()
        for native, name in categories:
            self.category(native, name)
            self.category_run(run_id, native, name)
        return run_id

    def category_run(self, run_id: str, unit: int | str, name: str, *, channel: str = "catalog", complete: bool = True,
                     healthy: bool = True, window: bool = False, search_backfilled: int = 0, capped: bool = False,
                     oldest_date: str | None = None, stated: int | None = 10, api_total: int | None = 10) -> None:
        self.db["category_runs"].insert({
            "run_id": run_id, "category_id": f"{AGENCY}/{channel}/{unit}", "agency": AGENCY, "name": name,
            "stated_post_count": stated, "api_total": api_total, "harvested": (api_total or 0),
            "search_backfilled": search_backfilled, "pages_fetched": 1,
            "stop_reason": "reached_total" if complete else "failed", "complete": int(complete),
            "healthy": int(healthy), "window": int(window), "notes": "[]", "channel": channel,
            "oldest_date": oldest_date, "capped": int(capped)})

    def failed_capture(self, run_id: str, outcome: str = "blocked") -> None:
        self.db["captures"].insert({"id": f"cap-f{next(_seq)}", "run_id": run_id, "url": "http://x/", "status": 412,
                                    "outcome": outcome, "fetched_at": "2025-03-31T00:00:00Z"})

    # ------------------------------------------------------------ documents

    def doc(self, channel: str, native_id: str | int, published_date: str, *, category_id: int | None = None,
            status: str = "live", item_type: str = "normal", title: str | None = None,
            canonical_url: str | None = None, capture_id: str | None = None, category: str | None = None) -> str:
        doc_id = f"{AGENCY}/{channel}/{native_id}"
        self.db["documents"].insert({
            "id": doc_id, "agency": AGENCY, "channel": channel, "native_id": str(native_id),
            "canonical_url": canonical_url or f"http://www.kaiping.gov.cn/{channel}/post_{native_id}.html",
            "title": title or f"文件 {native_id}", "category": category,
            "category_id": str(category_id) if category_id is not None else None,
            "published_at": f"{published_date}T02:00:00Z", "published_date": published_date,
            "year": int(published_date[:4]), "item_type": item_type, "status": status, "capture_id": capture_id,
            "disappeared_at": "2025-03-30T00:00:00Z" if status != "live" else None})
        return doc_id

    def column(self, doc_id: str, path: str, name: str) -> None:
        self.db["document_columns"].insert({"document_id": doc_id, "column_path": path, "column_name": name})

    def push(self, push_id: str, sent_date: str, notified: bool = True) -> None:
        self.db["wechat_pushes"].insert({"id": push_id, "agency": AGENCY, "biz": "MzA5NDE3MjY1MQ==", "mid": 1,
                                         "sent_at": f"{sent_date}T01:00:00Z", "sent_date": sent_date,
                                         "year": int(sent_date[:4]), "notified": int(notified)})

    def article(self, mid: int, idx: int, published_date: str, *, state: str = "ok", push_id: str | None = None) -> str:
        biz = "MzA5NDE3MjY1MQ=="
        doc_id = self.doc("wechat", f"{biz}/{mid}/{idx}", published_date,
                          status="live" if state in ("ok", "unavailable") else "disappeared",
                          canonical_url=f"https://mp.weixin.qq.com/s?__biz={biz}&mid={mid}&idx={idx}")
        self.db["wechat_articles"].insert({"document_id": doc_id, "biz": biz, "mid": mid, "idx": idx,
                                           "push_id": push_id, "page_state": state})
        return doc_id

    def metric(self, doc_id: str, read_num: int, read_at: str = "2025-03-31T00:00:00Z") -> None:
        self.db["metrics"].insert({"document_id": doc_id, "run_id": None, "read_num": read_num, "read_at": read_at,
                                   "source": "getappmsgext"})

    # ------------------------------------------------------------ evidence (real WARC records)

    def page_capture(self, url: str, html: str, *, gzip_it: bool = False, run_id: str | None = None,
                     charset: str = "utf-8") -> str:
        """Write an HTML response to a WARC file (content-coded as sent) and its captures row."""
        run_id = run_id or self.run()
        if self._warc is None:
            self._warc = WarcStore(self.warc_dir, run_id, "tests")
        body = html.encode(charset)
        headers = [("Content-Type", f"text/html; charset={charset}")]
        if gzip_it:
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        written = self._warc.write_exchange(
            url=url, method="GET", request_headers=[("Host", "www.kaiping.gov.cn")], request_target="/",
            status=200, reason="OK", response_headers=headers, body=body, fetched_at=datetime.now(UTC))
        self._warc.close()
        self._warc = None
        cap_id = f"cap-{next(_seq):05d}"
        self.db["captures"].insert({
            "id": cap_id, "run_id": run_id, "url": url, "method": "GET", "status": 200, "outcome": "ok",
            "content_type": headers[0][1], "response_headers": dumps(headers), "request_headers": "[]",
            "sha256": hashlib.sha256(body).hexdigest(), "payload_length": len(body), "warc_file": written.warc_file,
            "warc_offset": written.offset, "warc_length": written.length, "warc_record_id": written.record_id,
            "fetched_at": "2025-03-31T00:00:00Z"})
        return cap_id
