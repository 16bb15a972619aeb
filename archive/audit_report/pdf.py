"""The audit report as PDF: the HTML report printed by headless Debian chromium through Playwright.

Never a downloaded browser (`playwright install` is not used): `XXGK_CHROMIUM` or /usr/bin/chromium, started
headless with a fresh profile, no background networking, no component updates. The page is loaded from a
string, so it fetches nothing (the report carries no asset); its links stay clickable in the PDF.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class PdfError(RuntimeError):
    """The PDF could not be made (no chromium, no Playwright package, the browser failed)."""


def chromium_path() -> str:
    return os.environ.get("XXGK_CHROMIUM") or "/usr/bin/chromium"


def write_pdf(html: str, out: Path, timeout_s: float = 120) -> int:
    """Print `html` to `out` (A4, backgrounds kept, the report's own @page margins); the PDF's size in bytes."""
    exe = chromium_path()
    if not Path(exe).exists():
        raise PdfError(f"no chromium at {exe} (apt-get install -y chromium fonts-wqy-zenhei, or set XXGK_CHROMIUM)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PdfError("the playwright package is not installed (pip install 'xxgk-archive[pdf]')") from exc
    profile = tempfile.mkdtemp(prefix="xxgk-pdf-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(profile, executable_path=exe, headless=True,
                                                            args=CHROMIUM_ARGS, offline=True)
            try:
                page = context.new_page()
                page.set_default_timeout(timeout_s * 1000)
                page.set_content(html, wait_until="load")
                data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                display_header_footer=True, header_template="<span></span>",
                                footer_template='<div style="font-size:8px;width:100%;text-align:center;color:#555">'
                                                '<span class="pageNumber"></span> / <span class="totalPages"></span>'
                                                "</div>")
            finally:
                context.close()
    except PlaywrightError as exc:
        raise PdfError(f"chromium could not print the report: {str(exc).splitlines()[0]}") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)
