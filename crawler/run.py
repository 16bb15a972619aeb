"""One crawl of one agency's channel in this process: its Scrapy settings and the run itself.

The caller (the `xxgk crawl` command) parses the command line, loads the `Agency` from the registry
and holds the archive's lock; this module only turns those values into settings and runs Scrapy.
A Twisted reactor cannot restart, so `run_crawl` may be called once per process.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from .policy import allowed_hosts

SPIDERS = {"catalog": "crawler.spiders.gkmlpt.GkmlptSpider", "website": "crawler.spiders.website.WebsiteSpider",
           "wechat": "crawler.spiders.wechat.WechatSpider"}
# Registry politeness keys → Scrapy settings (applied to real hosts only; the simulator profile has none).
POLITENESS = {"download_delay": "DOWNLOAD_DELAY", "concurrent_per_host": "CONCURRENT_REQUESTS_PER_DOMAIN",
              "autothrottle_max_delay": "AUTOTHROTTLE_MAX_DELAY", "obey_robots": "ROBOTSTXT_OBEY",
              "download_timeout": "DOWNLOAD_TIMEOUT"}


def crawl_settings(agency: Any, channel: str, db: str | Path, warc_dir: str | Path, simulator: str | None = None,
                   full_refresh: bool = False, overrides: dict[str, str] | None = None,
                   log_level: str = "INFO") -> Any:
    """The Scrapy settings of one crawl: the project's defaults (`crawler/settings.py`), the agency's
    politeness (real hosts) or the simulator profile, then the caller's overrides."""
    from scrapy.settings import Settings

    from . import settings as defaults

    overrides = dict(overrides or {})
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    if simulator:
        settings.setdict(defaults.SIMULATOR_PROFILE, priority="cmdline")
        settings.set("XXGK_SIMULATOR", simulator, priority="cmdline")
        # Exactly the hosts the fetch policy allows are routed; any other host is refused before routing.
        hosts = allowed_hosts(agency.raw, overrides.get("XXGK_WECHAT_FEEDS", "").split(","),
                              overrides.get("XXGK_ALLOWED_HOSTS", "").split(","))
        settings.set("XXGK_ROUTED_HOSTS", sorted(hosts), priority="cmdline")
    else:
        for key, name in POLITENESS.items():
            if key in agency.politeness:
                settings.set(name, agency.politeness[key], priority="cmdline")
    settings.set("XXGK_DB", str(db), priority="cmdline")
    settings.set("XXGK_WARC_DIR", str(warc_dir), priority="cmdline")
    settings.set("XXGK_AGENCY", agency.crawl_data, priority="cmdline")
    settings.set("XXGK_CHANNEL", channel, priority="cmdline")
    settings.set("XXGK_FULL_REFRESH", full_refresh, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    apply_overrides(settings, overrides)
    return settings


def apply_overrides(settings: Any, overrides: dict[str, str]) -> None:
    """`-s KEY=VALUE` overrides; a contact given so (`-s XXGK_CONTACT=…`) goes into the User-Agent too."""
    from .settings import user_agent

    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    if "XXGK_CONTACT" in overrides and "USER_AGENT" not in overrides:
        settings.set("USER_AGENT", user_agent(overrides["XXGK_CONTACT"].strip()), priority="cmdline")


def discovery_settings(hosts: list[str], simulator: str | None = None, overrides: dict[str, str] | None = None,
                       log_level: str = "WARNING") -> Any:
    """The Scrapy settings of one discovery crawl: the project's polite defaults (robots.txt, delays, the
    identifying User-Agent) or the simulator profile routing `hosts`. (The spider itself turns off what
    archives: `DiscoverySpider.update_settings`.)"""
    from scrapy.settings import Settings

    from . import settings as defaults

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    if simulator:
        settings.setdict(defaults.SIMULATOR_PROFILE, priority="cmdline")
        settings.set("XXGK_SIMULATOR", simulator, priority="cmdline")
        settings.set("XXGK_ROUTED_HOSTS", sorted(set(hosts)), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    apply_overrides(settings, overrides or {})
    return settings


def crawler_process(settings: Any) -> Any:
    """A CrawlerProcess for spiders handed over as classes, as every crawl here is. Its spider loader would
    otherwise import every module of SPIDER_MODULES (all channels' spiders, parsers and listers) to index names
    nobody asks for: 35 ms at each crawl's start. `scrapy crawl NAME` keeps the project's SPIDER_MODULES."""
    from scrapy.crawler import CrawlerProcess

    own = settings.copy()  # the caller's settings keep theirs
    own.set("SPIDER_MODULES", [], priority="cmdline")
    return CrawlerProcess(own)


def run_discovery(settings: Any, gkmlpt: str = "", website: str = "", columns: list[str] | None = None) -> Any:
    """Run the discovery spider to its end (once per process); its `Findings`."""
    return run_discoveries(settings, [{"gkmlpt": gkmlpt, "website": website, "columns": list(columns or [])}])[0]


def run_discoveries(settings: Any, targets: list[dict[str, Any]]) -> list[Any]:
    """Discover several agencies at once (`targets`: gkmlpt, website, columns each), one discovery spider each in
    one process (a reactor cannot restart); their `Findings`, in order."""
    from .spiders.discover import DiscoverySpider

    process = crawler_process(settings)
    crawlers = []
    for t in targets:
        crawler = process.create_crawler(DiscoverySpider)
        process.crawl(crawler, gkmlpt=t.get("gkmlpt") or "", website=t.get("website") or "",
                      columns=list(t.get("columns") or []))
        crawlers.append(crawler)
    process.start()
    return [c.spider.findings for c in crawlers]


def run_crawl(settings: Any, channel: str) -> dict[str, Any] | None:
    """Run the channel's spider to its end; the run's result (status, summary, run id), or None when the
    crawl ended before its run could be recorded. Raises `archive.session.StorageError` when the archive cannot
    take a run at all."""
    from scrapy.utils.misc import load_object

    from .extensions.runlog import open_session
    from .secrets import install_log_redaction

    process = crawler_process(settings)
    install_log_redaction()
    crawler = process.create_crawler(load_object(SPIDERS[channel]))
    # The run row first: an archive that cannot take a run (locked, full) stops here with StorageError.
    crawler.xxgk_session = open_session(settings, settings.getdict("XXGK_AGENCY"), channel)
    process.crawl(crawler)
    start(process)
    return getattr(crawler, "xxgk_result", None)


def start(process: Any) -> None:
    """Run a CrawlerProcess whose crawlers are set up. Everything built so far (Scrapy, Twisted, lxml, our
    modules: a few hundred thousand objects) lives as long as the process: frozen out of the cyclic collector,
    which otherwise walks it all on every full collection the crawl's items trigger (an unchanged 20,000-document
    re-crawl: about 12 % of its CPU). Refcounting still frees whatever of it is dropped."""
    gc.collect()
    gc.freeze()
    process.start()
