"""Several agencies at once without a crawl: `--agency all|ID,ID|@FILE` resolved from the registry
(xxgk/options.py), the table of agencies × claims (sorting, escaping, the CSV's byte-order mark), and the exit
status of a crawl of many agencies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archive.audit_report.agencies import matrix_table, render_csv
from archive.reconcile.across import agency_row, sort_rows
from crawler.registry import Registry
from xxgk.options import agency_ids, load_agencies, many_agencies


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A registry folder with two agencies (kaiping-edu's file under other ids) and one broken file."""
    data = yaml.safe_load(Registry.from_options([], {}).files()["kaiping-edu"].read_text(encoding="utf-8"))
    out = tmp_path / "agencies"
    out.mkdir()
    for agency_id in ("city-b", "city-a"):
        (out / f"{agency_id}.yaml").write_text(yaml.safe_dump({**data, "id": agency_id}, allow_unicode=True),
                                               encoding="utf-8")
    (out / "city-z.yaml").write_text("id: city-z\nname: [not, a, name\n", encoding="utf-8")
    return out


def test_many_agencies_is_all_a_list_or_a_file() -> None:
    assert [many_agencies(v) for v in ("all", "a,b", "@ids.txt", "kaiping-edu", " all ")] == [
        True, True, True, False, True]


def test_all_a_list_and_a_file_resolve_from_the_registry(folder: Path, tmp_path: Path) -> None:
    assert agency_ids("t", "all", [folder]) == ["city-a", "city-b", "city-z", "kaiping-edu"]
    assert agency_ids("t", "city-b, city-a,city-b", [folder]) == ["city-b", "city-a"]
    listing = tmp_path / "ids.txt"
    listing.write_text("# the city\ncity-a  # the first\n\ncity-b,kaiping-edu\n", encoding="utf-8")
    assert agency_ids("t", f"@{listing}", [folder]) == ["city-a", "city-b", "kaiping-edu"]


@pytest.mark.parametrize(("value", "message"), [
    ("city-a,nobody", "xxgk t: unknown agency nobody in --agency; known agencies: city-a, city-b, city-z, "
                      "kaiping-edu"),
    (",", "xxgk t: --agency names no agency"),
    ("@/nonexistent/ids.txt", "xxgk t: cannot read the agency list /nonexistent/ids.txt"),
])
def test_a_bad_list_is_one_line_and_exit_2(folder: Path, capsys: pytest.CaptureFixture[str], value: str,
                                           message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        agency_ids("t", value, [folder])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_broken_agency_file_never_hides_the_others(folder: Path) -> None:
    loaded, broken = load_agencies("t", "all", [folder])
    assert [a.id for a in loaded] == ["city-a", "city-b", "kaiping-edu"] and list(broken) == ["city-z"]


def _row(agency: str, name: str, deltas: list[int] | None) -> dict:
    entry = {"agency": agency, "name": name, "status": "no_report" if deltas is None else "reconciled",
             "reason": "no 2024 annual report among the 3 archived documents", "reconciliation_id": None}
    if deltas is None:
        return agency_row(entry, None)
    rows = [{"claim_index": i, "kind": "published", "channel": "catalog", "category": f"类{i}", "claimed": 10,
             "bound": "exact", "observed": 10 + d, "observed_live": 10 + d, "delta": d,
             "status": "match" if d == 0 else ("fewer_found" if d < 0 else "more_found")}
            for i, d in enumerate(deltas)]
    return agency_row(entry, {"id": f"rec-{agency}", "created_at": "2025-04-01T00:00:00Z", "rows": rows,
                              "agency": agency, "summary": {}})


def test_rows_sort_by_discrepancy_with_the_unreconciled_last_and_names_escaped() -> None:
    rows = [_row("b", "乙局", [0, -3]), _row("x", "无报告局", None), _row("a", "<b>甲局</b>", [2, 0, 1]),
            _row("c", "丙局", [0])]
    assert [r["discrepancy"] for r in rows] == [3, None, 2, 0]
    assert rows[0]["largest"]["delta"] == -3 and rows[2]["statuses"]["more_found"] == 2
    assert [r["agency"] for r in sort_rows(rows, "discrepancy", True)] == ["b", "a", "c", "x"]
    assert [r["agency"] for r in sort_rows(rows, "discrepancy", False)] == ["c", "a", "b", "x"]
    assert [r["agency"] for r in sort_rows(rows, "more_found", True)] == ["a", "b", "c", "x"]
    assert [r["agency"] for r in sort_rows(rows, "agency", False)] == ["a", "b", "c", "x"]
    with pytest.raises(ValueError, match="unknown sort"):
        sort_rows(rows, "size", True)
    matrix = {"year": 2024, "sort": "discrepancy", "descending": True, "agencies": sort_rows(rows, "discrepancy", True),
              "key_claims": []}
    html = matrix_table(matrix, lambda key, desc: f"?sort={key}&desc={int(desc)}", lambda r: f"#{r['agency']}")
    assert "<b>甲局</b>" not in html and "&lt;b&gt;甲局&lt;/b&gt;" in html
    assert 'href="?sort=discrepancy&amp;desc=0"' in html  # the current column flips
    assert 'href="?sort=agency&amp;desc=0"' in html  # names sort A to Z first
    text = render_csv(matrix)
    assert text.startswith("\ufeffyear,agency,")
    assert text.count("\n") == 1 + 2 + 1 + 3 + 1  # the header, one line a claim, one for the agency without


def test_a_crawl_of_many_agencies_exits_with_the_worst_of_theirs() -> None:
    from xxgk.commands.crawl_many import exit_status, worse
    from xxgk.options import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL

    statuses = [exit_status({"status": s}, fail_on_partial=True) for s in
                ("ok", "skipped", "partial", "failed", "interrupted", "not_started")]
    assert statuses == [EXIT_OK, EXIT_OK, EXIT_PARTIAL, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INTERRUPTED]
    assert exit_status({"status": "partial"}, fail_on_partial=False) == EXIT_OK
    assert exit_status({"status": "ok", "recorded": False}, fail_on_partial=False) == EXIT_FAILED
    assert worse(EXIT_PARTIAL, EXIT_FAILED) == EXIT_FAILED and worse(EXIT_FAILED, EXIT_OK) == EXIT_FAILED
    assert worse(EXIT_LOCKED, EXIT_INTERRUPTED) == EXIT_INTERRUPTED and worse(EXIT_OK, EXIT_PARTIAL) == EXIT_PARTIAL


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_across_agencies_speaks_the_readers_language(lang: str) -> None:
    from archive.audit_report.agencies import render_html, render_markdown
    from archive.i18n import t

    rows = [_row("b", "乙局", [0, -3]), _row("x", "无报告局", None), _row("a", "<b>甲局</b>", [2, 0, 1])]
    matrix = {"year": 2024, "sort": "fewer_found", "descending": True, "agencies": sort_rows(rows, "discrepancy", True),
              "counts": {"reconciled": 2, "no_report": 1, "failed": 0, "not_reconciled": 0},
              "claim_statuses": {"match": 3, "fewer_found": 1, "more_found": 2, "unverifiable": 0},
              "key_claims": [{"key": "catalog", "heading": "catalog total"}], "audit": None}
    html = render_html(matrix, lang)
    md = render_markdown(matrix, lang)
    for text in (html, md):
        for key in ("agencies.col.agency", "agencies.col.fewer_found", "agencies.col.discrepancy",
                    "agencies.key.catalog", "agencies.status.reconciled", "agencies.status.no_report"):
            assert t(key, lang) in text, (key, lang)
        assert t("agencies.report_h1", lang, year=2024) in text
    english = ("no 2024 annual report among", "Largest discrepancy", "reconciled", "no report", "fewer", " of ")
    if lang == "zh":  # nothing of the English table is left, the stored reason included
        # what a reader sees (the style sheet, class names and links aside)
        shown = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S)) + md
        assert not [w for w in english if w in shown], [w for w in english if w in shown]
        assert "已存档的 3 份文件中没有 2024 年的年度报告" in html
        assert "政府信息公开目录 · 类1" in html  # the largest discrepancy's claim, labelled in Chinese
        assert '<html lang="zh-CN">' in html
    else:
        assert all(w in html for w in english) and "catalog · 类1" in html
    assert "<b>甲局</b>" not in html and "&lt;b&gt;甲局&lt;/b&gt;" in html
