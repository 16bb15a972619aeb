"""The WARC records the store builds itself are byte for byte what warcio's WARCWriter writes.

The oracle is warcio building the same exchange (the way the store did before it wrote records
itself); record ids are random, so both sides get the same fixed uuid.
"""

from __future__ import annotations

import io
import uuid
import zlib

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warcstore import http_record, payload_digest_header, response_record

URL = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/content/2/2001/post_2001.html?x=1"
DATE = "2025-03-31T02:00:00.123456Z"
REQUEST = [("Host", "www.kaiping.gov.cn"), ("User-Agent", "xxgk"), ("Accept-Encoding", "gzip")]
BODY = "<html><body>政务公开 2025</body></html>".encode()


def warcio_bytes(record) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    WARCWriter(out, gzip=False, warc_version="WARC/1.1").write_record(record)
    return out.getvalue()


def warcio_pair(status_line: str, headers, body, ip, revisit_of, method="GET", target="/x"):  # noqa: ANN001, ANN201
    builder = WARCWriter(io.BytesIO(), gzip=True, warc_version="WARC/1.1")
    http = StatusAndHeaders(status_line.split(" ", 1)[1], list(headers), protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": DATE, **({"WARC-IP-Address": ip} if ip else {})}
    if revisit_of:
        record = builder.create_revisit_record(URL, digest=revisit_of["digest"], refers_to_uri=revisit_of["uri"],
                                               refers_to_date=revisit_of["date"], http_headers=http,
                                               warc_headers_dict=warc_headers)
    else:
        record = builder.create_warc_record(URL, "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=http, warc_headers_dict=warc_headers)
    rid = record.rec_headers.get_header("WARC-Record-ID")
    req = builder.create_warc_record(URL, "request", payload=io.BytesIO(b""), length=0,
                                     http_headers=StatusAndHeaders(f"{method} {target} HTTP/1.1", list(REQUEST),
                                                                   protocol="HTTP/1.1", is_http_request=True),
                                     warc_headers_dict={"WARC-Date": DATE, "WARC-Concurrent-To": rid})
    return warcio_bytes(record), warcio_bytes(req)


@pytest.fixture
def fixed_uuid(monkeypatch: pytest.MonkeyPatch) -> None:
    same = uuid.UUID("12345678-1234-4234-8234-123456789abc")
    monkeypatch.setattr(uuid, "uuid4", lambda: same)


CASES = {
    "response": ("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "41")],
                 BODY, "127.0.0.1", None),
    "no reason, no ip, empty body": ("HTTP/1.1 404", [("Server", "nginx")], b"", None, None),
    "non-ascii header value": ("HTTP/1.1 200 OK",
                               [("Content-Disposition", "attachment; filename=附件一.pdf"), ("X-A", "b")],
                               b"%PDF-1.4", "127.0.0.1", None),
    "revisit": ("HTTP/1.1 200 OK", [("Content-Type", "text/html")], BODY, "127.0.0.1",
                {"digest": payload_digest_header(BODY), "uri": "http://www.kaiping.gov.cn/y",
                 "date": "2025-03-30T02:00:00Z"}),
}


@pytest.mark.parametrize("case", CASES)
def test_records_are_warcios_bytes(case: str, fixed_uuid: None) -> None:
    status_line, headers, body, ip, revisit = CASES[case]
    expected_response, expected_request = warcio_pair(status_line, headers, body, ip, revisit)
    rid, response = response_record(URL, DATE, ip, status_line, list(headers), body, revisit)
    _, request = http_record("request", URL, [("WARC-Date", DATE), ("WARC-Concurrent-To", rid)],
                                  "GET /x HTTP/1.1", list(REQUEST), b"")
    assert response == expected_response
    assert request == expected_request


def test_records_read_back_with_valid_digests() -> None:
    _, response = response_record(URL, DATE, "127.0.0.1", "HTTP/1.1 200 OK", [("Content-Type", "text/html")], BODY, None)
    gz = zlib.compressobj(6, zlib.DEFLATED, 31)
    stream = io.BytesIO(gz.compress(response) + gz.flush())
    records = list(ArchiveIterator(stream, check_digests=True))
    assert len(records) == 1
    assert records[0].digest_checker.passed is True
