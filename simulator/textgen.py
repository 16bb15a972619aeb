"""Plausible Chinese titles and bodies of the kind a county education bureau publishes.

Everything is drawn from a `random.Random` the caller seeds, so the same seed gives the same text.
"""

from __future__ import annotations

import random

SCHOOLS = [
    "开平市第一中学", "开侨中学", "长师中学", "风采中学", "金山中学", "开平市忠源纪念中学",
    "开平市风采华侨中学", "开平市吴汉良理工学校", "开平市机电中等职业技术学校", "开平市特殊教育学校",
    "三埠街道中心小学", "长沙街道中心小学", "水口镇中心学校", "赤坎镇中心小学", "百合镇中心学校",
    "蚬冈镇中心学校", "塘口镇中心学校", "马冈镇中心学校", "月山镇中心学校", "沙塘镇中心学校",
    "苍城镇中心学校", "龙胜镇中心学校", "大沙镇中心学校", "金鸡镇中心学校", "赤水镇中心学校",
    "开平市实验小学", "开平市港口小学", "开平市逕头小学", "开平市教师发展中心", "开平市第一幼儿园",
]
UNITS = ["开平市教育局", "开平市教育局办公室", "开平市教育局人事股", "开平市教育局计划财务股",
         "开平市教育局基础教育股", "开平市教育局安全管理股", "开平市教育督导室"]
TOPICS = [
    "做好2{y2}年秋季学期开学工作", "开展校园安全隐患排查整治", "加强中小学生防溺水安全教育",
    "做好义务教育阶段招生入学工作", "开展师德师风专项整治", "组织{y}年教师资格认定",
    "做好普通话水平测试报名", "开展“校园餐”专项整治行动", "做好中考体育考试组织", "加强学校食堂食品安全管理",
    "开展{y}年中小学教学开放日活动", "推进“双减”课后服务工作", "做好学生资助政策宣传",
    "开展全民国家安全教育日宣传", "做好寒假期间安全稳定工作", "做好暑假期间学生安全教育",
    "开展教育系统安全生产月活动", "做好{y}年高考考务工作", "组织开展青少年法治宣传教育",
    "做好民办学校年检工作", "开展中小学心理健康教育月活动", "推进县域义务教育优质均衡发展",
]
NOTICE_KINDS = ["{y}年新招聘教师拟聘用人员", "{y}年义务教育阶段学校招生计划", "{y}年民办学校年检结果",
                "{y}年开平市优秀教师拟表彰名单", "{y}年中小学校长职级评审结果", "{y}年学生资助资金发放情况",
                "{y}年校外培训机构白名单", "{y}年公开选聘教研员拟聘人员", "{y}年教师职称评审结果",
                "{y}年普通高中学费减免名单", "{y}年研学实践教育基地名单"]
ACTIVITIES = ["主题班会", "防溺水安全教育", "消防应急疏散演练", "书香校园读书月", "科技节", "体育节",
              "“讲好开平故事”演讲比赛", "劳动教育实践", "家长开放日", "禁毒宣传教育", "心理健康讲座",
              "“碉楼下的思政课”", "学雷锋志愿服务", "教学开放日", "新教师岗前培训", "“新时代好少年”评选"]
MEETINGS = ["全市教育工作会议", "校园安全工作会议", "教育系统党风廉政建设工作会议", "中考备考工作会议",
            "高考备考动员会", "教育督导工作推进会", "“双减”工作推进会", "招生工作部署会",
            "局长办公会议", "教育系统安全生产工作会议"]
ENFORCEMENT = ["{y}年行政执法事项清单", "{y}年行政检查计划", "{y}年行政执法统计年报", "行政许可决定公示（{n}）",
               "民办学校办学许可证核发公示（{n}）", "{y}年“双随机、一公开”抽查结果", "行政执法人员名单",
               "行政执法流程图", "行政处罚裁量基准"]
OTHERS = ["{y}年教育统计数据", "开平市教育局{y}年重点建设项目进展情况", "{y}年建议提案办理情况",
          "开平市教育局{y}年法治政府建设情况报告", "{y}年教育领域政务服务事项目录",
          "关于防范“校外培训”诈骗的提醒", "{y}年教育系统安全生产工作情况"]
SENTENCES = [
    "为深入贯彻落实党的教育方针，进一步规范学校办学行为，现将有关事项通知如下。",
    "各中小学校要高度重视，成立工作专班，明确责任分工，确保各项措施落到实处。",
    "请各单位于规定时间前将相关材料报送至市教育局相关股室，逾期不予受理。",
    "本次活动旨在提升学生综合素质，营造积极向上、健康文明的校园文化氛围。",
    "市教育局将适时组织督导检查，对工作落实不力的单位予以通报。",
    "各学校要加强宣传引导，通过家长会、微信公众号等多种渠道做好政策解读。",
    "公示期间，如对公示内容有异议，可通过来信、来电或来访方式向市教育局反映。",
    "联系电话：0750-2213093，地址：开平市东兴大道爱民路3号。",
    "活动中，师生们积极参与，现场气氛热烈，取得了良好成效。",
    "会议强调，要坚持以人民为中心的发展思想，办好人民满意的教育。",
    "下一步，市教育局将持续深化教育领域综合改革，推动全市教育高质量发展。",
    "根据《中华人民共和国政府信息公开条例》规定，现予以公开。",
    "全市共有{n}所学校参与本次工作，覆盖学生{m}余人。",
    "本项目资金来源为财政拨款，严格按照预算管理有关规定执行。",
]
WECHAT_TITLES = [
    "开平教育｜{school}{activity}精彩回顾", "权威发布！开平市{y}年义务教育招生政策出炉", "{school}：{activity}，我们在行动",
    "速看！{y}年开平中考报名时间确定", "暖心！{school}开展{activity}", "开平教育局提醒：暑期防溺水，这些要牢记",
    "【喜报】{school}获评江门市先进集体", "新学期，开平这所学校{activity}", "关注｜全市{meeting}召开",
    "开平教育 · 一周要闻（第{n}期）", "家长必读｜{y}年学生资助政策一览", "【安全教育】{activity}进校园",
    "开平市教育局召开{meeting}", "教师节特辑｜致敬开平教育人", "“讲好开平故事”｜{school}的一天",
]


def fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(
        y=year, y2=str(year)[-3:], n=rng.randint(1, 60), school=rng.choice(SCHOOLS),
        activity=rng.choice(ACTIVITIES), meeting=rng.choice(MEETINGS), m=rng.randint(2, 90) * 100,
    )


def catalog_title(category: str, rng: random.Random, year: int) -> str:
    """A title in the style of the named catalog category."""
    if category == "政府信息公开指南":
        return f"开平市教育局政府信息公开指南（{year}年修订）"
    if category == "政府信息公开制度":
        return rng.choice(["开平市教育局政府信息公开工作制度", "开平市教育局政府信息主动公开保密审查制度",
                           "开平市教育局政府信息依申请公开工作规程", "开平市教育局政务公开工作制度"]) + f"（{year}年）"
    if category == "组织机构信息":
        return rng.choice(["开平市教育局机构职能", "开平市教育局领导分工", "开平市教育局内设机构",
                           "开平市教育局直属单位名录"]) + f"（{year}年{rng.randint(1, 12)}月更新）"
    if category == "部门文件":
        return "关于" + fill(rng.choice(TOPICS), rng, year) + "的通知"
    if category == "公示公告":
        return "关于" + fill(rng.choice(NOTICE_KINDS), rng, year) + "的公示"
    if category == "政务动态":
        if rng.random() < 0.5:
            return fill("{school}开展{activity}活动", rng, year)
        return fill("市教育局召开{meeting}", rng, year)
    if category == "行政执法公示":
        return "开平市教育局" + fill(rng.choice(ENFORCEMENT), rng, year)
    if category == "部门预算":
        return f"{rng.choice(SCHOOLS)}{year}年部门预算"
    if category == "部门决算":
        return f"{rng.choice(SCHOOLS)}{year - 1}年部门决算"
    if category == "政府信息公开年报":
        return f"开平市教育局{year - 1}年政府信息公开工作年度报告"
    return "开平市教育局" + fill(rng.choice(OTHERS), rng, year)


def website_title(column: str, rng: random.Random, year: int) -> str:
    """A title for a bureau-website article in the named column."""
    if column == "通知公告":
        return "关于" + fill(rng.choice(TOPICS + NOTICE_KINDS), rng, year) + rng.choice(["的通知", "的公告", "的公示"])
    if column == "教育动态":
        return fill(rng.choice(["{school}举行{activity}", "{school}开展{activity}活动", "我市召开{meeting}",
                                "{school}：{activity}助力学生成长", "全市{meeting}顺利召开"]), rng, year)
    if column == "政策法规":
        return "关于印发《开平市" + fill(rng.choice(["{y}年教育工作要点", "中小学校管理规范", "学生资助工作实施细则",
                                                     "校外培训机构管理办法", "教师队伍建设实施方案"]), rng, year) + "》的通知"
    if column == "人事信息":
        return "开平市教育局" + fill(rng.choice(["{y}年公开招聘教师公告", "{y}年公开招聘教师拟聘用人员名单公示",
                                                 "关于{y}年校级领导干部任职的公示", "{y}年教师交流轮岗名单",
                                                 "{y}年中小学教师职称评审结果公示"]), rng, year)
    return fill(rng.choice(TOPICS), rng, year)


def wechat_title(rng: random.Random, year: int) -> str:
    return fill(rng.choice(WECHAT_TITLES), rng, year)


def paragraphs(rng: random.Random, year: int, lo: int = 3, hi: int = 8) -> list[str]:
    """Body paragraphs of plausible length (roughly 150 to 900 characters in all)."""
    out = []
    for _ in range(rng.randint(lo, hi)):
        out.append("".join(fill(rng.choice(SENTENCES), rng, year) for _ in range(rng.randint(1, 3))))
    return out
