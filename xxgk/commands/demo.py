"""`xxgk demo`: the whole product on the embedded default, from one command.

Starts the kaiping-2024 simulator, crawls the three channels into a fresh archive (each crawl in
its own process, progress shown), reconciles the 2024 annual report found in the archive, writes
the HTML audit report, and serves the archive in Datasette, printing the URLs to open.

The WeChat listers need credentials; the demo gives the simulator obviously fake ones through the
crawl processes' environment (never a file), exactly as an operator would give real ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click

from simulator.testing import start_simulator
from xxgk.options import DEFAULT_SCENARIO, DEFAULT_SERVE_PORT, xxgk_command

DEMO_CREDENTIALS = {
    "WECHAT_MP_COOKIE": "slave_sid=demo-not-a-secret; bizuin=3911122233", "WECHAT_MP_TOKEN": "20240101",
    "WECHAT_UIN": "demo-uin", "WECHAT_KEY": "demo-key-not-a-secret", "WECHAT_PASS_TICKET": "demo-pass-ticket",
    "WEREAD_COOKIE": "wr_vid=demo-vid; wr_skey=demo-skey", "WECHAT_WAP_SID2": "demo-wap-sid2",
}
FEED = "http://wewe-rss.localhost/feeds/MP_WXS_3094172651.atom?limit=1000"


def step(title: str) -> None:
    click.secho(f"\n== {title}", bold=True)


def run(cmd: list[str], env: dict[str, str] | None = None, check: bool = True) -> int:
    # The demo is the built-in kaiping-edu on the simulator: a user's XXGK_REGISTRY folders play no part.
    base = {k: v for k, v in os.environ.items() if k != "XXGK_REGISTRY"}
    code = subprocess.call(cmd, env={**base, **(env or {})})
    if check and code not in (0, 3):
        raise click.ClickException(f"step failed (exit {code}): {' '.join(cmd)}")
    return code


@click.command("demo")
@click.option("--dir", "folder", default="data/demo", show_default=True, help="Where the demo archive goes (recreated).")
@click.option("--port", default=DEFAULT_SERVE_PORT, show_default=True, type=int, help="Datasette port.")
@click.option("--year", default=2024, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Stop after writing the report (for scripted use).")
def demo(folder: str, port: int, year: int, no_serve: bool) -> None:
    """Simulator → crawl all channels → reconcile → HTML report → Datasette, in one command."""
    xxgk = xxgk_command()
    out = Path(folder)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db = out / "archive.sqlite"
    report = out / f"report-kaiping-edu-{year}.html"
    step("Starting the kaiping-2024 simulator (offline replica of gkmlpt, the bureau website and WeChat)")
    with start_simulator(DEFAULT_SCENARIO) as sim:
        click.echo(f"simulator: {sim.url}/")
        for channel in ("catalog", "website", "wechat"):
            step(f"Crawling the {channel} channel")
            extra = ["-s", f"XXGK_WECHAT_FEEDS={FEED}"] if channel == "wechat" else []
            run([*xxgk, "crawl", "--agency", "kaiping-edu", "--channel", channel, "--simulator", sim.url,
                 "--db", str(db), "--log-level", "WARNING", *extra], env=DEMO_CREDENTIALS if channel == "wechat" else None)
        step(f"Reconciling the {year} annual report found in the archive")
        run([*xxgk, "reconcile", "--agency", "kaiping-edu", "--year", str(year), "--db", str(db)])
        step("Writing the auditor's report")
        run([*xxgk, "report", "--agency", "kaiping-edu", "--year", str(year), "--format", "html", "--out", str(report),
             "--db", str(db)])
        run([*xxgk, "verify", "--db", str(db)], check=False)
    click.secho(f"\nHTML report: {report.resolve()}", fg="green")
    if no_serve:
        return
    serve_archive(xxgk, db, port, report)


def serve_archive(xxgk: list[str], db: Path, port: int, report: Path) -> None:
    base = f"http://127.0.0.1:{port}"
    step("Serving the archive in Datasette (Ctrl-C to stop)")
    click.secho(
        f"Open:\n  archive    {base}/\n  search     {base}/archive/search?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80\n"
        f"  dashboard  {base}/-/xxgk/dashboard\n  documents  {base}/archive/documents\n"
        f"  report     file://{report.resolve()}\n", fg="green")
    proc = subprocess.Popen([*xxgk, "serve", "--db", str(db), "--port", str(port)])
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
