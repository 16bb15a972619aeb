"""A run's status from what it saw (crawler/extensions/runlog.py `summarize`)."""

from __future__ import annotations

from crawler.extensions.runlog import summarize

LISTED = [{"name": "教育动态", "stated_post_count": 3, "api_total": 3, "harvested": 3, "search_backfilled": 0,
           "stop_reason": "complete", "notes": [], "complete": True, "healthy": True}]


def test_a_signal_before_anything_was_listed_interrupts_the_run_rather_than_failing_it() -> None:
    status, summary = summarize({"finish_reason": "shutdown", "downloader/response_count": 2}, [], "")
    assert status == "interrupted" and summary["responses"] == 2


def test_a_signal_after_listing_interrupts_the_run() -> None:
    assert summarize({"finish_reason": "shutdown"}, LISTED, "")[0] == "interrupted"


def test_a_run_that_listed_nothing_without_being_stopped_failed() -> None:
    assert summarize({"finish_reason": "finished"}, [], "")[0] == "failed"


def test_a_problem_fails_the_run_even_when_a_signal_came_too() -> None:
    assert summarize({"finish_reason": "shutdown"}, LISTED, "network unreachable: …")[0] == "failed"


def test_a_complete_run_is_ok_and_a_gap_makes_it_partial() -> None:
    assert summarize({"finish_reason": "finished"}, LISTED, "")[0] == "ok"
    gap = [{**LISTED[0], "complete": False, "harvested": 2, "stop_reason": "failed"}]
    assert summarize({"finish_reason": "finished"}, gap, "")[0] == "partial"
