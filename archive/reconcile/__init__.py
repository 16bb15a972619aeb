"""Reconciliation: what an annual report claims against what the archive shows was published.

One claim → one row: the claim as stated, the count the archive supports by the counting rules of
DESIGN.md, the documents behind that count, the coverage caveats that limit it, and a status:

- `match`: observed satisfies the claim (exact: equal; 超过/余/多/逾 lower bound: observed ≥ claimed;
  约/近 approximation: within 10 %), whatever the kind of claim (read counts included);
- `fewer_found` / `more_found`: observed is below / above what the claim allows;
- `unverifiable`: the archive cannot say — the channel is not crawled or not a configured channel,
  the report's category maps to no catalog category, or coverage is short (a listing that was not
  complete and healthy, a capped website column or a WeChat lister that does not reach back to
  Y-01-01). Counts are still shown when they exist; an unverifiable row is never "zero".

A claim the report states twice is one row with both quotes; a category a list names twice, one row
claiming the sum (grouping.py). A published claim that names no channel is counted under two readings,
the catalog and all channels together, and follows the one the registry names (readings.py). Claims
an auditor corrected come in as a claims file (claims_file.py, `xxgk reconcile --claims`).

"Observed" counts every archived document published in year Y as first seen (including ones that
have disappeared since); "observed_live" counts those still live. Year Y is the Asia/Shanghai
calendar year of 发布日期 (the documents' `published_date`).
"""

from .counting import Reconciler
from .rules import APPROX_TOLERANCE, COUNTING_RULES, STATUSES, Row, bound_of, judge
from .store import latest_reconciliation, load_reconciliation, reconcile

__all__ = ["APPROX_TOLERANCE", "COUNTING_RULES", "STATUSES", "Reconciler", "Row", "bound_of", "judge",
           "latest_reconciliation", "load_reconciliation", "reconcile"]
