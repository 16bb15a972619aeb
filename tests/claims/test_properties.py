"""Properties: a number in a non-publication context is never a publication claim, however it is
written and whatever stands around it; a publication count is read back whatever its value and
form; offsets always index the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.claims import extract_claims

# {n}: the number under test.  Staff, money, phones, postcodes, document numbers, meetings, events,
# percentages, people, schools, dates, applications, reads, policy titles, articles, columns.
NOT_CLAIMS = [
    "我局共有工作人员{n}名，其中专职人员2名。",
    "全年新招聘教师{n}人。",
    "全年投入政务公开经费{n}万元。",
    "收取信息处理费{n}元。",
    "联系电话：0750-{phone}。",
    "邮编：{postcode}，地址：某某路8号。",
    "印发《关于做好政务公开工作的通知》（某府办〔{year}〕{n}号）。",
    "全年召开政务公开专题会议{n}次。",
    "举办新闻发布会{n}场，发布会邀请媒体记者参加。",
    "组织开展政务公开业务培训{n}期。",
    "政府信息公开申请办结率达{n}%。",
    "网站访问量同比增长{n}.5%。",
    "参训人员共{n}人次。",
    "全市共有中小学{n}所，在校学生数万人。",
    "开展“政务开放日”等宣传活动{n}场。",
    "全年共受理政府信息公开申请{n}件，均按时答复。",
    "微信公众号文章累计阅读量{n}次。",
    "出台“稳就业{n}条”等一系列政策措施。",
    "依据《条例》第{n}条的规定办理。",
    "门户网站设有政务公开、互动交流等栏目{n}个。",
    "全年办理人大代表建议和政协提案{n}件。",
    "{year}年{month}月{day}日起施行。",
    "全年出动检查人员{n}人次，发现问题{n}个。",
    "局长办公会议开到基层{n}次。",
    "论文获奖或发表{n}篇。",
    "微信公众号目前关注人数达{n}人，粉丝数{n}。",
    "每月更新不少于{n}条问答信息。",
    "调整文件公开属性{n}份，标注失效文件{n}份。",
    "截至{year}年底，累计主动公开政府信息{n}条。",
]
PREFIXES = ["", "2023年，", "一是加强组织领导。", "（三）政府信息管理。", "同时，"]


def _digits(n: int, form: str) -> str:
    if form == "grouped":
        return f"{n:,}"
    if form == "fullwidth":
        return str(n).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return str(n)


@settings(max_examples=300)
@given(
    template=st.sampled_from(NOT_CLAIMS),
    prefix=st.sampled_from(PREFIXES),
    n=st.integers(min_value=0, max_value=9_999_999),
    form=st.sampled_from(["ascii", "grouped", "fullwidth"]),
    year=st.integers(min_value=2008, max_value=2030),
)
def test_non_publication_numbers_are_never_published_claims(template, prefix, n, form, year):
    text = prefix + template.format(n=_digits(n, form), phone=f"{n % 10_000_000:07d}", postcode=f"{n % 1_000_000:06d}",
                                    year=year, month=n % 12 + 1, day=n % 28 + 1)
    published = [c for c in extract_claims(text)["claims"] if c["kind"] == "published"]
    assert published == [], text


@settings(max_examples=150)
@given(
    template=st.sampled_from(NOT_CLAIMS),
    n=st.integers(min_value=1, max_value=99_999),
    real=st.integers(min_value=1, max_value=99_999),
)
def test_a_real_claim_beside_a_distractor_is_the_only_claim(template, n, real):
    """The distractor follows a real claim in the same paragraph: context never leaks into it."""
    text = f"全年通过门户网站发布信息{real}条。" + template.format(n=n, phone="2213093", postcode="529000", year=2023,
                                                            month=5, day=1)
    published = [(c["channel"], c["value"]) for c in extract_claims(text)["claims"] if c["kind"] == "published"]
    assert published == [("website", real)], text


CHANNEL_PHRASES = {
    "通过门户网站发布信息": "website",
    "在政府信息公开目录主动公开政府信息": "catalog",
    "通过“某某发布”微信公众号推送信息": "wechat",
    "通过政务微博发布信息": "weibo",
    "在重点领域信息公开专栏发布信息": "key_areas",
    "通过“看某某”app发布信息动态": "other",
    "全年主动公开政府信息": None,
}


@settings(max_examples=200)
@given(
    phrase=st.sampled_from(sorted(CHANNEL_PHRASES)),
    n=st.integers(min_value=0, max_value=99_999_999),
    form=st.sampled_from(["ascii", "grouped", "fullwidth"]),
    marker=st.sampled_from([("", "", "exact"), ("约", "", "approx"), ("近", "", "approx"), ("超过", "", "lower"),
                            ("", "余", "lower"), ("", "多", "lower")]),
    unit=st.sampled_from(["条", "篇", "件"]),
)
def test_publication_counts_read_back(phrase, n, form, marker, unit):
    before, after, bound = marker
    text = f"2023年，{phrase}{before}{_digits(n, form)}{after}{unit}。"
    claims = [c for c in extract_claims(text)["claims"] if c["kind"] == "published"]
    assert [(c["channel"], c["category"], c["value"], c["bound"], c["unit"]) for c in claims] == [
        (CHANNEL_PHRASES[phrase], None, n, bound, unit)
    ], text
    (c,) = claims
    assert _digits(n, form) in text[c["start"] : c["end"]] and c["number"] in text[c["start"] : c["end"]]
    assert text[c["quote_start"] : c["quote_end"]] == c["quote"]


@settings(max_examples=100)
@given(st.text(alphabet=st.sampled_from(list("发布公开信息条篇件网站微信其中，。、（）0123456789约余多万 \n")), max_size=120))
def test_offsets_always_index_the_input(text):
    for c in extract_claims(text)["claims"]:
        assert 0 <= c["quote_start"] <= c["start"] <= c["end"] <= c["quote_end"] <= len(text)
        assert text[c["quote_start"] : c["quote_end"]] == c["quote"]


def test_extraction_is_linear_enough():
    """A 300 kB report (a long PDF conversion or a page of many reports) takes seconds, not minutes."""
    import time

    unit = ("一、总体情况\n2023年，我局在政府信息公开目录主动公开政府信息86条，其中组织机构类信息1条，工作动态类信息85条；"
            "通过“某某发布”微信公众号发布稿件约1820条。全年召开会议12次，联系电话：0750-1234567。\n")
    text = (unit * (300_000 // len(unit) + 1))[:300_000]
    one_line = ("全年通过门户网站发布信息123条，其中工作动态100条、通知公告23条、" * 5000)[:100_000]
    start = time.monotonic()
    extract_claims(text)
    extract_claims(one_line)
    assert time.monotonic() - start < 30
