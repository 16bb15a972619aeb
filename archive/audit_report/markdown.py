"""The reconciliation as Markdown: summary, the claims table, evidence links, caveats and method.

Text from the report or crawled pages is escaped so it can neither break the table (| and line
breaks) nor inject HTML or links into a Markdown renderer; only http(s) links of our own are emitted.
"""

from __future__ import annotations

import re
from typing import Any

from archive.i18n import caveat_text, status_text, t
from archive.times import local_text

from . import (
    STATUS_MARK,
    Links,
    claimed_text,
    interpretation_text,
    label,
    num,
    signed,
    status_counts,
    structure_lines,
    structure_text,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def _link(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url and url.startswith(("http://", "https://")) else text


def _status(status: str, lang: str) -> str:
    return f"{STATUS_MARK.get(status, '')} {status_text(status, lang)}"


def render_markdown(rec: dict[str, Any], docs: dict[str, dict[str, Any]] | None = None, lang: str = "zh",
                    links: Links | None = None) -> str:
    docs, links = docs or {}, links or Links()
    s = rec.get("summary") or {}

    def tr(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    lines = [f"# {md(tr('report.title', agency=s.get('agency_name') or rec['agency'], year=rec['year']))}", ""]
    lines += [
        f"- {tr('m.agency')}: `{rec['agency']}`",
        f"- {tr('m.source')}: {md(rec.get('annual_report_source'))}",
        f"- {tr('m.sha256')}: `{rec.get('annual_report_sha256') or '–'}`",
        f"- {tr('m.reconciliation')}: `{rec['id']}` {md(tr('m.created', when=local_text(rec.get('created_at'))))}",
        f"- {tr('m.statuses')}: " + ", ".join(f"{_status(k, lang)} {v}" for k, v in status_counts(rec).items()),
    ]
    report_doc = rec.get("annual_report_document_id")
    cap = (docs.get(report_doc) or {}).get("capture_id") if report_doc else None
    if cap:
        lines.append(f"- {tr('evidence.report')}: {_link(f'`{cap}`', links.replay(cap))}")
    lines += [f"- {md(k)}: {md(v)}" for k, v in structure_lines(rec, lang)]
    for r in rec.get("runs") or []:
        lines.append(f"- {tr('col.run')} `{r['id']}` ({md(r.get('channel'))}): {md(r.get('status'))}, "
                     f"{tr('col.started')} {local_text(r.get('started_at'))}, {tr('col.blocked')} {r.get('blocked', 0)}, "
                     f"{tr('col.failed')} {r.get('failed', 0)}")
    lines.append(f"- {md(tr('time.note'))}")
    head = [tr(k) for k in ("col.number", "col.claim", "col.claimed", "col.observed", "col.live", "col.delta",
                            "col.status", "col.reading")]
    lines += ["", "| " + " | ".join(head) + " |", "|---:|---|---:|---:|---:|---:|---|---|"]
    for r in rec["rows"]:
        where = structure_text(r, lang)
        lines.append(f"| {r['claim_index']} | {md(label(r, lang))}{' (' + md(where) + ')' if where else ''} | "
                     f"{md(claimed_text(r))} {md(r.get('unit') or '')} | {num(r.get('observed'))} | "
                     f"{num(r.get('observed_live'))} | {signed(r.get('delta'))} | {_status(r['status'], lang)} | "
                     f"{md(interpretation_text(r, lang))} |")
    checks = rec.get("checks") or []
    if checks:
        lines += ["", f"## {tr('h.checks')}", "", f"| {tr('col.check')} | {tr('col.result')} | {tr('col.detail')} |",
                  "|---|---|---|"]
        for c in checks:
            word = tr({True: "check.ok", False: "check.failed"}.get(c.get("ok"), "check.na"))
            lines.append(f"| {md(c.get('id'))} | {word} | {md(c.get('detail'))} |")
    counted = [r for r in rec["rows"] if r.get("document_ids")]
    if counted and docs:
        lines += ["", f"## {tr('h.evidence')}", ""]
        for r in counted:
            lines += [f"### #{r['claim_index']} {md(label(r, lang))}", ""]
            for doc_id in r["document_ids"]:
                d = docs.get(doc_id, {})
                cid = d.get("capture_id")
                at = f" {d['warc_file']} @ {d.get('warc_offset')}" if d.get("warc_file") else ""
                lines.append(f"- {_link(md(doc_id), links.document(doc_id))} {md(d.get('title'))} "
                             f"({d.get('published_date') or '–'}): "
                             + (f"{_link(f'`{cid}`', links.replay(cid))} · {_link('WARC', links.warc(cid))}{md(at)}"
                                if cid else "–"))
            lines.append("")
    cav = [(r, c) for r in rec["rows"] for c in r.get("caveats") or []]
    if cav:
        lines += ["", f"## {tr('h.caveats')}", ""]
        lines += [f"- **#{r['claim_index']} {md(label(r, lang))}**: {md(caveat_text(c, lang))}" for r, c in cav]
    lines += ["", f"## {tr('h.method')}", ""]
    lines += [f"- **#{r['claim_index']} {md(label(r, lang))}**: {md(r.get('method'))}" for r in rec["rows"]]
    rules = s.get("counting_rules") or []
    if rules:
        lines += ["", f"{tr('h.rules')}:", ""] + [f"{i}. {md(x)}" for i, x in enumerate(rules, 1)]
    return "\n".join(lines) + "\n"
