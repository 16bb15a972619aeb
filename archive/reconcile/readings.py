"""A published claim that names no channel, read two ways (DESIGN.md, "Counting rules").

- catalog: the claim is about the 政府信息公开目录 (a category claim maps to catalog categories as any
  catalog claim does: by name, the agency's aliases, the shared taxonomy);
- all: every configured channel together — catalog documents, website articles (a website article that
  is a counted catalog document's twin by post id counts once) and WeChat articles; a category claim
  counts the catalog categories and the website column of that name (WeChat has no categories).

Both readings are kept on the row (`interpretation`, like WeChat's articles and pushes); the registry's
`reconcile: {channel_less: catalog|all}` names the one that decides the status (default: catalog).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..ids import document_id
from .rules import CHANNELS, Row, delta_of, judge

if TYPE_CHECKING:
    from .counting import Reconciler

READINGS = ("catalog", "all")
READING_NAMES = {"catalog": "catalog reading", "all": "all-channels reading"}


@dataclass
class Reading:
    observed: int | None = None
    observed_live: int | None = None
    status: str = "unverifiable"
    covered: bool = False
    ids: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    method: str = ""
    mapping: dict[str, Any] | None = None
    channels: dict[str, int] | None = None

    def as_dict(self, claimed: float | None) -> dict[str, Any]:
        out = {"observed": self.observed, "observed_live": self.observed_live,
               "delta": delta_of(self.observed, claimed), "status": self.status, "documents": len(self.ids),
               "caveats": self.caveats, "method": self.method, "mapping": self.mapping}
        if self.channels is not None:
            out["channels"] = self.channels
        return out


def _from_row(sub: Row) -> Reading:
    return Reading(sub.observed, sub.observed_live, sub.status, sub.covered, list(sub.document_ids),
                   list(sub.caveats), sub.method, sub.mapping)


def catalog_reading(rec: Reconciler, row: Row) -> Reading:
    sub = row.as_channel("catalog")
    rec.catalog(sub)
    return _from_row(sub)


def all_reading(rec: Reconciler, row: Row) -> Reading:
    """Every configured channel together; twins (same post id on the catalog and the website) count once."""
    notes: list[str] = []
    subs: dict[str, Row] = {}
    for ch in rec.agency.channels or list(CHANNELS):
        if row.category is not None:  # only the catalog and the website have categories
            if ch == "wechat":
                notes.append("WeChat has no categories: it adds nothing to a category claim")
                continue
            if ch == "catalog" and rec.crawled("catalog") and not rec.match_categories(row.category)[0]:
                notes.append(f"no catalog category matches {row.category!r}: the catalog adds nothing")
                continue
            if ch == "website" and not rec.website_scope(row.category):
                notes.append(f"no configured website column is named {row.category!r}: the website adds nothing")
                continue
        sub = row.as_channel(ch)
        getattr(rec, ch)(sub)
        subs[ch] = sub
    caveats = notes + [f"{ch}: {c}" for ch, sub in subs.items() for c in sub.caveats]
    if not subs:
        return Reading(caveats=[f"{row.category!r} matches no catalog category and no website column"] + caveats,
                       method="Not counted: no channel has a category or column of that name.")
    short = [ch for ch, sub in subs.items() if sub.observed is None]
    if short:
        return Reading(caveats=[f"not every channel could be counted ({', '.join(short)}): all channels together "
                                "cannot be counted"] + caveats,
                       method=f"Not counted: {', '.join(short)} gave no count.")
    cat = subs.get("catalog")
    cat_ids = list(cat.document_ids) if cat else []
    web = subs.get("website")
    twins, twins_live = twins_of(rec.db, rec.agency.id, web.document_ids if web else [], set(cat_ids))
    web_ids = [i for i in (web.document_ids if web else []) if i not in twins]
    wx = subs.get("wechat")
    wx_arts = (wx.interpretation or {}).get("articles", {}) if wx else {}
    counts = {"catalog": len(cat_ids), "website": len(web_ids), "website_twins": len(twins),
              "wechat": wx_arts.get("observed") or 0}
    observed = counts["catalog"] + counts["website"] + counts["wechat"]
    live = ((cat.observed_live or 0) if cat else 0) + (((web.observed_live or 0) - twins_live) if web else 0) \
        + (wx_arts.get("observed_live") or 0)
    covered = all(sub.covered for sub in subs.values())
    shown = [f"catalog {counts['catalog']}" if cat else "",
             f"website {counts['website']} ({len(twins)} twin(s) of counted catalog documents counted once)" if web
             else "", f"WeChat articles {counts['wechat']}" if wx else ""]
    method = ("All configured channels together: " + " + ".join(s for s in shown if s) + f" = {observed} "
              f"({live} live)." + "".join(f" {ch.capitalize()}: {sub.method}" for ch, sub in subs.items()
                                          if ch != "catalog")  # the catalog reading states the catalog's method
              + "".join(f" {n[0].upper()}{n[1:]}." for n in notes))
    mapping = {k: v for sub in subs.values() for k, v in (sub.mapping or {}).items()} or None
    return Reading(observed, live, judge(observed, row.claimed, row.bound) if covered else "unverifiable", covered,
                   cat_ids + web_ids + (list(wx.document_ids) if wx else []), caveats, method, mapping, counts)


def channel_less(rec: Reconciler, row: Row) -> None:
    """Count the claim both ways and settle the row by the reading the registry names."""
    readings = {"catalog": catalog_reading(rec, row), "all": all_reading(rec, row)}
    used = rec.agency.channel_less_reading
    chosen = readings[used]
    decided = (f"registry reconcile.channel_less: {used}, "
               + ("set in the agency file" if "channel_less" in rec.agency.reconcile else "the default"))
    row.settle(chosen.observed, chosen.observed_live, chosen.covered)
    row.status = chosen.status
    row.document_ids, row.mapping = chosen.ids, chosen.mapping
    parts = {k: r.as_dict(row.claimed) for k, r in readings.items()}
    text = "; ".join(f"{READING_NAMES[k]}: {'–' if r.observed is None else r.observed} → {r.status}"
                     for k, r in readings.items())
    row.interpretation = {
        "readings": list(READINGS), "used": used, "decided_by": decided,
        "matches": [k for k, r in readings.items() if r.status == "match"], **parts,
        "text": f"The claim names no channel. {text[0].upper()}{text[1:]}. The row follows the {READING_NAMES[used]} "
                f"({decided}).",
    }
    row.caveats = [f"the claim names no channel: it is shown under two readings, and the status follows "
                   f"the {READING_NAMES[used]} ({decided})"] + chosen.caveats
    row.method = (f"The claim names no channel; two readings. Catalog reading: {readings['catalog'].method} "
                  f"All-channels reading: {readings['all'].method} The status follows the {READING_NAMES[used]} "
                  f"({decided}).")


def twins_of(db: Any, agency_id: str, website_ids: list[str], catalog_ids: set[str]) -> tuple[set[str], int]:
    """The website documents among `website_ids` that are twins of a counted catalog document (by the stored
    twin link or the same post id), and how many of them are live."""
    twins: set[str] = set()
    live = 0
    for i in range(0, len(website_ids), 500):
        chunk = website_ids[i:i + 500]
        for d in db.query(f"select id, native_id, twin_id, status from documents where id in "
                          f"({','.join('?' for _ in chunk)})", chunk):
            if d["twin_id"] in catalog_ids or document_id(agency_id, "catalog", d["native_id"]) in catalog_ids:
                twins.add(d["id"])
                live += d["status"] == "live"
    return twins, live
