"""Identity checks of reference §5.

Every check is always listed.  "ok" is True/False when its inputs are present, and None when they
are not (a missing table, no narrative statement): an absent table is "not evaluable", which is
different from "failed" and from "passed" — the auditor sees why in "detail".
"""

from __future__ import annotations

import re

from .tables import T3_COLUMNS, T3_RESULT_2019, T3_RESULT_2021, T4_COLUMNS, T4_GROUPS
from .vocab import APPROX_TOLERANCE

_SEVERITY = {
    "T3-H1": "error", "T3-H2": "error", "T3-H3": "error", "T3-H4": "error",
    "T4-H1": "error", "T4-H2": "error", "T4-H3": "error", "T2-H1": "error",
    "N-1": "warning", "N-2": "warning", "N-4": "warning", "F-1": "warning",
}  # fmt: skip


def _check(cid: str, ok: bool | None, detail: str) -> dict:
    return {"id": cid, "severity": _SEVERITY[cid], "ok": ok, "detail": detail}


def _known(*vals) -> bool:
    return all(v is not None for v in vals)


def _not_read(table: dict | None, name: str) -> str | None:
    """Why a table's cells cannot be checked (absent, or present but unreadable: null cells would pass
    identities vacuously); None when they were read."""
    if table is None:
        return f"table {name} absent"
    if table.get("unreadable"):
        return f"table {name} unreadable: {table['unreadable']}"
    return None


def _t3_checks(t3: dict | None) -> list[dict]:
    if why := _not_read(t3, "三"):
        return [_check(c, None, why) for c in ("T3-H1", "T3-H2", "T3-H3", "T3-H4")]
    rows = t3["rows"]
    out = []

    def col(key: str, c: int):
        r = rows.get(key)
        return None if r is None else r[c]

    # H1: 新收 + 上年结转 = （七）总计 + 结转下年度, per column
    bad, skipped = [], []
    for c, name in enumerate(T3_COLUMNS):
        a, b, t, f = (col(k, c) for k in ("newReceived", "carriedOver", "totalProcessed", "carriedForward"))
        if not _known(a, b, t, f):
            skipped.append(name)
        elif a + b != t + f:
            bad.append(f"{name}: {a}+{b} != {t}+{f}")
    out.append(_verdict("T3-H1", bad, skipped, "新收+上年结转 = 总计+结转下年度 in every column"))

    # H2: （七）总计 = Σ result rows, per column
    results = T3_RESULT_2019 if t3.get("format") == "2019" else T3_RESULT_2021
    bad, skipped = [], []
    for c, name in enumerate(T3_COLUMNS):
        parts = [col(k, c) for k in results]
        total = col("totalProcessed", c)
        if not _known(total, *parts):
            skipped.append(name)
        elif sum(parts) != total:
            bad.append(f"{name}: total {total} != sum of {len(results)} result rows {sum(parts)}")
    out.append(
        _verdict("T3-H2", bad, skipped, f"总计 = sum of the {len(results)} result rows in every column")
    )

    # H3: 总计列 = Σ six applicant columns, per row (judged on every row that is complete)
    bad, skipped, judged = [], [], 0
    for key, cells in rows.items():
        if cells is None or not _known(*cells):
            skipped.append(key)
            continue
        judged += 1
        if sum(cells[:6]) != cells[6]:
            bad.append(f"{key}: 总计 {cells[6]} != {'+'.join(str(v) for v in cells[:6])} = {sum(cells[:6])}")
    rule = "总计 column = sum of the six applicant columns in every row"
    if bad or not judged:
        out.append(_verdict("T3-H3", bad, skipped, rule))
    else:
        out.append(_check("T3-H3", True, rule + (f" ({judged} complete rows; not in the text: "
                                                    f"{', '.join(skipped)})" if skipped else "")))

    # H4: every cell a non-negative integer
    bad = [
        f"{k}.{T3_COLUMNS[c]}={v}"
        for k, cells in rows.items()
        if cells
        for c, v in enumerate(cells)
        if v is not None and (not isinstance(v, int) or v < 0)
    ]
    out.append(
        _check(
            "T3-H4",
            not bad,
            "cells not in ℕ: " + ", ".join(bad) if bad else "all cells are non-negative integers",
        )
    )
    return out


def _verdict(cid: str, bad: list[str], skipped: list[str], rule: str) -> dict:
    if bad:
        return _check(cid, False, "; ".join(bad))
    if skipped:
        return _check(cid, None, f"{rule}: not evaluable for {', '.join(skipped)} (cells missing)")
    return _check(cid, True, rule)


def _t4_checks(t4: dict | None) -> list[dict]:
    out = []
    for n, group in enumerate(T4_GROUPS, start=1):
        cid = f"T4-H{n}"
        if why := _not_read(t4, "四"):
            out.append(_check(cid, None, why))
            continue
        cells = t4[group]
        if not _known(*cells):
            out.append(_check(cid, None, f"{group}: cells missing {cells}"))
            continue
        ok = sum(cells[:4]) == cells[4]
        parts = "+".join(f"{T4_COLUMNS[i]} {cells[i]}" for i in range(4))
        out.append(
            _check(cid, ok, f"{group}: total {cells[4]} {'=' if ok else '!='} {parts} = {sum(cells[:4])}")
        )
    return out


def _t2_check(t2: dict | None) -> dict:
    if why := _not_read(t2, "二"):
        return _check("T2-H1", None, why)
    bad = []
    for key in ("regulations", "normative_documents"):
        for v in t2.get(key) or []:
            if v is not None and (not isinstance(v, int) or v < 0):
                bad.append(f"{key}={v}")
    for key in ("licensing", "punishment", "coercion", "other_services"):
        v = t2.get(key)
        if v is not None and (not isinstance(v, int) or v < 0):
            bad.append(f"{key}={v}")
    fee = t2.get("fees")
    if fee is not None and fee < 0:
        bad.append(f"fees={fee}")
    return _check("T2-H1", not bad, ", ".join(bad) if bad else f"counts in ℕ, fee {fee} ≥ 0")


def _n1(t3: dict | None, claims: list[dict]) -> dict:
    apps = [c for c in claims if c["kind"] == "applications"]
    if why := _not_read(t3, "三"):
        return _check("N-1", None, why + (f"; narrative says {apps[0]['value']}" if apps else ""))
    if not apps:
        return _check("N-1", None, "no narrative application count")
    new = (t3["rows"].get("newReceived") or [None] * 7)[6]
    old = (t3["rows"].get("carriedOver") or [None] * 7)[6]
    if new is None:
        return _check("N-1", None, "table 三 新收 总计 missing")
    allowed = {new} | ({new + old} if old is not None else set())
    n = apps[0]["value"]
    return _check("N-1", n in allowed, f"narrative {n}; table 新收 {new}, 新收+结转 {new + (old or 0)}")


def _n2(t4: dict | None, text: str) -> dict:
    """Narrative about 复议/诉讼 against table 四: "无…复议诉讼" ⇒ all zeros; "均维持" ⇒ no 纠正, 其他,
    尚未审结; "未被…纠错" / "未发生…复议纠错或诉讼败诉" ⇒ no 纠正 only (reviews may still exist)."""
    none_said = re.search(r"(?:未发生|没有发生|未出现|无)[^。]{0,20}?(?:行政复议|行政诉讼)(?![^。,]{0,6}(?:纠错|纠正|败诉|撤销))",
                          text)
    upheld_said = re.search(r"均(?:获|被|予)?维持", text)
    not_corrected = re.search(r"未被[^。,]{0,12}纠错|未被纠正|(?:行政复议|复议)纠错", text)
    if why := _not_read(t4, "四"):
        return _check("N-2", None, why)
    if not none_said and not upheld_said and not not_corrected:
        return _check("N-2", None, "narrative says nothing checkable about 复议/诉讼")
    cells = [v for g in T4_GROUPS for v in t4[g]]
    if none_said:
        ok = all(v == 0 for v in cells if v is not None)
        return _check("N-2", ok, f"narrative {none_said.group(0)!r}; table 四 cells {cells}")
    said = upheld_said or not_corrected
    columns = (1, 2, 3) if upheld_said else (1,)
    bad = [f"{g}.{T4_COLUMNS[i]}={t4[g][i]}" for g in T4_GROUPS for i in columns if t4[g][i]]
    what = "no 纠正/其他/尚未审结" if upheld_said else "no 纠正"
    return _check("N-2", not bad, f"narrative {said.group(0)!r}; " + (", ".join(bad) or what))


def value_range(c: dict) -> tuple[float, float]:
    """What a stated value allows: exact v; lower bound [v, ∞); approximate ±10 %."""
    v = c["value"]
    bound = c.get("bound") or ("approx" if c.get("approx") else "exact")
    if bound == "lower":
        return v, float("inf")
    if bound == "approx":
        return v * (1 - APPROX_TOLERANCE), v * (1 + APPROX_TOLERANCE)
    return v, v


def _n4(claims: list[dict]) -> dict:
    """Breakdowns ("共 N 条，其中 a 条、b 条…") read as trees: the parts of every total must add up.

    A breakdown is judged only when it can be a partition: parts adding to more than the total fail;
    parts adding to less fail only when they come close (≥ 90 %) and the list is not marked open
    ("…等"), since many reports name a few parts of a larger whole."""
    groups: dict[int, list[dict]] = {}
    for c in claims:
        if c.get("part_of") is not None and c["kind"] == "published":
            groups.setdefault(c["part_of"], []).append(c)
    if not groups:
        return _check("N-4", None, "no '共 N 条，其中 …' breakdown in the narrative")
    details: list[str] = []
    verdicts: list[bool | None] = []
    for parent_idx, parts in sorted(groups.items()):
        total = claims[parent_idx]
        name = "/".join(str(x) for x in (total["channel"], total["category"]) if x) or "total"
        lo = sum(value_range(p)[0] for p in parts)
        hi = sum(value_range(p)[1] for p in parts)
        t_lo, t_hi = value_range(total)
        shown = "+".join(str(p["value"]) for p in parts)
        if len(parts) < 2:
            verdicts.append(None)
            details.append(f"{name} {total['value']}: one part named ({shown}), not a breakdown to add up")
        elif lo <= t_hi and hi >= t_lo:
            verdicts.append(True)
            details.append(f"{name} {total['value']} = {shown} = {lo:g}")
        elif lo > t_hi:
            verdicts.append(False)
            details.append(f"{name} {total['value']} < {shown} = {lo:g}: the parts exceed the total")
        elif total.get("breakdown_open") or hi < 0.9 * t_lo:
            verdicts.append(None)
            details.append(f"{name} {total['value']} > {shown} = {hi:g}: an open list (some parts unnamed)")
        else:
            verdicts.append(False)
            details.append(f"{name} {total['value']} != {shown} = {lo:g}")
    ok = False if False in verdicts else True if True in verdicts else None
    return _check("N-4", ok, "; ".join(details))


def _f1(year: int | None, fmt: str | None, evidence: dict) -> dict:
    if fmt is None:
        return _check("F-1", None, "format unknown (tables absent)")
    if year is None:
        return _check("F-1", None, f"format {fmt}, year unknown")
    if year < 2021:
        return _check("F-1", True, f"year {year} predates the 2021 format; format {fmt}")
    old = evidence.get("2019", [])
    return _check(
        "F-1", not old, f"year {year}, format {fmt}" + (f"; 2019 labels: {'; '.join(old)}" if old else "")
    )


def run_checks(
    tables: dict, claims: list[dict], text: str, *, year: int | None, fmt: str | None, evidence: dict
) -> list[dict]:
    """All §5 checks in a fixed order (T3-H1..4, T4-H1..3, T2-H1, N-1, N-2, N-4, F-1)."""
    return [
        *_t3_checks(tables["t3"]),
        *_t4_checks(tables["t4"]),
        _t2_check(tables["t2"]),
        _n1(tables["t3"], claims),
        _n2(tables["t4"], text),
        _n4(claims),
        _f1(year, fmt, evidence),
    ]
