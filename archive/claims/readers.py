"""Read a report file (txt, html, pdf, docx) into (text, html_or_None).

The text is what claims are extracted from and what claim offsets index into; the html, when
there is one, carries real <table>s for tables 二/三/四.  PDF and DOCX tables are rendered to HTML
so they take the same path as web pages.
"""

from __future__ import annotations

import html as htmllib
import re
import zipfile
from pathlib import Path

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


def _read_docx(path: Path) -> tuple[str, str | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReportReadError(path, f"not a readable DOCX ({type(e).__name__}: {e})") from e
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


def read_report(path: str | Path) -> tuple[str, str | None]:
    """(text, html or None) for a txt, html, pdf or docx report; ReportReadError otherwise."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReportReadError(p, e.strerror or str(e)) from e
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
