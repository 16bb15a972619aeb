"""The agency registry: one YAML data file per agency under crawler/agencies/."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml


class RegistryError(ValueError):
    """An agency that is unknown or whose data file is unusable."""


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
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def hosts(self) -> list[str]:
        """Every host this agency's channels live on (what the simulator routing must cover)."""
        urls = [self.gkmlpt_base, self.search_jsonp, self.website_base]
        hosts = {urlsplit(u).hostname for u in urls if u}
        if self.wechat_account:
            hosts |= {"mp.weixin.qq.com", "weread.qq.com"}
        return sorted(h for h in hosts if h)

    def catalog_names_for(self, report_category: str) -> list[str]:
        """Catalog category names a report category may refer to (itself first)."""
        names = [report_category]
        for key, aliases in self.category_aliases.items():
            if report_category == key or report_category in aliases:
                names += [key, *aliases]
        return list(dict.fromkeys(names))


def _folder():
    return resources.files("crawler") / "agencies"


def agency_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".yaml"))


def load_agency(agency_id: str) -> Agency:
    ref = _folder() / f"{agency_id}.yaml"
    if not ref.is_file():
        raise RegistryError(f"unknown agency {agency_id!r}; known agencies: {', '.join(agency_ids()) or 'none'}")
    try:
        data = yaml.safe_load(ref.read_text(encoding="utf-8"))
        g, w = data.get("gkmlpt") or {}, data.get("website") or {}
        report = data.get("annual_report") or {}
        return Agency(
            id=data["id"], name=data["name"], host=data["host"],
            gkmlpt_base=g.get("base", ""), search_jsonp=g.get("search_jsonp", ""),
            website_base=w.get("base", ""), website_columns=tuple(w.get("columns") or ()),
            wechat_account=(data.get("wechat") or {}).get("account", ""),
            report_category=report.get("catalog_category", "政府信息公开年报"),
            report_column=report.get("website_column", ""),
            category_aliases=data.get("category_aliases") or {}, politeness=data.get("politeness") or {}, raw=data,
        )
    except (KeyError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise RegistryError(f"agency file {agency_id}.yaml is malformed: {exc!r}") from exc


def all_agencies() -> list[Agency]:
    return [load_agency(a) for a in agency_ids()]


def agency_settings(settings: Any, spider_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The agency a spider crawls: `XXGK_AGENCY` (set by `xxgk crawl`), else `-a agency=ID` as given
    to a plain `scrapy crawl`."""
    agency = settings.getdict("XXGK_AGENCY")
    if agency:
        return agency
    if spider_kwargs.get("agency"):
        return load_agency(spider_kwargs["agency"]).raw
    raise RegistryError("no agency: run `xxgk crawl --agency ID`, or `scrapy crawl SPIDER -a agency=ID`")
