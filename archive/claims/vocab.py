"""General vocabularies of 政府信息公开 annual reports (simplified, NFKC).

These are word classes of the genre, not phrases of any one report: publication verbs, the count
nouns that follow a number, the platforms (channels) a report names, generic information nouns,
approximation markers, list openers.  The claims reader (narrative.py) is written against these
classes, so a new wording is usually one more word in a class here.
"""

from __future__ import annotations

import re

# A value marked approximate (约/近) is read as ±10 % where sums are checked.
APPROX_TOLERANCE = 0.10

# --- numbers --------------------------------------------------------------------------------------

# Markers before a number: approximations and lower bounds (reference §9 "Approximate claims").
APPROX_BEFORE = ("大约", "约有", "约", "将近", "接近", "近")
LOWER_BEFORE = ("超过", "多于", "不少于", "不低于", "至少", "逾", "超")
# Fillers between a noun and its count that carry no meaning of their own.
FILLERS = ("共计", "总计", "合计", "累计", "总共", "一共", "共有", "共", "计", "达到", "达", "多达", "高达", "为", "有")
# After the number (and its 万/亿): lower bounds.
LOWER_AFTER = ("余", "多")
LOWER_AFTER_UNIT = ("以上", "多")
APPROX_AFTER_UNIT = ("左右",)

# Count nouns of publications.  场 (events) and 人次 (attendance) are deliberately absent.
UNITS = ("条次", "批次", "条", "篇", "件", "项", "份", "期", "则", "个", "次", "pieces", "piece", "items")
# A count noun followed by one of these is a different word (条例, 件事 …).
UNIT_BAD_NEXT = {
    "条": "例款目线幅",
    "件": "事",
    "期": "间限",
    "次": "数序",
    "份": "额",
    "项": "目",
}
# Units that only count publications when a verb or a list says so (they count many other things).
WEAK_UNITS = ("个", "次", "项", "批次")

# --- verbs ----------------------------------------------------------------------------------------

# Publication verbs, longest first so "主动公开" wins over "公开".
PUB_VERBS = (
    "主动公开", "公开发布", "制作并发布", "制发", "编发", "发布", "公开", "公布", "推送", "更新", "刊发", "刊登",
    "刊载", "登载", "上传", "加载", "转发", "转载", "推文", "公示", "披露", "挂网", "编辑", "出版", "播发", "发送",
)  # fmt: skip
# A verb followed by one of these is part of a noun (发布会, 公开目录, 公开电话 …), not the claim's verb.
VERB_NOUN_NEXT = {
    "发布": ("会", "活动", "厅", "人", "平台", "渠道", "机制", "制度", "审查", "时间", "日期", "量", "数", "率",
             "流程", "环节", "前", "后", "能力"),
    "公开": ("电话", "栏", "专栏", "目录", "平台", "指南", "制度", "年报", "工作要点", "工作机制", "工作制度",
             "工作情况", "工作年度", "申请", "事项", "属性", "方式",
             "形式", "范围", "渠道", "网", "系统", "标准", "意见", "信箱", "版块", "板块", "内容", "要点", "讲",
             "情况", "专区", "页面", "水平", "质量", "力度", "透明", "责任", "任务", "清单", "基本目录", "率", "程度"),
    "公示": ("公开", "公告", "栏", "期", "牌", "制度"),
    "更新": ("日期", "时间", "维护", "频率", "率"),
    "编辑": ("部", "人员"),
    "推送": ("量",),
    "转发": ("量", "数"),
    "推文": ("量", "数"),
}  # fmt: skip
# A verb preceded by one of these is part of a noun (信息公开, 政务公开, 新闻发布 …).
VERB_NOUN_PREV = {
    "公开": ("信息", "政务", "党务", "校务", "村务", "厂务", "财务", "事务", "公示", "申请", "依申请", "不予",
             "部分", "予以", "同意", "五", "市长", "政府", "办事"),
    "发布": ("新闻", "权威", "集成式"),
}  # fmt: skip
# Verbs that make a clause about something other than publishing (its count is not a claim).
NOT_PUBLICATION = (
    "申请", "受理", "办理", "办结", "答复", "回复", "接收", "收到", "处理", "审查", "审核", "报送", "上报", "转办",
    "承办", "主办", "会办", "培训", "举办", "召开", "参加", "参与", "走访", "检查", "督查", "调研", "评估",
    "整改", "撤回", "纠错", "维持", "诉讼", "复议", "投诉", "举报", "咨询", "留言", "来信", "来电", "接听",
    "解答", "征集", "征求", "审批", "许可决定", "处罚决定",
)  # fmt: skip
# Words of the application procedure: never a publication count, even inside a breakdown.
APPLICATION_WORDS = ("申请", "受理", "收到", "办理", "办结", "答复", "转下", "结转")
# Measurements of readers, not publications.
METRIC_WORDS = ("阅读", "浏览", "点击", "观看", "播放", "轮播", "访问", "点赞", "粉丝", "关注人", "关注量", "关注数",
                "关注用户", "订阅", "用户",
                "下载", "评论", "转发量", "总量", "人次", "覆盖", "满意", "好评")  # fmt: skip
# Leading action words stripped from a list item's category ("开展政策解读20次" → 政策解读).
LEADING_ACTIONS = ("开展", "总结", "编制", "梳理", "清理并", "制定并", "制定", "及时", "依法", "集中",
                   "统一", "全面", "新增", "新编", "累计", "共", "并", "另", "还", "已")  # fmt: skip

# Lifecycle words of documents: "废止1件" beside "制发规范性文件3件" counts no publication.
LIFECYCLE_WORDS = re.compile(r"^(?:新制定|制定|废止|修改|修订|失效|撤销|清理|取消|宣布失效)$")

# --- nouns ----------------------------------------------------------------------------------------

# What a count of "information" is called when no category is meant.
GENERIC_NOUNS = (
    "政府信息", "政务信息", "政府信息公开信息", "公开信息", "信息", "各类信息", "各类政府信息", "各类政务信息",
    "稿件", "文章", "推文", "资讯", "内容", "消息", "信息动态", "动态信息", "信息内容", "条目", "数据信息",
    "pieces", "items", "information",
)  # fmt: skip
GENERIC_PREFIXES = ("各类形式的", "各类形式", "各种形式的", "多种形式的", "多种形式", "相应的", "相应", "各类", "各种",
                    "各项", "相关", "了", "有关", "的", "权威", "重要", "最新")
# An object written like "组织机构、部门文件等栏目的政府信息" lists examples of a whole, not a category.
EXAMPLES_TAIL = re.compile(
    r"等(?:各类|多类|多个|多种)?(?:栏目|方面|类别|类|领域|内容|形式)?(?:的)?(?:政府|政务|公开)?(?:信息|文件|内容)?$"
)

# --- channels -------------------------------------------------------------------------------------

CHANNELS = ("catalog", "website", "wechat", "weibo", "key_areas", "other")
# (channel, pattern), most specific first.  Matched on text with quoted names blanked out.
CHANNEL_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("key_areas", re.compile(r"重点领域")),
    ("catalog", re.compile(r"(?:政府)?信息公开(?:目录|平台|专栏|专区|网|系统|栏目)|政务公开(?:目录|平台|专栏|专区)|"
                           r"公开目录|目录系统|gkmlpt")),
    ("other", re.compile(r"视频号|抖音|快手|今日头条|头条号|头条|新闻媒体|媒体|报纸|报刊|电视|广播|电台|公报|"
                         r"政务新媒体|新媒体|客户端|app|APP|App|公开栏|宣传栏|公示栏|电子屏|显示屏|短信|"
                         r"其他方式|其他形式|其他渠道|其它方式|其它形式|其他平台|B站|哔哩哔哩|小红书|短视频|"
                         r"(?:政务)?服务平台|办事大厅|政务服务网|一体化平台")),
    ("wechat", re.compile(r"微信公众号|公众号|微信|政务微信|服务号|订阅号")),
    ("weibo", re.compile(r"微博")),
    ("website", re.compile(r"门户网站|政府网站|部门网站|官方网站|网站|政务网|政府网|官网|门户|网页|主页|部门频道|"
                           r"频道|子站|专题网页")),
]  # fmt: skip
# Words that say several platforms together (the channel is then null, not a guess).
MULTI_CHANNEL = re.compile(r"多渠道|多种(?:渠道|途径|方式|形式)|不同渠道|各类平台|各级(?:政务)?(?:公开)?平台|"
                           r"等(?:多种|多个|各类)?(?:渠道|平台|途径|方式|形式|载体)|两微一端|多平台|全媒体|矩阵")
# Suffixes that make a location a column (栏目) of a platform rather than the platform itself.
COLUMN_SUFFIX = re.compile(r"(?:子栏目|栏目|专栏|专区|板块|版块|频道|页面|模块)(?:中|里|内|上|下|内容)?$")
# Words that mean "this agency" or a time, never a category.
SUBJECT_WORDS = re.compile(r"^(?:我局|本局|我委|本委|我办|本办|我厅|本厅|我院|本院|我中心|本中心|我单位|本单位|本机关|"
                           r"我部|本部门|我区|我县|我市|我镇|本镇|我街道|本级)?(?:全年|本年度|本年|年内|当年|今年|"
                           r"[0-9]{4}年度?|年度)?(?:共|累计|总共|一共)?$")  # fmt: skip
LOCATION_PREPS = ("通过", "在", "于", "经", "依托", "利用", "借助", "由", "向", "从")

# Objects that are themselves a platform: a gazette issue, short videos.
OBJECT_CHANNELS = [("other", re.compile(r"公报|短视频"))]
# "每月更新不少于3条": a rate, not the year's count.
RATE_WORDS = re.compile(r"每(?:月|周|季度|季|年|日|天|半年|期)")
# "较上年增加30条": a change, not a count.
COMPARISON = re.compile(r"较上年|比上年|较去年|比去年|同比|环比|较\d{4}年|比\d{4}年|增加|减少|增长|下降|提升|上升")

# --- lists ----------------------------------------------------------------------------------------

# A clause opening a breakdown of the count before it.
LIST_OPENERS = re.compile(r"^(?:其中|具体包括|主要包括|主要有|分别为|分别是|包括|包含|内含|含)[:,]?")
# A clause closing the text of a breakdown with "等" ("…、行政处罚结果2项等").
OPEN_LIST_TAIL = re.compile(r"^等")
# A sentence introducing items over several sentences ("主要公开内容:").
COLON_LIST = re.compile(r"(?:主要|具体)?公开(?:的)?内容(?:包括|有|如下)?:$|(?:具体|主要)(?:情况)?如下:$")

# A stock to date, not the year's output ("截至2019年底,累计主动公开政府信息64627条").
STOCK_WORDS = re.compile(r"截至|截止|至今|目前|现有")
STOCK_CLAUSE = re.compile(r"累计|总数|共有|现行有效")

HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、](?!\d)|\(\d+\)|"
                     r"[IVX]+\.|\([A-Z]\))")  # fmt: skip
