"""The shared taxonomy of category families (crawler/taxonomy.yaml) and the Agency's use of it."""

from __future__ import annotations

import pytest

from crawler.registry import Registry, agency_from_data
from crawler.taxonomy import Taxonomy, normalize, shared


def test_normalisation_handles_widths_spaces_traditional_and_enumerations():
    assert normalize("政務動態") == "政务动态"
    assert normalize(" 政务　动态 ") == "政务动态"  # ideographic space too
    assert normalize("（一）政务动态：") == "政务动态"
    assert normalize("三、部门文件及公示公告") == "部门文件及公示公告"
    assert normalize("ＡＢＣ１２３") == "ABC123"
    assert normalize("十四五规划") == "十四五规划"  # numerals that are part of the name stay


@pytest.mark.parametrize(("name", "family"), [
    ("政府信息公开指南", "指南"), ("指南", "指南"), ("办事指南", "办事"),  # listed name beats the keyword 指南
    ("政府信息公开制度", "制度"), ("组织机构信息", "机构"), ("机构职能", "机构"),
    ("部门文件", "文件"), ("规范性文件", "文件"), ("其他文件", "文件"), ("政策解读", "解读"),
    ("公示公告", "公告"), ("通知公告", "公告"), ("政务动态", "动态"), ("工作动态", "动态"), ("政務動態", "动态"),
    ("行政执法公示", "执法"), ("执法信息公示", "执法"), ("人事任免公示", "人事"),
    ("部门预决算", "预决算"), ("部门决算", "预决算"), ("政府信息公开年报", "年报"),
    ("政府信息公开工作年度报告", "年报"), ("2023年度报告", "年报"), ("发展规划", "规划"),
    ("其他信息", "其他"), ("其它", "其他"), ("重点领域信息公开", "重点领域"),
])
def test_names_find_their_family(name, family):
    assert shared().family_of(name) == family


def test_unknown_names_have_no_family():
    assert shared().family_of("教育工作信息") is None
    assert shared().families_of("") == []


def test_compound_names_stand_for_every_family_of_their_parts():
    tax = shared()
    assert tax.families_of("部门文件及公示公告") == ["文件", "公告"]
    assert tax.families_of("部门文件、公示公告") == ["文件", "公告"]
    assert tax.families_of("规划和计划") == ["规划"]
    # a part without a family: the whole name decides
    assert tax.families_of("以及动态") == ["动态"]


def test_a_catalog_name_matches_only_when_all_its_families_are_wanted():
    wanted, matched = shared().same_family("公示公告", ["部门文件及公示公告", "公示公告", "通知公告", "政务动态"])
    assert wanted == ["公告"] and matched == ["公示公告", "通知公告"]
    wanted, matched = shared().same_family("部门文件及公示公告", ["部门文件及公示公告", "部门文件", "政务动态"])
    assert matched == ["部门文件及公示公告", "部门文件"]


def test_a_taxonomy_file_needs_families():
    with pytest.raises(ValueError, match="families"):
        Taxonomy({"families": []})
    with pytest.raises(ValueError, match=r"families\[0\]"):
        Taxonomy({"families": [{"names": ["x"]}]})


CATALOG = ["政府信息公开指南", "部门文件", "公示公告", "工作动态", "政府信息公开年报", "其他信息"]


def test_the_agency_says_how_it_matched():
    agency = Registry().load("kaiping-edu")
    assert agency.match_catalog("工作 動態", CATALOG) == (["工作动态"], "by name")
    names, how = agency.match_catalog("政务动态", CATALOG)
    assert names == ["工作动态"] and how == "by the shared taxonomy family 动态 (政务动态 → 工作动态)"
    names, how = agency.match_catalog("财政资金信息", CATALOG)
    assert names == [] and "knows no family" in how


def test_agency_aliases_win_and_name_their_file():
    raw = {**Registry().load("kaiping-edu").raw, "category_aliases": {"政务动态": ["公示公告"]}}
    agency = agency_from_data(raw, "agency file /x/mine.yaml")
    names, how = agency.match_catalog("政务动态", CATALOG)
    assert names == ["公示公告"]
    assert how == "by the agency's alias 政务动态 → 公示公告 (category_aliases in agency file /x/mine.yaml)"
    # an alias naming no category of this catalog falls back to the taxonomy
    raw["category_aliases"] = {"政务动态": ["图片新闻"]}
    names, how = agency_from_data(raw, "f").match_catalog("政务动态", CATALOG)
    assert names == ["工作动态"] and how.startswith("by the shared taxonomy")


def test_catalog_names_for_lists_the_family_names_for_sql_lookups():
    names = Registry().load("kaiping-edu").catalog_names_for("政府信息公开年报")
    assert names[0] == "政府信息公开年报"
    assert {"年报", "年度报告", "政府信息公开工作年度报告"} <= set(names)
