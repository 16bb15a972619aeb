"""The nightly job's configuration: YAML keys, command-line overrides, the cron line."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from archive import health as run_health
from archive.times import utcnow
from xxgk.options import CHANNELS, DEFAULT_DB

DEFAULT_CRON = "30 2 * * *"
DEFAULT_TZ = "Asia/Shanghai"

class ConfigError(ValueError):
    pass


@dataclass
class ScheduleConfig:
    """What the nightly job does (YAML keys of the same names; see docs/scheduling.md)."""

    db: Path = Path(DEFAULT_DB)
    agencies: list[str] = field(default_factory=list)  # empty: every agency in the registry
    registry: list[Path] = field(default_factory=list)  # agency folders searched before XXGK_REGISTRY and the built-ins
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TZ
    misfire_grace_time: int = 6 * 3600  # a nightly job may still start this late (e.g. after a suspend)
    simulator: str | None = None
    report_years: list[int | str] = field(default_factory=lambda: ["previous"])
    reports_dir: Path | None = None   # default: reports/ next to the published database (else the archive)
    publish: Path | None = None       # the database Datasette serves (replaced atomically)
    publish_search: bool = True       # ignored (accepted for old files): the archive carries its search index
    health_file: Path | None = None   # default: <published stem>.health.json (else <db stem>.health.json)
    webhook_url: str | None = None    # XXGK_WEBHOOK_URL overrides it
    webhook_timeout: float = 10.0
    feeds_dir: Path | None = None     # Atom feeds written after every job (default: feeds/ beside the reports)
    feed_base_url: str | None = None  # where `xxgk serve` runs, for the feeds' links (default: the documents' URLs)
    language: str = "zh"              # of the feeds and the notifications (zh or en)
    thresholds: dict[str, float] = field(default_factory=dict)
    crawl_timeout: float = 6.5 * 3600  # the crawl's own CLOSESPIDER_TIMEOUT is 6 h
    stop_grace: float = 120.0         # after SIGTERM, before SIGKILL
    crawl_args: list[str] = field(default_factory=list)
    log_dir: Path | None = None       # default: logs/ next to the archive
    log_level: str = "INFO"

    # -------------------------------------------------------- derived

    def resolved_agencies(self) -> list[str]:
        if self.agencies:
            return list(self.agencies)
        from crawler.registry import Registry

        return Registry.from_options(self.registry).ids()

    def resolved_registry_ids(self) -> list[str]:
        """Every agency id the registry knows (its folders, XXGK_REGISTRY, the built-in ones)."""
        from crawler.registry import Registry, RegistryError

        try:
            return Registry.from_options(self.registry).ids()
        except RegistryError:
            return []

    def channels_of(self, agency: str) -> list[str]:
        """The configured channels the agency's registry file has: a crawl of a channel it lacks (an agency without
        WeChat, say) could only fail. An unknown agency or a broken file keeps them all, so its crawls say why."""
        from crawler.registry import Registry, RegistryError

        try:
            have = Registry.from_options(self.registry).load(agency).channels
        except RegistryError:
            return list(self.channels)
        return [c for c in self.channels if c in have]

    def registry_args(self) -> list[str]:
        """`--registry DIR …` for the crawl, reconcile and report subprocesses (which also inherit XXGK_REGISTRY)."""
        return [a for d in self.registry for a in ("--registry", str(d))]

    def years(self, today: datetime | None = None) -> list[int]:
        now = (today or utcnow()).astimezone(ZoneInfo(self.timezone))
        out: list[int] = []
        for y in self.report_years:
            value = {"previous": now.year - 1, "current": now.year}.get(str(y).strip().lower()) if isinstance(y, str) else y
            if value is None:
                raise ConfigError(f"report_years: {y!r} is not a year, 'previous' or 'current'")
            if int(value) not in out:
                out.append(int(value))
        return out

    def reports_folder(self) -> Path:
        if self.reports_dir:
            return self.reports_dir
        return (self.publish.parent if self.publish else self.db.parent) / "reports"

    def health_path(self) -> Path:
        if self.health_file:
            return self.health_file
        base = self.publish or self.db
        return base.with_name(base.stem + ".health.json")

    def logs_folder(self) -> Path:
        return self.log_dir or self.db.parent / "logs"

    def feeds_folder(self) -> Path:
        return self.feeds_dir or self.reports_folder().parent / "feeds"

    def notify_urls(self) -> list[str]:
        """Apprise URLs from XXGK_NOTIFY_URLS (comma- or space-separated): secrets live only in the environment."""
        raw = os.environ.get("XXGK_NOTIFY_URLS") or ""
        return [u for u in raw.replace(",", " ").split() if u]

    def webhook(self) -> str | None:
        return os.environ.get("XXGK_WEBHOOK_URL") or self.webhook_url or None

    def public(self) -> dict[str, Any]:
        """The configuration as JSON-able data (the webhook URL, which may carry a token, redacted)."""
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        out["webhook_url"] = "(set)" if self.webhook() else None
        out["notify_urls"] = f"({len(self.notify_urls())} set)" if self.notify_urls() else None
        return out


PATH_KEYS = {"db", "reports_dir", "publish", "health_file", "log_dir", "feeds_dir"}
PATH_LIST_KEYS = {"registry"}


def load_config(path: str | os.PathLike[str] | None = None, **overrides: Any) -> ScheduleConfig:
    """Read the YAML file (relative paths in it are relative to the file), then apply overrides.

    Overrides are command-line values (None or empty: not given; paths relative to the cwd).
    """
    import yaml

    data: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        p = Path(path)
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read the schedule configuration {p}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: expected a mapping of settings")
        data, base = loaded, p.resolve().parent
    known = set(ScheduleConfig.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown schedule setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in PATH_KEYS:
        if data.get(key):
            data[key] = (base / Path(os.path.expanduser(str(data[key])))).resolve()
    for key in PATH_LIST_KEYS:
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
        if data.get(key):
            data[key] = [(base / Path(os.path.expanduser(str(v)))).resolve() for v in data[key]]
    for key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        if key in PATH_LIST_KEYS:
            value = [Path(v).resolve() for v in value]
        data[key] = Path(value).resolve() if key in PATH_KEYS else value
    for key in ("agencies", "channels", "report_years", "crawl_args"):
        if isinstance(data.get(key), str | int):
            data[key] = [data[key]]
        if key in data and data[key] is not None:
            data[key] = list(data[key])
    cfg = ScheduleConfig(**{k: v for k, v in data.items() if v is not None})
    cfg.db = Path(cfg.db).resolve()
    if cfg.language not in ("zh", "en"):
        raise ConfigError(f"language: {cfg.language!r} is not zh or en")
    bad = [c for c in cfg.channels if c not in CHANNELS]
    if bad:
        raise ConfigError(f"unknown channel(s) {', '.join(bad)} (known: {', '.join(CHANNELS)})")
    try:
        ZoneInfo(cfg.timezone)
    except Exception as exc:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
        raise ConfigError(f"unknown time zone {cfg.timezone!r}") from exc
    try:
        run_health.thresholds_with(cfg.thresholds)
        parse_cron(cfg.cron, cfg.timezone)
        cfg.years()
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    try:
        cfg.resolved_agencies()
    except ValueError as exc:  # RegistryError: a missing folder or a broken agency file
        raise ConfigError(str(exc)) from exc
    if cfg.publish is not None and Path(cfg.publish).resolve() == cfg.db:
        raise ConfigError("publish must name another file than the archive database")
    return cfg


# ---------------------------------------------------------------- cron

_DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def _crontab_dow(expr: str) -> str:
    """Crontab day-of-week (0 or 7 = Sunday) → APScheduler 3.x names (its numbers start at Monday)."""
    parts: list[str] = []
    for part in expr.split(","):
        base, _, step_text = part.partition("/")
        if not any(ch.isdigit() for ch in base) and not step_text:
            parts.append(part)  # '*', 'mon', 'mon-fri': the same in both
            continue
        if any(ch.isalpha() for ch in base):
            raise ValueError(f"day of week {part!r}: mix names and numbers without steps")
        if base == "*":
            lo, hi = 0, 6
        elif "-" in base:
            lo, hi = (int(x) for x in base.split("-", 1))
        else:
            lo = hi = int(base)
            if step_text:
                hi = 6
        step = int(step_text) if step_text else 1
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi and step >= 1):
            raise ValueError(f"day of week {part!r} out of range 0-7")
        parts.extend(_DOW_NAMES[d % 7] for d in range(lo, hi + 1, step))
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return ",".join(seen)


def parse_cron(expr: str, timezone: str = DEFAULT_TZ) -> Any:
    """A CronTrigger from a crontab line: 5 fields (minute hour day month weekday), or 6 with seconds first.

    Weekday numbers follow crontab (0 and 7 = Sunday), not APScheduler 3.x (0 = Monday).
    `"*/2 * * * * *"` fires every 2 seconds (for tests).
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"cron {expr!r}: expected 5 fields (minute hour day month weekday) or 6 (seconds first)")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, dow = fields
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=_crontab_dow(dow),
                       timezone=ZoneInfo(timezone))

