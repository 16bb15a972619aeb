"""The Chinese of the Datasette metadata (archive/datasette/metadata.py keeps the English source text): the
archive's title and description, every table, the main tables' columns and the canned queries. A key missing
here shows the English text; tests require every table and canned query to have its Chinese."""

from __future__ import annotations

TITLE = "xxgk-archive：政府信息公开证据存档"
DESCRIPTION = ("政府机关在政府信息公开渠道（政府信息公开目录、门户网站、微信公众号）发布的信息，按采集所见存档：每次采集均以 WARC "
               "保存为证据，记录每份文件的变更历史，并将每份《政府信息公开工作年度报告》与实际公开情况逐项核对。时间：*_at 列为 UTC "
               "时刻（页面上显示为北京时间）；*_date 列与 year 为北京时间的日期。")
LICENSE = "公开的政府信息（《中华人民共和国政府信息公开条例》）；存档软件采用 MIT 许可"
SOURCE = "采集自{who}的政府信息公开渠道"
SOURCES = {"catalog": "政府信息公开目录", "website": "门户网站", "wechat": "微信公众号"}
HOME = ("<p>政府信息公开渠道的证据存档：每份文件、其变更历史，以及每次采集的 WARC 证据。</p><ul>"
        '<li><a href="/{db}/search">搜索文件</a>（中文全文检索，两个字的词也可以）</li>'
        '<li><a href="/{db}/documents">浏览文件</a>：按机关、平台、类别、年度和状态筛选</li>'
        '<li><a href="/-/xxgk/dashboard">年报核对仪表板</a>：年报所称与存档所见</li>'
        '<li><a href="/-/xxgk/agencies">各机构 × 年报声明</a>：每个机关的年报与存档对照</li>'
        '<li><a href="/{db}/runs_health">采集运行及其状况</a></li></ul>')

TABLES = {
    "agencies": "纳入存档的政府机关，按采集时机关配置文件所记录的内容。",
    "runs": "每个机关每个平台的每次采集一行，附其状况：状态、设置、Scrapy 统计、各栏目完整性与摘要（新增、变更、消失的文件，被拦截的请求，错误，覆盖缺口）。",
    "captures": "采集器收到的每个 HTTP 响应（证据）：网址、状态、响应头、内容 sha256，以及其 WARC 记录的位置。存储的响应头已去除密钥。",
    "categories": "政府信息公开目录的类别（gkmlpt TREE）、门户网站栏目和微信列表来源（最近所见），以及网站自称的数量。",
    "category_runs": "每次采集中每个列表（目录类别、网站栏目、微信列表来源）：网站自称数量、接口或页面提供的数量、实际采集数量，以及翻页停止的原因。每个数字背后的覆盖范围。",
    "documents": "每条公开信息一行（当前状态）：政府信息公开目录文件、门户网站文章和微信文章。历史状态见 document_versions，生命周期见 document_events，原始页面见 captures / WARC。",
    "document_versions": "每份文件的历史：每次观察到的状态一行，只记录发生变化的字段及其前后值和显示该变化的采集。第一行为首个状态。",
    "document_events": "每份文件的生命周期事件：首次发现、内容变更、消失、重新出现。",
    "document_checks": "政府信息公开目录文件页面的元数据表（以其为准）与内嵌 DETAIL JSON 之间的不一致，以及校验问题。",
    "attachments": "文件的附件（PDF、DOCX、XLS 等），已下载并计算哈希；仅有链接的条目也有记录。",
    "document_columns": "门户网站栏目归属：在多个栏目列出的文章是一份文件、多行记录。",
    "wechat_pushes": "微信推送（群发 / 发表记录）：一次推送包含 1–8 篇文章。",
    "wechat_articles": "微信文章特有的信息（文章本身是 documents 中平台为 wechat 的一行）。",
    "observations": "每次列表或列表来源看到某份文件的记录，及其来源（接口、搜索、栏目、列表来源）。",
    "metrics": "微信阅读、点赞、转发数，仅在客户端凭据可用时采集，并记录读取时间。",
    "schedule_jobs": "夜间定时任务的日志：每个任务一行（采集、核对、报告、发布），包括被跳过的任务。",
    "reconciliations": "某机关某年度年报所称数字与存档的一次核对。",
    "reconciliation_rows": "每项年报数字一行：年报所称与存档所见、结果，以及作为证据计入的文件。",
    "agency_audits": "跨机关核对（xxgk reconcile|report --agency all …）每次一行：所涉每个机关及其结果（已核对、存档中无年报、失败）；页面 /-/xxgk/agencies 列出各机关 × 年报声明。",
    "_sqlite_migrations": "本存档已应用的数据库迁移（sqlite-utils Migrations）。",
    "documents_fts": "文件的中文全文索引（标题、文号、发布机构、正文）：FTS5，标准 unicode61 分词器，文本为重叠二字组（信息公开 → 信息 息公 公开 开），由存储管道随文件同时更新（archive/search_index.py）。用搜索页、文件表的搜索框或 MATCH zh_query(q) 查询。",
    "documents_facet_counts": "各平台文件表默认分面（机关、平台、类别、年份、状态）每个取值的文件数：由 documents 上的触发器在每次写入的同一事务中保持准确（archive/facet_counts.py），表格页和按平台筛选只读几百行，不必逐份计数。",
    "documents_fts_config": "FTS5 索引的内部表（配置）。",
    "documents_fts_data": "FTS5 索引的内部表（索引数据）。",
    "documents_fts_docsize": "FTS5 索引的内部表（各行词数）。",
    "documents_fts_idx": "FTS5 索引的内部表（分段索引）。",
}

COLUMNS = {
    "documents": {
        "id": "<机关>/<平台>/<原始编号>。", "agency": "机关编号（agencies.id）。",
        "channel": "平台：catalog（政府信息公开目录）、website（门户网站）或 wechat（微信公众号）。",
        "native_id": "网站自身的编号：目录或网站的文章编号，微信为 {biz}/{mid}/{idx}。",
        "canonical_url": "文件的真实网址。", "title": "发布时的标题（纯文本）。",
        "category": "目录类别或网站栏目名称（如 政务动态、通知公告）。",
        "published_at": "发布时刻（发布日期），UTC。", "published_date": "发布日期（北京时间）。",
        "year": "发布年度（北京时间）：该文件计入的年报年度。", "written_date": "成文日期（如有公布）。",
        "publisher": "发布机构。", "index_no": "索引号：统一社会信用代码 + /年份-序号。", "doc_number": "文号，如 开教〔2024〕12号。",
        "body_text": "正文纯文本。", "capture_id": "读取当前状态所依据的采集（captures.id）。",
        "first_seen_at": "存档首次看到的时间（UTC）。", "last_seen_at": "列表或抓取最近一次看到的时间（UTC）。",
        "disappeared_at": "完整且正常的列表不再列出它的时间（UTC）。",
        "status": "live（在线），或 disappeared（已消失：完整且正常的列表不再列出，或页面显示已删除）。",
    },
    "captures": {
        "id": "采集编号（cap-<UTC 时间>-<随机>）。", "run_id": "进行采集的运行（runs.id）。",
        "url": "请求的真实网址（从不是模拟器地址）。", "status": "收到的 HTTP 状态码。",
        "outcome": "ok；revisit（内容与之前某次采集相同，存为 WARC 重访记录）；not_modified（304）；blocked（拦截、质询或限流页面，从不解析）；"
                   "http_error；error（无响应）；too_large。",
        "sha256": "收到的内容的 sha256（保留内容编码）。", "warc_file": "保存该记录的 WARC 文件（相对于 WARC 目录）。",
        "warc_offset": "记录的 gzip 成员在 WARC 文件中的字节偏移。", "warc_length": "该 gzip 成员的字节长度。",
        "fetched_at": "收到响应的时间（UTC）。", "revisit_of": "重访记录：其内容所重复的那次采集。",
    },
    "runs": {
        "id": "运行编号（run-<UTC 时间>-<随机>），也是其 WARC 文件名的前缀。", "agency": "机关编号（agencies.id）。",
        "channel": "采集的平台：catalog、website 或 wechat。", "started_at": "开始时间（UTC）。", "ended_at": "结束时间（UTC）。",
        "status": "running、ok、partial（部分列表不完整、被拦截或失败）、failed 或 interrupted。",
        "summary": "运行摘要（JSON）：请求数，新增、变更、未变、消失、重新出现的文件，被拦截的响应，错误，覆盖缺口。",
    },
    "reconciliation_rows": {
        "claim_index": "年报数字在报告中的序号。", "kind": "published（主动公开）、applications（依申请公开）、reads（阅读量）等。",
        "channel": "catalog、website、wechat、weibo、key_areas 或 other；未指明平台时为空（按两种口径核对，见 interpretation）。",
        "category": "年报所称的类别（目录）或栏目（网站）。", "claimed": "年报所称的数字。", "quote": "年报中给出该数字的原句。",
        "observed": "存档所见（按首次所见：含此后消失的文件）。", "observed_live": "其中目前仍在线的。", "delta": "存档所见 − 年报所称。",
        "status": "match（相符）、fewer_found（少于年报所称）、more_found（多于年报所称）或 unverifiable（无法核实）。",
        "document_ids": "计入的文件（documents.id，JSON 列表）：存档所见数字的证据。", "caveats": "限制该数字的覆盖说明（JSON 列表）。",
        "method": "该数字的计算方法。",
    },
    "agency_audits": {
        "id": "跨机关核对编号（aud-<UTC 时间>-<随机>）。", "year": "年报年度。", "scope": "--agency 所指：all、编号列表或 @文件。",
        "created_at": "核对时间（UTC）。", "agencies": "JSON 列表，每个机关一项：编号、名称、结果、原因及其核对编号。",
        "summary": "JSON：机关数及各结果的数目。",
    },
    "reconciliations": {
        "agency": "机关编号。", "year": "年报年度。", "annual_report_source": "读取年报的来源（存档文件或文件）。",
        "annual_report_sha256": "所读年报的 sha256。", "created_at": "核对时间（UTC）。",
    },
}

QUERIES = {
    "search": ("搜索文件（中文全文）", "检索标题、文号、发布机构和正文。用空格分隔多个词：每个词都须出现。两个字的词（公开）、更长的词和混合词"
                                 "（开教〔2024〕）均可；单个字会扫描全表。不会匹配缺少某个词的文件。"),
    "claims_vs_observed": ("年报所称与存档所见（最新核对）", "年报的每项数字与存档所见的对照，附结果和计入的文件数。agency、year 留空时显示"
                                                 "最新的一次核对；例如 agency：kaiping-edu，year：2024。"),
    "claim_documents": ("某项数字计入的文件", "某项数字的存档所见背后的文件（reconciliation_rows.document_ids），附读取所依据的采集及其 sha256。"
                                        "agency、year：最新核对（留空为最新）；claim：序号（留空为全部）。"),
    "disappeared": ("已消失的文件", "记录到的每次消失（完整且正常的列表不再列出该文件，或页面显示已删除），以及文件当前状态（重新出现的文件已恢复在线）。"),
    "changed": ("内容有变更的文件（前后对照）", "每个较新版本中每个变更字段一行：变更前后的值，以及显示该变更的采集。"),
    "runs_health": ("最近的采集运行及其状况", "最近的采集运行及其状态和摘要：请求数，新增、变更、消失的文件，被拦截的响应，错误，覆盖缺口和不完整的列表。"),
    "listing_coverage": ("各列表自称数量与实际采集（某次运行）", "某次运行（run_id，留空为最近一次）中每个目录类别、网站栏目或微信列表来源："
                                                     "网站自称数量、接口总数、实际采集数量和翻页停止原因。"),
    "url_captures": ("某网址的全部采集", "某网址（url）的每次采集，附状态、结果、摘要和 WARC 位置。"),
}
