"""Every command's errors are one line with a hint and a non-zero exit, never a traceback; the reading
commands find the demo's archive when the default one is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import xxgk

MISSING_ARCHIVE = [
    ("status",),
    ("verify",),
    ("serve", "--port", "0"),
    ("report", "--agency", "kaiping-edu", "--year", "2024"),
    ("reconcile", "--agency", "kaiping-edu", "--year", "2024"),
    ("export", "wacz", "--agency", "kaiping-edu"),
]


@pytest.mark.parametrize("args", MISSING_ARCHIVE, ids=lambda a: " ".join(a[:2]))
def test_missing_archive_is_one_line(args: tuple[str, ...], tmp_path: Path) -> None:
    out = xxgk(*args, "--db", str(tmp_path / "none.sqlite"), expect=2, cwd=tmp_path)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"xxgk {args[0]}") and "none.sqlite" in lines[0], out.stderr


@pytest.mark.parametrize("args", [
    ("report", "--agency", "kaiping-edu", "--year", "2024", "--format", "bogus"),
    ("status", "--limit", "many"),
    ("export", "wacz", "--agency", "kaiping-edu", "--year", "last"),
    ("demo", "--port", "-5"),
    ("crawl", "--agency", "kaiping-edu", "--channel", "fax"),
], ids=lambda a: " ".join(a[:2]))
def test_bad_option_value_is_one_line_with_help(args: tuple[str, ...], tmp_path: Path) -> None:
    out = xxgk(*args, expect=2, cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and "--help" in lines[0] and lines[0].startswith("xxgk "), out.stderr


def test_missing_report_file_is_one_line(tmp_path: Path) -> None:
    out = xxgk("claims", str(tmp_path / "no-report.pdf"), expect=None, cwd=tmp_path)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "no-report.pdf" in out.stderr, out.stderr


def test_status_finds_the_demo_archive(tmp_path: Path) -> None:
    demo = tmp_path / "data" / "demo"
    demo.mkdir(parents=True)
    xxgk("status", "--db", str(demo / "archive.sqlite"), expect=2)  # missing: nothing created
    from archive.schema import open_db

    open_db(demo / "archive.sqlite").close()  # an empty, migrated archive where `make demo` leaves it
    out = xxgk("status", "--json", cwd=tmp_path)
    assert "data/demo/archive.sqlite" in out.stderr and "data/archive.sqlite" in out.stderr
    assert out.stdout.strip().startswith(("{", "["))
    shutil.rmtree(demo)
    out = xxgk("status", expect=2, cwd=tmp_path)
    assert "make demo" in out.stderr and "data/archive.sqlite" in out.stderr


def test_busy_port(tmp_path: Path) -> None:
    """`xxgk serve` on a taken port is one line; the demo falls back to a free port."""
    import socket

    from archive.schema import open_db
    from xxgk.commands.demo import free_port

    open_db(tmp_path / "a.sqlite").close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = xxgk("serve", "--db", str(tmp_path / "a.sqlite"), "--port", str(port), expect=2)
        assert out.stderr.strip() == (f"xxgk serve: port {port} on 127.0.0.1 is in use (another xxgk serve or demo?); "
                                      "choose another with --port N, or --port 0 for any free port")
        other = free_port(port)
        assert other != port and 0 < other < 65536
    assert free_port(other) == other  # a free port is kept


def test_a_command_error_names_its_command(tmp_path: Path) -> None:
    out = xxgk("simulate", "--scenario", "no-such-scenario", expect=1, cwd=tmp_path)
    assert out.stderr.startswith("xxgk simulate: unknown scenario 'no-such-scenario'") and "Traceback" not in out.stderr
