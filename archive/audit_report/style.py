"""The audit report's one stylesheet (screen and print), shared by every HTML audit report renderer.

Print: A4 landscape (the evidence tables are wide) with page numbers, every section open (no collapsed evidence), table headers repeated on each
page, colours kept (status is also a word and a symbol, so grey-scale printing loses nothing), links kept
clickable in a PDF and each capture also named by WARC file and offset so paper is enough.
"""

from __future__ import annotations

from .svg import COLOURS

CSS = """
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif;
       margin: 2rem auto; max-width: 1180px; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 1.2rem 0 .3rem; font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .4rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, "DejaVu Sans Mono", monospace; font-size: .85em;
              overflow-wrap: anywhere; }
.status { font-weight: 600; white-space: nowrap; border: 1px solid currentColor; border-radius: 3px; padding: 0 .3rem; }
.s-match { color: var(--match); } .s-fewer_found { color: var(--fewer_found); }
.s-more_found { color: var(--more_found); } .s-unverifiable { color: var(--unverifiable); }
.counts span { margin-right: 1rem; }
.quote { color: #444; font-size: .9em; }
td.kind { white-space: nowrap; }
.ok { color: var(--match); } .failed { color: var(--fewer_found); } .na { color: var(--unverifiable); }
ul.caveats li { margin-bottom: .15rem; }
figure { margin: 0; } figcaption { font-size: .85em; color: #555; }
table.evidence { font-size: .85em; table-layout: fixed; }
table.evidence col.c-doc { width: 9%; } table.evidence col.c-title { width: 22%; } table.evidence col.c-date { width: 7%; }
table.evidence col.c-state { width: 4%; } table.evidence col.c-url { width: 20%; } table.evidence col.c-cap { width: 38%; }
table.evidence td { overflow-wrap: anywhere; }
.cap a { margin-right: .4rem; }
.where { color: #555; font-size: .85em; }
.sha { font-size: .75em; color: #444; }
.note { color: #555; font-size: .9em; }
@page { size: A4 landscape; margin: 12mm 10mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; } h3 { break-after: avoid; page-break-after: avoid; }
  tr, li, svg, .quote { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  svg.chart { max-height: 165mm; }
  table.evidence { font-size: 7pt; line-height: 1.2; }
  table.evidence td, table.evidence th { padding: .05rem .2rem; }
  table.evidence .where { font-size: 6.5pt; } table.evidence .sha { font-size: 5.8pt; }
  .status, .s-match, .s-fewer_found, .s-more_found, .s-unverifiable, svg { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  .screen-only, table.evidence .fetched { display: none; }
}
"""


def stylesheet() -> str:
    """The CSS with the status colours as custom properties."""
    colours = "".join(f"--{k}: {v};" for k, v in COLOURS.items())
    return f"{CSS} :root {{ {colours} }}"
