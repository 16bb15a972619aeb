"""Comparing a stored reconciliation with the simulator's expected one (`truth["reconciliation"]`)."""

from __future__ import annotations

from typing import Any

# WeChat credentials for every lister the simulator offers (test values, never real ones), the feed of the
# account's wewe-rss bridge, and the read credentials that make read counts visible.
LISTER_ENV = {"WECHAT_MP_COOKIE": "slave_sid=e2e-any-551; bizuin=3911122233", "WECHAT_MP_TOKEN": "66554433",
              "WECHAT_UIN": "e2e-uin-771", "WECHAT_KEY": "e2e-key-88123", "WECHAT_PASS_TICKET": "e2e-pt-99321",
              "WEREAD_COOKIE": "wr_vid=e2e-vid-1; wr_skey=e2e-skey-2"}
READ_ENV = {"WECHAT_WAP_SID2": "e2e-wap-sid2-4471"}


def feed_setting(truth: dict[str, Any], agency: str) -> list[str]:
    """`-s XXGK_WECHAT_FEEDS=…` for the agency's account on the simulator's wewe-rss bridge."""
    book = truth["agencies"][agency]["wechat"]["account"]["weread_book_id"]
    return ["-s", f"XXGK_WECHAT_FEEDS=http://wewe-rss.localhost/feeds/{book}.atom?limit=1000"]


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def row_key(row: dict[str, Any], statements: int, part_of: Any) -> tuple[Any, ...]:
    """What must agree: the claim (kind, channel, category, claimed), the verdict (status, observed,
    observed_live, delta), both readings of a WeChat count (articles, pushes) or of a claim naming no
    channel (catalog, all channels), how many times the report states it, and the total it is part of."""
    interp = row.get("interpretation") or row.get("readings") or {}
    readings = tuple((name, interp[name].get("observed"), interp[name].get("delta"), interp[name].get("status"))
                     for name in ("articles", "pushes", "catalog", "all") if name in interp)
    return (row["kind"], row["channel"], row["category"], _num(row["claimed"]), row["status"], row["observed"],
            row["observed_live"], row["delta"], readings, statements, part_of)


def expected_rows(truth: dict[str, Any], read_credentials: bool) -> list[tuple[Any, ...]]:
    rows = []
    for t in truth["rows"]:
        if read_credentials and "with_read_credentials" in t:
            t = {**t, **t["with_read_credentials"]}
        rows.append(row_key(t, t["statements"], tuple(t["part_of"]) if t["part_of"] else None))
    return sorted(rows, key=repr)


def stored_rows(rec: dict[str, Any]) -> list[tuple[Any, ...]]:
    by_index = {r["claim_index"]: r for r in rec["rows"]}

    def total(r: dict[str, Any]) -> Any:
        parent = by_index.get(r["part_of"]) if r.get("part_of") is not None else None
        return (parent["kind"], parent["channel"], parent["category"]) if parent else None

    return sorted((row_key(r, len(r.get("quotes") or [r]), total(r)) for r in rec["rows"]), key=repr)


def assert_rows_equal_truth(rec: dict[str, Any], truth: dict[str, Any], read_credentials: bool = False) -> None:
    """Every stored row equals a row of the truth and the other way round (status, observed, claimed, delta,
    readings, statements, the total it is part of)."""
    mine = stored_rows(rec)
    want = expected_rows(truth, read_credentials)
    missing = [r for r in want if r not in mine]
    extra = [r for r in mine if r not in want]
    assert not missing and not extra, (f"rows the truth has and the reconciliation lacks: {missing}\n"
                                       f"rows the reconciliation has and the truth lacks: {extra}")
    assert len(mine) == len(want)
