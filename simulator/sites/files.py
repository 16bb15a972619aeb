"""Attachment files: `/attachment/{aid//1e6}/{aid//1e3}/{aid}/{post_id}.{ext}` (reference gkmlpt.md §2).

Served at the host root and under a site-code prefix (`/{site_code}/attachment/…`), both seen live.
Every attachment is a small but valid file built by hand, deterministic per attachment:

- PDF: one A4 page; the attachment name in the predefined Adobe CJK font STSong-Light
  (UniGB-UCS2-H, not embedded, so text extraction works without a font file) plus an ASCII line.
- DOCX: the minimal OPC package (content types, relationships, document.xml) zipped with
  fixed timestamps; the first paragraph is the attachment name.
- XLS: a BIFF8 workbook stream inside an OLE2 compound file (one FAT sector, no mini stream:
  the stream is padded to 4096 bytes as xlwt does), one sheet with a header row and numbers.

Guess (the real servers are plain static file servers): the Content-Disposition header with an
RFC 5987 `filename*` is our choice; real NFCMS hosts may send none.
"""

from __future__ import annotations

import io
import re
import struct
import weakref
import zipfile
from datetime import datetime, time
from typing import Any
from urllib.parse import quote

from ..http import SimRequest, SimResponse, SimState
from ..world import SHANGHAI, Attachment, CatalogDoc, WebArticle, World, rng_for

_PATH = re.compile(r"^(?:/([A-Za-z0-9_-]+))?(/attachment/\d+/\d+/\d+/\d+\.[a-z0-9]+)$")

# Built files per world, keyed by attachment id (the bytes never depend on the clock).
_FILES: weakref.WeakKeyDictionary[World, dict[int, bytes]] = weakref.WeakKeyDictionary()


def handle(req: SimRequest, state: SimState) -> SimResponse | None:
    m = _PATH.match(req.path)
    if not m:
        return None
    prefix, path = m.group(1), m.group(2)
    world = state.world
    att = world.attachment_by_path.get(path)
    if att is None:
        return SimResponse.not_found()
    owner = owner_of(att, world)
    if owner is None:
        return SimResponse.not_found()
    agency = world.agency_by_id[owner.agency_id]
    if req.host not in (agency.host, agency.web_host) or (prefix is not None and prefix not in (agency.site_code,
                                                                                               agency.web_code)):
        return SimResponse.not_found()
    today = state.today
    if not owner.visible(today) or (att.added_on is not None and att.added_on > today):
        return SimResponse.not_found()
    body = file_bytes(att, world)
    fallback = f"{att.post_id}.{att.ext}"
    headers = {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(att.name)}",
               "Accept-Ranges": "bytes"}
    modified = (datetime.combine(att.added_on, time(9, 0), SHANGHAI) if att.added_on is not None
                else owner.published)
    return SimResponse(status=200, body=body, content_type=att.mime, headers=headers,
                       cacheable=True, last_modified=modified)


def owner_of(att: Attachment, world: World) -> CatalogDoc | WebArticle | None:
    """The catalog document or website article an attachment belongs to."""
    doc = world.doc_by_id.get(att.post_id)
    if doc is not None and any(a is att for a in doc.attachments):
        return doc
    art = world.article_by_id.get(att.post_id)
    if art is not None and any(a is att for a in art.attachments):
        return art
    return None


def file_bytes(att: Attachment, world: World) -> bytes:
    """The bytes of an attachment file (cached per world)."""
    cache = _FILES.setdefault(world, {})
    body = cache.get(att.aid)
    if body is None:
        owner = owner_of(att, world)
        when = owner.published if owner is not None else datetime(2020, 1, 1, tzinfo=SHANGHAI)
        title = owner.title if owner is not None else att.name
        builder = {"pdf": _pdf, "docx": _docx, "xls": _xls}[att.ext]
        body = builder(att, title, when, world.seed)
        cache[att.aid] = body
    return body


# ---------------------------------------------------------------- PDF


def _pdf_text(text: str) -> str:
    """A UCS-2 big-endian hex string for the UniGB-UCS2-H CMap (BMP characters only)."""
    return "<" + "".join(f"{ord(c):04X}" for c in text if ord(c) < 0x10000) + ">"


def _pdf(att: Attachment, title: str, when: datetime, seed: Any) -> bytes:
    ascii_line = f"Attachment {att.aid} / post {att.post_id} / {when:%Y-%m-%d}"
    content = (f"BT /F2 14 Tf 72 770 Td {_pdf_text(att.name.rsplit('.', 1)[0])} Tj ET\n"
               f"BT /F2 11 Tf 72 740 Td {_pdf_text(title[:36])} Tj ET\n"
               f"BT /F1 10 Tf 72 712 Td ({ascii_line}) Tj ET\n").encode("ascii")
    stamp = when.strftime("D:%Y%m%d%H%M%S+08'00'")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        f"<< /Producer (NFCMS) /CreationDate ({stamp}) /ModDate ({stamp}) >>".encode("ascii"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    file_id = rng_for(seed, "pdf-id", att.aid).getrandbits(128).to_bytes(16, "big").hex()
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, len(objects), file_id.encode(), file_id.encode(), xref))
    return out.getvalue()


# ---------------------------------------------------------------- DOCX

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '</Relationships>')


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _docx(att: Attachment, title: str, when: datetime, seed: Any) -> bytes:
    rng = rng_for(seed, "docx", att.aid)
    lines = [att.name, title, f"{when:%Y年%m月%d日}"]
    lines += [f"{k + 1}. 项目{rng.randint(1, 99):02d}：{rng.randint(1000, 99999)}元" for k in range(rng.randint(2, 5))]
    paras = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_xml_escape(t)}</w:t></w:r></w:p>' for t in lines)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body>{paras}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    iso = when.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_xml_escape(att.name)}</dc:title>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created></cp:coreProperties>')
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("docProps/core.xml", core), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=stamp)  # fixed timestamps: same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))
    return out.getvalue()


# ---------------------------------------------------------------- XLS (BIFF8 in OLE2)


def _rec(rtype: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _xl_str16(text: str) -> bytes:
    """XLUnicodeString with a 16-bit length, stored as UTF-16LE (fHighByte=1)."""
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _xl_str8(text: str) -> bytes:
    return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


def _biff_workbook(sheet_name: str, rows: list[list[str | float]]) -> bytes:
    strings: list[str] = []
    index: dict[str, int] = {}
    for row in rows:
        for v in row:
            if isinstance(v, str) and v not in index:
                index[v] = len(strings)
                strings.append(v)
    n_refs = sum(isinstance(v, str) for row in rows for v in row)

    # Sheet substream (its offset goes into BOUNDSHEET).
    cells = b""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str):
                cells += _rec(0x00FD, struct.pack("<HHHI", r, c, 15, index[v]))  # LABELSST
            else:
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))  # NUMBER
    ncols = max(len(row) for row in rows)
    sheet = (_rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
             + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))  # DIMENSIONS
             + cells
             + _rec(0x023E, struct.pack("<HHHHHHHI", 0x06B6, 0, 0, 0x40, 0, 0, 0, 0))  # WINDOW2
             + _rec(0x000A))  # EOF

    fonts = b"".join(_rec(0x0031, struct.pack("<HHHHHBBBB", 220, 0, 0x7FFF, 400, 0, 0, 0, 0x86, 0) + _xl_str8("宋体"))
                     for _ in range(5))
    style_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    cell_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    xfs = b"".join(_rec(0x00E0, style_xf) for _ in range(15)) + _rec(0x00E0, cell_xf)
    sst = struct.pack("<II", n_refs, len(strings)) + b"".join(_xl_str16(s) for s in strings)

    def globals_part(sheet_offset: int) -> bytes:
        return (_rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))  # BOF
                + _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
                + _rec(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x3A00, 0x2000, 0x38, 0, 0, 1, 0x258))  # WINDOW1
                + _rec(0x0022, struct.pack("<H", 0))  # DATEMODE 1900
                + fonts + xfs
                + _rec(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))  # STYLE: Normal
                + _rec(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + _xl_str8(sheet_name))  # BOUNDSHEET
                + _rec(0x00FC, sst)  # SST
                + _rec(0x000A))  # EOF

    head = globals_part(0)
    return globals_part(len(head)) + sheet


def _ole2(stream_name: str, data: bytes) -> bytes:
    """A version-3 compound file holding one stream (>= 4096 bytes, so no mini stream)."""
    if len(data) < 4096:
        data += b"\x00" * (4096 - len(data))
    sec = 512
    n_data = -(-len(data) // sec)
    if n_data + 2 > 128:
        raise ValueError("stream too large for the single-FAT-sector writer")
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    dir_sector = 1 + n_data
    fat = [fatsect] + [i + 2 for i in range(n_data - 1)] + [end] + [end]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)

    def entry(name: str, etype: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), etype, 1 if name else 0)
                + struct.pack("<III", nostream, nostream, child) + b"\x00" * 16 + struct.pack("<I", 0)
                + b"\x00" * 16 + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, nostream, 1, len(data))
                 + entry("", 0, nostream, 0, 0) * 2)
    body = data.ljust(n_data * sec, b"\x00")
    return header + struct.pack("<128I", *fat) + body + directory


def _xls(att: Attachment, title: str, when: datetime, seed: Any) -> bytes:
    rng = rng_for(seed, "xls", att.aid)
    rows: list[list[str | float]] = [["序号", "项目", "金额（万元）", "占比（%）"]]
    items = ["基本支出", "项目支出", "人员经费", "公用经费", "教育附加", "专项资金", "基建支出"]
    for k in range(rng.randint(3, 6)):
        rows.append([float(k + 1), items[k], round(rng.uniform(10, 5000), 2), round(rng.uniform(0, 100), 1)])
    rows.append(["", att.name, float(when.year), ""])
    return _ole2("Workbook", _biff_workbook("Sheet1", rows))
