"""`xxgk reconcile` and `xxgk report`: an annual report's claims against the archive, and the audit report.

Exit statuses: 0 done; 2 bad input (unknown agency, no archive, no annual report in the archive, an
unreadable report file, or a claims file that breaks the claims contract: one line per problem); 4 (`report --fail-on`) when a row has one of the listed statuses.
Several agencies (`--agency all|ID,ID,…|@FILE`, xxgk/commands/across.py): 1 when some agency has no report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.audit_report import DEFAULT_LINK_BASE, FORMATS
from archive.i18n import DEFAULT_LANG, LANGS
from xxgk.options import (
    EXIT_FAIL_ON,
    EXIT_FAILED,
    db_option,
    emit,
    fail,
    load_agency,
    many_agencies,
    open_archive,
    registry_option,
    resolve_db,
    warc_dir_for,
    warc_dir_option,
)


def reconcile_or_fail(command: str, db: Any, agency: Any, year: int, report_file: Path | None,
                      warc_dir: Path, claims_file: Path | None = None) -> dict[str, Any]:
    """Reconcile the given claims file, else the given report file, else the archived annual report; one line
    (one per problem of a claims file) and exit 2 when unusable or absent."""
    from archive.annual_report import AnnualReportError
    from archive.claims import ReportReadError
    from archive.reconcile.claims_file import ClaimsFileError
    from archive.reconcile.inputs import (
        reconcile_archived_report,
        reconcile_claims_file,
        reconcile_report_file,
    )

    try:
        if claims_file is not None:
            return reconcile_claims_file(db, agency, year, claims_file)
        if report_file is not None:
            return reconcile_report_file(db, agency, year, report_file)
        return reconcile_archived_report(db, agency, year, warc_dir)
    except ClaimsFileError as exc:
        for problem in exc.problems[:-1]:
            click.echo(f"xxgk {command}: {exc.path}: {problem}", err=True)
        fail(command, f"{exc.path}: {exc.problems[-1]}")
    except (ReportReadError, AnnualReportError) as exc:
        fail(command, str(exc))


def print_table(rec: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from archive.audit_report import STATUS_TEXT, claimed_text, label, num, signed, status_counts

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
    console.print(escape(f"annual report: {rec['annual_report_source']} (sha256 {rec['annual_report_sha256']})"))
    counts = status_counts(rec)  # one per row: a claim stated twice is one row
    console.print(", ".join(f"{STATUS_TEXT[k]} {v}" for k, v in counts.items()))


AGENCY_HELP = ("Agency id from the registry; several: `all` (every agency of the registry), `ID,ID,…` or `@FILE` "
               "(ids one a line), each agency's report reconciled and a table across them.")


@click.command("reconcile")
@click.option("--agency", "agency_id", required=True, help=AGENCY_HELP)
@click.option("--year", type=int, required=True, help="Report year (Asia/Shanghai calendar year).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Annual report file (txt, html, pdf, docx) instead of the one archived by the crawl.")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Claims as JSON (`xxgk claims FILE --json`, corrected by an auditor) instead of extracting them; "
                   "the reconciliation records the file and its sha256.")
@db_option()
@warc_dir_option
@registry_option
@click.option("--json", "as_json", is_flag=True, help="Print the stored reconciliation as JSON.")
def reconcile(agency_id: str, year: int, report_file: Path | None, claims_file: Path | None, db_path: str,
              warc_dir: Path | None, registry_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Reconcile an annual report's claims with the archive and store the result (several agencies: each
    one's archived report, and a table across them; exit 1 when some agency has none)."""
    if report_file is not None and claims_file is not None:
        fail("reconcile", "--claims and --report are mutually exclusive: give the report, or the claims read from it")
    if many_agencies(agency_id):
        if report_file is not None or claims_file is not None:
            fail("reconcile", "--report and --claims are one agency's: give one agency id with them")
        from xxgk.commands.across import reconcile_many

        reconcile_many(agency_id, year, db_path, warc_dir, registry_dirs, as_json)
        return
    agency = load_agency("reconcile", agency_id, registry_dirs)
    db_path = resolve_db("reconcile", db_path)
    db = open_archive("reconcile", db_path)
    rec = reconcile_or_fail("reconcile", db, agency, year, report_file, warc_dir_for(db_path, warc_dir), claims_file)
    if as_json:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
    else:
        print_table(rec)


def _statuses(value: str) -> list[str]:
    from archive.reconcile import STATUSES

    wanted = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise click.BadParameter(f"unknown status {', '.join(bad)}; one of {', '.join(STATUSES)}",
                                 param_hint="--fail-on")
    return wanted


@click.command("report")
@click.option("--agency", "agency_id", required=True, help=AGENCY_HELP)
@click.option("--year", type=int, required=True, help="Report year.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True,
              help="html (printable, self-contained), pdf (printed by headless chromium; needs --out), md, csv (the "
                   "claims; with --out also FILE-documents.csv: one row per counted document), csv-documents, json.")
@click.option("--sort", default="discrepancy", show_default=True, metavar="KEY",
              help="Several agencies: the table's order: discrepancy, agency, name, status, claims, match, "
                   "fewer_found, more_found, unverifiable, catalog, website, wechat or total (counts largest first, "
                   "names A to Z).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default: stdout).")
@click.option("--lang", type=click.Choice(LANGS), default=DEFAULT_LANG, show_default=True,
              help="Language of the report (zh: Chinese, en: English).")
@click.option("--link-base", default=DEFAULT_LINK_BASE, show_default=True, metavar="URL",
              help="Where `xxgk serve` runs: capture ids link to its replay and WARC pages ('' for no links).")
@db_option()
@warc_dir_option
@registry_option
@click.option("--fail-on", "fail_on", default="", metavar="STATUS[,STATUS]",
              help=f"Exit {EXIT_FAIL_ON} when any row has one of these statuses (e.g. fewer_found,more_found).")
def report(agency_id: str, year: int, fmt: str, sort: str, out: Path | None, lang: str, link_base: str,
           db_path: str, warc_dir: Path | None, registry_dirs: tuple[Path, ...], fail_on: str) -> None:
    """Write the audit report of the latest reconciliation of an agency and year (reconciling first if
    there is none); for several agencies, the table of agencies × claims and each agency's claims."""
    from archive.audit_report import render
    from archive.reconcile import latest_reconciliation

    wanted = _statuses(fail_on)
    if fmt == "pdf" and out is None:
        fail("report", "--format pdf needs --out FILE.pdf (a PDF is not written to a terminal)")
    if link_base and not link_base.startswith(("http://", "https://")):
        fail("report", f"--link-base {link_base!r} is not an http(s) URL (e.g. http://127.0.0.1:8001)")
    if many_agencies(agency_id):
        from archive.audit_report.agencies import FORMATS as TABLE_FORMATS
        from xxgk.commands.across import report_many

        if fmt not in TABLE_FORMATS:
            fail("report", f"--format {fmt} is one agency's; the table across agencies is {', '.join(TABLE_FORMATS)}")
        report_many(agency_id, year, fmt, out, db_path, warc_dir, registry_dirs, wanted, sort, lang)
        return
    agency = load_agency("report", agency_id, registry_dirs)
    db_path = resolve_db("report", db_path)
    db = open_archive("report", db_path)
    rec = latest_reconciliation(db, agency.id, year)
    if rec is None:
        rec = reconcile_or_fail("report", db, agency, year, None, warc_dir_for(db_path, warc_dir))
    text = render(rec, fmt, db, lang=lang, link_base=link_base)
    if fmt == "pdf":
        from archive.audit_report.pdf import PdfError, write_pdf

        try:
            size = write_pdf(text, out)
        except PdfError as exc:
            fail("report", str(exc), EXIT_FAILED)
        click.echo(f"wrote {out} (pdf, {size:,} bytes, reconciliation {rec['id']})", err=True)
    else:
        emit(text, out, f"{fmt}, reconciliation {rec['id']}")
        if fmt == "csv" and out is not None:
            docs = out.with_name(f"{out.stem}-documents{out.suffix or '.csv'}")
            emit(render(rec, "csv-documents", db, lang=lang, link_base=link_base), docs,
                 "one row per counted document")
    hits = [r for r in rec["rows"] if r["status"] in wanted]
    if hits:
        click.echo(f"xxgk report: {len(hits)} claim(s) with status {', '.join(sorted({r['status'] for r in hits}))}",
                   err=True)
        sys.exit(EXIT_FAIL_ON)
