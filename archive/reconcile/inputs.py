"""The annual report to reconcile: a file the auditor gives, else the one the crawl archived — or the
claims themselves, as an auditor corrected them (`xxgk claims FILE --json`, edited).

Every path ends in the same call: reconcile the claims against the archive and store the result with
its provenance (source, sha256, the archived document and capture, or the claims file).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..annual_report import read_annual_report
from ..claims import extract_claims, read_report
from .claims_file import read_claims_file
from .store import reconcile


def agency_hosts(agency: Any) -> list[str] | None:
    return [agency.host] if getattr(agency, "host", "") else None


def reconcile_report_file(db: Database, agency: Any, year: int, report_file: Path) -> dict[str, Any]:
    """Reconcile the claims of an annual report file (txt, html, pdf, docx); ReportReadError when unreadable."""
    text, html = read_report(report_file)
    sha = hashlib.sha256(report_file.read_bytes()).hexdigest()
    extracted = extract_claims(text, html, agency_hosts=agency_hosts(agency))
    return reconcile(db, agency, year, extracted, annual_report_source=f"file {report_file}", annual_report_sha256=sha,
                     report_meta={"file": str(report_file)})


def reconcile_archived_report(db: Database, agency: Any, year: int, warc_dir: Path) -> dict[str, Any]:
    """Reconcile the year-Y annual report found in the archive; AnnualReportError when there is none."""
    rep = read_annual_report(db, agency, year, warc_dir)
    extracted = extract_claims(rep.text, rep.html, agency_hosts=agency_hosts(agency))
    extracted["notes"] = list(extracted.get("notes") or []) + [f"report read from the archive: {n}" for n in rep.notes]
    return reconcile(db, agency, year, extracted, annual_report_source=rep.source, annual_report_sha256=rep.sha256,
                     annual_report_document_id=rep.document_id,
                     report_meta={"title": rep.title, "capture_id": rep.capture_id, "channel": rep.channel,
                                  "canonical_url": rep.canonical_url, "published_date": rep.published_date})


def reconcile_claims_file(db: Database, agency: Any, year: int, claims_file: Path) -> dict[str, Any]:
    """Reconcile claims an auditor supplied (ClaimsFileError, with one line per problem, when unusable)."""
    extracted, sha = read_claims_file(claims_file)
    meta = {"file": str(claims_file), "sha256": sha, "claims": len(extracted["claims"])}
    if isinstance(extracted.get("source"), dict):  # what `xxgk claims --json` read the claims from
        meta["extracted_from"] = extracted["source"]
    extracted["notes"] = [f"claims supplied in {claims_file} (sha256 {sha}), not extracted by this reconciliation",
                          *(extracted.get("notes") or [])]
    return reconcile(db, agency, year, extracted, annual_report_source=f"claims file {claims_file}",
                     annual_report_sha256=sha, report_meta={"claims_file": str(claims_file)}, claims_meta=meta)
