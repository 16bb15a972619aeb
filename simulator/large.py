"""Large synthetic scenarios: a province's worth of agencies, many on each host, for benchmarks and scale tests.

`large_scenario(agencies=20, catalog_docs=20000, hosts=1, ...)` returns a scenario dict; the name
`large:agencies=300,hosts=30,catalog_docs=1000000` loads it through `scenario.load`. Deterministic from `seed`:
the same parameters always give the same world.

- Hosts are county-level governments (www.kaiping.gov.cn, www.enping.gov.cn, …); agencies are spread over
  them round-robin, so every host carries many agencies, as Kaiping's bureaus share www.kaiping.gov.cn. On
  each host the first agency is the government office, its catalog at the host root (/gkmlpt/); the others
  are bureaus under their department paths (/kaipingjyj/gkmlpt/), their ids the site codes, as
  `xxgk agencies add` names them.
- Each bureau speaks with the voice of its kind (simulator/voices.yaml: education, health, agriculture,
  transport, human resources, government) and has the category tree of its kind (TREES), some categories
  with children, one annual-report category named one of two ways, sometimes a link to another site.
- Sizes differ: an agency's share of `catalog_docs` is drawn between 0.5 and 1.5 of the mean.
- `website` / `wechat`: the share of agencies (0–1) with a website section (two columns of their kind, the
  annual report twinned into the first) or a WeChat account.
- `reports`: every agency's annual report of the year before the last (published in January of the last
  year), its wording drawn from the seed; one in `planted` (default 4) states one category short or over by
  1–3, the rest are exact. The truth (`/_sim/truth`) has every agency's expected reconciliation.
- `kaiping`: the first agency takes the identity of the registry's kaiping-edu (host, site codes, SID), so
  `xxgk crawl --agency kaiping-edu` crawls it.
"""

from __future__ import annotations

import hashlib
from typing import Any

# County-level governments: (host key, name, prefecture). Beyond these, the keys repeat with a number.
HOSTS = (
    ("kaiping", "开平市", "江门市"), ("enping", "恩平市", "江门市"), ("taishan", "台山市", "江门市"),
    ("heshan", "鹤山市", "江门市"), ("xinhui", "新会区", "江门市"), ("pengjiang", "蓬江区", "江门市"),
    ("shunde", "顺德区", "佛山市"), ("nanhai", "南海区", "佛山市"), ("sanshui", "三水区", "佛山市"),
    ("gaoming", "高明区", "佛山市"), ("zengcheng", "增城区", "广州市"), ("conghua", "从化区", "广州市"),
    ("huadu", "花都区", "广州市"), ("boluo", "博罗县", "惠州市"), ("huidong", "惠东县", "惠州市"),
    ("longmen", "龙门县", "惠州市"), ("sihui", "四会市", "肇庆市"), ("gaoyao", "高要区", "肇庆市"),
    ("guangning", "广宁县", "肇庆市"), ("deqing", "德庆县", "肇庆市"), ("yangchun", "阳春市", "阳江市"),
    ("yangxi", "阳西县", "阳江市"), ("xinyi", "信宜市", "茂名市"), ("gaozhou", "高州市", "茂名市"),
    ("huazhou", "化州市", "茂名市"), ("leizhou", "雷州市", "湛江市"), ("lianjiang", "廉江市", "湛江市"),
    ("wuchuan", "吴川市", "湛江市"), ("yingde", "英德市", "清远市"), ("lianzhou", "连州市", "清远市"),
    ("lechang", "乐昌市", "韶关市"), ("nanxiong", "南雄市", "韶关市"), ("xingning", "兴宁市", "梅州市"),
    ("jiaoling", "蕉岭县", "梅州市"), ("puning", "普宁市", "揭阳市"), ("lufeng", "陆丰市", "汕尾市"),
    ("raoping", "饶平县", "潮州市"), ("luoding", "罗定市", "云浮市"),
)
# Departments of a county: (name, path abbreviation, voice). The first is the government office, at the root.
DEPARTMENTS = (
    ("人民政府办公室", "", "government"), ("教育局", "jyj", "education"), ("卫生健康局", "wjj", "health"),
    ("农业农村局", "nyncj", "agriculture"), ("交通运输局", "jtysj", "transport"),
    ("人力资源和社会保障局", "rsj", "human_resources"), ("财政局", "czj", "government"),
    ("自然资源局", "zrzyj", "government"), ("市场监督管理局", "scjgj", "government"),
    ("住房和城乡建设局", "zjj", "government"), ("民政局", "mzj", "government"), ("司法局", "sfj", "government"),
    ("水务局", "swj", "agriculture"), ("文化广电旅游体育局", "wgltj", "government"),
    ("应急管理局", "yjglj", "government"), ("统计局", "tjj", "government"), ("发展和改革局", "fgj", "government"),
    ("审计局", "sjj", "government"), ("医疗保障局", "ybj", "health"), ("退役军人事务局", "tyjrswj", "government"),
    ("生态环境分局", "sthjj", "government"), ("林业局", "lyj", "agriculture"),
    ("城市管理和综合执法局", "cgj", "government"), ("工业和信息化局", "gxj", "government"),
    ("商务局", "swuj", "government"),
)
# Category trees by voice: (name, share of the agency's documents, children as (name, share)). Shares of a
# parent with children are its children's. Every tree gets the annual-report category besides.
Tree = tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...]
COMMON: Tree = (("政府信息公开指南", 0.01, ()), ("政府信息公开制度", 0.01, ()), ("机构职能", 0.02, ()))
TREES: dict[str, Tree] = {
    "government": COMMON + (
        ("政策文件", 0, (("本级文件", 0.10), ("规范性文件", 0.04))), ("政务动态", 0.34, ()),
        ("通知公告", 0.22, ()), ("规划计划", 0.06, ()), ("财政预决算", 0, (("部门预算", 0.05), ("部门决算", 0.05))),
        ("人事信息", 0.05, ()), ("其他信息", 0.05, ())),
    "education": COMMON + (
        ("部门文件及公示公告", 0, (("部门文件", 0.10), ("公示公告", 0.20))), ("教育动态", 0.30, ()),
        ("行政执法公示", 0.10, ()), ("部门预决算", 0, (("部门预算", 0.06), ("部门决算", 0.06))), ("其他信息", 0.14, ())),
    "health": COMMON + (
        ("法规文件", 0.10, ()), ("通知公告", 0.20, ()), ("工作动态", 0.30, ()), ("行政执法", 0, (
            ("行政许可", 0.10), ("行政处罚", 0.08))), ("部门预决算", 0.08, ()), ("其他信息", 0.10, ())),
    "agriculture": COMMON + (
        ("政策法规", 0.12, ()), ("农业动态", 0.30, ()), ("通知公告", 0.22, ()), ("双随机公示", 0.08, ()),
        ("规划计划", 0.08, ()), ("财政资金", 0, (("部门预算", 0.06), ("部门决算", 0.06))), ("其他信息", 0.04, ())),
    "transport": COMMON + (
        ("政策文件", 0.14, ()), ("交通动态", 0.28, ()), ("通知公告", 0.20, ()), ("行政许可", 0.12, ()),
        ("行政处罚", 0.08, ()), ("部门预决算", 0.10, ()), ("其他信息", 0.04, ())),
    "human_resources": COMMON + (
        ("政策法规", 0.12, ()), ("工作动态", 0.26, ()), ("人事信息", 0, (("招聘公告", 0.14), ("录用公示", 0.08))),
        ("通知公告", 0.18, ()), ("部门预决算", 0.10, ()), ("其他信息", 0.08, ())),
}
# Website columns by voice: (path, name); the annual report is twinned into the first.
COLUMNS = {
    "government": (("zwgk/tzgg", "通知公告"), ("xwzx/zwyw", "政务要闻")),
    "education": (("zwgk/tzgg", "通知公告"), ("jyxw/jydt", "教育动态")),
    "health": (("zwgk/tzgg", "通知公告"), ("wsxw/gzdt", "工作动态")),
    "agriculture": (("zwgk/tzgg", "通知公告"), ("nyxw/nydt", "农业动态")),
    "transport": (("zwgk/tzgg", "通知公告"), ("jtxw/jtdt", "交通动态")),
    "human_resources": (("zwgk/tzgg", "通知公告"), ("rsxw/gzdt", "工作动态")),
}
REPORT_CATEGORIES = ("政府信息公开年报", "政府信息公开年度报告")
PARAMS = ("agencies", "catalog_docs", "hosts", "website", "wechat", "reports", "planted", "seed", "api_window",
          "kaiping")


def _draw(seed: int, *parts: Any) -> int:
    """A stable pseudo-random integer for these parts (hashing is far cheaper than seeding a Random)."""
    return int.from_bytes(hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest(), "big")


def _share(seed: int, share: float, *parts: Any) -> bool:
    return share >= 1 or (share > 0 and _draw(seed, *parts) % 10_000 < share * 10_000)


def host_of(k: int) -> tuple[str, str, str]:
    """The k-th host's (key, name, prefecture); keys repeat with a number past the table's end."""
    key, name, prefecture = HOSTS[k % len(HOSTS)]
    return (key if k < len(HOSTS) else f"{key}{k // len(HOSTS) + 1}"), name, prefecture


def _categories(tree: Tree, base: int, per_year: float, report_name: str, link: str | None) -> list[dict[str, Any]]:
    """The catalog's categories (ids from `base`), leaf volumes from the agency's documents a year."""
    out: list[dict[str, Any]] = []
    next_id = base

    def node(name: str, share: float) -> dict[str, Any]:
        nonlocal next_id
        next_id += 1
        n = round(per_year * share)
        return {"id": next_id, "name": name, "per_year": [n, n],
                **({"doc_numbers": True} if "文件" in name or "法规" in name else {})}

    for name, share, children in tree:
        if children:
            next_id += 1
            parent: dict[str, Any] = {"id": next_id, "name": name}
            parent["children"] = [node(c, s) for c, s in children]
            out.append(parent)
        else:
            out.append(node(name, share))
    out.append({"id": next_id + 1, "name": report_name, "annual_reports": True})
    if link:
        out.append({"id": next_id + 2, "name": "重点领域信息公开", "jump_url": link})
    return out


def _agency(i: int, n_hosts: int, docs_a_year: float, p: dict[str, Any]) -> dict[str, Any]:
    """The i-th agency's spec, with `docs_a_year` catalog documents a year."""
    seed = p["seed"]
    host_k, slot = i % n_hosts, i // n_hosts  # round-robin: every host gets agencies early
    key, county, prefecture = host_of(host_k)
    dept, abbr, voice = DEPARTMENTS[slot % len(DEPARTMENTS)]
    if slot >= len(DEPARTMENTS):  # more agencies on a host than departments: numbered offices of a kind
        dept, abbr = f"第{slot // len(DEPARTMENTS) + 1}{dept}", f"{abbr or 'zfb'}{slot // len(DEPARTMENTS) + 1}"
    host = f"www.{key}.gov.cn"
    site_code = f"{key}{abbr}" if abbr else ""
    agency_id = site_code or key
    h = _draw(seed, "agency", i)
    link = f"http://{host}/{key}zfw/zwgk/zdlyxxgkzl/" if h % 3 == 0 else None
    report_name = REPORT_CATEGORIES[h % 2]
    spec: dict[str, Any] = {
        "id": agency_id, "name": f"{county}{dept}", "host": host,
        "credit_code": f"11{440000 + host_k:06d}{i:08d}X"[:17] + "X",
        "voice": {"domain": voice, "region": county, "city": county[:-1], "prefecture": prefecture},
        "gkmlpt": {"site_code": site_code, "sid": str(760000 + i), "service_area_id": 440000 + host_k,
                   "api_window": p["api_window"], "attachment_rate": 0.1, "url_items_per_year": 1 if link else 0,
                   "percent_u_titles_per_year": 0, "html_titles_per_year": 0, "hostile_item": False,
                   "categories": _categories(TREES[voice], 10_000 + 100 * (i % 900), docs_a_year,
                                             report_name, link)},
    }
    if _share(seed, p["website"], "website", i):
        columns = COLUMNS[voice]
        per_column = max(1, round(docs_a_year / 4))
        spec["website"] = {
            "site_code": f"{agency_id}zww", "page_size": 20, "pages_limit": 100, "truncate_at": 24,
            "columns": [{"path": path, "name": name, "per_year": [per_column, per_column],
                         "title_attr": ("full", "none", "truncated")[(h >> 4) % 3]} for path, name in columns],
            "twins": [{"category": report_name, "column": columns[0][0], "share": 1.0}]}
    if _share(seed, p["wechat"], "wechat", i):
        n = max(1, round(docs_a_year / 3))
        again = str(host_k // len(HOSTS) + 1) if host_k >= len(HOSTS) else ""  # account names stay unique
        spec["wechat"] = {"name": f"{county[:-1]}{dept[:2] if abbr else ''}发布{again}",
                          "bizuin": 3_000_000_000 + i, "user_name": f"gh_sim{i:08d}",
                          "articles": {"other_years": [n, n]}}
    if p["kaiping"] and i == 0:
        spec.update(id="kaiping-edu", name="开平市教育局", host="www.kaiping.gov.cn")
        spec["voice"].update(domain="education", region="开平市", city="开平", prefecture="江门市")
        spec["gkmlpt"].update(site_code="jmkpsjyj", sid="750118")
        if "website" in spec:
            spec["website"]["site_code"] = "kpsjyjzww"
    return spec


def _report(spec: dict[str, Any], year: int, i: int, p: dict[str, Any]) -> dict[str, Any]:
    """An agency's annual report block: wording drawn from the seed; every `planted`-th states one leaf of its
    catalog short or over by 1–3 (`claims_offset`)."""
    block: dict[str, Any] = {"agency": spec["id"], "year": year}
    planted = int(p["planted"])
    if planted and _draw(p["seed"], "planted", i) % planted == 0:
        tops = [c for c in spec["gkmlpt"]["categories"] if not c.get("annual_reports") and not c.get("jump_url")
                and (c.get("children") or c.get("per_year", [0])[0] > 3)]
        if tops:
            d = _draw(p["seed"], "offset", i)
            top = tops[d % len(tops)]
            block["claims_offset"] = {"catalog": {top["name"]: (1 + d // 7 % 3) * (1 if d // 5 % 2 else -1)}}
    return block


def large_scenario(agencies: int = 20, catalog_docs: int = 20000, hosts: int = 1, website: float = 0,
                   wechat: float = 0, reports: bool = True, planted: int = 4, years: tuple[int, int] = (2020, 2025),
                   seed: int = 7, api_window: int = 10**6, kaiping: bool = True) -> dict[str, Any]:
    """A scenario of `agencies` agencies on `hosts` hosts with about `catalog_docs` catalog documents (see the
    module's docstring)."""
    if agencies < 1 or hosts < 1 or hosts > agencies:
        raise ValueError("need 1 ≤ hosts ≤ agencies")
    p = {"seed": seed, "website": float(website), "wechat": float(wechat), "planted": planted,
         "api_window": api_window, "kaiping": kaiping}
    n_years = years[1] - years[0] + 1
    # Sizes differ, 0.5–1.5 of the mean, and add up to catalog_docs.
    sizes = [0.5 + _draw(seed, "size", i) % 1001 / 1000 for i in range(agencies)]
    scale = catalog_docs / n_years / sum(sizes)
    specs = [_agency(i, hosts, max(1.0, size * scale), p) for i, size in enumerate(sizes)]
    scenario: dict[str, Any] = {
        "name": f"large-{agencies}x{catalog_docs}" + (f"-on-{hosts}" if hosts > 1 else ""), "seed": seed,
        "today": f"{years[1]}-12-31", "years": list(years), "agencies": specs, "events": [], "faults": []}
    if reports:
        scenario["annual_report"] = [_report(s, years[1] - 1, i, p) for i, s in enumerate(specs)]
    return scenario


def parse_spec(name: str) -> dict[str, Any]:
    """`large:agencies=300,hosts=30,catalog_docs=1000000,website=0.7` → a scenario dict."""
    _, _, params = name.partition(":")
    kwargs: dict[str, Any] = {}
    for part in filter(None, params.split(",")):
        key, _, value = part.partition("=")
        if key not in PARAMS:
            raise ValueError(f"unknown large-scenario parameter {key!r}; known: {', '.join(PARAMS)}")
        if key in ("website", "wechat"):
            kwargs[key] = float(value)
        elif key in ("reports", "kaiping"):
            kwargs[key] = bool(int(value))
        else:
            kwargs[key] = int(value)
    return large_scenario(**kwargs)
