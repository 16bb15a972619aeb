"""The claimed-vs-observed chart: inline SVG, grouped horizontal bars per claim.

Claims span five orders of magnitude (1 item … 910,000 reads), so each claim's pair of bars is
scaled to its own larger value: the chart compares claimed with observed within a claim, and the
numbers are printed on the bars. Status colours are always paired with the status text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from archive.i18n import status_text, t

from . import STATUS_MARK, claimed_text, label, num

COLOURS = {"match": "#2e7d32", "fewer_found": "#c62828", "more_found": "#6a1b9a", "unverifiable": "#757575"}
CLAIMED = "#90a4ae"
WIDTH, LABEL_W, STATUS_W, ROW_H, BAR_H, TOP = 900, 250, 130, 40, 13, 34


def claims_chart(rows: list[dict[str, Any]], lang: str = "en") -> str:
    bar_w = WIDTH - LABEL_W - STATUS_W - 70
    height = TOP + ROW_H * max(1, len(rows)) + 10
    e = escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'class="chart" aria-labelledby="chart-title"><title id="chart-title">{e(t("chart.title", lang))}</title>',
        f'<rect x="{LABEL_W}" y="6" width="12" height="10" fill="{CLAIMED}"/>'
        f'<text x="{LABEL_W + 16}" y="15" font-size="11">{e(t("chart.claimed", lang))}</text>'
        f'<rect x="{LABEL_W + 80}" y="6" width="12" height="10" fill="{COLOURS["match"]}"/>'
        f'<text x="{LABEL_W + 96}" y="15" font-size="11">{e(t("chart.observed", lang))}</text>'
        f'<text x="{LABEL_W + 290}" y="15" font-size="11">{e(t("chart.scaled", lang))}</text>',
    ]
    for i, row in enumerate(rows):
        y = TOP + i * ROW_H
        claimed, observed = row.get("claimed"), row.get("observed")
        status = row.get("status") or "unverifiable"
        scale = max(claimed or 0, observed or 0, 1)
        text = f"#{row.get('claim_index', i)} {label(row, lang)}"
        if len(text) > 24:
            text = text[:23] + "…"
        out.append(f'<g><title>{e(label(row, lang))}: {e(t("chart.claimed", lang))} {e(claimed_text(row))}, '
                   f'{e(t("col.observed", lang))} {e(num(observed))}, {e(status_text(status, lang))}</title>')
        out.append(f'<text x="{LABEL_W - 8}" y="{y + BAR_H + 2}" font-size="12" text-anchor="end">{e(text)}</text>')
        cw = bar_w * (claimed or 0) / scale
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{cw:.1f}" height="{BAR_H}" fill="{CLAIMED}"/>'
                   f'<text x="{LABEL_W + cw + 4:.1f}" y="{y + BAR_H - 2}" font-size="11">{e(claimed_text(row))}</text>')
        oy = y + BAR_H + 2
        if observed is None:
            out.append(f'<rect x="{LABEL_W}" y="{oy}" width="{bar_w:.1f}" height="{BAR_H}" fill="none" '
                       f'stroke="{COLOURS["unverifiable"]}" stroke-dasharray="4 3"/>'
                       f'<text x="{LABEL_W + 6}" y="{oy + BAR_H - 2}" font-size="11" fill="#555">{e(t("chart.not_observable", lang))}</text>')
        else:
            ow = bar_w * observed / scale
            out.append(f'<rect x="{LABEL_W}" y="{oy}" width="{ow:.1f}" height="{BAR_H}" '
                       f'fill="{COLOURS.get(status, "#757575")}"/>'
                       f'<text x="{LABEL_W + ow + 4:.1f}" y="{oy + BAR_H - 2}" font-size="11">{e(num(observed))}</text>')
        out.append(f'<text x="{WIDTH - STATUS_W + 4}" y="{y + BAR_H + 2}" font-size="12" '
                   f'fill="{COLOURS.get(status, "#757575")}">{e(STATUS_MARK.get(status, ""))} '
                   f'{e(status_text(status, lang))}</text></g>')
    out.append("</svg>")
    return "\n".join(out)
