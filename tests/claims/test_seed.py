"""The real seed report (mirror copy of 开平市教育局 2024) must give exactly the known claims.

Three inputs of the same report: the mirror text as is (traditional, pinyin, mojibake), the same
text converted to simplified, and the text wrapped as HTML (<p> per line) read through read_report.
The 457 WeChat posts are stated in two sentences; we keep one claim per sentence (both 457).
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

import opencc
import pytest

from archive.claims import extract_claims, read_report

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "fixtures" / "annual-reports" / "000_3a207b8684e19656.txt"

EXPECTED_PUBLISHED = Counter(
    [
        ("catalog", None, 191),
        ("catalog", "政府信息公开指南", 1),
        ("catalog", "政府信息公开制度", 2),
        ("catalog", "组织机构信息", 2),
        ("catalog", "部门文件及公示公告", 63),
        ("catalog", "政务动态", 42),
        ("catalog", "行政执法公示", 22),
        ("catalog", "部门预决算", 50),
        ("catalog", "政府信息公开年报", 1),
        ("catalog", "其他信息", 8),
        ("website", None, 162),
        ("wechat", None, 457),
        ("wechat", None, 457),
        ("key_areas", "教育工作信息", 8),
        ("key_areas", "政策法规", 5),
        ("key_areas", "发展规划", 2),
        ("key_areas", "教育数据", 2),
        ("key_areas", "教育经费信息", 3),
        ("key_areas", "教育高质量发展", 7),
    ]
)


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _as_is(tmp_path: Path) -> tuple[str, dict]:
    text = _seed_text()
    return text, extract_claims(text)


def _simplified(tmp_path: Path) -> tuple[str, dict]:
    text = opencc.OpenCC("t2s").convert(_seed_text())
    return text, extract_claims(text)


def _html(tmp_path: Path) -> tuple[str, dict]:
    body = "".join(f"<p>{escape(line)}</p>\n" for line in _seed_text().split("\n"))
    path = tmp_path / "report.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'></head><body>\n{body}</body></html>", encoding="utf-8"
    )
    text, html = read_report(path)
    assert html is not None
    return text, extract_claims(text, html)


VARIANTS = {"as_is": _as_is, "simplified": _simplified, "html": _html}


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def seed(request, tmp_path):
    return VARIANTS[request.param](tmp_path)


def test_year_period_agency_format(seed):
    _, r = seed
    assert r["year"] == 2024
    assert r["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert r["format"] is None  # the tables were lost and nothing else tells
    assert r["agency"] == {"name": "开平市教育局", "note": None}


def test_exact_published_claims(seed):
    _, r = seed
    got = Counter((c["channel"], c["category"], c["value"]) for c in r["claims"] if c["kind"] == "published")
    assert got == EXPECTED_PUBLISHED  # and nothing else: no staff, money, schools, events, 13次 …
    assert all(not c["approx"] for c in r["claims"])


def test_applications_and_reads(seed):
    _, r = seed
    kinds = Counter(c["kind"] for c in r["claims"])
    assert kinds == {"published": 19, "applications": 1, "reads": 1}
    (app,) = [c for c in r["claims"] if c["kind"] == "applications"]
    assert app["value"] == 0 and app["unit"] == "宗"
    (reads,) = [c for c in r["claims"] if c["kind"] == "reads"]
    assert (reads["channel"], reads["value"], reads["unit"]) == ("wechat", 910000, "次")


def test_wechat_stated_twice_consistently(seed):
    _, r = seed
    wechat = [c for c in r["claims"] if c["kind"] == "published" and c["channel"] == "wechat"]
    assert [c["value"] for c in wechat] == [457, 457]
    assert wechat[0]["quote_start"] != wechat[1]["quote_start"]  # one claim per sentence
    assert any("wechat total stated 2 times" in n and "consistent" in n for n in r["notes"])


def test_offsets_point_into_the_input(seed):
    text, r = seed
    for c in r["claims"]:
        span = text[c["start"] : c["end"]]
        assert c["number"] in span
        assert c["quote_start"] <= c["start"] < c["end"] <= c["quote_end"]
        assert text[c["quote_start"] : c["quote_end"]].strip() == c["quote"]
    by_value = {c["value"]: c for c in r["claims"] if c["kind"] == "published"}
    assert "191" in text[by_value[191]["start"] : by_value[191]["end"]]
    reads = next(c for c in r["claims"] if c["kind"] == "reads")
    assert "91" in text[reads["start"] : reads["end"]]


def test_tables_missing_and_checks(seed):
    _, r = seed
    assert r["tables"] == {"t2": None, "t3": None, "t4": None}
    assert r["missing"] == ["t2", "t3", "t4"]
    checks = {c["id"]: c for c in r["checks"]}
    assert set(checks) == {"T3-H1", "T3-H2", "T3-H3", "T3-H4", "T4-H1", "T4-H2", "T4-H3", "T2-H1",
                           "N-1", "N-2", "N-4", "F-1"}  # fmt: skip
    assert checks["N-4"]["ok"] is True and "191" in checks["N-4"]["detail"]
    for cid in ("T3-H1", "T3-H2", "T3-H3", "T3-H4"):
        assert checks[cid]["ok"] is None and checks[cid]["detail"] == "table 三 absent"
    assert checks["T4-H1"]["ok"] is None and checks["T2-H1"]["ok"] is None
    assert checks["N-1"]["ok"] is None and checks["F-1"]["ok"] is None


def test_mirror_host_note_without_agency_host(seed):
    """No host is assumed: the note says the host is not a government one and lists the paths."""
    _, r = seed
    (note,) = [n for n in r["notes"] if "m.38966.com.cn" in n]
    assert "not a government host" in note and "/jmkpsjyj/gkmlpt/index" in note
    assert "kaiping" not in note


def test_mirror_host_note(seed):
    text, _ = seed
    r = extract_claims(text, agency_hosts=["www.kaiping.gov.cn"])
    host_notes = [n for n in r["notes"] if "m.38966.com.cn" in n]
    assert len(host_notes) == 1
    assert (
        "not the agency's host" in host_notes[0]
        and "www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index" in host_notes[0]
    )


def test_agency_host_option_silences_host_note():
    r = extract_claims(_seed_text(), agency_hosts=["www.kaiping.gov.cn", "m.38966.com.cn"])
    assert not any("m.38966.com.cn" in n for n in r["notes"])


def test_mojibake_spans_noted_on_the_mirror_text():
    r = extract_claims(_seed_text())
    assert any(n.startswith("unreadable mojibake") and "睓C" in n and "”機" in n for n in r["notes"])
    assert len([n for n in r["notes"] if "mojibake" in n]) == 7
