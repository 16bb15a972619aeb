"""Where the frozen real captures sit, and how tests read them: `../shared/real-pages/` beside the
repository root (on a CI clone too), read in place, never copied into the repository."""

from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
REAL = ROOT.parent / "shared" / "real-pages"


def real_path(relative: str) -> Path:
    path = REAL / relative
    assert path.is_file(), f"{path}: the real pages sit in ../shared/real-pages beside the repository root"
    return path


def real_bytes(relative: str) -> bytes:
    """A real file's bytes, gunzipped when it is stored gzip-compressed (byte-identical after gunzip)."""
    data = real_path(relative).read_bytes()
    return gzip.decompress(data) if relative.endswith(".gz") else data


def real_text(relative: str) -> str:
    return real_bytes(relative).decode("utf-8")


def every_real_file() -> list[str]:
    """Every real file but the notes (PROVENANCE.md and the .md beside pages), relative to REAL."""
    assert REAL.is_dir(), f"{REAL} not found: the real pages sit in ../shared/real-pages beside the repository root"
    return sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file() and p.suffix != ".md")
