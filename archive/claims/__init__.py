"""Annual-report (政府信息公开工作年度报告) claims extractor.

    text, html = read_report(path)            # txt, html, pdf, docx → ReportReadError on failure
    result = extract_claims(text, html)       # the JSON contract below

Contract (stable; fields are added, never renamed):
  year, period {start, end}, format "2021"|"2019"|None, agency {name, note},
  claims [{kind, channel, category, value, approx, unit, quote, start, end, …}],
  tables {t2, t3, t4} (None when absent), missing [...], checks [{id, severity, ok, detail}], notes [...]

Choices worth knowing:
- start/end and quote_start/quote_end index the text passed to extract_claims (for an HTML or
  DOCX file: the text read_report extracted from it), never the normalized copy.
- A check whose inputs are absent (a missing table, no narrative statement) has "ok": None and
  says why in "detail" ("table 三 absent"); False always means a real violation.
- A total stated in two sentences (the seed's WeChat 457) gives one claim per sentence, plus a
  note saying whether they agree.  Category claims of a "其中 …" list carry part_of = the index of
  their total; N-4 checks that they add up.
- In the 2019 format the single （六）其他处理 row of table 三 has the key "other".
- Claim kinds emitted: published, applications, reads ("other" is reserved, not emitted yet).
"""

from .extract import extract_claims
from .readers import ReportReadError, read_report

# `normalize` is deliberately not re-exported: it would shadow the archive.claims.normalize module.
__all__ = ["extract_claims", "read_report", "ReportReadError"]
