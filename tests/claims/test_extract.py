"""Narrative extraction beyond the seed: channels, categories, agency, year sources, spam."""

from __future__ import annotations

import pytest

from archive.claims import extract_claims


def _claims(text: str) -> list[tuple]:
    return [(c["kind"], c["channel"], c["category"], c["value"]) for c in extract_claims(text)["claims"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("通过政务微博发布信息25条。", ("published", "weibo", None, 25)),
        ("在门户网站发布政策解读5篇。", ("published", "website", "政策解读", 5)),
        ("在重点领域信息公开专栏发布信息12条。", ("published", "key_areas", None, 12)),
        ("通过政务新媒体发布信息30条。", ("published", "other", None, 30)),
        ("通过“开平教育”公众号推送信息40期。", ("published", "wechat", None, 40)),
        ("在政府信息公开平台主动公开政府信息88条。", ("published", "catalog", None, 88)),
        ("全年共受理依申请公开3件。", ("applications", None, None, 3)),
        ("本年度未收到政府信息公开申请。", ("applications", None, None, 0)),
        ("微信公众号文章累计阅读量19.8万次。", ("reads", "wechat", None, 198000)),
    ],
)
def test_channels_and_kinds(sentence, expected):
    assert _claims(sentence) == [expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "依托学科教研基地等平台,论文获奖或发表301篇。",  # "平台" alone is not the catalog
        "《条例》第二十条规定的信息均已公开。",
        "局长办公会议开到基层13次。",
        "开平市政府网“重点领域信息公开专栏”共包括6个子栏目。",
        "依申请公开工作落实岗位责任制,共有股室5个。",
        "我局申请到4240万元特别国债资金。",
    ],
)
def test_not_claims(sentence):
    assert _claims(sentence) == []


def test_breakdown_after_total_in_the_same_sentence():
    got = _claims("本局在政府信息公开目录主动公开政府信息10条，其中政务动态6条、通知公告4条。")
    assert got == [
        ("published", "catalog", None, 10),
        ("published", "catalog", "政务动态", 6),
        ("published", "catalog", "通知公告", 4),
    ]


def test_year_from_title_when_no_statistics_sentence():
    r = extract_claims("开平市教育局2023年政府信息公开工作年度报告\n一、总体情况\n正文。")
    assert r["year"] == 2023
    assert r["period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert any("calendar year" in n for n in r["notes"])
    assert r["agency"]["name"] == "开平市教育局"


def test_no_year_no_agency():
    r = extract_claims("一、总体情况\n本局认真贯彻落实条例。")
    assert r["year"] is None and r["period"] is None
    assert r["agency"] == {"name": None, "note": "agency name not found in the text"}


def test_agency_spam_title_with_contact_sentence():
    text = (
        "365bet(中国)官方网站 2024年政府信息公开工作年度报告\n"
        "本报告统计期限自2024年1月1日起至2024年12月31日止。如有疑问请与开平市教育局联系(电话: 0750-2213093)。"
    )
    r = extract_claims(text)
    assert r["agency"]["name"] == "开平市教育局"
    assert "spam string '365bet(中国)官方网站'" in r["agency"]["note"]
    assert any(n.startswith("spam substitution '365bet(中国)官方网站'") for n in r["notes"])


@pytest.mark.parametrize(
    ("title", "spam"),
    [
        ("成人直播 教育局2024年政府信息公开工作年度报告", "成人直播"),
        ("金沙城中心赌场_澳门金沙官网2024年政府信息公开工作年度报告", "金沙城中心赌场_澳门金沙官网"),
    ],
)
def test_agency_replaced_by_spam(title, spam):
    r = extract_claims(title + "\n正文。")
    assert r["agency"]["name"] is None
    assert f"spam string {spam!r}" in r["agency"]["note"]


def test_boilerplate_is_not_an_agency_name():
    r = extract_claims("现公布本局2024年度政府信息公开工作年度报告。市教育局在政务网发布信息5条。")
    assert r["agency"]["name"] is None


def test_other_government_host_is_noted_differently():
    r = extract_claims(
        "详见广东省政府门户网站(http://www.gd.gov.cn/zwgk/)。", agency_hosts=["www.kaiping.gov.cn"]
    )
    assert any("another government host" in n and "www.gd.gov.cn" in n for n in r["notes"])
