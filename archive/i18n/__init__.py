"""The ONE translation table of what people read: the audit report, the dashboard, the Datasette pages and
the feeds, in Chinese (the default) and English.

Terms follow the standard annual report's own wording (国办公开办函〔2021〕30号 format; reference
annual-report-format.md): 主动公开, 依申请公开, 政府信息公开目录, 政府信息公开工作年度报告, 办理结果 …

    t("status.match", "zh")                → "相符"
    t("report.title", "en", agency=…, year=…)
    tr = translator("zh"); tr("h.summary")
    caveat_text(text, "zh")                 # a reconciliation caveat (English prose) in plain Chinese

Keys are dotted names; a key missing from the table is a bug (KeyError), never silently English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (中文, English). `{name}` placeholders are filled by str.format.
TEXT: dict[str, tuple[str, str]] = {
    # ---- statuses, bounds, channels, kinds
    "status.match": ("相符", "match"),
    "status.fewer_found": ("少于年报所称", "fewer found"),
    "status.more_found": ("多于年报所称", "more found"),
    "status.unverifiable": ("无法核实", "unverifiable"),
    "status.legend": ("相符：与年报数字一致；少于/多于年报所称：存档所见与年报数字不一致；无法核实：覆盖不足或该平台未纳入存档。",
                      "match: the archive shows the claimed number; fewer / more found: it shows another number; "
                      "unverifiable: coverage is short or the channel is not archived."),
    "bound.legend": ("≥ 下限（“余”“多”“超过”）；≈ 约数（“约”“近”，±10%）；其余为确数。",
                     "≥ a lower bound (余/多/超过); ≈ approximate (约/近, ±10 %); otherwise exact."),
    "channel.catalog": ("政府信息公开目录", "catalog (政府信息公开目录)"),
    "channel.website": ("门户网站", "website"),
    "channel.wechat": ("微信公众号", "WeChat"),
    "channel.weibo": ("政务微博", "Weibo"),
    "channel.key_areas": ("重点领域信息公开专栏", "key areas (重点领域)"),
    "channel.other": ("其他平台", "other"),
    "channel.none": ("未指明平台", "no channel"),
    "channel.all": ("全部平台", "all channels"),
    "kind.published": ("主动公开", "published"),
    "kind.applications": ("依申请公开", "applications"),
    "kind.reads": ("阅读量", "reads"),
    "kind.other": ("其他", "other"),
    "label.total": ("合计", "total"),
    "label.reads": ("阅读量", "reads"),
    "doc.live": ("在线", "live"),
    "doc.disappeared": ("已消失", "disappeared"),
    "doc.link_entry": ("（链接条目）", " (link entry)"),
    "check.ok": ("通过", "ok"),
    "check.failed": ("不通过", "failed"),
    "check.na": ("未核验", "n/a"),
    "run.ok": ("正常", "ok"), "run.partial": ("部分完成", "partial"), "run.failed": ("失败", "failed"),
    "run.interrupted": ("中断", "interrupted"), "run.running": ("运行中", "running"),
    "time.zone": ("北京时间", "Asia/Shanghai time"),
    "time.note": ("时间均为北京时间（UTC+8）；JSON 中保留 UTC 时刻。",
                  "Times are Asia/Shanghai (UTC+8); the JSON keeps the UTC instants."),

    # ---- the audit report
    "report.title": ("{agency}{year}年政府信息公开工作年度报告核对报告",
                     "Annual-report reconciliation — {agency}, {year}"),
    "report.lede": ("将{year}年《政府信息公开工作年度报告》所称的数字，与存档所见实际公开的信息逐项核对。",
                    "What the {year} 政府信息公开工作年度报告 claims, against what the archive shows was published."),
    "h.summary": ("概况", "Summary"),
    "h.chart": ("年报所称与存档所见", "Claimed vs observed"),
    "h.claims": ("逐项核对", "Claims"),
    "h.checks": ("年报自身的一致性检查", "The report's own consistency checks"),
    "h.evidence": ("每个数字的证据", "Evidence behind each number"),
    "h.caveats": ("限制与说明", "Caveats"),
    "h.method": ("计算方法", "How the numbers were computed"),
    "h.runs": ("所依据的采集", "Runs considered"),
    "h.rules": ("计数规则", "Counting rules"),
    "h.per_claim": ("逐项方法", "Per claim"),
    "h.notes": ("关于年报的说明", "Notes on the report"),
    "m.agency": ("机关", "Agency"),
    "m.year": ("年度", "Year"),
    "m.source": ("年报来源", "Report source"),
    "m.sha256": ("年报 sha256", "Report sha256"),
    "m.document": ("年报文件", "Report document"),
    "m.says": ("年报自述", "Report says"),
    "m.says_text": ("{year}年度，期间 {start} 至 {end}，格式 {format}，机关 {agency}",
                    "year {year}, period {start} .. {end}, format {format}, agency {agency}"),
    "m.reconciliation": ("核对记录", "Reconciliation"),
    "m.created": ("生成于 {when}", "created {when}"),
    "m.statuses": ("核对结果", "Statuses"),
    "m.capture": ("采集", "capture"),
    "m.links": ("链接", "Links"),
    "m.links_text": ("采集编号链接到存档的回放页（{base}/-/xxgk/replay/…）与 WARC 记录；运行 xxgk serve 后可打开。"
                     "离线时，凭 WARC 文件名与偏移量即可在 WARC 中找到原始记录。",
                     "Capture ids link to their replay ({base}/-/xxgk/replay/…) and WARC record in xxgk serve; offline, "
                     "the WARC file and offset locate the original record."),
    "m.supplied": ("年报数字由人工提供", "Claims supplied"),
    "m.supplied_text": ("共 {claims} 项，来自 {file}（sha256 {sha256}）{origin}；并非本次从年报中提取",
                        "{claims} claims from {file} (sha256 {sha256}){origin}; not extracted by this reconciliation"),
    "m.supplied_origin": ("，提取自 {source}", ", extracted from {source}"),
    "m.channel_less": ("未指明平台的数字", "Claims naming no channel"),
    "m.channel_less_text": ("第 {rows} 项未指明平台，按两种口径核对（政府信息公开目录；全部平台合计）；结果按“{reading}”口径判定"
                            "（机关配置 reconcile.channel_less: {value}，{how}）",
                            "rows {rows} are shown under two readings (the catalog; all channels "
                            "together); their status follows the {reading} reading (registry reconcile.channel_less: "
                            "{value}, {how})"),
    "m.set_in_registry": ("由机关配置文件指定", "set in the agency file"),
    "m.default": ("默认值", "the default"),
    "m.parts_of": ("第 {total} 项的分项", "Parts of #{total}"),
    "m.parts_open": ("（年报列举以“等”结尾，只列出部分分项）", " (the report's list ends with 等: some parts only)"),
    "m.merged": ("第 {row} 项", "Row #{row}"),
    "m.merged_duplicate": ("年报第 {claims} 处为同一数字的重复表述：合并为一项，只计一次",
                           "claims {claims}: the same claim stated again; one row, counted once"),
    "m.merged_summed": ("年报第 {claims} 处重复列出同一类别：合并求和为一项，只计一次",
                        "claims {claims}: one category named again, summed; one row, counted once"),
    "m.channels": ("平台", "Channels"),
    "m.crawled": ("已采集", "crawled"),
    "m.not_crawled": ("未采集", "not crawled"),
    "m.no_runs": ("没有任何采集记录覆盖：无法据存档核实任何数字。",
                  "No crawl run recorded coverage: nothing could be verified against the archive."),
    "col.number": ("序号", "#"), "col.kind": ("类型", "kind"), "col.claim": ("年报所称", "claim"),
    "col.claimed": ("年报数字", "claimed"), "col.observed": ("存档所见", "observed"), "col.live": ("仍在线", "live"),
    "col.delta": ("差额", "delta"), "col.status": ("结果", "status"), "col.reading": ("口径", "interpretation"),
    "col.run": ("采集", "run"), "col.channel": ("平台", "channel"), "col.started": ("开始", "started"),
    "col.ended": ("结束", "ended"), "col.blocked": ("被拦截请求", "blocked requests"),
    "col.failed": ("失败请求", "failed requests"), "col.check": ("检查", "check"), "col.severity": ("级别", "severity"),
    "col.result": ("结果", "result"), "col.detail": ("说明", "detail"), "col.document": ("文件", "document"),
    "col.title": ("标题", "title"), "col.published": ("发布日期", "published"), "col.doc_status": ("状态", "status"),
    "col.url": ("网址", "URL"), "col.capture": ("采集（回放 · WARC）", "capture (replay · WARC)"),
    "col.fetched": ("采集时间", "fetched"),
    "col.capture_sha": ("采集（回放 · WARC 记录；WARC 文件与偏移；时间；内容 sha256）",
                        "capture (replay · WARC record; WARC file and offset; time; payload sha256)"),
    "claims.intro": ("“存档所见”按首次所见计算该年度的全部存档文件（含此后消失的），“仍在线”为其中目前仍在线的。"
                     "点击数字可查看其证据。",
                     "Observed counts every archived document of the year as first seen, live those still live. "
                     "Each number links to its evidence."),
    "claims.part_of": ("第 {total} 项的分项", "part of #{total}"),
    "claims.stated": ("年报中表述 {n} 次（第 {which} 处）", "stated {n} times ({which})"),
    "chart.caption": ("每项：年报数字（灰色）与存档所见（按结果着色，右侧注明结果）；每对柱按其中较大值缩放。虚线：存档无法观察。",
                      "Per claim: claimed (grey) and observed (coloured by status, with the status named on the right); "
                      "each pair of bars is scaled to its larger value. Dashed: not observable."),
    "chart.title": ("年报所称与存档所见（逐项）", "Claimed versus observed, per claim"),
    "chart.claimed": ("年报数字", "claimed"),
    "chart.observed": ("存档所见（颜色表示结果）", "observed (colour = status)"),
    "chart.scaled": ("逐项缩放", "bars scaled per claim"),
    "chart.not_observable": ("无法观察", "not observable"),
    "checks.none": ("未进行检查。", "None evaluated."),
    "evidence.intro": ("以下列出每个数字所计入的每一份文件：标题、发布日期、原始网址，以及读取该文件所依据的采集"
                       "（回放链接、WARC 记录链接、WARC 文件与偏移量、该采集内容的 sha256）。",
                       "Every document each number counted: title, date, original URL, and the capture it was read "
                       "from (replay link, WARC record link, WARC file and offset, the capture's sha256)."),
    "evidence.heading": ("第 {i} 项 {label}：计入 {n} 份文件", "#{i} {label}: {n} document(s) counted"),
    "evidence.within": ("这些文件均已在第 {other} 项下列出，见上。", "These documents are all listed under {other} above."),
    "evidence.in_parts": ("其中 {n} 份已在其分项（第 {parts} 项）下列出；以下为其余 {rest} 份。",
                          "{n} of them are listed under its parts ({parts}); the other {rest} follow."),
    "evidence.all_in_parts": ("全部 {n} 份均已在其分项（第 {parts} 项）下列出。",
                              "All {n} are listed under its parts ({parts})."),
    "evidence.none": ("没有计入任何文件。", "No documents were counted."),
    "evidence.report": ("年报原文的采集", "The annual report's capture"),
    "evidence.replay": ("回放", "replay"), "evidence.warc": ("WARC 记录", "WARC record"),
    "evidence.at": ("{file} @{offset} +{length}", "{file} @{offset} +{length}"),
    "caveats.none": ("无。", "None."),
    "method.original": ("（计算说明原文为英文）", "(as recorded)"),
    "interp.wechat": ("按文章计（biz, mid, idx）：{articles}（在线 {articles_live}）→ {articles_status}；"
                      "按推送（群发）计：{pushes} → {pushes_status}。{follows}",
                      "articles (biz, mid, idx): {articles} ({articles_live} live) → {articles_status}; pushes: "
                      "{pushes} → {pushes_status}. {follows}"),
    "interp.follows_articles": ("结果按文章口径判定。", "The row follows the articles reading."),
    "interp.follows_pushes": ("按推送口径与年报相符，结果按推送口径判定。",
                              "The pushes reading matches the claim: the row follows it."),
    "interp.channel_less": ("未指明平台：按政府信息公开目录计 {catalog} → {catalog_status}；按全部平台合计 {all} → "
                            "{all_status}。结果按“{used}”口径判定。",
                            "names no channel: the catalog {catalog} → {catalog_status}; all channels together {all} → "
                            "{all_status}. The row follows the {used} reading."),
    "reading.catalog": ("政府信息公开目录", "catalog"),
    "reading.all": ("全部平台合计", "all-channels"),
    "reading.articles": ("文章", "articles"),
    "reading.pushes": ("推送", "pushes"),
    "csv.documents": ("计入文件清单", "documents counted"),

    # ---- dashboard and Datasette pages (templates)
    "nav.search": ("搜索文件", "Search documents"),
    "nav.dashboard": ("核对仪表板", "Reconciliation dashboard"),
    "nav.agencies": ("各机构 × 年报声明", "Agencies × claims"),
    "nav.runs": ("采集运行", "Crawl runs"),
    "nav.feed": ("变更订阅（Atom）", "Change feed (Atom)"),
    "nav.language": ("English", "中文"),
    "search.lede": ("在标题、文号、发布机构和正文中搜索，中文或其他语言皆可。多个词用空格分开：每个词都须出现。两字词（公开）、"
                    "长词（信息公开）和混合词（开教〔2024〕）均按原文精确查找。",
                    "Title, 文号, publisher and body text, in Chinese or any other language. Separate terms with spaces: "
                    "every term must occur. Two-character words (公开), longer ones (信息公开) and mixed terms (开教〔2024〕) "
                    "are found exactly."),
    "search.button": ("搜索", "Search"),
    "search.refused": ("“{q}”未予搜索：单字检索词在存档中出现过多，无法快速完成；请再加一个字（年 → 年度），或先按机关、平台或年度筛选。",
                       "Search “{q}” refused: {why}."),
    "search.empty": ("“{q}”中没有可供搜索的字母、数字或汉字。", "“{q}” has no letter, digit or Chinese character to search for."),
    "search.more": ("超过 {n} 个文件符合", "More than {n} documents match"),
    "search.one": ("1 个文件符合", "1 document matches"),
    "search.many": ("{n} 个文件符合", "{n} documents match"),
    "search.order": ("“{q}”，按发布日期由新到旧{more}。", "“{q}”, newest first{more}."),
    "search.not_counted": ("（未继续计数）", " (not counted further)"),
    "search.open_table": ("在文件表中打开", "Open in the documents table"),
    "search.table_extras": ("（分面{when}、CSV、JSON）", "(facets{when}, CSV, JSON)"),
    "search.facets_when": ("须先以筛选缩小范围", " when a filter narrows it"),
    "search.first": ("第一页", "First page"),
    "search.next": ("下一页", "Next page"),
    "dash.title": ("年报核对仪表板", "Reconciliation dashboard"),
    "dash.lede": ("各年度《政府信息公开工作年度报告》所称数字，与存档所见实际公开情况的对照。",
                  "What each annual report (政府信息公开工作年度报告) claims, against what the archive shows was published."),
    "dash.pick": ("核对记录：", "Reconciliation:"),
    "dash.show": ("显示", "Show"),
    "dash.latest": ("（最新）", " (latest)"),
    "dash.not_found": ("没有符合条件的核对记录。", "No reconciliation matches that choice."),
    "dash.none": ("存档中尚无核对记录：请运行 xxgk reconcile --agency 机关 --year 年度。",
                  "No reconciliation in this archive yet: run xxgk reconcile --agency AGENCY --year YEAR."),
    "dash.not_latest": ("不是该机关该年度的最新核对", "not the latest for this agency and year"),
    "dash.report_doc": ("存档中的年报原文", "The archived annual report document"),
    "dash.chart_claims": ("年报所称与存档所见（逐项）", "Claimed vs observed, per claim"),
    "dash.chart_years": ("各年度各平台所见，与年报所称合计对照", "Observed per year and channel, against the claimed totals"),
    "dash.chart_years_caption": ("存档中按发布年度（北京时间）与平台统计的文件数（按首次所见，含此后消失的）。黑色标记：该年度年报所称"
                                 "该平台合计（如已核对）。",
                                 "Documents in the archive by publication year (Asia/Shanghai) and channel, as first seen "
                                 "(including documents deleted since). Black marks: the total the annual report of that "
                                 "year claims for the channel, where a reconciliation exists."),
    "dash.also_query": ("也可用查询查看：", "Also as a query:"),
    "dash.col_evidence": ("证据", "evidence"),
    "dash.col_caveats": ("说明", "caveats"),
    "dash.n_documents": ("{n} 份文件", "{n} document(s)"),
    "years.legend_observed": ("{channel}所见", "{channel} observed"),
    "years.legend_claimed": ("该年度年报所称", "claimed in that year's annual report"),
    "years.title": ("各年度各平台所见文件数，及年报所称合计", "Documents observed per year and channel, with the totals the annual reports claim"),
    "doc.document": ("文件", "Document"),
    "doc.status_word": ("状态", "status"),
    "doc.data_as": ("数据格式：", "This data as"),
    "doc.evidence": ("证据", "Evidence"),
    "doc.current_from": ("当前内容读自采集", "Current state read from capture"),
    "doc.download_warc": ("下载其 WARC 记录", "download its WARC record"),
    "doc.replay": ("查看原貌（回放）", "see it as captured (replay)"),
    "doc.versions": ("版本（{n}）", "Versions ({n})"),
    "doc.events": ("事件（{n}）", "Events ({n})"),
    "doc.attachments": ("附件（{n}）", "Attachments ({n})"),
    "doc.captures": ("采集（{n}）", "Captures ({n})"),
    "doc.no_versions": ("没有版本记录。", "No versions recorded."),
    "doc.no_events": ("没有事件记录。", "No events recorded."),
    "doc.no_attachments": ("没有附件。", "No attachments."),
    "doc.observed": ("发现时间", "observed"),
    "doc.field": ("字段", "field"),
    "doc.change": ("变化（删除 / 新增）", "change (removed / added)"),
    "doc.first_version": ("首个版本", "first version"),
    "doc.fields_recorded": ("记录了 {n} 个字段：{names}", "{n} fields recorded: {names}"),
    "doc.at": ("时间", "at"), "doc.event": ("事件", "event"), "doc.details": ("详情", "details"),
    "doc.run": ("采集运行", "run"), "doc.name": ("名称", "name"), "doc.type": ("类型", "type"),
    "doc.size": ("大小", "size"), "doc.http": ("HTTP", "HTTP"), "doc.outcome": ("结果", "outcome"),
    "doc.warc_record": ("WARC 记录", "WARC record"), "doc.download": ("下载", "download"),
    "doc.links_from": ("其他表中的链接", "Links from other tables"),
    "doc.diff_char": ("逐字对比", "by character"),
    "doc.diff_word": ("按词对比", "by word"),
    "doc.diff_view": ("差异显示：", "Differences:"),
    "doc.unchanged": ("…（{n} 个字未变）…", "… ({n} characters unchanged) …"),
    "event.first_seen": ("首次发现", "first seen"), "event.changed": ("内容变更", "changed"),
    "event.disappeared": ("消失", "disappeared"), "event.reappeared": ("重新出现", "reappeared"),
    "cap.evidence": ("证据", "Evidence"),
    "cap.download": ("下载此次采集的 WARC 记录", "Download this capture's WARC record"),
    "cap.download_note": ("（一个 gzip 成员：含响应或重访记录的有效 .warc.gz）。",
                          " (one gzip member: a valid .warc.gz with the response or revisit record)."),
    "cap.no_warc_dir": ("此服务器未配置 WARC 目录。", "The WARC folder is not configured on this server."),
    "cap.revisit": ("这是对 {other} 的重访（内容相同）", "This is a revisit of {other} (identical payload)"),
    "cap.its_record": ("其 WARC 记录", "its WARC record"),

    # ---- replay
    "replay.title": ("采集回放：{url}", "Replay: {url}"),
    "replay.lede": ("这是存档于 {when} 采集到的原始响应，从 WARC 记录中取出，在隔离框架中显示：页面中的脚本不会运行，"
                    "也不会向存档以外发出任何请求；存档中有的图片和样式从存档读取，其余被拦截。",
                    "The response as captured at {when}, read from its WARC record and shown in a sandboxed frame: no "
                    "script of the page runs and no request leaves the archive; images and styles the archive holds "
                    "come from it, everything else is blocked."),
    "replay.meta_url": ("原始网址", "Original URL"),
    "replay.meta_capture": ("采集编号", "Capture"),
    "replay.meta_fetched": ("采集时间", "Fetched"),
    "replay.meta_status": ("HTTP 状态", "HTTP status"),
    "replay.meta_type": ("内容类型", "Content type"),
    "replay.meta_sha256": ("内容 sha256", "Payload sha256"),
    "replay.meta_warc": ("WARC 位置", "WARC location"),
    "replay.meta_run": ("采集运行", "Run"),
    "replay.revisit": ("此采集为重访记录（内容与 {other} 相同），显示的是该次采集的内容。",
                       "This capture is a revisit (identical payload to {other}); the payload shown is that capture's."),
    "replay.other_captures": ("同一网址的其他采集", "Other captures of this URL"),
    "replay.not_inline": ("此类内容（{mime}）不在页面内显示：", "This kind of content ({mime}) is not shown inline:"),
    "replay.download_payload": ("下载原始内容", "download the payload"),
    "replay.raw": ("单独打开回放内容", "open the replayed content alone"),
    "replay.missing": ("存档中没有此网址的采集。", "The archive holds no capture of this URL."),
    "replay.no_record": ("此采集没有可回放的 WARC 记录（{why}）。", "This capture has no WARC record to replay ({why})."),

    # ---- feeds and notifications
    "feed.title": ("{agency}：新增、变更与消失的公开信息", "{agency}: new, changed and disappeared documents"),
    "feed.title_channel": ("{agency}（{channel}）：新增、变更与消失的公开信息",
                           "{agency} ({channel}): new, changed and disappeared documents"),
    "feed.subtitle": ("由 xxgk-archive 根据每次采集记录的事件生成；首次采集建立的基线不计为“新增”。",
                      "From the events xxgk-archive records at every crawl; the first crawl's baseline is not news."),
    "feed.new": ("新增", "new"), "feed.changed": ("变更", "changed"), "feed.disappeared": ("消失", "disappeared"),
    "feed.reappeared": ("重新出现", "reappeared"),
    # ---- agencies × claims (the Datasette page /-/xxgk/agencies and `xxgk report --agency all`)
    "agencies.h1": ("各机关年报核对 · {year}", "Agencies × claims · {year}"),
    "agencies.h1_none": ("各机关年报核对", "Agencies × claims"),
    "agencies.report_title": ("跨机关核对 · {year}", "Audit across agencies · {year}"),
    "agencies.report_h1": ("各机关政府信息公开工作年度报告核对 · {year}", "Annual reports across agencies · {year}"),
    "agencies.lede": ("各机关当年《政府信息公开工作年度报告》与存档所见逐项核对：相符、少于或多于年报所称、无法核实的声明各有几项；"
                      "最大差异（存档所见与年报数字相差最多的一项，以及存档所见 − 年报数字）；主要数字（存档所见与年报数字及差额）。"
                      "存档中没有年报的机关也列出，并说明原因。点击表头排序，点击机关查看其核对。",
                      "Each agency's annual report (政府信息公开工作年度报告) of the year against what the archive shows: how "
                      "many of its claims match, are found fewer or more than claimed, or cannot be verified; its largest "
                      "discrepancy (the claim found fewer or more than claimed by the most, and observed − claimed); its key "
                      "claims (observed of claimed, and the delta). An agency without a report in the archive is listed with "
                      "the reason. Click a heading to sort; an agency to open its reconciliation."),
    "agencies.legend": ("最大差异：存档所见与年报数字相差最多的一项，及存档所见 − 年报数字。主要数字：存档所见（年报数字，差额）；"
                        "✓ 相符，▼ 少于年报所称，▲ 多于年报所称，? 无法核实。",
                        "Largest discrepancy: the claim found fewer or more than claimed by the most, and observed − "
                        "claimed. Key claims: observed of claimed (delta); ✓ match, ▼ fewer found, ▲ more found, ? "
                        "unverifiable."),
    "agencies.years": ("年份：", "Years: "),
    "agencies.csv": ("下载 CSV", "Download CSV"),
    "agencies.csv_note": ("（每个机关的每项声明一行，UTF-8）", " (one line per agency and claim, UTF-8)"),
    "agencies.audit": ("机关核对 {id}（{at}）。", "Agency audit {id} of {at}."),
    "agencies.empty": ("存档中还没有核对：请运行 {command}。", "No reconciliation in the archive yet: run {command}."),
    "agencies.table": ("各机关 × 声明", "Agencies × claims"),
    "agencies.each": ("各机关的声明", "Each agency's claims"),
    "agencies.source": ("核对 {id}（{at}）；年度报告：{source}", "reconciliation {id} of {at}; annual report: {source}"),
    "agencies.col.agency": ("机关", "Agency"), "agencies.col.status": ("状态", "Status"),
    "agencies.col.claims": ("声明", "Claims"), "agencies.col.match": ("✓ 相符", "✓ match"),
    "agencies.col.fewer_found": ("▼ 少于", "▼ fewer"), "agencies.col.more_found": ("▲ 多于", "▲ more"),
    "agencies.col.unverifiable": ("? 无法核实", "? unverifiable"),
    "agencies.col.discrepancy": ("最大差异", "Largest discrepancy"),
    "agencies.key.catalog": ("目录合计", "catalog total"), "agencies.key.website": ("门户网站", "website"),
    "agencies.key.wechat": ("微信公众号文章", "WeChat articles"),
    "agencies.key.total": ("合计（未指明平台）", "total (no channel)"),
    "agencies.status.reconciled": ("已核对", "reconciled"), "agencies.status.no_report": ("存档中无年报", "no report"),
    "agencies.status.failed": ("核对失败", "failed"), "agencies.status.not_reconciled": ("未核对", "not reconciled"),
    "agencies.none": ("无", "none"),
    "agencies.of": ("{observed}（年报 {claimed}）", "{observed} of {claimed}"),
    "agencies.count": ("共 {n} 个机关", "{n} agencies"),
    "agencies.claims": ("声明：", "claims: "),
    "agencies.sorted": ("按“{column}”{direction}", "sorted by {column}, {direction}"),
    "agencies.descending": ("降序", "descending"), "agencies.ascending": ("升序", "ascending"),
    "feed.fields": ("变更字段：{fields}", "Changed fields: {fields}"),
    "feed.published": ("发布日期 {date}，{channel}，{category}", "published {date}, {channel}, {category}"),
    "notify.title_changes": ("xxgk：{n} 项公开信息有变化", "xxgk: {n} document change(s)"),
    "notify.title_problem": ("xxgk：夜间任务{outcome}", "xxgk: nightly job {outcome}"),
    "notify.line": ("{agency} {channel}：新增 {new}，变更 {changed}，消失 {disappeared}",
                    "{agency} {channel}: {new} new, {changed} changed, {disappeared} disappeared"),
    "notify.baseline": ("{agency} {channel}：首次采集，建立基线 {n} 份", "{agency} {channel}: first harvest, {n} documents"),
    "notify.feed": ("订阅：{path}", "Feed: {path}"),
}


def lang_of(value: Any, default: str = DEFAULT_LANG) -> str:
    """'zh'/'en' from a user's value ('zh-CN', 'EN', '' …); the default otherwise."""
    text = str(value or "").strip().lower()
    for lang in LANGS:
        if text == lang or text.startswith(lang + "-") or text.startswith(lang + "_"):
            return lang
    return default


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    lang = lang_of(lang)
    return lambda key, **values: t(key, lang, **values)


def status_text(status: str | None, lang: str = DEFAULT_LANG) -> str:
    key = f"status.{status}"
    return t(key, lang) if key in TEXT else str(status or "")


def channel_text(channel: str | None, lang: str = DEFAULT_LANG) -> str:
    key = f"channel.{channel or 'none'}"
    return t(key, lang) if key in TEXT else str(channel)


def kind_text(kind: str | None, lang: str = DEFAULT_LANG) -> str:
    key = f"kind.{kind}"
    return t(key, lang) if key in TEXT else str(kind or "")


# ---------------------------------------------------------------- reconciliation caveats
# The reconciler writes its caveats as English sentences (kept so in the JSON); these patterns say the
# common ones in Chinese. A caveat no pattern knows is shown as written.
CAVEATS_ZH: list[tuple[re.Pattern[str], str]] = [(re.compile(p), zh) for p, zh in [
    (r"^API window used for (?P<cat>.+?): the list API serves (?P<a>\d+) of (?P<b>\d+) items; (?P<c>\d+) were listed "
     r"through the province search JSONP$",
     "{cat} 受列表接口窗口限制：接口只提供 {b} 条中的 {a} 条，另有 {c} 条通过省级搜索接口（JSONP）补齐"),
    (r"^(?P<cat>.+?) is a link to another site \((?P<url>[^)]*)\); its items are not in the catalog and not counted$",
     "{cat} 是指向其他网站的链接（{url}），其中信息不在目录内，未计入"),
    (r"^column (?P<col>.+?) is capped \(NFCMS 100-page limit\) but reaches back to (?P<d>[\d-]+), before "
     r"(?P<s>[\d-]+): (?P<y>\d{4}) is fully listed$",
     "栏目 {col} 受翻页上限（100 页）限制，但可回溯至 {d}，早于 {s}：{y} 年的信息已全部列出"),
    (r"^column (?P<col>.+?) is capped \(NFCMS 100-page limit\) and reaches back only to (?P<d>[\d-]+), after "
     r"(?P<s>[\d-]+)(?P<rest>.*)$",
     "栏目 {col} 受翻页上限（100 页）限制，只能回溯至 {d}，晚于 {s}：该年度开头的信息无法看到{rest}"),
    (r"^lister (?P<name>.+?) reached back only to (?P<d>[\d-]+), after (?P<s>[\d-]+): it cannot see the start of "
     r"(?P<y>\d{4})$",
     "微信列表来源 {name} 只能回溯至 {d}，晚于 {s}：看不到 {y} 年年初的文章"),
    (r"^counted separately: (?P<what>.+?); they are in observed \(as first seen\), not in live$",
     "另行统计：{what}；计入“存档所见”（首次所见），不计入“仍在线”"),
    (r"^read counts read at (?P<a>\S+) … (?P<b>\S+) \(UTC\), cumulative as of then; they grow after the year ends$",
     "阅读量读取于 {a} 至 {b}（UTC），为截至读取时的累计数；年度结束后仍会增长"),
    (r"^(?P<n>\d+) deleted or unavailable article\(s\) have no read count \(deleted articles' reads are missing\)$",
     "{n} 篇已删除或无法访问的文章没有阅读量（已删除文章的阅读量缺失）"),
    (r"^applications \(依申请公开\) are requests received, not published documents; they are not in the archive$",
     "依申请公开数字是收到的申请，不是公开的文件，不在存档范围内"),
    (r"^the city site's key-areas \(重点领域\) columns are not a configured channel of this archive$",
     "市政府网站的重点领域信息公开专栏不是本存档配置采集的平台"),
    (r"^(?P<n>\d+) counted document\(s\) have disappeared since they were archived(?P<rest>.*)$",
     "计入的文件中有 {n} 份在存档后已消失{rest}"),
    (r"^(?P<n>\d+) counted article\(s\) have disappeared since: (?P<ids>.*)$", "计入的文章中有 {n} 篇此后已消失：{ids}"),
    (r"^coverage short: (?P<what>.*)$", "覆盖不足：{what}"),
    # why an agency of the table across agencies has no reconciliation (archive/reconcile/across.py)
    (r"^nothing of (?P<a>\S+) is archived: crawl it first \((?P<cmd>.*)\)$", "存档中没有 {a} 的任何信息：请先采集（{cmd}）"),
    (r"^no (?P<y>\d{4}) annual report among the (?P<n>\d+) archived documents \(catalog category (?P<c>.+?)"
     r"(?: or website column (?P<w>.+?))?\)$", "已存档的 {n} 份文件中没有 {y} 年的年度报告（目录类别 {c}{w_}）"),
    (r"^no (?P<y>\d{4}) annual report among the (?P<n>\d+) archived documents$", "已存档的 {n} 份文件中没有 {y} 年的年度报告"),
    (r"^its (?P<y>\d{4}) annual report could not be read: (?P<why>.*)$", "{y} 年的年度报告无法读取：{why}"),
    (r"^its registry file cannot be read: (?P<why>.*)$", "其登记文件无法读取：{why}"),
    (r"^no reconciliation of (?P<y>\d{4}) is stored: run (?P<cmd>.*?) \(or --agency all\)$",
     "尚未保存 {y} 年的核对：请运行 {cmd}（或 --agency all）"),
    (r"^(?P<n>\d+) catalog documents have no publication date and are not counted$",
     "{n} 份目录文件没有发布日期，未计入"),
    (r"^the claim names no channel: it is shown under two readings, and the status follows the (?P<r>.+?) "
     r"\((?P<why>.*)\)$",
     "该数字未指明平台：按两种口径核对，结果按 {r} 判定（{why}）"),
]]


def caveat_text(text: str, lang: str = DEFAULT_LANG) -> str:
    """A reconciliation caveat for people: in Chinese when a pattern knows it, else as written."""
    if lang != "zh":
        return text
    for pattern, zh in CAVEATS_ZH:
        m = pattern.match(text)
        if m:
            groups = m.groupdict()
            if "w" in groups:  # an optional website column
                groups["w_"] = f"，或网站栏目 {groups['w']}" if groups["w"] else ""
            return zh.format(**groups)
    return text
