"""The simulated annual report: stated claims, the three tables, presentation variants, derived years."""

from __future__ import annotations

import copy
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest

from simulator import report, report_wording
from simulator.report import T3_ROWS_2019, T3_ROWS_2021, report_body_html, report_spec, report_text
from simulator.scenario import load
from simulator.world import Agency, World

CLAIMS = load("kaiping-2024")["annual_report"]["claims"]


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agency_by_id["kaiping-edu"]


def with_report(world: World, **changes: Any) -> World:
    """The same world with the scenario's annual_report block changed (the renderer reads it lazily)."""
    other = copy.copy(world)
    other.scenario = copy.deepcopy(world.scenario)
    other.scenario["annual_report"].update(copy.deepcopy(changes))
    return other


class _Tables(HTMLParser):
    """Tables of an HTML fragment as rows of (text, rowspan, colspan)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag == "td":
            self._cell = []
            self._span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell), *self._span))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[list[list[tuple[str, int, int]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row_widths(table: list[list[tuple[str, int, int]]]) -> list[int]:
    """Grid width of every row, counting cells carried down by rowspan."""
    carried: Counter[int] = Counter()  # row index -> columns occupied by cells from above
    widths = []
    for r, row in enumerate(table):
        widths.append(carried[r] + sum(colspan for _, _, colspan in row))
        for _, rowspan, colspan in row:
            for below in range(r + 1, r + rowspan):
                carried[below] += colspan
    return widths


def labelled_rows(table: list[list[tuple[str, int, int]]]) -> dict[str, list[str]]:
    """Last label cell of a data row -> its value cells (cells after the label)."""
    out = {}
    for row in table:
        texts = [t for t, _, _ in row]
        labels = [i for i, t in enumerate(texts) if t and not t.isdigit() and t not in ("-", "—", "_")]
        if labels:
            out[texts[labels[-1]]] = texts[labels[-1] + 1:]
    return out


# ---------------------------------------------------------------- the kaiping 2024 report


SEED = {"style": "seed"}


def test_kaiping_2024_states_every_claim(world: World, agency: Agency) -> None:
    """Whichever wording the seed draws, every claim of the scenario is stated with its platform."""
    spec = report_spec(world, agency, 2024)
    assert spec["wording"]["style"] in report_wording.DRAWN_STYLES
    text = report_text(world, agency, 2024)
    for category, n in CLAIMS["catalog"].items():
        assert f"{category}{n}" in text
    for n in (191, 162, 457):
        assert str(n) in text
    readback = {(c["kind"], c["channel"], c["category"], c["value"]) for c in spec["readback"]}
    assert ("published", "catalog", None, 191) in readback and ("published", "website", None, 162) in readback
    assert ("published", "wechat", None, 457) in readback and ("reads", "wechat", None, 910000) in readback
    assert {("published", "catalog", k, n) for k, n in CLAIMS["catalog"].items()} <= readback
    assert {("published", "key_areas", k, n) for k, n in CLAIMS["key_areas"].items()} <= readback
    assert ("applications", None, None, 0) in readback


def test_kaiping_2024_seed_wording_verbatim(world: World, agency: Agency) -> None:
    w = with_report(world, wording=SEED)
    html = report_body_html(w, agency, 2024)
    text = report_text(w, agency, 2024)
    for body in (html, text):
        assert "主动公开政府信息191条" in body
        for category, n in CLAIMS["catalog"].items():
            assert f"{category}{n}条" in body
        assert "政务网（http://www.kaiping.gov.cn/kpsjyjzww/）发布信息162条" in body
        assert "通过“开平教育”微信公众号发布信息457条" in body
        assert "发布457篇教育动态，累计阅读量91万" in body
        assert body.count("457") == 2
        assert "共受理政府信息公开申请0宗" in body
        assert "（联系电话：0750-2213093）" in body
        assert "统计期限自2024年1月1日起至2024年12月31日止" in body
        assert "“教育工作信息”公开信息8条" in body and "“教育高质量发展”公开信息7条" in body


def test_real_hosts_not_mirrors(world: World, agency: Agency) -> None:
    html = report_body_html(with_report(world, wording=SEED), agency, 2024)
    assert "（http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index）" in html
    assert "（http://www.kaiping.gov.cn/kpsjyjzww/）" in html
    for mirror in ("38966", "auxus", "51wts", "zyrhbw"):
        assert mirror not in html


def test_sections_in_order(world: World, agency: Agency) -> None:
    text = report_text(with_report(world, wording=SEED), agency, 2024)
    headings = ["一、总体情况", "（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理", "（四）平台建设",
                "（五）监督保障情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
                "（一）重点领域信息公开情况", "（二）教育事业发展工作落实情况", "（三）建议提案办理情况"]
    lines = text.splitlines()
    positions = [lines.index(h) for h in headings]
    assert positions == sorted(positions)
    # Clean simplified text: no traditional forms, pinyin or mojibake from the mirror copy.
    for bad in ("開", "報", "(jù)", "睓", "?"):
        assert bad not in text


def test_three_tables_in_2021_format(world: World, agency: Agency) -> None:
    html = report_body_html(world, agency, 2024)
    t2, t3, t4 = tables_of(html)
    t2_rows = labelled_rows(t2)
    for label in ("规章", "行政规范性文件"):
        assert t2_rows[label] == ["0", "0", "0"]
    for label in ("行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        assert t2_rows[label] == ["0"]
    t2_text = [t for row in t2 for t, _, _ in row]
    for label in ("第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项",
                  "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（单位：万元）"):
        assert label in t2_text
    assert "规范性文件" not in t2_text and "其他对外管理服务事项" not in t2_text
    # The single-value blocks sit in one cell merged over 3 columns.
    assert ("0", 1, 3) in t2[6]

    assert len(T3_ROWS_2021) == 25
    t3_rows = labelled_rows(t3)
    for _, label in T3_ROWS_2021:
        assert t3_rows[label] == ["0"] * 7, label
    t3_text = [t for row in t3 for t, _, _ in row]
    for label in (report.T3_IDENTITY, "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
                  "法律服务机构", "其他", "总计", "三、本年度办理结果", "（三）不予公开", "（四）无法提供",
                  "（五）不予处理", "（六）其他处理"):
        assert label in t3_text
    assert ("三、本年度办理结果", 22, 1) in [c for row in t3 for c in row]

    assert [t for t, _, _ in t4[0]] == ["行政复议", "行政诉讼"]
    assert [t for t, _, _ in t4[1]] == ["未经复议直接起诉", "复议后起诉"]
    assert [t for t, _, _ in t4[2]] == list(report.T4_RESULTS) * 3
    assert [t for t, _, _ in t4[3]] == ["0"] * 15


@pytest.mark.parametrize("variants", [[], ["format2019"], ["wrong_header"], ["format2019", "wrong_header"]])
def test_table_grids_are_rectangular(world: World, agency: Agency, variants: list[str]) -> None:
    html = report_body_html(with_report(world, variants=variants), agency, 2024)
    widths = [set(row_widths(t)) for t in tables_of(html)]
    expected = [{4}, {10}, {15}] if "wrong_header" not in variants else [{4}, {10}, {8}, {15}]
    assert widths == expected


def test_spec_of_the_scenario_report(world: World, agency: Agency) -> None:
    spec = report_spec(world, agency, 2024)
    assert spec["source"] == "scenario" and spec["format"] == "2021" and spec["variants"] == []
    assert spec["claims"] == CLAIMS
    assert spec["published_at"] == "2025-01-20T10:12:00"
    assert spec["tables_present"] is True and spec["blank_cells"] == []
    assert set(spec["tables"]["t3"]) == {k for k, _ in T3_ROWS_2021}
    assert all(v == [0] * 7 for v in spec["tables"]["t3"].values())
    assert spec["tables"]["t4"] == {"review": [0] * 5, "litigation_direct": [0] * 5, "litigation_after_review": [0] * 5}
    assert spec["urls"] == {"catalog": "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index",
                            "website": "http://www.kaiping.gov.cn/kpsjyjzww/"}


def test_report_text_tables_one_row_per_line(world: World, agency: Agency) -> None:
    lines = report_text(world, agency, 2024).splitlines()
    assert "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines
    assert "行政规范性文件 | 0 | 0 | 0" in lines
    assert " | ".join(["0"] * 15) in lines
    assert "<" not in "".join(lines)


# ---------------------------------------------------------------- explicit tables and planted failures


def test_explicit_table_values_are_rendered(world: World, agency: Agency) -> None:
    tables = {"t2": {"normative_documents": [2, 1, 15], "licensing": 3, "punishment": [4, 0, 0], "fees": 0.35},
              "t3": {"newReceived": [2, 1, 0, 0, 0, 0, 3], "granted": [2, 1, 0, 0, 0, 0, 3],
                     "totalProcessed": [2, 1, 0, 0, 0, 0, 3]},
              "t4": {"review": [1, 0, 0, 0, 1]}}
    w = with_report(world, tables=tables)
    lines = report_text(w, agency, 2024).splitlines()
    assert "行政规范性文件 | 2 | 1 | 15" in lines
    assert "行政许可 | 3" in lines
    assert "行政处罚 | 4 | 0 | 0" in lines  # extra cells in a single-value block (reference §2.4)
    assert "行政事业性收费 | 0.35" in lines
    assert "一、本年新收政府信息公开申请数量 | 2 | 1 | 0 | 0 | 0 | 0 | 3" in lines
    assert "1 | 0 | 0 | 0 | 1 | " + " | ".join(["0"] * 10) in lines
    spec = report_spec(w, agency, 2024)
    assert spec["tables"]["t2"]["punishment"] == [4, 0, 0] and spec["tables"]["t2"]["licensing"] == 3
    assert spec["tables"]["t3"]["carriedForward"] == [0] * 7


def test_planted_identity_failures_render_as_given(world: World, agency: Agency) -> None:
    tables = {"t3": {"newReceived": [5, 0, 0, 0, 0, 0, 5], "granted": [3, 0, 0, 0, 0, 0, 3],
                     "totalProcessed": [3, 0, 0, 0, 0, 0, 4], "carriedForward": [1, 0, 0, 0, 0, 0, 1]},
              "t4": {"litigation_direct": [1, 0, 0, 1, 1]}}
    w = with_report(world, tables=tables, planted=["T3-H1", "T3-H3", "T4-H2"])
    html = report_body_html(w, agency, 2024)
    rows = labelled_rows(tables_of(html)[1])
    assert rows["（七）总计"] == ["3", "0", "0", "0", "0", "0", "4"]
    assert rows["一、本年新收政府信息公开申请数量"] == ["5", "0", "0", "0", "0", "0", "5"]
    assert [t for t, _, _ in tables_of(html)[2][3]][5:10] == ["1", "0", "0", "1", "1"]
    assert report_spec(w, agency, 2024)["planted"] == ["T3-H1", "T3-H3", "T4-H2"]


def test_unknown_variant_is_refused(world: World, agency: Agency) -> None:
    with pytest.raises(ValueError, match="unknown annual-report variants"):
        report_body_html(with_report(world, variants=["tables_as_pictures"]), agency, 2024)


# ---------------------------------------------------------------- presentation variants


def test_variant_format2019(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["format2019"])
    html = report_body_html(w, agency, 2024)
    t2, t3, _ = tables_of(html)
    t2_text = [t for row in t2 for t, _, _ in row]
    for label in ("规范性文件", "本年新制作数量", "本年新公开数量", "对外公开总数量", "其他对外管理服务事项",
                  "第二十条第（九）项", "政府集中采购", "采购项目数量", "采购总金额", "上一年项目数量", "本年增/减"):
        assert label in t2_text
    assert "行政规范性文件" not in t2_text and "本年制发件数" not in t2_text
    assert len(T3_ROWS_2019) == 23
    rows = labelled_rows(t3)
    assert rows["（六）其他处理"] == ["0"] * 7
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" not in html
    spec = report_spec(w, agency, 2024)
    assert spec["format"] == "2019" and "other" in spec["tables"]["t3"] and "other.other" not in spec["tables"]["t3"]
    # The same result via the `format` key.
    assert report_body_html(with_report(world, format="2019"), agency, 2024) == html


def test_variant_format2019_values(world: World, agency: Agency) -> None:
    tables = {"t2": {"licensing": 7, "procurement": [2, 356000]},
              "t3": {"other.noCorrection": [1, 0, 0, 0, 0, 0, 1], "other.other": [1, 0, 0, 0, 0, 0, 1]}}
    w = with_report(world, variants=["format2019"], tables=tables)
    lines = report_text(w, agency, 2024).splitlines()
    assert "行政许可 | 0 | 0 | 7" in lines
    assert "政府集中采购 | 2 | 356000元" in lines
    assert "（六）其他处理 | 2 | 0 | 0 | 0 | 0 | 0 | 2" in lines


def test_variant_blank_cells(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["blank_cells"], tables={"t3": {"newReceived": [1, 0, 0, 0, 0, 0, 1]}})
    html = report_body_html(w, agency, 2024)
    cells = [t for table in tables_of(html) for row in table for t, _, _ in row]
    assert "0" not in cells
    for marker in report.BLANK_MARKERS:
        assert marker in cells
    assert labelled_rows(tables_of(html)[1])["一、本年新收政府信息公开申请数量"][0] == "1"
    spec = report_spec(w, agency, 2024)
    assert len(spec["blank_cells"]) == 10 + 25 * 7 - 2 + 15
    assert {b["marker"] for b in spec["blank_cells"]} == set(report.BLANK_MARKERS)
    assert spec["tables"]["t3"]["granted"] == [0] * 7  # the values stay 0; only their display is blank
    assert report_body_html(w, agency, 2024) == html


def test_variant_split_labels(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["split_labels"])
    html = report_body_html(w, agency, 2024)
    assert "<span>申请人情</span><span>况</span>" in html
    assert "<span>自然</span><span>人</span>" in html
    assert "申请人情况" not in html
    text = report_text(w, agency, 2024)
    assert "三、本 年 度 办 理 结 果" in text and "商业 企业" in text
    # Most labels are split somewhere; the joined text is the label.
    assert html.count("</span><span>") > 40
    assert "二、上年结转政府信息公开申请数量 | 0" in text


def test_variant_tables_as_text_cells(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["tables_as_text_cells"])
    html = report_body_html(w, agency, 2024)
    assert "<table" not in html
    lines = report_text(w, agency, 2024).splitlines()
    start = lines.index("二、主动公开政府信息情况")
    assert lines[start + 1:start + 6] == ["第二十条第（一）项 |", "信息内容 |", "本年制发件数 |", "本年废止件数 |",
                                         "现行有效件数 |"]
    assert "一、本年新收政府信息公开申请数量 |" in lines and "0 |" in lines
    assert '<p style="text-indent:2em;">行政许可 |</p>' in html


def test_variant_tables_as_text_rows(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["tables_as_text_rows"])
    html = report_body_html(w, agency, 2024)
    assert "<table" not in html
    assert '<p style="text-indent:2em;">一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0</p>' in html
    assert '<p style="text-indent:2em;">行政规范性文件 | 0 | 0 | 0</p>' in html


def test_variant_mixed_flattening(world: World, agency: Agency) -> None:
    """Both flattenings: 表二 one cell per line, 表三/表四 one row per line (a real mixed page)."""
    w = with_report(world, variants=["tables_as_text_cells", "tables_as_text_rows"])
    lines = report_text(w, agency, 2024).splitlines()
    assert "行政规范性文件 |" in lines and "行政规范性文件 | 0 | 0 | 0" not in lines
    assert "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines


def test_variant_tables_missing(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["tables_missing"])
    html = report_body_html(w, agency, 2024)
    assert "<table" not in html and "<td" not in html
    lines = report_text(w, agency, 2024).splitlines()
    i = lines.index("二、主动公开政府信息情况")
    assert lines[i:i + 4] == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    assert lines[-1] == "相关附件:"
    assert report_spec(w, agency, 2024)["tables_present"] is False
    assert "相关附件" not in report_text(world, agency, 2024)


def test_variant_wrong_header(world: World, agency: Agency) -> None:
    w = with_report(world, variants=["wrong_header"])
    html = report_body_html(w, agency, 2024)
    tables = tables_of(html)
    assert len(tables) == 4
    head, tail = tables[1], tables[2]
    assert [t for t, _, _ in tail[0]] == list(report.T3_WRONG_HEADER)
    tail_rows = labelled_rows(tail)
    for key, label in T3_ROWS_2021:
        in_tail = key.startswith("other.") or key in ("totalProcessed", "carriedForward")
        assert (label in tail_rows) == in_tail, label
        assert (label in labelled_rows(head)) == (not in_tail), label
    assert tail[1] == [("（六）其他处理", 1, 8)]
    lines = report_text(w, agency, 2024).splitlines()
    header = lines.index(" | ".join(report.T3_WRONG_HEADER))
    assert lines[header + 2].startswith("1.申请人无正当理由逾期不补正")


# ---------------------------------------------------------------- other years, determinism, escaping


@pytest.mark.parametrize("year", [2021, 2023])
def test_other_year_claims_equal_the_world(world: World, agency: Agency, year: int) -> None:
    top: dict[int, str] = {}
    for cat in agency.all_categories():
        if cat.jump_url:
            continue
        node = cat
        while node.parent:
            node = agency.category_by_id[node.parent]
        top[cat.id] = node.name
    catalog = Counter(top[d.category.id] for d in agency.docs if d.published.year == year)
    website = {a.id for a in agency.articles if a.published.year == year}
    assert agency.wechat is not None
    wx = [a for a in agency.wechat.articles if a.ct.year == year]

    spec = report_spec(world, agency, year)
    claims = spec["claims"]
    assert spec["source"] == "derived" and spec["format"] == "2021"
    assert {k: v for k, v in claims["catalog"].items() if v} == dict(catalog)
    assert "重点领域信息公开" not in claims["catalog"]
    assert claims["catalog_total"] == sum(catalog.values()) == sum(claims["catalog"].values())
    assert claims["website"] == len(website)
    assert claims["wechat"] == len(wx)
    assert claims["wechat_reads"] == f"{round(sum(a.read_num for a in wx) / 10000)}万"
    assert claims["applications"] == 0
    assert list(claims["key_areas"]) == list(report.KEY_AREAS)
    assert all(1 <= n <= 9 for n in claims["key_areas"].values())
    assert all(v == [0] * 7 for v in spec["tables"]["t3"].values())

    text = report_text(world, agency, year)
    for n in (claims["catalog_total"], claims["website"], claims["wechat"]):
        assert str(n) in text
    readback = {(c["kind"], c["channel"], c["category"], c["value"]) for c in spec["readback"]}
    assert ("published", "catalog", None, claims["catalog_total"]) in readback
    assert ("published", "website", None, claims["website"]) in readback
    assert ("published", "wechat", None, claims["wechat"]) in readback
    assert f"{year}年1月1日" in text and f"{year}年12月31日" in text
    assert "2024" not in text or year == 2024


def test_every_catalog_report_renders(world: World, agency: Agency) -> None:
    years = sorted({d.report_year for d in agency.docs if d.report_year is not None})
    assert 2024 in years
    for year in years:
        assert "二、主动公开政府信息情况" in report_body_html(world, agency, year)


def test_deterministic(world: World, agency: Agency) -> None:
    fresh = World(load("kaiping-2024"))
    other = fresh.agency_by_id["kaiping-edu"]
    for year in (2022, 2024):
        assert report_body_html(world, agency, year) == report_body_html(fresh, other, year)
        assert report_text(world, agency, year) == report_text(fresh, other, year)
        assert report_spec(world, agency, year) == report_spec(fresh, other, year)
    variants = ["blank_cells", "split_labels"]
    assert report_body_html(with_report(world, variants=variants), agency, 2024) == \
        report_body_html(with_report(fresh, variants=variants), other, 2024)


def test_spec_is_a_copy(world: World, agency: Agency) -> None:
    spec = report_spec(world, agency, 2024)
    spec["claims"]["catalog"]["政务动态"] = 999
    assert world.scenario["annual_report"]["claims"]["catalog"]["政务动态"] == 42
    assert "政务动态42" in report_text(world, agency, 2024)


def test_values_from_data_are_escaped() -> None:
    scenario = load("kaiping-2024")
    scenario["agencies"][0]["name"] = "开平<市>教育局&"
    scenario["annual_report"]["claims"]["catalog"] = {"<script>alert(1)</script>": 3}
    scenario["annual_report"]["claims"]["wechat_reads"] = "91万<br>"
    scenario["annual_report"]["tables"] = {"t3": {"newReceived": ["<b>1</b>", 0, 0, 0, 0, 0, 1]}}
    scenario["annual_report"]["wording"] = SEED
    w = World(scenario)
    agency = w.agency_by_id["kaiping-edu"]
    html = report_body_html(w, agency, 2024)
    for raw in ("<script>", "<b>", "<br>", "<市>"):
        assert raw not in html
    for escaped in ("&lt;script&gt;alert(1)&lt;/script&gt;3条", "&lt;b&gt;1&lt;/b&gt;", "91万&lt;br&gt;",
                    "开平&lt;市&gt;教育局&amp;"):
        assert escaped in html
    assert "<script>alert(1)</script>3条" in report_text(w, agency, 2024)


# ---------------------------------------------------------------- wordings (report_wording.py)


def test_wording_is_drawn_from_the_seed_and_can_be_fixed(world: World, agency: Agency) -> None:
    fresh = World(load("kaiping-2024"))
    years = range(2020, 2025)
    drawn = [report_spec(world, agency, y)["wording"] for y in years]
    assert drawn == [report_spec(fresh, fresh.agency_by_id["kaiping-edu"], y)["wording"] for y in years]
    assert {d["style"] for d in drawn} <= set(report_wording.DRAWN_STYLES)
    assert len({d["style"] for d in drawn}) > 1  # years differ
    fixed = {"style": "channel_split", "script": "traditional", "digits": "grouped", "tables": "flat_rows"}
    spec = report_spec(with_report(world, wording=fixed), agency, 2024)
    assert spec["wording"] == fixed and "tables_as_text_rows" in spec["variants"]


@pytest.mark.parametrize("wording", [{"style": "telegram"}, {"script": "klingon"}, {"tables": "png"},
                                     {"colour": "red"}])
def test_unknown_wording_is_refused(world: World, agency: Agency, wording: dict) -> None:
    with pytest.raises(ValueError, match="wording"):
        report_spec(with_report(world, wording=wording), agency, 2024)


def test_traditional_copy_converts_narrative_and_tables(world: World, agency: Agency) -> None:
    w = with_report(world, wording={"style": "seed", "script": "traditional"})
    text = report_text(w, agency, 2024)
    assert "總體情況" in text and "政務動態42條" in text and "本年新收政府信息公開申請數量" in text
    assert "总体情况" not in text
    assert "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index" in text  # URLs stay as they are


@pytest.mark.parametrize(("digits", "shown"), [("grouped", "1,234"), ("fullwidth", "１２３４"), ("ascii", "1234")])
def test_digits(world: World, agency: Agency, digits: str, shown: str) -> None:
    w = with_report(world, wording={"style": "seed", "digits": digits}, claims={**CLAIMS, "website": 1234})
    assert f"发布信息{shown}条" in report_text(w, agency, 2024)


def other_agency_world() -> World:
    scenario = load("kaiping-2024")
    scenario["agencies"][0]["name"] = "鹤山市审计局"
    del scenario["agencies"][0]["voice"]  # Kaiping's places, phone and address are not the audit bureau's
    scenario["agencies"][0]["wechat"]["name"] = "鹤山审计"
    scenario["annual_report"]["claims"] = {
        "catalog": {"组织机构": 2, "部门文件": 6, "工作动态": 35}, "website": "约4800", "wechat": "超300",
        "wechat_reads": "约48万", "weibo": "120余", "apps": {"看鹤山": 41}, "website_columns": {"通知公告": 30},
        "applications": 3}
    return World(scenario)


@pytest.mark.parametrize("style", report_wording.STYLES)
def test_another_agency_has_its_own_names_and_no_kaiping_boilerplate(style: str) -> None:
    w = other_agency_world()
    w.scenario["annual_report"]["wording"] = {"style": style}
    agency = w.agency_by_id["kaiping-edu"]
    text = report_text(w, agency, 2024)
    assert "鹤山市审计局" in text and "“鹤山审计”微信公众号" in text
    assert "开平市" not in text and "开平教育" not in text and "教育" not in text and "2213093" not in text
    assert "约4800" in text and "超300" in text and "120余条" in text and "“看鹤山”app" in text
    spec = report_spec(w, agency, 2024)
    bounds = {(c["channel"], c["value"], c["bound"]) for c in spec["readback"] if c["kind"] == "published"}
    assert {("website", 4800, "approx"), ("wechat", 300, "lower"), ("weibo", 120, "lower"), ("other", 41, "exact")} <= bounds
    assert spec["claims"]["catalog_total"] == 43
