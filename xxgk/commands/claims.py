"""`xxgk claims`: what an annual report claims, as JSON or a readable summary."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import click

from xxgk.options import fail, open_archive, warc_dir_for


def _load_archived(document_id: str, db: Path, warc_dir: Path | None = None) -> tuple[str, str | None]:
    """(text, body HTML) of an archived document, read back from its WARC capture."""
    from archive.annual_report import AnnualReportError, load_document

    try:
        report = load_document(open_archive("claims", db, write=False), document_id, warc_dir_for(db, warc_dir))
    except AnnualReportError as e:
        fail("claims", str(e))
    return report.text, report.html


def _pad(s: str, width: int) -> str:
    """Left-justify by display width (CJK characters take two columns)."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * max(0, width - cols)


def _summary(result: dict, source: str) -> str:
    lines = [f"annual report: {source}"]
    p = result["period"]
    lines.append(f"year: {result['year']}" + (f" (period {p['start']} .. {p['end']})" if p else ""))
    lines.append(f"format: {result['format'] or 'unknown (tables absent)'}")
    agency = result["agency"]
    lines.append(f"agency: {agency['name'] or '-'}" + (f"  [{agency['note']}]" if agency["note"] else ""))
    lines.append("claims:")
    if not result["claims"]:
        lines.append("  (none)")
    marks = {"lower": "≥", "approx": "≈"}
    for i, c in enumerate(result["claims"]):
        depth, parent = 0, c.get("part_of")
        while parent is not None and depth < 5:  # parts indent under their total
            depth, parent = depth + 1, result["claims"][parent].get("part_of")
        value = f"{marks.get(c.get('bound') or '', '')}{c['value']}{c['unit'] or ''}"
        note = f"  (same as #{c['duplicate_of']})" if c.get("duplicate_of") is not None else ""
        lines.append(
            f"  #{i:<3} {'  ' * depth}{c['kind']:<12} {c['channel'] or '-':<9} {_pad(c['category'] or '-', 18)} "
            f"{value:>10}  [{c['start']}:{c['end']}]{note}"
        )
    unreadable = [k for k, t in result["tables"].items() if t and t.get("unreadable")]
    read = [k for k, t in result["tables"].items() if t and k not in unreadable]
    lines.append("tables: " + "; ".join(part for part in (
        "read " + ", ".join(read) if read else "",
        "present but unreadable " + ", ".join(unreadable) if unreadable else "",
        "missing " + ", ".join(result["missing"]) if result["missing"] else "") if part))
    lines.append("checks:")
    for ch in result["checks"]:
        mark = {True: "ok  ", False: "FAIL", None: "n/a "}[ch["ok"]]
        lines.append(f"  [{mark}] {ch['id']:<6} {ch['severity']:<7} {ch['detail']}")
    if result["notes"]:
        lines.append("notes:")
        lines.extend(f"  - {n}" for n in result["notes"])
    return "\n".join(lines)


@click.command("claims")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--document", "document_id",
              help="Id of an annual report archived by a crawl: the document id or its post id (needs --db).")
@click.option("--db", "db_path", type=click.Path(path_type=Path), help="Archive SQLite database.")
@click.option("--warc-dir", type=click.Path(path_type=Path), help="WARC folder (default: warc/ next to --db).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract.")
@click.option("--agency-host", "agency_hosts", multiple=True,
              help="The agency's real host (repeatable): links to it are not noted as a mirror's.")
def claims(path: Path | None, document_id: str | None, db_path: Path | None, warc_dir: Path | None,
           as_json: bool, agency_hosts: tuple[str, ...]) -> None:
    """Extract the claims of an annual report (txt, html, pdf or docx) and check its tables."""
    from archive.claims import ReportReadError, extract_claims, read_report

    if (path is None) == (document_id is None):
        fail("claims", "give either PATH or --document ID")
    if document_id is not None:
        if db_path is None:
            fail("claims", "--document needs --db PATH")
        text, html = _load_archived(document_id, db_path, warc_dir)
        source = f"document {document_id}"
        origin = {"document": document_id, "db": str(db_path)}
    else:
        try:
            text, html = read_report(path)  # type: ignore[arg-type]
        except ReportReadError as e:
            fail("claims", str(e))
        source = str(path)
        origin = {"file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}  # type: ignore[union-attr]
    result = extract_claims(text, html, agency_hosts=list(agency_hosts) or None)
    if as_json:  # `source` says what the claims were read from (`reconcile --claims` records it)
        result["source"] = origin
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(result, source))
