"""The loopback HTTP server: one port, many hosts.

Requests are routed by the host the client meant, found (in this order) from
  1. a path prefix `/_/{host}/…` (for people browsing with an ordinary browser; absolute links in
     text responses are rewritten to stay inside the prefix),
  2. an absolute-form request line `GET http://host/… HTTP/1.1` (forward-proxy mode: `curl -x`),
  3. the Host header (what the crawler's routing middleware sends).
Admin endpoints under `/_sim/` move the scenario clock, switch faults and list the agencies; they answer
loopback clients only. Generic faults (errors, slowness, resets, 429, WAF pages, truncation, GBK) are applied
here; channel-specific ones by the site renderers.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import re
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from .http import SimRequest, SimResponse, SimState, etag_of, http_date
from .sites import feeds, files, gkmlpt, nfcms, search, we_mp_rss, wechat_listers, wechat_pages, weread

ADMIN_PREFIX = "/_sim"
BROWSE_PREFIX = "/_/"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
BROWSER_UA = re.compile(r"Mozilla/5\.0 .*(Chrome|Firefox|Safari)/")

# Hosts the simulator answers for besides the agencies' own hosts.
SEARCH_HOST = "search.gd.gov.cn"
WECHAT_HOST = "mp.weixin.qq.com"
WEREAD_HOST = "weread.qq.com"
FEEDS_HOST = "wewe-rss.localhost"
STATIC_HOSTS = (SEARCH_HOST, WECHAT_HOST, WEREAD_HOST, FEEDS_HOST, *we_mp_rss.HOSTS)


def route(req: SimRequest, state: SimState) -> tuple[str, Any] | None:
    """(channel, handler) for a request, or None when no simulated site serves it."""
    host, path = req.host, req.path
    if host == SEARCH_HOST:
        return "search", search.handle
    if host == WECHAT_HOST:
        if path.startswith("/cgi-bin/") or path.startswith("/mp/profile_ext"):
            return "wechat", wechat_listers.handle
        return "wechat", wechat_pages.handle
    if host == WEREAD_HOST:
        return "weread", weread.handle
    if host == FEEDS_HOST:
        return "feeds", feeds.handle
    if host in we_mp_rss.HOSTS:
        return "feeds", we_mp_rss.handle
    if path == "/robots.txt":
        return None
    parts = path.split("/", 3)
    first = parts[1] if len(parts) > 1 else ""
    second = parts[2] if len(parts) > 2 else ""
    world = state.world
    for agency in world.agencies:
        if agency.host != host and agency.web_host != host:
            continue
        if first == "attachment" or (second == "attachment" and first in (agency.site_code, agency.web_code)):
            return "attachment", files.handle
        if agency.host == host and agency.gkmlpt and path.startswith(agency.gkmlpt_root):
            return "gkmlpt", gkmlpt.handle
    if world.agency_for_website(host, path) is not None:
        return "website", nfcms.handle
    return None


def agency_list(state: SimState) -> list[dict[str, Any]]:
    """Every agency of the scenario and where a person would start from (`GET /_sim/agencies`): what
    `xxgk agencies add --from-simulator` discovers."""
    return [{"id": a.id, "name": a.name, "host": a.host,
             "gkmlpt": a.gkmlpt_base + "index" if a.gkmlpt else None,
             "website": a.website_base if a.website else None,
             "wechat": a.wechat.name if a.wechat else None} for a in state.world.agencies]


def known_hosts(state: SimState) -> list[str]:
    return sorted({h for a in state.world.agencies for h in (a.host, a.web_host)} | set(STATIC_HOSTS))


# ---------------------------------------------------------------- generic faults


WAF_PAGES = {
    # 瑞数-style 412: a JavaScript cookie check that reloads the page.
    412: ('<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
          '<script type="text/javascript" r="m">var $_ts=window[\'$_ts\'];if(!$_ts){$_ts={};}$_ts.nsd=27813;'
          '$_ts.cd="qhwdrqAlrcQlqGAxWqEtcsyqJrQqAOErzsyxrr3zJGwqqr";</script>'
          '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r="m"></script>'
          '</head><body></body></html>'),
    # 加速乐-style 521: sets __jsl_clearance by script and reloads.
    521: ("<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+"
          "('a')+('n')+('c')+('e')+('_')+('s')+('=')+('1764200000.123|0|abcdef')+';Max-age=3600; path = /';"
          "location.href=location.pathname+location.search</script></body></html>"),
    # A challenge body behind status 200: the slider-captcha interstitial.
    200: ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title></head><body>'
          '<div id="waf_nc_block"><h3>访问验证</h3><p>您的访问过于频繁，请完成下方验证后继续访问。</p>'
          '<div id="nc_1_wrapper" class="nc-container"></div></div>'
          '<script src="//g.alicdn.com/sd/ncpc/nc.js?t=2015052012"></script></body></html>'),
}


def fault_before(req: SimRequest, state: SimState) -> SimResponse | None:
    if state.active("require_ua", req) and not BROWSER_UA.search(req.header("user-agent")):
        return SimResponse(reset=True)
    if state.active("reset", req):
        return SimResponse(reset=True)
    f = state.active("rate_limit", req)
    if f:
        retry = str(f.params.get("retry_after", 1))
        return SimResponse.html("<html><body><h1>429 Too Many Requests</h1></body></html>", status=429,
                                headers={"Retry-After": retry})
    f = state.active("http_error", req)
    if f:
        status = int(f.params.get("status", 503))
        return SimResponse.html(f"<html><head><title>{status}</title></head><body><center><h1>{status}</h1>"
                                "</center><hr><center>nginx</center></body></html>", status=status)
    f = state.active("waf", req)
    if f:
        status = int(f.params.get("status", 412))
        return SimResponse.html(WAF_PAGES.get(status, WAF_PAGES[412]), status=status)
    f = state.active("redirect", req)
    if f:
        return SimResponse.html("<html><body>moved</body></html>", status=int(f.params.get("status", 302)),
                                headers={"Location": str(f.params.get("location", "file:///etc/passwd"))})
    return None


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped (a thousandfold smaller): a body that inflates far past any limit."""
    return gzip.compress(b"\0" * size, compresslevel=9, mtime=0)


def fault_after(req: SimRequest, state: SimState, resp: SimResponse) -> SimResponse:
    ok = resp.status == 200 and bool(resp.body)
    rewrites = state.all_active("rewrite", req) if ok else []
    for f in rewrites:  # every matching rewrite, in order
        text = re.sub(str(f.params["pattern"]), str(f.params.get("replacement", "")), resp.body.decode("utf-8"),
                      count=int(f.params.get("count", 0)))
        resp.body, resp.cacheable = text.encode("utf-8"), False
    if ok and (state.active("truncated_json", req) or state.active("truncated", req)):
        # A complete response (its Content-Length matches) whose body is the first half of the real one.
        resp.body = resp.body[: max(1, len(resp.body) // 2)]
        resp.cacheable = False
    f = state.active("cut", req)
    if f and ok:
        resp.cut_at, resp.cacheable = int(len(resp.body) * float(f.params.get("fraction", 0.5))), False
    f = state.active("gzip_bomb", req)
    if f and ok:
        resp.body = gzip_bomb(int(float(f.params.get("size_mb", 256)) * 1024 * 1024))
        resp.headers["Content-Encoding"] = "gzip"
        resp.cacheable = False
    f = state.active("oversize", req)
    if f and ok:
        resp.stream_bytes, resp.cacheable = int(float(f.params.get("size_mb", 256)) * 1024 * 1024), False
    if state.active("gbk", req) and resp.content_type.startswith("text/") and resp.status == 200:
        text = resp.body.decode("utf-8")
        text = re.sub(r'charset=["\']?utf-8["\']?', "charset=gbk", text, flags=re.I)
        resp.body = text.encode("gbk", errors="xmlcharrefreplace")
        resp.content_type = resp.content_type.replace("utf-8", "gbk")
    return resp


def conditional(req: SimRequest, resp: SimResponse) -> SimResponse:
    """ETag/Last-Modified on static-like pages, and 304 when the client's copy is current."""
    if not resp.cacheable or resp.status != 200:
        return resp
    tag = etag_of(resp.body)
    resp.headers["ETag"] = tag
    if resp.last_modified:
        resp.headers["Last-Modified"] = http_date(resp.last_modified)
    inm = req.header("if-none-match")
    if inm and tag in [t.strip() for t in inm.split(",")]:
        return SimResponse(status=304, headers=resp.headers, content_type=resp.content_type)
    ims = req.header("if-modified-since")
    if ims and resp.last_modified and not inm:
        try:
            if resp.last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims):
                return SimResponse(status=304, headers=resp.headers, content_type=resp.content_type)
        except (TypeError, ValueError):
            pass
    return resp


def serve(req: SimRequest, state: SimState) -> SimResponse:
    """Answer one simulated request (no I/O): routing, faults, renderer, conditional GET."""
    state.requests += 1
    req.attempt = state.attempt(req)
    routed = route(req, state)
    if routed is None:
        if req.path == "/robots.txt" and req.host in known_hosts(state):
            return SimResponse.text("User-agent: *\nAllow: /\n")
        return SimResponse.not_found()
    req.channel, handler = routed
    before = fault_before(req, state)
    if before is not None:
        return before
    resp = handler(req, state) or SimResponse.not_found()
    resp = fault_after(req, state, resp)
    return conditional(req, resp)


# ---------------------------------------------------------------- aiohttp adapter


def _rewrite_for_browsing(body: bytes, hosts: list[str], prefix: str, host: str) -> bytes:
    """Keep a browser inside the path prefix: absolute links to simulated hosts, and root-relative
    links of the page's own host, get the `/_/{host}` prefix."""
    text = body.decode("utf-8", errors="surrogateescape")
    for h in hosts:
        text = re.sub(rf"(?:https?:)?//{re.escape(h)}/", f"{prefix}{h}/", text)
    text = re.sub(r"""((?:href|src|action)=["'])/(?![/_])""", rf"\1{prefix}{host}/", text)
    return text.encode("utf-8", errors="surrogateescape")


def make_app(state: SimState) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        raw_path = request.raw_path
        if raw_path == ADMIN_PREFIX or raw_path.startswith(ADMIN_PREFIX + "/"):
            return await admin(request, state)
        browsing = False
        msg_url = request.message.url  # absolute in proxy mode (absolute-form request target)
        if msg_url.is_absolute() and msg_url.host:
            host, path = msg_url.host, msg_url.path
        elif raw_path.startswith(BROWSE_PREFIX):
            host, _, rest = raw_path[len(BROWSE_PREFIX):].partition("/")
            path = "/" + unquote(rest.split("?", 1)[0])
            browsing = True
        else:
            host = (request.headers.get("Host") or "").split(":")[0]
            path = request.path
            if host in LOOPBACK or not host:
                return _response(200, home_page(state, request).encode(), "text/html; charset=utf-8", {})
        query: dict[str, str] = {}
        for k, v in request.query.items():
            query.setdefault(k, v)  # first value wins for repeated keys
        req = SimRequest(method=request.method, host=host.lower(), path=path, query=query,
                         headers={k.lower(): v for k, v in request.headers.items()},
                         body=await request.read() if request.can_read_body else b"")
        resp = serve(req, state)
        slow = state.active("slow", req)
        if slow:
            await asyncio.sleep(float(slow.params.get("seconds", 30)))
        if resp.reset:
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("simulated connection reset")
        headers = dict(resp.headers)
        headers["Server"] = "nginx"
        if resp.status == 304:
            return web.Response(status=304, headers=headers)
        if resp.cut_at is not None or resp.stream_bytes is not None:
            return await _broken_transfer(request, resp, headers)
        body = resp.body
        if browsing and resp.content_type.startswith(("text/", "application/json", "application/javascript")):
            body = _rewrite_for_browsing(body, known_hosts(state), BROWSE_PREFIX, req.host)
        return _response(resp.status, body, resp.content_type, headers)

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def _broken_transfer(request: web.Request, resp: SimResponse, headers: dict[str, str]) -> web.StreamResponse:
    """`cut`: the whole body's Content-Length, part of the body, then the connection closes.
    `oversize`: a chunked body (no Content-Length) of `stream_bytes`, or until the client hangs up."""
    out = web.StreamResponse(status=resp.status, headers={**headers, "Content-Type": resp.content_type})
    if resp.cut_at is not None:
        out.content_length = len(resp.body)
    else:
        out.enable_chunked_encoding()
    await out.prepare(request)
    try:
        if resp.cut_at is not None:
            await out.write(resp.body[:resp.cut_at])
        else:
            chunk, sent = b"x" * 65536, 0
            while sent < (resp.stream_bytes or 0):
                await out.write(chunk)
                sent += len(chunk)
            await out.write_eof()
            return out
    except (ConnectionError, RuntimeError):
        return out  # the client hung up (as it should, past its size limit)
    if request.transport is not None:
        request.transport.close()  # flushes what was written, then closes: the rest never comes
    raise ConnectionResetError("simulated cut transfer")


def _response(status: int, body: bytes, content_type: str, headers: dict[str, str]) -> web.Response:
    headers = dict(headers)
    headers["Content-Type"] = content_type
    return web.Response(status=status, body=body, headers=headers)


def home_page(state: SimState, request: web.Request) -> str:
    base = f"http://{request.host}"
    a = state.world.agencies[0]
    examples = []
    for ag in state.world.agencies:
        if ag.gkmlpt:
            examples += [f"{base}/_/{ag.host}{ag.gkmlpt_root}index",
                         f"{base}/_/{ag.host}{ag.gkmlpt_root}api/all/0?page=1&sid={ag.sid}"]
        if ag.website:
            examples.append(f"{base}/_/{ag.web_host}{ag.web_root}")
    if a.gkmlpt:
        examples.append(f"{base}/_/{SEARCH_HOST}/jsonp/site/{a.sid}?page=1&pagesize=20&callback=cb")
    if a.wechat and a.wechat.articles:
        examples.append(f"{base}/_/{WECHAT_HOST}/s/{a.wechat.articles[-1].token}")
        examples.append(f"{base}/_/{FEEDS_HOST}/feeds/{a.wechat.weread_book_id}.atom")
        examples.append(f"{base}/_/we-mp-rss.localhost/rss/{a.wechat.weread_book_id}")
    items = "".join(f'<li><a href="{u}">{u}</a></li>' for u in examples)
    hosts = "".join(f"<li>{h}</li>" for h in known_hosts(state))
    start = a.gkmlpt_base + "index" if a.gkmlpt else a.website_base
    first = start.split("://", 1)[1].split("/", 1)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>xxgk simulator</title></head><body>"
            f"<h1>xxgk simulator: {state.world.name}</h1><p>Scenario day: {state.today.isoformat()}</p>"
            f"<h2>Hosts served</h2><ul>{hosts}</ul><h2>Start here</h2><ul>{items}</ul>"
            f"<p>Or use it as an HTTP proxy: <code>curl -x {base} {start}</code>; "
            f"or send the Host header: <code>curl -H 'Host: {first[0]}' {base}/{first[1]}</code>.</p>"
            f"<p>Admin (loopback only): <code>GET {base}/_sim/state</code>, <code>POST {base}/_sim/clock</code>, "
            f"<code>POST {base}/_sim/faults</code>, <code>GET {base}/_sim/truth</code>, <code>GET {base}/_sim/agencies</code>."
            "</p></body></html>")


async def admin(request: web.Request, state: SimState) -> web.Response:
    if request.remote not in LOOPBACK:
        return web.json_response({"error": "admin endpoints answer loopback clients only"}, status=403)
    action = request.path[len(ADMIN_PREFIX):].strip("/")
    try:
        payload = await request.json() if request.can_read_body else {}
    except json.JSONDecodeError as exc:
        return web.json_response({"error": f"body is not JSON: {exc}"}, status=400)
    if action in ("", "state") and request.method == "GET":
        return web.json_response(state.snapshot())
    if action == "clock" and request.method == "POST":
        if "today" in payload:
            try:
                state.today = date.fromisoformat(str(payload["today"]))
            except ValueError:
                return web.json_response({"error": f"today must be YYYY-MM-DD, got {payload['today']!r}"}, status=400)
        elif "advance_days" in payload:
            state.today += timedelta(days=int(payload["advance_days"]))
        else:
            return web.json_response({"error": "give 'today' (YYYY-MM-DD) or 'advance_days' (int)"}, status=400)
        return web.json_response(state.snapshot())
    if action == "faults" and request.method == "POST":
        try:
            state.set_faults(payload.get("faults", []), replace=bool(payload.get("replace", True)))
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(state.snapshot())
    if action == "faults" and request.method == "DELETE":
        state.set_faults([])
        return web.json_response(state.snapshot())
    if action == "reset" and request.method == "POST":
        state.attempts.clear()
        state.calls.clear()
        state.requests = 0
        return web.json_response(state.snapshot())
    if action == "agencies" and request.method == "GET":
        return web.json_response(agency_list(state), dumps=lambda o: json.dumps(o, ensure_ascii=False))
    if action == "truth" and request.method == "GET":
        from .truth import ground_truth

        return web.json_response(ground_truth(state.world, state.today), dumps=lambda o: json.dumps(o, ensure_ascii=False))
    return web.json_response({"error": f"unknown admin action {request.method} {request.path}"}, status=404)


async def run(state: SimState, host: str, port: int, ready: Any = None, access_log: bool = False) -> None:
    """Serve until cancelled; calls `ready(bound_port)` once listening."""
    app = make_app(state)
    runner = web.AppRunner(app, access_log=logging.getLogger("aiohttp.access") if access_log else None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1] if site._server else port  # type: ignore[union-attr]
    if ready:
        ready(bound)
    try:
        while True:
            await asyncio.sleep(3600)
    finally:
        await runner.cleanup()



def run_forever(world: Any, today: date | None, host: str, port: int, access_log: bool = False) -> None:
    """Serve a world until interrupted, printing where (the first line is machine-read by tests)."""

    state = SimState(world, faults=world.scenario.get("faults") or [])
    if today:
        state.today = today

    def ready(bound: int) -> None:
        base = f"http://{host}:{bound}"
        # The first line is machine-read by the test fixture (simulator/testing.py): keep its form.
        print(f"xxgk simulator listening on {base} (scenario {state.world.name}, day {state.today})", flush=True)
        print(f"  browse:  {base}/", flush=True)
        for a in state.world.agencies:
            if a.gkmlpt:
                print(f"  {a.id} catalog: {a.gkmlpt_base}index  (browse {base}/_/{a.host}{a.gkmlpt_root}index)",
                      flush=True)
            if a.website:
                print(f"  {a.id} website: {a.website_base}", flush=True)
        print(f"  proxy:   curl -x {base} URL  (any URL above)", flush=True)

    try:
        asyncio.run(run(state, host, port, ready=ready, access_log=access_log))
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> None:
    """`python -m simulator`: the bare server process tests and benchmarks start (`xxgk simulate` is the
    user's command, with the ground truth too)."""
    import argparse

    from .scenario import load
    from .world import World

    parser = argparse.ArgumentParser(prog="python -m simulator")
    parser.add_argument("--scenario", default="kaiping-2024")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8350)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args(argv)
    run_forever(World(load(args.scenario)), args.today, args.host, args.port, args.access_log)
