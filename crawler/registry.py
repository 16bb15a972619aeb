"""The agency registry: one YAML data file per agency, in the built-in folder or in folders the user names.

Folders are searched in order: those given with `--registry DIR` (repeatable), then those of the
`XXGK_REGISTRY` environment variable (colon-separated), then the built-in `crawler/agencies/`. An
agency id found in several folders is taken from the first, so a user's file can replace a built-in one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.taxonomy import normalize as normalize_name
from crawler.taxonomy import shared as shared_taxonomy

ENV_VAR = "XXGK_REGISTRY"
_QUOTES = "“”\"'‘’「」『』《》"  # around a column name a report quotes


class RegistryError(ValueError):
    """An agency that is unknown or whose data file is unusable (the message names the file and the field)."""


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    host: str
    gkmlpt_base: str
    search_jsonp: str
    website_base: str
    website_columns: tuple[dict[str, str], ...]
    wechat_account: str
    report_category: str
    report_column: str
    category_aliases: dict[str, list[str]] = field(default_factory=dict)
    politeness: dict[str, Any] = field(default_factory=dict)
    reconcile: dict[str, str] = field(default_factory=dict)  # the file's `reconcile:` section, validated
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    source: str = field(default="", compare=False)  # the file it was read from

    @property
    def hosts(self) -> list[str]:
        """Every host this agency's channels live on (what the simulator routing must cover)."""
        urls = [self.gkmlpt_base, self.search_jsonp, self.website_base]
        hosts = {urlsplit(u).hostname for u in urls if u}
        if self.wechat_account:
            hosts |= {"mp.weixin.qq.com", "weread.qq.com"}
        return sorted(h for h in hosts if h)

    @property
    def crawl_data(self) -> dict[str, Any]:
        """The file's data with the derived fields filled in (a file may leave `host` out): what a crawl is given
        (`XXGK_AGENCY`) and what the archive records."""
        return {**self.raw, "id": self.id, "name": self.name, "host": self.host}

    @property
    def channels(self) -> list[str]:
        """The channels this agency's file configures."""
        return [c for c, on in (("catalog", self.gkmlpt_base), ("website", self.website_base),
                                ("wechat", self.wechat_account)) if on]

    def catalog_names_for(self, report_category: str) -> list[str]:
        """Catalog category names a report category may refer to (itself first): the agency's aliases of it and
        the names the shared taxonomy lists for its family (what a SQL `name in (…)` can look for)."""
        taxonomy = shared_taxonomy()
        names = [report_category]
        for key, aliases in self._alias_groups(report_category):
            names += [key, *aliases]
        for family in taxonomy.families_of(report_category):
            names += taxonomy.names_of(family)
        return list(dict.fromkeys(names))

    def match_catalog(self, report_name: str, catalog_names: Iterable[str]) -> tuple[list[str], str]:
        """The catalog category names (of `catalog_names`) a report category refers to, and how they were
        matched: by name (widths, spaces and traditional characters aside), else by this agency's
        `category_aliases`, else by the shared taxonomy's families. ([], why not) when nothing matches."""
        names = list(dict.fromkeys(catalog_names))
        want = normalize_name(report_name)
        exact = [c for c in names if normalize_name(c) == want]
        if exact:
            return exact, "by name"
        for key, aliases in self._alias_groups(report_name):
            group = {normalize_name(n) for n in (key, *aliases)}
            found = [c for c in names if normalize_name(c) in group]
            if found:
                return found, (f"by the agency's alias {key} → {', '.join(aliases)} "
                               f"(category_aliases in {self.source or 'its registry file'})")
        families, found = shared_taxonomy().same_family(report_name, names)
        label = " + ".join(families)
        if found:
            return found, (f"by the shared taxonomy famil{'y' if len(families) == 1 else 'ies'} {label} "
                           f"({report_name} → {', '.join(found)})")
        if families:
            return [], f"no catalog category by name, agency alias or the shared taxonomy family {label}"
        return [], "no catalog category by name or agency alias, and the shared taxonomy knows no family for it"

    @property
    def channel_less_reading(self) -> str:
        """Which reading decides the status of a claim that names no channel: "catalog" (the default) or "all"
        (catalog + website + WeChat together), from the file's `reconcile: {channel_less: …}`."""
        return self.reconcile.get("channel_less", "catalog")

    def match_column(self, report_name: str, column_names: Iterable[str]) -> list[str]:
        """The website column names (of `column_names`) a report's column name refers to: equal once widths,
        spaces, traditional characters, quotes and a trailing 栏目/专栏 are set aside."""

        def key(name: str) -> str:
            text = normalize_name(name).strip(_QUOTES)
            for suffix in ("栏目", "专栏"):
                if text.endswith(suffix) and len(text) > len(suffix):
                    text = text[: -len(suffix)]
            return text.strip(_QUOTES)

        want = key(report_name)
        return [n for n in dict.fromkeys(column_names) if want and key(n) == want]

    def _alias_groups(self, report_name: str) -> list[tuple[str, list[str]]]:
        want = normalize_name(report_name)
        return [(key, list(aliases)) for key, aliases in self.category_aliases.items()
                if want in {normalize_name(n) for n in (key, *aliases)}]


def _need(data: dict[str, Any], path: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
    """The value at a dotted path, checked: a missing or mistyped field names the file and the field."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value or value[part] in (None, ""):
            raise RegistryError(f"{where}: field {path!r} is missing")
        value = value[part]
    if not isinstance(value, kind):
        raise RegistryError(f"{where}: field {path!r} must be {_kind_name(kind)}, not {type(value).__name__}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({"str": "a string", "dict": "a mapping", "list": "a list"}.get(k.__name__, k.__name__)
                       for k in kinds)


def _section(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RegistryError(f"{where}: field {key!r} must be a mapping, not {type(value).__name__}")
    return value


RECONCILE_KEYS = {"channel_less": ("catalog", "all")}


def _reconcile_section(data: dict[str, Any], where: str) -> dict[str, str]:
    """`reconcile:` — how reconciliation reads this agency's report; unknown keys and values are refused."""
    section = _section(data, "reconcile", where)
    unknown = sorted(set(section) - set(RECONCILE_KEYS))
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))} in 'reconcile' "
                            f"(known: {', '.join(RECONCILE_KEYS)})")
    for key, allowed in RECONCILE_KEYS.items():
        if key in section and section[key] not in allowed:
            raise RegistryError(f"{where}: field 'reconcile.{key}' must be one of {', '.join(allowed)}, "
                                f"not {section[key]!r}")
    return {k: str(v) for k, v in section.items()}


def _url(value: str, field_name: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"{where}: field {field_name!r} must be an http(s) URL, not {value!r}")
    return value


def agency_from_data(data: Any, where: str) -> Agency:
    """An `Agency` from a registry file's parsed YAML; RegistryError names the file and the field."""
    if not isinstance(data, dict):
        raise RegistryError(f"{where}: expected a mapping of fields, not {type(data).__name__}")
    agency_id, name = _need(data, "id", where), _need(data, "name", where)
    g, w = _section(data, "gkmlpt", where), _section(data, "website", where)
    wechat, report = _section(data, "wechat", where), _section(data, "annual_report", where)
    if not (g or w or wechat):
        raise RegistryError(f"{where}: no channel configured (give at least one of 'gkmlpt', 'website', 'wechat')")
    gkmlpt_base = _url(_need(data, "gkmlpt.base", where), "gkmlpt.base", where) if g else ""
    website_base = _url(_need(data, "website.base", where), "website.base", where) if w else ""
    columns = (w.get("columns") or []) if w else []
    if not isinstance(columns, list) or not all(isinstance(c, dict) and c.get("path") for c in columns):
        raise RegistryError(f"{where}: field 'website.columns' must be a list of {{path, name}} mappings")
    aliases = data.get("category_aliases") or {}
    if not isinstance(aliases, dict) or not all(isinstance(v, list) and all(isinstance(n, str) for n in v)
                                                for v in aliases.values()):
        raise RegistryError(f"{where}: field 'category_aliases' must map a report name to a list of catalog names")
    reconcile = _reconcile_section(data, where)
    host = data.get("host") or urlsplit(gkmlpt_base or website_base).hostname or ""
    return Agency(
        id=str(agency_id), name=str(name), host=str(host),
        gkmlpt_base=gkmlpt_base, search_jsonp=str(g.get("search_jsonp") or ""),
        website_base=website_base, website_columns=tuple(columns),
        wechat_account=str(_need(data, "wechat.account", where)) if wechat else "",
        report_category=str(report.get("catalog_category") or "政府信息公开年报"),
        report_column=str(report.get("website_column") or ""),
        category_aliases=aliases, politeness=_section(data, "politeness", where), reconcile=reconcile, raw=data,
        source=where,
    )


def builtin_folder() -> Traversable:
    return resources.files("crawler") / "agencies"


def env_folders(environ: dict[str, str] | None = None) -> list[Path]:
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    return [Path(p).expanduser() for p in value.split(os.pathsep) if p.strip()]


class Registry:
    """The agencies of a list of folders (earlier folders win on a duplicate id)."""

    def __init__(self, folders: Iterable[Path | Traversable] = (), builtin: bool = True):
        self.folders: list[Path | Traversable] = [*folders] + ([builtin_folder()] if builtin else [])
        for folder in self.folders:
            if isinstance(folder, Path) and not folder.is_dir():
                raise RegistryError(f"registry folder {folder} does not exist")

    @classmethod
    def from_options(cls, folders: Iterable[str | Path] = (), environ: dict[str, str] | None = None) -> Registry:
        """`--registry` folders first, then `XXGK_REGISTRY`, then the built-in agencies."""
        given = [(Path(f).expanduser(), "--registry") for f in folders]
        given += [(f, f"{ENV_VAR}") for f in env_folders(environ)]
        for folder, origin in given:
            if not folder.is_dir():
                raise RegistryError(f"registry folder {folder} (from {origin}) does not exist")
        return cls([f for f, _ in given])

    def files(self) -> dict[str, Path | Traversable]:
        found: dict[str, Path | Traversable] = {}
        for folder in self.folders:
            for entry in sorted(folder.iterdir(), key=lambda e: e.name):
                if entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    found.setdefault(entry.name.rsplit(".", 1)[0], entry)
        return found

    def ids(self) -> list[str]:
        return sorted(self.files())

    def load(self, agency_id: str) -> Agency:
        ref = self.files().get(agency_id)
        if ref is None:
            raise RegistryError(f"unknown agency {agency_id!r}; known agencies: {', '.join(self.ids()) or 'none'} "
                                f"(registry folders: {', '.join(str(f) for f in self.folders)})")
        return read_agency_file(ref, expect_id=agency_id)

    def all(self) -> list[Agency]:
        return [self.load(a) for a in self.ids()]


def read_agency_file(ref: Path | Traversable, expect_id: str | None = None) -> Agency:
    where = f"agency file {ref}"
    try:
        data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise RegistryError(f"{where}: not valid YAML{at}: {getattr(exc, 'problem', exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{where}: cannot be read: {exc}") from exc
    agency = agency_from_data(data, where)
    if expect_id is not None and agency.id != expect_id:
        raise RegistryError(f"{where}: field 'id' is {agency.id!r}, but the file is named {expect_id!r}")
    return agency


def agency_settings(settings: Any, spider_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The agency a spider crawls: `XXGK_AGENCY` (set by `xxgk crawl`), else `-a agency=ID` as given to a
    plain `scrapy crawl` (the one entry point that reads the registry itself, from `XXGK_REGISTRY` and the
    built-in folder)."""
    agency = settings.getdict("XXGK_AGENCY")
    if agency:
        return agency
    if spider_kwargs.get("agency"):
        return Registry.from_options().load(spider_kwargs["agency"]).crawl_data
    raise RegistryError("no agency: run `xxgk crawl --agency ID`, or `scrapy crawl SPIDER -a agency=ID`")
