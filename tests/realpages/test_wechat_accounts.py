"""Account identity pages (mp/aboutbiz, ../shared/real-pages/wechat/articles/wechat-article-exporter/aboutbiz),
read by crawler.parsing.wechat.parse_account: who owns the account. Values read off the pages."""

from __future__ import annotations

import pytest

from crawler.parsing.wechat import parse_account

from .real import real_text

PAGES = {  # biz: (intro starts, 微信号, subject type, subject, third-party services, newest name change)
    "MjM5ODMxNzE2NQ==": ("做一个有存在意义的账号~这里是上海市总工会", "shengongshewx", "其他组织", "上海市总工会",
                         ["秀米", "壹伴"], None),
    "MjM5OTM0OTE1Mg==": ("让您每一次用餐都成为“欢乐体验”", "bishengkehuanle", "企业", "百胜(中国)投资有限公司",
                         ["电子卡券", "必胜客排队PROD", "网易七鱼-百胜客服"], None),
    "MzAxODU1ODg2Mg==": ("北京市第五十四中学公众账号平台", "bj54zx", "事业单位", "北京市第五十四中学", [], None),
    "MzI0Nzg2MTExMA==": ("中国领先的保险测评平台", "shenlanbao", "企业", "专心保险经纪有限公司",
                         ["芝麻小事网络", "个人图书馆", "秀米", "壹伴", "微号帮", "小红书长文助手"],
                         "2021年02月02日 “立安保险经纪”账号迁移改名“深蓝保”"),
    "MzI4NjAxNjY4Nw==": ("互联网开发，个人生活随感", "ruanyf-blog", "个人", None, ["头条号", "新榜"], None),
    "MzIxMTgzNjE5MA==": ("民间掼蛋高手，欢迎切磋。", "gh_139c40f8a7c6", "个人", None, [],
                         "2022年09月23日 “怡红分院”改名“波元霸”"),
    "Mzg3OTYzMDkzMg==": ("坚持原创，用心写文。", "gh_7aed10cde089", "企业", "新罗区神光网络技术服务部", ["抽奖助手", "小园助手"],
                         "2021年08月02日 “编译与前端”账号迁移改名“神光的编程秘籍”"),
}


@pytest.mark.parametrize("biz", sorted(PAGES))
def test_real_account_page(biz: str) -> None:
    intro, alias, kind, subject, services, renamed = PAGES[biz]
    page = parse_account(real_text(f"wechat/articles/wechat-article-exporter/aboutbiz/biz-{biz}.html.gz"))
    assert page.intro is not None and page.intro.startswith(intro)
    assert (page.alias, page.subject_type, page.subject, page.services) == (alias, kind, subject, services)
    assert (page.name_history[0] if page.name_history else None) == renamed
