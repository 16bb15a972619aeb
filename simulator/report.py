"""The agency's annual report (政府信息公开工作年度报告) as the simulator publishes it.

Placeholder until the report renderer lands: returns a minimal body.
"""

from __future__ import annotations

from .world import Agency, World


def report_body_html(world: World, agency: Agency, year: int) -> str:
    """The inner HTML of the report's article body (paragraphs and the tables of 二, 三, 四)."""
    return f"<p>{agency.name}{year}年政府信息公开工作年度报告</p>"
