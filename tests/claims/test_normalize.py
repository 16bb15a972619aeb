"""Normalization: pinyin, mojibake, t2s, NFKC, numerals, approx markers — and offsets that hold."""

from __future__ import annotations

import pytest

from archive.claims import extract_claims
from archive.claims.mojibake import UNKNOWN, find_repairs, repair_text
from archive.claims.normalize import cn_to_int, normalize, parse_number, strip_pinyin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("根據(jù)《條例》", "根據《條例》"),
        ("政府信息公開(kāi)目錄", "政府信息公開目錄"),
        ("辦(ban)公(gong)室", "辦公室"),  # toneless pinyin of another mirror
        ("目錄系統(tǒng)(http://m.38966.com.cn/x)", "目錄系統(http://m.38966.com.cn/x)"),
        ("開平市教育局(以下简称本局)", "開平市教育局(以下简称本局)"),
        ("聯系(聯系電話: 0750-2213093)", "聯系(聯系電話: 0750-2213093)"),
        ("第二十條(2024)", "第二十條(2024)"),
        ("平台(app)上線", "平台(app)上線"),  # "app" is not a pinyin syllable
        ("進(", "進("),  # a text may end mid-annotation
    ],
)
def test_pinyin_removal_leaves_real_parentheses(raw, expected):
    assert strip_pinyin(raw) == expected


def shift_mojibake(text: str) -> str:
    """What a mirror makes of text (reference §7.3): GBK bytes decoded one byte late, the orphan byte
    printed as "?", unmapped pairs dropped, full-width punctuation NFKC-folded."""
    data = text.encode("gbk")[1:]
    out, i = ["?"], 0
    while i < len(data):
        if data[i] < 0x80:
            out.append(chr(data[i]))
            i += 1
            continue
        try:
            out.append(data[i : i + 2].decode("gbk"))
        except UnicodeDecodeError:
            pass  # an unmapped pair: the mirror drops it
        i += 2
    return "".join({"！": "!", "，": ",", "（": "(", "）": ")", "：": ":", "；": ";"}.get(c, c) for c in out)


@pytest.mark.parametrize(
    ("original", "repaired"),
    [
        ("　（四）监督保障情况。", "　（四）监督保障情况" + UNKNOWN),  # the text ends inside the last character
        ("　重点领域信息公开", "　重点领域信息" + UNKNOWN),
        ("　（一）主動公開方面", "　（一）主動" + UNKNOWN * 2 + "方面"),  # an unmapped pair was dropped
    ],
)
def test_mojibake_repaired_from_gbk_bytes_alone(original, repaired):
    """Repair re-pairs the GBK bytes and keeps the reading made of common characters; a character that
    lost a byte is marked unknown, never guessed from a word list."""
    assert repair_text(shift_mojibake(original)) == repaired


def test_mojibake_reference_example_repaired():
    n = normalize("?。ㄒ唬┲鲃庸_方面")
    assert n.text.strip() == f"(一)主动{UNKNOWN * 2}方面"
    assert any(note.startswith("unreadable mojibake") for note in n.notes)


def test_mojibake_run_inside_a_sentence():
    # "三?!睓C制": the byte before ” was lost, ” and 機 come back
    assert normalize("嚴格履行“三審三核三?!睓C制,加強").text == f"严格履行“三审三核三{UNKNOWN}”机制,加强"


def test_mojibake_fully_recovered_run_is_noted_as_repaired():
    n = normalize("正文\n" + shift_mojibake("　（四）监督保障情况。") + "\n下文")
    assert "(四)监督保障情况" in n.text and n.text.endswith("下文")


def test_mojibake_unreadable_span_marked_with_offsets():
    original = "所有主動公開信息均經過“三審三?!保?jīng)局領導審核同意後發布"
    n = normalize(original)
    assert UNKNOWN in n.text
    assert "局领导审核" in n.text  # the text after the run is intact
    ((a, b),) = n.unreadable
    assert original[a:b].startswith("?!保?")
    assert any(note.startswith("unreadable mojibake") and f"[{a}:{b}]" in note for note in n.notes)


@pytest.mark.parametrize("text", ["是否公开?我们认为可以", "如何申请?\n下一行", "index.php?id=5", "A?B"])
def test_real_question_marks_are_not_mojibake(text):
    assert find_repairs(text) == []


def test_fullwidth_digits_and_punctuation():
    original = "２０２４年，在門戶網站發布信息１６２條。"
    n = normalize(original)
    assert n.text == "2024年,在门户网站发布信息162条。"
    r = extract_claims(original)
    (c,) = r["claims"]
    assert c["value"] == 162 and c["channel"] == "website"
    assert "１６２" in original[c["start"] : c["end"]]


@pytest.mark.parametrize(
    ("cn", "value"),
    [
        ("一百九十一", 191),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("一千零五", 1005),
        ("零", 0),
        ("一二", None),
    ],
)
def test_chinese_numerals(cn, value):
    assert cn_to_int(cn) == value


def test_numbers_with_multipliers():
    assert parse_number("91", "万") == 910000
    assert parse_number("19.8", "万") == 198000
    assert parse_number("1,234") == 1234


def test_chinese_numeral_counts_become_claims():
    r = extract_claims("本局在政府信息公开目录主动公开政府信息一百九十一条。全年共收到政府信息公开申请两件。")
    got = {(c["kind"], c["value"]) for c in r["claims"]}
    assert got == {("published", 191), ("applications", 2)}
    pub = next(c for c in r["claims"] if c["kind"] == "published")
    assert pub["number"] == "一百九十一"


@pytest.mark.parametrize(
    ("sentence", "value", "bound"),
    [
        ("在门户网站发布信息300余条。", 300, "lower"),
        ("通过微信公众号发布信息1000多条。", 1000, "lower"),
        ("通过微信公众号发布信息约50条。", 50, "approx"),
        ("在政务网发布信息近200条。", 200, "approx"),
    ],
)
def test_approx_markers(sentence, value, bound):
    (c,) = extract_claims(sentence)["claims"]
    assert (c["value"], c["approx"], c["bound"]) == (value, True, bound)


def test_exact_counts_are_not_approx():
    (c,) = extract_claims("在门户网站发布信息300条。")["claims"]
    assert (c["approx"], c["bound"]) == (False, "exact")


def test_offsets_map_every_character_back():
    original = "根據(jù)規定,現(xiàn)向社會公開。在門戶網站發布信息１６２條。三?!睓C制"
    n = normalize(original)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i, ch in enumerate(n.text):
        a, b = n.starts[i], n.ends[i]
        assert 0 <= a < b <= len(original)
        if ch.isdigit():
            assert original[a:b] in (ch, chr(ord(ch) + 0xFEE0))  # the same digit, half- or full-width
    i = n.text.index("162")
    assert n.orig(i, i + 3) == "１６２"
    j = n.text.index("现")
    assert n.orig(j, j + 1) == "現"  # pinyin stripped, the character itself kept


def test_non_publication_numbers_are_not_claims():
    text = (
        "选优配强校级领导班子,提拔46人。共5945名教职员工参与。成功举办了500多场的专题教育活动。"
        "局长办公会议开到基层13次。论文获奖或发表301篇。引流短视频发布量2500多个。"
        "如有疑问请拨打联系电话: 0750-2213093。投入396万元升级6所学校运动场地。"
    )
    assert extract_claims(text)["claims"] == []


def test_t2s_length_change_falls_back_to_characters(monkeypatch):
    """If a conversion ever changed the length, offsets must still map every character back."""
    from archive.claims import normalize as norm_mod

    class Expanding:
        def convert(self, s: str) -> str:
            return s.replace("開", "开开")  # a pretend 1→2 conversion

    monkeypatch.setattr(norm_mod, "_T2S", Expanding())
    original = "在開平發布信息5條"
    n = norm_mod.normalize(original, repair=False)
    assert n.text == "在开开平發布信息5條"
    i = n.text.index("开")
    assert n.orig(i, i + 2) == "開"
    j = n.text.index("5")
    assert n.orig(j, j + 1) == "5"
