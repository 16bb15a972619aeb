"""gkmlpt: no whole real page exists in ../shared/real-pages/gkmlpt (its PROVENANCE.md says what was
searched); two real-derived, hand-trimmed fixtures of 肇庆市生态环境局 do: a list API page without
`total`/`offset` and a document page reduced to its `window._CONFIG` (ACTION 'content', DETAIL, TREE).
Both are read by the parsers, which degrade instead of failing: the list is paged until an empty page or
a 404, the document is read from DETAIL. Values read off the files."""

from __future__ import annotations

import pytest

from crawler.parsing.common import ParseError
from crawler.parsing.gkmlpt import (
    NO_TABLE,
    NO_TOTALS,
    article_time,
    parse_document,
    parse_index,
    parse_list,
    walk_tree,
)
from crawler.parsing.jsobject import read_assignment

from .real import real_bytes, real_text

DOC_URL = "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/content/3/3255/post_3255421.html"
TITLE = "金宸农牧科技（四会）有限公司四会富硒蛋鸡产业园项目受理公告"


def test_list_page_without_totals() -> None:
    page = parse_list(real_bytes("gkmlpt/hongtu_zhaoqing_acceptance.json"))
    assert page.classify == {"id": 21023, "name": "受理公告", "parent": 21022, "post_count": 203, "theme_count": 203}
    assert (page.total, page.offset, page.notes) == (None, None, [NO_TOTALS])
    first, second = page.articles
    assert (first["id"], first["title"], first["identifier"]) == (3255421, TITLE, "11441200MB2C91453G/2026-00271")
    assert first["url"] == DOC_URL and first["attachment"] == [] and first["publisher"] == "肇庆市生态环境局"
    # created_at is local time (2026-07-07 10:48:49 +08:00); `date` is the written day's midnight
    assert article_time(first) == 1783392529 and first["date"] == 1783353600
    assert second["id"] == 3253080 and article_time(second) is None  # this entry shows no time at all


def test_document_page_reduced_to_its_config() -> None:
    page = parse_document(real_text("gkmlpt/hongtu_zhaoqing_detail.html"), DOC_URL)
    assert page.title == TITLE and page.h1 == ""
    assert page.meta == {"名称": TITLE, "发布机构": "肇庆市生态环境局", "分类": "受理公告"}
    assert page.checks == [{"field": "page", "table_value": None, "detail_value": None, "reason": NO_TABLE}]
    assert page.body_text.splitlines()[0] == "受理日期 | 项目名称 | 建设单位 | 建设地点 | 环评单位 | 环评文件类型 | 环评文件"
    assert "公告期限：自本公告发布之日起10个工作日届满，联系电话：0758-2781002。" in page.body_text
    (att,) = page.attachments
    assert (att.aid, att.name) == ("306724", "报告书（公开版）.pdf")
    assert att.url == "https://www.zhaoqing.gov.cn/zqhjj/attachment/0/306/306724/3255421.pdf"
    assert page.detail is not None and page.detail["id"] == 3255421 and page.detail["classify_main"] == 21023


def test_document_config_is_not_an_index() -> None:
    text = real_text("gkmlpt/hongtu_zhaoqing_detail.html")
    config = read_assignment(text)
    assert list(config) == ["ACTION", "DETAIL", "TREE"] and config["ACTION"] == "content"
    (node,) = walk_tree(config["TREE"])
    assert (node.id, node.name, node.parent, node.is_leaf) == (21022, "建设项目环境影响评价信息", 0, True)
    with pytest.raises(ParseError, match="ACTION 'content': a document page, not the catalog index"):
        parse_index(text)
