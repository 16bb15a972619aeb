"""`xxgk reconcile` and `xxgk report`: an annual report's claims against the archive, and its rendering.

Exit statuses: 0 done; 2 bad input (unknown agency, no archive, no report in the archive or an
unreadable report file); 4 (`report --fail-on`) when a row has one of the listed statuses.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from .report import FORMATS

EXIT_INPUT, EXIT_FAIL_ON = 2, 4
DEFAULT_DB = "data/archive.sqlite"


def _fail(command: str, message: str) -> None:
    click.echo(f"xxgk {command}: {message}", err=True)
    sys.exit(EXIT_INPUT)


def _open(command: str, db_path: str) -> Any:
    from .schema import open_db

    if not Path(db_path).is_file():
        _fail(command, f"no archive database at {db_path}")
    return open_db(db_path)


def _agency(command: str, agency_id: str) -> Any:
    from crawler.registry import RegistryError, load_agency

    try:
        return load_agency(agency_id)
    except RegistryError as exc:
        _fail(command, str(exc))


def run_reconcile(command: str, db: Any, agency: Any, year: int, report_file: Path | None,
                  warc_dir: Path) -> dict[str, Any]:
    """Read the report (given file, else the archived one), extract its claims, reconcile and store."""
    from .archived_report import ArchivedReportError, read_archived_report
    from .claims import ReportReadError, extract_claims, read_report
    from .reconcile import reconcile

    hosts = [agency.host] if agency.host else None
    if report_file is not None:
        try:
            text, html = read_report(report_file)
        except ReportReadError as exc:
            _fail(command, str(exc))
        sha = hashlib.sha256(report_file.read_bytes()).hexdigest()
        extracted = extract_claims(text, html, agency_hosts=hosts)
        return reconcile(db, agency, year, extracted, report_source=f"file {report_file}", report_sha256=sha,
                         report_meta={"file": str(report_file)})
    try:
        rep = read_archived_report(db, agency, year, warc_dir)
    except ArchivedReportError as exc:
        _fail(command, str(exc))
    extracted = extract_claims(rep.text, rep.html, agency_hosts=hosts)
    extracted["notes"] = list(extracted.get("notes") or []) + [f"report read from the archive: {n}" for n in rep.notes]
    return reconcile(db, agency, year, extracted, report_source=rep.source, report_sha256=rep.sha256,
                     report_document_id=rep.document_id,
                     report_meta={"title": rep.title, "capture_id": rep.capture_id, "channel": rep.channel,
                                  "canonical_url": rep.canonical_url, "published_date": rep.published_date})


def print_table(rec: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .report import STATUS_TEXT, claimed_text, label, num, signed

    colours = {"match": "green", "fewer_found": "red", "more_found": "magenta", "unverifiable": "bright_black"}
    table = Table(title=escape(f"{rec['agency']} · {rec['year']} · reconciliation {rec['id']}"))
    for name, justify in (("#", "right"), ("claim", "left"), ("claimed", "right"), ("observed", "right"),
                          ("live", "right"), ("delta", "right"), ("status", "left"), ("caveats", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in rec["rows"]:
        status = r["status"]
        table.add_row(str(r["claim_index"]), escape(label(r)), escape(claimed_text(r)), num(r["observed"]),
                      num(r["observed_live"]), signed(r["delta"]),
                      f"[{colours.get(status, 'white')}]{escape(STATUS_TEXT.get(status, status))}[/]",
                      str(len(r["caveats"])))
    console = Console(width=None if sys.stdout.isatty() else 160)  # no wrapping when piped
    console.print(table)
    console.print(escape(f"report: {rec['report_source']} (sha256 {rec['report_sha256']})"))
    counts = rec["summary"].get("statuses", {})
    console.print(", ".join(f"{STATUS_TEXT[k]} {v}" for k, v in counts.items()))


@click.command("reconcile")
@click.option("--agency", "agency_id", required=True, help="Agency id from the registry.")
@click.option("--year", type=int, required=True, help="Report year (Asia/Shanghai calendar year).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Report file (txt, html, pdf, docx) instead of the report archived by the crawl.")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive database.")
@click.option("--warc-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="WARC folder (default: warc/ next to the database).")
@click.option("--json", "as_json", is_flag=True, help="Print the stored reconciliation as JSON.")
def reconcile(agency_id: str, year: int, report_file: Path | None, db_path: str, warc_dir: Path | None,
              as_json: bool) -> None:
    """Reconcile an annual report's claims with the archive and store the result."""
    agency = _agency("reconcile", agency_id)
    db = _open("reconcile", db_path)
    rec = run_reconcile("reconcile", db, agency, year, report_file, warc_dir or Path(db_path).parent / "warc")
    if as_json:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
    else:
        print_table(rec)


def _statuses(value: str) -> list[str]:
    from .reconcile import STATUSES

    wanted = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise click.BadParameter(f"unknown status {', '.join(bad)}; one of {', '.join(STATUSES)}",
                                 param_hint="--fail-on")
    return wanted


@click.command("report")
@click.option("--agency", "agency_id", required=True, help="Agency id from the registry.")
@click.option("--year", type=int, required=True, help="Report year.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default: stdout).")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive database.")
@click.option("--warc-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="WARC folder (default: warc/ next to the database).")
@click.option("--fail-on", "fail_on", default="", metavar="STATUS[,STATUS]",
              help=f"Exit {EXIT_FAIL_ON} when any row has one of these statuses (e.g. fewer_found,more_found).")
def report(agency_id: str, year: int, fmt: str, out: Path | None, db_path: str, warc_dir: Path | None,
           fail_on: str) -> None:
    """Render the latest reconciliation of an agency and year (reconciling first if there is none)."""
    from .reconcile import latest_reconciliation
    from .report import render

    wanted = _statuses(fail_on)
    agency = _agency("report", agency_id)
    db = _open("report", db_path)
    rec = latest_reconciliation(db, agency.id, year)
    if rec is None:
        rec = run_reconcile("report", db, agency, year, None, warc_dir or Path(db_path).parent / "warc")
    text = render(rec, fmt, db)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out} ({fmt}, reconciliation {rec['id']})", err=True)
    hits = [r for r in rec["rows"] if r["status"] in wanted]
    if hits:
        click.echo(f"xxgk report: {len(hits)} claim(s) with status {', '.join(sorted({r['status'] for r in hits}))}",
                   err=True)
        sys.exit(EXIT_FAIL_ON)
