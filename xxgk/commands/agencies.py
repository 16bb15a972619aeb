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
    from xxgk.commands.crawl_shared import parse_overrides

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
@click.option("--gkmlpt", "gkmlpt", default="", metavar="URL",
              help="The agency's gkmlpt catalog: its base (…/gkmlpt/) or index URL.")
@click.option("--website", default="", metavar="URL", help="The agency's website (NFCMS) home page "
              "(default: guessed from the website twin of an annual report in the catalog).")
@click.option("--wechat-account", default="", metavar="NAME", help="The WeChat account's name (as it shows).")
@click.option("--id", "agency_id", default="", metavar="ID", help="The agency's id (default: the catalog's site code).")
@click.option("--from-simulator", "from_simulator", default=None, metavar="URL",
              help="Discover every agency a running simulator serves (its catalog, website and WeChat account), "
                   "through it, one file each (instead of --gkmlpt).")
@registry_option
@simulator_option
@click.option("--force", is_flag=True, help="Replace the agency's file if it exists.")
@set_option
@json_option
@click.pass_context
def add(ctx: click.Context, gkmlpt: str, website: str, wechat_account: str, agency_id: str,
        from_simulator: str | None, registry_dirs: tuple[Path, ...], simulator: str | None, force: bool,
        overrides: tuple[str, ...], as_json: bool) -> None:
    """Discover an agency from its gkmlpt catalog (name, SID, category tree, annual report category, search
    endpoint) and website (columns, the annual report's column), and write DIR/ID.yaml with comments
    (DIR: the first --registry folder, else the first XXGK_REGISTRY folder; created if missing)."""
    if bool(gkmlpt.strip()) == bool(from_simulator):
        fail("agencies add", "give --gkmlpt URL (one agency) or --from-simulator URL (every agency of a simulator)")
    if from_simulator:
        if website or wechat_account or agency_id:
            fail("agencies add", "--from-simulator takes each agency's website, WeChat account and id from the "
                                 "simulator: give none of --website, --wechat-account, --id")
        targets = simulator_agencies(from_simulator)
        simulator = from_simulator
    else:
        targets = [{"gkmlpt": gkmlpt, "website": website.strip(), "wechat": wechat_account.strip(), "id": agency_id}]
    folder = target_folder(_folders(ctx, registry_dirs))
    for t in targets:
        t["base"] = gkmlpt_base(t["gkmlpt"])
        t["id"] = (t.get("id") or "").strip()
        chosen = t["id"] or default_id_of(t["base"])
        if not valid_id(chosen):
            fail("agencies add", f"{chosen!r} is not a usable id (lower-case letters, digits, '.', '_', '-'): give --id")
        t["path"] = folder / f"{chosen}.yaml"
        if t["path"].exists() and not force:
            fail("agencies add", f"{t['path']} exists; give --force to replace it, or another --id")
    paths = [t["path"] for t in targets]
    if len(set(paths)) != len(paths):
        fail("agencies add", "two catalogs would get the same id: " + ", ".join(sorted({p.stem for p in paths
                                                                                        if paths.count(p) > 1})))
    values = _overrides(overrides)
    _contact_warning("agencies add", simulator, values)
    from crawler.run import discovery_settings, run_discoveries

    hosts = [h for t in targets for h in (urlsplit(t["base"]).hostname,
                                          urlsplit(t["website"]).hostname if t["website"] else None) if h]
    settings = discovery_settings(hosts, simulator, values)
    findings = run_discoveries(settings, [{"gkmlpt": t["base"], "website": t["website"]} for t in targets])
    results = [write_agency_file(t, f, simulator) for t, f in zip(targets, findings, strict=True)]
    failed = [r for r in results if r.get("error")]
    if failed and not from_simulator:
        fail("agencies add", failed[0]["error"], EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(results if from_simulator else results[0], ensure_ascii=False, indent=2))
    else:
        for r in results:
            print_added(r, folder, simulator, many=bool(from_simulator))
    for r in failed:
        click.echo(f"xxgk agencies add: {r['gkmlpt']}: {r['error']}", err=True)
    if failed:
        raise SystemExit(EXIT_FAILED)


def default_id_of(base: str) -> str:
    from crawler.discovery import default_id

    return default_id(base)


def valid_id(agency_id: str) -> bool:
    from crawler.discovery import valid_id as ok

    return ok(agency_id)


def simulator_agencies(url: str) -> list[dict[str, Any]]:
    """The agencies a running simulator serves (`GET URL/_sim/agencies`), those with a catalog."""
    import urllib.error
    import urllib.request

    endpoint = url.rstrip("/") + "/_sim/agencies"
    try:
        with urllib.request.urlopen(endpoint, timeout=30) as resp:  # noqa: S310 - a simulator the user names
            listed = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        fail("agencies add", f"cannot list the simulator's agencies at {endpoint}: {exc}")
    targets = [{"gkmlpt": a["gkmlpt"], "website": a.get("website") or "", "wechat": a.get("wechat") or "",
                "simulated_id": a.get("id")} for a in listed if a.get("gkmlpt")]
    if not targets:
        fail("agencies add", f"the simulator at {url} serves no gkmlpt catalog")
    return targets


def write_agency_file(target: dict[str, Any], findings: Any, simulator: str | None) -> dict[str, Any]:
    """Turn one agency's findings into its registry file (checked to read back first); what was found, guessed
    and missing, or the error that kept the file from being written."""
    import yaml

    from crawler.discovery import DiscoveryError, propose, render_yaml
    from crawler.registry import RegistryError, agency_from_data

    path: Path = target["path"]
    head = {"gkmlpt": target["base"], **({"simulated_id": target["simulated_id"]} if target.get("simulated_id")
                                         else {})}
    try:
        proposal = propose(findings, target["id"], target["wechat"])  # the same id, said to be guessed if so
    except DiscoveryError as exc:
        return {**head, "file": None, "id": target["id"] or path.stem, "error": str(exc)}
    text = render_yaml(proposal, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), simulator or "")
    try:  # what we write must read back as this agency
        agency_from_data(yaml.safe_load(text), f"agency file {path}")
    except (RegistryError, yaml.YAMLError) as exc:
        return {**head, "file": None, "id": proposal.id,
                "error": f"the file it would write does not read back ({exc}); nothing written"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return {**head, "file": str(path), "id": proposal.id, "found": proposal.found, "guessed": proposal.guessed,
            "missing": proposal.missing, "unanswered": findings.unanswered(), "data": proposal.data}


def print_added(r: dict[str, Any], folder: Path, simulator: str | None, many: bool) -> None:
    if r.get("error"):
        return  # said on stderr
    click.echo(f"wrote {r['file']}" + (f" ({r['data'].get('name')})" if many else ""))
    if many:  # one line an agency; the file says what was guessed
        if r["missing"]:
            click.echo("  could not find: " + "; ".join(r["missing"]))
        return
    for title, lines in (("found", r["found"]), ("guessed (review these in the file)", r["guessed"]),
                         ("could not find", r["missing"])):
        if lines:
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  - {line}")
    unanswered = r["unanswered"]
    if unanswered:
        click.echo("links that did not answer (not columns): "
                   + "; ".join(f"{p or '/'} ({why.rsplit(': ', 1)[-1]})" for p, why in unanswered.items()))
    reg = f"--registry {folder}" + (f" --simulator {simulator}" if simulator else "")
    click.echo(f"next: xxgk agencies check {r['id']} {reg}\n      xxgk crawl --agency {r['id']} {reg} "
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
