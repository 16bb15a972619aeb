"""The reconciliation as Markdown: summary, the claims table, caveats and method.

Text from the report or crawled pages is escaped so it can neither break the table (| and line
breaks) nor inject HTML or links into a Markdown renderer.
"""

from __future__ import annotations

import re
from typing import Any

from . import (
    STATUS_MARK,
    STATUS_TEXT,
    claimed_text,
    interpretation_text,
    label,
    num,
    signed,
    structure_lines,
    structure_text,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def _status(status: str) -> str:
    return f"{STATUS_MARK.get(status, '')} {STATUS_TEXT.get(status, status)}"


def render_markdown(rec: dict[str, Any]) -> str:
    s = rec.get("summary") or {}
    lines = [f"# Annual-report reconciliation — {md(s.get('agency_name') or rec['agency'])}, {rec['year']}", ""]
    lines += [
        f"- Agency: `{rec['agency']}`",
        f"- Report source: {md(rec.get('annual_report_source'))}",
        f"- Report sha256: `{rec.get('annual_report_sha256') or '–'}`",
        f"- Reconciliation: `{rec['id']}` created {rec.get('created_at')}",
        "- Statuses: " + ", ".join(f"{_status(k)} {v}" for k, v in (s.get("statuses") or {}).items()),
    ]
    lines += [f"- {md(k)}: {md(v)}" for k, v in structure_lines(rec)]
    for r in rec.get("runs") or []:
        lines.append(f"- Run `{r['id']}` ({md(r.get('channel'))}): {md(r.get('status'))}, started {r.get('started_at')}"
                     f", {r.get('blocked', 0)} blocked / {r.get('failed', 0)} failed requests")
    lines += ["", "| # | claim | claimed | observed | live | delta | status | interpretation |",
              "|---:|---|---:|---:|---:|---:|---|---|"]
    for r in rec["rows"]:
        where = structure_text(r)
        lines.append(f"| {r['claim_index']} | {md(label(r))}{' (' + md(where) + ')' if where else ''} | {md(claimed_text(r))} {md(r.get('unit') or '')} | "
                     f"{num(r.get('observed'))} | {num(r.get('observed_live'))} | {signed(r.get('delta'))} | "
                     f"{_status(r['status'])} | {md(interpretation_text(r))} |")
    checks = rec.get("checks") or []
    if checks:
        lines += ["", "## The report's own consistency checks", "", "| check | result | detail |", "|---|---|---|"]
        for c in checks:
            word = {True: "ok", False: "failed"}.get(c.get("ok"), "n/a")
            lines.append(f"| {md(c.get('id'))} | {word} | {md(c.get('detail'))} |")
    cav = [(r, c) for r in rec["rows"] for c in r.get("caveats") or []]
    if cav:
        lines += ["", "## Caveats", ""]
        lines += [f"- **#{r['claim_index']} {md(label(r))}**: {md(c)}" for r, c in cav]
    lines += ["", "## How the numbers were computed", ""]
    lines += [f"- **#{r['claim_index']} {md(label(r))}**: {md(r.get('method'))}" for r in rec["rows"]]
    rules = s.get("counting_rules") or []
    if rules:
        lines += ["", "Counting rules:", ""] + [f"{i}. {md(x)}" for i, x in enumerate(rules, 1)]
    return "\n".join(lines) + "\n"
