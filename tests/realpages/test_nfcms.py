"""The real column list page of 广州市人民政府门户网站 通知公告 (../shared/real-pages/nfcms, page 1 of
https://www.gz.gov.cn/xw/tzgg/), read by crawler.parsing.nfcms.parse_list: 20 of 20 entries, the total
of its paging script (2,380 articles, 20 a page) and its 100-page cap. Values read off the page."""

from __future__ import annotations

from crawler.parsing.nfcms import parse_list

from .real import real_text

URL = "https://www.gz.gov.cn/xw/tzgg/index.html"
ENTRIES = [  # post id, date shown, as listed (the list is not strictly by date: 10869166 precedes 10864630)
    ("10905933", "2026-07-17"), ("10905929", "2026-07-17"), ("10897493", "2026-07-10"), ("10892201", "2026-07-07"),
    ("10890198", "2026-07-06"), ("10887955", "2026-07-03"), ("10887581", "2026-07-03"), ("10885640", "2026-07-02"),
    ("10874166", "2026-06-26"), ("10870535", "2026-06-24"), ("10869166", "2026-06-17"), ("10864630", "2026-06-18"),
    ("10864535", "2026-06-22"), ("10864378", "2026-06-22"), ("10864013", "2026-06-22"), ("10862753", "2026-06-18"),
    ("10856568", "2026-06-15"), ("10854029", "2026-06-12"), ("10853942", "2026-06-12"), ("10849284", "2026-06-10"),
]


def test_real_gz_column_list_page() -> None:
    page = parse_list(real_text("nfcms/gz_xw_tzgg_list_index.html"), URL)
    assert [(e.post_id, e.date) for e in page.entries] == ENTRIES
    assert all(e.url == f"https://www.gz.gov.cn/xw/tzgg/content/post_{e.post_id}.html" for e in page.entries)
    first, last = page.entries[0], page.entries[-1]
    assert first.title == "致市民的一封信" and not first.title_truncated  # comments inside the anchor are not text
    assert last.title == ("广州市科学技术局 广州市财政局 国家税务总局广州市税务局关于组织开展广州市2026年高新技术企业"
                          "认定工作的通知")
    # `var totalPage = Math.ceil(2380/20); var pages_limit=100;`: 119 pages exist, 100 can be reached
    assert (page.total_items, page.page_size, page.pages_limit, page.total_pages, page.capped) == (2380, 20, 100, 100, True)
    assert page.current_page is None  # the page computes pageCurrent in script from its own URL
