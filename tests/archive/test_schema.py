"""Migrations carry an existing archive forward without losing a row."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from archive.schema import migrations, open_db


def test_m005_names_the_annual_report_in_stored_reconciliations(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m005_annual_report_names")
    old["reconciliations"].insert({"id": "rec-1", "agency": "a", "year": 2024, "report_source": "file r.txt",
                                   "report_sha256": "ab" * 32, "report_document_id": "a/catalog/1",
                                   "summary": json.dumps({"report": {"year": 2024, "capture_id": "cap-1"},
                                                          "claims": 3})})
    old.close()
    db = open_db(path)
    row = next(db.query("select * from reconciliations"))
    assert (row["annual_report_source"], row["annual_report_sha256"], row["annual_report_document_id"]) == (
        "file r.txt", "ab" * 32, "a/catalog/1")
    assert "report_source" not in db["reconciliations"].columns_dict
    assert json.loads(row["summary"]) == {"annual_report": {"year": 2024, "capture_id": "cap-1"}, "claims": 3}
