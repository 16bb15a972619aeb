"""The reconciliation as ONE self-contained, printable HTML file (inline CSS and SVG, no script, no assets).

Every value that came from a crawled page or the report text is escaped; links are emitted only for
http(s) URLs. Status is shown as colour AND text AND a symbol, so it survives grey-scale printing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from . import (
    STATUS_MARK,
    STATUS_TEXT,
    claimed_text,
    interpretation_text,
    label,
    num,
    signed,
    statements,
    structure_lines,
    structure_text,
)
from .svg import COLOURS, claims_chart

CSS = """
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .4rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .85em; overflow-wrap: anywhere; }
.status { font-weight: 600; white-space: nowrap; border: 1px solid currentColor; border-radius: 3px; padding: 0 .3rem; }
.s-match { color: var(--match); } .s-fewer_found { color: var(--fewer_found); }
.s-more_found { color: var(--more_found); } .s-unverifiable { color: var(--unverifiable); }
.counts span { margin-right: 1rem; }
.quote { color: #444; font-size: .9em; }
details { margin: .3rem 0; } summary { cursor: pointer; font-weight: 600; }
.ok { color: var(--match); } .failed { color: var(--fewer_found); } .na { color: var(--unverifiable); }
ul.caveats li { margin-bottom: .15rem; }
figure { margin: 0; } figcaption { font-size: .85em; color: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; } tr, li, svg { break-inside: avoid; }
  details > summary { list-style: none; }
  .screen-only { display: none; }
}
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _link(url: str | None, text: str | None = None) -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{e(text or url)}</a>'
    return e(text or url or "")


def _status(status: str) -> str:
    return (f'<span class="status s-{e(status)}">{e(STATUS_MARK.get(status, ""))} '
            f'{e(STATUS_TEXT.get(status, status))}</span>')


def _summary(rec: dict[str, Any]) -> str:
    s = rec.get("summary") or {}
    rep = s.get("annual_report") or {}
    agency = rec["agency"] + (f" ({s['agency_name']})" if s.get("agency_name") else "")
    items = [
        ("Agency", e(agency)),
        ("Year", e(rec["year"])),
        ("Report source", e(rec.get("annual_report_source"))),
        ("Report sha256", f'<code>{e(rec.get("annual_report_sha256") or "–")}</code>'),
    ]
    if rec.get("annual_report_document_id"):
        items.append(("Report document", f"<code>{e(rec['annual_report_document_id'])}</code>"
                      + (f" — {e(rep.get('title'))}" if rep.get("title") else "")
                      + (f", capture <code>{e(rep.get('capture_id'))}</code>" if rep.get("capture_id") else "")))
    if rep:
        period = rep.get("period") or {}
        items.append(("Report says", e(f"year {rep.get('year')}, period {period.get('start', '?')} .. "
                                       f"{period.get('end', '?')}, format {rep.get('format') or 'unknown'}, agency "
                                       f"{(rep.get('agency') or {}).get('name') or '–'}")))
    items.append(("Reconciliation", f"<code>{e(rec['id'])}</code>, created {e(rec.get('created_at'))}"))
    items += [(e(k), e(v)) for k, v in structure_lines(rec)]
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    counts = s.get("statuses") or {}
    badges = "".join(f"<span>{_status(k)} {e(num(v))}</span>" for k, v in counts.items())
    runs = rec.get("runs") or []
    if runs:
        run_rows = "".join(
            f"<tr><td><code>{e(r['id'])}</code></td><td>{e(r.get('channel'))}</td><td>{e(r.get('started_at'))}</td>"
            f"<td>{e(r.get('ended_at'))}</td><td>{e(r.get('status'))}</td><td class='n'>{e(num(r.get('blocked')))}</td>"
            f"<td class='n'>{e(num(r.get('failed')))}</td></tr>" for r in runs)
        runs_html = ("<table><thead><tr><th>run</th><th>channel</th><th>started (UTC)</th><th>ended (UTC)</th>"
                     f"<th>status</th><th>blocked requests</th><th>failed requests</th></tr></thead><tbody>{run_rows}"
                     "</tbody></table>")
    else:
        runs_html = "<p>No crawl run recorded coverage: nothing could be verified against the archive.</p>"
    chans = s.get("channels") or {}
    chan_text = "; ".join(f"{e(k)}: {'crawled' if v.get('crawled') else 'not crawled'}" for k, v in chans.items())
    return (f'<section id="summary"><h2>Summary</h2><dl class="meta">{meta}</dl>'
            f'<p class="counts">{badges}</p><h3>Runs considered</h3>{runs_html}'
            + (f"<p>Channels: {chan_text}.</p>" if chan_text else "") + "</section>")


def _claims_table(rows: list[dict[str, Any]]) -> str:
    body = []
    for r in rows:
        quote = "".join(f'<div class="quote">“{e(q.get("quote"))}” <span class="mono">[{e(q.get("quote_start"))}:'
                        f'{e(q.get("quote_end"))}]</span></div>' for q in statements(r) if q.get("quote"))
        where = structure_text(r)
        quote = (f'<div class="quote"><em>{e(where)}</em></div>' if where else "") + quote
        body.append(
            f"<tr id='claim-{e(r['claim_index'])}'><td class='n'>{e(r['claim_index'])}</td><td>{e(r.get('kind'))}</td>"
            f"<td>{e(label(r))}{quote}</td><td class='n'>{e(claimed_text(r))} {e(r.get('unit') or '')}</td>"
            f"<td class='n'>{e(num(r.get('observed')))}</td><td class='n'>{e(num(r.get('observed_live')))}</td>"
            f"<td class='n'>{e(signed(r.get('delta')))}</td><td>{_status(r['status'])}</td>"
            f"<td>{e(interpretation_text(r))}</td></tr>")
    return ("<section id='claims'><h2>Claims</h2><p>≥ lower bound (余/多), ≈ approximate (约), otherwise exact. "
            "Observed counts every archived document of the year as first seen, live those still live.</p>"
            "<table><thead><tr><th>#</th><th>kind</th><th>claim</th><th>claimed</th><th>observed</th><th>live</th>"
            f"<th>delta</th><th>status</th><th>interpretation</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            "</section>")


def _checks(checks: list[dict[str, Any]]) -> str:
    if not checks:
        return "<section id='checks'><h2>The report's own consistency checks</h2><p>None evaluated.</p></section>"
    rows = []
    for c in checks:
        ok = c.get("ok")
        word, cls = ("ok", "ok") if ok is True else ("failed", "failed") if ok is False else ("n/a", "na")
        rows.append(f"<tr><td><code>{e(c.get('id'))}</code></td><td>{e(c.get('severity'))}</td>"
                    f"<td class='{cls}'><strong>{word}</strong></td><td>{e(c.get('detail'))}</td></tr>")
    return ("<section id='checks'><h2>The report's own consistency checks</h2>"
            "<table><thead><tr><th>check</th><th>severity</th><th>result</th><th>detail</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def _evidence(rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> str:
    parts = []
    for r in rows:
        ids = r.get("document_ids") or []
        if not ids:
            continue
        items = []
        for doc_id in ids:
            d = docs.get(doc_id, {})
            title = d.get("title") or ""
            items.append(
                f"<tr><td><code>{e(doc_id)}</code></td><td>{e(title)}</td><td>{e(d.get('published_date'))}</td>"
                f"<td>{e(d.get('status'))}{' (link entry)' if d.get('item_type') == 'url' else ''}</td>"
                f"<td class='mono'>{_link(d.get('canonical_url'))}</td><td><code>{e(d.get('capture_id'))}</code></td>"
                f"<td><code>{e(d.get('sha256'))}</code></td></tr>")
        parts.append(
            f"<details><summary>#{e(r['claim_index'])} {e(label(r))}: {e(num(len(ids)))} document(s) counted"
            "</summary><table><thead><tr><th>document</th><th>title</th><th>published</th><th>status</th><th>URL</th>"
            f"<th>capture</th><th>capture sha256</th></tr></thead><tbody>{''.join(items)}</tbody></table></details>")
    body = "".join(parts) or "<p>No documents were counted.</p>"
    return ("<section id='evidence'><h2>Evidence behind each number</h2>"
            "<p class='screen-only'>Open a row to see the documents it counted; each names the capture (WARC "
            f"evidence) it was read from and that capture's sha256.</p>{body}</section>")


def _caveats(rows: list[dict[str, Any]]) -> str:
    parts = []
    for r in rows:
        cav = r.get("caveats") or []
        if cav:
            items = "".join(f"<li>{e(c)}</li>" for c in cav)
            parts.append(f"<h3>#{e(r['claim_index'])} {e(label(r))} — {_status(r['status'])}</h3>"
                         f"<ul class='caveats'>{items}</ul>")
    return "<section id='caveats'><h2>Caveats</h2>" + ("".join(parts) or "<p>None.</p>") + "</section>"


def _method(rec: dict[str, Any]) -> str:
    rules = (rec.get("summary") or {}).get("counting_rules") or []
    rules_html = "".join(f"<li>{e(x)}</li>" for x in rules)
    per_row = "".join(f"<li><strong>#{e(r['claim_index'])} {e(label(r))}</strong>: {e(r.get('method'))}</li>"
                      for r in rec["rows"])
    notes = "".join(f"<li>{e(n)}</li>" for n in rec.get("notes") or [])
    return ("<section id='method'><h2>How the numbers were computed</h2><h3>Counting rules</h3>"
            f"<ol>{rules_html}</ol><h3>Per claim</h3><ul>{per_row}</ul>"
            + (f"<h3>Notes on the report</h3><ul>{notes}</ul>" if notes else "") + "</section>")


def render_html(rec: dict[str, Any], docs: dict[str, dict[str, Any]]) -> str:
    s = rec.get("summary") or {}
    title = f"Annual-report reconciliation — {s.get('agency_name') or rec['agency']}, {rec['year']}"
    colours = "".join(f"--{k}: {v};" for k, v in COLOURS.items())
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{e(title)}</title><style>{CSS} :root {{ {colours} }}</style></head><body>"
        f"<header><h1>{e(title)}</h1><p>What the {e(rec['year'])} 政府信息公开工作年度报告 claims, against what the "
        "archive shows was published.</p></header>"
        + _summary(rec)
        + "<section id='chart'><h2>Claimed vs observed</h2><figure>" + claims_chart(rec["rows"])
        + "<figcaption>Per claim: claimed (grey) and observed (coloured by status, with the status named on the "
        "right); each pair of bars is scaled to its larger value. Dashed: not observable.</figcaption></figure></section>"
        + _claims_table(rec["rows"]) + _checks(rec.get("checks") or []) + _evidence(rec["rows"], docs)
        + _caveats(rec["rows"]) + _method(rec) + "</body></html>\n"
    )
