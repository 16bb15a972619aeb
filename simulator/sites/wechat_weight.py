"""Real-weight WeChat article pages: the inline scripts and style blocks that make real pages weigh
2–4 MB (reference wechat.md §1.2; the captures in ../shared/real-pages/wechat weigh 2.3–4.0 MB, about
97 % of it inline scripts), generated, never copied from a real page.

The layout follows the real captures: a dozen scripts and a style block in `<head>` (up to ~80 KB
each), an `h5only` library of ~1.5 MB and a few more after the content, the publish-time script at the
very end of a ~230 KB library (as real pages have it), the data scripts and `cgiDataNew`, then ~320 KB
of tail scripts. The code is minified-looking JS built from a seeded vocabulary: modules, object
literals, Chinese UI strings, `for (var idx = 0; …)` loops after the data (a real page has those too)
and `var biz = window.biz || ""` (a wanted name with a non-literal value). Before the data, one head
script carries the traps a naive reader falls into: the article's variable names inside a string, a
block comment, a template literal spanning lines and a line comment, each with a false value.

Which articles are served this way: `WxArticle.real_weight` (scenario key `real_weight_every`). The
page size varies per article between about 2 and 4 MB.
"""

from __future__ import annotations

import random
import weakref
from dataclasses import dataclass

from ..world import World, WxArticle, hexdigest, rng_for

# Script sizes (characters) of the real captures, in page order (普通图文/01).
HEAD_SCRIPTS = (154, 136, 771, 20988, 1805, 75039, 57701, 76251, 4276, 39457)
AFTER_CONTENT = (1457698, 12513, 95033, 2912, 758)
PUBTIME_LIBRARY = 226900
TAIL_SCRIPTS = (15446, 37361, 1817, 765, 15705, 164187, 34060, 21024, 12708, 1094, 17191)
STYLE = 60_000
TRAP_SCRIPT = 3  # the 20 KB head script
EXTRA_MAX = 1_250_000  # added to the big library, by article: pages weigh ~2.65 MB + 0…1.25 MB

TRAPS = """/*
 * Example of a page's variables, kept in a comment:
 * var ct = "946684800"; var msg_title = '陷阱：注释里的标题'.html(false);
 */
var __demoText = "示例：var ct = \\"946684800\\"; var biz = \\"VFJBUA==\\"; var mid = \\"1\\"";
var __demoTemplate = `
var sn = "00000000000000000000000000000000" || "";
window.cgiDataNew = { title: JsDecode('陷阱：模板里的标题'), mid: '1' * 1 };
window.short_link = 'https://mp.weixin.qq.com/s/TRAPTRAPTRAPTRAPTRAP00' || '';
`;
// var idx = "9" || ""; var item_show_type = "10";
var __demoSingle = 'window.short_link = \\'https://mp.weixin.qq.com/s/TRAPTRAPTRAPTRAPTRAP01\\' || \\'\\'';
"""

_WORDS = ("init", "render", "report", "appmsg", "comment", "like", "share", "video", "audio", "profile", "topic",
          "album", "reward", "emotion", "bar", "tool", "state", "store", "dispatch", "event", "handler", "config",
          "router", "lazy", "image", "loader", "track", "monitor", "pay", "subscribe", "follow", "dialog")
_UI = ("加载中", "网络异常，请稍后重试", "已关注", "关注", "轻触查看原文", "向上滑动看下一个", "分享", "收藏", "在看",
       "知道了", "取消", "允许", "写留言", "复制链接", "该内容暂时无法查看", "已复制")
_CSS = ("rich_media", "wx_follow", "weui-dialog", "js_underline", "appmsg_bar", "interaction_bar", "comment_primary",
        "wx_expand_article", "share_notice", "qr_code_pc", "weapp_code", "profile_area")


@dataclass(frozen=True)
class Weight:
    head: str = ""  # scripts and a style block in <head>
    before_data: str = ""  # library scripts between the content and the data scripts
    pubtime_library: str = ""  # the library code the publish-time script ends
    tail: str = ""  # scripts after cgiDataNew


NONE = Weight()


def _ident(rng: random.Random) -> str:
    return rng.choice("abcdefghijklmnopqrstuvwxyz") + rng.choice(("", "", str(rng.randint(0, 99)), "_" + rng.choice(_WORDS)))


def _statement(rng: random.Random) -> str:
    a, b, c = _ident(rng), _ident(rng), _ident(rng)
    word = rng.choice(_WORDS)
    if rng.random() < 0.004:  # rare, as on real pages: a wanted name with a value no reader may take
        return f"var biz=window.biz||\"\",{a}=window.{word}||[];"
    k = rng.randrange(8)
    if k == 0:
        return f"var {a}={rng.choice('nrt')}({rng.randint(1, 9999)}),{b}={c}.{word}||{{}};"
    if k == 1:
        return f'{a}.{word}=function({b},{c}){{return {b}&&{b}.__esModule?{b}:{{"default":{b},"{word}":{c}}}}};'
    if k == 2:
        return f'if({a}.{word}&&{b}){{{c}.emit("{word}:{rng.choice(_WORDS)}",{{msg:"{rng.choice(_UI)}",code:{rng.randint(-9, 9)}}})}}'
    if k == 3:
        return f"{a}.exports={{{word}:\"{rng.choice(_UI)}\",{rng.choice(_WORDS)}:{rng.randint(0, 10**6)},flag:!{rng.randint(0, 1)}}};"
    if k == 4:
        return f"{a}.{word}=\"{rng.choice(_UI)}\"+{b}.length+'{rng.choice(_WORDS)}';"
    if k == 5:
        return f"function {a}({b}){{var {c}=[];for(var i=0;i<{b}.length;i++){{{c}.push({b}[i].{word})}}return {c}}}"
    if k == 6:
        return f"{a}.prototype.{word}=function(){{return this.{rng.choice(_WORDS)}?'{rng.choice(_UI)}':\"\"+this.{word}}};"
    if k == 7:
        return f"/* {word} */{a}={b}?{c}:{rng.randint(0, 512)}>>{rng.randint(1, 8)};"
    return f"{a}[\"{word}\"]=[{','.join(str(rng.randint(0, 255)) for _ in range(rng.randint(3, 12)))}];"


def _code(rng: random.Random, size: int, loops: bool = False) -> str:
    """About `size` characters of minified-looking code, whole statements only, in short lines."""
    out: list[str] = []
    n = 0
    while n < size:
        line = "".join(_statement(rng) for _ in range(rng.randint(3, 9)))
        if loops and rng.random() < 0.05:
            line += "for(var idx=0;idx<e.length;idx++){t[idx]=e[idx]}"
        out.append(line)
        n += len(line) + 1
    return "\n".join(out) + "\n"


def _script(body: str, nonce: str, h5only: bool = False) -> str:
    extra = " h5only" if h5only else ""
    return f'<script type="text/javascript"{extra} nonce="{nonce}" reportloaderror>\n{body}</script>\n'


def _style(rng: random.Random, size: int) -> str:
    out, n = [], 0
    while n < size:
        rule = (f".{rng.choice(_CSS)}_{rng.choice(_WORDS)}{{margin:{rng.randint(0, 24)}px;color:#{rng.randrange(16**6):06x};"
                f"font-size:{rng.randint(12, 20)}px;line-height:{rng.choice(('1.4', '1.6', '1.75'))}}}")
        out.append(rule)
        n += len(rule) + 1
    return "<style>\n" + "\n".join(out) + "\n</style>\n"


@dataclass(frozen=True)
class _Parts:
    head: str
    library: str  # the big h5only library, before its per-article extra
    after: str
    pubtime_library: str
    tail: str
    extra: str  # code the big library grows by, EXTRA_MAX characters


_CACHE: weakref.WeakKeyDictionary[World, _Parts] = weakref.WeakKeyDictionary()


def _parts(world: World) -> _Parts:
    parts = _CACHE.get(world)
    if parts is None:
        rng = rng_for(world.seed, "wechat-weight")
        nonce = "100000001"
        head = [_style(rng, STYLE)]
        for k, size in enumerate(HEAD_SCRIPTS):
            body = _code(rng, size)
            head.append(_script(TRAPS + body if k == TRAP_SCRIPT else body, nonce))
        library = _code(rng, AFTER_CONTENT[0])
        after = "".join(_script(_code(rng, size), nonce) for size in AFTER_CONTENT[1:])
        pubtime = _code(rng, PUBTIME_LIBRARY)
        tail = "".join(_script(_code(rng, size, loops=True), nonce) for size in TAIL_SCRIPTS)
        parts = _Parts("".join(head), library, after, pubtime, tail, _code(rng, EXTRA_MAX))
        _CACHE[world] = parts
    return parts


def page_weight(world: World, art: WxArticle) -> Weight:
    """The scripts and styles of a real-weight page (NONE for other articles)."""
    if not art.real_weight:
        return NONE
    parts = _parts(world)
    cut = int(hexdigest(world.seed, "weight-size", art.token, n=6), 16) % EXTRA_MAX
    extra = parts.extra[:parts.extra.rfind("\n", 0, cut) + 1]  # whole lines only
    library = _script(parts.library + extra, "100000001", h5only=True)
    return Weight(head=parts.head, before_data=library + parts.after, pubtime_library=parts.pubtime_library,
                  tail=parts.tail)
