"""One test per wording family of real reports (the claims issue's list), with sentences written for
these tests in the manner of real reports.  Each checks the whole reading: value, bound, channel,
category and the tree (part_of), not just that a number was found."""

from __future__ import annotations

from archive.claims import extract_claims


def _pub(text: str) -> list[tuple]:
    r = extract_claims(text)
    claims = r["claims"]
    out = []
    for c in claims:
        if c["kind"] != "published":
            continue
        parent = claims[c["part_of"]]["value"] if c["part_of"] is not None else None
        out.append((c["channel"], c["category"], c["value"], c["bound"], parent))
    return out


def _n4(text: str) -> dict:
    return {c["id"]: c for c in extract_claims(text)["checks"]}["N-4"]


def test_total_naming_no_channel_with_its_breakdown():
    text = "2023年，我办主动公开各类政府信息412条，包括机构职能6条，政策文件35条，通知公告120条，工作动态251条。"
    assert _pub(text) == [
        (None, None, 412, "exact", None),
        (None, "机构职能", 6, "exact", 412),
        (None, "政策文件", 35, "exact", 412),
        (None, "通知公告", 120, "exact", 412),
        (None, "工作动态", 251, "exact", 412),
    ]
    n4 = _n4(text)
    assert n4["ok"] is True and "412 = 6+35+120+251" in n4["detail"]


def test_verbs_inside_every_list_item():
    text = ("全年在政府信息公开平台共主动公开信息150篇，其中公开工作动态类信息96篇，发布通知公告40篇，"
            "制定公开规范性文件4篇，更新机构职能信息10篇。")
    assert _pub(text) == [
        ("catalog", None, 150, "exact", None),
        ("catalog", "工作动态类信息", 96, "exact", 150),
        ("catalog", "通知公告", 40, "exact", 150),
        ("catalog", "规范性文件", 4, "exact", 150),
        ("catalog", "机构职能信息", 10, "exact", 150),
    ]


def test_list_items_with_descriptions_between_them():
    text = ("在政府信息公开目录主动公开政府信息30条，其中部门文件类8条，主要公开了本单位印发的通知、方案等；"
            "工作动态类信息22条，主要公开了业务工作、机关党建等情况。")
    assert _pub(text) == [
        ("catalog", None, 30, "exact", None),
        ("catalog", "部门文件类", 8, "exact", 30),
        ("catalog", "工作动态类信息", 22, "exact", 30),
    ]


def test_thousands_separators_and_full_width_digits():
    assert _pub("全年门户网站发布信息2,345条。") == [("website", None, 2345, "exact", None)]
    assert _pub("全年门户网站发布信息２，３４５条。") == [("website", None, 2345, "exact", None)]
    assert _pub("全年门户网站发布信息１２３４５条。") == [("website", None, 12345, "exact", None)]
    assert _pub("全年门户网站发布各类信息3.2万条。") == [("website", None, 32000, "exact", None)]


def test_breakdown_in_parentheses():
    text = "全年通过政府信息公开目录公开政府信息66条（其中：工作动态40条，通知公告20条，部门预决算6条）。"
    assert _pub(text) == [
        ("catalog", None, 66, "exact", None),
        ("catalog", "工作动态", 40, "exact", 66),
        ("catalog", "通知公告", 20, "exact", 66),
        ("catalog", "部门预决算", 6, "exact", 66),
    ]


def test_parenthesised_list_after_a_part_nests_under_it():
    text = ("全年主动公开信息300条，其中网站公开信息200条（包括工作动态150条，通知公告50条），"
            "微信公众号“某某发布”公开信息100条。")
    assert _pub(text) == [
        (None, None, 300, "exact", None),
        ("website", None, 200, "exact", 300),
        ("website", "工作动态", 150, "exact", 200),
        ("website", "通知公告", 50, "exact", 200),
        ("wechat", None, 100, "exact", 300),
    ]


def test_breakdown_by_channel_parts_keep_their_channels():
    text = "全年主动公开政府信息1500条，其中通过门户网站公开1200条，通过微信公众号公开260条，通过政务微博公开40条。"
    assert _pub(text) == [
        (None, None, 1500, "exact", None),
        ("website", None, 1200, "exact", 1500),
        ("wechat", None, 260, "exact", 1500),
        ("weibo", None, 40, "exact", 1500),
    ]


def test_a_part_on_another_platform_than_its_total_closes_the_list():
    text = "在政府信息公开目录公开信息20条，其中工作动态15条，通知公告5条；通过“某某发布”微信公众号发布稿件约300条。"
    assert _pub(text)[-1] == ("wechat", None, 300, "approx", None)
    assert _n4(text)["ok"] is True


def test_approximations_and_lower_bounds():
    assert _pub("政务微博全年发布信息120余万次。") == [("weibo", None, 1_200_000, "lower", None)]
    assert _pub("全年门户网站发布信息约4.8万条。") == [("website", None, 48_000, "approx", None)]
    assert _pub("微信公众号推送信息超过300条。") == [("wechat", None, 300, "lower", None)]
    assert _pub("通过微信公众号发布信息超300条。") == [("wechat", None, 300, "lower", None)]  # no category "信息超"
    assert _pub("门户网站发布信息近2000条。") == [("website", None, 2000, "approx", None)]
    assert _pub("门户网站发布信息500条以上。") == [("website", None, 500, "lower", None)]
    r = extract_claims("门户网站发布信息120余万条。")
    (c,) = r["claims"]
    assert c["approx"] is True and c["lower_bound"] is True and c["bound"] == "lower"


def test_reads_keep_their_bounds():
    r = extract_claims("“某某发布”微信公众号全年阅读量约48万次。")
    (c,) = r["claims"]
    assert (c["kind"], c["channel"], c["value"], c["bound"]) == ("reads", "wechat", 480_000, "approx")


def test_website_columns_weibo_apps_gazette_and_key_areas():
    assert _pub("在门户网站“通知公告”栏目发布信息45条，“政策解读”栏目发布信息12条。") == [
        ("website", "通知公告", 45, "exact", None),
        ("website", "政策解读", 12, "exact", None),
    ]
    assert _pub("通过“看某某”app发布信息动态41条。") == [("other", None, 41, "exact", None)]
    assert _pub("通过抖音号发布短视频35条。") == [("other", "短视频", 35, "exact", None)]
    assert _pub("全年编发《某某区人民政府公报》12期。") == [("other", "某某区人民政府公报", 12, "exact", None)]
    assert _pub("在重点领域信息公开专栏发布信息56条。") == [("key_areas", None, 56, "exact", None)]
    assert _pub("共加载重点领域信息300条。") == [("key_areas", None, 300, "exact", None)]
    assert _pub("在门户网站“政府信息公开”专栏公开信息132条。") == [("catalog", None, 132, "exact", None)]


def test_several_platforms_named_together_give_no_channel():
    for text in ("通过门户网站、微信公众号等平台发布信息2000条。", "通过微博微信发布信息98条。",
                 "通过多渠道、多形式发布政策解读18份。", "在报纸、网站、微信公众号发布信息220多篇。"):
        ((channel, *_),) = _pub(text)
        assert channel is None, text


def test_restatement_is_marked_and_breaks_down():
    text = ("全年主动公开政府信息900条，其中通过门户网站发布600条，通过新闻媒体公开300条。"
            "其中通过门户网站发布600条，政策文件栏目中发布信息400条，发布工作动态200条。")
    r = extract_claims(text)
    pub = [c for c in r["claims"] if c["kind"] == "published"]
    restated = pub[3]
    assert (restated["channel"], restated["value"]) == ("website", 600)
    assert pub[restated["duplicate_of"]]["value"] == 600 and restated["duplicate_of"] == 1
    parts = [(c["category"], c["value"], c["channel"]) for c in pub if c["part_of"] == r["claims"].index(restated)]
    assert parts == [("政策文件栏目", 400, "website"), ("工作动态", 200, "website")]


def test_open_lists_and_stocks():
    text = "全年通过门户网站公开政府信息1023条（包含工作动态105条、规范性文件7项等）。"
    assert _n4(text)["ok"] is None
    assert _pub("截至2023年底，累计主动公开政府信息64627条。") == []


def test_same_category_twice_in_one_list_is_kept_twice():
    r = extract_claims("在网站主动公开政府信息10条，其中：通知公告类信息6条，工作动态3条，通知公告类信息1条。")
    pub = [c for c in r["claims"] if c["kind"] == "published"]
    assert [c["value"] for c in pub] == [10, 6, 3, 1]
    assert pub[3]["category_repeat_of"] == 1 and pub[3]["duplicate_of"] is None


def test_traditional_mirror_copy_with_pinyin():
    text = "全年通過門(mén)戶網(wǎng)站發(fā)布信息1,024條，其中政務動(dòng)態(tài)824條，通知公告200條。"
    assert _pub(text) == [
        ("website", None, 1024, "exact", None),
        ("website", "政务动态", 824, "exact", 1024),
        ("website", "通知公告", 200, "exact", 1024),
    ]


def test_pdf_line_wraps_and_spaces():
    text = "“某某科技”网站全年累计发布信息 2139 条，其中动态类\n信息发布 1744 条，政务信息发布 395 条。"
    assert _pub(text) == [
        ("website", None, 2139, "exact", None),
        ("website", "动态类信息", 1744, "exact", 2139),
        ("website", "政务信息", 395, "exact", 2139),
    ]


def test_agency_from_self_description_and_format_from_the_notice():
    text = ("根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，现将某某市生态环境局（以下简称市生态环境局）"
            "2023年政府信息公开工作年度报告予以公布。")
    r = extract_claims(text)
    assert r["agency"]["name"] == "某某市生态环境局" and r["year"] == 2023
    assert r["format"] == "2021" and r["format_evidence"]["2021"]
    old = extract_claims("本报告根据国办公开办函〔2019〕60号要求编制，统计期限自2020年1月1日起至2020年12月31日止。")
    assert old["format"] == "2019"
    later = extract_claims("本报告根据国办公开办函〔2019〕60号要求编制，统计期限自2024年1月1日起至2024年12月31日止。")
    assert later["format"] is None  # a 2024 report citing the 2019 notice still uses the 2021 format


def test_no_default_agency_host():
    r = extract_claims("目录地址（http://www.example-mirror.com/abc/gkmlpt/index）。")
    (note,) = [n for n in r["notes"] if "example-mirror" in n]
    assert "not a government host" in note and "kaiping" not in note
