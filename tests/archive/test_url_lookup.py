"""A WeChat listing that names an article only by its URL finds the document that URL led to before
(`ArchiveSession.document_for_url`) through indexes: each listed entry must cost a look-up, not a read of every
article and document in the archive (at a million documents, a full scan per entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.session import ArchiveSession

AGENCY = {"id": "a", "name": "某局", "host": "www.example.gov.cn"}


@pytest.fixture
def session(tmp_path: Path) -> ArchiveSession:
    s = ArchiveSession(tmp_path / "archive.sqlite", tmp_path / "warc", AGENCY, "wechat", settings={}, software="t")
    for n in range(300):  # enough rows that SQLite would rather use an index than scan, where it has one
        cap = s.add_capture({"url": f"https://mp.weixin.qq.com/s/page{n}", "method": "GET", "status": 200,
                             "outcome": "ok", "fetched_at": "2025-01-01T00:00:00Z"})
        s.rows.insert("documents", {"id": f"a/wechat/{n}", "agency": "a", "channel": "wechat", "native_id": str(n),
                                    "capture_id": cap, "status": "live"})
        if n % 2 == 0:  # half of them also have their article row (short and long link)
            s.rows.insert("wechat_articles", {"document_id": f"a/wechat/{n}", "biz": "B", "mid": n, "idx": 1,
                                              "short_url": f"https://mp.weixin.qq.com/s/short{n}",
                                              "long_url": f"https://mp.weixin.qq.com/s?__biz=B&mid={n}&idx=1"})
    s.db.conn.execute("analyze")
    return s


def test_document_for_url_finds_by_short_long_or_fetched_url_through_indexes(session: ArchiveSession) -> None:
    statements: list[str] = []
    session.db.conn.set_trace_callback(statements.append)
    found = [session.document_for_url("https://mp.weixin.qq.com/s/short8"),
             session.document_for_url("https://mp.weixin.qq.com/s?__biz=B&mid=10&idx=1"),
             session.document_for_url("https://mp.weixin.qq.com/s/page7"),
             session.document_for_url("https://mp.weixin.qq.com/s/nowhere"),
             session.document_for_url("")]
    session.db.conn.set_trace_callback(None)
    assert found == ["a/wechat/8", "a/wechat/10", "a/wechat/7", None, None]
    lookups = {s for s in statements if s.lstrip().lower().startswith("select")}
    assert len(lookups) >= 4  # the article look-up for every URL, the capture look-up for those it did not find
    for sql in lookups:
        plan = [row[3] for row in session.db.conn.execute(f"explain query plan {sql}")]
        assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)
