"""Read a report file (txt, html, pdf, docx) into (text, html_or_None).

The text is what claims are extracted from and what claim offsets index into; the html, when
there is one, carries real <table>s for tables 二/三/四.  PDF and DOCX tables are rendered to HTML
so they take the same path as web pages.

Bounded, whatever the file: only regular files are read (not /dev/zero, a FIFO or a folder), at most
`MAX_REPORT_BYTES` of them; a DOCX whose parts would inflate past `MAX_DOCX_XML_BYTES` is refused before
it is opened (a zip bomb), a PDF is read for at most `MAX_PDF_PAGES` pages, and a report whose text is
longer than `MAX_REPORT_CHARS` is refused (a real annual report is 10,000–100,000 characters). Every
failure is a `ReportReadError` with one line saying why: an empty file, a damaged DOCX, anything.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

MAX_REPORT_BYTES = 32 * 1024 * 1024  # the file as stored (PDFs with scanned pages are the largest)
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024  # a DOCX's parts once inflated
MAX_PDF_PAGES = 300
MAX_REPORT_CHARS = 500_000  # the text claims are read from

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "title", "dd", "dt", "caption",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template"}


class ReportReadError(Exception):
    """A report file that cannot be read; carries the path and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot read report {self.path}: {reason}")


def _decode(data: bytes, path: Path, hint: str | None = None) -> str:
    if b"\x00" in data[:4096]:
        raise ReportReadError(path, "binary content, not a text report")
    for enc in [e for e in (hint, "utf-8-sig", "gb18030") if e]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReportReadError(path, "text is neither UTF-8 nor GB18030")


def _sniff(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if suffix in (".html", ".htm", ".xhtml", ".shtml"):
        return "html"
    if suffix in (".pdf", ".docx", ".doc"):
        return suffix[1:]  # content did not match: reported as an error below
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head or b"<body" in head:
        return "html"
    return "txt"


def html_to_text(html: str) -> str:
    """Visible text, one block per line; table rows as 'cell | cell | …'."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    out: list[str] = []

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            if el.tail:
                out.append(re.sub(r"\s+", " ", el.tail))
            return
        if tag in _BLOCK:
            out.append("\n")
        if tag in ("td", "th"):
            out.append(" | ")
        if el.text:
            out.append(re.sub(r"\s+", " ", el.text))
        for child in el:
            walk(child)
        if tag in _BLOCK:
            out.append("\n")
        if el.tail:
            out.append(re.sub(r"\s+", " ", el.tail))

    walk(root)
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _cells_html(rows: list[list[str]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{htmllib.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{body}</table>"


def _read_pdf(path: Path) -> tuple[str, str | None]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(path) as pdf:
            texts, tables = [], []
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise ReportReadError(path, f"the PDF has {len(pdf.pages)} pages, over the {MAX_PDF_PAGES}-page limit")
            for page in pdf.pages:
                texts.append(page.extract_text() or "")
                for t in page.extract_tables() or []:
                    tables.append(_cells_html([[c or "" for c in row] for row in t]))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise ReportReadError(path, f"not a readable PDF ({type(e).__name__}: {e})") from e
    except Exception as e:  # pdfminer raises a variety of private exception types
        if type(e).__module__.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            raise ReportReadError(path, f"not a readable PDF ({type(e).__name__}: {e})") from e
        raise
    text = "\n".join(texts).strip()
    if not text:
        raise ReportReadError(path, "PDF has no text layer (a scanned image?)")
    return text, ("<html><body>" + "".join(tables) + "</body></html>") if tables else None


def _check_docx_package(path: Path) -> None:
    """Refuse a DOCX whose parts would inflate past the cap, before python-docx reads any of them (the
    sizes a zip declares are the most its reader will return, so checking them bounds the memory)."""
    try:
        with zipfile.ZipFile(path) as package:
            inflated = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReportReadError(path, f"not a readable DOCX ({type(e).__name__}: {e})") from e
    if inflated > MAX_DOCX_XML_BYTES:
        raise ReportReadError(path, f"the DOCX inflates to {inflated:,} bytes, over the {MAX_DOCX_XML_BYTES:,}-byte "
                                    "limit (a zip bomb, or not an annual report)")


def _read_docx(path: Path) -> tuple[str, str | None]:
    import docx

    _check_docx_package(path)
    try:
        return _docx_content(docx.Document(str(path)))
    except Exception as e:  # python-docx lets lxml's, zipfile's and its own errors through: all mean damaged
        if type(e).__module__.split(".")[0] in ("docx", "lxml", "zipfile") or isinstance(e, (KeyError, ValueError)):
            raise ReportReadError(path, f"not a readable DOCX ({type(e).__name__}: {e})") from e
        raise


def _docx_content(doc: Any) -> tuple[str, str | None]:
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    parts: list[str] = []
    has_table = False
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, doc).text
            lines.append(text)
            parts.append(f"<p>{htmllib.escape(text)}</p>")
        elif tag == "tbl":
            has_table = True
            table = Table(child, doc)
            rows = []
            for tr in child.tr_lst:
                # Read the XML cells: a horizontal merge is one w:tc (gridSpan); a vertical merge
                # continues in w:tc with vMerge != "restart", which we skip so it is listed once.
                cells = [_Cell(tc, table).text for tc in tr.tc_lst if tc.vMerge in (None, "restart")]
                rows.append(cells)
            lines.extend(" | ".join(r) for r in rows)
            parts.append(_cells_html(rows))
    text = "\n".join(lines)
    return text, ("<html><body>" + "".join(parts) + "</body></html>") if has_table else None


def _read_bounded(p: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_REPORT_BYTES (never reads more than one byte past it)."""
    try:
        with open(p, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise ReportReadError(p, "not a regular file")
            data = f.read(MAX_REPORT_BYTES + 1)
    except OSError as e:
        raise ReportReadError(p, e.strerror or str(e)) from e
    if len(data) > MAX_REPORT_BYTES:
        raise ReportReadError(p, f"larger than the {MAX_REPORT_BYTES // (1024 * 1024)} MB limit for a report file")
    if not data.strip():
        raise ReportReadError(p, "the file is empty")
    return data


def read_report(path: str | Path) -> tuple[str, str | None]:
    """(text, html or None) for a txt, html, pdf or docx report; ReportReadError otherwise (and for anything
    over the limits above)."""
    p = Path(path)
    text, html = _read_report(p, _read_bounded(p))
    if len(text) > MAX_REPORT_CHARS:
        raise ReportReadError(p, f"its text is {len(text):,} characters, over the {MAX_REPORT_CHARS:,}-character "
                                 "limit for an annual report")
    if not text.strip():
        raise ReportReadError(p, "no text in it")
    return text, html


def _read_report(p: Path, data: bytes) -> tuple[str, str | None]:
    kind = _sniff(p, data)
    if kind == "pdf":
        if not data.startswith(b"%PDF"):
            raise ReportReadError(p, "not a PDF (no %PDF header)")
        return _read_pdf(p)
    if kind == "docx":
        if not data.startswith(b"PK"):
            raise ReportReadError(p, "not a DOCX (not a zip package)")
        return _read_docx(p)
    if kind == "doc":
        raise ReportReadError(p, "legacy binary .doc is not supported; convert it to .docx")
    if kind == "html":
        m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
        html = _decode(data, p, m.group(1).decode() if m else None)
        return html_to_text(html), html
    return _decode(data, p), None
