"""Rendering: all four formats, escaping of hostile crawled text, the inline SVG, and --fail-on."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from click.testing import CliRunner

from archive.audit_report import render
from archive.reconcile import reconcile
from xxgk.commands.reconcile import report

from .builders import AGENCY, Archive, claim

HOSTILE = '关于<script>alert("xss")</script>防范网络诈骗的提醒<img src=x onerror="alert(1)">'


@pytest.fixture
def rec_arch(tmp_path) -> tuple[Archive, dict]:
    arch = Archive(tmp_path)
    r = arch.run()
    arch.category(1805, "政务动态")
    arch.category(1809, "其他信息")
    arch.category_run(r, 1805, "政务动态")
    arch.category_run(r, 1809, "其他信息")
    cap = arch.page_capture("http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/content/2/2776/post_2776828.html",
                            "<html><body>x</body></html>", run_id=r)
    arch.doc("catalog", 2776828, "2024-03-13", category_id=1809, title=HOSTILE, capture_id=cap,
             canonical_url="javascript:alert(1)")
    arch.doc("catalog", 2, "2024-05-01", category_id=1805)
    claims = [claim("catalog", None, 3), claim("catalog", "其他信息", 1),
              claim("catalog", '<script>alert(2)</script>"', 1), claim("wechat", None, 457)]
    rec = reconcile(arch.db, arch.agency, 2024, {"claims": claims, "year": 2024, "checks": [
        {"id": "N-4", "severity": "warning", "ok": False, "detail": "191 != <b>190</b>"},
        {"id": "T3-H1", "severity": "error", "ok": None, "detail": "table 三 absent"}]},
        annual_report_source="file <report>.html", annual_report_sha256="0" * 64)
    return arch, rec


def test_html_is_one_self_contained_file_with_the_inline_chart(rec_arch):
    arch, rec = rec_arch
    page = render(rec, "html", arch.db, lang="en")
    root = lxml.html.document_fromstring(page)
    assert [h.text_content() for h in root.xpath("//h2")] == [
        "Summary", "Claimed vs observed", "Claims", "The report's own consistency checks",
        "Evidence behind each number", "Caveats", "How the numbers were computed"]
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    ET.fromstring(svg.group(0))  # well-formed inline SVG
    assert not re.search(r"<(?:link|img|iframe|object|embed|script)\b|url\(|@import", page, re.I)
    assert not root.xpath("//*[@src]")  # no external asset of any kind
    assert "<style>" in page and "@media print" in page
    # status as text, not colour alone; checks as ok/failed/n-a with their detail
    assert "fewer found" in page and "unverifiable" in page
    assert re.search(r"<strong>failed</strong></td><td>191 != &lt;b&gt;190&lt;/b&gt;", page)
    assert "<strong>n/a</strong>" in page
    # evidence: the counted document with its capture and that capture's sha256
    sha = next(arch.db.query("select sha256 from captures where id = (select capture_id from documents "
                             "where native_id = '2776828')"))["sha256"]
    evidence = root.xpath("//section[@id='evidence']//table[@class='evidence']")
    assert evidence and sha in evidence[0].text_content()
    assert not root.xpath("//details")  # nothing collapsed: the evidence prints


def test_html_never_carries_live_markup_from_crawled_or_report_text(rec_arch):
    arch, rec = rec_arch
    page = render(rec, "html", arch.db, lang="en")
    assert "<script" not in page.lower()
    assert "<img" not in page.lower() and 'onerror="' not in page.lower()
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert 'href="javascript' not in page.lower()  # a non-http URL is shown, not linked
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//script | //img | //*[@onerror]")
    assert not [a for el in root.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]
    assert HOSTILE in root.xpath("//section[@id='evidence']")[0].text_content()


def test_markdown_has_the_claims_table_and_escapes_markup(rec_arch):
    arch, rec = rec_arch
    md = render(rec, "md", arch.db, lang="en")
    assert "| # | claim | claimed | observed | live | delta | status | interpretation |" in md
    assert "| 0 | catalog · total | 3 条 | 2 | 2 | -1 | ▼ fewer found |" in md
    assert "<script" not in md and "&lt;script&gt;" in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(rec["rows"]) + 1 + 2  # header, rows, then the checks table (header + 2)


def test_csv_has_one_row_per_claim(rec_arch):
    arch, rec = rec_arch
    text = render(rec, "csv", arch.db)
    assert text.startswith("\ufeff")  # Excel on a Chinese Windows reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(rec["rows"])
    assert rows[0]["status"] == "fewer_found" and rows[0]["delta"] == "-1" and rows[0]["claimed"] == "3"
    assert rows[1]["category"] == "其他信息" and rows[1]["documents"] == "1"
    assert rows[3]["status"] == "unverifiable" and rows[3]["observed"] == ""


def test_json_is_the_stored_reconciliation(rec_arch):
    arch, rec = rec_arch
    data = json.loads(render(rec, "json", arch.db))
    assert data["id"] == rec["id"] and len(data["rows"]) == 4
    assert data["rows"][1]["document_ids"] == [f"{AGENCY}/catalog/2776828"]


def _invoke(arch: Archive, *args: str):
    return CliRunner().invoke(report, ["--agency", AGENCY, "--year", "2024", "--db", str(arch.path), *args])


def test_report_command_writes_every_format(rec_arch, tmp_path):
    arch, rec = rec_arch
    for fmt in ("html", "md", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        result = _invoke(arch, "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert rec["id"] in out.read_text(encoding="utf-8")


def test_fail_on_sets_exit_status_4(rec_arch):
    arch, _ = rec_arch
    hit = _invoke(arch, "--format", "csv", "--fail-on", "fewer_found,more_found")
    assert hit.exit_code == 4 and "1 claim(s) with status fewer_found" in hit.stderr
    miss = _invoke(arch, "--format", "csv", "--fail-on", "more_found")
    assert miss.exit_code == 0
    bad = _invoke(arch, "--fail-on", "wrong")
    assert bad.exit_code == 2 and "unknown status wrong" in bad.output


def test_report_without_a_reconciliation_or_an_archived_report_fails_clearly(tmp_path):
    arch = Archive(tmp_path)
    result = _invoke(arch, "--year", "2023")
    assert result.exit_code == 2 and "no 2023 annual report of kaiping-edu in the archive" in result.stderr


def test_every_format_shows_both_readings_and_every_quote(tmp_path):
    from archive.datasette.dashboard import build_dashboard

    arch = Archive(tmp_path)
    arch.listed((1805, "政务动态"))
    arch.doc("catalog", 1, "2024-05-01", category_id=1805)
    rec = reconcile(arch.db, arch.agency, 2024, {"claims": [
        claim(None, None, 1, at=10), claim(None, "政务动态", 1, part_of=0, at=40),
        claim(None, None, 1, duplicate_of=0, at=700)], "year": 2024},
        annual_report_source="file r.txt", annual_report_sha256=None)
    total = rec["rows"][0]
    readings = total["interpretation"]["text"]
    assert "Catalog reading: 1 → match; all-channels reading: – → unverifiable" in readings
    page = render(rec, "html", arch.db, lang="en")
    root = lxml.html.document_fromstring(page)
    first_row = root.xpath("//section[@id='claims']//tr[@id='claim-0']")[0].text_content()
    assert first_row.count("“1条”") == 2 and "stated 2 times (#0, #2)" in first_row
    assert "[10:" in first_row and "[700:" in first_row and "Catalog reading: 1 → match" in first_row
    assert "Parts of #0" in page and "rows #0, #1 are shown under two readings" in page
    md = render(rec, "md", lang="en")
    assert "no channel · total (stated 2 times (\\#0, \\#2))" in md and "no channel · 政务动态 (part of \\#0)" in md
    rows = list(csv.DictReader(io.StringIO(render(rec, "csv").lstrip("\ufeff"))))
    assert [(x["claim_index"], x["statements"], x["part_of"]) for x in rows] == [("0", "0 2", ""), ("1", "1", "0")]
    assert rows[0]["readings"] == readings and rows[0]["interpretation"] == "catalog"
    board = build_dashboard(arch.db.conn, id=rec["id"], lang="en")
    shown = board["rows"][0]
    assert [q["quote_start"] for q in shown["statements"]] == [10, 700] and shown["interpretation_text"] == readings
    assert ("Parts of #0", "#1") in board["structure"]
