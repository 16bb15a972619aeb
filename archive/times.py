"""Time conventions of the archive (DESIGN.md principle 7), in one place.

Instants are stored as UTC ISO strings ending in `Z`; calendar questions (report years, local
dates) are answered in Asia/Shanghai, a fixed +08:00 offset (China has kept no DST since 1991).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
LOCAL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """A UTC instant as stored: microseconds, `Z`."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(utcnow())


def parse_iso(ts: str | None) -> datetime | None:
    """A stored instant (`…Z` or with an offset) back to an aware datetime; None when unreadable."""
    if not ts:
        return None
    try:
        dt = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def local_date(ts: Any) -> str | None:
    """Unix seconds (int, float or digit string) → 'YYYY-MM-DD' in Asia/Shanghai; None otherwise."""
    if isinstance(ts, bool):
        return None
    if isinstance(ts, str) and ts.strip().lstrip("-").isdigit():
        ts = int(ts)
    if not isinstance(ts, int | float):
        return None
    return datetime.fromtimestamp(ts, SHANGHAI).date().isoformat()


def local_seconds(text: str) -> int | None:
    """'YYYY-MM-DD[ HH:MM[:SS]]' read as Asia/Shanghai local time → Unix seconds; None if not a date."""
    text = (text or "").strip()
    for fmt in LOCAL_FORMATS:
        try:
            return int(datetime.strptime(text[: len(fmt) + 2], fmt).replace(tzinfo=SHANGHAI).timestamp())
        except ValueError:
            continue
    return None


def to_instants(ts: int | None, local_day: str) -> tuple[str, str, int | None]:
    """(UTC ISO instant, local date, local year) from Unix seconds, else from a local YYYY-MM-DD."""
    if ts is not None:
        local = datetime.fromtimestamp(ts, SHANGHAI)
    elif (local_day or "")[:10].count("-") == 2:
        try:
            local = datetime.fromisoformat(local_day[:10]).replace(tzinfo=SHANGHAI)
        except ValueError:
            return "", "", None
    else:
        return "", "", None
    return local.astimezone(UTC).isoformat().replace("+00:00", "Z"), local.date().isoformat(), local.year


def local_text(ts: str | datetime | None, seconds: bool = False) -> str:
    """A stored UTC instant shown as Asia/Shanghai wall time ('2025-04-01 02:30'); '' when unreadable."""
    dt = parse_iso(ts) if isinstance(ts, str) or ts is None else ts
    if dt is None:
        return ""
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[Y-01-01 00:00, Y+1-01-01 00:00) in Asia/Shanghai, as aware datetimes."""
    return (datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI))


def today_local() -> date:
    return utcnow().astimezone(SHANGHAI).date()
