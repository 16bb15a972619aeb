"""Pure parsers for WeChat 公众号 (reference wechat.md §1–§4): the listers' routes (`listers`), feeds
and seed lists (`feeds`), article pages (`article`) and account pages (`account`). The package exports
their public API."""

from .account import AccountPage, parse_account
from .article import ArticlePage, article_key, parse_article
from .feeds import Feed, parse_feed, parse_url_list
from .listers import (
    ListedArticle,
    ListerError,
    ListerPage,
    parse_appmsgpublish,
    parse_getmsg,
    parse_history_page,
    parse_list_ex,
    parse_searchbiz,
    parse_weread,
    parse_weread_shelf,
)

__all__ = [
    "AccountPage", "ArticlePage", "Feed", "ListedArticle", "ListerError", "ListerPage", "article_key", "parse_appmsgpublish",
    "parse_account", "parse_article", "parse_feed", "parse_getmsg", "parse_history_page", "parse_list_ex", "parse_searchbiz", "parse_url_list",
    "parse_weread", "parse_weread_shelf",
]
