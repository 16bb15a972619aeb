"""Annual-report (政府信息公开工作年度报告) claims extractor.

    text, html = read_report(path)            # txt, html, pdf, docx → ReportReadError on failure
    result = extract_claims(text, html)       # the JSON contract below

Contract (stable; fields are added, never renamed):
  year, period {start, end}, format "2021"|"2019"|None, format_evidence {"2021": [...], "2019": [...]},
  agency {name, note},
  claims [{kind, channel, category, value, approx, lower_bound, bound, unit, quote, start, end,
           quote_start, quote_end, number, part_of, duplicate_of, category_repeat_of, channel_source,
           object, breakdown_open}],
  tables {t2, t3, t4} (None when absent), missing [...], checks [{id, severity, ok, detail}], notes [...]

Claims:
- kind: published | applications | reads ("other" is reserved, not emitted yet).
- channel: catalog | website | wechat | weibo | key_areas | other, or None when the sentence names no
  platform or several together.  channel_source says how it was decided: "stated" (named in the
  claim's own clause), "scope" (in the clauses before it in the sentence), "total" (inherited from
  the total it is a part of), "sentence" (from the previous claim of the same sentence), "heading"
  (the section heading names it), "column" (a column of a site, so the website), "quoted" (only a
  quoted name carries the platform word), "several" (several platforms named: channel None), None.
- category: the report's own words, simplified, without the verb, count noun or fillers
  ("组织机构类信息", "行政执法公示"); None for a total.  object: a noun written after the count
  ("发布457篇教育动态" → 教育动态), kept apart because it describes rather than categorises.
- value: the number with 万/亿 applied (4.14万 → 41400, 120余万 → 1200000).  bound: "exact",
  "approx" (约/近/大约/左右) or "lower" (余/多/超过/超/逾/以上/不少于); approx is True for both,
  lower_bound only for lower bounds.
- part_of: index of the claim this one is a part of (其中/包括/含 lists, parentheses, "主要公开内容:"
  sentences, or consecutive claims that add up to the first); parts name their own channel or
  inherit the total's.  breakdown_open (on a total): its list ends with 等, so it names some parts only.
- duplicate_of: index of an earlier claim with the same channel, category, value and bound (the report
  states it again); category_repeat_of: index of an earlier part of the same total with the same
  category but another value (a list naming one category twice; the two add up).
- start/end index the claim's words (category … count) and quote_start/quote_end its sentence, in
  the text passed to extract_claims (for an HTML or DOCX file: the text read_report extracted from
  it), never the normalized copy.  number is the count as written there ("１，２３４", "120余万").

Choices worth knowing:
- No agency host is assumed: without agency_hosts, hosts in the text are noted as non-government
  (mirror) hosts with their paths; with agency_hosts the paths are mapped back to the agency's host.
- A check whose inputs are absent (a missing table, no narrative statement) has "ok": None and
  says why in "detail" ("table 三 absent"); False always means a real violation.  N-4 judges each
  total's parts as ranges (bounds and ±10 % for approximations); parts adding to less than their
  total are an open list, not a failure, unless they come within 10 % and the list is not marked open.
- In the 2019 format the single （六）其他处理 row of table 三 has the key "other".
- A table present in the text whose cells cannot be told apart (a copy that removed every separator:
  "规章555" may be 5|5|5 or 55|5) comes back with every cell None and "unreadable" saying why; it is not in
  "missing", no check is evaluated on its cells, and table 二's column headers still give the format.
- Mojibake is repaired from the GBK bytes alone: a character that lost a byte is marked 〓.
"""

from .extract import extract_claims
from .readers import ReportReadError, read_report

# `normalize` is deliberately not re-exported: it would shadow the archive.claims.normalize module.
__all__ = ["extract_claims", "read_report", "ReportReadError"]
