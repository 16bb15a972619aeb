"""`xxgk export wacz` on the crawled archive: the WACZ 1.1.1 layout players expect, every digest right, every
record the CDXJ index points at readable and the one it names, the reconciliation inside."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.support import xxgk

from .conftest import AGENCY, YEAR, Archive

REQUIRED = {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json",
            "datapackage-digest.json"}


def test_wacz_bundle_structure_digests_and_records(crawled: Archive, tmp_path: Path) -> None:
    out = tmp_path / "evidence.wacz"
    xxgk("export", "wacz", "--agency", AGENCY, "--year", str(YEAR), "--db", str(crawled.db), "--out", str(out))
    z = zipfile.ZipFile(out)
    names = set(z.namelist())
    assert REQUIRED <= names
    assert z.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED  # players read it by range

    # datapackage.json lists every other file with its sha256 and size; the digest file signs datapackage.json.
    package = json.loads(z.read("datapackage.json"))
    assert package["wacz_version"] == "1.1.1" and package["profile"] == "data-package"
    listed = {r["path"]: r for r in package["resources"]}
    assert set(listed) == names - {"datapackage.json", "datapackage-digest.json"}
    for path, res in listed.items():
        data = z.read(path)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data), path
    digest = json.loads(z.read("datapackage-digest.json"))
    assert digest["path"] == "datapackage.json"
    assert digest["hash"] == "sha256:" + hashlib.sha256(z.read("datapackage.json")).hexdigest()

    # Every CDXJ line points at a readable record of that URL and time.
    warcs = {n: z.read(n) for n in names if n.startswith("archive/")}
    lines = z.read("indexes/index.cdx").decode().splitlines()
    assert lines == sorted(lines)
    uris = []
    for line in lines:
        _key, ts, blob = line.split(" ", 2)
        entry = json.loads(blob)
        data = warcs["archive/" + entry["filename"]]
        member = data[int(entry["offset"]):int(entry["offset"]) + int(entry["length"])]
        assert gzip.decompress(member).startswith(b"WARC/1.")
        records = list(ArchiveIterator(io.BytesIO(member)))
        assert len(records) == 1
        rec = records[0]
        assert rec.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        assert rec.rec_headers.get_header("WARC-Date").replace("-", "").replace(":", "").replace("T", "")[:14] == ts
        uris.append(entry["url"])

    # The bundle holds the year's document pages with their captures, and the reconciliation of that year.
    conn = sqlite3.connect(crawled.db)
    try:
        year_caps = {r[0] for r in conn.execute(
            "select c.url from documents d join captures c on c.id = d.capture_id where d.agency = ? and d.year = ? "
            "and c.warc_file is not null and c.outcome in ('ok', 'revisit')", (AGENCY, YEAR))}
        rec_id = conn.execute("select id from reconciliations where agency = ? and year = ? order by created_at desc",
                              (AGENCY, YEAR)).fetchone()[0]
    finally:
        conn.close()
    pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    page_urls = {p["url"] for p in pages[1:]}
    assert page_urls and page_urls <= set(uris)
    assert year_caps and year_caps <= set(uris)  # every document of the year: the capture it was read from
    rec = json.loads(z.read(f"reconciliations/{rec_id}.json"))
    assert rec["agency"] == AGENCY and rec["year"] == YEAR and rec["rows"]
    evidence = {d for r in rec["rows"] for d in (r.get("document_ids") or [])}
    assert evidence  # the documents behind the numbers travel with it


def test_wacz_of_nothing_is_one_line(crawled: Archive, tmp_path: Path) -> None:
    out = xxgk("export", "wacz", "--agency", "no-such-agency", "--db", str(crawled.db), "--out",
               str(tmp_path / "x.wacz"), expect=2)
    assert out.stderr.strip() == "xxgk export: no captures of no-such-agency in the archive"
    assert not (tmp_path / "x.wacz").exists()
