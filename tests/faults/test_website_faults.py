"""Faults against a clean bureau-website (NFCMS) archive: cut article pages are never read as articles."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import query

from .helpers import documents, outcomes, run, run_events

ARTICLE = r"/content/post_\d+\.html"


@pytest.mark.parametrize("kind", ["truncated", "cut"])
def test_cut_article_pages_keep_the_last_good_version(sim, archive_of, kind: str) -> None:
    db = archive_of("website")
    before = documents(db)
    # Article pages answer 200 (not 304) on this run, half of them cut short.
    sim.set_faults([{"kind": "rewrite", "pattern": "(?!)", "match": {"path": ARTICLE}},
                    {"kind": kind, "every": 2, "match": {"path": ARTICLE}}])
    result = run(sim, db, "website", "--full-refresh", "-s", "RETRY_TIMES=1")  # lasting: one retry shows it
    assert result["status"] == "partial", result["summary"]
    assert run_events(db, result["run_id"]) == {}  # no false "changed" from an empty or half body
    assert documents(db) == before
    assert outcomes(db, result["run_id"])["truncated"] > 0
    assert "Traceback" not in result["stderr"] and "Spider error" not in result["stderr"]
    assert not query(db, "select 1 from documents where channel = 'website' and (body_text is null or body_text = '')")


def test_a_first_crawl_of_cut_pages_stores_no_empty_article(sim, tmp_path) -> None:
    db = tmp_path / "archive.sqlite"
    sim.set_faults([{"kind": "truncated", "every": 3, "match": {"path": ARTICLE}}])
    result = run(sim, db, "website")
    assert result["status"] == "partial"
    cut = query(db, "select d.id, d.body_text, d.content_sha256 from documents d join document_checks c on "
                    "c.document_id = d.id where c.detail_value like '%truncated%'")
    assert cut and all(r["body_text"] is None and r["content_sha256"] is None for r in cut)
    sim.clear_faults()
    again = run(sim, db, "website")  # the next crawl reads them (a document never read whole is not skipped)
    assert again["status"] == "ok"
    assert not query(db, "select 1 from documents where content_sha256 is null")
    assert run_events(db, again["run_id"]).get("changed", 0) == 0
