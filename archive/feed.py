"""An Atom feed of what changed in an agency's channels: documents new, changed, disappeared and reappeared, from
the events every crawl records (served at /-/xxgk/feed/{agency}.atom, written by the nightly job).

    xml = atom_feed(conn, "kaiping-edu", channel=None, base_url="http://127.0.0.1:8001", lang="zh")

The first crawl of an agency's channel finds everything at once: that baseline is not news, so its first_seen
events are left out (a document first seen by any later run is new). Entries are the latest `limit` events,
newest first; each names the document, what happened, when (UTC in the feed, as Atom wants) and links to the
document's page in the archive (or its own URL when no base URL is known).
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

from archive.i18n import channel_text, t
from archive.times import now_iso

ATOM = "http://www.w3.org/2005/Atom"
EVENTS = ("first_seen", "changed", "disappeared", "reappeared")
KIND = {"first_seen": "feed.new", "changed": "feed.changed", "disappeared": "feed.disappeared",
        "reappeared": "feed.reappeared"}
DEFAULT_LIMIT = 200


def baseline_runs(conn: sqlite3.Connection, agency: str) -> set[str]:
    """The first run of each of the agency's channels: the harvest that found what was already there."""
    rows = conn.execute("select channel, id from runs where agency = ? and started_at = (select min(started_at) "
                        "from runs r2 where r2.agency = runs.agency and r2.channel = runs.channel)", [agency]).fetchall()
    return {r[1] for r in rows}


def feed_events(conn: sqlite3.Connection, agency: str, channel: str | None = None,
                limit: int = DEFAULT_LIMIT, since: str | None = None) -> list[dict[str, Any]]:
    """The latest events of the agency (and channel), baseline first_seen left out, newest first."""
    base = sorted(baseline_runs(conn, agency))
    sql = ("select e.id as event_id, e.event, e.at, e.run_id, e.capture_id, e.details, d.id as document_id, d.title, "
           "d.channel, d.category, d.published_date, d.canonical_url, d.status from document_events e "
           "join documents d on d.id = e.document_id where d.agency = ? and e.event in (?, ?, ?, ?)")
    params: list[Any] = [agency, *EVENTS]
    if channel:
        sql += " and d.channel = ?"
        params.append(channel)
    if since:
        sql += " and e.at > ?"
        params.append(since)
    if base:
        sql += f" and not (e.event = 'first_seen' and e.run_id in ({','.join('?' for _ in base)}))"
        params += base
    sql += " order by e.at desc, e.id desc limit ?"
    params.append(limit)
    cur = conn.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def agency_name(conn: sqlite3.Connection, agency: str) -> str:
    try:
        row = conn.execute("select name from agencies where id = ?", [agency]).fetchone()
    except sqlite3.Error:
        row = None
    return (row[0] if row and row[0] else None) or agency


def _fields(details: str | None) -> list[str]:
    try:
        data = json.loads(details or "{}")
    except ValueError:
        return []
    fields = data.get("fields") if isinstance(data, dict) else None
    if isinstance(fields, list):
        return [str(f) for f in fields]
    return ["page_state"] if isinstance(data, dict) and "page_state" in data else []


def atom_feed(conn: sqlite3.Connection, agency: str, channel: str | None = None, base_url: str | None = None,
              lang: str = "zh", limit: int = DEFAULT_LIMIT, self_url: str | None = None) -> str:
    """The Atom document (UTF-8 XML text); every value escaped by the XML writer."""
    from datasette.utils import tilde_encode

    ET.register_namespace("", ATOM)
    name = agency_name(conn, agency)
    events = feed_events(conn, agency, channel, limit)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN" if lang == "zh" else "en"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    title = (t("feed.title_channel", lang, agency=name, channel=channel_text(channel, lang)) if channel
             else t("feed.title", lang, agency=name))
    sub(feed, "id", f"urn:xxgk:feed:{quote(agency)}" + (f":{quote(channel)}" if channel else ""))
    sub(feed, "title", title)
    sub(feed, "subtitle", t("feed.subtitle", lang))
    sub(feed, "updated", (events[0]["at"] if events else None) or now_iso())
    sub(feed, "generator", "xxgk-archive")
    author = sub(feed, "author")
    sub(author, "name", name)
    if self_url:
        sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    base = (base_url or "").rstrip("/")
    for ev in events:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:xxgk:event:{quote(agency)}:{ev['event_id']}")
        word = t(KIND[ev["event"]], lang)
        sub(entry, "title", f"[{word}] {ev['title'] or ev['document_id']}")
        sub(entry, "updated", ev["at"])
        sub(entry, "published", ev["at"])
        href = (f"{base}/archive/documents/{tilde_encode(ev['document_id'])}" if base else ev["canonical_url"])
        if href:
            sub(entry, "link", rel="alternate", href=href)
        if ev["canonical_url"] and base:
            sub(entry, "link", rel="related", href=ev["canonical_url"])
        sub(entry, "category", term=ev["event"], label=word)
        lines = [t("feed.published", lang, date=ev["published_date"] or "–", channel=channel_text(ev["channel"], lang),
                   category=ev["category"] or "–")]
        fields = _fields(ev["details"]) if ev["event"] == "changed" else []
        if fields:
            lines.append(t("feed.fields", lang, fields=", ".join(fields)))
        if ev["canonical_url"]:
            lines.append(ev["canonical_url"])
        sub(entry, "summary", "\n".join(lines), type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
