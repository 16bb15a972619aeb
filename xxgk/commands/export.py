"""`xxgk export wacz`: an agency's evidence as one WACZ file (archive/wacz.py) for web-archive players.

Exit statuses: 0 written; 2 bad input (no archive, no captures of that agency or year, a WARC record missing).
"""

from __future__ import annotations

from pathlib import Path

import click

from xxgk.options import db_option, fail, open_archive, resolve_db, warc_dir_for, warc_dir_option


@click.group("export")
def export() -> None:
    """Export evidence from the archive."""


@export.command("wacz")
@click.option("--agency", "agency_id", required=True, help="Agency id (as recorded in the archive).")
@click.option("--year", type=int, default=None,
              help="Only the documents published in this year (Asia/Shanghai), their captures and the annual report.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The .wacz file (default: AGENCY[-YEAR].wacz in the current folder).")
@db_option()
@warc_dir_option
def wacz(agency_id: str, year: int | None, out: Path | None, db_path: str, warc_dir: Path | None) -> None:
    """Write a WACZ 1.1.1 bundle (WARC records, CDXJ index, pages, the reconciliations) that ReplayWeb.page opens."""
    from archive import wacz as bundle

    db_path = resolve_db("export", db_path)
    out = out or Path(f"{agency_id}{'-' + str(year) if year else ''}.wacz")
    if out.suffix != ".wacz":
        fail("export", f"{out}: a WACZ file must end in .wacz")
    db = open_archive("export", db_path, write=False)
    try:
        stats = bundle.write_wacz(db, warc_dir_for(db_path, warc_dir), agency_id, out, year=year,
                                  software="xxgk-archive/0.1")
    except bundle.WaczError as exc:
        fail("export", str(exc))
    finally:
        db.close()
    click.echo(f"wrote {stats['path']} ({stats['bytes']:,} bytes): {stats['captures']} captures, {stats['pages']} "
               f"pages, reconciliations: {', '.join(stats['reconciliations']) or 'none'}", err=True)
