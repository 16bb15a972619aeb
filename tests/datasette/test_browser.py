"""A real browser (headless Debian chromium through Playwright) on `xxgk serve` in a subprocess.

What a person sees: the home page, a search typed into the form, the hostile document's page (its
markup shown as text, no alert), a WARC download, and the dashboard's charts. Screenshots go to
test-output/datasette/ (git-ignored). `make test` installs Debian's chromium when it is missing;
a machine without it fails this test (it is never skipped).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from simulator.testing import launched
from tests.support import XXGK

from .conftest import Archive

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = Path(__file__).resolve().parents[2] / "test-output" / "datasette"
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)/")
HOSTILE = '<script>alert("xss")</script>'


def _require(ok: bool, reason: str) -> None:
    if not ok:
        pytest.fail(reason + " (make test installs it)")


def _serve_cmd() -> list[str]:
    return [XXGK, "serve"]


@pytest.fixture(scope="module")
def server(crawled: Archive) -> Iterator[str]:
    cmd = [*_serve_cmd(), "--db", str(crawled.db), "--port", "0", "--warc-dir", str(crawled.warc_dir)]
    with launched(cmd, LISTENING, "xxgk serve") as (_, m):
        yield m.group(1)


@pytest.fixture(scope="module")
def browser_page(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, list, list]]:
    _require(Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "the playwright Python package is not installed")
        raise
    OUT.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
        page = context.new_page()

        def on_dialog(dialog: object) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(20_000)
        try:
            yield page, dialogs, errors
        finally:
            context.close()


def test_pages_as_a_person_sees_them(server: str, browser_page: tuple, crawled: Archive) -> None:
    from playwright.sync_api import expect

    page, dialogs, errors = browser_page

    # Home: title, the licence in the footer, the way in to search and the dashboard.
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("xxgk-archive")
    expect(page.get_by_role("link", name="搜索文件").first).to_be_visible()
    expect(page.locator("footer")).to_contain_text("政府信息公开条例")
    page.screenshot(path=str(OUT / "home.png"), full_page=True)

    # Search: type a 4-character word into the canned query's form and submit.
    page.goto(server + "/archive/search")
    page.locator("#param-q, input[name=q], textarea[name=q]").first.fill("招生计划")
    page.locator("form.sql input[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"q=%E6%8B%9B"))
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 36 == len(_containing(crawled.db, "招生计划"))
    expect(page.locator("table.rows-and-columns")).to_contain_text("招生计划")
    page.screenshot(path=str(OUT / "search.png"), full_page=False)

    # The documents table with its search box and facets, 2-character word.
    page.goto(server + "/archive/documents?_search=" + quote("诈骗"))
    expect(page.locator("#_search")).to_have_value("诈骗")
    expect(page.locator(".facet-info-name").first).to_be_visible()
    expect(page.locator("h3").first).to_contain_text(f"{len(_containing(crawled.db, '诈骗'))} rows")
    page.screenshot(path=str(OUT / "documents-search.png"), full_page=False)

    # The hostile document: its markup is text on the page, never an element; no alert fires.
    doc_id = _hostile(crawled.db)
    page.goto(server + "/archive/search?q=" + quote("防范网络诈骗"))
    expect(page.locator("table.rows-and-columns")).to_contain_text(HOSTILE)
    page.get_by_role("link", name=doc_id).first.click()
    page.wait_for_url(re.compile(r"/archive/documents/"))
    expect(page.locator("h1")).to_have_text(_title(crawled.db, doc_id))  # the markup, as text
    expect(page.locator("table.xxgk-fields")).to_contain_text(HOSTILE)
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script", has_text="alert").count() == 0
    for heading in ("证据", "版本（1）", "事件（1）", "附件", "采集"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.screenshot(path=str(OUT / "document-hostile.png"), full_page=True)

    # A document that changed, and the download of its WARC record.
    changed = _changed_with_attachment(crawled.db)
    page.goto(server + "/archive/documents/" + _tilde(changed))
    expect(page.get_by_role("heading", name="版本（2）")).to_be_visible()
    expect(page.locator("table.xxgk-versions")).to_contain_text("attachments")
    with page.expect_download() as info:
        page.locator("a.xxgk-warc").click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(".warc.gz")
    assert gzip.decompress(data).startswith(b"WARC/1.1")
    page.screenshot(path=str(OUT / "document-changed.png"), full_page=True)

    # The dashboard: two charts and the claims table.
    page.goto(server + "/-/xxgk/dashboard")
    expect(page.get_by_role("heading", name="年报核对仪表板")).to_be_visible()
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(2)
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 600 and box["height"] > 150
    expect(page.locator("table.xxgk")).to_contain_text("少于年报所称")
    page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)

    assert dialogs == [], dialogs
    assert errors == [], errors


def _rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _containing(db: Path, term: str) -> list[str]:
    return [r[0] for r in _rows(db, "select id, title, doc_number, publisher, body_text from documents")
            if any(term in (f or "") for f in r[1:])]


def _hostile(db: Path) -> str:
    return _rows(db, "select id from documents where title like ?", (f"%{HOSTILE}%",))[0][0]


def _title(db: Path, doc_id: str) -> str:
    return _rows(db, "select title from documents where id = ?", (doc_id,))[0][0]


def _changed_with_attachment(db: Path) -> str:
    return _rows(db, "select document_id from document_versions where changed_fields like '%attachments%' "
                     "and previous not in ('', '{}')")[0][0]


def _tilde(value: str) -> str:
    from datasette.utils import tilde_encode

    return tilde_encode(value)
