"""What the document and capture pages of the archive's Datasette show beside the row: versions with a highlighted
diff of every changed field (by character, or by word: `?_diff=word`), events, attachments and captures, each
capture linked to its replay and its WARC record; times in Asia/Shanghai; words from archive/i18n.py.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from datasette.utils import tilde_encode
from markupsafe import Markup

from archive.diff import MODES, diff_html, field_mode
from archive.i18n import t as translate
from archive.i18n import translator
from archive.times import local_text

FIRST_VERSION_LIMIT = 400  # characters of each field shown for a first version (the full text is the row above)


def _short(value: Any, limit: int = FIRST_VERSION_LIMIT) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,})"


def version_fields(v: dict[str, Any], mode: str, lang: str) -> list[dict[str, Any]]:
    try:
        fields = json.loads(v.get("changed_fields") or "[]")
        after = json.loads(v.get("values") or "{}")
        before = json.loads(v.get("previous") or "{}")
    except ValueError:
        return []
    elided = translate("doc.unchanged", lang, n="{n}")
    out = []
    for f in fields:
        entry: dict[str, Any] = {"field": f, "after": _short(after.get(f, ""))}
        if f in before:
            entry["diff"] = Markup(diff_html(before.get(f), after.get(f), field_mode(f, mode), elided=elided))
        out.append(entry)
    return out


def links(datasette: Any, database: str) -> dict[str, Any]:
    def path(p: str) -> str:
        return datasette.urls.path(p)

    return {
        "xxgk_warc_url": lambda cid: path(f"/-/xxgk/warc/{quote(cid, safe='')}"),
        "xxgk_replay_url": lambda cid: path(f"/-/xxgk/replay/{quote(cid, safe='')}"),
        "xxgk_capture_url": lambda cid: datasette.urls.table(database, "captures") + "/" + tilde_encode(cid),
        "xxgk_local": lambda ts: local_text(ts, seconds=True) or ts or "",
    }


async def document_vars(datasette: Any, database: str, doc_id: str, request: Any, warc_ok: bool) -> dict[str, Any]:
    from archive.datasette.lang import request_lang

    lang = request_lang(request, datasette)
    mode = request.args.get("_diff") if request is not None else None
    mode = mode if mode in MODES else "char"
    db = datasette.get_database(database)

    async def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return [dict(r) for r in (await db.execute(sql, params)).rows]

    doc = await rows("select id, capture_id, canonical_url, status from documents where id = ?", [doc_id])
    base = {"t": translator(lang), "xxgk_lang": lang, **links(datasette, database)}
    if not doc:
        return base
    versions = await rows("select id, observed_at, run_id, capture_id, changed_fields, [values], previous "
                          "from document_versions where document_id = ? order by observed_at, id", [doc_id])
    for v in versions:
        v["fields"] = version_fields(v, mode, lang)
        v["first"] = v.get("previous") in (None, "", "{}")
    events = await rows("select at, event, run_id, capture_id, details from document_events "
                        "where document_id = ? order by at, id", [doc_id])
    for e in events:
        key = f"event.{e['event']}"
        e["event_text"] = translate(key, lang) if e["event"] in ("first_seen", "changed", "disappeared",
                                                                 "reappeared") else e["event"]
    attachments = await rows("select a.id, a.name, a.url, a.mime, a.size, a.sha256, a.status, a.capture_id, "
                             "c.warc_file from attachments a left join captures c on c.id = a.capture_id "
                             "where a.document_id = ? order by a.id", [doc_id])
    cap_ids = {doc[0]["capture_id"]} | {x["capture_id"] for x in versions + events + attachments}
    cap_ids.discard(None)
    cap_ids.discard("")
    captures: list[dict[str, Any]] = []
    if cap_ids:
        marks = ",".join("?" for _ in cap_ids)
        captures = await rows(
            "select id, fetched_at, url, status, outcome, sha256, payload_length, warc_file, revisit_of, run_id "
            f"from captures where id in ({marks}) or url = ? order by fetched_at, id",
            [*sorted(cap_ids), doc[0]["canonical_url"] or ""])
    here = request.path if request is not None else ""
    return {**base, "xxgk_doc": {
        "id": doc_id, "capture_id": doc[0]["capture_id"], "status": doc[0]["status"],
        "versions": versions, "events": events, "attachments": attachments, "captures": captures,
        "warc_available": warc_ok, "diff_mode": mode,
        "diff_links": {m: f"{here}?_diff={m}" for m in MODES},
    }}


async def capture_vars(datasette: Any, database: str, capture_id: str, request: Any, warc_ok: bool) -> dict[str, Any]:
    from archive.datasette.lang import request_lang

    lang = request_lang(request, datasette)
    db = datasette.get_database(database)
    res = await db.execute("select id, warc_file, revisit_of from captures where id = ?", [capture_id])
    row = res.first()
    base = {"t": translator(lang), "xxgk_lang": lang, **links(datasette, database)}
    if row is None:
        return base
    return {**base, "xxgk_capture": dict(row), "xxgk_warc_available": warc_ok}
