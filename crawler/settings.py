"""Scrapy settings: the one place every crawl setting lives.

The defaults are the polite profile for the real sites (reference gkmlpt.md §8: about one
request a second per host, AutoThrottle, retries with backoff, robots.txt obeyed, an identifying
User-Agent). `SIMULATOR_PROFILE` removes the delays for the loopback simulator; `xxgk crawl
--simulator URL` applies it. Agency politeness overrides come from the registry file.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy.settings import default_settings as scrapy_defaults

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who is crawling: the product, and a contact the site's operators can write to. Set yours before crawling
# the real web: `XXGK_CONTACT=you@example.org` in the environment, or `-s XXGK_CONTACT=…` on a command.
DEFAULT_CONTACT = "maintainers@xxgk-archive.invalid"
XXGK_CONTACT = os.environ.get("XXGK_CONTACT", "").strip()


def user_agent(contact: str = "") -> str:
    """The identifying User-Agent: the product name and version, and a contact address."""
    return f"xxgk-archive/0.1 (government information-disclosure archive; contact: {contact or DEFAULT_CONTACT})"


USER_AGENT = user_agent(XXGK_CONTACT)
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False  # credentials are sent as headers from the environment, never kept in a jar
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # see EXTENSIONS_BASE
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %, so requests do not tick like a metronome
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Our pipelines are synchronous: Scrapy's default (100) only adds 100 idle tasks per response.
CONCURRENT_ITEMS = 8
# Scrapy's check for generator callbacks that `return value` re-reads and re-parses the callback's source on
# every response (its cache is keyed by the bound method, made anew each time): tests/crawler/
# test_callbacks.py runs the same check once over every spider callback instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
CLOSESPIDER_TIMEOUT = 6 * 3600

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Scrapy imports every component its *_BASE settings name, enabled or not, to sort them. Three that can never
# run here are left out of our bases, taken from Scrapy's own so an upgrade's new built-ins still arrive:
# the cookie jar (off above; it imports tldextract and its suffix list) and the two consoles below (they
# import aiohttp and twisted.conch). That is 0.3 s of CPU at every crawl's start, for nothing.
DOWNLOADER_MIDDLEWARES_BASE = {k: v for k, v in scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
                               if k != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"}
# Consoles that run Python sent to them inside the crawl (Scrapy >= 2.19 starts its remote-control HTTP server
# by default and writes its token under ~/.local/state/scrapy): no place in a crawler whose captures are
# evidence. Removed from the base, so no override of the *_ENABLED settings brings them back.
EXTENSIONS_BASE = {k: v for k, v in scrapy_defaults.EXTENSIONS_BASE.items()
                   if k not in ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")}

SPIDER_MIDDLEWARES = {
    # Unchanged documents become "seen" items without a request.
    "crawler.middlewares.incremental.IncrementalMiddleware": 950,
}
DOWNLOADER_MIDDLEWARES = {
    # The fetch policy (crawler/policy.py) first: http(s) on the agency's hosts only, refusals recorded,
    # bodies stopped at their size cap (before robots.txt, the routing and the network).
    "crawler.middlewares.policy.FetchPolicyMiddleware": 50,
    # Retries with exponential backoff and Retry-After; retries blocked and throttled pages too.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Evidence: above HttpCompressionMiddleware (590), so the raw (still content-coded) body is kept.
    "crawler.middlewares.capture.CaptureMiddleware": 950,
    # Send real origins to the simulator when one is configured (before HttpProxyMiddleware, 750,
    # because plain-HTTP origins go through the simulator's proxy mode).
    "crawler.middlewares.routing.SimulatorRoutingMiddleware": 740,
}
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.runlog.RunLogExtension": 100,
    "crawler.extensions.progress.ProgressExtension": 200,
}

# ---- xxgk settings
XXGK_DB = "data/archive.sqlite"
XXGK_WARC_DIR = "data/warc"
XXGK_AGENCY: dict[str, Any] = {}  # the registry entry, filled by `xxgk crawl`
XXGK_CHANNEL = "catalog"
XXGK_SOFTWARE = "xxgk-archive/0.1"
XXGK_SIMULATOR = ""  # base URL of a running simulator: real origins are routed there
XXGK_ROUTED_HOSTS: list[str] = []  # hosts the routing middleware sends to the simulator
XXGK_ALLOWED_HOSTS: list[str] = []  # hosts a crawl may fetch besides the agency's own (crawler/policy.py)
XXGK_FULL_REFRESH = False  # re-read every document page (conditionally) even when its list entry is unchanged
XXGK_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
XXGK_EMPTY_PAGE_RETRIES = 3  # throttled (empty) list pages are retried this many times before being believed
XXGK_BLOCK_RETRIES = 2  # WAF/challenge responses are retried this many times, then the page counts as blocked
XXGK_BACKOFF_BASE = 2.0  # seconds; the k-th retry waits base * 3**k (reference gkmlpt.md §8)
XXGK_BACKOFF_MAX = 120.0
# A run whose first N requests all fail at the network level (DNS, refused, unreachable, timed out) before any
# response ends at once as `failed` ("network unreachable") instead of retrying for minutes; 0 = never.
XXGK_UNREACHABLE_AFTER = 3
XXGK_RETRY_AFTER_MAX = 300.0
XXGK_SEARCH_PAGE_SIZE = 50
# seconds between an idle Redis worker's looks at the shared queue (Scrapy's engine looks every 5 s): a worker
# would otherwise take up to 5 s to share the pages another worker queued, or to close once the others have ended
XXGK_FRONTIER_POLL = 0.25
XXGK_BUSY_TIMEOUT = 30.0  # seconds a write waits for a database another process holds, before the crawl stops
XXGK_BATCH_SIZE = 200
XXGK_BATCH_SECONDS = 2.0
XXGK_PROGRESS = True  # live progress on a terminal (a log line every few seconds otherwise)
# WeChat listers (credentials come from environment variables only, never from settings)
XXGK_WECHAT_BIZ = ""  # the account's __biz, when neither the MP backend nor an article page tells it
XXGK_WECHAT_MP_MODE = "appmsgpublish"  # or "list_ex": the MP backend's other listing
XXGK_WECHAT_FEEDS: list[str] = []  # feed URLs or files (Atom, RSS 2.0, JSON Feed); comma-separated on the command line
# The zone of feed times written without one (we-mp-rss writes its bridge's local time): an IANA name.
XXGK_WECHAT_FEED_ZONE = "Asia/Shanghai"
XXGK_WECHAT_URL_LIST = ""  # a file of article URLs, one a line
# Discovery (`xxgk agencies add` / `check`): how far it follows the website's navigation.
XXGK_DISCOVERY_MAX_PAGES = 40  # website pages read at most
XXGK_DISCOVERY_MAX_DEPTH = 3  # links followed from the home page at most this deep

SIMULATOR_PROFILE: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": 10,
    # The simulator's faults count requests, never time: a retry needs no more wait than makes it another request
    # (0.02, 0.06, 0.18, 0.2 s: a page failing all five attempts waits 0.46 s, not the real profile's minutes).
    "XXGK_BACKOFF_BASE": 0.02,
    "XXGK_BACKOFF_MAX": 0.2,
    "XXGK_RETRY_AFTER_MAX": 2.0,
}
