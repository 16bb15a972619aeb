"""Attachment files (simulator/sites/files.py): valid PDF/DOCX/XLS bytes and the serving rules."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from urllib.parse import quote

import docx
import pdfplumber
import xlrd

from simulator.http import SimRequest, SimResponse, SimState
from simulator.scenario import load
from simulator.sites import files, gkmlpt
from simulator.world import World

HOST = "www.kaiping.gov.cn"


def fetch(state: SimState, path: str, host: str = HOST) -> SimResponse | None:
    return files.handle(SimRequest("GET", host, path, {}, {}, channel="attachment"), state)


def visible_atts(world: World, ext: str, today: date, n: int = 3) -> list:
    out = []
    for att in sorted(world.attachment_by_path.values(), key=lambda a: a.aid):
        owner = files.owner_of(att, world)
        if att.ext == ext and owner is not None and owner.visible(today) and att.added_on is None:
            out.append(att)
    return out[:n]


def test_pdf_opens_with_pdfplumber(world: World) -> None:
    for att in visible_atts(world, "pdf", world.start_today):
        data = files.file_bytes(att, world)
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1
            text = pdf.pages[0].extract_text()
        assert att.name.rsplit(".", 1)[0] in text and f"Attachment {att.aid}" in text


def test_docx_opens_with_python_docx(world: World) -> None:
    for att in visible_atts(world, "docx", world.start_today):
        document = docx.Document(io.BytesIO(files.file_bytes(att, world)))
        paras = [p.text for p in document.paragraphs]
        assert paras[0] == att.name and len(paras) >= 4
        assert document.core_properties.title == att.name


def test_xls_opens_with_xlrd(world: World) -> None:
    for att in visible_atts(world, "xls", world.start_today):
        book = xlrd.open_workbook(file_contents=files.file_bytes(att, world))
        sheet = book.sheet_by_index(0)
        assert book.sheet_names() == ["Sheet1"]
        assert sheet.row_values(0) == ["序号", "项目", "金额（万元）", "占比（%）"]
        assert sheet.nrows >= 5 and sheet.ncols == 4
        for r in range(1, sheet.nrows - 1):
            assert sheet.cell_type(r, 0) == xlrd.XL_CELL_NUMBER and sheet.cell_type(r, 2) == xlrd.XL_CELL_NUMBER
            assert sheet.cell_value(r, 0) == r
        assert sheet.cell_value(sheet.nrows - 1, 1) == att.name


def test_serving_headers_and_prefixes(world: World) -> None:
    state = SimState(world)
    for ext in ("pdf", "docx", "xls"):
        att = visible_atts(world, ext, state.today, 1)[0]
        owner = files.owner_of(att, world)
        resp = fetch(state, att.path)
        assert resp.status == 200 and resp.body == files.file_bytes(att, world)
        assert resp.content_type == att.mime and resp.cacheable and resp.last_modified == owner.published
        cd = resp.headers["Content-Disposition"]
        assert cd.startswith("attachment;") and f"filename*=UTF-8''{quote(att.name)}" in cd
        assert f'filename="{att.post_id}.{ext}"' in cd
        for prefix in ("/jmkpsjyj", "/kpsjyjzww"):
            assert fetch(state, prefix + att.path).body == resp.body
        assert fetch(state, "/othersite" + att.path).status == 404
        assert fetch(state, att.path, host="www.jiangmen.gov.cn").status == 404
    assert fetch(state, "/attachment/0/1/1999/123.pdf").status == 404
    assert fetch(state, "/jmkpsjyj/gkmlpt/index") is None
    assert fetch(state, "/attachment/0/1/x/123.pdf") is None


def test_api_size_matches_and_website_attachments(world: World) -> None:
    state = SimState(world)
    agency = world.agencies[0]
    doc = next(d for d in agency.catalog_listing(1813, state.today) if d.attachments)
    art = gkmlpt.article_for(world, agency, doc, state.today)
    for a in art["attachment"]:
        body = fetch(state, a["url"].removeprefix(f"http://{HOST}")).body
        assert a["size"] == str(len(body)) and a["mime"] in {"application/pdf", "application/vnd.ms-excel",
                                                               "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    web = next(a for w in agency.articles for a in w.attachments if w.visible(state.today))
    assert isinstance(files.owner_of(web, world), type(agency.articles[0]))
    assert fetch(state, web.path).status == 200


def test_visibility_follows_clock(world: World) -> None:
    state = SimState(world)
    added_evt = next(e for e in world.event_log if e["fields"].get("attachment_added"))
    doc = world.doc_by_id[added_evt["id"]]
    added = next(a for a in doc.attachments if a.added_on is not None)
    state.today = added.added_on - timedelta(days=1)
    assert fetch(state, added.path).status == 404
    state.today = added.added_on
    resp = fetch(state, added.path)
    assert resp.status == 200 and resp.last_modified.date() == added.added_on
    with pdfplumber.open(io.BytesIO(resp.body)) as pdf:
        assert "补充材料" in pdf.pages[0].extract_text()
    # an attachment of a document not yet published
    state = SimState(world)
    future = min((a for a in world.attachment_by_path.values()
                  if (o := files.owner_of(a, world)) is not None and o.published.date() > state.today),
                 key=lambda a: files.owner_of(a, world).published)
    assert fetch(state, future.path).status == 404
    state.today = files.owner_of(future, world).published.date()
    assert fetch(state, future.path).status == 200


def test_deterministic(world: World) -> None:
    other = World(load("kaiping-2024"))
    for path, att in sorted(world.attachment_by_path.items())[:40]:
        assert files.file_bytes(att, world) == files.file_bytes(other.attachment_by_path[path], other)
    assert json.dumps(sorted(world.attachment_by_path)) == json.dumps(sorted(other.attachment_by_path))
