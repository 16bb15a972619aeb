"""Claims an auditor supplies: the JSON `xxgk claims FILE --json` prints, edited, given back to reconcile.

The file is checked against the claims contract (archive/claims): JSON, an object with a `claims` list
(or the list alone), every claim with the required keys and known kinds, channels and bounds, and
indexes (part_of, duplicate_of, category_repeat_of) that point at other claims. Every problem is
one line; ClaimsFileError carries them all. `bound` is the authority: approx and lower_bound follow it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..claims.vocab import CHANNELS

KINDS = ("published", "applications", "reads", "other")
BOUNDS = ("exact", "approx", "lower")
REQUIRED = ("kind", "channel", "category", "value", "bound")
INDEX_KEYS = {"part_of": "another claim", "duplicate_of": "an earlier claim", "category_repeat_of": "an earlier claim"}
TEXT_KEYS = ("unit", "quote", "number", "object", "channel_source")
OFFSET_KEYS = ("start", "end", "quote_start", "quote_end")


class ClaimsFileError(ValueError):
    """A claims file that cannot be used; `problems` has one line per problem."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path, self.problems = path, problems


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _names(values: tuple[Any, ...]) -> str:
    return ", ".join("null" if v is None else str(v) for v in values)


def claim_problems(i: int, c: Any, n: int) -> list[str]:
    """What is wrong with claim #i of n (empty when it is usable)."""
    where = f"claim #{i}"
    if not isinstance(c, dict):
        return [f"{where}: expected an object, not {type(c).__name__}"]
    out = []
    missing = [k for k in REQUIRED if k not in c]
    if missing:
        out.append(f"{where}: missing key(s) {', '.join(missing)} (required: {', '.join(REQUIRED)})")
    if "kind" in c and c["kind"] not in KINDS:
        out.append(f"{where}: unknown kind {c['kind']!r} (one of {_names(KINDS)})")
    if "channel" in c and c["channel"] is not None and c["channel"] not in CHANNELS:
        out.append(f"{where}: unknown channel {c['channel']!r} (one of {_names((*CHANNELS, None))})")
    if "bound" in c and c["bound"] not in BOUNDS:
        out.append(f"{where}: unknown bound {c['bound']!r} (one of {_names(BOUNDS)})")
    if "value" in c and not (isinstance(c["value"], (int, float)) and not isinstance(c["value"], bool)
                             and c["value"] >= 0):
        out.append(f"{where}: value must be a number ≥ 0, not {c['value']!r}")
    if "category" in c and c["category"] is not None and not isinstance(c["category"], str):
        out.append(f"{where}: category must be text or null, not {c['category']!r}")
    for key in TEXT_KEYS:
        if c.get(key) is not None and not isinstance(c[key], str):
            out.append(f"{where}: {key} must be text or null, not {c[key]!r}")
    for key in OFFSET_KEYS:
        if c.get(key) is not None and not (_int(c[key]) and c[key] >= 0):
            out.append(f"{where}: {key} must be an offset (an integer ≥ 0) or null, not {c[key]!r}")
    for key, what in INDEX_KEYS.items():
        j = c.get(key)
        if j is None:
            continue
        earlier = key != "part_of"
        if not _int(j) or not (0 <= j < (i if earlier else n)) or j == i:
            out.append(f"{where}: {key} must be the index of {what} (0 … {(i if earlier else n) - 1}) or null, "
                       f"not {j!r}")
    return out


def validate(data: Any) -> list[str]:
    """Every problem of a parsed claims file, one line each."""
    claims = data.get("claims") if isinstance(data, dict) else data
    if not isinstance(claims, list):
        return ["expected the JSON of `xxgk claims FILE --json` (an object with a \"claims\" list) or a list of "
                "claims"]
    out = [p for i, c in enumerate(claims) for p in claim_problems(i, c, len(claims))]
    if isinstance(data, dict) and data.get("year") is not None and not _int(data["year"]):
        out.append(f"year must be an integer or null, not {data['year']!r}")
    return out


def read_claims_file(path: Path) -> tuple[dict[str, Any], str]:
    """(the extraction to reconcile, the file's sha256); ClaimsFileError naming every problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ClaimsFileError(path, [f"cannot be read: {exc.strerror or exc}"]) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ClaimsFileError(path, [f"not UTF-8 text (byte {exc.start})"]) from exc
    except json.JSONDecodeError as exc:
        raise ClaimsFileError(path, [f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from exc
    problems = validate(data)
    if problems:
        raise ClaimsFileError(path, problems)
    extracted = dict(data) if isinstance(data, dict) else {"claims": data}
    claims = []
    for c in extracted["claims"]:
        c = dict(c)
        c.update(approx=c["bound"] != "exact", lower_bound=c["bound"] == "lower")  # the bound decides
        claims.append(c)
    extracted["claims"] = claims
    return extracted, hashlib.sha256(raw).hexdigest()
