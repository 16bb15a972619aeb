"""The fault suite: every simulator fault switch against a clean archive (docs/reliability.md).

One simulator of a small scenario (kaiping-2024 scaled down, so a crawl takes seconds) serves the whole
suite; every test starts from a copy of a clean archive of its channel, switches faults on, crawls, and
checks the run's status, the events and the evidence. Faults, counters and the clock are reset before each
test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.testing import RunningSimulator, start_simulator
from tests.support import built_once, crawl, small_scenario

# Credentials for the WeChat listers (test values, never real ones). The ticket has the characters real
# tickets have (+ / =), so every encoding of it is exercised; the MP cookie carries the account's own
# bizuin, a public id that must never be redacted.
WECHAT_ENV = {
    "WECHAT_MP_COOKIE": "slave_sid=U2xhdmVTaWRTZWNyZXQ+/x9==; bizuin=3094172651",
    "WECHAT_MP_TOKEN": "778899001122",
    "WECHAT_UIN": "MTIzNDU2Nzg5MA==",
    "WECHAT_KEY": "SECRETkey-faults-77665544",
    "WECHAT_PASS_TICKET": "Ab+cD/eF9gHi+jKlMnO/pQ==",
    "WECHAT_WAP_SID2": "SECRETwap-faults-556677",
    "WEREAD_COOKIE": "wr_vid=SECRETvid-445566; wr_skey=SECRETskey-998877",
}
FEED = "http://wewe-rss.localhost/feeds/MP_WXS_3094172651.atom?limit=1000"
WECHAT_ARGS = ("-s", f"XXGK_WECHAT_FEEDS={FEED}")


@pytest.fixture(scope="session")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_scenario(tmp_path_factory.mktemp("scenario") / "kaiping-faults.yaml")


@pytest.fixture(scope="session")
def fault_sim(scenario_file: Path) -> Iterator[RunningSimulator]:
    with start_simulator(str(scenario_file)) as sim:
        yield sim


@pytest.fixture
def sim(fault_sim: RunningSimulator) -> RunningSimulator:
    """The suite's simulator with no fault switched on, fresh counters and the scenario's own day."""
    fault_sim.reset("2025-03-31")
    return fault_sim


def _template(sim: RunningSimulator, folder: Path, channel: str) -> Path:
    sim.clear_faults()
    sim.set_today("2025-03-31")
    db = folder / "archive.sqlite"
    env, extra = (WECHAT_ENV, WECHAT_ARGS) if channel == "wechat" else (None, ())
    result = crawl(sim.url, db, channel, *extra, env=env)
    assert result["status"] == "ok", result["summary"]
    return folder


@pytest.fixture(scope="session")
def clean_archives(fault_sim: RunningSimulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One clean, complete archive per channel (crawled once for the whole suite and every xdist worker,
    never changed: the scenario and its simulator are the same in every worker)."""

    def build(folder: Path) -> dict[str, str]:
        return {channel: str(_template(fault_sim, folder / channel, channel)) for channel in ("catalog", "website", "wechat")}

    _, built = built_once(tmp_path_factory, "fault-suite-clean-archives", build)
    return {channel: Path(folder) for channel, folder in built.items()}


@pytest.fixture
def archive_of(clean_archives: dict[str, Path], tmp_path: Path):
    """A private copy of the clean archive of a channel (database, WAL and WARC files): its database path."""

    def copy(channel: str) -> Path:
        target = tmp_path / channel
        shutil.copytree(clean_archives[channel], target)
        return target / "archive.sqlite"

    return copy
