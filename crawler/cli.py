"""`xxgk crawl` and `xxgk agencies`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from .registry import RegistryError, agency_ids, all_agencies, load_agency

SPIDERS = {"catalog": "crawler.spiders.gkmlpt.GkmlptSpider", "website": "crawler.spiders.website.WebsiteSpider",
           "wechat": "crawler.spiders.wechat.WechatSpider"}
EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


def build_settings(agency_id: str, channel: str, db: str, warc_dir: str | None, simulator: str | None,
                   full_refresh: bool, overrides: tuple[str, ...] = (), log_level: str = "INFO") -> Any:
    from scrapy.settings import Settings

    from . import settings as defaults

    agency = load_agency(agency_id)
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    polite = agency.politeness
    if simulator:
        settings.setdict(defaults.SIMULATOR_PROFILE, priority="cmdline")
        settings.set("XXGK_SIMULATOR", simulator, priority="cmdline")
        feeds = [f for f in (agency.raw.get("wechat") or {}).get("feeds", []) if "://" in f]
        feeds += [f for item in overrides if item.startswith("XXGK_WECHAT_FEEDS=") for f in item.split("=", 1)[1].split(",")]
        extra = {urlsplit(f).hostname for f in feeds if urlsplit(f).hostname}
        settings.set("XXGK_ROUTED_HOSTS", sorted(set(agency.hosts) | extra), priority="cmdline")
    else:
        mapping = {"download_delay": "DOWNLOAD_DELAY", "concurrent_per_host": "CONCURRENT_REQUESTS_PER_DOMAIN",
                   "autothrottle_max_delay": "AUTOTHROTTLE_MAX_DELAY", "obey_robots": "ROBOTSTXT_OBEY",
                   "download_timeout": "DOWNLOAD_TIMEOUT"}
        for key, name in mapping.items():
            if key in polite:
                settings.set(name, polite[key], priority="cmdline")
    db_path = Path(db)
    settings.set("XXGK_DB", str(db_path), priority="cmdline")
    settings.set("XXGK_WARC_DIR", warc_dir or str(db_path.parent / "warc"), priority="cmdline")
    settings.set("XXGK_AGENCY", agency.raw, priority="cmdline")
    settings.set("XXGK_CHANNEL", channel, priority="cmdline")
    settings.set("XXGK_FULL_REFRESH", full_refresh, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--set")
        settings.set(key, value, priority="cmdline")
    return settings


def print_summary(result: dict[str, Any], agency: str, channel: str) -> None:
    from rich.console import Console
    from rich.table import Table

    s = result["summary"]
    console = Console(stderr=False)
    table = Table(title=f"{agency} · {channel} · {result['status'].upper()}", caption=f"run {result['run_id']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in ("requests", "new", "changed", "unchanged", "disappeared", "reappeared", "skipped_unchanged",
                "blocked", "errors", "categories"):
        table.add_row(key.replace("_", " "), str(s.get(key, 0)))
    console.print(table)
    for gap in s.get("coverage_gaps", []):
        console.print(f"coverage gap: {gap['category']}: stated {gap['stated']}, API total {gap['api_total']}, "
                      f"listed {gap['listed']}, stopped on {gap['stop_reason']}" + (f" ({'; '.join(gap['notes'])})" if gap["notes"] else ""))
    if s.get("problem"):
        console.print(f"problem: {s['problem']}")


@click.command("crawl")
@click.option("--agency", "agency_id", required=True, help=f"Agency id from the registry ({', '.join(agency_ids())}).")
@click.option("--channel", type=click.Choice(["catalog", "website", "wechat", "all"]), default="catalog", show_default=True)
@click.option("--simulator", default=None, metavar="URL", help="Route the agency's real hosts to a running simulator.")
@click.option("--db", default="data/archive.sqlite", show_default=True, help="Archive database (created if missing).")
@click.option("--warc-dir", default=None, help="WARC folder (default: warc/ next to the database).")
@click.option("--full-refresh", is_flag=True, help="Re-read every document page (conditionally), not only changed ones.")
@click.option("--fail-on-partial", is_flag=True, help=f"Exit {EXIT_PARTIAL} when the run is partial (default: 0).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a Scrapy setting.")
@click.option("--log-level", default="INFO", show_default=True)
def crawl(agency_id: str, channel: str, simulator: str | None, db: str, warc_dir: str | None, full_refresh: bool,
          fail_on_partial: bool, as_json: bool, overrides: tuple[str, ...], log_level: str) -> None:
    """Crawl one agency's channel into the archive (one crawl per process)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.misc import load_object

    try:
        settings = build_settings(agency_id, channel, db, warc_dir, simulator, full_refresh, overrides, log_level)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    # One writer per archive: the lock `xxgk schedule` takes too (`<db>.lock`), held for the whole crawl;
    # refused with exit 75 when held (a lock handed down by a parent through XXGK_LOCK_FD is shared).
    from archive.lock import acquire_or_exit

    lock = acquire_or_exit(db, f"xxgk crawl --agency {agency_id} --channel {channel}", program="xxgk crawl")
    if channel == "all":
        # One crawl per process (a Twisted reactor cannot restart): each channel in its own subprocess.
        sys.exit(crawl_all(agency_id, simulator, db, warc_dir, full_refresh, fail_on_partial, as_json, overrides, log_level,
                           lock=lock))
    process = CrawlerProcess(settings)
    from .secrets import install_log_redaction

    install_log_redaction()
    crawler = process.create_crawler(load_object(SPIDERS[channel]))
    process.crawl(crawler)
    process.start()
    result = getattr(crawler, "xxgk_result", None)
    if result is None:
        click.echo("the crawl ended before its run could be recorded", err=True)
        sys.exit(EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_summary(result, agency_id, channel)
    if result["status"] == "failed":
        sys.exit(EXIT_FAILED)
    if result["status"] == "partial" and fail_on_partial:
        sys.exit(EXIT_PARTIAL)


def crawl_all(agency_id: str, simulator: str | None, db: str, warc_dir: str | None, full_refresh: bool,
              fail_on_partial: bool, as_json: bool, overrides: tuple[str, ...], log_level: str, lock: Any = None) -> int:
    """Crawl catalog, website and WeChat one after another; the worst exit status wins."""
    import subprocess

    worst = EXIT_OK
    for channel in SPIDERS:
        cmd = [sys.executable, "-m", "xxgk", "crawl", "--agency", agency_id, "--channel", channel, "--db", db,
               "--log-level", log_level]
        cmd += ["--simulator", simulator] if simulator else []
        cmd += ["--warc-dir", warc_dir] if warc_dir else []
        cmd += ["--full-refresh"] if full_refresh else []
        cmd += ["--fail-on-partial"] if fail_on_partial else []
        cmd += ["--json"] if as_json else []
        for item in overrides:
            cmd += ["-s", item]
        code = subprocess.call(cmd, **(lock.subprocess_kwargs() if lock is not None else {}))  # children share the lock
        worst = max(worst, code)
    return worst


@click.command("agencies")
@click.option("--json", "as_json", is_flag=True)
def agencies(as_json: bool) -> None:
    """List the agencies in the registry and their channels."""
    rows = [{"id": a.id, "name": a.name, "gkmlpt": a.gkmlpt_base, "website": a.website_base,
             "wechat": a.wechat_account, "hosts": a.hosts} for a in all_agencies()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['name']}\tgkmlpt {r['gkmlpt']}\twebsite {r['website']}\twechat 「{r['wechat']}」")


@click.command("verify")
@click.option("--db", default="data/archive.sqlite", show_default=True)
@click.option("--warc-dir", default=None, help="WARC folder (default: warc/ next to the database).")
def verify(db: str, warc_dir: str | None) -> None:
    """Re-hash every capture against its WARC record and validate every WARC file."""
    from archive.verify import iter_lines
    from archive.verify import verify as run_verify

    report = run_verify(db, warc_dir or str(Path(db).parent / "warc"))
    for line in iter_lines(report):
        click.echo(line)
    sys.exit(0 if report.ok else 1)
