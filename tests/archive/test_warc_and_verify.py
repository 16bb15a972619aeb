"""WARC records (digests, transfer coding, revisits), fixity verification, and secret redaction."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.schema import open_db
from archive.verify import verify
from archive.warcstore import WarcStore, check_file, payload_digest_header, read_record
from crawler.middlewares.capture import redact_headers, redact_url

BODY = '{"articles": ["政务动态"]}'.encode()


def write(store: WarcStore, **kw) -> object:
    args = dict(url="http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/api/all/1805?page=1&sid=750118", method="GET",
                request_headers=[("Host", "www.kaiping.gov.cn"), ("User-Agent", "xxgk")],
                request_target="/jmkpsjyj/gkmlpt/api/all/1805?page=1&sid=750118", status=200, reason="OK",
                response_headers=[("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
                body=BODY, fetched_at=datetime(2025, 3, 31, 2, 0, tzinfo=UTC))
    args.update(kw)
    return store.write_exchange(**args)


def test_records_are_valid_with_digests_and_no_transfer_coding(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, "run-1", "test")
    written = write(store)
    store.close()
    path = tmp_path / written.warc_file
    assert list(check_file(path)) == []
    with open(path, "rb") as fh:
        records = list((r.rec_type, r.rec_headers, r.http_headers) for r in ArchiveIterator(fh))
    assert [t for t, _, _ in records] == ["warcinfo", "response", "request"]
    _, rec, http = records[1]
    assert rec.get_header("WARC-Payload-Digest") == payload_digest_header(BODY)
    assert rec.get_header("WARC-Block-Digest") and rec.get_header("WARC-Date").startswith("2025-03-31T02:00:00")
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert records[2][1].get_header("WARC-Concurrent-To") == rec.get_header("WARC-Record-ID")
    assert read_record(tmp_path, written.warc_file, written.offset) == ("response", BODY)


def test_each_record_is_one_standard_gzip_member(tmp_path: Path) -> None:
    """The members are deflated by ISA-L, not stdlib zlib: each must still be one complete gzip member that
    stdlib zlib reads on its own at the offset and length a capture row keeps (how replay and stock tools seek)."""
    store = WarcStore(tmp_path, "run-3", "test")
    bodies = [BODY, "政务公开 ".encode() * 20000, b""]  # the middle one spans several deflate blocks
    written = [write(store, body=body) for body in bodies]
    store.close()
    data = (tmp_path / written[0].warc_file).read_bytes()
    for w, body in zip(written, bodies, strict=True):
        d = zlib.decompressobj(31)
        record = d.decompress(data[w.offset:w.offset + w.length])
        assert d.eof and d.unused_data == b""
        assert record.startswith(b"WARC/1.1\r\n") and record.endswith(body + b"\r\n\r\n")
    assert gzip.decompress(data).count(b"WARC/1.1\r\n") == 1 + 2 * len(bodies)  # warcinfo, then pairs


def test_revisit_points_at_the_original(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, "run-2", "test")
    first = write(store)
    again = write(store, revisit_of={"digest": payload_digest_header(BODY), "uri": "http://www.kaiping.gov.cn/x",
                                     "date": "2025-03-31T02:00:00Z"})
    store.close()
    kind, payload = read_record(tmp_path, again.warc_file, again.offset)
    assert kind == "revisit" and payload == b""
    with open(tmp_path / again.warc_file, "rb") as fh:
        fh.seek(again.offset)
        rec = next(iter(ArchiveIterator(fh)))
    assert rec.rec_headers.get_header("WARC-Refers-To-Target-URI") == "http://www.kaiping.gov.cn/x"
    assert rec.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest")
    assert again.offset > first.offset


def _archive_with_one_capture(tmp_path: Path) -> tuple[Path, Path, str]:
    warc = tmp_path / "warc"
    store = WarcStore(warc, "run-3", "test")
    written = write(store)
    store.close()
    db_path = tmp_path / "archive.sqlite"
    db = open_db(db_path)
    db["agencies"].insert({"id": "kaiping-edu", "name": "开平市教育局", "host": "www.kaiping.gov.cn"})
    db["runs"].insert({"id": "run-3", "agency": "kaiping-edu", "channel": "catalog", "status": "ok"})
    db["captures"].insert({"id": "cap-1", "run_id": "run-3", "url": "u", "status": 200, "outcome": "ok",
                           "sha256": hashlib.sha256(BODY).hexdigest(), "warc_file": written.warc_file,
                           "warc_offset": written.offset, "warc_record_id": written.record_id})
    db.close()
    return db_path, warc / written.warc_file, written.warc_file


def test_verify_passes_then_catches_tampering(tmp_path: Path) -> None:
    db_path, warc_path, _ = _archive_with_one_capture(tmp_path)
    report = verify(db_path, tmp_path / "warc")
    assert report.ok and report.captures_checked == 1 and report.warc_files == 1
    # Rewrite the response payload (a valid gzip member with other bytes): digests no longer match.
    data = warc_path.read_bytes()
    members = data.split(b"\x1f\x8b\x08")
    response = gzip.decompress(b"\x1f\x8b\x08" + members[2])
    forged = gzip.compress(response.replace("政务动态".encode(), "政务动作".encode()))
    warc_path.write_bytes(b"\x1f\x8b\x08".join(members[:2]) + forged + b"\x1f\x8b\x08" + b"\x1f\x8b\x08".join(members[3:]))
    report = verify(db_path, tmp_path / "warc")
    assert not report.ok
    assert any("digest" in p or "sha256" in p for p in report.problems), report.problems


def test_verify_reports_a_truncated_file(tmp_path: Path) -> None:
    db_path, warc_path, _ = _archive_with_one_capture(tmp_path)
    warc_path.write_bytes(warc_path.read_bytes()[:-20])
    report = verify(db_path, tmp_path / "warc")
    assert not report.ok


def test_verify_without_database_says_so(tmp_path: Path) -> None:
    report = verify(tmp_path / "missing.sqlite", tmp_path)
    assert not report.ok and "no archive database" in report.problems[0]


def test_secrets_are_redacted() -> None:
    url = redact_url("https://mp.weixin.qq.com/cgi-bin/appmsgpublish?begin=0&token=123456&fakeid=MzA%3D&key=SECRETKEY")
    assert "123456" not in url and "SECRETKEY" not in url and "begin=0" in url
    headers = redact_headers([("Cookie", "slave_sid=SECRETSID; bizuin=3094"), ("User-Agent", "xxgk"),
                              ("Set-Cookie", "wap_sid2=SECRETWAP; Path=/")])
    flat = repr(headers)
    assert "SECRETSID" not in flat and "SECRETWAP" not in flat
    assert "names=bizuin,slave_sid" in flat and ("User-Agent", "xxgk") in headers
