"""Data and charts for the reconciliation dashboard page (/-/xxgk/dashboard).

Two inline-SVG charts, no script: per claim, claimed vs observed (archive/report/svg.py, the chart
of the HTML report); per year and channel, documents observed in the archive against the total the
annual report of that year claims. Every value is escaped where the SVG is built.
"""

from __future__ import annotations

import sqlite3
from html import escape
from typing import Any

import sqlite_utils
from markupsafe import Markup

from archive.audit_report import (
    STATUS_MARK,
    claimed_text,
    interpretation_text,
    label,
    num,
    signed,
    statements,
    structure_lines,
    structure_text,
)
from archive.audit_report.svg import COLOURS, claims_chart
from archive.i18n import DEFAULT_LANG, channel_text, status_text, t
from archive.reconcile import load_reconciliation
from archive.times import local_text

CHANNELS = ("catalog", "website", "wechat")
CHANNEL_COLOURS = {"catalog": "#1565c0", "website": "#00838f", "wechat": "#2e7d32"}
YEARS_SHOWN = 6


def build_dashboard(conn: sqlite3.Connection, id: str | None = None, agency: str | None = None,  # noqa: A002
                    year: str | None = None, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The dashboard's data in `lang` (zh|en); times shown as Asia/Shanghai local times."""
    db = sqlite_utils.Database(conn)
    if "reconciliations" not in db.table_names():
        return {"reconciliations": [], "rec": None, "not_found": False}
    recs = [dict(r) for r in db.query(
        "select id, agency, year, created_at, summary, annual_report_source from reconciliations "
        "order by agency, year desc, created_at desc, rowid desc")]
    latest: dict[tuple[str, int], str] = {}
    for r in recs:
        latest.setdefault((r["agency"], r["year"]), r["id"])
    chosen = _choose(recs, latest, id, agency, year)
    out: dict[str, Any] = {
        "reconciliations": [{**{k: r[k] for k in ("id", "agency", "year", "created_at", "annual_report_source")},
                             "created_local": local_text(r["created_at"]),
                             "latest": latest.get((r["agency"], r["year"])) == r["id"]} for r in recs],
        "rec": None, "not_found": bool(id or agency or year) and chosen is None,
    }
    if chosen is None:
        return out
    rec = load_reconciliation(db, chosen)
    if rec is None:
        return out
    rows = rec["rows"]
    statuses = (rec.get("summary") or {}).get("statuses") or {}
    out.update({
        "rec": rec,
        "created_local": local_text(rec.get("created_at")),
        "is_latest": latest.get((rec["agency"], rec["year"])) == rec["id"],
        "agency_name": (rec.get("summary") or {}).get("agency_name") or rec["agency"],
        "statuses": [{"status": s, "count": n, "text": status_text(s, lang), "mark": STATUS_MARK.get(s, ""),
                      "colour": COLOURS.get(s, "#757575")} for s, n in statuses.items()],
        "rows": [{**r, "label": label(r, lang), "claimed_text": claimed_text(r), "observed_text": num(r.get("observed")),
                  "live_text": num(r.get("observed_live")), "delta_text": signed(r.get("delta")),
                  "status_text": status_text(r["status"], lang), "status_mark": STATUS_MARK.get(r["status"], ""),
                  "colour": COLOURS.get(r["status"], "#757575"), "n_docs": len(r.get("document_ids") or []),
                  "statements": [q for q in statements(r) if q.get("quote")], "where": structure_text(r, lang),
                  "interpretation_text": interpretation_text(r, lang)}
                 for r in rows],
        "structure": structure_lines(rec, lang),
        "claims_chart": Markup(claims_chart(rows, lang)),
        "years_chart": Markup(years_chart(_yearly(db, rec["agency"], int(rec["year"]), latest), lang)),
    })
    return out


def _choose(recs: list[dict[str, Any]], latest: dict[tuple[str, int], str], id: str | None,  # noqa: A002
            agency: str | None, year: str | None) -> str | None:
    if id:
        return id if any(r["id"] == id for r in recs) else None
    candidates = [r for r in recs if (not agency or r["agency"] == agency)
                  and (not year or str(r["year"]) == str(year))]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (r["year"], r["created_at"] or ""))
    return latest.get((best["agency"], best["year"]), best["id"])


def _yearly(db: sqlite_utils.Database, agency: str, year: int,
            latest: dict[tuple[str, int], str]) -> list[dict[str, Any]]:
    """Per year (the YEARS_SHOWN years up to `year`) and channel: observed documents and claimed total."""
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    observed: dict[tuple[int, str], int] = {}
    for r in db.query("select year, channel, count(*) as n from documents where agency = ? and year between ? and ? "
                      "group by year, channel", [agency, years[0], years[-1]]):
        observed[(r["year"], r["channel"])] = r["n"]
    claimed: dict[tuple[int, str], float] = {}
    for (ag, y), rec_id in latest.items():
        if ag != agency or y not in years:
            continue
        for r in db.query("select channel, claimed from reconciliation_rows where reconciliation_id = ? and "
                          "kind = 'published' and (category is null or category = '') order by claim_index",
                          [rec_id]):
            claimed.setdefault((y, r["channel"]), r["claimed"])
    return [{"year": y, "channel": ch, "observed": observed.get((y, ch), 0), "claimed": claimed.get((y, ch))}
            for y in years for ch in CHANNELS]


def years_chart(points: list[dict[str, Any]], lang: str = DEFAULT_LANG) -> str:
    """Grouped vertical bars: per year, one bar per channel (observed), with the claimed total as a marker."""
    e = escape
    years = sorted({p["year"] for p in points})
    width, height, left, top, bottom = 900, 300, 56, 30, 40
    plot_h = height - top - bottom
    top_value = max([p["observed"] for p in points] + [p["claimed"] or 0 for p in points] + [1])
    top_value = _nice(top_value)
    group_w = (width - left - 10) / max(1, len(years))
    bar_w = min(34, (group_w - 16) / len(CHANNELS))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'class="chart years-chart" aria-labelledby="years-title"><title id="years-title">{e(t("years.title", lang))}</title>']
    for i in range(5):  # grid and axis labels
        v = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{e(num(int(v)))}</text>')
    lx = left
    for ch in CHANNELS:  # legend
        out.append(f'<rect x="{lx}" y="6" width="12" height="10" fill="{CHANNEL_COLOURS[ch]}"/>'
                   f'<text x="{lx + 16}" y="15" font-size="11">'
                   f'{e(t("years.legend_observed", lang, channel=channel_text(ch, lang)))}</text>')
        lx += 130
    out.append(f'<line x1="{lx}" x2="{lx + 18}" y1="11" y2="11" stroke="#000" stroke-width="3"/>'
               f'<text x="{lx + 22}" y="15" font-size="11">{e(t("years.legend_claimed", lang))}</text>')
    for gi, yv in enumerate(years):
        gx = left + gi * group_w + 8
        for ci, ch in enumerate(CHANNELS):
            p = next(q for q in points if q["year"] == yv and q["channel"] == ch)
            x = gx + ci * bar_w
            h = plot_h * p["observed"] / top_value
            y = top + plot_h - h
            claimed = p["claimed"]
            tip = (f"{yv} {channel_text(ch, lang)}: {t('col.observed', lang)} {num(p['observed'])}"
                   + (f", {t('col.claimed', lang)} {num(claimed)}" if claimed is not None else ""))
            out.append(f'<g><title>{e(tip)}</title><rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 3:.1f}" '
                       f'height="{h:.1f}" fill="{CHANNEL_COLOURS[ch]}"/>')
            if p["observed"]:
                out.append(f'<text x="{x + (bar_w - 3) / 2:.1f}" y="{y - 3:.1f}" font-size="9" '
                           f'text-anchor="middle">{e(num(p["observed"]))}</text>')
            if claimed is not None:
                cy = top + plot_h - plot_h * claimed / top_value
                out.append(f'<line x1="{x - 2:.1f}" x2="{x + bar_w - 1:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                           'stroke="#000" stroke-width="3"/>')
            out.append("</g>")
        out.append(f'<text x="{gx + bar_w * len(CHANNELS) / 2:.1f}" y="{height - bottom + 16}" font-size="12" '
                   f'text-anchor="middle">{e(str(yv))}</text>')
    out.append(f'<line x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#444"/>')
    out.append("</svg>")
    return "".join(out)


def _nice(value: float) -> float:
    """A round axis maximum at or above value."""
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude
