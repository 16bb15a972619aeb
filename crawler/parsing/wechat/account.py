"""The account identity page `mp/aboutbiz?__biz=` (reference wechat.md §1.5): who owns an account.

The page lists `div.item-info` blocks, each an `.item-title` (公众号简介 / 服务号简介, 微信号, 认证类型 or
主体类型 or 账号类型, 认证主体 or 账号主体, 客服电话, 授权第三方服务, 名称记录 …) and an `.item-desc`;
the IP属地 block is filled by script. A crawler uses it to confirm that a biz belongs to the agency."""

from __future__ import annotations

from dataclasses import dataclass, field

from parsel import Selector

from ..common import ParseError


@dataclass
class AccountPage:
    fields: dict[str, list[str]]  # every titled block's lines, as the page shows them
    intro: str | None = None  # 公众号简介 / 服务号简介
    alias: str | None = None  # 微信号 (a gh_ user name when the account chose none)
    subject_type: str | None = None  # 认证类型 / 主体类型 / 账号类型: 个人, 企业, 事业单位, 其他组织 …
    subject: str | None = None  # 认证主体 / 账号主体: the owner, absent for personal accounts
    services: list[str] = field(default_factory=list)  # 授权第三方服务
    name_history: list[str] = field(default_factory=list)  # 名称记录, newest first


def _first(fields: dict[str, list[str]], *titles: str) -> str | None:
    for title in titles:
        lines = fields.get(title)
        if lines:
            return lines[0]
    return None


def parse_account(html: str) -> AccountPage:
    """The titled blocks of an aboutbiz page; a ParseError when it has none (not an account page)."""
    sel = Selector(text=html or "<html></html>")
    fields: dict[str, list[str]] = {}
    for block in sel.css(".item-info"):
        title = " ".join("".join(block.css(".item-title ::text").getall()).split())
        if not title:
            continue
        lines = [" ".join(t.split()) for t in block.css(".item-desc ::text").getall() if t.strip()]
        fields.setdefault(title, lines)
    if not fields:
        raise ParseError("account page: no div.item-info blocks (not an mp/aboutbiz page)")
    return AccountPage(fields=fields, intro=_first(fields, "公众号简介", "服务号简介"), alias=_first(fields, "微信号"),
                       subject_type=_first(fields, "认证类型", "主体类型", "账号类型"),
                       subject=_first(fields, "认证主体", "账号主体"), services=fields.get("授权第三方服务", []),
                       name_history=fields.get("名称记录", []))
