"""The audit report across agencies: the table of agencies × claims of one year (archive/reconcile/across.py
`agencies_matrix`) as a self-contained HTML file, CSV (UTF-8 with a BOM, one line per agency and claim), Markdown
or JSON (`xxgk report --agency all …`); the HTML table is also what Datasette's /-/xxgk/agencies shows.

Every agency asked for is a line: a reconciled one with its counts by status, its largest discrepancy (the claim
found fewer or more than claimed by the most, and by how much) and its key claims; one without a report in the
archive, or whose report could not be read, with its status and the reason. Names and labels come from
registry files and annual reports: escaped in every format, formulas defused in CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from . import STATUS_MARK, STATUS_TEXT, claimed_text, num, signed
from .csv import _n, _text
from .html import _status, e
from .style import CSS

FORMATS = ("html", "csv", "md", "json")
LANG = "en"  # the table across agencies is not translated yet
AGENCY_STATUS_TEXT = {"reconciled": "reconciled", "no_report": "no report", "failed": "failed",
                      "not_reconciled": "not reconciled"}
# Column headings and what each sorts by (archive/reconcile/across.py SORTS).
COLUMNS = (("agency", "Agency"), ("status", "Status"), ("claims", "Claims"), ("match", "✓ match"),
           ("fewer_found", "▼ fewer"), ("more_found", "▲ more"), ("unverifiable", "? unverifiable"),
           ("discrepancy", "Largest discrepancy"))
EXTRA_CSS = """
table.agencies td.n { text-align: right; } .a-no_report, .a-failed { color: var(--fewer_found); font-weight: 600; }
.a-not_reconciled { color: var(--unverifiable); font-weight: 600; } .reason { font-size: .85em; color: #444; }
table.agencies th a { color: inherit; } th.sorted { background: #e3e3e3; } .key { white-space: nowrap; }
"""


def agency_status(status: str) -> str:
    return f'<span class="a-{e(status)}">{e(AGENCY_STATUS_TEXT.get(status, status))}</span>'


def key_cell(claim: dict[str, Any] | None) -> str:
    """A key claim: its status mark, observed of claimed and the delta ('▲ 38 of 36 (+2)'); '–' when unstated."""
    if not claim:
        return '<td class="key na">–</td>'
    status = claim["status"]
    delta = f" ({e(signed(claim['delta']))})" if claim.get("delta") not in (None, 0) else ""
    return (f'<td class="key s-{e(status)}" title="{e(STATUS_TEXT.get(status, status))}">'
            f'{e(STATUS_MARK.get(status, ""))} {e(num(claim.get("observed")))} of {e(claimed_text(claim))}{delta}</td>')


def matrix_table(matrix: dict[str, Any], sort_href: Callable[[str, bool], str] | None = None,
                 agency_href: Callable[[dict[str, Any]], str | None] | None = None) -> str:
    """The table of agencies × claims as an HTML <table>; headers re-sort through `sort_href(key, descending)`
    (server-side: no script), agencies link to `agency_href(row)` (their reconciliation)."""
    current, desc = matrix.get("sort"), matrix.get("descending", True)

    def head(key: str, text: str) -> str:
        cls = ' class="sorted"' if key == current else ""
        arrow = (" ↓" if desc else " ↑") if key == current else ""
        if sort_href is None:
            return f"<th{cls}>{e(text)}{arrow}</th>"
        # Text sorts A→Z first, counts largest first; the current column flips.
        first = key not in ("agency", "name", "status")
        href = sort_href(key, (not desc) if key == current else first)
        return f'<th{cls}><a href="{e(href)}">{e(text)}{arrow}</a></th>'

    heads = [head(k, t) for k, t in COLUMNS]
    heads += [head(c["key"], c["heading"]) for c in matrix.get("key_claims", [])]
    body = []
    for r in matrix["agencies"]:
        href = agency_href(r) if agency_href else None
        who = f"{e(r.get('name') or r['agency'])} <code>{e(r['agency'])}</code>"
        who = f'<a href="{e(href)}">{who}</a>' if href else who
        status = agency_status(r["status"]) + (f'<div class="reason">{e(r["reason"])}</div>' if r.get("reason")
                                               and r["status"] != "reconciled" else "")
        if r["status"] == "reconciled":
            counts = [f'<td class="n">{e(r["claims"])}</td>'] + [
                f'<td class="n s-{s}">{e(r["statuses"].get(s, 0))}</td>'
                for s in ("match", "fewer_found", "more_found", "unverifiable")]
            big = r.get("largest")
            counts.append(f'<td>{_status(big["status"], LANG)} {e(signed(big["delta"]))}: {e(big["label"])}, '
                          f'{e(num(big["observed"]))} of {e(claimed_text(big))}</td>' if big else
                          '<td class="s-match">none</td>')
            counts += [key_cell((r.get("key") or {}).get(c["key"])) for c in matrix.get("key_claims", [])]
        else:
            width = 6 + len(matrix.get("key_claims", []))
            counts = [f'<td class="na" colspan="{width}">–</td>']
        body.append(f'<tr id="row-{e(r["agency"])}"><td>{who}</td><td>{status}</td>{"".join(counts)}</tr>')
    return (f'<table class="agencies"><thead><tr>{"".join(heads)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def totals_line(matrix: dict[str, Any]) -> str:
    c = matrix["counts"]
    parts = [f"{len(matrix['agencies'])} agencies"] + [f"{AGENCY_STATUS_TEXT[s]} {n}" for s, n in c.items() if n]
    claims = matrix.get("claim_statuses") or {}
    return "; ".join(parts) + " · claims: " + ", ".join(f"{STATUS_TEXT[s]} {n}" for s, n in claims.items())


def sort_text(matrix: dict[str, Any]) -> str:
    return f"sorted by {matrix['sort']}, {'descending' if matrix['descending'] else 'ascending'}"


def render_html(matrix: dict[str, Any]) -> str:
    """One self-contained printable file: the table (agencies link to their section) and each agency's claims."""
    from .svg import COLOURS

    colours = ";".join(f"--{k}:{v}" for k, v in COLOURS.items())
    audit = matrix.get("audit") or {}
    sections = []
    for r in matrix["agencies"]:
        head = f'<h3 id="agency-{e(r["agency"])}">{e(r.get("name") or r["agency"])} <code>{e(r["agency"])}</code></h3>'
        if r["status"] != "reconciled":
            sections.append(f'{head}<p>{agency_status(r["status"])}: {e(r.get("reason"))}</p>')
            continue
        rows = "".join(
            f'<tr><td class="n">#{e(x["claim_index"])}</td><td>{e(x["label"])}</td><td class="n">{e(claimed_text(x))}</td>'
            f'<td class="n">{e(num(x["observed"]))}</td><td class="n">{e(num(x["observed_live"]))}</td>'
            f'<td class="n">{e(signed(x["delta"]))}</td><td>{_status(x["status"], LANG)}</td></tr>' for x in r["rows"])
        sections.append(
            f'{head}<p class="quote">reconciliation <code>{e(r["reconciliation_id"])}</code> of {e(r["created_at"])}; '
            f'annual report: {e(r.get("annual_report_source"))}</p><table><thead><tr><th>#</th><th>claim</th>'
            '<th>claimed</th><th>observed</th><th>live</th><th>delta</th><th>status</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')
    table = matrix_table(matrix, agency_href=lambda r: f"#agency-{r['agency']}")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>Audit across agencies · {e(matrix["year"])}</title><style>{CSS}{EXTRA_CSS}</style></head>'
        f'<body style="{colours}"><h1>Annual reports across agencies · {e(matrix["year"])}</h1>'
        f'<p>{e(totals_line(matrix))}. Table {e(sort_text(matrix))}.'
        + (f' Agency audit <code>{e(audit.get("id"))}</code> of {e(audit.get("created_at"))}.' if audit else "")
        + "</p><p>Largest discrepancy: the claim found fewer or more than claimed by the most, and observed − "
        "claimed. Key claims: observed of claimed (delta); ✓ match, ▼ fewer found, ▲ more found, ? unverifiable.</p>"
        f"<h2>Agencies × claims</h2>{table}<h2>Each agency's claims</h2>{''.join(sections)}</body></html>\n")


CSV_COLUMNS = ["year", "agency", "name", "agency_status", "reason", "reconciliation_id", "claim_index", "claim",
               "kind", "channel", "category", "claimed", "bound", "observed", "observed_live", "delta", "status",
               "part_of"]


def render_csv(matrix: dict[str, Any]) -> str:
    """One line per agency and claim (an agency without a reconciliation: one line with its status and reason),
    UTF-8 with a byte-order mark so a spreadsheet reads the Chinese right."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in matrix["agencies"]:
        head = [matrix["year"], _text(r["agency"]), _text(r.get("name")), r["status"],
                _text(r.get("reason") if r["status"] != "reconciled" else ""), r.get("reconciliation_id") or ""]
        if not r["rows"]:
            w.writerow(head + [""] * (len(CSV_COLUMNS) - len(head)))
        for x in r["rows"]:
            w.writerow(head + [x["claim_index"], _text(x["label"]), x.get("kind") or "", x.get("channel") or "",
                               _text(x.get("category") or ""), _n(x.get("claimed")), x.get("bound") or "",
                               _n(x.get("observed")), _n(x.get("observed_live")), _n(x.get("delta")), x["status"],
                               _n(x.get("part_of"))])
    return "\ufeff" + buf.getvalue()


def render_markdown(matrix: dict[str, Any]) -> str:
    from .markdown import md

    keys = matrix.get("key_claims", [])
    lines = [f"# Annual reports across agencies · {matrix['year']}", "", f"{totals_line(matrix)}. {sort_text(matrix)}.",
             "", "| agency | status | claims | match | fewer | more | unverifiable | largest discrepancy | "
             + " | ".join(md(c["heading"]) for c in keys) + " |", "|" + "---|" * (8 + len(keys))]
    for r in matrix["agencies"]:
        cells = [f"{md(r.get('name'))} `{md(r['agency'])}`", md(AGENCY_STATUS_TEXT.get(r["status"], r["status"]))]
        if r["status"] == "reconciled":
            cells += [str(r["claims"])] + [str(r["statuses"].get(s, 0)) for s in
                                           ("match", "fewer_found", "more_found", "unverifiable")]
            big = r.get("largest")
            cells.append(f"{signed(big['delta'])} {md(big['label'])}" if big else "none")
            for c in keys:
                k = (r.get("key") or {}).get(c["key"])
                cells.append(f"{STATUS_MARK[k['status']]} {num(k['observed'])} of {md(claimed_text(k))} "
                             f"({signed(k['delta'])})" if k else "–")
        else:
            cells[1] += f": {md(r.get('reason'))}"
            cells += ["–"] * (6 + len(keys))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_agencies(matrix: dict[str, Any], fmt: str) -> str:
    if fmt == "html":
        return render_html(matrix)
    if fmt == "csv":
        return render_csv(matrix)
    if fmt == "md":
        return render_markdown(matrix)
    if fmt == "json":
        return json.dumps(matrix, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
