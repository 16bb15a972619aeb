"""The highlighted diff of a document's versions (archive/diff.py): a one-character change in a long notice is
one highlighted character, the unchanged text around it shortened; digests are replaced whole; text escaped."""

from __future__ import annotations

import re

from archive.diff import diff_html, field_mode

NOTICE = "根据《中华人民共和国政府信息公开条例》规定，现将开平市教育局2024年度招生工作安排公告如下。" * 20


def _marked(html: str, tag: str) -> list[str]:
    return re.findall(rf'<{tag} class="xxgk-{tag}">(.*?)</{tag}>', html)


def test_one_character_changed_in_a_long_notice() -> None:
    after = NOTICE[:500] + "五" + NOTICE[501:]
    html = diff_html(NOTICE, after)
    assert _marked(html, "del") == [NOTICE[500]] and _marked(html, "ins") == ["五"]
    assert "characters unchanged" in html and len(html) < len(NOTICE) // 2


def test_word_view_marks_whole_numbers_and_words() -> None:
    html = diff_html("开教〔2024〕12号 draft notice", "开教〔2024〕13号 final notice", "word")
    removed, added = "".join(_marked(html, "del")), "".join(_marked(html, "ins"))
    assert "12" in removed and "draft" in removed and "13" in added and "final" in added  # numbers kept whole
    assert "2024" not in removed + added and html.endswith(" notice")


def test_digests_are_replaced_whole_and_markup_is_escaped() -> None:
    assert field_mode("content_sha256", "char") == "whole" and field_mode("title", "char") == "char"
    html = diff_html("5f19" * 16, "ded7" * 16, field_mode("content_sha256", "char"))
    assert _marked(html, "del") == ["5f19" * 16] and _marked(html, "ins") == ["ded7" * 16]
    html = diff_html("通知", '通知<script>alert(1)</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html
