"""WeChat article pages saved from mp.weixin.qq.com by others (../shared/real-pages/wechat/articles), each
read by crawler.parsing.wechat.parse_article from its raw bytes, as the spider reads a response body.

The expected values are what a person reads on each page (its title, account, author, publication
time in Asia/Shanghai, the start of its text, its pictures, its state) and the ids its scripts carry;
they were read off the pages by hand and checked against the .md notes beside them (short links,
accounts, titles). Kinds: 普通图文 articles, 文章分享 shared articles, 图片分享 image posts (pictures in
cgiDataNew.picture_page_info_list), 文本分享 text posts (the text in cgiDataNew; untitled ones take their
first line), c* pages saved from the long link (the short link only in user_info.short_link /
window.short_link), deleted / violation / unavailable pages, and 2018 pages from WechatSogou.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from archive.times import SHANGHAI
from crawler.parsing.common import ParseError
from crawler.parsing.wechat import parse_article

from .real import real_bytes

ARTICLES = "wechat/articles/"
URL = "https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA"  # the saved pages' own URLs are in the .md notes


@dataclass
class Page:
    title: str
    account: str
    author: str | None
    ids: tuple[str, int, int, str | None]  # biz, mid, idx, sn
    time: str  # the publication time a reader is shown, Asia/Shanghai
    show_type: int | None  # item_show_type (None on 2018 pages)
    original: bool
    short_url: str | None
    body_start: str  # the first lines of the text, joined by " / "
    images: int
    first_image: str | None
    read_num: int | None  # only on pages saved by a logged-in client
    layout: str
    title_from_text: bool = False


@dataclass
class Gone:
    state: str
    text: str


EXPECTED: dict[str, Page | Gone] = {
    "WechatSogou/article_detail_backgroud-image": Page(
        title='4月6日周五【新闻速览一分钟】', account='华商报', author='🌏华商君',
        ids=('ODUzMjkwMzYx', 2654593305, 1, None), time="2018-04-06 06:56:20", show_type=None, original=False,
        short_url=None, body_start='早上好~ / 不要总呆在自己的舒适圈里， / 不走出去， / 你很难发现',
        images=29, first_image='https://mmbiz.qpic.cn/mmbiz_gif/Jyco923vDiahUG7Gqyp3hMzafzu1MqfvRYoicViaW9XPCpzfumwpdbOg0icWwx9OGEjuOgF7OCxLYxf0ibXz3T5ogxQ/640?wx_fmt=gif', read_num=None, layout='legacy'),
    "WechatSogou/article_detail_expired": Gone("unavailable", '链接已过期'),
    "WechatSogou/article_detail_iframe": Page(
        title='【视频】石榴花开', account='共产党员', author='共产党员',
        ids=('MzA4ODUzNjAxOA==', 2671068104, 7, None), time="2018-03-20 11:19:59", show_type=None, original=False,
        short_url=None, body_start='“各民族要相互了解、相互尊重、 / 相互包容、相互欣赏、 / 相互学',
        images=6, first_image='https://mmbiz.qpic.cn/mmbiz_jpg/DhKPeHFI5HjMmXgdX2P7sUcTskXRmriacA0Wc4vz53C7Kbur1Yg8K3vtZCIYde1AKI0GwfPHrYFWINo0pKd0NXw/640?wx_fmt=jpeg', read_num=None, layout='legacy'),
    "WechatSogou/article_detail_mpvoice": Page(
        title='语音 | 早安武汉〔2018.3.19 周一〕', account='长江日报', author='读武汉关注☞',
        ids=('MjM5ODAyNTcwMA==', 2651788393, 1, None), time="2018-03-19 05:30:00", show_type=None, original=False,
        short_url=None, body_start='【全国两会】 / ◇十三届全国人大一次会议昨日上午在人民大会堂举',
        images=9, first_image='https://mmbiz.qpic.cn/mmbiz_jpg/cdpEKcgoS1CIx2lBCfu0y8GGFGicSgfoA2Yicgr4LjJjhNxMJUBVqs2KAjic8XWKq97BlicIEVvVTJ4sKNO7febcog/640?wx_fmt=jpeg', read_num=None, layout='legacy'),
    "WechatSogou/article_detail_qqmusic": Page(
        title='关于音乐', account='闲云野鹤古刹', author='闲云野鹤',
        ids=('MzIwOTc2ODc1NQ==', 2247484727, 1, None), time="2018-04-07 22:21:55", show_type=None, original=True,
        short_url=None, body_start='文艺青年消遣有四大法宝：读书、旅行、运动与音乐。读书是最奢侈',
        images=2, first_image='https://mmbiz.qpic.cn/mmbiz_png/SIMPyKdOu2icUtriaNqiavlMDKUhaNFkMahvK7EYrSdv1XNBDd6J9u1pUdISnH6x5Dapskskql5pDQfGqqiaXPNwsQ/640?wx_fmt=png', read_num=None, layout='legacy'),
    "wechat-article-exporter/author/01": Page(
        title='最后的止痛药', account='左岸读书', author='我是左岸',
        ids=('MjM5OTAyNDkwMA==', 2650707699, 1, 'd196d09c958a5d6997e17e43629a1025'), time="2026-01-02 17:39:33", show_type=0, original=True,
        short_url='https://mp.weixin.qq.com/s/iuvEOr7jfGyVOWMyk-1Kgw', body_start='文/珠珠 / 左肩扛起的七年战役。 / 起初只是一个点，后来长成了名',
        images=1, first_image='https://mmbiz.qpic.cn/sz_mmbiz_jpg/Drg7ia84V7KgEMUg42n9iawstc9fTNYxGDCV2ib4VcguxJYIuKw7omSdOicibxnyJLNlteoAut6GBTl6iafGWgQD1WnA/640?wx_fmt=jpeg', read_num=3797, layout='current'),
    "wechat-article-exporter/作者已删除/01": Gone("deleted", '该内容已被发布者删除'),
    "wechat-article-exporter/作者已删除/02": Gone("deleted", '该内容已被发布者删除'),
    "wechat-article-exporter/作者已删除/03": Gone("deleted", '该内容已被发布者删除'),
    "wechat-article-exporter/作者已删除/04": Gone("deleted", '该内容已被发布者删除'),
    "wechat-article-exporter/作者已删除/05": Gone("deleted", '该内容已被发布者删除'),
    "wechat-article-exporter/作者已删除/06": Gone("deleted", 'The content has been deleted by the author.'),
    "wechat-article-exporter/内容违规/01": Gone("violation", '此内容因违规无法查看\n由用户投诉并经平台审核，涉嫌过度营销、骚扰用户，查看对应规则'),
    "wechat-article-exporter/内容违规/02": Gone("violation", '此内容因违规无法查看\n由用户投诉并经平台审核，violating relevant laws and regulations，查看对应规则'),
    "wechat-article-exporter/图片分享/01": Page(
        title='新能源车均价创6年新低，价格战「寒气」侵蚀供应链', account='36氪', author=None,
        ids=('MzI2NDk5NzA0Mw==', 2248864730, 1, '875c3bbeea8cafa2728a9f53c19b49a3'), time="2025-11-05 18:30:00", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/JJyPUpHLM2bGvfk5FNvTUA', body_start='今年，中国汽车行业价格战，寒气越发深入。 / 2025年9月，新',
        images=4, first_image='https://mmbiz.qpic.cn/mmbiz_png/QicyPhNHD5vZR18V1mp20xVIsYhNwqG4wdiaj1rqYFwibB3ZOsnsOydzic8RQ3Y3hNiczCCcvoCakTbxcsLq9qRqtYg/0?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/图片分享/02": Page(
        title='股价才是最好的鸡血，什么企业文化、团建旅游，都比不上一根红彤彤的K线来得实在', account='轩辕的编程宇宙', author=None,
        ids=('MzIyNjMxOTY0NA==', 2247503660, 1, '55158501bc7ede23d69782c294f69f65'), time="2025-09-20 11:56:17", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/cTE_F-n1b2Vav4NdyrT3WA', body_start='今天周六，在脉脉上看到一则帖子，说百度市值连续大涨，从8月底',
        images=2, first_image='https://mmbiz.qpic.cn/mmbiz_png/jXQDbLkGBYVibk6nic6DU3PqiaFLJdCxMt0Lv9qG0uuWPF6hTdgNNIgeKtUfRxYa0uN0dRPibRZlm13sXnUlZtm79A/0?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/图片分享/03": Page(
        title='发工资了，时隔两年半，好开心', account='神光的编程秘籍', author=None,
        ids=('Mzg3OTYzMDkzMg==', 2247504238, 1, 'a6870a713cb825074f58ac62f51a6713'), time="2025-10-30 10:12:29", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/kfKEK9l-JDdOQ_NpE2hpLQ', body_start='发工资了，时隔两年半，好开心 / 还是打工好，每月稳定到账工资，',
        images=1, first_image='https://mmbiz.qpic.cn/sz_mmbiz_jpg/YprkEU0TtGiarXqZCEJk89okoIDvGibENPKyXodgVRqYIVwo4uRLeiaUibCibia2388KUumJrCjqdsLibsxPGI7QtwnTQ/0?wx_fmt=jpeg', read_num=None, layout='current'),
    "wechat-article-exporter/图片分享/04": Page(
        title='Three.js 小册上线了，我最重要的一部作品', account='神光的编程秘籍', author=None,
        ids=('Mzg3OTYzMDkzMg==', 2247503667, 1, 'b1595d66207e183c5d840f8a328da679'), time="2025-03-27 18:27:13", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/bnIrEJqZdqsAejV2o6XcsA', body_start='Three.js 小册上线了，我会把它当成我人生最重要的一部',
        images=1, first_image='https://mmbiz.qpic.cn/sz_mmbiz_png/YprkEU0TtGhgmnKB9Fsricmw6S2nAT0DaJ2efETQM966FtqYtSiaTcMiaeKicNZXYHG8as5EY9iay3oGsqzSoBVkCRg/0?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/图片分享/05": Page(
        title='20251218 警惕技术泡沫', account='趋势动物小程序说明书', author=None,
        ids=('MzkyODQ5MTIzNw==', 2247490415, 1, '755a3aa8e8f49a807cae1028d22c976a'), time="2025-12-18 17:13:08", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/IeR0bKDttmpFLlXj3-lKiw', body_start='分享三个观察： / 1、美国科技股和加密币相关性非常高。 / 2、美',
        images=4, first_image='https://mmbiz.qpic.cn/sz_mmbiz_jpg/OibVWv6Vp3rvJdOERDKtcAvnSQfGVkb2ALunLtZlkMW1dyK3p0Ck2gIGeAYvWQdJXDxjNns9LibqDAMsR1JSqNFw/0?wx_fmt=jpeg&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/图片分享/c01": Page(
        title='英伟达霸权「瓦解」？半导体兴风作浪', account='36氪', author=None,
        ids=('MzI2NDk5NzA0Mw==', 2248889396, 1, 'b5a55f448cd7738803901180abb1677f'), time="2026-05-23 11:29:46", show_type=8, original=False,
        short_url='https://mp.weixin.qq.com/s/q6mVJwc9osuVA0n6Fa2n7Q', body_start='5月22日，中国A股半导体板块爆发出恐怖的“吸金”海啸。单日',
        images=5, first_image='https://mmbiz.qpic.cn/mmbiz_png/o02wSnKAPeHxM7C9fC0AsNqhaWmFDmxAdfSBLJDGq8xNH44Ul1CwlITK0SMZj2GJOLRrn2U0q45fv4PIElwWMquKAcfC7V4jQ859ZibwIP9w/0?wx_fmt=png&from=appmsg', read_num=35772, layout='current'),
    "wechat-article-exporter/文本分享/01": Page(
        title='AI编程带给程序员的危与机', account='轩辕的编程宇宙', author=None,
        ids=('MzIyNjMxOTY0NA==', 2247503866, 1, '2a1e76712cd0141673069be881549fc2'), time="2025-10-07 14:13:11", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/o0tunrGKXwJxw4LZujRQdg', body_start='这两年经常听到AI编程要取代程序员的论调，一开始我是嗤之以鼻',
        images=0, first_image=None, read_num=None, layout='current'),
    "wechat-article-exporter/文本分享/02": Page(
        title='大家好，我是轩辕之风，这是新的账号，和原来是同样的名字，我没有卖号哈，只是把主体迁移到我自己名下来，之前一直挂靠在朋友那里。', account='轩辕的编程宇宙', author=None,
        ids=('MzIyNjMxOTY0NA==', 2247483649, 1, '5141d51b3aec67d697c29ffe7431a22a'), time="2020-05-26 18:10:13", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/WCRB9bOQkbmbOhzV_VIgTQ', body_start='大家好，我是轩辕之风，这是新的账号，和原来是同样的名字，我没',
        images=0, first_image=None, read_num=None, layout='current', title_from_text=True),
    "wechat-article-exporter/文本分享/03": Page(
        title='国庆后入职了一家远程 web3 创业公司做技术负责人，做 AI 出海项目', account='神光的编程秘籍', author=None,
        ids=('Mzg3OTYzMDkzMg==', 2247504201, 1, '6637b41a30d1e061f64a267b0624152a'), time="2025-10-16 07:30:58", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/VlaL4N1uyIBL3nzgKuthjA', body_start='国庆后入职了一家远程 web3 创业公司做技术负责人，做 A',
        images=0, first_image=None, read_num=None, layout='current', title_from_text=True),
    "wechat-article-exporter/文本分享/04": Page(
        title='明天是十一假期，《科技爱好者周刊》暂停一期。上周说，提前到今天发，后来想想，还是暂停吧，我也休息一周。祝大家假期开心，有兴趣可以…', account='阮一峰的网络日志', author=None,
        ids=('MzI4NjAxNjY4Nw==', 2650227640, 1, '59eec2ec99a3c46cf67bf97490920fcd'), time="2021-09-30 08:51:22", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/6Hi4vLqG1wUn7alXzLaEkA', body_start='明天是十一假期，《科技爱好者周刊》暂停一期。上周说，提前到今',
        images=0, first_image=None, read_num=None, layout='current', title_from_text=True),
    "wechat-article-exporter/文本分享/c01": Page(
        title='春节期间，如何利用碎片时间提升英语/数学水平？', account='金榜时代官微', author=None,
        ids=('MzIzNDcyMTI5MQ==', 2247655338, 1, 'd4ded8c24a6c56898b7d1e7cb2cf2786'), time="2025-01-30 18:02:14", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/13AGwyoSIgNRTRIvNCrpLw', body_start='一、英语提升 / （一）词汇积累 / 晨练时：早上起床后，利用洗漱、',
        images=0, first_image=None, read_num=5320, layout='current'),
    "wechat-article-exporter/文本分享/c02": Page(
        title='这14个学校发布招生简章啦', account='金榜时代官微', author=None,
        ids=('MzIzNDcyMTI5MQ==', 2247650811, 1, '3b9589e780a9a5e4411fa1ca2178e110'), time="2024-10-04 13:51:04", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/QzcKkF30WKfbXagbzFa4LQ', body_start='1、北京物资学院 / http://yjsb.bwu.edu.c',
        images=0, first_image=None, read_num=44943, layout='current'),
    "wechat-article-exporter/文本分享/c03": Page(
        title='现在复习是不是进入倦怠期了？', account='金榜时代官微', author=None,
        ids=('MzIzNDcyMTI5MQ==', 2247615650, 1, 'e48653020e059137b70a8c6dca8c75b8'), time="2023-06-18 16:49:50", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/UlEHxLbL2cAK4JJRd4ir_Q', body_start='现在复习是不是进入倦怠期了？ / [加油]考研学习时期一直在埋头',
        images=0, first_image=None, read_num=9326, layout='current', title_from_text=True),
    "wechat-article-exporter/文本分享/c04": Page(
        title='刚看了一下后台数据，EasyTshark有两万多用户了，新版本发布不到一个月，也有3000多用户了。', account='轩辕的编程宇宙', author=None,
        ids=('MzIyNjMxOTY0NA==', 2247504437, 1, '1f205b16902b2091d8d5a725e043c28a'), time="2025-12-07 19:29:45", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/yEtRwi_X7b63KHwtIX3owQ', body_start='刚看了一下后台数据，EasyTshark有两万多用户了，新版',
        images=0, first_image=None, read_num=7015, layout='current', title_from_text=True),
    "wechat-article-exporter/文本分享/c05": Page(
        title='AI编程带给程序员的危与机', account='轩辕的编程宇宙', author=None,
        ids=('MzIyNjMxOTY0NA==', 2247503866, 1, '2a1e76712cd0141673069be881549fc2'), time="2025-10-07 14:13:11", show_type=10, original=False,
        short_url='https://mp.weixin.qq.com/s/o0tunrGKXwJxw4LZujRQdg', body_start='这两年经常听到AI编程要取代程序员的论调，一开始我是嗤之以鼻',
        images=0, first_image=None, read_num=3468, layout='current'),
    "wechat-article-exporter/文章分享/01": Page(
        title='比小学生说烂梗更可怕的，是大人也说', account='36氪', author='何驰',
        ids=('MzI2NDk5NzA0Mw==', 2248865513, 3, '30a0ea2f8fe1919401dbf1be01eea866'), time="2025-11-11 08:06:46", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/4HLBydlmsdykQWKzX30EbA', body_start='比小学生满口网络烂梗，爱说“包的”更让人担忧的事，是当下语言',
        images=22, first_image='https://mmbiz.qpic.cn/mmbiz_png/QicyPhNHD5vZAliauk6vLN9OralZiawrQ4PKXOkqmI8ZNEia3AiaJabUqiaQLia0icgtVDQLI1pu2KLSWzBASpepCwib4gA/640?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/文章分享/02": Page(
        title='Google的这个AI新产品，在YouTube上爆火了！', account='轩辕的编程宇宙', author='橘宝',
        ids=('MzIyNjMxOTY0NA==', 2247504165, 1, '0e582ccf299186a1ca6ff1ebf97e91ad'), time="2025-11-06 08:55:11", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/E3JvmKP-xo89ayESjH2Uvw', body_start='你有没有过这样的经历: / 看到一个很好的文章或者视频，但是觉得',
        images=25, first_image='https://mmbiz.qpic.cn/mmbiz_png/jXQDbLkGBYVQstADq6FeHGX5clSv2wibrSe85zNHnKfCTmJlySuuRum7W7N6SVkuVk1H64UOkOmReCIoruwyX7w/640?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/文章分享/03": Page(
        title='和死神赛跑：趁父亲还在世，我想用人工智能留住他', account='阮一峰的网络日志', author=None,
        ids=('MzI4NjAxNjY4Nw==', 2650222329, 1, '3d0e7410c058616169b7cb9c59e130ea'), time="2019-11-25 20:07:23", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/bRt0seqxnIuoQnASJTU-8w', body_start='阮一峰（公众号: ruanyf-blog ) 推荐了《连线》',
        images=0, first_image=None, read_num=None, layout='current'),
    "wechat-article-exporter/文章分享/04": Page(
        title='20分钟带你vue转react', account='前端欧阳', author='Dolphin海豚',
        ids=('MzkzMzYzNzMzMQ==', 2247486005, 1, '2610c6a11880a9e0fa155ca5d553fb23'), time="2024-10-28 09:52:46", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/54p55lWdoFKbtd83PEV2yA', body_start='前言 / vue / 和 / react / 都是 js 框架，均是 / mvv',
        images=20, first_image='https://mmbiz.qpic.cn/mmbiz_png/2QDztcrvbA5BhGYxHDgbEpQiaGr7c98XJlCcu8wwjHCK7eFU48ibQRbfP5ZoPia87qgLibvuR1WTu5ZhRO3gNnQAhQ/640?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/普通图文/01": Page(
        title='AI编程害死我了，给我的抓包软件埋了一个大雷！', account='轩辕的编程宇宙', author='轩辕之风',
        ids=('MzIyNjMxOTY0NA==', 2247504179, 1, '52c2c5acc9ff4567b10d1408a333693c'), time="2025-11-10 12:00:10", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw', body_start='大家好，我是轩辕。 / 最近我正在迭代我的EasyTshark抓',
        images=10, first_image='https://mmbiz.qpic.cn/mmbiz_png/jXQDbLkGBYUibxsppQznBGWjPRrkD2uemoh9ulQzaRGosUTjXpUzLm4QuTI4P32hRUQuZNqWN6XT9ALvib7QoQwg/640?wx_fmt=png&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/普通图文/02": Page(
        title='科技爱好者周刊#372：软件界面如何设计', account='阮一峰的网络日志', author='阮一峰',
        ids=('MzI4NjAxNjY4Nw==', 2650242275, 1, '522b4a6728fcde7b55e73a5568e2c028'), time="2025-11-07 08:31:48", show_type=0, original=True,
        short_url='https://mp.weixin.qq.com/s/tr38EieqyftubIx2FMWUWw', body_start='这里记录每周值得分享的科技内容，周五发布。 / 本杂志开源[1]',
        images=51, first_image='https://mmbiz.qpic.cn/mmbiz_jpg/XjGG4txZI4FM1OUuCDZ69EBYuEAv3bq3ibEboPjXMzzvz9pLRDgxkfoBD7qHxic9w2jYhOS0yGZ58iaCqnVDSaN8g/640?wx_fmt=jpeg&from=appmsg', read_num=None, layout='current'),
    "wechat-article-exporter/普通图文/03": Page(
        title='前端播客周刊 #026 - Chrome Speculation Rules 加速网站性能', account='印记中文', author='印记中文团队',
        ids=('MzIzOTkwMjM0OQ==', 2247544521, 1, '2e4c044f57dc65cc3a10f47f26098a9b'), time="2025-11-11 12:09:03", show_type=0, original=True,
        short_url='https://mp.weixin.qq.com/s/SbB40tES2MrfoNaIPima5A', body_start='本期看点：Chrome Speculation Rules ',
        images=15, first_image='https://mmbiz.qpic.cn/sz_mmbiz_jpg/INNfEriciaG5fEx2QN8tXIUMiapukHn6CG1QrQw5YTuFLaaB2ricnmxmG6znwmH8z4yzhxs6Fsmhn9ItiaZ86ibamacg/640?wx_fmt=jpeg', read_num=None, layout='current'),
    "wechat-article-exporter/普通图文/04": Page(
        title='好险，就差1.5点，两手准备', account='波元霸', author='元霸',
        ids=('MzIxMTgzNjE5MA==', 2247494261, 1, 'd2d5d504d0c2fa378561e316955ba710'), time="2025-11-04 15:59:29", show_type=0, original=True,
        short_url='https://mp.weixin.qq.com/s/NJgNozEXo47KCvmRL4hDiw', body_start='原以为下午2点之前或左右一根大阳线拔起，好好地V起来。但当时',
        images=5, first_image='https://mmbiz.qpic.cn/mmbiz_jpg/7WHLfokF8e1ZaWgJvKG61YFxoAJFIRQ2yyqbBraWAxLmMQlsUL1SUnvSEAmxQOlcNUZL31xkrj8JxHmCFySibQg/640?wx_fmt=jpeg', read_num=None, layout='current'),
    "wechat-article-exporter/普通图文/c01": Page(
        title='睡前数学知识点｜Day15：疯狂星期四，V你一个知识点：定积分核心公式~', account='金榜时代官微', author='小榜',
        ids=('MzIzNDcyMTI5MQ==', 2247664546, 2, 'cf3b894cff1fe9892fb0598a40c465fb'), time="2025-12-04 18:00:51", show_type=0, original=False,
        short_url='https://mp.weixin.qq.com/s/10C4BZQJwSW03kauuUmQ-g', body_start='「硕哥考前30天睡前碎碎念系列」 / 🤩今天为你解决的是考研数学',
        images=17, first_image='https://mmbiz.qpic.cn/sz_mmbiz_png/SUIPcAicB0bhnNKkh1YNsK0NF8o1fOAF0VXx72mMicicIbbibFgiaicjLLBU4GEwCdunicpJ4xbic1LAdIjLuic5OksQDfw/640?wx_fmt=png&from=appmsg', read_num=687, layout='current'),
    "wechat-article-exporter/普通图文/c02": Page(
        title='来聊聊我心目中近三年的仙草（2022-2025）', account='小说拾遗', author='十一',
        ids=('MzI2MDg2NjAwMg==', 2247495124, 1, '9ff9ed1b4964b6af20087a8041e7795f'), time="2026-04-01 18:13:05", show_type=0, original=True,
        short_url='https://mp.weixin.qq.com/s/p6ri8T7X-n9UKMUMfkzaAQ', body_start='本篇的盘点主要是基于上一篇：来聊聊我心目中近三年的仙草小说（',
        images=1, first_image='https://res.wx.qq.com/t/wx_fed/we-emoji/res/assets/newemoji/Cold.png', read_num=21130, layout='current'),
    "wechat-article-exporter/该内容暂时无法查看/01": Gone("unavailable", '该内容暂时无法查看'),
}


def read(name: str):  # noqa: ANN201 - an ArticlePage
    return parse_article(real_bytes(f"{ARTICLES}{name}.html.gz"), URL)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_article_page(name: str) -> None:
    want = EXPECTED[name]
    page = read(name)
    if isinstance(want, Gone):
        assert (page.state, page.state_text) == (want.state, want.text)
        assert (page.title, page.biz, page.mid, page.ct, page.body_text) == (None, None, None, None, None)
        return
    assert page.state == "ok" and page.layout == want.layout
    assert (page.title, page.account, page.author) == (want.title, want.account, want.author)
    assert page.title_from_text is want.title_from_text
    assert (page.biz, page.mid, page.idx, page.sn) == want.ids
    assert datetime.fromtimestamp(page.ct or 0, SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") == want.time
    assert (page.item_show_type, page.original, page.short_url) == (want.show_type, want.original, want.short_url)
    assert (page.body_text or "").replace("\n", " / ").startswith(want.body_start)
    assert (len(page.images), page.images[0] if page.images else None) == (want.images, want.first_image)
    assert page.read_num == want.read_num


@pytest.mark.parametrize("name", [n for n, w in EXPECTED.items() if isinstance(w, Page) and w.show_type == 10])
def test_text_posts_keep_their_text_not_the_page_header(name: str) -> None:
    # the page's #js_content holds the account's header: its name, its avatar and stray commas
    page = read(name)
    assert page.account not in (page.body_text or "").splitlines()[0]
    assert "," not in (page.body_text or "").splitlines() and page.images == []
    assert len(page.title or "") <= 65 and "\n" not in (page.title or "")


@pytest.mark.parametrize("name", [n for n, w in EXPECTED.items() if isinstance(w, Page) and w.show_type == 8])
def test_image_posts_keep_their_pictures(name: str) -> None:
    page = read(name)
    assert page.images and all(u.startswith("https://mmbiz.qpic.cn/") and "&amp;" not in u for u in page.images)


@pytest.mark.parametrize("name", ["wechat-article-exporter/aboutbiz/biz-MzI4NjAxNjY4Nw==",
                                  "WechatSogou/bitsea-history"])
def test_pages_that_are_not_articles_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(ParseError, match="not an article page"):
        read(name)
