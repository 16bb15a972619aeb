"""The simulator over real loopback HTTP: routing modes, admin endpoints, generic faults, caching."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.testing import RunningSimulator, start_simulator
from simulator.world import World

HOST = "www.kaiping.gov.cn"
API = "/jmkpsjyj/gkmlpt/api/all/1805?page=1&sid=750118"


@pytest.fixture(scope="module")
def served() -> Iterator[RunningSimulator]:
    with start_simulator("kaiping-2024") as sim:
        yield sim


@pytest.fixture
def simulator(served: RunningSimulator, world: World) -> RunningSimulator:
    """The module's own kaiping-2024 simulator with no fault, fresh counters and the scenario's first day: each
    test switches its faults and moves its clock on one server instead of starting its own."""
    served.reset(world.start_today.isoformat())
    return served


def doc_path(doc_id: int) -> str:
    return f"/jmkpsjyj/gkmlpt/content/{doc_id // 1_000_000}/{doc_id // 1000}/post_{doc_id}.html"


def test_routes_by_host_header(shared_simulator: RunningSimulator) -> None:
    status, _, body = shared_simulator.get(HOST, "/jmkpsjyj/gkmlpt/index")
    assert status == 200 and b"window._CONFIG" in body
    status, headers, body = shared_simulator.get(HOST, API)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["classify"]["id"] == 1805
    status, _, _ = shared_simulator.get("www.example.com", "/jmkpsjyj/gkmlpt/index")
    assert status == 404


def test_forward_proxy_mode(shared_simulator: RunningSimulator) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": shared_simulator.url}))
    with opener.open(f"http://{HOST}/kpsjyjzww/zwgk/tzgg/index.html", timeout=30) as resp:
        assert resp.status == 200
        assert "ul" in resp.read().decode("utf-8")


def test_path_prefix_browsing_rewrites_links(shared_simulator: RunningSimulator) -> None:
    with urllib.request.urlopen(f"{shared_simulator.url}/_/{HOST}/kpsjyjzww/zwgk/tzgg/index.html", timeout=30) as resp:
        text = resp.read().decode("utf-8")
    assert f"/_/{HOST}/kpsjyjzww/zwgk/tzgg/content/post_" in text
    assert f"http://{HOST}/kpsjyjzww/" not in text
    assert 'href="/kpsjyjzww/' not in text  # root-relative links stay inside the prefix too
    with urllib.request.urlopen(f"{shared_simulator.url}/", timeout=30) as resp:
        home = resp.read().decode("utf-8")
    assert "kaiping-2024" in home and f"/_/{HOST}/jmkpsjyj/gkmlpt/index" in home


def test_admin_clock_and_bad_input(simulator: RunningSimulator, world: World) -> None:
    later = min((d for d in world.agencies[0].docs if d.published.date().isoformat() > "2025-03-31" and d.kind == "normal"),
                key=lambda d: d.published)
    assert simulator.get(HOST, doc_path(later.id))[0] == 404
    state = simulator.set_today(later.published.date().isoformat())
    assert state["today"] == later.published.date().isoformat()
    assert simulator.get(HOST, doc_path(later.id))[0] == 200
    assert simulator.advance(2)["today"] > state["today"]
    for payload in ({"today": "2025-02-30"}, {"tomorrow": 1}):
        req = urllib.request.Request(f"{simulator.url}/_sim/clock", data=json.dumps(payload).encode(), method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code == 400


def test_bad_fault_spec_is_refused_and_changes_nothing(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "http_error", "match": {"channel": "gkmlpt"}}])
    req = urllib.request.Request(f"{simulator.url}/_sim/faults", method="POST",
                                 data=json.dumps({"faults": [{"kind": "teleport"}]}).encode())
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400 and b"unknown fault kind" in err.value.read()
    assert [f["kind"] for f in simulator.state()["faults"]] == ["http_error"]


def test_5xx_burst_then_recovery(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "http_error", "status": 503, "times": 2, "match": {"path": "/api/all/"}}])
    assert [simulator.get(HOST, API)[0] for _ in range(3)] == [503, 503, 200]
    # Counting is per URL: another page starts its own burst.
    assert simulator.get(HOST, API.replace("page=1", "page=2"))[0] == 503


def test_429_with_retry_after(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "rate_limit", "retry_after": 7, "times": 1}])
    status, headers, _ = simulator.get(HOST, API)
    assert status == 429 and headers["Retry-After"] == "7"
    assert simulator.get(HOST, API)[0] == 200


@pytest.mark.parametrize(("status", "marker"), [(412, b"$_ts"), (521, b"document.cookie=('_')+('_')+('j')"), (200, "安全验证".encode())])
def test_waf_challenges(simulator: RunningSimulator, status: int, marker: bytes) -> None:
    simulator.set_faults([{"kind": "waf", "status": status, "match": {"channel": "gkmlpt"}}])
    got, _, body = simulator.get(HOST, API)
    assert got == status and marker in body
    assert b"articles" not in body


def test_truncated_json(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "truncated_json", "times": 1, "match": {"path": "/api/all/"}}])
    _, _, body = simulator.get(HOST, API)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert json.loads(simulator.get(HOST, API)[2])["articles"]


def test_connection_reset(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "reset", "times": 1}])
    conn = http.client.HTTPConnection("127.0.0.1", simulator.port, timeout=10)
    conn.request("GET", API, headers={"Host": HOST})
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine)):
        conn.getresponse().read()
    assert simulator.get(HOST, API)[0] == 200


def test_slow_response_exceeds_client_timeout(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "slow", "seconds": 5, "times": 1}])
    conn = http.client.HTTPConnection("127.0.0.1", simulator.port, timeout=0.5)
    conn.request("GET", API, headers={"Host": HOST})
    with pytest.raises(socket.timeout):
        conn.getresponse()


def test_gbk_page(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "gbk", "match": {"channel": "website"}}])
    status, headers, body = simulator.get(HOST, "/kpsjyjzww/zwgk/tzgg/index.html")
    assert status == 200 and "gbk" in headers["Content-Type"].lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "通知公告" in body.decode("gbk")


def test_browser_user_agent_required(simulator: RunningSimulator) -> None:
    simulator.set_faults([{"kind": "require_ua", "match": {"host": HOST}}])
    conn = http.client.HTTPConnection("127.0.0.1", simulator.port, timeout=10)
    conn.request("GET", API, headers={"Host": HOST, "User-Agent": "Scrapy/2.19 (+https://scrapy.org)"})
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine)):
        conn.getresponse().read()
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
    assert simulator.get(HOST, API, {"User-Agent": ua})[0] == 200


def test_conditional_get_on_document_pages(shared_simulator: RunningSimulator, world: World) -> None:
    doc = next(d for d in world.agencies[0].docs if d.year == 2024 and d.kind == "normal" and d.visible(world.start_today))
    status, headers, body = shared_simulator.get(HOST, doc_path(doc.id))
    assert status == 200 and "ETag" in headers and "Last-Modified" in headers
    assert shared_simulator.get(HOST, doc_path(doc.id), {"If-None-Match": headers["ETag"]})[0] == 304
    assert shared_simulator.get(HOST, doc_path(doc.id), {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert shared_simulator.get(HOST, doc_path(doc.id), {"If-None-Match": '"stale"'})[0] == 200
    # The list API is dynamic: no validators, as on the real platform.
    assert "ETag" not in shared_simulator.get(HOST, API)[1]


def test_same_seed_same_bytes_across_processes(shared_simulator: RunningSimulator, world: World) -> None:
    doc = next(d for d in world.agencies[0].docs if d.attachments and d.visible(world.start_today))
    paths = [(HOST, "/jmkpsjyj/gkmlpt/index"), (HOST, API), (HOST, doc_path(doc.id)),
             (HOST, doc.attachments[0].path), (HOST, "/kpsjyjzww/jyxw/jydt/index_3.html"),
             ("search.gd.gov.cn", "/jsonp/site/750118?page=2&pagesize=20&callback=cb"),
             ("mp.weixin.qq.com", "/s/" + world.agencies[0].wechat.articles[100].token)]
    with start_simulator("kaiping-2024") as other:
        for host, path in paths:
            a, b = shared_simulator.get(host, path), other.get(host, path)
            assert a[0] == 200 and a[2] == b[2], f"{host}{path} differs between two runs of one seed"


def test_truth_endpoint_and_cli_agree(shared_simulator: RunningSimulator) -> None:
    served = shared_simulator.truth()
    xxgk = Path(sys.executable).parent / "xxgk"  # the installed console script
    out = subprocess.run([str(xxgk), "simulate", "--truth"], capture_output=True, text=True, timeout=120, check=True)
    printed = json.loads(out.stdout)
    assert printed == served
    assert printed["agencies"]["kaiping-edu"]["catalog"]["by_year"]["2024"]["first_seen"] == 190
