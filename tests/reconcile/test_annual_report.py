"""The annual report read back from the archive: found by category and title, decoded from its WARC capture."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.annual_report import find_annual_report_document, read_annual_report, title_names_year
from xxgk.commands.claims import claims as claims_cmd
from xxgk.commands.reconcile import reconcile as reconcile_cmd

from .builders import AGENCY, Archive

REPORT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="header">在开平市教育局政务网发布信息999条。</div>
<h1 class="title">{title}</h1>
<div class="article-content">
<p>现向社会公开开平市教育局{year}年政府信息公开工作年度报告。</p>
<p>{year}年，市教育局在政府信息公开目录系统主动公开政府信息3条。其中，政务动态2条；其他信息1条。</p>
<p>在开平市教育局政务网发布信息5条。</p>
<table><tr><td>项目</td><td>本年制发件数</td></tr></table>
</div>
<div class="footer">通过“开平教育”微信公众号发布信息888条。</div>
</body></html>"""


def title(year: int) -> str:
    return f"开平市教育局{year}年政府信息公开工作年度报告"


def add_report(arch: Archive, year: int, native_id: int, published: str, **kw) -> tuple[str, str]:
    url = f"http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/content/{native_id // 1000000}/{native_id // 1000}/post_{native_id}.html"
    cap = arch.page_capture(url, REPORT_PAGE.format(title=title(year), year=year), **kw)
    doc = arch.doc("catalog", native_id, published, category_id=1808, title=title(year), capture_id=cap,
                   canonical_url=url, category="政府信息公开年报")
    return doc, cap


@pytest.fixture
def arch(tmp_path) -> Archive:
    arch = Archive(tmp_path)
    r = arch.run()
    for native, name in ((1805, "政务动态"), (1809, "其他信息"), (1808, "政府信息公开年报")):
        arch.category(native, name)
        arch.category_run(r, native, name)
    arch.doc("catalog", 1, "2024-02-01", category_id=1805)
    arch.doc("catalog", 2, "2024-03-01", category_id=1805)
    arch.doc("catalog", 3, "2024-04-01", category_id=1809)
    return arch


def test_title_names_the_year_of_the_report():
    assert title_names_year(title(2024), 2024)
    assert not title_names_year(title(2023), 2024)
    assert title_names_year("开平市教育局２０２４年度政府信息公开年报", 2024)  # full-width digits
    assert not title_names_year("2024年行政执法统计年报", 2024)  # not the disclosure report
    assert title_names_year("2024年度年报", 2024, strict=False)


def test_the_report_of_the_year_is_read_from_its_gzip_coded_capture(arch):
    add_report(arch, 2023, 3000001, "2024-01-20")  # last year's report, published in 2024
    doc, cap = add_report(arch, 2024, 3199492, "2025-01-20", gzip_it=True)
    assert find_annual_report_document(arch.db, arch.agency, 2024)["id"] == doc
    rep = read_annual_report(arch.db, arch.agency, 2024, arch.warc_dir)
    assert (rep.document_id, rep.capture_id) == (doc, cap)
    assert "主动公开政府信息3条" in rep.text and "999" not in rep.text and "888" not in rep.text
    assert rep.html is not None and rep.html.startswith('<div class="article-content">') and "<table>" in rep.html
    assert rep.sha256 == next(arch.db.query("select sha256 from captures where id = ?", [cap]))["sha256"]


def test_a_revisit_capture_is_read_through_its_original(arch):
    doc, cap = add_report(arch, 2024, 3199492, "2025-01-20")
    original = next(arch.db.query("select * from captures where id = ?", [cap]))
    arch.db["captures"].insert({**original, "id": "cap-revisit", "outcome": "revisit", "revisit_of": cap,
                                "fetched_at": "2025-04-01T00:00:00Z"})
    arch.db["documents"].update(doc, {"capture_id": "cap-revisit"})
    rep = read_annual_report(arch.db, arch.agency, 2024, arch.warc_dir)
    assert rep.capture_id == cap and "主动公开政府信息3条" in rep.text


def test_reconcile_uses_the_archived_report_and_stores_the_result(arch):
    doc, cap = add_report(arch, 2024, 3199492, "2025-01-20")
    result = CliRunner().invoke(reconcile_cmd, ["--agency", AGENCY, "--year", "2024", "--db", str(arch.path), "--json"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert rec["annual_report_document_id"] == doc and rec["summary"]["annual_report"]["capture_id"] == cap
    got = {(r["channel"], r["category"]): (r["claimed"], r["observed"], r["status"]) for r in rec["rows"]}
    assert got[("catalog", None)] == (3, 3, "match")  # the report itself, published 2025-01-20, is not in 2024
    assert got[("catalog", "政务动态")] == (2, 2, "match")
    assert got[("catalog", "其他信息")] == (1, 1, "match")
    assert got[("website", None)] == (5, None, "unverifiable")
    assert arch.db["reconciliations"].count == 1


def test_reconcile_with_a_report_file(arch, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(REPORT_PAGE.format(title=title(2024), year=2024), encoding="utf-8")
    result = CliRunner().invoke(reconcile_cmd, ["--agency", AGENCY, "--year", "2024", "--db", str(arch.path),
                                                "--report", str(path)])
    assert result.exit_code == 0, result.output
    assert "fewer found" in result.stdout or "more found" in result.stdout or "match" in result.stdout
    rec = next(arch.db.query("select annual_report_source, annual_report_document_id from reconciliations"))
    assert rec["annual_report_source"] == f"file {path}" and rec["annual_report_document_id"] is None


def test_claims_command_reads_an_archived_document(arch):
    add_report(arch, 2024, 3199492, "2025-01-20", gzip_it=True)
    result = CliRunner().invoke(claims_cmd, ["--document", "3199492", "--db", str(arch.path), "--json"])
    assert result.exit_code == 0, result.output
    values = [(c["channel"], c["category"], c["value"]) for c in json.loads(result.stdout)["claims"]]
    assert ("catalog", None, 3) in values and ("website", None, 5) in values
    missing = CliRunner().invoke(claims_cmd, ["--document", "999", "--db", str(arch.path)])
    assert missing.exit_code == 2 and "no single archived document" in missing.stderr
