"""crawler/discovery.py: findings (read from simulator pages by the pure readers) → the proposed registry file →
back through the registry; and `check`'s drift report. The spider itself is tested end to end
(tests/e2e/test_agency_discovery.py)."""

from __future__ import annotations

import copy

import pytest
import yaml

from crawler.discovery import (
    DiscoveryError,
    Findings,
    _scalar,
    check,
    default_id,
    propose,
    render_yaml,
    valid_id,
)
from crawler.parsing.discovery import (
    article_column,
    flatten_outline,
    is_annual_report_title,
    read_catalog_index,
    read_listing,
    read_site_page,
)
from crawler.registry import agency_from_data
from simulator.http import SimState
from simulator.world import Agency, World

from .test_parse_discovery import fetch

WHEN = "2025-03-31 08:00 UTC"


@pytest.fixture(scope="module")
def agency(world: World) -> Agency:
    return world.agencies[0]


def read_all(state: SimState, agency: Agency, website: bool = True) -> Findings:
    """What the discovery spider would read from the simulator (its fetch order aside)."""
    f = Findings(gkmlpt_base=agency.gkmlpt_base, website_base=agency.website_base if website else "")
    f.catalog = read_catalog_index(fetch(state, agency.gkmlpt_base + "index"))
    f.listing_url = f"{agency.gkmlpt_base}api/all/{f.catalog.report['id']}?page=1&sid={f.catalog.sid}"
    _, f.listing = read_listing(fetch(state, f.listing_url))
    if not website:
        return f
    base = agency.website_base
    for path in ["", "zwgk", "jyxw", *(c["path"] for c in agency.website["columns"])]:
        page = read_site_page(fetch(state, base + path + ("/" if path else "")), base + path, base)
        f.pages[page.path] = page
        for link in page.links:
            f.link_names.setdefault(link.path, link.name)
    f.problems["page:wzdt"] = f"{base}wzdt/: HTTP 404"
    for item in f.listing:
        if is_annual_report_title(item.title):
            f.twin_columns.setdefault(article_column(item.post_url, base), item.post_url)
    return f


@pytest.fixture
def findings(state: SimState, agency: Agency) -> Findings:
    return read_all(state, agency)


def written(p, via: str = "") -> tuple[str, dict]:
    text = render_yaml(p, WHEN, via)
    return text, yaml.safe_load(text)


def test_the_proposal_holds_what_the_site_says(findings, agency):
    p = propose(findings, "", "开平教育")
    assert p.id == agency.site_code  # from the catalog's URL
    d = p.data
    assert (d["name"], d["host"]) == (agency.name, agency.host)
    assert d["gkmlpt"]["base"] == agency.gkmlpt_base and d["gkmlpt"]["sid"] == agency.sid
    assert d["gkmlpt"]["search_jsonp"] == "http://search.gd.gov.cn/jsonp/site/{sid}"
    assert {c.id for c in agency.all_categories()} == set(flatten_outline(d["gkmlpt"]["categories"]))
    assert d["website"]["base"] == agency.website_base
    assert {(c["path"], c["name"]) for c in d["website"]["columns"]} == {
        (c["path"], c["name"]) for c in agency.website["columns"]}
    assert d["annual_report"] == {"catalog_category": "政府信息公开年报", "website_column": "zwgk/tzgg"}
    assert d["wechat"] == {"account": "开平教育"}
    assert any(s.startswith("annual report column zwgk/tzgg (the catalog's annual report") for s in p.found)
    assert any(s.startswith("columns ") for s in p.guessed) and any(s.startswith("id ") for s in p.guessed)
    assert p.missing == []


def test_the_file_reads_back_as_the_same_agency_with_its_comments(findings, agency):
    p = propose(findings, "kp-test", "开平教育")
    text, data = written(p, via="http://127.0.0.1:8350")
    a = agency_from_data(data, "agency file kp-test.yaml")
    assert (a.id, a.name, a.gkmlpt_base, a.website_base, a.wechat_account) == (
        "kp-test", agency.name, agency.gkmlpt_base, agency.website_base, "开平教育")
    assert a.report_category == "政府信息公开年报" and a.report_column == "zwgk/tzgg"
    assert [dict(c) for c in a.website_columns] == p.data["website"]["columns"]
    assert flatten_outline(data["gkmlpt"]["categories"]) == flatten_outline(p.data["gkmlpt"]["categories"])
    assert data["gkmlpt"]["sid"] == agency.sid and isinstance(data["gkmlpt"]["sid"], str)
    assert a.politeness["obey_robots"] is True
    # where the values came from, and when; what was guessed; what a key means
    assert text.startswith(f"# {agency.name}: written by `xxgk agencies add` on {WHEN} from\n")
    assert f"#   {agency.gkmlpt_base}index\n" in text and "through the simulator at http://127.0.0.1:8350" in text
    assert "Columns GUESSED" in text and "paging capped" in text and "a link to another site" in text
    assert "category_aliases" in text


def test_guessed_website_and_missing_parts_are_said(state, agency):
    f = read_all(state, agency, website=False)
    p = propose(f)
    assert "website" not in p.data and "wechat" not in p.data
    assert any(m.startswith("the website: not given") for m in p.missing)
    assert any(m.startswith("the WeChat account: not given") for m in p.missing)
    agency_from_data(written(p)[1], "f")  # a catalog-only file is a valid registry file
    f.catalog.name, f.catalog.name_from = "", ""
    p = propose(f)
    assert p.data["name"] == agency.name and any("the publisher of its annual reports" in g for g in p.guessed)
    f.catalog.report, f.catalog.report_how = None, "no category of the 年报 family"
    text, data = written(propose(f))
    assert data["annual_report"]["catalog_category"] == "政府信息公开年报" and "NOT FOUND" in text


def test_an_unreadable_index_is_an_error():
    f = Findings(gkmlpt_base="http://x.gov.cn/a/gkmlpt/", problems={"index": "http://x.gov.cn/a/gkmlpt/index: HTTP 404"})
    with pytest.raises(DiscoveryError, match="HTTP 404"):
        propose(f)


@pytest.mark.parametrize("value", ["开平市教育局", "a: b", "#x", "yes", "123", " x", "[x]", 'q"uote', "x # y", "", 7, True])
def test_scalars_read_back(value):
    assert yaml.safe_load(f"k: {_scalar(value)}") == {"k": value}


def test_ids():
    assert default_id("http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/") == "jmkpsjyj"
    assert default_id("http://www.jiangmen.gov.cn/gkmlpt/") == "jiangmen"
    assert default_id("http://gdee.gd.gov.cn/gkmlpt/") == "gdee-gd"
    assert valid_id("kp-edu_2") and not valid_id("Kaiping") and not valid_id("../x")


# ---------------------------------------------------------------- check


def checked(data: dict, findings: Findings) -> list:
    a = agency_from_data(data, "f")
    return check(a.raw, a.report_category, a.report_column, [c["path"] for c in a.website_columns], findings)


def test_a_fresh_file_has_no_drift(findings):
    lines = checked(written(propose(findings, "kp", "开平教育"))[1], findings)
    assert [x.status for x in lines if x.status != "ok"] == []
    assert {x.what for x in lines} >= {"index", "sid", "tree", "report category", "website", "column zwgk/tzgg"}


def test_drift_is_named(findings):
    data = written(propose(findings, "kp"))[1]
    live = findings.catalog
    data["gkmlpt"]["sid"] = "750999"
    cats = data["gkmlpt"]["categories"]
    cats[0]["name"] = "旧指南"  # renamed since
    cats.append({"id": 4242, "name": "已撤销栏目"})  # gone since
    gone_live = copy.deepcopy(live.flat)
    data["website"]["columns"].append({"path": "zwgk/old", "name": "旧栏目"})
    findings.problems["page:zwgk/old"] = "http://www.kaiping.gov.cn/kpsjyjzww/zwgk/old/: HTTP 404"
    data["annual_report"]["catalog_category"] = "年度报告专栏"
    lines = {(x.status, x.what, x.text) for x in checked(data, findings)}
    assert ("drift", "sid", f"SID changed: the file says 750999, the index says {live.sid}") in lines
    assert ("drift", "tree", f"renamed: 旧指南 → {gone_live[cats[0]['id']]['name']} ({cats[0]['id']})") in lines
    assert ("drift", "tree", "gone: 已撤销栏目 (4242)") in lines
    assert ("failed", "column zwgk/old", "does not answer: http://www.kaiping.gov.cn/kpsjyjzww/zwgk/old/: "
            "HTTP 404") in lines
    assert ("drift", "report category", "年度报告专栏 is no longer in the tree; of the 年报 family now: "
            "政府信息公开年报") in lines


def test_new_columns_and_unreachable_catalogs(findings):
    data = written(propose(findings, "kp"))[1]
    data["website"]["columns"] = [c for c in data["website"]["columns"] if c["path"] != "zwgk/rsxx"]
    findings.catalog = None
    findings.problems["index"] = "http://www.kaiping.gov.cn/jmkpsjyj/gkmlpt/index: blocked (waf_412)"
    lines = {(x.status, x.what): x.text for x in checked(data, findings)}
    assert lines[("failed", "index")].endswith("blocked (waf_412)")
    assert lines[("note", "new columns")] == "the navigation links columns the file does not list: 人事信息 (zwgk/rsxx)"


# ---------------------------------------------------------------- politeness


def test_discovery_runs_with_the_polite_project_settings_and_archives_nothing():
    from crawler import settings as project
    from crawler.run import discovery_settings
    from crawler.spiders.discover import DiscoverySpider

    real = discovery_settings(["www.kaiping.gov.cn"])
    DiscoverySpider.update_settings(real)  # what Scrapy does when it creates the spider's crawler
    assert real.getdict("DOWNLOADER_MIDDLEWARES")["crawler.middlewares.retry.BackoffRetryMiddleware"] == 550
    assert real.getbool("ROBOTSTXT_OBEY") and real.getfloat("DOWNLOAD_DELAY") == project.DOWNLOAD_DELAY == 1.0
    assert real.getbool("AUTOTHROTTLE_ENABLED") and real["USER_AGENT"] == project.USER_AGENT
    assert "xxgk-archive/" in real["USER_AGENT"] and "contact: " in real["USER_AGENT"]
    assert real.getdict("DOWNLOADER_MIDDLEWARES")["crawler.middlewares.capture.CaptureMiddleware"] is None
    assert real.getdict("EXTENSIONS")["crawler.extensions.runlog.RunLogExtension"] is None
    assert real.getdict("ITEM_PIPELINES") == {} and not real.get("XXGK_SIMULATOR")
    sim = discovery_settings(["www.kaiping.gov.cn"], "http://127.0.0.1:9", {"XXGK_CONTACT": "audit@example.org"})
    assert sim.getfloat("DOWNLOAD_DELAY") == 0 and sim.getlist("XXGK_ROUTED_HOSTS") == ["www.kaiping.gov.cn"]
    assert sim.getbool("ROBOTSTXT_OBEY")  # the simulator serves robots.txt too
    assert sim["USER_AGENT"] == project.user_agent("audit@example.org")
    assert sim["USER_AGENT"].endswith("contact: audit@example.org)")


def test_a_crawl_takes_the_contact_from_a_setting_too(tmp_path):
    from crawler.registry import Registry
    from crawler.run import crawl_settings

    agency = Registry().load("kaiping-edu")
    s = crawl_settings(agency, "catalog", tmp_path / "a.sqlite", tmp_path / "warc", None, False,
                       {"XXGK_CONTACT": "ops@example.org"})
    assert s["USER_AGENT"].endswith("contact: ops@example.org)")
    s = crawl_settings(agency, "catalog", tmp_path / "a.sqlite", tmp_path / "warc", None, False,
                       {"XXGK_CONTACT": "ops@example.org", "USER_AGENT": "mine/1.0"})
    assert s["USER_AGENT"] == "mine/1.0"  # an explicit User-Agent wins


def test_the_contact_comes_from_the_environment():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "from crawler import settings; print(settings.USER_AGENT)"],
                         capture_output=True, text=True, env={"XXGK_CONTACT": "desk@example.org", "PATH": ""},
                         check=True)
    assert out.stdout.strip().endswith("contact: desk@example.org)")


CONTROL_PORT_CHECK = """
import json, sys
from scrapy.extension import ExtensionManager
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from crawler.registry import Registry
from crawler.run import crawl_settings, discovery_settings

on = {"REMOTE_CONTROL_ENABLED": "True", "TELNETCONSOLE_ENABLED": "True", "COOKIES_ENABLED": "True"}
agency, out = Registry().load("kaiping-edu"), sys.argv[1]
loaded = []
for settings in (crawl_settings(agency, "catalog", out + "/a.sqlite", out + "/warc", overrides=on),
                 crawl_settings(agency, "wechat", out + "/a.sqlite", out + "/warc", "http://127.0.0.1:9", overrides=on),
                 discovery_settings(["www.kaiping.gov.cn"], overrides=on)):
    # The component lists exactly as Scrapy's managers build them at a crawl's start.
    for manager in (ExtensionManager, DownloaderMiddlewareManager):
        loaded += [c if isinstance(c, str) else c.__module__ + "." + c.__qualname__
                   for c in manager._get_mwlist_from_settings(settings)]
print(json.dumps({"loaded": loaded, "modules": sorted(sys.modules)}))
"""


def test_no_crawl_opens_a_control_port_or_keeps_cookies(tmp_path):
    """Scrapy's telnet console and (from 2.19, on by default) its remote-control server run code sent to them
    inside the crawl: neither may run in a crawl or a discovery whose captures are evidence, even with their
    settings turned on; nor may a cookie jar keep what sites set (credentials are headers from the environment).
    Their modules are not even imported (Scrapy imports what its bases name to sort them)."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", CONTROL_PORT_CHECK, str(tmp_path)], capture_output=True,
                         text=True, check=True).stdout
    found = json.loads(out)
    assert "crawler.extensions.runlog.RunLogExtension" in found["loaded"]  # the lists were really built
    for component in ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl",
                      "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"):
        assert component not in found["loaded"]
        assert component.rsplit(".", 1)[0] not in found["modules"]
