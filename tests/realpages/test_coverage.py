"""Every real file in ../shared/real-pages has a test asserting its values (the notes beside them aside)."""

from __future__ import annotations

from . import (
    test_gkmlpt,
    test_nfcms,
    test_parse_command,
    test_wechat_accounts,
    test_wechat_articles,
    test_wechat_feeds,
    test_wechat_listers,
)
from .real import every_real_file


def covered() -> set[str]:
    """The real files the modules of this folder name: by their path relative to real-pages, or by their
    quoted file name in a module that reads one folder (its FEEDS / LISTERS prefix)."""
    names = {f"wechat/articles/{n}.html.gz" for n in test_wechat_articles.EXPECTED}
    names |= {f"wechat/articles/wechat-article-exporter/aboutbiz/biz-{b}.html.gz" for b in test_wechat_accounts.PAGES}
    folders = {test_wechat_feeds: test_wechat_feeds.FEEDS, test_wechat_listers: test_wechat_listers.LISTERS}
    for module in (test_gkmlpt, test_nfcms, test_wechat_feeds, test_wechat_listers, test_parse_command):
        source = open(module.__file__, encoding="utf-8").read()
        prefix = folders.get(module)
        for path in every_real_file():
            folder, name = path.rsplit("/", 1)
            if f'"{path}"' in source or (prefix == folder + "/" and f'"{name}"' in source):
                names.add(path)
    return names


def test_every_real_file_has_a_test() -> None:
    files = every_real_file()
    assert len(files) >= 60  # 67 when written: the folder is there and read
    missing = sorted(set(files) - covered())
    assert not missing, f"real files without a test: {missing}"
