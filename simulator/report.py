"""The agency's annual report (政府信息公开工作年度报告) as the simulator publishes it.

The narrative is generated from the scenario in one of the wordings of report_wording.py (a small
grammar of real report wordings, drawn deterministically from the scenario seed unless the scenario
fixes it), with the agency's own name, WeChat account and category names; the three tables follow
the 2021 or 2019 format.  Only the report of 开平市教育局 itself, in the seed's wording, carries the
seed report's local passages (its schools, its development account).  The numbers come from a
*report spec*: the scenario's `annual_report` block for its agency and year (claims as stated,
possibly wrong on purpose), otherwise claims derived from the world.  Presentation variants
reproduce what real reports and their copies look like (reference annual-report-format.md §6), so
parsers can be tested against hard inputs; the spec's `readback` lists what a careful reader
extracts from the narrative.

Everything is pure and deterministic: the same world, agency and year give the same output.

Spec keys read from `annual_report` (all optional except agency/year):
    claims:   catalog_total, catalog {category: n}, website, wechat, wechat_reads, applications,
              key_areas {sub-column: n}, website_columns {column name: n}, weibo, apps {app name: n};
              missing ones are derived from the world.  A value is a count, or a string written as
              a report writes it: "约48万" (approximate), "超300" / "120余" (lower bounds)
    claims_offset: {catalog: {category: ±n}}: the derived counts stated off by so much (and the total
              with them), a planted discrepancy without writing every count out (simulator/large.py)
    wording:  {style, script, digits, tables} (report_wording.py); unset keys drawn from the seed
    format:   "2021" (default) or "2019"
    variants: see VARIANTS
    planted:  identity ids deliberately broken by explicit tables (passed through to the spec)
    tables:   t2 {regulations:[3], normative_documents:[3], licensing, punishment, coercion, fees;
                  2019 format: lists of 3 for licensing/other_services/punishment/coercion,
                  fees:[2], procurement:[count, amount in 元]},
              t3 {row key: [7 values]} (T3_ROWS_2021 / T3_ROWS_2019 keys),
              t4 {review:[5], litigation_direct:[5], litigation_after_review:[5]}; missing → 0
    telephone: the contact number of the intro (default for 开平市教育局 0750-2213093, else the agency's
               `voice.phone` when the scenario gives one, else drawn)
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass, field
from typing import Any

from .report_wording import (
    SEED_AGENCY,
    TABLES,
    Wording,
    build_narrative,
    in_script,
    key_areas_paragraphs,
    parse_claim_value,
    resolve_wording,
    show,
)
from .scenario import report_block
from .world import Agency, World, rng_for

# Presentation variants (spec key `variants`), reference §6:
#   format2019            the 2019 (试行) table labels and blocks; 其他处理 a single row
#   blank_cells           zero cells shown as "", "-", "—" or "_" (seeded choice; listed in spec["blank_cells"])
#   split_labels          table labels split across <span>s ("申请人情" + "况", "三、本 年 度 办 理 结 果")
#   tables_as_text_cells  tables flattened to paragraphs, one cell per line with a trailing " |"
#   tables_as_text_rows   tables flattened to paragraphs, one row per line, cells joined by " | "
#                         (both given: 表二 by cell, 表三/表四 by row, as on a real mixed page)
#   tables_missing        tables dropped (images/attachments): headings remain, "相关附件:" at the end
#   wrong_header          表三's （六） rows and what follows in a second table under a wrong header row
VARIANTS = ("format2019", "blank_cells", "split_labels", "tables_as_text_cells", "tables_as_text_rows",
            "tables_missing", "wrong_header")
BLANK_MARKERS = ("", "-", "—", "_")
DEFAULT_TELEPHONE = "0750-2213093"
KEY_AREAS = ("教育工作信息", "政策法规", "发展规划", "教育数据", "教育经费信息", "教育高质量发展")
GENERIC_KEY_AREAS = ("政策文件", "财政信息", "重大建设项目", "公共资源配置")

# ---------------------------------------------------------------- table labels (reference §2-§4)

T3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other", "total")
T3_IDENTITY = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_WRONG_HEADER = ("项目", "本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理")

_DENY = [
    ("deny.stateSecret", "1.属于国家秘密"),
    ("deny.lawForbidden", "2.其他法律行政法规禁止公开"),
    ("deny.threeSafetyOneStability", "3.危及“三安全一稳定”"),
    ("deny.thirdParty", "4.保护第三方合法权益"),
    ("deny.internalAffairs", "5.属于三类内部事务信息"),
    ("deny.process", "6.属于四类过程性信息"),
    ("deny.enforcementFile", "7.属于行政执法案卷"),
    ("deny.adminQuery", "8.属于行政查询事项"),
]
_UNABLE = [
    ("unable.notHeld", "1.本机关不掌握相关政府信息"),
    ("unable.needCreate", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "3.补正后申请内容仍不明确"),
]
_NOT_PROCESSED = [
    ("notProcessed.petition", "1.信访举报投诉类申请"),
    ("notProcessed.repeat", "2.重复申请"),
    ("notProcessed.publication", "3.要求提供公开出版物"),
    ("notProcessed.massRepeat", "4.无正当理由大量反复申请"),
    ("notProcessed.confirm", "5.要求行政机关确认或重新出具已获取信息"),
]
_OTHER = [
    ("other.noCorrection", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.noFee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3.其他"),
]

# A layout node is a leaf (row key, label) or a group (label, [children]).
Node = tuple[str, Any]


def _t3_result_nodes(fmt: str) -> list[Node]:
    other: Node = ("（六）其他处理", _OTHER) if fmt == "2021" else ("other", "（六）其他处理")
    return [("granted", "（一）予以公开"), ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            ("（三）不予公开", _DENY), ("（四）无法提供", _UNABLE), ("（五）不予处理", _NOT_PROCESSED), other,
            ("totalProcessed", "（七）总计")]


def _t3_layout(fmt: str) -> list[Node]:
    return [("newReceived", "一、本年新收政府信息公开申请数量"), ("carriedOver", "二、上年结转政府信息公开申请数量"),
            ("三、本年度办理结果", _t3_result_nodes(fmt)), ("carriedForward", "四、结转下年度继续办理")]


def _is_group(node: Node) -> bool:
    return isinstance(node[1], list)


def _leaves(nodes: list[Node]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for node in nodes:
        out += _leaves(node[1]) if _is_group(node) else [node]
    return out


# (row key, label) of the data rows of table 三, in order: 25 rows (2021), 23 rows (2019).
T3_ROWS_2021: tuple[tuple[str, str], ...] = tuple(_leaves(_t3_layout("2021")))
T3_ROWS_2019: tuple[tuple[str, str], ...] = tuple(_leaves(_t3_layout("2019")))

T4_GROUPS = (("review", "行政复议"), ("litigation_direct", "未经复议直接起诉"),
             ("litigation_after_review", "复议后起诉"))
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# Table 二 blocks: (第二十条 item, column headers, [(spec key, row label)]).
T2_BLOCKS_2021: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("regulations", "规章"), ("normative_documents", "行政规范性文件"))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("punishment", "行政处罚"), ("coercion", "行政强制"))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("fees", "行政事业性收费"),)),
)
T2_BLOCKS_2019: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("regulations", "规章"), ("normative_documents", "规范性文件"))),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("punishment", "行政处罚"), ("coercion", "行政强制"))),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("fees", "行政事业性收费"),)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("procurement", "政府集中采购"),)),
)
# 2019 single-number keys: a scalar fills the 处理决定数量 column (the last one).
_T2_2019_DECISIONS = ("licensing", "other_services", "punishment", "coercion")

# Labels that real pages split across <span>s (reference §6); other labels split at a seeded point.
_SPLITS = {"申请人情况": ["申请人情", "况"], "自然人": ["自然", "人"], "商业企业": ["商业 ", "企业"],
           "三、本年度办理结果": ["三、本 年 度 ", "办 理 结 果"]}

# ---------------------------------------------------------------- narrative (static parts)
# Kinds: h1 = 一、…, h2 = （一）…, h3 = 1.…, p = body. Placeholders: {Y} report year, {Y1} the year
# before, {WX} WeChat article count, {READS} WeChat reads, {WX_NAME} WeChat account name.

_PROBLEMS: list[tuple[str, str]] = [
    ("p", "我局不断学习政府信息公开制度及文件，不断完善政府信息公开工作，但仍然存在着信息公开内容质量有待提升、信息公开形式较为单一等问题。"),
    ("p", "今后，我局将加强对政府信息公开文件及制度的学习，进一步深化重点领域信息公开；加强政策解读，运用多种方式，如图文并茂、案例分析、视频解读等，让群众更好地理解政策内容和意义。同时，对信息进行合理分类和整合，方便公众查询和获取。"),
]
_DEVELOPMENT: list[tuple[str, str]] = [
    ("h2", "（二）教育事业发展工作落实情况"),
    ("h3", "1.党建引领夯实“根基石”，凝心铸魂抓思政"),
    ("p", "（1）强班子。深入推进中小学校领导体制改革进程，全面践行党组织领导的校长负责制，学校党委、党总支书记、校长分设率达89%，党支部书记、校长“一肩挑”100%完成。选优配强校级领导班子，提拔46人，平调24人，免职25人。优化配置各中小学校中层行政干部229名。"),
    ("p", "（2）壮队伍。大力实施交流轮岗，开展新一轮“县管校聘”工作，共5945名教职员工参与，完成率100%。加大人才补充力度，新招教师183人，新增高级职称教师148人。抽调（借用）教师35人回归工作岗位。举办教育系统各级干部综合素质比赛、开设“开教大课堂”和教职工心理健康教育大讲堂等，提升干部综合素质与能力。加强教师素养和师德师风建设，开展师德师风突出问题专项整治行动及师德建设主题教育月活动等活动。"),
    ("p", "（3）抓思想。扎实开展党纪学习教育，深化中小学思政课程一体化建设。市委书记深入开平一中为师生上思政课，推出“武术思政课”等特色课程，打造“碉楼下的艺术党课”“金扣子思政课”等精品课，成功举办了500多场的专题教育活动，5所学校被评为“开平市思政教育示范学校”。启动《侨印记·开平教育校史纪事》汇编工作，开展“新时代好少年”评选宣传、道德模范学习等活动，加强思想政治教育。"),
    ("p", "（4）立制度。一是优化教育制度，深化去行政化改革。开平一中等4所科级学校内设机构调整为不定级。二是规范中心学校管理，三埠、长沙、水口等镇街中心学校集中办公，其他中心学校不集中办公，最大程度优化师资配置。三是优化完善并出台《开平市教育局局长办公会议制度（修订）》等21项规章制度，为开平教育优质发展提供制度保障。"),
    ("p", "（5）出成效。{Y}年教育成就丰硕。2所学校获评江门市基础教育党建工作示范校，市教育局第二退休党支部成功创建江门市“六好”离退休干部示范党支部。《“1+3+N”新质党课，赋能教育高质量发展》获{Y}年开平市“先锋杯”改革创新工作大赛优胜奖。独具本土特色的《写开平》语文作文教学模式，被学习强国等媒体推介。{Y}年，全市师生获得国家级荣誉138人次，省级荣誉1512人次，江门市级荣誉3979人次。教育信访件、12345政务投诉件办结率和满意度皆为100%，市督办项目16项均按进度推进，目前已完成15项。设立开平教育LOGO，辨识度明显提升；打造“{WX_NAME}”微信公众号宣传阵地，发布{WX}篇教育动态，累计阅读量{READS}。"),
    ("h3", "2.树立教育新理念“领航标”，五项工程强教育"),
    ("p", "制定“让开平教育强起来”五项工程实施方案，“让学生笑起来”“让老师动起来”“让课堂活起来”“让活动嗨起来”“让校园靓起来”为基层学校稳健发展提供了明确指引和工作框架。组建“三同组”（同吃餐、同教学、同管理），对学校工作进行全面体检。密切联系群众，局长办公会议开到基层13次，受到江门教育局的肯定和赞赏。"),
    ("h3", "3.全面筑牢校园“安全堤”，安全文明保平稳"),
    ("p", "有23所学校获“广东省更高水平安全文明校园”称号，{Y}年全市未发生校园方安全责任事故。一是擦亮学校德育品牌。开展1000多场“让学生笑起来”主题活动，促进学生全面发展。二是联合多部门组建领导专班开展“校园餐”整治行动。招募食堂“特别监督员”，增强监管和整治力度。全年出动检查人员800多人次，投诉数量显著减少，下降幅度高达85.3%。强化负面清单管理，扣除违规的第三方食堂企业履约保证金6次，总计9万元。三是常态化落实防溺水、防火、防校园欺凌等工作。深入开展青少年法治宣传，积极构建政府主导、多部门参与、群防群治的校园安全工作格局。四是重视师生心理健康教育，全市中小学100%配备专兼职心理健康教师，全市在职在编教师持证人数达7477人。达维集团捐赠60万元支持推进开平市中小学校心理健康“十百千”三年行动计划，三年内将走进20所学校，培训200名心理健康教师，帮助1000个家庭的学生提升心理综合素质。"),
    ("h3", "4.科学统筹布局“均衡棋”，教育资源优配置"),
    ("p", "（1）优化提质各学段学位建设。一是贯彻阳光招生原则，完善教育服务体系，平稳落实{Y}年义务教育阶段的招生入学工作。二是积极推动开平一中、开侨中学复办初中工作。三是调整各学段学校布局。{Y}年完成了赤坎镇中心小学教伦分教点、百合镇西江小学的撤并；继续推进高中学校布局调整。风采华侨中学停招初一，风采中学开始招收初一新生。四是紧抓学位扩容工程。港口小学、逕头小学扩建和特殊教育学校迁建工程持续推进；新建东汇城片区学校正抓紧前期筹备工作。巩固学前教育“5085”，提升学前教育普及普惠水平。"),
    ("p", "（2）创新提质各学段教育质量。一是重点抓好义务教育教学质量提升，发挥市教师发展中心核心教研作用，增强群众对开平教育的信心，{Y}年初升高外流学生人数减幅达80%。二是推进学前教育工作。完成民办幼儿园年检；成立城乡学前教育一体化管理资源中心和江门东西部幼教集团及教研指导责任区，与江门幼儿师范高等专科学校合作，提升办园质量。三是推进基础教育工作。建立结对帮扶机制，与鹤山、珠海两市开展教育结对合作，开平一中和开侨中学分别与6所普通高中开展结对帮扶，与广东理工职业学院（广东开放大学）在教师培训等方面深度合作。四是推进特殊教育与专门教育工作。做好重度残疾儿童“送教上门”服务，全市义务教育阶段的适龄残疾儿童少年入学率达100%。{Y}年共审批确认入读江门市明德学校学生36人。"),
    ("p", "（3）想方设法改善办学条件。一是加强基础硬件设施建设。新增计算机687台、多媒体教学平台421套，投入396万元升级6所学校运动场地。申请到4240万元特别国债资金，用于支持4个高中项目建设。二是落实扶困助学政策，惠及学生4555人次，补助金额408.05万元。三是调动社会力量关心支持教育，与开平市慈善会联合成立阳光教育基金，用于改善办学条件和奖教助学，现已筹集资金656万元。"),
    ("p", "（4）稳妥推进“双减”工作。我市校内课后服务已实现两个“全覆盖”。秋季学期参与午托配餐学生人数约16527人，新增午休床约1020张。组织课后服务经验交流活动进一步提升校内课后服务质量。从严规范校外培训行为，营造良好教育生态。目前已有97家非学科类培训机构根据“双减”政策取得办学许可证。"),
    ("h3", "5.深化教育改革“扬帆行”，强化督导促提质"),
    ("p", "（1）深化教研教学改革，提升教学质量。一是采用过程性评价与终结性评价相结合的方式改革教学评价体系。二是采用申报制改革学校教学开放日，调动教学教研积极性。{Y}年共有6所高中、10所初中、6所小学成功举办教学开放日。三是对全市50多所学校进行教学常规视导。四是用好少年科学院、“三名”工作室、区域教研共同体、学科教研基地等平台，积极组织教师参加各类培训和比赛，全年共441人次获奖，开展研修活动388次、课题研究169个，论文获奖或发表301篇。{Y}年我市高考成绩取得新突破，多名尖子生成绩在江门地区名列前茅。艺体类考生表现突出，本科上线人数达731人，上线率为53.24%，上线率创历史新高并连续多年保持江门第一。"),
    ("p", "（2）完善招生考试工作，保障教育公平。{Y}年，共组织了11次国家、省、市教育统一考试，服务考生19.8万人次，高标准实现“平安、健康、暖心”招考目标。新建市第三考点（长师中学考点）项目已进入招投标阶段，各项工作正顺利推进。"),
    ("p", "（3）落实“百校联百县”工作，合力推进人才培养。深化广州航海学院、江门职业技术学院与我市智能制造产业学院的内涵建设；加强校企人才供需对接，推进校企合作、产教融合。江门职业技术学院与开平市教育局、开平翠山湖管委会三方签订江门职业技术学院—开平市翠山湖学院合作框架协议，举办开平市“双百行动”科技港揭牌仪式。“双百行动”26个共建项目顺利推进，7个项目已全面完成并取得预期成果，19个项目完成年度目标。2所中职学校与省内5所高校的7个专业共同开展三二分段中高职贯通培养班，目前已招生243人。《高校赋能基层“法律明白人”培养工程》等三个案例入选广东省“双百行动”乡村公共服务高校联盟优秀案例和典型示范案例。联合两所高校创新举办{Y}年开平市“双百行动”电商助农直播大赛，共107支队伍、近1000名师生参加比赛，观众人数70万余人次，引流短视频发布量2500多个，引流短视频点赞及转发、评论总量19万多条，“宣传效应”点赞及转发、评论总量近53万多条，宣传面广，影响力大，有效提升了开平市“1+8”县镇两级行政区域品牌的知名度。"),
    ("p", "（4）推进社会实践与文化交流，促进学生全面发展。一是推进研学实践教育，创建8个江门市级、10个开平市级中小学生研学实践教育基地；20门研学精品课程获评江门市优秀研学旅行课程的称号。{Y}年，组织开展研学实践活动169次，参与师生115480人次。二是加强区域交流。2所学校与香港2所学校缔结了姊妹学校关系，举办11场次的交流活动，参与师生达1300多名；组织学生参加了“澳门世遗学习之旅”，促进家乡与港澳在教育、文化方面的合作交流，开阔了师生的视野。"),
    ("p", "（5）发挥教育督导机能，促进学校规范办学。积极推进广东省对开平市人民政府{Y1}年履行教育职责评价结果的整改工作，推进金鸡等五个镇迎接广东省教育强镇复评督导验收工作，完成各学段{Y}年广东省教育质量监测工作，完成全市幼儿园办园行为督导自评和规范化幼儿园专项督导评估工作，完成上级教育督导部门部署的专项督导和常规性督导工作等。"),
]
_PROPOSALS: list[tuple[str, str]] = [
    ("h2", "（三）建议提案办理情况"),
    ("p", "{Y}年，我局共承办江门市“两会”期间建议提案54件（主办件占32件），落实2批次江门市级代表委员意见建议，开平市建议提案27件（主办件占17件，含重点建议提案2件），全部按时办结，答复率和满意率均为100%。"),
]


# ---------------------------------------------------------------- document model


@dataclass
class _Para:
    kind: str  # "h1" | "h2" | "h3" | "p"
    text: str


@dataclass
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    spans: list[str] = field(default_factory=list)  # split-label rendering; "".join(spans) == text


@dataclass
class _Table:
    key: str  # "t2" | "t3" | "t4"
    rows: list[list[_Cell]]


Block = _Para | _Table


# ---------------------------------------------------------------- spec resolution


def _scenario_block(world: World, agency: Agency, year: int) -> dict[str, Any] | None:
    return report_block(world.scenario, agency.id, year)


def _derived_claims(world: World, agency: Agency, year: int) -> dict[str, Any]:
    """What a truthful report of `year` would state, counted from the world."""
    top_of: dict[int, str] = {}
    catalog: dict[str, int] = {}
    for top in agency.categories:
        if top.jump_url:  # a link to another site's column, not a catalog category
            continue
        catalog[top.name] = 0
        for cid in {top.id} | {leaf.id for leaf in top.leaves()}:
            top_of[cid] = top.name
    for doc in agency.docs:
        if doc.published.year == year and doc.category.id in top_of:
            catalog[top_of[doc.category.id]] += 1
    website = len({a.id for a in agency.articles if a.published.year == year}) if agency.website else None
    wx = [a for a in agency.wechat.articles if a.ct.year == year] if agency.wechat else []
    reads = sum(a.read_num for a in wx)
    rng = rng_for(world.seed, agency.id, "report-key-areas", year)
    return {
        "catalog_total": sum(catalog.values()),
        "catalog": catalog,
        "website": website,
        "wechat": len(wx) if agency.wechat else None,  # an agency without an account or a website states none
        "wechat_reads": f"{round(reads / 10000)}万" if agency.wechat else None,
        "applications": 0,
        "key_areas": {name: rng.randint(1, 9) for name in (KEY_AREAS if agency.name == SEED_AGENCY else GENERIC_KEY_AREAS)},
    }


def _fit(value: Any, n: int, *, tail: bool = False) -> list[Any]:
    """`value` as exactly n cells: lists are padded with 0 / cut; a scalar fills the first (or last) cell."""
    if value is None:
        return [0] * n
    if isinstance(value, (list, tuple)):
        return list(value[:n]) + [0] * (n - len(value))
    return [0] * (n - 1) + [value] if tail else [value] + [0] * (n - 1)


def _resolve_tables(given: dict[str, Any], fmt: str) -> dict[str, Any]:
    g2 = dict(given.get("t2") or {})
    g3 = dict(given.get("t3") or {})
    g4 = dict(given.get("t4") or {})
    t2: dict[str, Any] = {}
    if fmt == "2021":
        t2["regulations"] = _fit(g2.get("regulations"), 3)
        t2["normative_documents"] = _fit(g2.get("normative_documents"), 3)
        for key in ("licensing", "punishment", "coercion", "fees"):
            value = g2.get(key, 0)
            if isinstance(value, (list, tuple)):  # several values render as extra cells (reference §2.4)
                value = list(value) if len(value) > 1 else (value[0] if value else 0)
            t2[key] = value
    else:
        for _, headers, rows in T2_BLOCKS_2019:
            for key, _label in rows:
                t2[key] = _fit(g2.get(key), len(headers), tail=key in _T2_2019_DECISIONS)
    rows = T3_ROWS_2021 if fmt == "2021" else T3_ROWS_2019
    if fmt == "2019" and "other" not in g3:  # the single 其他处理 row: sum of the 2021 sub-rows if given
        subs = [_fit(g3.get(k), 7) for k, _ in _OTHER if k in g3]
        if subs and all(isinstance(v, int) for s in subs for v in s):
            g3["other"] = [sum(col) for col in zip(*subs, strict=True)]
    t3 = {key: _fit(g3.get(key), 7) for key, _ in rows}
    t4 = {key: _fit(g4.get(key), 5) for key, _ in T4_GROUPS}
    return {"t2": t2, "t3": t3, "t4": t4}


def _resolve(world: World, agency: Agency, year: int) -> dict[str, Any]:
    block = _scenario_block(world, agency, year) or {}
    wording = resolve_wording(world, agency, year, block.get("wording"))
    variants = [str(v) for v in block.get("variants") or []]
    if TABLES[wording.tables] and TABLES[wording.tables] not in variants:
        variants.append(TABLES[wording.tables])
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        raise ValueError(f"unknown annual-report variants {unknown}; known: {', '.join(VARIANTS)}")
    fmt = "2019" if "format2019" in variants or str(block.get("format", "2021")) == "2019" else "2021"
    claims = _derived_claims(world, agency, year)
    given = copy.deepcopy(block.get("claims") or {})
    claims.update(given)
    offsets = (block.get("claims_offset") or {}).get("catalog") or {}
    if offsets and "catalog" not in given:  # a derived report stating some categories off by so many
        claims["catalog"] = {k: v + int(offsets.get(k, 0)) for k, v in claims["catalog"].items()}
        claims["catalog_total"] = sum(claims["catalog"].values())
    if "catalog" in given and "catalog_total" not in given:
        values = [parse_claim_value(n) for n in given["catalog"].values()]
        total = sum(v for v, _ in values)
        bounds = {b for _, b in values}
        claims["catalog_total"] = total if bounds == {"exact"} else f"{'约' if 'approx' in bounds else ''}{total}" + (
            "余" if bounds == {"lower"} else "")
    rng = rng_for(world.seed, agency.id, "report-contact", year)
    seed_agency = agency.name == SEED_AGENCY
    return {
        "agency": agency.id,
        "agency_name": agency.name,
        "year": year,
        "source": "scenario" if block else "derived",
        "published_at": str(block["published_at"]) if block.get("published_at") else None,
        "format": fmt,
        "variants": variants,
        "wording": wording.as_dict(),
        "planted": list(block.get("planted") or []),
        "claims": claims,
        "tables": _resolve_tables(copy.deepcopy(block.get("tables") or {}), fmt),
        "tables_present": "tables_missing" not in variants,
        "blank_cells": [],  # filled while the tables are built: zeros shown blank or as a placeholder
        "telephone": str(block.get("telephone") or (DEFAULT_TELEPHONE if seed_agency else
                                                    (agency.spec.get("voice") or {}).get("phone") or
                                                    f"0{rng.randint(200, 999)}-{rng.randint(2000000, 8999999)}")),
        "postcode": str(rng.randint(100000, 899999)),
        "urls": {"catalog": agency.gkmlpt_base + "index", "website": agency.website_base},
        "readback": [],  # filled while the narrative is built: the claims a careful reader extracts
    }


# ---------------------------------------------------------------- building


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_zero(value: Any) -> bool:
    return not isinstance(value, bool) and (value == 0 or (isinstance(value, str) and value.strip() in ("0", "0.0", "0.00")))


class _Builder:
    def __init__(self, world: World, agency: Agency, year: int, spec: dict[str, Any]):
        self.world, self.agency, self.year, self.spec = world, agency, year, spec
        self.variants = set(spec["variants"])
        self.wording = Wording(**spec["wording"])
        self.blank_rng = rng_for(world.seed, agency.id, "report-blanks", year)
        self.split_rng = rng_for(world.seed, agency.id, "report-splits", year)

    # ---- cells

    def label(self, text: str, rowspan: int = 1, colspan: int = 1) -> _Cell:
        cell = _Cell(text, rowspan, colspan)
        if "split_labels" in self.variants:
            if text in _SPLITS:
                cell.spans = list(_SPLITS[text])
            elif len(text) >= 4:
                cut = self.split_rng.randint(1, len(text) - 1)
                cell.spans = [text[:cut], text[cut:]]
            cell.text = "".join(cell.spans) or text
        return cell

    def value(self, table: str, key: str, index: int, value: Any, colspan: int = 1, unit: str = "") -> _Cell:
        """A number cell; an explicit None, or a zero under `blank_cells`, is shown blank (and recorded)."""
        if value is None or (_is_zero(value) and "blank_cells" in self.variants):
            marker = "" if value is None else self.blank_rng.choice(BLANK_MARKERS)
            self.spec["blank_cells"].append({"table": table, "key": key, "index": index, "marker": marker})
            return _Cell(marker, colspan=colspan)
        text = _fmt(value)
        return _Cell(text + unit if unit and not _is_zero(value) else text, colspan=colspan)

    # ---- tables

    def table2(self) -> _Table:
        t2 = self.spec["tables"]["t2"]
        rows: list[list[_Cell]] = []
        blocks = T2_BLOCKS_2021 if self.spec["format"] == "2021" else T2_BLOCKS_2019
        for item, headers, block_rows in blocks:
            rows.append([self.label(item, colspan=4)])
            span = 3 // len(headers)  # one header over 3 columns, or three single ones
            head = [self.label(h, colspan=span) for h in headers]
            if len(headers) == 2:  # 2019 (八)/(九): the second header takes the last two columns
                head[0].colspan, head[1].colspan = 1, 2
            rows.append([self.label("信息内容"), *head])
            for key, label in block_rows:
                values = t2[key]
                row = [self.label(label)]
                if isinstance(values, list):
                    for i, v in enumerate(values):
                        unit = "元" if key == "procurement" and i == 1 else ""
                        wide = 2 if len(values) == 2 and i == 1 else 1
                        row.append(self.value("t2", key, i, v, colspan=wide, unit=unit))
                else:
                    row.append(self.value("t2", key, 0, values, colspan=3))
                rows.append(row)
        return _Table("t2", rows)

    def _t3_values(self, key: str) -> list[_Cell]:
        return [self.value("t3", key, i, v) for i, v in enumerate(self.spec["tables"]["t3"][key])]

    def _t3_rows(self, nodes: list[Node]) -> list[list[_Cell]]:
        """Rows of a 3-column label area: top-level rows span 3, result rows 2, sub-rows 1."""
        rows: list[list[_Cell]] = []
        for node in nodes:
            if not _is_group(node):
                rows.append([self.label(node[1], colspan=3), *self._t3_values(node[0])])
                continue
            first = len(rows)
            for child in node[1]:
                if not _is_group(child):
                    rows.append([self.label(child[1], colspan=2), *self._t3_values(child[0])])
                    continue
                for k, (key, label) in enumerate(child[1]):
                    lead = [self.label(child[0], rowspan=len(child[1]))] if k == 0 else []
                    rows.append([*lead, self.label(label), *self._t3_values(key)])
            rows[first].insert(0, self.label(node[0], rowspan=len(rows) - first))
        return rows

    def table3(self) -> list[_Table]:
        fmt = self.spec["format"]
        header = [
            [self.label(T3_IDENTITY, rowspan=3, colspan=3), self.label("申请人情况", colspan=7)],
            [self.label("自然人", rowspan=2), self.label("法人或其他组织", colspan=5), self.label("总计", rowspan=2)],
            [self.label(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        ]
        layout = _t3_layout(fmt)
        if "wrong_header" not in self.variants:
            return [_Table("t3", header + self._t3_rows(layout))]
        # A PDF→markdown accident: （六） and what follows land in a second table under a wrong header.
        results = _t3_result_nodes(fmt)
        head_part = [layout[0], layout[1], (layout[2][0], results[:5])]
        rows = header + self._t3_rows(head_part)
        tail: list[list[_Cell]] = [[self.label(h) for h in T3_WRONG_HEADER]]
        other = results[5]
        if _is_group(other):
            tail.append([self.label(other[0], colspan=len(T3_WRONG_HEADER))])
            tail += [[self.label(label), *self._t3_values(key)] for key, label in other[1]]
        else:
            tail.append([self.label(other[1]), *self._t3_values(other[0])])
        for key, label in (results[6], layout[3]):
            tail.append([self.label(label), *self._t3_values(key)])
        return [_Table("t3", rows), _Table("t3", tail)]

    def table4(self) -> _Table:
        t4 = self.spec["tables"]["t4"]
        rows = [
            [self.label("行政复议", rowspan=2, colspan=5), self.label("行政诉讼", colspan=10)],
            [self.label("未经复议直接起诉", colspan=5), self.label("复议后起诉", colspan=5)],
            [self.label(r) for _ in T4_GROUPS for r in T4_RESULTS],
            [self.value("t4", key, i, v) for key, _ in T4_GROUPS for i, v in enumerate(t4[key])],
        ]
        return _Table("t4", rows)

    # ---- narrative

    def fill(self, text: str) -> str:
        c = self.spec["claims"]
        wx_name = self.agency.wechat.name if self.agency.wechat else ""
        for key, value in (("{Y1}", self.year - 1), ("{Y}", self.year), ("{WX_NAME}", wx_name),
                           ("{WX}", show(c["wechat"], self.wording)), ("{READS}", show(c["wechat_reads"], self.wording))):
            text = text.replace(key, str(value))
        return text

    def blocks(self) -> list[Block]:
        rng = rng_for(self.world.seed, self.agency.id, "report-narrative", self.year)
        narrative = build_narrative(self.agency, self.year, self.spec, self.wording, rng)
        out: list[Block] = [_Para(k, t) for k, t in narrative.paras]
        tables = "tables_missing" not in self.variants
        out.append(_Para("h1", "二、主动公开政府信息情况"))
        out += [self.table2()] if tables else []
        out.append(_Para("h1", "三、收到和处理政府信息公开申请情况"))
        out += self.table3() if tables else []
        out.append(_Para("h1", "四、政府信息公开行政复议、行政诉讼情况"))
        out += [self.table4()] if tables else []
        out.append(_Para("h1", "五、存在的主要问题及改进情况"))
        out += [_Para(k, self.fill(t)) for k, t in _PROBLEMS]
        out.append(_Para("h1", "六、其他需要报告的事项"))
        start = len(narrative.paras)
        key_areas_paragraphs(narrative, self.spec, self.year)
        out += [_Para(k, t) for k, t in narrative.paras[start:]]
        if self.agency.name == SEED_AGENCY and self.wording.style == "seed":
            # the seed report's own account of the year: it states the WeChat total again, with its reads
            out += [_Para(k, self.fill(t)) for k, t in _DEVELOPMENT + _PROPOSALS]
            c = self.spec["claims"]
            if c.get("wechat") is not None and self.agency.wechat:
                narrative.claim("wechat", None, c["wechat"])
            if c.get("wechat_reads") is not None and self.agency.wechat:
                narrative.claim("wechat", None, c["wechat_reads"], kind="reads")
        if not tables:  # the tables were images or attachments: only this line remains
            out.append(_Para("p", "相关附件:"))
        self.spec["readback"] = narrative.readback
        return self.flatten([self.in_script(b) for b in out])

    def in_script(self, block: Block) -> Block:
        """A traditional-character copy converts every paragraph and table label (mirror §7.1)."""
        if self.wording.script == "simplified":
            return block
        if isinstance(block, _Para):
            return _Para(block.kind, in_script(block.text, self.wording))
        for row in block.rows:
            for cell in row:
                cell.text = in_script(cell.text, self.wording)
                cell.spans = [in_script(x, self.wording) for x in cell.spans]
        return block

    def flatten(self, blocks: list[Block]) -> list[Block]:
        """Apply the text-flattening variants: tables become paragraphs (cells or rows per line)."""
        cells, rows = "tables_as_text_cells" in self.variants, "tables_as_text_rows" in self.variants
        if not (cells or rows):
            return blocks
        out: list[Block] = []
        for b in blocks:
            if not isinstance(b, _Table):
                out.append(b)
            elif cells and (not rows or b.key == "t2"):  # both given: 表二 by cell, the others by row
                out += [_Para("p", f"{cell.text} |") for row in b.rows for cell in row]
            else:
                out += [_Para("p", " | ".join(cell.text for cell in row)) for row in b.rows]
        return out


def _build(world: World, agency: Agency, year: int) -> tuple[dict[str, Any], list[Block]]:
    spec = _resolve(world, agency, year)
    blocks = _Builder(world, agency, year, spec).blocks()
    return spec, blocks


# ---------------------------------------------------------------- rendering

_P = '<p style="text-indent:2em;">'


def _cell_html(cell: _Cell) -> str:
    attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
        (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    inner = "".join(f"<span>{html.escape(s)}</span>" for s in cell.spans) if cell.spans else html.escape(cell.text)
    return f"<td{attrs}>{inner}</td>"


def _block_html(block: Block) -> str:
    if isinstance(block, _Table):
        body = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in block.rows)
        return ('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;">'
                f"<tbody>{body}</tbody></table>")
    text = html.escape(block.text)
    return f"{_P}<strong>{text}</strong></p>" if block.kind != "p" else f"{_P}{text}</p>"


def report_body_html(world: World, agency: Agency, year: int) -> str:
    """The inner HTML of the report's article body (paragraphs and the tables of 二, 三, 四)."""
    _, blocks = _build(world, agency, year)
    return "\n".join(_block_html(b) for b in blocks)


def report_text(world: World, agency: Agency, year: int) -> str:
    """The same content as plain text: one paragraph per line, one table row per line (cells ' | ')."""
    _, blocks = _build(world, agency, year)
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, _Table):
            lines += [" | ".join(c.text for c in row) for row in b.rows]
        else:
            lines.append(b.text)
    return "\n".join(lines)


def report_spec(world: World, agency: Agency, year: int) -> dict[str, Any]:
    """The resolved report spec actually rendered: claims, tables, format, variants, blank cells."""
    spec, _ = _build(world, agency, year)
    return spec
