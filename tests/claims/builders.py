"""Hand-built tables 二/三/四 (2019 and 2021 formats) as HTML and as flattened text, for tests."""

from __future__ import annotations

from html import escape

# (label, key or None for a group header) — verbatim 2021 labels, reference §3.2
T3_2021 = [
    ("一、本年新收政府信息公开申请数量", "newReceived"),
    ("二、上年结转政府信息公开申请数量", "carriedOver"),
    ("三、本年度办理结果", None),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("（三）不予公开", None),
    ("1.属于国家秘密", "deny.stateSecret"),
    ("2.其他法律行政法规禁止公开", "deny.lawForbidden"),
    ("3.危及“三安全一稳定”", "deny.threeSafetyOneStability"),
    ("4.保护第三方合法权益", "deny.thirdParty"),
    ("5.属于三类内部事务信息", "deny.internalAffairs"),
    ("6.属于四类过程性信息", "deny.process"),
    ("7.属于行政执法案卷", "deny.enforcementFile"),
    ("8.属于行政查询事项", "deny.adminQuery"),
    ("（四）无法提供", None),
    ("1.本机关不掌握相关政府信息", "unable.notHeld"),
    ("2.没有现成信息需要另行制作", "unable.needCreate"),
    ("3.补正后申请内容仍不明确", "unable.unclear"),
    ("（五）不予处理", None),
    ("1.信访举报投诉类申请", "notProcessed.petition"),
    ("2.重复申请", "notProcessed.repeat"),
    ("3.要求提供公开出版物", "notProcessed.publication"),
    ("4.无正当理由大量反复申请", "notProcessed.massRepeat"),
    ("5.要求行政机关确认或重新出具已获取信息", "notProcessed.confirm"),
    ("（六）其他处理", None),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.noCorrection"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.noFee"),
    ("3.其他", "other.other"),
    ("（七）总计", "totalProcessed"),
    ("四、结转下年度继续办理", "carriedForward"),
]
# 2019: （六）其他处理 is one data row
T3_2019 = [row for row in T3_2021 if not row[1] or not row[1].startswith("other.")]
T3_2019 = [(label, "other" if label == "（六）其他处理" else key) for label, key in T3_2019]

T3_HEADER = [
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
]

Z = [0] * 7


def t3_values(fmt: str = "2021") -> dict[str, list[int]]:
    """A consistent table 三: 4 new + 1 carried = 5 processed + 0 forward; rows sum to 总计."""
    keys = [k for _, k in (T3_2021 if fmt == "2021" else T3_2019) if k]
    vals = {k: list(Z) for k in keys}
    vals["newReceived"] = [3, 1, 0, 0, 0, 0, 4]
    vals["carriedOver"] = [1, 0, 0, 0, 0, 0, 1]
    vals["granted"] = [2, 1, 0, 0, 0, 0, 3]
    vals["partial"] = [1, 0, 0, 0, 0, 0, 1]
    vals["unable.notHeld"] = [1, 0, 0, 0, 0, 0, 1]
    vals["totalProcessed"] = [4, 1, 0, 0, 0, 0, 5]
    return vals


def _cell(v) -> str:
    return "" if v is None else str(v)


def t3_html(
    vals: dict[str, list], fmt: str = "2021", *, rowspan: bool = True, split_spans: bool = True
) -> str:
    """Table 三 as real pages write it: identity note cell, two header rows, group labels spanning rows."""
    spec = T3_2021 if fmt == "2021" else T3_2019
    head = (
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
        + (
            '<td colspan="7"><span>申请人情</span><span>况</span></td></tr>'
            if split_spans
            else '<td colspan="7">申请人情况</td></tr>'
        )
        + '<tr><td rowspan="2"><span>自然</span><span>人</span></td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
        + "<tr><td>商业 企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    rows = []
    pending_group = None
    for label, key in spec:
        if key is None:
            if label.startswith("三、"):
                text = "三、本 年 度 办 理 结 果" if split_spans else label
                rows.append(f'<tr><td colspan="10">{escape(text)}</td></tr>')
            else:
                pending_group = label
            continue
        cells = "".join(f"<td>{_cell(v)}</td>" for v in vals[key])
        if pending_group and rowspan:
            rows.append(
                f'<tr><td rowspan="3">{escape(pending_group)}</td><td colspan="2">{escape(label)}</td>{cells}</tr>'
            )
        else:
            if pending_group:
                rows.append(f'<tr><td colspan="10">{escape(pending_group)}</td></tr>')
            rows.append(f'<tr><td colspan="3">{escape(label)}</td>{cells}</tr>')
        pending_group = None
    return "<table>" + head + "".join(rows) + "</table>"


def t3_rows_text(vals: dict[str, list], fmt: str = "2021", *, pipes: bool = True) -> str:
    """One row per line ('| label | v | … |'); blank cells stay as empty pipes."""
    spec = T3_2021 if fmt == "2021" else T3_2019
    lines = (
        ["| " + " | ".join(T3_HEADER) + " |", "|---|---|---|---|---|---|---|---|---|"]
        if pipes
        else [" ".join(T3_HEADER)]
    )
    for label, key in spec:
        if key is None:
            lines.append(f"| {label} |" if pipes else label)
        elif pipes:
            lines.append("| " + label + " | " + " | ".join(_cell(v) for v in vals[key]) + " |")
        else:
            lines.append(label + " " + " ".join(_cell(v) if v is not None else "-" for v in vals[key]))
    return "\n".join(lines)


def t3_cells_text(vals: dict[str, list], fmt: str = "2021", *, split_label: bool = True) -> str:
    """One cell per line; some labels broken over two lines."""
    spec = T3_2021 if fmt == "2021" else T3_2019
    lines = list(T3_HEADER)
    for label, key in spec:
        if split_label and key == "deny.stateSecret":
            lines += ["1.属于国家", "秘密"]
        elif split_label and key == "totalProcessed":
            lines += ["（七）总", "计"]
        else:
            lines.append(label)
        if key:
            lines += [_cell(v) if v is not None else "—" for v in vals[key]]
    return "\n".join(lines)


# --- table 二 -----------------------------------------------------------------------------------


def t2_html_2021(reg=(0, 0, 0), norm=(2, 1, 5), lic=3, pun=7, coe=0, fee="0.25") -> str:
    def row(label, *vals, colspan=False):
        if colspan:
            return f'<tr><td>{label}</td><td colspan="3">{vals[0]}</td></tr>'
        return f"<tr><td>{label}</td>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>"

    return (
        "<table>"
        '<tr><td colspan="4">第二十条第（一）项</td></tr>'
        + row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
        + row("规章", *reg)
        + row("行政规范性文件", *norm)
        + '<tr><td colspan="4">第二十条第（五）项</td></tr>'
        + row("信息内容", "本年处理决定数量", colspan=True)
        + row("行政许可", lic, colspan=True)
        + '<tr><td colspan="4">第二十条第（六）项</td></tr>'
        + row("信息内容", "本年处理决定数量", colspan=True)
        + row("行政处罚", pun, colspan=True)
        + row("行政强制", coe, colspan=True)
        + '<tr><td colspan="4">第二十条第（八）项</td></tr>'
        + row("信息内容", "本年收费金额（单位：万元）", colspan=True)
        + row("行政事业性收费", fee, colspan=True)
        + "</table>"
    )


def t2_text_2019() -> str:
    """2019 format, one cell per line with a trailing ' |' (mixed flattening, §6)."""
    cells = [
        "第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
        "规章", "0", "0", "0",
        "规范性文件", "1", "1", "4",
        "第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
        "行政许可", "2", "0", "6",
        "其他对外管理服务事项", "0", "0", "0",
        "第二十条第（六）项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
        "行政处罚", "5", "-1", "9",
        "行政强制", "0", "", "0",
        "第二十条第（八）项", "信息内容", "上一年项目数量", "本年增/减",
        "行政事业性收费", "1", "0",
        "第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额",
        "政府集中采购", "3", "125000元",
    ]  # fmt: skip
    return "\n".join(f"{c} |" for c in cells)


# --- table 四 -----------------------------------------------------------------------------------

T4_HEAD = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"] + [
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
] * 3


def t4_html(values: list) -> str:
    head = (
        '<tr><td colspan="5" rowspan="2">行政复议</td><td colspan="10">行政诉讼</td></tr>'
        '<tr><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
        "<tr>"
        + "".join(f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
        + "</tr>"
    )
    return "<table>" + head + "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in values) + "</tr></table>"


def t4_cells_text(values: list) -> str:
    return "\n".join(T4_HEAD + [_cell(v) if v is not None else "-" for v in values])


def report_text(t2: str = "", t3: str = "", t4: str = "", narrative: str = "") -> str:
    """A minimal 2024 report around flattened tables."""
    return "\n".join(
        [
            "开平市教育局2024年政府信息公开工作年度报告",
            "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
            "一、总体情况",
            narrative or "2024年，本局在政府信息公开目录主动公开政府信息10条。",
            "二、主动公开政府信息情况",
            t2,
            "三、收到和处理政府信息公开申请情况",
            t3,
            "四、政府信息公开行政复议、行政诉讼情况",
            t4,
            "五、存在的主要问题及改进情况",
            "无。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。",
        ]
    )


# A copy that removed every separator: 表二's headers back to back, each label glued to its digits.
GLUED_2021 = ("第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件2136"
              "第二十条第(五)项信息内容本年处理决定数量行政许可48")
GLUED_2019 = "信息内容本年新制作数量本年新公开数量对外公开总数量规章121规范性文件(注)909"
# Tables 三 and 四 the same way.
GLUED_T3 = ("申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
            "一、本年新收政府信息公开申请数量3000104二、上年结转政府信息公开申请数量0000000"
            "三、本年度办理结果(一)予以公开2000103(二)部分公开1000001")
GLUED_T4 = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
            "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计100010000000000")
