"""Fixity: re-hash every capture against its WARC record and validate every WARC file.

Checks, for an archive database and its WARC folder:
- every WARC file reads to the end and every digest warcio can check passes (`warcio check`);
- every `captures` row that points into a WARC file finds a record with that id at that offset,
  and the sha256 of the record's payload equals the row's `sha256` (revisits: the capture they
  point at exists and has the same sha256);
- every document's capture exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .schema import open_read
from .warcstore import check_file


@dataclass
class VerifyResult:
    warc_files: int = 0
    captures_checked: int = 0
    revisits_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _record_at(path: Path, offset: int) -> tuple[str, str, bytes]:
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            payload = record.raw_stream.read() if record.rec_type == "response" else b""
            return record.rec_type, record.rec_headers.get_header("WARC-Record-ID"), payload
    raise ValueError("no record")


def verify(db_path: str | Path, warc_dir: str | Path) -> VerifyResult:
    report = VerifyResult()
    warc_dir = Path(warc_dir)
    if not Path(db_path).exists():
        report.problems.append(f"no archive database at {db_path}")
        return report
    db = open_read(db_path)[0]  # read-only: verifying never writes
    for path in sorted(warc_dir.glob("*.warc.gz")):
        report.warc_files += 1
        report.problems.extend(check_file(path))
    by_id = {}
    for row in db.query("select id, sha256, warc_file, warc_offset, warc_record_id, revisit_of, outcome from captures "
                        "where warc_file is not null"):
        by_id[row["id"]] = row
    for row in by_id.values():
        path = warc_dir / row["warc_file"]
        if not path.exists():
            report.problems.append(f"capture {row['id']}: WARC file {row['warc_file']} is missing")
            continue
        try:
            rec_type, record_id, payload = _record_at(path, row["warc_offset"])
        except Exception as exc:  # noqa: BLE001 - any read failure is a fixity problem to report
            report.problems.append(f"capture {row['id']}: no readable record at {row['warc_file']}:{row['warc_offset']} ({exc})")
            continue
        if record_id != row["warc_record_id"]:
            report.problems.append(f"capture {row['id']}: record id {record_id} at that offset, expected {row['warc_record_id']}")
        if rec_type == "revisit":
            report.revisits_checked += 1
            original = by_id.get(row["revisit_of"] or "")
            if original is None or original["sha256"] != row["sha256"]:
                report.problems.append(f"capture {row['id']}: revisit of {row['revisit_of']}, which is missing or differs")
        else:
            report.captures_checked += 1
            if hashlib.sha256(payload).hexdigest() != row["sha256"]:
                report.problems.append(f"capture {row['id']}: payload sha256 differs from the archive's record")
    for row in db.query("select d.id from documents d left join captures c on c.id = d.capture_id "
                        "where d.capture_id is not null and c.id is null"):
        report.problems.append(f"document {row['id']}: its capture is missing")
    db.close()
    return report


def iter_lines(report: VerifyResult) -> Iterator[str]:
    yield (f"{report.warc_files} WARC files, {report.captures_checked} captures re-hashed, "
           f"{report.revisits_checked} revisits checked: " + ("OK" if report.ok else f"{len(report.problems)} problems"))
    yield from report.problems
