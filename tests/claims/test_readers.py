"""read_report for txt, html, pdf and docx, and ReportReadError for what cannot be read."""

from __future__ import annotations

import docx
import pytest

from archive.claims import ReportReadError, extract_claims, read_report

from .builders import T3_2021, T3_HEADER, report_text, t3_html, t3_rows_text, t3_values
from .pdfgen import make_pdf


def test_txt_utf8_and_gb18030(tmp_path):
    text = report_text()
    for enc in ("utf-8", "gb18030"):
        path = tmp_path / f"r-{enc}.txt"
        path.write_bytes(text.encode(enc))
        got, html = read_report(path)
        assert got == text and html is None


def test_html_page_gives_text_and_tables(tmp_path):
    values = t3_values()
    page = (
        "<html><head><meta charset='gbk'><title>开平市教育局2024年政府信息公开工作年度报告</title>"
        "<script>var x = '主动公开政府信息999条';</script></head><body>"
        + "".join(f"<p>{line}</p>" for line in report_text().split("\n"))
        + t3_html(values)
        + "</body></html>"
    )
    path = tmp_path / "r.html"
    path.write_bytes(page.encode("gbk"))
    text, html = read_report(path)
    assert "统计期限自2024年1月1日" in text and "999" not in text  # scripts are not text
    assert "| 一、本年新收政府信息公开申请数量 | 3 | 1 |" in text  # table rows as pipe lines
    result = extract_claims(text, html)
    assert result["tables"]["t3"]["rows"] == values
    assert result["agency"]["name"] == "开平市教育局"


def test_pdf_text_layer(tmp_path):
    """What this proves: the PDF reader returns the text layer of a CID-font PDF (Chinese included)
    and table 三 flattened one row per line in that layer is parsed.  It does not prove anything
    about glyph rendering or pdfplumber's ruled-table detection (the PDF has no ruling lines)."""
    values = t3_values()
    lines = report_text(t3=t3_rows_text(values, pipes=False)).split("\n")
    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf(lines))
    text, _ = read_report(path)
    assert "开平市教育局2024年政府信息公开工作年度报告" in text
    result = extract_claims(text)
    assert result["year"] == 2024
    assert result["tables"]["t3"]["rows"] == values
    (claim,) = result["claims"]
    assert claim["value"] == 10 and "10" in text[claim["start"] : claim["end"]]


def _docx_with_t3(path, values):
    """Table 三 laid out like real reports: group labels merged down column 0, sub-row labels in
    column 1, other labels merged across columns 0-1, and the 总计 header merged over two rows."""
    doc = docx.Document()
    for line in report_text().split("\n"):
        doc.add_paragraph(line)
    data = [(label, key) for label, key in T3_2021 if key or not label.startswith("三、")]
    n_rows = 2 + sum(1 for _, key in data if key)
    table = doc.add_table(rows=n_rows, cols=9)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "项目"
    table.cell(0, 2).merge(table.cell(0, 7)).text = T3_HEADER[0]  # 申请人情况
    table.cell(0, 8).merge(table.cell(1, 8)).text = "总计"
    for c, head in enumerate([T3_HEADER[1], *T3_HEADER[3:8]], start=2):
        table.cell(1, c).text = head
    r, group = 2, None
    groups: list[tuple[str, int, int]] = []
    for label, key in data:
        if key is None:
            group = [label, r, r]
            groups.append(group)
            continue
        if group is not None and key.split(".")[0] in ("deny", "unable", "notProcessed", "other"):
            group[2] = r
            table.cell(r, 1).text = label
        else:
            group = None
            table.cell(r, 0).merge(table.cell(r, 1)).text = label
        for c, v in enumerate(values[key], start=2):
            table.cell(r, c).text = str(v)
        r += 1
    for label, first, last in groups:
        table.cell(first, 0).merge(table.cell(last, 0)).text = label
    doc.save(path)


def test_docx_with_real_table(tmp_path):
    values = t3_values()
    path = tmp_path / "r.docx"
    _docx_with_t3(path, values)
    text, html = read_report(path)
    assert html is not None and "<table>" in html
    assert "统计期限" in text
    result = extract_claims(text, html)
    assert result["tables"]["t3"]["rows"] == values
    assert result["format"] == "2021"
    assert {c["id"]: c for c in result["checks"]}["T3-H1"]["ok"] is True


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.txt", None, "No such file"),
        ("bad.pdf", b"%PDF-1.4\ngarbage", "not a readable PDF"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("bad.docx", b"PK\x03\x04garbage", "not a readable DOCX"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy binary .doc"),
        ("blob.txt", b"\x00\x01\x02\x03", "binary content"),
        ("latin.txt", bytes(range(0x80, 0x100)) * 4, "neither UTF-8 nor GB18030"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReportReadError) as info:
        read_report(path)
    assert info.value.path == str(path)
    assert reason in info.value.reason
    assert str(path) in str(info.value)


def test_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([]))
    with pytest.raises(ReportReadError, match="no text layer"):
        read_report(path)


def test_docx_table_text_alone_is_enough(tmp_path):
    # Without the HTML, the table rows in the text (placed after section 六 here) are still found.
    values = t3_values()
    path = tmp_path / "r.docx"
    _docx_with_t3(path, values)
    text, _ = read_report(path)
    assert extract_claims(text)["tables"]["t3"]["rows"] == values
