"""WARC evidence files: writing request/response (or revisit) pairs, and verifying them.

One set of WARC files per run (`{run_id}-{n:05d}.warc.gz`, rotated by size), gzip per record,
WARC/1.1 with the sha1 block and payload digests warcio computes; our sha256 of each payload lives
in the captures table, so the files carry standard headers only and every stock tool reads them.

Scrapy hands over the body with the transfer coding removed but any content coding (gzip) kept,
so the payload is what the server sent as its entity. The `Transfer-Encoding` header is kept as
`X-Archive-Orig-Transfer-Encoding` so the record is self-consistent (warcio #74/#75, pywb #584).
"""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

HOP_BY_HOP = {"transfer-encoding"}
MAX_FILE_BYTES = 256 * 1024 * 1024
# warcio gzips at level 9; level 6 costs less than half the CPU for records 1 % larger (a 3 MB WeChat
# page: 205 → 89 ms, 607 → 614 KB), and a real page's record costs more to write than to parse.
GZIP_LEVEL = 6


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
        # Records are built here and serialized into a buffer before one append (see _append).
        self._builder = WARCWriter(io.BytesIO(), gzip=True, warc_version="WARC/1.1")

    def _append(self, records: list[Any]) -> tuple[int, list[int]]:
        """Append whole records with a single write, so a killed process never leaves half a record.

        Returns the file offset where the first record starts and each record's length.
        """
        if self._fh is None or self._fh.tell() >= MAX_FILE_BYTES:
            self._rotate()
        assert self._fh is not None
        out = bytearray()
        lengths = []
        for record in records:  # one gzip member per record, as warcio writes them
            raw = io.BytesIO()
            WARCWriter(raw, gzip=False, warc_version="WARC/1.1").write_record(record)
            gz = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
            member = gz.compress(raw.getvalue()) + gz.flush()
            lengths.append(len(member))
            out += member
        start = self._fh.tell()
        self._fh.write(out)
        self._fh.flush()
        return start, lengths

    def _rotate(self) -> None:
        self.close()
        name = f"{self.run_id}-{len(self.files) + 1:05d}.warc.gz"
        self._fh = open(self.folder / name, "ab")  # noqa: SIM115 - kept open for the run
        self.files.append(name)
        info = {"software": self.software, "format": "WARC File Format 1.1", "run-id": self.run_id, **self.info}
        self._append([self._builder.create_warcinfo_record(name, info)])

    @property
    def current_file(self) -> str:
        return self.files[-1]

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]], request_target: str,
                       status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
                       fetched_at: datetime, ip_address: str | None = None,
                       revisit_of: dict[str, str] | None = None, request_body: bytes = b"") -> Written:
        """Write a response (or revisit) record and its request record; return where the response went."""
        builder = self._builder
        date = datetime_to_iso_date(fetched_at.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        resp_headers = [(f"X-Archive-Orig-{k}" if k.lower() in HOP_BY_HOP else k, v) for k, v in response_headers]
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), resp_headers, protocol="HTTP/1.1")
        warc_headers: dict[str, str] = {"WARC-Date": date}
        if ip_address:
            warc_headers["WARC-IP-Address"] = ip_address
        if revisit_of is not None:
            record = builder.create_revisit_record(url, digest=revisit_of["digest"], refers_to_uri=revisit_of["uri"],
                                                   refers_to_date=revisit_of["date"], http_headers=http_headers,
                                                   warc_headers_dict=warc_headers)
        else:
            record = builder.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                http_headers=http_headers, warc_headers_dict=warc_headers)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        req_http = StatusAndHeaders(f"{method} {request_target} HTTP/1.1", request_headers, protocol="HTTP/1.1",
                                    is_http_request=True)
        req = builder.create_warc_record(url, "request", payload=io.BytesIO(request_body), length=len(request_body),
                                         http_headers=req_http,
                                         warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
        start, lengths = self._append([record, req])
        return Written(self.current_file, start, lengths[0], record_id)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        self._fh = None


def payload_digest_header(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for a body (sha1, base32): revisits refer to it."""
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


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
