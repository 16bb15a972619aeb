"""Large synthetic scenarios for benchmarks: many agencies, tens of thousands of documents.

`large_scenario(agencies=20, catalog_docs=20000, ...)` returns a scenario dict; the name
`large:agencies=20,catalog_docs=20000` loads it through `scenario.load`. Agencies are sub-sites on
one host (as Kaiping's bureaus are), each with its own gkmlpt site code, SID and website code.
"""

from __future__ import annotations

from typing import Any

CATEGORY_NAMES = ["政府信息公开指南", "政府信息公开制度", "组织机构信息", "部门文件", "公示公告", "政务动态",
                  "行政执法公示", "部门预算", "部门决算", "其他信息"]
SHARES = [0.01, 0.01, 0.02, 0.14, 0.20, 0.30, 0.10, 0.09, 0.08, 0.05]


def large_scenario(agencies: int = 20, catalog_docs: int = 20000, website: bool = False, wechat: bool = False,
                   years: tuple[int, int] = (2020, 2025), seed: int = 7, api_window: int = 10**6,
                   kaiping: bool = True) -> dict[str, Any]:
    """A scenario with `catalog_docs` catalog documents spread evenly over agencies, years and categories.

    With `kaiping`, the first agency takes the identity of the registry's kaiping-edu (host, site
    codes, SID), so `xxgk crawl --agency kaiping-edu` can crawl it.
    """
    n_years = years[1] - years[0] + 1
    per_agency_year = max(1, catalog_docs // (agencies * n_years))
    out: list[dict[str, Any]] = []
    for i in range(agencies):
        cats: list[dict[str, Any]] = []
        for k, (name, share) in enumerate(zip(CATEGORY_NAMES, SHARES, strict=True)):
            n = max(0, round(per_agency_year * share))
            cats.append({"id": 5000 + k, "name": name, "per_year": [n, n], "doc_numbers": name == "部门文件"})
        cats.append({"id": 5099, "name": "外部链接", "jump_url": "http://www.kaiping.gov.cn/kpszfw/"})
        spec: dict[str, Any] = {
            "id": f"sim-agency-{i:03d}", "name": f"模拟第{i + 1}局", "host": "www.kaiping.gov.cn",
            "credit_code": f"1144078300{i:06d}XX"[:18],
            "gkmlpt": {"site_code": f"jmkpsim{i:03d}", "sid": str(750500 + i), "service_area_id": 440783,
                       "api_window": api_window, "categories": cats, "attachment_rate": 0.1,
                       "url_items_per_year": 1, "percent_u_titles_per_year": 0, "html_titles_per_year": 0,
                       "hostile_item": False},
        }
        if website:
            spec["website"] = {"site_code": f"kpsimzww{i:03d}", "page_size": 20, "pages_limit": 100, "truncate_at": 24,
                               "columns": [{"path": "zwgk/tzgg", "name": "通知公告", "per_year": [per_agency_year // 2] * 2,
                                            "title_attr": "full"}]}
        if wechat:
            spec["wechat"] = {"name": f"模拟公众号{i + 1}", "bizuin": 3000000000 + i, "user_name": f"gh_sim{i:08d}",
                              "articles": {"other_years": [per_agency_year, per_agency_year]}}
        if kaiping and i == 0:
            spec.update(id="kaiping-edu", name="开平市教育局")
            spec["gkmlpt"].update(site_code="jmkpsjyj", sid="750118")
            if website:
                spec["website"]["site_code"] = "kpsjyjzww"
        out.append(spec)
    return {"name": f"large-{agencies}x{catalog_docs}", "seed": seed, "today": f"{years[1]}-12-31",
            "years": list(years), "agencies": out, "events": [], "faults": []}


def parse_spec(name: str) -> dict[str, Any]:
    """`large:agencies=20,catalog_docs=20000,website=1` → a scenario dict."""
    _, _, params = name.partition(":")
    kwargs: dict[str, Any] = {}
    for part in filter(None, params.split(",")):
        key, _, value = part.partition("=")
        if key not in ("agencies", "catalog_docs", "website", "wechat", "seed", "api_window", "kaiping"):
            raise ValueError(f"unknown large-scenario parameter {key!r}")
        kwargs[key] = bool(int(value)) if key in ("website", "wechat", "kaiping") else int(value)
    return large_scenario(**kwargs)
