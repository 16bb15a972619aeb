"""Tables 二, 三 and 四 of an annual report, from HTML <table>s or from flattened text.

Both inputs become one token stream (label / number / blank / end-of-row); rows are matched by
their LABEL, never by position or header, because real copies split labels across spans and
lines, flatten one cell per line or one row per line, and put rows under a wrong header (§6).
Blank cells ("", "-", "—", "_", "/", "无") read as 0 and are listed in "blank".  A table whose
rows are not found is None (listed in "missing"), never zeros; a table whose cells were glued together
(no separator left between label and digits) is present with null cells and says so ("unreadable").

Row keys of table 三 follow reference §3.2; in the 2019 format the single （六）其他处理 row is "other".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .normalize import normalize

T3_COLUMNS = ["natural", "commercial", "research", "social", "legal", "other", "total"]
T3_RESULT_2021 = [
    "granted", "partial",
    "deny.stateSecret", "deny.lawForbidden", "deny.threeSafetyOneStability", "deny.thirdParty",
    "deny.internalAffairs", "deny.process", "deny.enforcementFile", "deny.adminQuery",
    "unable.notHeld", "unable.needCreate", "unable.unclear",
    "notProcessed.petition", "notProcessed.repeat", "notProcessed.publication", "notProcessed.massRepeat",
    "notProcessed.confirm",
    "other.noCorrection", "other.noFee", "other.other",
]  # fmt: skip
T3_RESULT_2019 = T3_RESULT_2021[:-3] + ["other"]
T3_ROWS_2021 = ["newReceived", "carriedOver", *T3_RESULT_2021, "totalProcessed", "carriedForward"]
T3_ROWS_2019 = ["newReceived", "carriedOver", *T3_RESULT_2019, "totalProcessed", "carriedForward"]
T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]

_T3_PATTERNS = [
    ("newReceived", r"本年新收"),
    ("carriedOver", r"上年结转"),
    ("carriedForward", r"结转下年|下年度继续"),
    ("partial", r"部分公开"),
    ("deny.stateSecret", r"国家秘密"),
    ("deny.lawForbidden", r"法律行政法规禁止|法律法规禁止"),
    ("deny.threeSafetyOneStability", r"三安全一稳定"),
    ("deny.thirdParty", r"第三方合法权益"),
    ("deny.internalAffairs", r"内部事务"),
    ("deny.process", r"过程性信息"),
    ("deny.enforcementFile", r"行政执法案卷"),
    ("deny.adminQuery", r"行政查询"),
    ("unable.notHeld", r"不掌握"),
    ("unable.needCreate", r"另行制作|没有现成信息"),
    ("unable.unclear", r"仍不明确"),
    ("notProcessed.petition", r"信访|举报投诉"),
    ("notProcessed.repeat", r"重复申请"),
    ("notProcessed.publication", r"公开出版物"),
    ("notProcessed.massRepeat", r"大量反复"),
    ("notProcessed.confirm", r"重新出具"),
    ("other.noCorrection", r"逾期不补正"),
    ("other.noFee", r"缴纳费用|收费通知"),
    ("totalProcessed", r"^总计$"),
    ("granted", r"^予以公开"),
    ("other.other", r"^其他$"),
    ("other", r"^其他处理$"),
]
_T2_PATTERNS = [
    ("regulations", r"^规章$"),
    ("normative_documents", r"^(?:行政)?规范性(?:文件|档案)(?:\(.*\))?$"),
    ("licensing", r"^行政许可$"),
    ("other_services", r"其他对外管理服务事项"),
    ("punishment", r"^行政处罚$"),
    ("coercion", r"^行政强制$"),
    ("fees", r"^行政事业性收费$"),
    ("procurement", r"^政府集中采购$"),
]
# 2019 format: rows of [上一年项目数量, 本年增/减, 处理决定数量]
_T2_2019_DECISION_ROWS = ("licensing", "other_services", "punishment", "coercion")
_T2_2021 = ["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"]
_T2_2019 = [
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
]
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十]+\)|\d+[.、,]?)")
_NUMBER = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|件|个|项|次|宗)?$")
_BLANKS = {"", "-", "—", "——", "–", "_", "__", "/", "无", "－"}
_SECTION_KEYS = {
    1: r"总体情况",
    2: r"主动公开",
    3: r"(?:收到|处理|依申请).*申请",
    4: r"复议|诉讼",
    5: r"问题",
    6: r"其他.*事项",
}
_SECTION_HEAD = re.compile(r"^\s*([一二三四五六七八九十])\s*[、.,]\s*(.{2,38})$")


@dataclass
class Tok:
    kind: str  # label | num | blank | eor
    text: str
    value: int | float | None = None


@dataclass
class Row:
    labels: list[str]  # every label since the previous values
    values: list[Tok]
    inrow: list[str] = field(default_factory=list)  # the labels on the same line / <tr> as the values



def _clean(s: str) -> str:
    return re.sub(r"\s+", "", normalize(s, repair=False).text)


def _tok(cell: str) -> Tok:
    c = re.sub(r"\s+", "", cell)
    if c in _BLANKS:
        return Tok("blank", c, 0)
    m = _NUMBER.match(c)
    if m:
        raw = m.group(1).replace(",", "")
        return Tok("num", c, float(raw) if "." in raw else int(raw))
    return Tok("label", c)


def tokens_from_text(text: str) -> list[Tok]:
    """One token per cell; a line is a row when it has pipes or tabs (blanks then count)."""
    toks: list[Tok] = []
    for line in normalize(text, repair=False).text.split("\n"):
        if line.strip() == "|":
            toks.append(Tok("blank", "", 0))  # an empty cell flattened as " |"
            continue
        if not line.strip():
            continue
        if re.fullmatch(r"[\s|:\-]+", line) and ("|" in line or line.count("-") >= 3):
            continue  # a markdown separator row, not a "-" placeholder cell
        if "|" in line:
            cells = line.strip().split("|")
            # the outer pipes delimit the row; a trailing " |" is not a blank cell
            cells = cells[
                1 if line.strip().startswith("|") else 0 : -1 if line.strip().endswith("|") else None
            ]
        elif "\t" in line:
            cells = line.strip().split("\t")
        else:
            cells = line.split()
        toks.extend(_tok(c) for c in cells)
        toks.append(Tok("eor", ""))
    return toks


def html_tables(html: str) -> list[list[Tok]]:
    """Token streams of the innermost <table>s of an HTML document."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    out = []
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue
        toks: list[Tok] = []
        for tr in table.iter("tr"):
            for cell in tr:
                if cell.tag in ("td", "th"):
                    t = _tok(_clean(cell.text_content()))
                    toks.append(t)
            toks.append(Tok("eor", ""))
        out.append(toks)
    return out


def _row_style(toks: list[Tok]) -> bool:
    has_label = has_num = False
    for t in toks:
        if t.kind == "eor":
            if has_label and has_num:
                return True
            has_label = has_num = False
        elif t.kind == "label":
            has_label = True
        elif t.kind == "num":
            has_num = True
    return has_label and has_num


def walk(toks: list[Tok]) -> list[Row]:
    """Group tokens into rows: the labels seen since the last values, then the values.

    Each row also keeps the labels of its own line (or <tr>) apart: in a PDF conversion a row may
    have lost its label, and the label lines printed above it belong to the rows that follow."""
    rows: list[Row] = []
    loose: list[str] = []
    line: list[str] = []
    values: list[Tok] = []
    # Lines that hold both a label and a number make this a row-per-line table; in a table flattened
    # to one cell per line a row's values run over several lines.
    by_row = _row_style(toks)
    for t in toks:
        if t.kind == "label":
            if values:
                rows.append(Row(loose + line, values, line))
                loose, line, values = [], [], []
            line.append(t.text)
        elif t.kind in ("num", "blank"):
            values.append(t)
        elif t.kind == "eor" and by_row:
            if values:
                rows.append(Row(loose + line, values, line))
                loose, line, values = [], [], []
            else:
                loose, line = loose + line, []
        elif t.kind == "eor" and not values:
            loose, line = loose + line, []
    if values:
        rows.append(Row(loose + line, values, line))
    return rows


def _match(labels: list[str], patterns: list[tuple[str, str]]) -> str | None:
    """Try the last label, then the last two joined, …: split labels and group headers both work."""
    for k in range(1, min(4, len(labels)) + 1):
        label = _NUMBERING.sub("", "".join(labels[-k:]))
        for key, rx in patterns:
            if re.search(rx, label):
                return key
    return None


def _pick(rows: list[Row], patterns: list[tuple[str, str]]) -> dict[str, Row]:
    """Row per key; of duplicates keep the one with the most non-blank cells (headers carry blanks)."""
    found: dict[str, Row] = {}
    for row in rows:
        key = _match(row.labels, patterns)
        if key is None:
            continue
        nums = sum(v.kind == "num" for v in row.values)
        if key not in found or nums > sum(v.kind == "num" for v in found[key].values):
            found[key] = row
    return found


# --- table 三 -----------------------------------------------------------------------------------


def _t3_cells(key: str, row: Row, blank: list, warnings: list) -> list:
    vals = row.values
    while len(vals) > 7 and vals[-1].kind == "blank":
        vals = vals[:-1]
    if len(vals) > 7:
        warnings.append(f"t3 row {key}: {len(vals)} cells, kept the first 7")
        vals = vals[:7]
    cells: list = [None] * 7
    if len(vals) == 7:
        positions = list(range(7))
    elif len(vals) == 2:
        positions = [0, 6]  # organisation columns left blank, 自然人 and 总计 filled (§6)
        warnings.append(f"t3 row {key}: 2 cells read as 自然人 and 总计, the other columns as blank")
        for c in range(1, 6):
            cells[c] = 0
            blank.append([key, T3_COLUMNS[c]])
    else:
        positions = list(range(len(vals)))
        warnings.append(f"t3 row {key}: only {len(vals)} of 7 cells; the rest unknown")
    for pos, v in zip(positions, vals, strict=False):
        cells[pos] = v.value
        if v.kind == "blank":
            blank.append([key, T3_COLUMNS[pos]])
    return cells


def _keys_in(labels: list[str], patterns: list[tuple[str, str]]) -> list[str]:
    """Row keys named by a run of label fragments, in the order they appear (fragments joined)."""
    out: list[str] = []
    for k in range(len(labels)):
        for n in (1, 2, 3):
            if k + n > len(labels):
                break
            key = _match(labels[k : k + n], patterns) if n == 1 else _match(["".join(labels[k : k + n])], patterns)
            if key and key not in out:
                out.append(key)
                break
    return out


_T3_HEADER = re.compile(r"^(?:自然人|商业企?业?|科研机?构?|社会公益组织|公益|法律服务机构|法律服务|其他|总计|申请人情况|"
                        r"法人或其他组织)$")


def _align_t3(rows: list[Row], fmt: str) -> dict[str, Row]:
    """Row per key, in table order.  A row is found by its own label; a row that lost its label (PDF
    conversions) takes the label printed above it that no row has claimed yet and that comes next in
    table order, else the next row of the table after the previous one."""
    order = list(T3_ROWS_2019 if fmt == "2019" else T3_ROWS_2021)
    group = "other" if fmt == "2021" else None
    patterns = [(k, rx) for k, rx in _T3_PATTERNS if k != group]
    if not any(r.inrow and any(v.kind == "num" for v in r.values) for r in rows):
        return _pick(rows, patterns)  # one cell per line: labels and values never share a line
    found: dict[str, Row] = {}
    pending: list[str] = []
    last = -1
    for row in rows:
        if sum(bool(_T3_HEADER.search(label)) for label in row.inrow) >= 2:
            continue  # the column header row (自然人 … 其他 | 总计): its "其他" is no row label
        own = _match(row.inrow, patterns) if row.inrow else None
        loose = row.labels[: len(row.labels) - len(row.inrow)]
        for key in _keys_in(loose, patterns):
            if key not in found and key not in pending and key != own:
                pending.append(key)
        if own is None:
            if sum(v.kind == "num" for v in row.values) < 4:
                continue  # a header row of empty cells, or a stray cell pulled out of its row
            pending = [k for k in pending if k not in found]
            ahead = [k for k in pending if k in order and order.index(k) > last]
            if ahead:  # rows come in table order: the nearest named row still to come
                own = min(ahead, key=order.index)
            else:
                own = next((k for k in order[last + 1 :] if k not in found), None)
        if own is None:
            continue
        if own in pending:
            pending.remove(own)
        nums = sum(v.kind == "num" for v in row.values)
        if own not in found or nums > sum(v.kind == "num" for v in found[own].values):
            found[own] = row
        if own in order:
            last = max(last, order.index(own))
    return found


def _t3_format(labels: str) -> str:
    """The format table 三's labels suggest: the rows only 2021 has, else 2019's single （六）其他处理 row."""
    if re.search(r"逾期不补正|缴纳费用|收费通知", labels):
        return "2021"
    return "2019" if "其他处理" in labels else "2021"


def build_t3(rows: list[Row]) -> dict | None:
    labels = "".join(label for row in rows for label in row.labels)
    found = _align_t3(rows, _t3_format(labels))
    if any(k.startswith("other.") for k in found):
        found.pop("other", None)  # with sub-rows, （六）其他处理 is a group header (its cells are empty)
    if len(found) < 2 or not any(len(r.values) >= 5 for r in found.values()):
        return None  # a couple of numbers in prose are not the table
    fmt = "2019" if "other" in found and not any(k.startswith("other.") for k in found) else "2021"
    keys = T3_ROWS_2019 if fmt == "2019" else T3_ROWS_2021
    blank: list = []
    warnings: list[str] = []
    out_rows = {k: _t3_cells(k, found[k], blank, warnings) for k in keys if k in found}
    missing_rows = [k for k in keys if k not in found]
    extra = [k for k in found if k not in keys]
    if extra:
        warnings.append(f"t3 rows of the other format present: {', '.join(extra)}")
        for k in extra:
            out_rows[k] = _t3_cells(k, found[k], blank, warnings)
    for k in missing_rows:
        out_rows[k] = None
    return {
        "format": fmt,
        "rows": out_rows,
        "blank": blank,
        "missing_rows": missing_rows,
        "warnings": warnings,
    }


# --- table 四 -----------------------------------------------------------------------------------


def build_t4(rows: list[Row]) -> dict | None:
    header = "".join(label for row in rows for label in row.labels)
    if not ("维持" in header and "审结" in header) and not any(len(r.values) >= 15 for r in rows):
        return None  # numbers in a narrative ("复议 2 件") are not the table
    values: list[Tok] = []
    for row in rows:
        if len(row.values) >= 15:
            values = row.values
            break
        values = values + row.values
        if len(values) >= 15:
            break
    if not values or all(v.kind == "blank" for v in values):
        return None
    warnings = []
    if len(values) != 15:
        warnings.append(f"t4: {len(values)} cells found, expected 15")
    values = values[:15] + [None] * max(0, 15 - len(values))  # type: ignore[list-item]
    out: dict = {"blank": [], "warnings": warnings}
    for g, group in enumerate(T4_GROUPS):
        cells = []
        for c, col in enumerate(T4_COLUMNS):
            v = values[g * 5 + c]
            cells.append(None if v is None else v.value)
            if v is not None and v.kind == "blank":
                out["blank"].append([group, col])
        out[group] = cells
    return out


# --- table 二 -----------------------------------------------------------------------------------


def build_t2(rows: list[Row], labels: list[str]) -> tuple[dict | None, str | None]:
    found = _pick(rows, _T2_PATTERNS)
    if len(found) < 2:
        return None, None
    joined = "".join(labels)
    marks19 = [m for m in _T2_2019 if m in joined] + [
        k for k in ("other_services", "procurement") if k in found
    ]
    if re.search(r"(?<!本年)处理决定数量", joined):
        marks19.append("处理决定数量")
    marks21 = [m for m in _T2_2021 if m in joined]
    if not marks19 and not marks21 and "licensing" in found:
        (marks19 if len(found["licensing"].values) == 3 else marks21).append("licensing cell count")
    fmt = "2019" if len(marks19) > len(marks21) else "2021"
    blank: list = []
    warnings: list[str] = []
    # PDF conversions pull a multi-line cell ("55（含自然失效 29 件）") out of its row: the row keeps two
    # of its three numbers and the number stands alone on a line above the table.
    strays = [
        r.values[0]
        for r in rows
        if not r.inrow and len(r.values) == 1 and r.values[0].kind == "num" and _match(r.labels, _T2_PATTERNS) is None
    ] if any(r.inrow for r in rows) else []

    def cells(key: str, n: int) -> list | None:
        row = found.get(key)
        if row is None:
            return None
        vals = row.values[:n]
        if n == 3 and len(vals) == 2 and row.inrow:
            middle = strays.pop(0) if strays else None
            warnings.append(
                f"t2 row {key}: two cells in a three-column row; the middle one "
                + (f"read from the loose number {middle.text!r} above the table" if middle else "is unknown")
            )
            out = [vals[0].value, middle.value if middle else None, vals[1].value]
            blank.extend([key, i] for i, v in ((0, vals[0]), (2, vals[1])) if v.kind == "blank")
            return out
        if len(row.values) > n and any(v.kind == "num" and v.value for v in row.values[n:]):
            warnings.append(f"t2 row {key}: extra cells {[v.text for v in row.values[n:]]} ignored")
        for i, v in enumerate(vals):
            if v.kind == "blank":
                blank.append([key, i])
        return [v.value for v in vals] + [None] * (n - len(vals))

    t2: dict = {
        "format": fmt,
        "columns": ["本年新制作数量", "本年新公开数量", "对外公开总数量"] if fmt == "2019" else _T2_2021[:3],
        "regulations": cells("regulations", 3),
        "normative_documents": cells("normative_documents", 3),
    }
    if fmt == "2021":
        for key in ("licensing", "punishment", "coercion", "fees"):
            c = cells(key, 1)
            t2[key] = c[0] if c else None
    else:
        # 2019: [上一年项目数量, 本年增/减, 处理决定数量]; the count is the decision number.
        for key in _T2_2019_DECISION_ROWS:
            c = cells(key, 3)
            t2[key] = c[2] if c else None
            t2[f"{key}_detail"] = c
        t2["fees"] = None  # the 2019 fee block holds item counts, not an amount
        t2["fees_items"] = cells("fees", 2)
        p = cells("procurement", 2)
        t2["procurement"] = {"count": p[0], "amount_yuan": p[1]} if p else None
    t2["blank"] = blank
    t2["warnings"] = warnings
    missing = [
        k
        for k, _ in _T2_PATTERNS
        if k not in found and (fmt == "2019" or k not in ("other_services", "procurement"))
    ]
    t2["missing_rows"] = missing
    return t2, fmt


# A copy that dropped every separator (document-sharing sites) leaves a table as one run of text: its column
# headers written back to back and each row's label glued to its digits ("规章555", "…申请数量0000000"). The table
# is there, but where one cell ends and the next begins cannot be told (5|5|5, 55|5, 5|55), so no cell is read.
# (header run, glued row) per table; a table laid out in cells never writes two headers back to back.
_UNIT = r"(?![\d.,件个项次条宗万元%])"
_GLUED = {
    "t2": (re.compile("|".join(re.escape(a) + re.escape(b) for cols in (_T2_2019[:3], _T2_2021[:3])
                               for a, b in itertools.pairwise(cols))),
           re.compile(r"(规章|(?:行政)?规范性文件(?:\([^()]{0,40}\))?|行政许可|行政处罚|行政强制|行政事业性收费)(\d+)"
                      + _UNIT)),
    "t3": (re.compile(r"商业企业科研机构|科研机构社会公益组织|社会公益组织法律服务机构"),
           re.compile(r"(本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|予以公开)(\d{2,})"
                      + _UNIT)),
    "t4": (re.compile(r"结果维持结果纠正|结果纠正其他结果|其他结果尚未审结"),
           re.compile(r"(尚未审结总计|总计)(\d{5,})" + _UNIT)),
}


def glued_table(kind: str, region: str) -> tuple[dict | None, str | None]:
    """Table `kind` present with its cells run together (see above): every cell None and `unreadable` saying
    why (its format from its headers where they tell); None when the region does not show that."""
    head_rx, row_rx = _GLUED[kind]
    head = head_rx.search(region)
    rows = list(row_rx.finditer(region, head.end())) if head else []
    if not rows:
        return None, None  # prose ("制定规范性文件3件"), a table cut before its rows, or one laid out in cells
    seen = ", ".join(repr(m.group(0)) for m in rows[:3])
    why = f"cells run together without separators ({seen}): where one ends and the next begins cannot be told"
    fmt: str | None = None
    table: dict
    if kind == "t2":
        fmt = "2019" if any(c in head.group(0) for c in _T2_2019[:3]) else "2021"
        table = {"format": fmt, "columns": _T2_2019[:3] if fmt == "2019" else _T2_2021[:3],
                 "regulations": None, "normative_documents": None, "licensing": None, "punishment": None,
                 "coercion": None, "fees": None}
        if fmt == "2019":  # the keys build_t2 gives a 2019 table
            table |= dict.fromkeys(["other_services", *(f"{k}_detail" for k in _T2_2019_DECISION_ROWS),
                                    "fees_items", "procurement"])
        table["missing_rows"] = []
    elif kind == "t3":
        t3_fmt = _t3_format(region)
        table = {"format": t3_fmt, "rows": dict.fromkeys(T3_ROWS_2019 if t3_fmt == "2019" else T3_ROWS_2021),
                 "missing_rows": []}
    else:
        table = {group: [None] * len(T4_COLUMNS) for group in T4_GROUPS}
    table |= {"unreadable": why, "blank": [],
              "warnings": [f"{kind} present but unreadable: {why}; its cells are null, not guessed"]}
    return table, fmt


# --- regions and entry point --------------------------------------------------------------------


def sections(text: str) -> dict[int, int]:
    """Start offsets of the six standard section headings (matched by keyword, in order)."""
    found: dict[int, int] = {}
    pos = 0
    last = 0
    for line in text.split("\n"):
        m = _SECTION_HEAD.match(line)
        if m:
            n = "一二三四五六七八九十".index(m.group(1)) + 1
            if n in _SECTION_KEYS and n > last and n not in found and re.search(_SECTION_KEYS[n], m.group(2)):
                found[n] = pos
                last = n
        pos += len(line) + 1
    return found


def _regions(text: str, secs: dict[int, int], n: int, anchor: str):
    """Where table n may be: its section (heading n to the next heading), then from the first
    anchor label to the next heading after it (a table placed outside its section)."""
    if n in secs:
        later = [v for k, v in secs.items() if k > n]
        yield text[secs[n] : min(later) if later else len(text)]
    m = re.search(anchor, text)
    if m:
        later = [v for v in secs.values() if v > m.start()]
        yield text[m.start() : min(later) if later else len(text)]
    # Reports that number their narrative in their own way restart at 一、 for the tables: every line
    # that carries this table's title opens a candidate region, up to the next 一、-style heading.
    heading = re.compile(r"(?m)^\s*[一二三四五六七八九十]+\s*、")
    for t in re.finditer(r"(?m)^[^\n]*(?:" + _TITLES[n] + r")[^\n]*$", text):
        nxt = heading.search(text, t.end())
        yield text[t.start() : nxt.start() if nxt else len(text)]


_TITLES = {2: r"主动公开政府信息情况", 3: r"收到和处理政府信息公开申请", 4: r"复议[、,和及]?\s*(?:行政)?诉讼"}


def _classify(toks: list[Tok]) -> str | None:
    labels = "".join(t.text for t in toks if t.kind == "label")
    if "本年新收" in labels or "上年结转" in labels:
        return "t3"
    if "复议" in labels and "诉讼" in labels:
        return "t4"
    if re.search(r"规章|规范性文件|行政许可|行政处罚|第二十条", labels):
        return "t2"
    return None


def parse_tables(text: str, html: str | None = None) -> tuple[dict, list[str], dict]:
    """(tables {"t2","t3","t4"}, notes, format evidence {"2021": [...], "2019": [...]})."""
    streams: dict[str, list[Tok]] = {}
    notes: list[str] = []
    for toks in html_tables(html) if html else []:
        kind = _classify(toks)
        if kind and kind not in streams:
            streams[kind] = toks
    secs = sections(text)
    anchors = {"t2": r"第二十条|行政规范性文件", "t3": r"本年新收", "t4": r"尚未审结|结果维持"}
    builders = {
        "t2": lambda toks: build_t2(walk(toks), [t.text for t in toks if t.kind == "label"]),
        "t3": lambda toks: (build_t3(walk(toks)), None),
        "t4": lambda toks: (build_t4(walk(toks)), None),
    }
    built: dict[str, tuple] = {}
    for kind, n in (("t2", 2), ("t3", 3), ("t4", 4)):
        candidates = itertools.chain(
            [streams[kind]] if kind in streams else [],
            (tokens_from_text(r) for r in _regions(text, secs, n, anchors[kind])),  # lazily: the first that builds
        )
        built[kind] = (None, None)
        for toks in candidates:
            built[kind] = builders[kind](toks)
            if built[kind][0] is not None:
                break
        if built[kind][0] is None:
            for region in _regions(text, secs, n, anchors[kind]):
                built[kind] = glued_table(kind, region)
                if built[kind][0] is not None:
                    break
    (t2, fmt2), (t3, _), (t4, _) = built["t2"], built["t3"], built["t4"]
    evidence: dict[str, list[str]] = {"2021": [], "2019": []}
    if t2 is not None and fmt2:
        evidence[fmt2].append(f"table 二 {'column headers' if t2.get('unreadable') else 'labels'} ({fmt2} format)")
    if t3 is not None:
        if t3["format"] == "2019":
            evidence["2019"].append("table 三: （六）其他处理 is a single row")
        elif any(k.startswith("other.") for k in t3["rows"] if t3["rows"][k] is not None):
            evidence["2021"].append("table 三: （六）其他处理 has sub-rows")
    for kind, t in (("t2", t2), ("t3", t3), ("t4", t4)):
        if t is None:
            notes.append(f"table {kind} absent from the text (no rows found): reported as missing, not zeros")
        else:
            notes.extend(t.get("warnings", []))
    return {"t2": t2, "t3": t3, "t4": t4}, notes, evidence


def detect_format(evidence: dict[str, list[str]]) -> str | None:
    """'2021', '2019' or None when the tables are absent and nothing else tells."""
    if not evidence["2021"] and not evidence["2019"]:
        return None
    return "2019" if len(evidence["2019"]) > len(evidence["2021"]) else "2021"
