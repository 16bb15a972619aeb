"""The reconciliation as ONE self-contained, printable HTML file (inline CSS and SVG, no script, no assets).

Every number links to its evidence: a claimed number to the replay of the annual report's capture, an
observed number to the list of the documents it counted, each of which names (and links) the capture it was
read from — replay, WARC record, WARC file and offset, sha256. Nothing is collapsed, so all of it prints.
Every value that came from a crawled page or the report text is escaped; only http(s) URLs become links.
Status is colour AND a word AND a symbol, so it survives grey-scale printing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from archive.i18n import caveat_text, channel_text, status_text, t
from archive.times import local_text

from . import (
    STATUS_MARK,
    Links,
    claimed_text,
    interpretation_text,
    label,
    num,
    signed,
    statements,
    status_counts,
    structure_lines,
    structure_text,
)
from .style import stylesheet
from .svg import claims_chart


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def link(url: str | None, text: Any = None, cls: str = "") -> str:
    """An <a> for an http(s) URL; the escaped text otherwise (javascript:, file: … are never links)."""
    shown = e(url if text is None else text)
    if url and url.lower().startswith(("http://", "https://")):
        klass = f' class="{cls}"' if cls else ""
        return f'<a href="{e(url)}"{klass} rel="noopener noreferrer">{shown}</a>'
    return shown


def _status(status: str, lang: str) -> str:
    return (f'<span class="status s-{e(status)}">{e(STATUS_MARK.get(status, ""))} '
            f'{e(status_text(status, lang))}</span>')


class Page:
    def __init__(self, rec: dict[str, Any], docs: dict[str, dict[str, Any]], lang: str, links: Links):
        self.rec, self.docs, self.lang, self.links = rec, docs, lang, links

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def when(self, instant: str | None) -> str:
        return e(local_text(instant) or "–")

    # ---------------------------------------------------------------- pieces

    def capture_cell(self, d: dict[str, Any]) -> str:
        """Replay and WARC links of a capture, its WARC file and offset, its time and sha256."""
        cid = d.get("capture_id")
        if not cid:
            return "–"
        at = ""
        if d.get("warc_file"):
            # plain integers: an offset is copied into tools (dd, warcio), never read as a quantity
            at = e(self.t("evidence.at", file=d["warc_file"], offset=d.get("warc_offset"),
                          length=d.get("warc_length")))
        warc = f' · {link(self.links.warc(cid), self.t("evidence.warc"), "warc")}' if self.links.base else ""
        return (f'<div class="cap">{link(self.links.replay(cid), cid, "replay")}{warc}</div>'
                f'<div class="where mono">{at}<span class="fetched"> · {self.when(d.get("fetched_at"))}</span></div>'
                f'<div class="sha mono" title="sha256">{e(d.get("sha256") or "–")}</div>')

    def summary(self) -> str:
        rec, s = self.rec, self.rec.get("summary") or {}
        rep = s.get("annual_report") or {}
        agency = rec["agency"] + (f" ({s['agency_name']})" if s.get("agency_name") else "")
        items = [(self.t("m.agency"), e(agency)), (self.t("m.year"), e(rec["year"])),
                 (self.t("m.source"), e(rec.get("annual_report_source"))),
                 (self.t("m.sha256"), f'<code>{e(rec.get("annual_report_sha256") or "–")}</code>')]
        report_doc = rec.get("annual_report_document_id")
        if report_doc:
            d = self.docs.get(report_doc, {})
            cap = d.get("capture_id") or rep.get("capture_id")
            items.append((self.t("m.document"), link(self.links.document(report_doc), report_doc)
                          + (f" — {e(rep.get('title'))}" if rep.get("title") else "")
                          + (f"; {self.t('m.capture')} {self.capture_cell({**d, 'capture_id': cap})}" if cap else "")))
        if rep:
            period = rep.get("period") or {}
            items.append((self.t("m.says"), e(self.t(
                "m.says_text", year=rep.get("year"), start=period.get("start", "?"), end=period.get("end", "?"),
                format=rep.get("format") or "?", agency=(rep.get("agency") or {}).get("name") or "–"))))
        items.append((self.t("m.reconciliation"), f"<code>{e(rec['id'])}</code>, "
                      + e(self.t("m.created", when=local_text(rec.get("created_at")) or "–"))))
        items += [(e(k), e(v)) for k, v in structure_lines(rec, self.lang)]
        if self.links.base:
            items.append((self.t("m.links"), e(self.t("m.links_text", base=self.links.base))))
        meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
        badges = "".join(f"<span>{_status(k, self.lang)} {e(num(v))}</span>" for k, v in status_counts(rec).items())
        runs = rec.get("runs") or []
        if runs:
            run_rows = "".join(
                f"<tr><td><code>{e(r['id'])}</code></td><td>{e(channel_text(r.get('channel'), self.lang))}</td>"
                f"<td>{self.when(r.get('started_at'))}</td><td>{self.when(r.get('ended_at'))}</td>"
                f"<td>{e(self.t('run.' + r['status']) if ('run.' + str(r.get('status'))) in _RUN_KEYS else r.get('status'))}"
                f"</td><td class='n'>{e(num(r.get('blocked')))}</td><td class='n'>{e(num(r.get('failed')))}</td></tr>"
                for r in runs)
            zone = self.t("time.zone")
            runs_html = (f"<table><thead><tr><th>{self.t('col.run')}</th><th>{self.t('col.channel')}</th>"
                         f"<th>{self.t('col.started')} ({zone})</th><th>{self.t('col.ended')} ({zone})</th>"
                         f"<th>{self.t('col.status')}</th><th>{self.t('col.blocked')}</th><th>{self.t('col.failed')}"
                         f"</th></tr></thead><tbody>{run_rows}</tbody></table>")
        else:
            runs_html = f"<p>{self.t('m.no_runs')}</p>"
        chans = s.get("channels") or {}
        chan_text = "；".join if self.lang == "zh" else "; ".join
        channels = chan_text(f"{e(channel_text(k, self.lang))}: {self.t('m.crawled' if v.get('crawled') else 'm.not_crawled')}"
                             for k, v in chans.items())
        return (f'<section id="summary"><h2>{self.t("h.summary")}</h2><dl class="meta">{meta}</dl>'
                f'<p class="counts">{badges}</p><p class="note">{e(self.t("status.legend"))}</p>'
                f'<h3>{self.t("h.runs")}</h3>{runs_html}'
                + (f"<p>{self.t('m.channels')}: {channels}.</p>" if channels else "")
                + f'<p class="note">{e(self.t("time.note"))}</p></section>')

    def claims(self) -> str:
        report_cap = self.report_capture()
        body = []
        shown: set[str] = set()
        for r in self.rec["rows"]:
            i = r["claim_index"]
            quote = "".join(self.quote(q, shown) for q in statements(r) if q.get("quote"))
            where = structure_text(r, self.lang)
            quote = (f'<div class="quote"><em>{e(where)}</em></div>' if where else "") + quote
            claimed = e(f"{claimed_text(r)} {r.get('unit') or ''}".strip())
            claimed = link(self.links.replay(report_cap), claimed) if report_cap and self.links.base else claimed
            observed = e(num(r.get("observed")))
            if r.get("document_ids"):
                observed = f'<a href="#evidence-{e(i)}">{observed}</a>'
            body.append(
                f"<tr id='claim-{e(i)}'><td class='n'>{e(i)}</td><td class='kind'>{e(self.kind(r))}</td>"
                f"<td>{e(label(r, self.lang))}{quote}</td><td class='n'>{claimed}</td>"
                f"<td class='n'>{observed}</td><td class='n'>{e(num(r.get('observed_live')))}</td>"
                f"<td class='n'>{e(signed(r.get('delta')))}</td><td>{_status(r['status'], self.lang)}</td>"
                f"<td>{e(interpretation_text(r, self.lang))}</td></tr>")
        head = "".join(f"<th>{self.t(k)}</th>" for k in ("col.number", "col.kind", "col.claim", "col.claimed",
                                                          "col.observed", "col.live", "col.delta", "col.status",
                                                          "col.reading"))
        return (f"<section id='claims'><h2>{self.t('h.claims')}</h2><p>{e(self.t('bound.legend'))} "
                f"{e(self.t('claims.intro'))}</p><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
                "</tbody></table></section>")

    def quote(self, q: dict[str, Any], shown: set[str]) -> str:
        """The report's sentence once; after that, only the words of this claim in it ('…政务动态42篇…')."""
        text, start, end, q0 = q.get("quote") or "", q.get("start"), q.get("end"), q.get("quote_start")
        where = f'<span class="mono">[{e(q.get("quote_start"))}:{e(q.get("quote_end"))}]</span>'
        if text in shown and isinstance(start, int) and isinstance(end, int) and isinstance(q0, int) \
                and 0 <= start - q0 < end - q0 <= len(text) and end - start < len(text):
            return f'<div class="quote">“…{e(text[start - q0:end - q0])}…” {where}</div>'
        shown.add(text)
        return f'<div class="quote">“{e(text)}” {where}</div>'

    def kind(self, row: dict[str, Any]) -> str:
        key = f"kind.{row.get('kind')}"
        return self.t(key) if key in _KIND_KEYS else str(row.get("kind") or "")

    def report_capture(self) -> str | None:
        doc = self.rec.get("annual_report_document_id")
        return (self.docs.get(doc) or {}).get("capture_id") if doc else None

    def checks(self) -> str:
        checks = self.rec.get("checks") or []
        if not checks:
            return f"<section id='checks'><h2>{self.t('h.checks')}</h2><p>{self.t('checks.none')}</p></section>"
        rows = []
        for c in checks:
            ok = c.get("ok")
            key, cls = ("check.ok", "ok") if ok is True else ("check.failed", "failed") if ok is False else ("check.na", "na")
            rows.append(f"<tr><td><code>{e(c.get('id'))}</code></td><td>{e(c.get('severity'))}</td>"
                        f"<td class='{cls}'><strong>{self.t(key)}</strong></td><td>{e(c.get('detail'))}</td></tr>")
        head = "".join(f"<th>{self.t(k)}</th>" for k in ("col.check", "col.severity", "col.result", "col.detail"))
        return (f"<section id='checks'><h2>{self.t('h.checks')}</h2><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></section>")

    def doc_table(self, ids: list[str]) -> str:
        rows = []
        for doc_id in ids:
            d = self.docs.get(doc_id, {"capture_id": None})
            state = self.t("doc." + d["status"]) if d.get("status") in ("live", "disappeared") else e(d.get("status"))
            rows.append(
                f"<tr><td class='mono'>{link(self.links.document(doc_id), _short_id(doc_id, self.rec['agency']))}</td>"
                f"<td>{e(d.get('title'))}</td>"
                f"<td class='n'>{e(d.get('published_date'))}</td><td>{state}"
                f"{self.t('doc.link_entry') if d.get('item_type') == 'url' else ''}</td>"
                f"<td class='mono'>{link(d.get('canonical_url'))}</td><td class='cap'>{self.capture_cell(d)}</td></tr>")
        head = "".join(f"<th>{self.t(k)}</th>" for k in ("col.document", "col.title", "col.published", "col.doc_status",
                                                          "col.url", "col.capture_sha"))
        cols = "".join(f"<col class='c-{c}'>" for c in ("doc", "title", "date", "state", "url", "cap"))
        return (f"<table class='evidence'><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def evidence(self) -> str:
        rows = self.rec["rows"]
        parts = []
        report_doc = self.rec.get("annual_report_document_id")
        if report_doc and report_doc in self.docs:
            parts.append(f"<h3 id='evidence-report'>{self.t('evidence.report')}</h3>{self.doc_table([report_doc])}")
        listed_sets: list[tuple[int, frozenset[str]]] = []
        children: dict[int, list[int]] = {}
        for r in rows:
            if r.get("part_of") is not None:
                children.setdefault(r["part_of"], []).append(r["claim_index"])
        by_index = {r["claim_index"]: r for r in rows}
        for r in rows:
            ids = list(r.get("document_ids") or [])
            if not ids:
                continue
            i = r["claim_index"]
            head = (f"<h3 id='evidence-{e(i)}'>{e(self.t('evidence.heading', i=i, label=label(r, self.lang), n=num(len(ids))))}"
                    f" {_status(r['status'], self.lang)}</h3>")
            in_parts = {d for c in children.get(i, []) for d in by_index[c].get("document_ids") or []}
            listed = [d for d in ids if d not in in_parts]
            within = next((j for j, earlier in listed_sets if listed and set(listed) <= earlier), None)
            if within is not None:  # the reads of the same articles, a reading within another row …
                parts.append(head + f"<p>{e(self.t('evidence.within', other=f'#{within}'))} "
                             f"<a href='#evidence-{within}'>↑</a></p>")
                continue
            listed_sets.append((i, frozenset(listed)))
            note = ""
            if children.get(i) and len(listed) < len(ids):
                names = ", ".join(f"#{c}" for c in children[i])
                note = (self.t("evidence.all_in_parts", n=num(len(ids)), parts=names) if not listed else
                        self.t("evidence.in_parts", n=num(len(ids) - len(listed)), parts=names, rest=num(len(listed))))
                note = f"<p>{e(note)}</p>"
            parts.append(head + note + (self.doc_table(listed) if listed else ""))
        body = "".join(parts) or f"<p>{self.t('evidence.none')}</p>"
        return (f"<section id='evidence'><h2>{self.t('h.evidence')}</h2><p>{e(self.t('evidence.intro'))}</p>"
                f"{body}</section>")

    def caveats(self) -> str:
        parts = []
        for r in self.rec["rows"]:
            cav = r.get("caveats") or []
            if cav:
                items = "".join(f"<li>{e(caveat_text(c, self.lang))}</li>" for c in cav)
                parts.append(f"<h3>#{e(r['claim_index'])} {e(label(r, self.lang))} — {_status(r['status'], self.lang)}"
                             f"</h3><ul class='caveats'>{items}</ul>")
        return (f"<section id='caveats'><h2>{self.t('h.caveats')}</h2>"
                + ("".join(parts) or f"<p>{self.t('caveats.none')}</p>") + "</section>")

    def method(self) -> str:
        rules = (self.rec.get("summary") or {}).get("counting_rules") or []
        original = f" <span class='note'>{self.t('method.original')}</span>" if self.lang == "zh" else ""
        rules_html = "".join(f"<li>{e(x)}</li>" for x in rules)
        per_row = "".join(f"<li><strong>#{e(r['claim_index'])} {e(label(r, self.lang))}</strong>: {e(r.get('method'))}</li>"
                          for r in self.rec["rows"])
        notes = "".join(f"<li>{e(n)}</li>" for n in self.rec.get("notes") or [])
        return (f"<section id='method'><h2>{self.t('h.method')}</h2><h3>{self.t('h.rules')}{original}</h3>"
                f"<ol>{rules_html}</ol><h3>{self.t('h.per_claim')}</h3><ul>{per_row}</ul>"
                + (f"<h3>{self.t('h.notes')}</h3><ul>{notes}</ul>" if notes else "") + "</section>")

    def page(self) -> str:
        rec, s = self.rec, self.rec.get("summary") or {}
        title = self.t("report.title", agency=s.get("agency_name") or rec["agency"], year=rec["year"])
        return (
            f"<!DOCTYPE html>\n<html lang=\"{'zh-CN' if self.lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{stylesheet()}</style></head><body>"
            f"<header><h1>{e(title)}</h1><p>{e(self.t('report.lede', year=rec['year']))}</p></header>"
            + self.summary()
            + f"<section id='chart'><h2>{self.t('h.chart')}</h2><figure>" + claims_chart(rec["rows"], self.lang)
            + f"<figcaption>{e(self.t('chart.caption'))}</figcaption></figure></section>"
            + self.claims() + self.checks() + self.evidence() + self.caveats() + self.method() + "</body></html>\n"
        )


def _short_id(doc_id: str, agency: str) -> str:
    """'catalog/3047366' for 'kaiping-edu/catalog/3047366': the agency is the report's (the link has the full id)."""
    return doc_id[len(agency) + 1:] if doc_id.startswith(agency + "/") else doc_id


_KIND_KEYS = {"kind.published", "kind.applications", "kind.reads", "kind.other"}
_RUN_KEYS = {"run.ok", "run.partial", "run.failed", "run.interrupted", "run.running"}


def render_html(rec: dict[str, Any], docs: dict[str, dict[str, Any]], lang: str = "zh",
                links: Links | None = None) -> str:
    return Page(rec, docs, lang, links or Links()).page()
