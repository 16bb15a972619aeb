"""Every crawl hands Scrapy its spider as a class (`crawler.run.crawler_process`): the process's spider loader
indexes no spider module, so a catalog crawl never imports the WeChat listers, the website parser or
discovery; a plain `scrapy crawl NAME` still finds every spider by name through the project's SPIDER_MODULES."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHECK = """
import json, sys
from scrapy.spiderloader import SpiderLoader
from crawler.registry import Registry
from crawler.run import crawl_settings, crawler_process, SPIDERS
from scrapy.utils.misc import load_object

out = sys.argv[1]
settings = crawl_settings(Registry().load("kaiping-edu"), "catalog", out + "/a.sqlite", out + "/warc")
process = crawler_process(settings)
process.create_crawler(load_object(SPIDERS["catalog"]))
imported = sorted(sys.modules)
by_name = sorted(SpiderLoader.from_settings(settings).list())  # what `scrapy crawl NAME` sees: the caller's settings
print(json.dumps({"by_name": by_name, "indexed": process.spider_loader.list(), "imported": imported}))
"""


def test_a_crawl_imports_only_its_own_spider(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert {"gkmlpt", "website", "wechat", "discover"} <= set(found["by_name"])
    assert found["indexed"] == []
    assert "crawler.spiders.gkmlpt" in found["imported"]  # the crawl's own spider, and only it
    others = {"crawler.spiders.wechat", "crawler.spiders.website", "crawler.spiders.discover", "crawler.listers"}
    assert not others & set(found["imported"]), found["imported"]
