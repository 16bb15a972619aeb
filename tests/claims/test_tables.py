"""Tables 二/三/四 from hand-built HTML and flattened text, 2019 and 2021 formats."""

from __future__ import annotations

import opencc
import pytest

from archive.claims.normalize import normalize
from archive.claims.tables import T3_ROWS_2021, T4_GROUPS, parse_tables

from .builders import (
    GLUED_2019,
    GLUED_2021,
    GLUED_T3,
    GLUED_T4,
    report_text,
    t2_html_2021,
    t2_text_2019,
    t3_cells_text,
    t3_html,
    t3_rows_text,
    t3_values,
    t4_cells_text,
    t4_html,
)


def _from_text(text: str) -> dict:
    tables, _, _ = parse_tables(normalize(text).text)
    return tables


def _from_html(html: str) -> dict:
    tables, _, _ = parse_tables("", f"<html><body>{html}</body></html>")
    return tables


# --- table 三 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda v, f: _from_html(t3_html(v, f)), id="html-rowspan-split-spans"),
        pytest.param(
            lambda v, f: _from_html(t3_html(v, f, rowspan=False, split_spans=False)), id="html-plain"
        ),
        pytest.param(
            lambda v, f: _from_text(report_text(t3=t3_rows_text(v, f))), id="text-row-per-line-pipes"
        ),
        pytest.param(
            lambda v, f: _from_text(report_text(t3=t3_rows_text(v, f, pipes=False))),
            id="text-row-per-line-spaces",
        ),
        pytest.param(
            lambda v, f: _from_text(report_text(t3=t3_cells_text(v, f))), id="text-cell-per-line-split-labels"
        ),
    ],
)
def test_t3_every_cell_by_key(build, fmt):
    values = t3_values(fmt)
    t3 = build(values, fmt)["t3"]
    assert t3 is not None
    assert t3["format"] == fmt
    assert t3["rows"] == values
    assert len(t3["rows"]) == (25 if fmt == "2021" else 23)
    assert t3["blank"] == [] and t3["missing_rows"] == []
    if fmt == "2019":
        assert "other" in t3["rows"] and "other.other" not in t3["rows"]


def test_t3_traditional_labels():
    to_trad = opencc.OpenCC("s2t")
    values = t3_values()
    html = to_trad.convert(t3_html(values))
    assert "本年新收政府信息公開申請數量" in html
    assert _from_html(html)["t3"]["rows"] == values


@pytest.mark.parametrize("source", ["html", "pipes", "cells", "spaces"])
def test_t3_blank_cells_read_as_zero_and_listed(source):
    values = t3_values()
    planted = {k: list(v) for k, v in values.items()}
    planted["newReceived"] = [3, None, None, None, None, None, 4]  # organisation columns left blank
    planted["carriedForward"] = [0, 0, 0, 0, 0, 0, None]  # 总计 left blank
    if source == "html":
        t3 = _from_html(t3_html(planted))["t3"]
    elif source == "pipes":
        t3 = _from_text(report_text(t3=t3_rows_text(planted)))["t3"]
    elif source == "cells":
        t3 = _from_text(report_text(t3=t3_cells_text(planted)))["t3"]  # blanks written as "—"
    else:
        t3 = _from_text(report_text(t3=t3_rows_text(planted, pipes=False)))["t3"]  # blanks written as "-"
    assert t3["rows"] == {k: [0 if v is None else v for v in cells] for k, cells in planted.items()}
    expected_blank = [["newReceived", c] for c in ("commercial", "research", "social", "legal", "other")]
    expected_blank.append(["carriedForward", "total"])
    assert sorted(t3["blank"]) == sorted(expected_blank)


def test_t3_two_cells_when_blanks_vanished():
    # whitespace flattening loses blank cells; two values are read as 自然人 and 总计 (§6)
    rows = t3_rows_text(t3_values(), pipes=False).replace(
        "一、本年新收政府信息公开申请数量 3 1 0 0 0 0 4", "一、本年新收政府信息公开申请数量 4 4"
    )
    t3 = _from_text(report_text(t3=rows))["t3"]
    assert t3["rows"]["newReceived"] == [4, 0, 0, 0, 0, 0, 4]
    assert ["newReceived", "commercial"] in t3["blank"]
    assert any("2 cells" in w for w in t3["warnings"])


def test_t3_rows_under_a_wrong_header():
    # a PDF→markdown conversion put the （六） sub-rows under the header of another mini-table (§6)
    values = t3_values()
    lines = t3_rows_text(values).split("\n")
    at = next(i for i, line in enumerate(lines) if "（六）其他处理" in line)
    lines[at + 1 : at + 1] = [
        "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 总计 |",
        "|---|---|---|---|---|---|---|",
    ]
    t3 = _from_text(report_text(t3="\n".join(lines)))["t3"]
    assert t3["rows"] == values


def test_t3_absent_is_none_not_zeros():
    tables, notes, evidence = parse_tables(normalize(report_text()).text)
    assert tables["t3"] is None and tables["t2"] is None and tables["t4"] is None
    assert any("t3 absent" in n for n in notes)
    assert evidence == {"2021": [], "2019": []}


def test_narrative_numbers_in_section_three_are_not_a_table():
    text = report_text(t3="本年度共收到政府信息公开申请3件，予以公开3件，均已按时答复。")
    assert _from_text(text)["t3"] is None


# --- table 二 -----------------------------------------------------------------------------------


def test_t2_2021_html_with_merged_cells():
    t2 = _from_html(t2_html_2021())["t2"]
    assert t2["format"] == "2021"
    assert t2["columns"] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert t2["regulations"] == [0, 0, 0]
    assert t2["normative_documents"] == [2, 1, 5]
    assert (t2["licensing"], t2["punishment"], t2["coercion"], t2["fees"]) == (3, 7, 0, 0.25)
    assert t2["blank"] == []


def test_t2_2021_blank_and_placeholder_cells():
    t2 = _from_html(t2_html_2021(reg=("", "-", "—"), coe="_"))["t2"]
    assert t2["regulations"] == [0, 0, 0]
    assert t2["coercion"] == 0
    assert sorted(t2["blank"]) == [
        ["coercion", 0],
        ["regulations", 0],
        ["regulations", 1],
        ["regulations", 2],
    ]


def test_t2_extra_cells_in_a_single_value_block_are_flagged():
    html = t2_html_2021().replace(
        '<tr><td>行政处罚</td><td colspan="3">7</td></tr>',
        "<tr><td>行政处罚</td><td>7</td><td>0</td><td>2</td></tr>",
    )
    t2 = _from_html(html)["t2"]
    assert t2["punishment"] == 7
    assert any("punishment" in w and "extra cells" in w for w in t2["warnings"])


def test_t2_2019_text_one_cell_per_line_with_trailing_pipe():
    t2 = _from_text(report_text(t2=t2_text_2019()))["t2"]
    assert t2["format"] == "2019"
    assert t2["columns"] == ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert t2["normative_documents"] == [1, 1, 4]
    assert t2["licensing"] == 6 and t2["licensing_detail"] == [2, 0, 6]
    assert t2["punishment_detail"] == [5, -1, 9]  # 本年增/减 may be negative
    assert t2["coercion_detail"] == [0, 0, 0] and t2["blank"] == [["coercion", 1]]
    assert t2["fees"] is None and t2["fees_items"] == [1, 0]
    assert t2["procurement"] == {"count": 3, "amount_yuan": 125000}


@pytest.mark.parametrize(("glued", "fmt", "columns"), [
    (GLUED_2021, "2021", ["本年制发件数", "本年废止件数", "现行有效件数"]),
    (GLUED_2019, "2019", ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
], ids=["2021", "2019"])
def test_t2_with_glued_cells_is_present_and_unreadable(glued, fmt, columns):
    tables, notes, evidence = parse_tables(normalize(report_text(t2=glued)).text)
    t2 = tables["t2"]
    assert t2["format"] == fmt and t2["columns"] == columns
    # 2136 may be 2|1|36, 21|3|6, …: nothing is split, nothing guessed
    assert t2["regulations"] is None and t2["normative_documents"] is None and t2["licensing"] is None
    assert "run together" in t2["unreadable"] and "'规章" in t2["unreadable"]
    assert any("t2 present but unreadable" in n for n in notes)
    assert evidence[fmt] == [f"table 二 column headers ({fmt} format)"]


@pytest.mark.parametrize("t2", [
    "本年度制定规章1件，制发规范性文件3件，办理行政许可12项。",  # prose, numbers with their units
    "第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数",  # cut after its headers: no rows
    "本年制发件数 本年废止件数 现行有效件数 规章 规范性文件 3",  # laid out (spaces), just not a table
], ids=["prose", "cut-after-headers", "spaced"])
def test_t2_glued_reading_needs_glued_headers_and_rows(t2):
    assert _from_text(report_text(t2=t2))["t2"] is None


def test_t3_and_t4_with_glued_cells_are_present_and_unreadable():
    tables, notes, _ = parse_tables(normalize(report_text(t3=GLUED_T3, t4=GLUED_T4)).text)
    t3, t4 = tables["t3"], tables["t4"]
    assert t3["format"] == "2021" and set(t3["rows"]) == set(T3_ROWS_2021)
    assert all(cells is None for cells in t3["rows"].values())
    assert "本年新收政府信息公开申请数量3000104" in t3["unreadable"]
    assert all(t4[group] == [None] * 5 for group in T4_GROUPS) and "总计100010000000000" in t4["unreadable"]
    assert sum("present but unreadable" in n for n in notes) == 2


# --- table 四 -----------------------------------------------------------------------------------

T4 = [1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_t4_html():
    t4 = _from_html(t4_html(T4))["t4"]
    assert t4["review"] == [1, 0, 0, 1, 2]
    assert t4["litigation_direct"] == [0, 0, 0, 0, 0]
    assert t4["litigation_after_review"] == [1, 0, 0, 0, 1]
    assert t4["blank"] == []


def test_t4_text_one_cell_per_line_with_blanks():
    values = [None if v == 0 else v for v in T4]
    t4 = _from_text(report_text(t4=t4_cells_text(values)))["t4"]
    assert t4["review"] == [1, 0, 0, 1, 2]
    assert ["litigation_direct", "upheld"] in t4["blank"]
    assert len(t4["blank"]) == T4.count(0)


def test_all_three_tables_from_one_html_page():
    html = t2_html_2021() + t3_html(t3_values()) + t4_html(T4)
    tables, notes, evidence = parse_tables("", html)
    assert all(tables[k] is not None for k in ("t2", "t3", "t4"))
    assert evidence["2021"] and not evidence["2019"]


def test_narrative_numbers_in_section_four_are_not_a_table():
    text = report_text(t4="本年度发生行政复议 2 件，均获维持。")
    assert _from_text(text)["t4"] is None
