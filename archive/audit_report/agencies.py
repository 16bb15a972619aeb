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

from ..i18n import DEFAULT_LANG, caveat_text, status_text, t
from . import STATUS_MARK, claimed_text, label, num, signed
from .csv import _n, _text
from .html import _status, e
from .style import CSS

FORMATS = ("html", "csv", "md", "json")
AGENCY_STATUSES = ("reconciled", "no_report", "failed", "not_reconciled")
# The columns, each the key it sorts by (archive/reconcile/across.py SORTS); headings: agencies.col.* (i18n).
COLUMNS = ("agency", "status", "claims", "match", "fewer_found", "more_found", "unverifiable", "discrepancy")
EXTRA_CSS = """
table.agencies td.n { text-align: right; } .a-no_report, .a-failed { color: var(--fewer_found); font-weight: 600; }
.a-not_reconciled { color: var(--unverifiable); font-weight: 600; } .reason { font-size: .85em; color: #444; }
table.agencies th a { color: inherit; } th.sorted { background: #e3e3e3; } .key { white-space: nowrap; }
"""


def agency_status_text(status: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"agencies.status.{status}", lang) if status in AGENCY_STATUSES else status


def heading(key: str, lang: str = DEFAULT_LANG) -> str:
    """A column's heading: one of COLUMNS or a key claim (agencies.key.*)."""
    return t(f"agencies.col.{key}" if key in COLUMNS else f"agencies.key.{key}", lang)


def reason_text(row: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """Why an agency has no reconciliation, in `lang` (stored as an English sentence)."""
    return caveat_text(row.get("reason") or "", lang)


def observed_of(claim: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """'38 of 36' / '38（年报 36）' (a bound's mark kept: '≥300')."""
    return t("agencies.of", lang, observed=num(claim.get("observed")), claimed=claimed_text(claim))


def agency_status(status: str, lang: str = DEFAULT_LANG) -> str:
    return f'<span class="a-{e(status)}">{e(agency_status_text(status, lang))}</span>'


def key_cell(claim: dict[str, Any] | None, lang: str = DEFAULT_LANG) -> str:
    """A key claim: its status mark, observed of claimed and the delta ('▲ 38 of 36 (+2)'); '–' when unstated."""
    if not claim:
        return '<td class="key na">–</td>'
    status = claim["status"]
    delta = f" ({e(signed(claim['delta']))})" if claim.get("delta") not in (None, 0) else ""
    return (f'<td class="key s-{e(status)}" title="{e(status_text(status, lang))}">'
            f'{e(STATUS_MARK.get(status, ""))} {e(observed_of(claim, lang))}{delta}</td>')


def matrix_table(matrix: dict[str, Any], sort_href: Callable[[str, bool], str] | None = None,
                 agency_href: Callable[[dict[str, Any]], str | None] | None = None, lang: str = DEFAULT_LANG) -> str:
    """The table of agencies × claims as an HTML <table> in `lang`; headers re-sort through
    `sort_href(key, descending)` (server-side: no script), agencies link to `agency_href(row)` (their
    reconciliation)."""
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

    heads = [head(k, heading(k, lang)) for k in COLUMNS]
    heads += [head(c["key"], heading(c["key"], lang)) for c in matrix.get("key_claims", [])]
    body = []
    for r in matrix["agencies"]:
        href = agency_href(r) if agency_href else None
        who = f"{e(r.get('name') or r['agency'])} <code>{e(r['agency'])}</code>"
        who = f'<a href="{e(href)}">{who}</a>' if href else who
        status = agency_status(r["status"], lang) + (f'<div class="reason">{e(reason_text(r, lang))}</div>'
                                                     if r.get("reason") and r["status"] != "reconciled" else "")
        if r["status"] == "reconciled":
            counts = [f'<td class="n">{e(r["claims"])}</td>'] + [
                f'<td class="n s-{s}">{e(r["statuses"].get(s, 0))}</td>'
                for s in ("match", "fewer_found", "more_found", "unverifiable")]
            big = r.get("largest")
            counts.append(f'<td>{_status(big["status"], lang)} {e(signed(big["delta"]))}: {e(row_label(big, lang))}, '
                          f'{e(observed_of(big, lang))}</td>' if big else
                          f'<td class="s-match">{e(t("agencies.none", lang))}</td>')
            counts += [key_cell((r.get("key") or {}).get(c["key"]), lang) for c in matrix.get("key_claims", [])]
        else:
            width = 6 + len(matrix.get("key_claims", []))
            counts = [f'<td class="na" colspan="{width}">–</td>']
        body.append(f'<tr id="row-{e(r["agency"])}"><td>{who}</td><td>{status}</td>{"".join(counts)}</tr>')
    return (f'<table class="agencies"><thead><tr>{"".join(heads)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def row_label(row: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """A claim's label in `lang` ('catalog · 政务动态' / '政府信息公开目录 · 政务动态'); the stored one when the row
    does not say its kind (a matrix from before the kinds were kept)."""
    return label(row, lang) if row.get("kind") or row.get("channel") else row.get("label") or ""


def totals_line(matrix: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    c = matrix["counts"]
    semi, comma = ("；", "，") if lang == "zh" else ("; ", ", ")
    parts = [t("agencies.count", lang, n=len(matrix["agencies"]))]
    parts += [f"{agency_status_text(s, lang)} {n}" for s, n in c.items() if n]
    claims = matrix.get("claim_statuses") or {}
    return (semi.join(parts) + " · " + t("agencies.claims", lang)
            + comma.join(f"{status_text(s, lang)} {n}" for s, n in claims.items()))


def sort_text(matrix: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    key = matrix["sort"]
    column = key if lang == "en" else heading(key, lang).lstrip("✓▼▲? ")
    return t("agencies.sorted", lang, column=column,
             direction=t("agencies.descending" if matrix["descending"] else "agencies.ascending", lang))


def render_html(matrix: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """One self-contained printable file in `lang`: the table (agencies link to their section) and each agency's
    claims."""
    from .svg import COLOURS

    colours = ";".join(f"--{k}:{v}" for k, v in COLOURS.items())
    audit = matrix.get("audit") or {}
    sections = []
    for r in matrix["agencies"]:
        head = f'<h3 id="agency-{e(r["agency"])}">{e(r.get("name") or r["agency"])} <code>{e(r["agency"])}</code></h3>'
        if r["status"] != "reconciled":
            sections.append(f'{head}<p>{agency_status(r["status"], lang)}: {e(reason_text(r, lang))}</p>')
            continue
        rows = "".join(
            f'<tr><td class="n">#{e(x["claim_index"])}</td><td>{e(row_label(x, lang))}</td>'
            f'<td class="n">{e(claimed_text(x))}</td><td class="n">{e(num(x["observed"]))}</td>'
            f'<td class="n">{e(num(x["observed_live"]))}</td><td class="n">{e(signed(x["delta"]))}</td>'
            f'<td>{_status(x["status"], lang)}</td></tr>' for x in r["rows"])
        heads = "".join(f"<th>{e(t(f'col.{c}', lang))}</th>"
                        for c in ("number", "claim", "claimed", "observed", "live", "delta", "status"))
        code = f"<code>{e(r['reconciliation_id'])}</code>"  # the id set in code, the sentence escaped around it
        before, _, after = t("agencies.source", lang, id="\0", at=r["created_at"],
                             source=r.get("annual_report_source")).partition("\0")
        sections.append(f'{head}<p class="quote">{e(before)}{code}{e(after)}</p><table><thead><tr>{heads}</tr>'
                        f'</thead><tbody>{rows}</tbody></table>')
    table = matrix_table(matrix, agency_href=lambda r: f"#agency-{r['agency']}", lang=lang)
    stop = "。" if lang == "zh" else ". "
    audited = e(t("agencies.audit", lang, id=audit.get("id"), at=audit.get("created_at"))) if audit else ""
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<title>{e(t("agencies.report_title", lang, year=matrix["year"]))}</title><style>{CSS}{EXTRA_CSS}</style>'
        f'</head><body style="{colours}"><h1>{e(t("agencies.report_h1", lang, year=matrix["year"]))}</h1>'
        f'<p>{e(totals_line(matrix, lang))}{stop}{e(sort_text(matrix, lang))}{stop}{audited}</p>'
        f'<p>{e(t("agencies.legend", lang))}</p>'
        f'<h2>{e(t("agencies.table", lang))}</h2>{table}<h2>{e(t("agencies.each", lang))}</h2>{"".join(sections)}'
        "</body></html>\n")


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


def render_markdown(matrix: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    from .markdown import md

    keys = matrix.get("key_claims", [])
    stop = "。" if lang == "zh" else ". "
    heads = [heading(k, lang) for k in COLUMNS] + [heading(c["key"], lang) for c in keys]
    lines = [f"# {t('agencies.report_h1', lang, year=matrix['year'])}", "",
             f"{totals_line(matrix, lang)}{stop}{sort_text(matrix, lang)}{stop}".rstrip(), "",
             "| " + " | ".join(md(h) for h in heads) + " |", "|" + "---|" * len(heads)]
    for r in matrix["agencies"]:
        cells = [f"{md(r.get('name'))} `{md(r['agency'])}`", md(agency_status_text(r["status"], lang))]
        if r["status"] == "reconciled":
            cells += [str(r["claims"])] + [str(r["statuses"].get(s, 0)) for s in
                                           ("match", "fewer_found", "more_found", "unverifiable")]
            big = r.get("largest")
            cells.append(f"{signed(big['delta'])} {md(row_label(big, lang))}" if big else t("agencies.none", lang))
            for c in keys:
                k = (r.get("key") or {}).get(c["key"])
                cells.append(f"{STATUS_MARK[k['status']]} {md(observed_of(k, lang))} ({signed(k['delta'])})"
                             if k else "–")
        else:
            cells[1] += f": {md(reason_text(r, lang))}"
            cells += ["–"] * (6 + len(keys))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_agencies(matrix: dict[str, Any], fmt: str, lang: str = DEFAULT_LANG) -> str:
    """The table across agencies as `fmt`; html and md in `lang`, csv and json as data (codes, English labels)."""
    if fmt == "html":
        return render_html(matrix, lang)
    if fmt == "csv":
        return render_csv(matrix)
    if fmt == "md":
        return render_markdown(matrix, lang)
    if fmt == "json":
        return json.dumps(matrix, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
