"""One clear line and a non-zero exit for every bad file, database or argument, within fixed memory (each
command runs under a 1 GB address-space limit): garbage, truncated, empty, read-only and newer-schema
archives for every command that opens one; empty, endless, damaged, oversized and bomb report files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.claims.readers import MAX_REPORT_BYTES, MAX_REPORT_CHARS
from tests.support import XXGK

MEMORY = 1024 * 1024 * 1024


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def xxgk_bounded(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limited)


def one_line(out: subprocess.CompletedProcess, command: str) -> str:
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"xxgk {command}: "), out.stderr[-3000:]
    return lines[0]


def commands(db: Path, sim_url: str) -> dict[str, list[str]]:
    """Every command that opens an archive, pointed at `db`."""
    return {
        "status": ["status", "--db", str(db)],
        "verify": ["verify", "--db", str(db)],
        "report": ["report", "--agency", "kaiping-edu", "--year", "2024", "--format", "json", "--db", str(db)],
        "reconcile": ["reconcile", "--agency", "kaiping-edu", "--year", "2024", "--db", str(db)],
        "crawl": ["crawl", "--agency", "kaiping-edu", "--simulator", sim_url, "--db", str(db)],
        "claims": ["claims", "--document", "1", "--db", str(db)],
        "serve": ["serve", "--port", "0", "--db", str(db)],
    }


def damaged(kind: str, good: Path, target: Path) -> Path:
    if kind == "garbage":
        target.write_bytes(random.Random(7).randbytes(50_000))
    elif kind == "truncated":
        target.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "header_only":
        target.write_bytes(good.read_bytes()[:100] + b"\0" * 3996)
    return target


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty", "header_only"])
def test_an_unusable_archive_is_one_line_and_exit_2_from_every_command(sim, archive_of, tmp_path, kind) -> None:
    db = damaged(kind, archive_of("catalog"), tmp_path / f"{kind}.sqlite")
    before = db.read_bytes()
    for name, args in commands(db, sim.url).items():
        out = xxgk_bounded(*args)
        assert out.returncode == 2, (name, out.stderr[-2000:])
        line = one_line(out, name)
        assert str(db) in line or db.name in line, line
    assert db.read_bytes() == before  # nothing wrote to it


def test_an_archive_of_a_newer_version_is_read_but_never_written(sim, archive_of) -> None:
    db = archive_of("catalog")
    conn = sqlite3.connect(db)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                 "values ('xxgk', 'm099_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    every = commands(db, sim.url)
    for name in ("crawl", "reconcile", "report"):
        out = xxgk_bounded(*every[name])
        assert out.returncode == 2 and "m099_from_the_future" in one_line(out, name), out.stderr[-2000:]
    status = xxgk_bounded(*every["status"])
    assert status.returncode == 0 and "newer" in status.stderr and "kaiping-edu" in status.stdout
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


@contextlib.contextmanager
def read_only_copy(source: Path, folder: Path) -> Iterator[Path]:
    """A copy of an archive nothing can write: a read-only file system when we are root (permissions do
    not bind root), else read-only permissions."""
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], check=True)
        try:
            shutil.copy(source, folder / "archive.sqlite")
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            yield folder / "archive.sqlite"
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        shutil.copy(source, folder / "archive.sqlite")
        (folder / "archive.sqlite").chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder / "archive.sqlite"
        finally:
            folder.chmod(0o755)


def test_a_read_only_archive_is_read_and_refuses_writes_in_one_line(sim, archive_of, tmp_path) -> None:
    with read_only_copy(archive_of("catalog"), tmp_path / "ro") as db:
        every = commands(db, sim.url)
        for name in ("crawl", "reconcile"):
            out = xxgk_bounded(*every[name])
            assert out.returncode == 2 and "cannot be written" in one_line(out, name), out.stderr[-2000:]
        status = xxgk_bounded(*every["status"])
        assert status.returncode == 0 and "kaiping-edu" in status.stdout, status.stderr[-2000:]


# ---------------------------------------------------------------- report files for `xxgk claims`

def docx_package(path: Path, document_xml: bytes | None = None, stream_bytes: int = 0) -> Path:
    """A DOCX with the given main part, or one whose main part streams `stream_bytes` of paragraphs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            head = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
            if document_xml is not None:
                part.write(document_xml)
            else:
                part.write(head)
                chunk = ("<w:p><w:r><w:t>" + "政府信息公开工作年度报告" * 40 + "</w:t></w:r></w:p>").encode() * 500
                for _ in range(stream_bytes // len(chunk)):
                    part.write(chunk)
                part.write(b"</w:body></w:document>")
    return path


def bad_reports(folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the one line must say)."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n\t \n", encoding="utf-8")
    (folder / "huge.txt").write_bytes(b"x" * (MAX_REPORT_BYTES + 10))
    (folder / "long.txt").write_text("政府信息公开。\n" * (MAX_REPORT_CHARS // 8 + 10), encoding="utf-8")
    (folder / "random.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(3).randbytes(20_000))
    (folder / "folder.docx").mkdir()
    (folder / "zip.docx").write_bytes(b"PK\x03\x04" + random.Random(4).randbytes(2000))
    broken = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body><w:p>"
    return {
        "empty": (folder / "empty.txt", "empty"),
        "blank": (folder / "blank.txt", "empty"),
        "endless": (Path("/dev/zero"), "not a regular file"),
        "oversized": (folder / "huge.txt", "limit"),
        "too_long": (folder / "long.txt", "limit"),
        "damaged_pdf": (folder / "random.pdf", "PDF"),
        "a_folder": (folder / "folder.docx", "directory"),
        "not_a_zip": (folder / "zip.docx", "DOCX"),
        "damaged_xml": (docx_package(folder / "broken.docx", broken), "DOCX"),
        "truncated_docx": (_truncated(docx_package(folder / "whole.docx", stream_bytes=200_000)), "DOCX"),
        "zip_bomb": (docx_package(folder / "bomb.docx", stream_bytes=200 * 1024 * 1024), "zip bomb"),
    }


def _truncated(path: Path) -> Path:
    target = path.with_name("truncated.docx")
    target.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return target


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return bad_reports(tmp_path_factory.mktemp("reports"))


@pytest.mark.parametrize("name", ["empty", "blank", "endless", "oversized", "too_long", "damaged_pdf", "a_folder",
                                  "not_a_zip", "damaged_xml", "truncated_docx", "zip_bomb"])
def test_a_bad_report_file_is_one_line_and_exit_2(reports, name: str) -> None:
    path, says = reports[name]
    out = xxgk_bounded("claims", str(path), "--json")
    assert out.returncode == 2, (name, out.stderr[-2000:])
    assert says in one_line(out, "claims") and out.stdout == ""
