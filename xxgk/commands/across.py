"""`xxgk reconcile --agency all|ID,ID,…|@FILE` and `xxgk report --agency …` for several agencies: each agency's
annual report found and reconciled, an agency without one listed as such, and the table of agencies × claims.

Exit statuses: 0 every agency reconciled; 1 some agency has no annual report of the year in the archive, or its
report or registry file could not be read (each listed, with the reason); 2 bad input (an unknown agency, no
archive); 4 (`report --fail-on`) a claim of some agency has one of the listed statuses.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from xxgk.options import EXIT_FAIL_ON, EXIT_FAILED, emit, load_agencies, open_archive, warc_dir_for

DEFAULT_SORT = "discrepancy"


def _audit(command: str, value: str, year: int, db_path: str, warc_dir: Path | None,
           registry_dirs: tuple[Path, ...], reuse: bool) -> tuple[Any, dict[str, Any]]:
    from archive.reconcile.across import reconcile_agencies

    agencies, broken = load_agencies(command, value, registry_dirs)
    db = open_archive(command, db_path)
    audit = reconcile_agencies(db, agencies, year, warc_dir_for(db_path, warc_dir), broken=broken, reuse=reuse,
                               scope=value)
    return db, audit


def _say_unreconciled(command: str, audit: dict[str, Any]) -> bool:
    """One line on stderr per agency that was not reconciled; True when there was one."""
    missed = [a for a in audit["agencies"] if a["status"] != "reconciled"]
    for a in missed:
        click.echo(f"xxgk {command}: {a['agency']}: {a['status']}: {a['reason']}", err=True)
    return bool(missed)


def reconcile_many(value: str, year: int, db_path: str, warc_dir: Path | None, registry_dirs: tuple[Path, ...],
                   as_json: bool) -> None:
    """Reconcile every named agency's archived annual report of the year; print the table (or JSON: the agency
    audit and each reconciliation as stored)."""
    from archive.reconcile import load_reconciliation
    from archive.reconcile.across import agencies_matrix

    db, audit = _audit("reconcile", value, year, db_path, warc_dir, registry_dirs, reuse=False)
    if as_json:
        recs = {a["agency"]: load_reconciliation(db, a["reconciliation_id"])
                for a in audit["agencies"] if a.get("reconciliation_id")}
        click.echo(json.dumps({"audit": audit, "reconciliations": recs}, ensure_ascii=False, indent=2))
    else:
        print_matrix(agencies_matrix(db, year, audit, DEFAULT_SORT, only_audit=True), audit)
    if _say_unreconciled("reconcile", audit):
        sys.exit(EXIT_FAILED)


def report_many(value: str, year: int, fmt: str, out: Path | None, db_path: str, warc_dir: Path | None,
                registry_dirs: tuple[Path, ...], wanted: list[str], sort: str, lang: str) -> None:
    """The audit report across agencies (html and md in `lang`): each agency's latest reconciliation of the year
    (reconciled first when it has none), or why it has none."""
    from archive.audit_report.agencies import render_agencies
    from archive.reconcile.across import SORTS, agencies_matrix

    if sort not in SORTS:
        raise click.BadParameter(f"unknown sort {sort!r}; one of {', '.join(SORTS)}", param_hint="--sort")
    db, audit = _audit("report", value, year, db_path, warc_dir, registry_dirs, reuse=True)
    matrix = agencies_matrix(db, year, audit, sort, descending=sort not in ("agency", "name", "status"),
                             only_audit=True)
    emit(render_agencies(matrix, fmt, lang), out, f"{fmt}, {len(matrix['agencies'])} agencies, agency audit {audit['id']}")
    if _say_unreconciled("report", audit):
        sys.exit(EXIT_FAILED)
    hits = [(r["agency"], x["status"]) for r in matrix["agencies"] for x in r["rows"] if x["status"] in wanted]
    if hits:
        click.echo(f"xxgk report: {len(hits)} claim(s) of {len({a for a, _ in hits})} agencies with status "
                   f"{', '.join(sorted({s for _, s in hits}))}", err=True)
        sys.exit(EXIT_FAIL_ON)


def print_matrix(matrix: dict[str, Any], audit: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from archive.audit_report import signed
    from archive.audit_report.agencies import agency_status_text, totals_line

    table = Table(title=escape(f"{matrix['year']} · {len(matrix['agencies'])} agencies · agency audit {audit['id']}"))
    for name, justify in (("agency", "left"), ("status", "left"), ("claims", "right"), ("match", "right"),
                          ("fewer", "right"), ("more", "right"), ("unverif.", "right"), ("largest Δ", "right"),
                          ("reconciliation / reason", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    colours = {"reconciled": "green", "no_report": "red", "failed": "red"}
    for r in matrix["agencies"]:
        done = r["status"] == "reconciled"
        counts = [str(r["statuses"].get(s, 0)) if done else "–" for s in
                  ("match", "fewer_found", "more_found", "unverifiable")]
        table.add_row(escape(f"{r['agency']} {r.get('name') or ''}"),
                      f"[{colours.get(r['status'], 'white')}]{escape(agency_status_text(r['status'], 'en'))}[/]",
                      str(r["claims"]) if done else "–", *counts,
                      signed(r["largest"]["delta"]) if r.get("largest") else ("0" if done else "–"),
                      escape(r["reconciliation_id"] if done else r.get("reason") or ""))
    console = Console(width=None if sys.stdout.isatty() else 200)  # no wrapping when piped
    console.print(table)
    console.print(escape(totals_line(matrix, "en")))  # the terminal's table is English, as the CLI
