"""Claims an auditor corrects: `xxgk claims FILE --json`, edit, `xxgk reconcile --claims FILE`; and the files it
refuses, one line per problem."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.i18n import t
from xxgk.cli import main

from .builders import AGENCY, Archive

REPORT = ("一、总体情况\n（一）主动公开情况\n2024年，我局通过政府信息公开目录主动公开政府信息16条，其中组织机构5条，"
          "部门文件8条，政务动态3条。通过“开平教育”微信公众号发布信息3条。\n")


def xxgk(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"XXGK_REGISTRY": ""})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def arch(tmp_path: Path) -> Archive:
    a = Archive(tmp_path)
    a.listed((1801, "组织机构"), (1811, "部门文件"), (1805, "政务动态"))
    for native, n in ((1801, 5), (1811, 8), (1805, 3)):
        for i in range(n):
            a.doc("catalog", native * 100 + i, "2024-03-01", category_id=native)
    return a


def reconcile_claims(arch: Archive, path: Path, *extra: str) -> tuple[int, str, str]:
    return xxgk("reconcile", "--agency", AGENCY, "--year", "2024", "--db", str(arch.path), "--claims", str(path), *extra)


def test_extract_edit_and_reconcile_the_corrected_claims(arch, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    code, out, err = xxgk("claims", str(report), "--json")
    assert code == 0, err
    extracted = json.loads(out)
    assert extracted["source"] == {"file": str(report), "sha256": hashlib.sha256(report.read_bytes()).hexdigest()}
    news = next(i for i, c in enumerate(extracted["claims"]) if c["category"] == "政务动态")
    assert extracted["claims"][news]["value"] == 3
    extracted["claims"][news]["value"] = 4  # the auditor reads the scanned original: 4, not 3
    edited = tmp_path / "claims.json"
    edited.write_text(json.dumps(extracted, ensure_ascii=False), encoding="utf-8")

    code, out, err = reconcile_claims(arch, edited, "--json")
    assert code == 0, err
    rec = json.loads(out)
    sha = hashlib.sha256(edited.read_bytes()).hexdigest()
    assert rec["annual_report_source"] == f"claims file {edited}" and rec["annual_report_sha256"] == sha
    supplied = rec["summary"]["claims_supplied"]
    assert supplied["sha256"] == sha and supplied["extracted_from"]["file"] == str(report)
    assert rec["notes"][0].startswith(f"claims supplied in {edited} (sha256 {sha})")
    row = next(r for r in rec["rows"] if r["category"] == "政务动态")
    assert (row["claimed"], row["observed"], row["status"], row["delta"]) == (4, 3, "fewer_found", -1)
    total = next(r for r in rec["rows"] if r["channel"] == "catalog" and r["category"] is None)
    assert total["status"] == "match" and row["part_of"] == total["claim_index"]
    # the table names the file and its digest; the audit report says the claims were supplied
    code, out, _ = reconcile_claims(arch, edited)
    assert code == 0 and f"claims file {edited}" in out and sha in out
    code, md, _ = xxgk("report", "--agency", AGENCY, "--year", "2024", "--db", str(arch.path), "--format", "md")
    assert code == 0 and t("m.supplied", "zh") in md and sha in md  # the report is Chinese by default


BAD = {
    "not-json": ("{\"claims\": [", ["not valid JSON: Expecting value at line 1 column 13"]),
    "not-claims": ("{\"year\": 2024}", ["expected the JSON of `xxgk claims FILE --json` (an object with a \"claims\" "
                                        "list) or a list of claims"]),
    "bad-claims": (json.dumps({"year": "2024", "claims": [
        {"kind": "published", "channel": "wexin", "category": None, "value": 3, "bound": "exact"},
        {"kind": "posted", "channel": None, "category": None, "value": "457", "bound": "about"},
        {"kind": "published", "channel": "catalog", "value": 3},
        {"kind": "published", "channel": "catalog", "category": 7, "value": 1, "bound": "lower", "duplicate_of": 3,
         "part_of": 0, "quote_start": -1},
        "457条",
    ]}), [
        "claim #0: unknown channel 'wexin' (one of catalog, website, wechat, weibo, key_areas, other, null)",
        "claim #1: unknown kind 'posted' (one of published, applications, reads, other)",
        "claim #1: unknown bound 'about' (one of exact, approx, lower)",
        "claim #1: value must be a number ≥ 0, not '457'",
        "claim #2: missing key(s) category, bound (required: kind, channel, category, value, bound)",
        "claim #3: category must be text or null, not 7",
        "claim #3: quote_start must be an offset (an integer ≥ 0) or null, not -1",
        "claim #3: duplicate_of must be the index of an earlier claim (0 … 2) or null, not 3",
        "claim #4: expected an object, not str",
        "year must be an integer or null, not '2024'",
    ]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_claims_file_is_refused_with_one_line_per_problem(arch, tmp_path, case):
    text, problems = BAD[case]
    path = tmp_path / f"{case}.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = reconcile_claims(arch, path)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"xxgk reconcile: {path}: {p}" for p in problems]
    assert arch.db["reconciliations"].count == 0  # nothing stored


def test_a_list_of_claims_alone_is_enough(arch, tmp_path):
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([{"kind": "published", "channel": "catalog", "category": "组织机构", "value": 4,
                                 "bound": "lower"}]), encoding="utf-8")
    code, out, err = reconcile_claims(arch, path, "--json")
    assert code == 0, err
    (row,) = json.loads(out)["rows"]
    assert (row["bound"], row["status"], row["approx"]) == ("lower", "match", True)


def test_claims_and_report_are_mutually_exclusive(arch, tmp_path):
    code, _, err = reconcile_claims(arch, tmp_path / "claims.json", "--report", str(tmp_path / "report.txt"))
    assert code == 2 and err.strip() == ("xxgk reconcile: --claims and --report are mutually exclusive: give the "
                                         "report, or the claims read from it")
    code, _, err = reconcile_claims(arch, tmp_path / "missing.json")
    assert code == 2 and err.startswith(f"xxgk reconcile: {tmp_path / 'missing.json'}: cannot be read")
