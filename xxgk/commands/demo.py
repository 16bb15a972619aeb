"""`xxgk demo`: the whole product on the embedded default, from one command.

Starts the simulator of a scenario (default kaiping-2024), discovers the agency of its annual report into a
registry folder of the demo's own (`xxgk agencies add --gkmlpt … --website … --registry DIR --simulator …`,
exactly what a user does for a new agency), crawls the agency's channels into a fresh archive (each crawl in
its own process, progress shown), reconciles the annual report found in the archive, writes the HTML audit
report, and serves the archive in Datasette, printing the URLs to open.

The WeChat listers need credentials; the demo gives the simulator obviously fake ones through the
crawl processes' environment (never a file), exactly as an operator would give real ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click

from xxgk.options import DEFAULT_SCENARIO, DEFAULT_SERVE_PORT, xxgk_command

DEMO_CREDENTIALS = {
    "WECHAT_MP_COOKIE": "slave_sid=demo-not-a-secret; bizuin=3911122233", "WECHAT_MP_TOKEN": "20240101",
    "WECHAT_UIN": "demo-uin", "WECHAT_KEY": "demo-key-not-a-secret", "WECHAT_PASS_TICKET": "demo-pass-ticket",
    "WEREAD_COOKIE": "wr_vid=demo-vid; wr_skey=demo-skey", "WECHAT_WAP_SID2": "demo-wap-sid2",
}
FEED = "http://wewe-rss.localhost/feeds/{book}.atom?limit=1000"


def step(title: str) -> None:
    click.secho(f"\n== {title}", bold=True)


def run(cmd: list[str], env: dict[str, str] | None = None, check: bool = True) -> int:
    # The demo reads only its own registry folder: a user's XXGK_REGISTRY folders play no part.
    base = {k: v for k, v in os.environ.items() if k != "XXGK_REGISTRY"}
    code = subprocess.call(cmd, env={**base, **(env or {})})
    if check and code not in (0, 3):
        raise click.ClickException(f"step failed (exit {code}): {' '.join(cmd)}")
    return code


def demo_agency(scenario: str) -> dict[str, Any]:
    """What a user would type to add the scenario's audited agency: its catalog and website URLs, its WeChat
    account; and the id, name and report year the demo uses."""
    from simulator.scenario import ScenarioError, load
    from simulator.world import World

    try:
        world = World(load(scenario))
    except (ScenarioError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    report = world.scenario.get("annual_report") or {}
    agency = world.agency_by_id.get(report.get("agency")) or world.agencies[0]
    return {"id": agency.id, "name": agency.name, "year": report.get("year") or world.start_today.year - 1,
            "gkmlpt": agency.gkmlpt_base + "index" if agency.gkmlpt else "",
            "website": agency.website_base if agency.website else "",
            "wechat": agency.wechat.name if agency.wechat else "",
            "feed": FEED.format(book=agency.wechat.weread_book_id) if agency.wechat else ""}


@click.command("demo")
@click.option("--scenario", "scenario_name", default=DEFAULT_SCENARIO, show_default=True,
              help="Built-in scenario (kaiping-2024, enping-gov-2023, jiangmen-health-2024) or a scenario file.")
@click.option("--dir", "folder", default="data/demo", show_default=True, help="Where the demo archive goes (recreated).")
@click.option("--port", default=DEFAULT_SERVE_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Datasette port; when it is taken, any free port (the one used is printed).")
@click.option("--year", default=None, type=int, help="Report year (default: the scenario's annual report).")
@click.option("--no-serve", is_flag=True, help="Stop after writing the report (for scripted use).")
def demo(scenario_name: str, folder: str, port: int, year: int | None, no_serve: bool) -> None:
    """Simulator → discover the agency → crawl its channels → reconcile → HTML report → Datasette, in one command."""
    xxgk = xxgk_command()
    a = demo_agency(scenario_name)
    used = free_port(port)  # chosen first: the report's capture links point at the server the demo starts
    if port and used != port:
        click.secho(f"port {port} is in use; the demo will serve on port {used} instead", fg="yellow")
    year = year or int(a["year"])
    out = Path(folder)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db, agencies = out / "archive.sqlite", out / "agencies"
    report = out / f"report-{a['id']}-{year}.html"
    registry = ["--registry", str(agencies)]
    # Imported here: every xxgk command loads this module, and the simulator's client brings urllib (20 ms).
    from simulator.testing import start_simulator

    step(f"Starting the {scenario_name} simulator (offline replica of gkmlpt, the website and WeChat)")
    with start_simulator(scenario_name) as sim:
        click.echo(f"simulator: {sim.url}/")
        step(f"Discovering {a['name']} into {agencies}/ (xxgk agencies add)")
        add = [*xxgk, "agencies", "add", "--id", a["id"], *registry, "--simulator", sim.url]
        add += ["--gkmlpt", a["gkmlpt"]] if a["gkmlpt"] else []
        add += ["--website", a["website"]] if a["website"] else []
        add += ["--wechat-account", a["wechat"]] if a["wechat"] else []
        run(add)
        for channel in [c for c in ("catalog", "website", "wechat") if a[{"catalog": "gkmlpt"}.get(c, c)]]:
            step(f"Crawling the {channel} channel")
            extra = ["-s", f"XXGK_WECHAT_FEEDS={a['feed']}"] if channel == "wechat" else []
            run([*xxgk, "crawl", "--agency", a["id"], "--channel", channel, "--simulator", sim.url, *registry,
                 "--db", str(db), "--log-level", "WARNING", *extra], env=DEMO_CREDENTIALS if channel == "wechat" else None)
        step(f"Reconciling the {year} annual report found in the archive")
        run([*xxgk, "reconcile", "--agency", a["id"], "--year", str(year), "--db", str(db), *registry])
        step("Writing the auditor's report")
        run([*xxgk, "report", "--agency", a["id"], "--year", str(year), "--format", "html", "--out", str(report),
             "--db", str(db), "--link-base", f"http://127.0.0.1:{used}", *registry])
        run([*xxgk, "verify", "--db", str(db)], check=False)
    click.secho(f"\nHTML report: {report.resolve()}", fg="green")
    if no_serve:
        return
    serve_archive(xxgk, db, used, report, port, agency=a["id"])


def free_port(port: int, host: str = "127.0.0.1") -> int:
    """`port` when nothing listens on it, else a free port the system picks (0 is always "any free port")."""
    import socket

    for wanted in ((port, 0) if port else (0,)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, wanted))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise click.ClickException(f"no free port on {host}")


def serve_archive(xxgk: list[str], db: Path, port: int, report: Path, asked: int | None = None,
                  agency: str = "") -> None:
    used = free_port(port)  # taken meanwhile (the crawl took minutes): another free one
    if used != port or (asked and asked != port):
        click.secho(f"port {asked or port} is in use; serving on port {used} instead", fg="yellow")
    base = f"http://127.0.0.1:{used}"
    step("Serving the archive in Datasette (Ctrl-C to stop)")
    click.secho(
        f"Open:\n  archive    {base}/\n  search     {base}/archive/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80\n"
        f"  dashboard  {base}/-/xxgk/dashboard\n  documents  {base}/archive/documents\n"
        + (f"  feed       {base}/-/xxgk/feed/{agency}.atom\n" if agency else "") +
        f"  report     file://{report.resolve()}\n", fg="green")
    proc = subprocess.Popen([*xxgk, "serve", "--db", str(db), "--port", str(used)])
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
