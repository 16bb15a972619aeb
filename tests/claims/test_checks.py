"""Identity checks (reference §5) pass on consistent tables and fail exactly where a fault is planted."""

from __future__ import annotations

from archive.claims import extract_claims

from .builders import (
    GLUED_2021,
    GLUED_T3,
    GLUED_T4,
    report_text,
    t2_html_2021,
    t2_text_2019,
    t3_html,
    t3_values,
    t4_html,
)

T4_OK = [1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]
NARRATIVE = "2024年，本局在政府信息公开目录主动公开政府信息10条。全年共收到政府信息公开申请4件。"


def _run(t2=None, t3=None, t4=None, narrative=NARRATIVE, year_text=None) -> dict[str, dict]:
    t2 = t2_html_2021() if t2 is None else t2
    t3 = t3_values() if t3 is None else t3
    t4 = T4_OK if t4 is None else t4
    html = f"<html><body>{t2}{t3_html(t3)}{t4_html(t4)}</body></html>"
    text = report_text(narrative=narrative)
    if year_text:
        text = text.replace("2024年1月1日起至2024年12月31日", year_text)
    result = extract_claims(text, html)
    return {c["id"]: c for c in result["checks"]}


def _ok(checks: dict, *ids: str) -> list:
    return [checks[i]["ok"] for i in ids]


def test_consistent_report_passes_everything():
    narrative = (
        "本局在政府信息公开目录主动公开政府信息10条，其中政务动态6条、通知公告4条。"
        "全年共收到政府信息公开申请4件。被申请行政复议2件，均获维持。"
    )
    checks = _run(narrative=narrative, t4=[2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
    assert all(c["ok"] is True for c in checks.values()), {
        k: c for k, c in checks.items() if c["ok"] is not True
    }
    assert {c["severity"] for i, c in checks.items() if i.startswith("T")} == {"error"}
    assert {checks[i]["severity"] for i in ("N-1", "N-2", "N-4", "F-1")} == {"warning"}


def test_t3_h1_fails_on_a_wrong_carried_forward():
    values = t3_values()
    values["carriedForward"] = [0, 0, 0, 0, 0, 0, 2]
    checks = _run(t3=values)
    assert checks["T3-H1"]["ok"] is False
    assert "total: 4+1 != 5+2" in checks["T3-H1"]["detail"]
    assert checks["T3-H3"]["ok"] is False  # the planted 总计 no longer sums its row either
    assert checks["T3-H2"]["ok"] is True


def test_t3_h2_fails_when_results_do_not_add_up():
    values = t3_values()
    values["granted"] = [1, 1, 0, 0, 0, 0, 2]
    values["deny.thirdParty"] = [0, 0, 0, 0, 0, 0, 0]
    checks = _run(t3=values)
    assert checks["T3-H2"]["ok"] is False
    assert "natural: total 4 != sum of 21 result rows 3" in checks["T3-H2"]["detail"]
    assert checks["T3-H1"]["ok"] is True and checks["T3-H3"]["ok"] is True


def test_t3_h3_fails_on_a_row_total():
    values = t3_values()
    values["deny.stateSecret"] = [0, 0, 0, 0, 0, 0, 1]
    checks = _run(t3=values)
    assert checks["T3-H3"]["ok"] is False
    assert "deny.stateSecret: 总计 1 != 0+0+0+0+0+0 = 0" in checks["T3-H3"]["detail"]


def test_t3_h4_fails_on_a_decimal_or_negative_cell():
    values = t3_values()
    values["unable.unclear"] = [0, 0, 0, 0, 0, 0.5, 0]
    values["notProcessed.repeat"] = [-1, 0, 0, 0, 0, 0, 0]
    checks = _run(t3=values)
    assert checks["T3-H4"]["ok"] is False
    assert "unable.unclear.other=0.5" in checks["T3-H4"]["detail"]
    assert "notProcessed.repeat.natural=-1" in checks["T3-H4"]["detail"]


def test_t4_identities():
    bad = list(T4_OK)
    bad[4] = 3  # review total 3 != 1+0+0+1
    bad[14] = 0  # after-review total 0 != 1
    checks = _run(t4=bad)
    assert _ok(checks, "T4-H1", "T4-H2", "T4-H3") == [False, True, False]
    assert "review: total 3 != upheld 1+corrected 0+other 0+pending 1 = 2" == checks["T4-H1"]["detail"]


def test_t2_h1_negative_count_fails():
    checks = _run(t2=t2_html_2021(norm=(2, -1, 5)))
    assert checks["T2-H1"]["ok"] is False and "normative_documents=-1" in checks["T2-H1"]["detail"]


def test_n1_narrative_application_count():
    assert _run()["N-1"]["ok"] is True  # 4 = 新收
    assert _run(narrative="全年共收到政府信息公开申请5件。")["N-1"]["ok"] is True  # 5 = 新收 + 上年结转
    n1 = _run(narrative="全年共收到政府信息公开申请7件。")["N-1"]
    assert n1["ok"] is False and "narrative 7" in n1["detail"]


def test_n2_narrative_against_table_four():
    said = "本年度未发生政府信息公开行政复议、行政诉讼案件。"
    assert _run(narrative=said, t4=[0] * 15)["N-2"]["ok"] is True
    assert _run(narrative=said)["N-2"]["ok"] is False
    upheld = "本年度发生行政复议2件，均获维持。"
    assert _run(narrative=upheld, t4=[2, 0, 0, 0, 2] + [0] * 10)["N-2"]["ok"] is True
    n2 = _run(narrative=upheld)["N-2"]  # 尚未审结 1 in T4_OK
    assert n2["ok"] is False and "review.pending=1" in n2["detail"]
    assert _run(narrative="无")["N-2"]["ok"] is None


def test_n4_breakdown_must_sum():
    ok = "本局在政府信息公开目录主动公开政府信息10条，其中政务动态6条、通知公告4条。"
    bad = "本局在政府信息公开目录主动公开政府信息10条，其中政务动态6条、通知公告5条。"
    assert _run(narrative=ok)["N-4"]["ok"] is True
    n4 = _run(narrative=bad)["N-4"]
    assert n4["ok"] is False and n4["detail"] == "catalog 10 < 6+5 = 11: the parts exceed the total"


def test_n4_open_list_and_bounds():
    """A few parts of a larger whole are an open list, not a failure; bounds are ranges."""
    checks = _run(narrative="全年通过门户网站公开政府信息500条（包含工作动态105条、规范性文件7项等）。")
    assert checks["N-4"]["ok"] is None and "open list" in checks["N-4"]["detail"]
    close = _run(narrative="全年通过门户网站公开政府信息100条，其中工作动态60条，通知公告38条。")
    assert close["N-4"]["ok"] is False  # 98 of 100 and not marked open: a real miss
    approx = _run(narrative="全年通过门户网站发布信息约300条，其中工作动态200余条，通知公告90条。")
    assert approx["N-4"]["ok"] is True  # ≥290 against 270..330


def test_f1_outdated_template():
    checks = _run(t2="")  # 2021 tables
    assert checks["F-1"]["ok"] is True
    text = report_text(t2=t2_text_2019())
    result = extract_claims(text)
    assert result["format"] == "2019"
    f1 = {c["id"]: c for c in result["checks"]}["F-1"]
    assert f1["ok"] is False and "2019 labels" in f1["detail"]
    early = extract_claims(text.replace("2024", "2020"))
    assert {c["id"]: c for c in early["checks"]}["F-1"]["ok"] is True


def test_checks_not_evaluable_when_tables_absent():
    result = extract_claims(report_text())
    checks = {c["id"]: c for c in result["checks"]}
    assert [
        checks[i]["ok"] for i in ("T3-H1", "T3-H2", "T3-H3", "T3-H4", "T4-H1", "T2-H1", "N-1", "F-1")
    ] == [None] * 8
    assert checks["T3-H1"]["detail"] == "table 三 absent"
    assert checks["T4-H2"]["detail"] == "table 四 absent"
    assert result["missing"] == ["t2", "t3", "t4"]


def test_t2_h1_not_evaluable_when_table_two_is_unreadable():
    result = extract_claims(report_text(t2=GLUED_2021))
    t2h1 = next(c for c in result["checks"] if c["id"] == "T2-H1")
    # null cells would pass "counts in ℕ" vacuously: an unreadable table is not evaluated
    assert t2h1["ok"] is None and t2h1["detail"].startswith("table 二 unreadable: cells run together")
    assert result["missing"] == ["t3", "t4"] and result["tables"]["t2"]["unreadable"]


def test_narrative_checks_not_evaluable_against_unreadable_tables():
    result = extract_claims(report_text(t3=GLUED_T3, t4=GLUED_T4,
                                        narrative="全年共收到政府信息公开申请4件。本年度未发生行政复议、行政诉讼。"))
    checks = {c["id"]: c for c in result["checks"]}
    # null cells would make "no review, so every cell is 0" hold vacuously
    assert [checks[i]["ok"] for i in ("T3-H1", "T4-H1", "N-1", "N-2")] == [None] * 4
    assert checks["N-2"]["detail"].startswith("table 四 unreadable") and "unreadable" in checks["N-1"]["detail"]
