"""Is a response a block, a challenge or a throttle rather than content?

`detect_block(status, headers, body, url)` returns a reason or None:

- 'waf_412' / 'waf_521': the 瑞数 (412) and 加速乐 (521) JavaScript cookie challenges, by status;
- 'challenge_page': a page carrying challenge *markup* (slider captcha containers, `$_ts` cookie
  scripts, `__jsl_clearance` set through `document.cookie=`, a <title> that is only 安全验证);
- 'verification_wall': WeChat's 环境异常/去验证 wall, its wappoc_appmsgcaptcha URL, or a redirect there;
- 'throttled_empty': a well-formed listing that is empty although it says items exist (gkmlpt list
  API, NFCMS column page, search JSONP; reference gkmlpt.md §8 "transient throttling").

It runs on every response, so it is cheap: status first, then byte searches in the first 64 KB, and
decoding or JSON parsing only once a marker has matched. Words alone never count (a document about
安全验证 is content): a marker must be markup, and challenge pages must also be thin (little
visible text), which real content pages never are.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

HEAD = 64 * 1024
THIN_TEXT = 800  # visible characters; challenge pages carry a sentence or two

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_WALL_URLS = (b"wappoc_appmsgcaptcha", b"weixin110.qq.com")


def _enc(*words: str) -> tuple[bytes, ...]:
    """A CJK marker as UTF-8 and GBK bytes (pages of some hosts are GBK)."""
    return tuple({w.encode(enc) for w in words for enc in ("utf-8", "gbk")})


# Challenge markup: (regex on raw bytes) – each one is markup or script, never prose.
_CHALLENGE = [
    re.compile(rb"""id\s*=\s*["']?(?:nc_1_wrapper|waf_nc_block|nocaptcha)\b""", re.I),
    re.compile(rb"""/sd/ncpc/nc\.js|AWSC/AWSC\.js|/nocaptcha/""", re.I),
    re.compile(rb"""\$_ts\s*=\s*window\s*\[\s*['"]\$_ts['"]\s*\]|\$_ts\.(?:nsd|cd)\s*="""),
]
# A word each challenge pattern cannot match without (lower case; the `$_ts` one is case-sensitive): a page
# with none of them skips the regexes, which cost more than the rest of the block check on a content page.
_CHALLENGE_WORDS = [(b"nc_1_wrapper", b"waf_nc_block", b"nocaptcha"), (b"/sd/ncpc/nc.js", b"awsc/awsc.js", b"/nocaptcha/"),
                    None]


def _challenge_markup(head: bytes) -> bool:
    low = head.lower()  # ASCII lower case, as re.I folds bytes
    for pattern, words in zip(_CHALLENGE, _CHALLENGE_WORDS, strict=True):
        if words is None:
            if b"$_ts" in head and pattern.search(head):
                return True
        elif any(w in low for w in words) and pattern.search(head):
            return True
    return False

_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_JSL = re.compile(rb"document\.cookie\s*=")
_JSL_SPLIT = re.compile(rb"""\(['"]_['"]\)\s*\+\s*\(['"]_['"]\)\s*\+\s*\(['"]j['"]\)""")
_TITLE = re.compile(rb"<title>\s*(?:" + b"|".join(re.escape(t) for t in _enc("安全验证", "访问验证", "人机验证",
                                                                             "滑动验证", "验证码"))
                    + rb")\s*</title>", re.I)
_WALL_TEXT = [re.compile(rb">\s*" + re.escape(t) + rb"\s*<") for t in _enc("环境异常")]
_WALL_MARKUP = re.compile(rb"""id\s*=\s*["']?js_verify|\bpoc_token\b|wappoc_""")
_WALL_BUTTON = re.compile(b"|".join(rb">\s*" + re.escape(t) + rb"\s*<" for t in _enc("去验证")))

_ARTICLES_EMPTY = re.compile(rb'"articles"\s*:\s*\[\s*\]')
_RESULTS_EMPTY = re.compile(rb'"results"\s*:\s*\[\s*\]')
_INFOLIST = re.compile(rb"""<ul\b[^>]*class\s*=\s*["'][^"']*\binfoList\b[^"']*["'][^>]*>(.*?)</ul\s*>""", re.I | re.S)
_TOTAL = re.compile(rb"Math\.ceil\(\s*(\d+)\s*/\s*\d+\s*\)")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")


def _header(headers: dict[str, str], name: str) -> str:
    """Case-insensitive lookup; also copes with Scrapy's Headers (bytes keys, list values)."""
    name = name.lower()
    for key, value in (headers or {}).items():
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() != name:
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    return ""


def _thin(head: bytes) -> bool:
    """Little visible text once scripts, styles and tags are gone."""
    text = head.decode("utf-8", errors="replace")
    text = _TAGS.sub(" ", _SCRIPT_STYLE.sub(" ", text))
    return len("".join(text.split())) < THIN_TEXT


def _jsl_script(head: bytes) -> bool:
    """加速乐: a <script> that sets __jsl_clearance (often spelled ('_')+('_')+('j')…) by document.cookie=."""
    for m in _SCRIPT.finditer(head):
        code = m.group(1)
        if _JSL.search(code) and (b"__jsl_clearance" in code or _JSL_SPLIT.search(code)):
            return True
    return False


def _query_int(query: dict[str, list[str]], key: str, default: int) -> int:
    try:
        value = int(query.get(key, [""])[0])
    except ValueError:
        return default
    return value


def _throttled_api(body: bytes) -> bool:
    """gkmlpt list API: `articles` empty while offset < total."""
    if len(body) > HEAD or not _ARTICLES_EMPTY.search(body):
        return False  # an empty page is tiny; a big one has articles
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict) or data.get("articles") != []:
        return False
    total, offset = data.get("total"), data.get("offset", 0)
    return isinstance(total, int) and isinstance(offset, int) and 0 <= offset < total


def _throttled_search(body: bytes, url: str) -> bool:
    """Search JSONP: `results` empty while count > 0 and the requested page is within range."""
    if len(body) > HEAD or not _RESULTS_EMPTY.search(body):
        return False
    from .gkmlpt import ParseError, parse_search  # local: gkmlpt imports parsel/lxml

    try:
        page = parse_search(body)
    except ParseError:
        return False
    if page.results or page.count <= 0:
        return False
    query = parse_qs(urlsplit(url).query)
    number = _query_int(query, "page", 1)
    size = _query_int(query, "pagesize", 20)
    size = 20 if size <= 0 else size
    return number >= 1 and (number - 1) * size < page.count


def _throttled_nfcms(head: bytes) -> bool:
    """NFCMS column page: the pager script says N > 0 items, the main ul.infoList has no li."""
    m = _INFOLIST.search(head)
    if not m or re.search(rb"<li\b", m.group(1), re.I):
        return False
    total = _TOTAL.search(head, m.end())
    return bool(total and int(total.group(1)) > 0)


def detect_block(status: int, headers: dict[str, str], body: bytes, url: str) -> str | None:
    """The reason this response is a block/challenge/throttle rather than content, else None.

    HTTP errors (429, 5xx, 404) are not reported here: their status says it all and the retry
    middleware handles them.
    """
    if status == 412:
        return "waf_412"
    if status == 521:
        return "waf_521"
    url_b = url.encode("utf-8", errors="replace") if isinstance(url, str) else bytes(url or b"")
    if status in _REDIRECTS:
        location = _header(headers, "location").encode("utf-8", errors="replace")
        if any(m in location for m in _WALL_URLS):
            return "verification_wall"
        return None
    if b"wappoc_appmsgcaptcha" in url_b:
        return "verification_wall"
    if not body:
        return None
    body = bytes(body)
    head = body[:HEAD]
    if b"<" in head:
        if any(p.search(head) for p in _WALL_TEXT):
            # WeChat's own markup, or its 去验证 button on a WeChat URL; never the words alone
            wechat = b"weixin.qq.com" in url_b and _WALL_BUTTON.search(head)
            if (_WALL_MARKUP.search(head) or wechat) and _thin(head):
                return "verification_wall"
        challenge = _challenge_markup(head)
        if not challenge and (b"__jsl_clearance" in head or _JSL_SPLIT.search(head)):
            challenge = _jsl_script(head)
        if not challenge:
            challenge = bool(_TITLE.search(head))
        if challenge and _thin(head):
            return "challenge_page"
    if status != 200:
        return None
    start = head.lstrip()[:1]
    if start == b"{" and b'"articles"' in head:
        return "throttled_empty" if _throttled_api(body) else None
    if b'"results"' in head and b"(" in head[:200]:
        return "throttled_empty" if _throttled_search(body, url) else None
    if b"infoList" in head and b"createPageHTML" in head:
        return "throttled_empty" if _throttled_nfcms(head) else None
    return None
