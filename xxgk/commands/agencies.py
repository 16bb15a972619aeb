"""`xxgk agencies`: the registry's agencies; `agencies add` discovers a new one from its gkmlpt catalog and
website and writes its registry file; `agencies check` re-validates a file against the live (or simulated) site.

Exit statuses: 0 done (`check`: nothing drifted); 1 `check` found drift or a channel that does not answer,
or `add` could not read the catalog; 2 bad input (unknown agency, broken file, no folder to write to, a file
that exists without --force).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from xxgk.options import (
    EXIT_FAILED,
    fail,
    json_option,
    load_agency,
    registry,
    registry_option,
    simulator_option,
)

set_option = click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
                          help="Override a Scrapy setting (e.g. XXGK_CONTACT=you@example.org, DOWNLOAD_DELAY=2).")


@click.group("agencies", invoke_without_command=True)
@registry_option
@json_option
@click.pass_context
def agencies(ctx: click.Context, registry_dirs: tuple[Path, ...], as_json: bool) -> None:
    """List the agencies in the registry and their channels (`add` discovers a new one, `check` re-validates one)."""
    ctx.obj = {"registry_dirs": registry_dirs}
    if ctx.invoked_subcommand is None:
        list_agencies(registry_dirs, as_json)


def list_agencies(registry_dirs: tuple[Path, ...], as_json: bool) -> None:
    from crawler.registry import RegistryError

    reg = registry("agencies", registry_dirs)
    rows, problems = [], []
    for agency_id in reg.ids():
        try:
            a = reg.load(agency_id)
        except RegistryError as exc:  # one broken file never hides the others
            problems.append(str(exc))
            continue
        rows.append({"id": a.id, "name": a.name, "gkmlpt": a.gkmlpt_base, "website": a.website_base,
                     "wechat": a.wechat_account, "hosts": a.hosts, "file": a.source})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['id']}\t{r['name']}\tgkmlpt {r['gkmlpt'] or '-'}\twebsite {r['website'] or '-'}\t"
                       f"wechat 「{r['wechat'] or '-'}」")
    for problem in problems:
        click.echo(f"xxgk agencies: {problem}", err=True)
    if problems:
        raise SystemExit(2)


def _folders(ctx: click.Context, registry_dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    return tuple((ctx.obj or {}).get("registry_dirs", ())) + tuple(registry_dirs)


def _overrides(items: tuple[str, ...]) -> dict[str, str]:
    from xxgk.commands.crawl import parse_overrides

    return parse_overrides(items)


def _contact_warning(command: str, simulator: str | None, overrides: dict[str, str]) -> None:
    if not simulator and not os.environ.get("XXGK_CONTACT") and "XXGK_CONTACT" not in overrides:
        click.echo(f"xxgk {command}: crawling the real sites with the project's default contact in the User-Agent; "
                   "set XXGK_CONTACT=you@example.org so their operators can reach you", err=True)


def gkmlpt_base(url: str) -> str:
    """The catalog's base URL from what a user pastes: …/gkmlpt/, …/gkmlpt, …/gkmlpt/index, …/gkmlpt/index#12."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"expected an http(s) URL, got {url!r}", param_hint="--gkmlpt")
    path = parts.path
    if "/gkmlpt" in path:
        path = path[: path.index("/gkmlpt") + len("/gkmlpt")]
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}/"


def target_folder(folders: tuple[Path, ...]) -> Path:
    """Where `add` writes: the first --registry folder, else the first XXGK_REGISTRY folder."""
    from crawler.registry import env_folders

    chosen = [*folders, *env_folders()]
    if not chosen:
        fail("agencies add", "give --registry DIR (or set XXGK_REGISTRY): the folder the new agency file goes "
                             "into; the built-in folder is part of the installed package")
    return Path(chosen[0]).expanduser()


@agencies.command("add")
@click.option("--gkmlpt", "gkmlpt", required=True, metavar="URL",
              help="The agency's gkmlpt catalog: its base (…/gkmlpt/) or index URL.")
@click.option("--website", default="", metavar="URL", help="The agency's website (NFCMS) home page "
              "(default: guessed from the website twin of an annual report in the catalog).")
@click.option("--wechat-account", default="", metavar="NAME", help="The WeChat account's name (as it shows).")
@click.option("--id", "agency_id", default="", metavar="ID", help="The agency's id (default: the catalog's site code).")
@registry_option
@simulator_option
@click.option("--force", is_flag=True, help="Replace the agency's file if it exists.")
@set_option
@json_option
@click.pass_context
def add(ctx: click.Context, gkmlpt: str, website: str, wechat_account: str, agency_id: str,
        registry_dirs: tuple[Path, ...], simulator: str | None, force: bool, overrides: tuple[str, ...],
        as_json: bool) -> None:
    """Discover an agency from its gkmlpt catalog (name, SID, category tree, annual report category, search
    endpoint) and website (columns, the annual report's column), and write DIR/ID.yaml with comments
    (DIR: the first --registry folder, else the first XXGK_REGISTRY folder; created if missing)."""
    import yaml

    from crawler.discovery import DiscoveryError, default_id, propose, render_yaml, valid_id
    from crawler.registry import RegistryError, agency_from_data
    from crawler.run import discovery_settings, run_discovery

    base = gkmlpt_base(gkmlpt)
    home = website.strip()
    given_id = agency_id.strip()
    agency_id = given_id or default_id(base)
    if not valid_id(agency_id):
        fail("agencies add", f"{agency_id!r} is not a usable id (lower-case letters, digits, '.', '_', '-'): give --id")
    folder = target_folder(_folders(ctx, registry_dirs))
    path = folder / f"{agency_id}.yaml"
    if path.exists() and not force:
        fail("agencies add", f"{path} exists; give --force to replace it, or another --id")
    values = _overrides(overrides)
    _contact_warning("agencies add", simulator, values)
    hosts = [h for h in (urlsplit(base).hostname, urlsplit(home).hostname if home else None) if h]
    settings = discovery_settings(hosts, simulator, values)
    findings = run_discovery(settings, gkmlpt=base, website=home)
    try:
        proposal = propose(findings, given_id, wechat_account.strip())  # the same id, said to be guessed if so
    except DiscoveryError as exc:
        fail("agencies add", str(exc), EXIT_FAILED)
    text = render_yaml(proposal, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), simulator or "")
    try:  # what we write must read back as this agency
        agency_from_data(yaml.safe_load(text), f"agency file {path}")
    except (RegistryError, yaml.YAMLError) as exc:
        fail("agencies add", f"the file it would write does not read back ({exc}); nothing written", EXIT_FAILED)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    unanswered = findings.unanswered()
    if as_json:
        click.echo(json.dumps({"file": str(path), "id": proposal.id, "found": proposal.found,
                               "guessed": proposal.guessed, "missing": proposal.missing,
                               "unanswered": unanswered, "data": proposal.data}, ensure_ascii=False, indent=2))
        return
    click.echo(f"wrote {path}")
    for title, lines in (("found", proposal.found), ("guessed (review these in the file)", proposal.guessed),
                         ("could not find", proposal.missing)):
        if lines:
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  - {line}")
    if unanswered:
        click.echo("links that did not answer (not columns): "
                   + "; ".join(f"{p or '/'} ({why.rsplit(': ', 1)[-1]})" for p, why in unanswered.items()))
    reg = " ".join(f"--registry {d}" for d in [folder]) + (f" --simulator {simulator}" if simulator else "")
    click.echo(f"next: xxgk agencies check {proposal.id} {reg}\n      xxgk crawl --agency {proposal.id} {reg} "
               "--channel all")


@agencies.command("check")
@click.argument("agency_id")
@registry_option
@simulator_option
@set_option
@json_option
@click.pass_context
def check(ctx: click.Context, agency_id: str, registry_dirs: tuple[Path, ...], simulator: str | None,
          overrides: tuple[str, ...], as_json: bool) -> None:
    """Re-validate an agency's file against its live (or simulated) site: the index answers, SID and category
    tree unchanged, the annual report category present, the columns answer; say what drifted."""
    from crawler.discovery import check as compare
    from crawler.run import discovery_settings, run_discovery

    agency = load_agency("agencies check", agency_id, _folders(ctx, registry_dirs))
    values = _overrides(overrides)
    _contact_warning("agencies check", simulator, values)
    columns = [str(c["path"]).strip("/") for c in agency.website_columns]
    settings = discovery_settings(agency.hosts, simulator, values)
    findings = run_discovery(settings, gkmlpt=agency.gkmlpt_base, website=agency.website_base, columns=columns)
    lines = compare(agency.raw, agency.report_category, agency.report_column, columns, findings)
    bad = [x for x in lines if x.status in ("drift", "failed")]
    if as_json:
        click.echo(json.dumps({"agency": agency.id, "file": agency.source, "ok": not bad,
                               "lines": [x.__dict__ for x in lines]}, ensure_ascii=False, indent=2))
    else:
        marks: dict[str, Any] = {"ok": "ok   ", "drift": "DRIFT", "failed": "FAIL ", "note": "note "}
        click.echo(f"{agency.id} ({agency.source})")
        for x in lines:
            click.echo(f"  {marks[x.status]} {x.what}: {x.text}")
        click.echo("no drift" if not bad else f"{len(bad)} problem(s): edit the file, or run `xxgk agencies add "
                   f"--force` to rediscover it")
    if bad:
        raise SystemExit(EXIT_FAILED)
