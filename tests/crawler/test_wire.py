"""crawler/wire.py: what crosses Redis between a shared frontier's processes is JSON that rebuilds only plain
values and the allowed dataclasses (never pickle)."""

from __future__ import annotations

import json
import pickle

import pytest
from scrapy import Request
from scrapy.utils.request import request_from_dict

import crawler.redis_frontier  # noqa: F401 - registers what may cross Redis
from crawler import items, wire
from crawler.idset import IdSet
from crawler.parsing.gkmlpt import CategoryNode
from crawler.spiders.gkmlpt import CategoryState
from crawler.spiders.website import ColumnState


def test_items_and_listing_states_come_back_equal() -> None:
    ids = IdSet(["12", "9007199254740993", "post_31", "a/b"])
    run = items.CategoryRunItem(agency="a", native_id=7, name="政务动态", notes=["一", "two"], listed_ids=ids)
    doc = items.DocumentItem(agency="a", channel="catalog", native_id="42", canonical_url="http://h/42",
                             title="关于<b>通知</b>", list_fields={"id": 42, "__bytes": "looks like a tag", 3: None})
    state = CategoryState(node=CategoryNode(1, "类", 0, 5, "", True, 1), api_ids=ids, caveats=["c"])
    column = ColumnState(path="zwgk/tzgg", name="通知公告", url="http://h/", listed={"1": "2024-01-02"})
    value = {"run": run, "doc": doc, "state": state, "column": column, "raw": b"\x00\xff", "pair": (1, "x"),
             "seen": {"a", "b"}}
    back = wire.loads(wire.dumps(value))
    assert back["doc"] == doc and back["column"] == column and back["raw"] == b"\x00\xff"
    assert back["pair"] == (1, "x") and back["seen"] == {"a", "b"}
    for got in (back["run"].listed_ids, back["state"].api_ids):
        assert isinstance(got, IdSet) and sorted(got) == sorted(ids)
    assert back["state"].node == state.node and back["run"].notes == ["一", "two"]
    json.loads(wire.dumps(value))  # plain JSON: nothing for pickle to run


def test_a_request_with_its_carried_state_comes_back() -> None:
    state = CategoryState(node=CategoryNode(3, "类", 0, None, "", True, 1), api_ids=IdSet(["5"]))
    req = Request("http://h/api/all/3?page=2", method="POST", body=b"\xe4\xb8\xad", headers={"X-A": "1"},
                  meta={"xxgk_category_state": state, "download_slot": "h"}, cb_kwargs={"cat_id": 3, "page": 2},
                  priority=10, dont_filter=True)
    back = request_from_dict(wire.loads(wire.dumps(req.to_dict())))
    assert (back.url, back.method, back.body, back.priority, back.dont_filter) == (req.url, "POST", req.body, 10, True)
    assert back.headers.getlist("X-A") == [b"1"] and back.cb_kwargs == {"cat_id": 3, "page": 2}
    assert back.meta["xxgk_category_state"] == state


class Planted:
    """What an attacker's pickle does on loading: here, only a flag."""

    ran = False

    def __reduce__(self):  # noqa: ANN204
        return (setattr, (Planted, "ran", True))


def test_what_is_not_ours_is_refused_on_both_sides() -> None:
    with pytest.raises(TypeError, match="cannot send a .*Planted"):
        wire.dumps({"x": Planted()})
    with pytest.raises(ValueError):
        wire.loads(pickle.dumps(Planted()))
    assert not Planted.ran
    with pytest.raises(ValueError, match="'Planted'.* not a dataclass it may carry"):
        wire.loads(json.dumps({"__dataclass": "Planted", "fields": {}}))
    with pytest.raises(ValueError, match="not well formed"):
        wire.loads(json.dumps({"__dataclass": "DocumentItem"}))
