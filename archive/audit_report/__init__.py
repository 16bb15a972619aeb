"""The audit report: one stored reconciliation rendered as HTML, PDF, Markdown, CSV or JSON (`xxgk report`).

    rec = latest_reconciliation(db, agency, year)                 # archive.reconcile
    text = render(rec, "html", db, lang="zh", link_base=URL)      # db gives the evidence behind each number

Words come from the one translation table (archive/i18n.py), Chinese by default; times are shown in
Asia/Shanghai (the JSON keeps the stored UTC instants). Every capture is linked to its replay and its WARC
record in `xxgk serve` at `link_base`, and named by WARC file and offset so it can be found offline.
Everything taken from crawled pages or the annual report (titles, quotes, category names, URLs) is escaped
by the renderer of each format; the HTML carries no script at all.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from archive.i18n import DEFAULT_LANG, channel_text, kind_text, status_text, t

FORMATS = ("html", "pdf", "md", "csv", "csv-documents", "json")
DEFAULT_LINK_BASE = "http://127.0.0.1:8001"
STATUS_TEXT = {"match": "match", "fewer_found": "fewer found", "more_found": "more found",
               "unverifiable": "unverifiable"}
STATUS_MARK = {"match": "✓", "fewer_found": "▼", "more_found": "▲", "unverifiable": "?"}
BOUND_MARK = {"exact": "", "lower": "≥", "upper": "≤", "approx": "≈"}


class Links:
    """URLs of the archive's pages in `xxgk serve` at `base` (none when base is empty)."""

    def __init__(self, base: str | None = DEFAULT_LINK_BASE):
        self.base = (base or "").rstrip("/")

    def _url(self, path: str) -> str | None:
        return f"{self.base}{path}" if self.base else None

    def replay(self, capture_id: str | None) -> str | None:
        return self._url(f"/-/xxgk/replay/{quote(capture_id, safe='')}") if capture_id else None

    def warc(self, capture_id: str | None) -> str | None:
        return self._url(f"/-/xxgk/warc/{quote(capture_id, safe='')}") if capture_id else None

    def document(self, doc_id: str | None) -> str | None:
        if not doc_id:
            return None
        from datasette.utils import tilde_encode

        return self._url(f"/archive/documents/{tilde_encode(doc_id)}")


def num(value: Any) -> str:
    """A count for display: integers without '.0', None as '–'."""
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def signed(value: Any) -> str:
    if value is None:
        return "–"
    return f"+{num(value)}" if value > 0 else num(value)


def label(row: dict[str, Any], lang: str = "en") -> str:
    """'catalog · 政务动态', 'wechat · reads', 'applications', 'no channel · total' (in `lang`)."""
    kind = row.get("kind")
    if row.get("channel"):
        first = row["channel"] if lang == "en" else channel_text(row["channel"], lang)
    elif kind == "published":
        first = t("channel.none", lang)
    else:
        first = (kind or "?") if lang == "en" else kind_text(kind, lang) or "?"
    parts = [first]
    if kind == "reads":
        parts.append(t("label.reads", lang))
    elif row.get("category"):
        parts.append(row["category"])
    elif kind == "published":
        parts.append(t("label.total", lang))
    return " · ".join(parts)


def claimed_text(row: dict[str, Any]) -> str:
    return f"{BOUND_MARK.get(row.get('bound') or 'exact', '')}{num(row.get('claimed'))}"


def interpretation_text(row: dict[str, Any], lang: str = "en") -> str:
    """The readings of the claim in plain words (WeChat articles/pushes; catalog/all channels)."""
    interp = row.get("interpretation")
    if not interp:
        return ""
    if lang == "en":
        return interp.get("text") or json.dumps(interp, ensure_ascii=False)
    if "articles" in interp and "pushes" in interp:
        a, p = interp["articles"] or {}, interp["pushes"] or {}
        follows = "interp.follows_pushes" if interp.get("used") == "pushes" else "interp.follows_articles"
        return t("interp.wechat", lang, articles=num(a.get("observed")), articles_live=num(a.get("observed_live")),
                 articles_status=status_text(a.get("status"), lang), pushes=num(p.get("observed")),
                 pushes_status=status_text(p.get("status"), lang), follows=t(follows, lang))
    if "catalog" in interp and "all" in interp:
        c, a = interp["catalog"] or {}, interp["all"] or {}
        return t("interp.channel_less", lang, catalog=num(c.get("observed")), catalog_status=status_text(c.get("status"), lang),
                 all=num(a.get("observed")), all_status=status_text(a.get("status"), lang),
                 used=t(f"reading.{interp.get('used') or 'catalog'}", lang))
    return interp.get("text") or ""


def statements(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Every quote of the row: a claim the report states twice is one row with two quotes."""
    if row.get("quotes"):
        return list(row["quotes"])
    return [{"claim_index": row.get("claim_index"), "quote": row.get("quote"), "quote_start": row.get("quote_start"),
             "quote_end": row.get("quote_end")}] if row.get("quote") else []


def structure_text(row: dict[str, Any], lang: str = "en") -> str:
    """'part of #0; stated 2 times (#11, #24)': where the row sits among the report's claims."""
    bits = []
    if row.get("part_of") is not None:
        bits.append(t("claims.part_of", lang, total=row["part_of"]))
    quotes = row.get("quotes") or []
    if len(quotes) > 1:
        which = ", ".join(f"#{q.get('claim_index')}" for q in quotes)
        bits.append(t("claims.stated", lang, n=len(quotes), which=which))
    return ("；" if lang == "zh" else "; ").join(bits)


def _rows_list(indexes: list[Any]) -> str:
    return ", ".join(f"#{i}" for i in indexes)


def structure_lines(rec: dict[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """(label, text) lines of the summary about the rows: supplied claims, readings, parts, merged statements."""
    s = rec.get("summary") or {}
    out = []
    supplied = s.get("claims_supplied")
    if supplied:
        origin = supplied.get("extracted_from") or {}
        source = origin.get("file") or origin.get("document")
        out.append((t("m.supplied", lang), t("m.supplied_text", lang, claims=supplied.get("claims"),
                                             file=supplied.get("file"), sha256=supplied.get("sha256"),
                                             origin=t("m.supplied_origin", lang, source=source) if origin else "")))
    less = s.get("channel_less") or {}
    if less.get("rows"):
        reading = "catalog" if less.get("reading") == "catalog" else "all"
        out.append((t("m.channel_less", lang), t(
            "m.channel_less_text", lang, rows=_rows_list(less["rows"]), reading=t(f"reading.{reading}", lang),
            value=less.get("reading"), how=t("m.set_in_registry" if less.get("set_in_registry") else "m.default", lang))))
    for p in s.get("parts") or []:
        out.append((t("m.parts_of", lang, total=p["total"]),
                    _rows_list(p["parts"]) + (t("m.parts_open", lang) if p.get("open") else "")))
    for m in s.get("merged") or []:
        kinds = set((m.get("how") or {}).values())
        key = "m.merged_duplicate" if kinds == {"duplicate"} else "m.merged_summed"
        out.append((t("m.merged", lang, row=m["row"]), t(key, lang, claims=_rows_list(m["claims"]))))
    return out


def status_counts(rec: dict[str, Any]) -> dict[str, int]:
    """Rows per status: one per row, so a claim the report states twice (one merged row) counts once."""
    counts: dict[str, int] = {}
    for r in rec["rows"]:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return dict(sorted(counts.items()))


def evidence(db: Database | None, rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For every counted document (and the annual report): title, date, URL, status, and the capture that holds
    its content (a revisit or a 304 resolved to the full capture) with its sha256, time and WARC location."""
    if db is None:
        return {}
    from archive.annual_report import resolve_capture

    ids = sorted({i for r in rec["rows"] for i in r.get("document_ids") or []}
                 | ({rec["annual_report_document_id"]} if rec.get("annual_report_document_id") else set()))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        for d in db.query(
            "select d.id, d.title, d.published_date, d.canonical_url, d.status, d.item_type, d.channel, d.category, "
            "d.capture_id, c.sha256, c.outcome, c.fetched_at, c.warc_file, c.warc_offset, c.warc_length "
            f"from documents d left join captures c on c.id = d.capture_id where d.id in ({marks})", chunk):
            d = dict(d)
            if d["capture_id"] and d["outcome"] not in ("ok", None):
                held = resolve_capture(db, d["capture_id"])  # a revisit or a 304: the evidence is the full capture
                if held is not None:
                    d.update(capture_id=held["id"], sha256=held["sha256"], fetched_at=held["fetched_at"],
                             warc_file=held["warc_file"], warc_offset=held["warc_offset"],
                             warc_length=held["warc_length"])
            out[d["id"]] = d
    return out


def render(rec: dict[str, Any], fmt: str, db: Database | None = None, lang: str = DEFAULT_LANG,
           link_base: str | None = DEFAULT_LINK_BASE) -> str:
    """The audit report as text (`pdf`: use archive.audit_report.pdf.write_pdf on the HTML)."""
    links = Links(link_base)
    if fmt == "json":
        return json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(rec, evidence(db, rec), lang, links)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(rec, lang)
    if fmt == "csv-documents":
        from .csv import render_documents_csv

        return render_documents_csv(rec, evidence(db, rec), links)
    if fmt in ("html", "pdf"):
        from .html import render_html

        return render_html(rec, evidence(db, rec), lang, links)
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
