"""Is a downloaded file whole? Pure checks of the formats agencies attach (PDF, ZIP-based DOCX/XLSX,
OLE2 DOC/XLS) and of the size the listing declared.

A file cut short by a broken transfer, a proxy or a full disk on the server still arrives as a
"complete" HTTP response when the server sends a Content-Length of what it has; only the file's own
structure (or the size the catalog's list API declared) tells. `file_problem()` says why a body is
not the whole file, or None.
"""

from __future__ import annotations

import struct

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_EOCD = b"PK\x05\x06"
FREESECT = 0xFFFFFFFF


def _pdf_problem(body: bytes) -> str | None:
    # Every PDF ends with %%EOF (possibly followed by a few bytes of line ends or junk).
    return None if b"%%EOF" in body[-2048:] else "the PDF has no %%EOF at its end"


def _zip_problem(body: bytes) -> str | None:
    # The end-of-central-directory record closes every ZIP (its comment is at most 65,535 bytes).
    at = body.rfind(ZIP_EOCD, max(0, len(body) - 65557))
    if at < 0 or len(body) - at < 22:
        return "the ZIP package (DOCX/XLSX) has no end-of-central-directory record"
    return None


def _ole_problem(body: bytes) -> str | None:
    """The sectors the OLE2 compound file's FAT says are in use must all be present."""
    if len(body) < 512:
        return "the OLE2 file (DOC/XLS) is shorter than its header"
    shift = struct.unpack_from("<H", body, 0x1E)[0]
    if not 7 <= shift <= 16:
        return "the OLE2 header is damaged"
    size = 1 << shift
    n_fat = struct.unpack_from("<I", body, 0x2C)[0]
    fat_sectors = [s for s in struct.unpack_from("<109I", body, 0x4C)[: min(n_fat, 109)] if s < 0xFFFFFFFA]
    last_used = max(fat_sectors, default=-1)
    for sector in fat_sectors:
        start = size * (sector + 1)
        chunk = body[start:start + size]
        if len(chunk) < size:
            return f"the OLE2 file is cut: its allocation table sector {sector} is missing"
        entries = struct.unpack(f"<{size // 4}I", chunk)
        base = fat_sectors.index(sector) * (size // 4)
        for i, value in enumerate(entries):
            if value != FREESECT:
                last_used = max(last_used, base + i)
    needed = size * (last_used + 2)
    if len(body) < needed:
        return f"the OLE2 file is cut: {len(body)} of the {needed} bytes its allocation table uses"
    return None


def file_problem(body: bytes, declared_size: int | None = None) -> str | None:
    """Why `body` is not a whole file, or None (formats it does not know pass unless shorter than declared)."""
    if declared_size is not None and declared_size > 0 and len(body) < declared_size:
        return f"{len(body)} of the {declared_size} bytes the listing declares"
    if body.startswith(b"%PDF"):
        return _pdf_problem(body)
    if body.startswith(b"PK\x03\x04"):
        return _zip_problem(body)
    if body.startswith(OLE_MAGIC):
        return _ole_problem(body)
    return None
