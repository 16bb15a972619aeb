"""`xxgk agencies`: the agencies of the registry folders and their channels."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xxgk.options import json_option, registry, registry_option


@click.command("agencies")
@registry_option
@json_option
def agencies(registry_dirs: tuple[Path, ...], as_json: bool) -> None:
    """List the agencies in the registry and their channels."""
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
