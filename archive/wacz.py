"""A portable evidence bundle: an agency's (and a year's) captures as a WACZ 1.1.1 file that standard web-archive
players (ReplayWeb.page, pywb) open, with the reconciliations inside (`xxgk export wacz`).

    stats = write_wacz(db, warc_dir, agency_id, out, year=2024, software="xxgk-archive/0.1")

Layout (WACZ 1.1.1): `archive/data.warc.gz` (every selected capture's WARC record, its gzip member copied byte
for byte, after a warcinfo record naming the bundle), `indexes/index.cdx` (CDXJ written by Webrecorder's
cdxj-indexer from that file), `pages/pages.jsonl` (one entry per document page), `reconciliations/*.json`
(the stored reconciliations, as `xxgk report --format json` prints them), `datapackage.json` (every file with
its sha256 and size) and `datapackage-digest.json` (the sha256 of datapackage.json). WARC and gzip files are
stored uncompressed in the ZIP, as the format asks, so players can read them by range.

py-wacz is not used: it is a command-line tool (argparse, prints to stdout), pulls frictionless and ~40
packages, and cannot add files of our own to the bundle's manifest; the layout is small and specified.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.replay import ReplayError, read_member
from archive.times import now_iso

WACZ_VERSION = "1.1.1"
RECORD_OUTCOMES = ("ok", "revisit", "blocked", "http_error", "not_modified", "truncated")
WARC_NAME = "data.warc.gz"


class WaczError(Exception):
    """The bundle cannot be written (nothing to export, an unreadable WARC record)."""


def _query(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(sql, params)]


def select_captures(db: Database, agency: str, year: int | None) -> list[dict[str, Any]]:
    """The captures to bundle: with a year, those behind the year's documents (their pages, every capture of their
    URLs, versions, events, attachments) and the annual report; without, every capture of the agency's runs. Each
    revisit brings the capture whose payload it repeats."""
    cols = ("id, url, fetched_at, outcome, status, content_type, warc_file, warc_offset, warc_length, revisit_of, "
            "sha256")
    if year is None:
        rows = _query(db, f"select {cols} from captures where run_id in (select id from runs where agency = ?) "
                          "and warc_file is not null", [agency])
    else:
        docs = "select id from documents where agency = :agency and year = :year"
        report = ("select annual_report_document_id from reconciliations where agency = :agency and year = :year "
                  "and annual_report_document_id is not null")
        ids = (f"select capture_id from documents where id in ({docs}) or id in ({report}) "
               f"union select capture_id from document_versions where document_id in ({docs}) "
               f"union select capture_id from document_events where document_id in ({docs}) "
               f"union select capture_id from attachments where document_id in ({docs})")
        urls = f"select canonical_url from documents where id in ({docs}) or id in ({report})"
        rows = _query(db, f"select {cols} from captures where warc_file is not null and (id in ({ids}) "
                          f"or url in ({urls}))", {"agency": agency, "year": year})  # type: ignore[arg-type]
    rows = [r for r in rows if r["outcome"] in RECORD_OUTCOMES and r["warc_offset"] is not None and r["warc_length"]]
    have = {r["id"] for r in rows}
    missing = {r["revisit_of"] for r in rows if r["revisit_of"]} - have
    while missing:
        marks = ",".join("?" for _ in missing)
        more = [r for r in _query(db, f"select {cols} from captures where id in ({marks}) and warc_file is not null",
                                  sorted(missing)) if r["warc_offset"] is not None and r["warc_length"]]
        rows += more
        have |= {r["id"] for r in more}
        missing = {r["revisit_of"] for r in more if r["revisit_of"]} - have
    return sorted(rows, key=lambda r: (r["fetched_at"] or "", r["id"]))


def _pages(db: Database, agency: str, year: int | None, captured: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """pages.jsonl entries: each document whose current capture is an HTML page in the bundle (and the report)."""
    where = "agency = ?" + (" and year = ?" if year is not None else "")
    params: list[Any] = [agency] + ([year] if year is not None else [])
    out = []
    for d in _query(db, f"select id, title, capture_id, canonical_url, published_date from documents where {where} "
                        "order by published_date, id", params):
        cap = captured.get(d["capture_id"] or "")
        if cap is None or "html" not in (cap["content_type"] or "").lower():
            continue
        out.append({"id": cap["id"], "url": cap["url"], "ts": cap["fetched_at"], "title": d["title"] or d["id"],
                    "document_id": d["id"], "published_date": d["published_date"]})
    return out


def _sha256(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return "sha256:" + h.hexdigest(), size


def _warcinfo(agency: str, year: int | None, software: str, count: int) -> bytes:
    import io

    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="WARC/1.1")
    info = {"software": software, "format": "WARC File Format 1.1", "isPartOf": f"xxgk-archive {agency}"
            + (f" {year}" if year is not None else ""), "description": f"{count} captures copied byte for byte "
            "from the archive's WARC files (one gzip member each)"}
    writer.write_record(writer.create_warcinfo_record(WARC_NAME, info))
    return buf.getvalue()


def write_wacz(db: Database, warc_dir: str | Path, agency: str, out: str | Path, year: int | None = None,
               software: str = "xxgk-archive", title: str | None = None) -> dict[str, Any]:
    """Write the bundle to `out` (atomically); what it holds."""
    from cdxj_indexer.main import CDXJIndexer

    from archive.reconcile import load_reconciliation

    captures = select_captures(db, agency, year)
    if not captures:
        raise WaczError(f"no captures of {agency}" + (f" for {year}" if year is not None else "") + " in the archive")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recs = _query(db, "select id from reconciliations where agency = ?" + (" and year = ?" if year is not None else "")
                  + " order by year, created_at", [agency] + ([year] if year is not None else []))
    with tempfile.TemporaryDirectory(prefix="xxgk-wacz-") as tmp:
        root = Path(tmp)
        (root / "archive").mkdir()
        (root / "indexes").mkdir()
        (root / "pages").mkdir()
        warc = root / "archive" / WARC_NAME
        copied = 0
        with open(warc, "wb") as fh:
            fh.write(_warcinfo(agency, year, software, len(captures)))
            for cap in captures:
                try:
                    fh.write(read_member(warc_dir, cap))
                except ReplayError as exc:
                    raise WaczError(f"capture {cap['id']}: {exc}") from exc
                copied += 1
        cdx = root / "indexes" / "index.cdx"
        CDXJIndexer(output=str(cdx), inputs=[str(warc)], sort=True, post_append=True).process_all()
        by_id = {c["id"]: c for c in captures}
        pages = _pages(db, agency, year, by_id)
        with open(root / "pages" / "pages.jsonl", "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Documents"}) + "\n")
            for p in pages:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        files = ["archive/" + WARC_NAME, "indexes/index.cdx", "pages/pages.jsonl"]
        if recs:
            (root / "reconciliations").mkdir()
        for r in recs:
            rec = load_reconciliation(db, r["id"])
            name = f"reconciliations/{r['id']}.json"
            (root / name).write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            files.append(name)
        resources = []
        for name in files:
            digest, size = _sha256(root / name)
            entry = {"name": Path(name).name.lower(), "path": name, "hash": digest, "bytes": size}
            if name.endswith(".json"):
                entry["type"] = "file"  # a file, not JSON data to validate (Frictionless asks for one or the other)
            resources.append(entry)
        main = next((p for p in pages), None)
        package = {
            "profile": "data-package", "wacz_version": WACZ_VERSION,
            "title": title or f"xxgk-archive: {agency}" + (f", {year}" if year is not None else ""),
            "description": (f"Evidence captured by xxgk-archive for {agency}"
                            + (f", the documents of {year} and its annual report" if year is not None else "")
                            + f": {copied} captures, {len(pages)} document pages, {len(recs)} reconciliation(s) "
                            "(reconciliations/*.json)."),
            "created": now_iso(), "software": software, "resources": resources,
        }
        if main:
            package["mainPageUrl"], package["mainPageDate"] = main["url"], main["ts"]
        data = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        (root / "datapackage.json").write_bytes(data)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        (root / "datapackage-digest.json").write_text(json.dumps(digest, indent=2) + "\n", encoding="utf-8")
        part = out.with_name(out.name + ".part")
        with zipfile.ZipFile(part, "w", allowZip64=True) as z:
            for name in [*files, "datapackage.json", "datapackage-digest.json"]:
                stored = name.endswith(".gz")  # already compressed: STORE, so players read it by range
                z.write(root / name, name, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        os.replace(part, out)
    return {"path": str(out), "bytes": out.stat().st_size, "captures": copied, "pages": len(pages),
            "reconciliations": [r["id"] for r in recs]}
