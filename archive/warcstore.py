"""WARC evidence files: writing request/response (or revisit) pairs, and verifying them.

One set of WARC files per run (`{run_id}-{n:05d}.warc.gz`, rotated by size), gzip per record,
WARC/1.1 with sha1 block and payload digests; our sha256 of each payload lives in the captures
table, so the files carry standard headers only and every stock tool reads them.

The response/revisit and request records are built here, byte for byte what warcio's WARCWriter
writes (tests/archive/test_warc_records.py holds them to it): warcio's record building cost more
CPU than the gzip of the record. warcio still writes the once-a-file warcinfo record and reads
everything back.

Scrapy hands over the body with the transfer coding removed but any content coding (gzip) kept,
so the payload is what the server sent as its entity. The `Transfer-Encoding` header is kept as
`X-Archive-Orig-Transfer-Encoding` so the record is self-consistent (warcio #74/#75, pywb #584).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
HOP_BY_HOP = {"transfer-encoding"}
MAX_FILE_BYTES = 256 * 1024 * 1024
# Each record is its own gzip member, deflated by ISA-L (python-isal: Intel's deflate, the same gzip format,
# read by every gzip reader) at its default level. Measured on the 12,095 records of a 5,000-document catalog
# crawl (4.8 KB on average), per request (two records): stdlib zlib at level 6, 112 µs, 0.361 of the raw
# size; zlib level 1, 88 µs, 0.379; zlib-ng level 6, 91 µs; ISA-L level 2, 33 µs, 0.382. Big pages gain more
# (a 650 KB gzip-coded WeChat page, kept as sent: 14 ms → 1 ms). warcio's own default, level 9, cost twice level 6.
GZIP_LEVEL = isal_zlib.ISAL_DEFAULT_COMPRESSION


@dataclass
class Written:
    warc_file: str  # file name relative to the WARC folder
    offset: int
    length: int
    record_id: str


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcStore:
    """Append-only WARC writer for one run. Not thread-safe (Scrapy is single-threaded)."""

    def __init__(self, folder: str | Path, run_id: str, software: str, info: dict[str, Any] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self.software = software
        self.info = info or {}
        self.files: list[str] = []
        self._fh: io.BufferedWriter | None = None

    def _append_members(self, records: list[bytes]) -> tuple[int, list[int]]:
        """Append whole records, each its own gzip member, with a single write, so a killed process never
        leaves half a record. Returns the file offset where the first record starts and each record's length.
        """
        if self._fh is None or self._fh.tell() >= MAX_FILE_BYTES:
            self._rotate()
        assert self._fh is not None
        members = []
        for record in records:
            gz = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
            members.append(gz.compress(record) + gz.flush())
        start = self._fh.tell()
        self._fh.write(b"".join(members))
        self._fh.flush()
        return start, [len(m) for m in members]

    def _rotate(self) -> None:
        self.close()
        name = f"{self.run_id}-{len(self.files) + 1:05d}.warc.gz"
        self._fh = open(self.folder / name, "ab")  # noqa: SIM115 - kept open for the run
        self.files.append(name)
        info = {"software": self.software, "format": "WARC File Format 1.1", "run-id": self.run_id, **self.info}
        raw = io.BytesIO()  # once a file: warcio builds it
        WARCWriter(raw, gzip=False, warc_version=WARC_VERSION).write_record(
            WARCWriter(io.BytesIO(), warc_version=WARC_VERSION).create_warcinfo_record(name, info))
        self._append_members([raw.getvalue()])

    @property
    def current_file(self) -> str:
        return self.files[-1]

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]], request_target: str,
                       status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
                       fetched_at: datetime, ip_address: str | None = None,
                       revisit_of: dict[str, str] | None = None, request_body: bytes = b"") -> Written:
        """Write a response (or revisit) record and its request record; return where the response went."""
        date = datetime_to_iso_date(fetched_at.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        resp_headers = [(f"X-Archive-Orig-{k}" if k.lower() in HOP_BY_HOP else k, v) for k, v in response_headers]
        record_id, response = response_record(url, date, ip_address, f"HTTP/1.1 {f'{status} {reason}'.strip()}",
                                              resp_headers, body, revisit_of)
        _, request = http_record("request", url, [("WARC-Date", date), ("WARC-Concurrent-To", record_id)],
                                 f"{method} {request_target} HTTP/1.1", request_headers, request_body)
        start, lengths = self._append_members([response, request])
        return Written(self.current_file, start, lengths[0], record_id)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        self._fh = None


def payload_digest_header(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for a body (sha1, base32): revisits refer to it."""
    return sha1_digest(body)


def sha1_digest(*parts: bytes) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode()


def http_block(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """The HTTP status line and headers as warcio writes them: ASCII, non-ASCII values %-encoded (RFC 8187)."""
    text = first_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:  # rare: let warcio's own encoder decide, so the bytes stay warcio's
        protocol, rest = first_line.split(" ", 1)
        return StatusAndHeaders(rest, list(headers), protocol=protocol).to_ascii_bytes()


def record_bytes(warc_headers: list[tuple[str, str]], block: bytes, payload: bytes = b"") -> bytes:
    """One uncompressed WARC record: header lines, the block (HTTP headers + payload), two CRLFs."""
    head = "".join(f"{k}: {v}\r\n" for k, v in warc_headers)
    length = len(block) + len(payload)
    return b"".join((f"{WARC_VERSION}\r\n{head}Content-Length: {length}\r\n\r\n".encode(), block, payload,
                     b"\r\n\r\n"))


def http_record(kind: str, url: str, first: list[tuple[str, str]], first_line: str, headers: list[tuple[str, str]],
                payload: bytes) -> tuple[str, bytes]:
    """(record id, bytes) of a `response` or `request` record, header for header what warcio's WARCWriter
    writes (same order, same sha1 digests): `first` are the WARC headers warcio puts before WARC-Type."""
    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    block = http_block(first_line, headers)
    return record_id, record_bytes([
        *first, ("WARC-Type", kind), ("WARC-Record-ID", record_id), ("WARC-Target-URI", url),
        ("WARC-Payload-Digest", sha1_digest(payload)), ("WARC-Block-Digest", sha1_digest(block, payload)),
        ("Content-Type", f"application/http; msgtype={kind}")], block, payload)


def response_record(url: str, date: str, ip_address: str | None, status_line: str, headers: list[tuple[str, str]],
                    body: bytes, revisit_of: dict[str, str] | None) -> tuple[str, bytes]:
    """A response record, or a revisit record (headers only, identical-payload-digest profile) when
    `revisit_of` names the earlier capture with the same payload."""
    first = [("WARC-Date", date), *([("WARC-IP-Address", ip_address)] if ip_address else [])]
    if revisit_of is None:
        return http_record("response", url, first, status_line, headers, body)
    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    block = http_block(status_line, headers)
    return record_id, record_bytes([
        *first, ("WARC-Type", "revisit"), ("WARC-Record-ID", record_id), ("WARC-Target-URI", url),
        ("WARC-Profile", REVISIT_PROFILE), ("WARC-Refers-To-Target-URI", revisit_of["uri"]),
        ("WARC-Refers-To-Date", revisit_of["date"]), ("WARC-Payload-Digest", revisit_of["digest"]),
        ("WARC-Block-Digest", sha1_digest(block)), ("Content-Type", "application/http; msgtype=response")], block)


def read_record(folder: str | Path, warc_file: str, offset: int) -> tuple[str, bytes]:
    """(record type, entity body as received: content coding kept) of the record at `offset`.

    Revisit records carry no payload: their body is empty.
    """
    with open(Path(folder) / warc_file, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return record.rec_type, record.raw_stream.read() if record.rec_type == "response" else b""
    raise ArchiveLoadFailed(f"no record at {warc_file}:{offset}")


def gzip_members_complete(path: str | Path) -> bool:
    """True when the file is a sequence of complete gzip members (a truncated tail makes it False:
    warcio stops quietly at a cut-off last member). Streams the file in 1 MiB chunks."""
    d, partial = zlib.decompressobj(31), False
    with open(path, "rb") as fh:
        data = fh.read(1 << 20)
        while data:
            try:
                d.decompress(data)
            except zlib.error:
                return False
            partial = not d.eof
            if d.eof:
                data = d.unused_data
                d = zlib.decompressobj(31)
                if data:
                    continue
            data = fh.read(1 << 20)
    return not partial


def check_file(path: str | Path) -> Iterator[str]:
    """Problems in one WARC file (digest failures, truncation); nothing when it is sound."""
    if not gzip_members_complete(path):
        yield f"{Path(path).name}: truncated or corrupt gzip member"
        return
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                while record.content_stream().read(1 << 20):
                    pass
                if record.digest_checker.passed is False:
                    yield f"{Path(path).name}@{it.get_record_offset()}: {'; '.join(record.digest_checker.problems)}"
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield f"{Path(path).name}: unreadable ({exc})"
