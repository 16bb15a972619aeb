"""The `claims` click command (registered on the xxgk group by the lead)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from xxgk.commands.claims import claims

from .builders import GLUED_2019, report_text
from .test_seed import SEED


def test_json_output():
    result = CliRunner().invoke(claims, [str(SEED), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2024 and data["missing"] == ["t2", "t3", "t4"]
    assert "开平市教育局" in result.stdout  # ensure_ascii=False


def test_summary_output():
    result = CliRunner().invoke(claims, [str(SEED)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "year: 2024" in out and "format: unknown (tables absent)" in out
    assert "catalog" in out and "191" in out and "key_areas" in out
    assert "[ok  ] N-4" in out and "[n/a ] T3-H1" in out
    assert "m.38966.com.cn" in out


def test_agency_host_option():
    result = CliRunner().invoke(claims, [str(SEED), "--json", "--agency-host", "m.38966.com.cn"])
    notes = json.loads(result.stdout)["notes"]
    assert not any("is not the agency's host" in n for n in notes)


def test_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    result = CliRunner().invoke(claims, [str(bad)])
    assert result.exit_code == 2
    assert "cannot read report" in result.stderr and "broken.pdf" in result.stderr


def test_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(claims, [str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "nope.txt" in result.stderr


def test_document_without_archive_db(tmp_path):
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(claims, ["--document", "3240651", "--db", str(db)])
    assert result.exit_code == 2
    assert f"no archive database at {db}" in result.stderr


def test_path_or_document_required():
    result = CliRunner().invoke(claims, [])
    assert result.exit_code == 2 and "either PATH or --document" in result.stderr


def test_registers_on_a_click_group():
    import click

    @click.group()
    def xxgk() -> None:
        pass

    xxgk.add_command(claims)
    result = CliRunner().invoke(xxgk, ["claims", "--help"])
    assert result.exit_code == 0 and "--agency-host" in result.stdout and "--document" in result.stdout


def test_summary_says_which_tables_are_read_unreadable_or_missing(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(report_text(t2=GLUED_2019), encoding="utf-8")
    result = CliRunner().invoke(claims, [str(report)])
    assert result.exit_code == 0, result.output
    assert "tables: present but unreadable t2; missing t3, t4" in result.stdout
    assert "[n/a ] T2-H1" in result.stdout and "format: 2019" in result.stdout
