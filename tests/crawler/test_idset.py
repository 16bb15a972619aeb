"""IdSet: the crawl's compact set of post ids behaves as a set of the same strings."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from crawler.idset import IdSet

# Decimal post ids (the usual case) mixed with ids a bitmap cannot hold as numbers.
ids = st.one_of(st.integers(min_value=0, max_value=2**64 + 5).map(str), st.sampled_from(["007", "0", "00", "a1", "", "１２"]),
                st.text(max_size=4))


@given(st.lists(ids), st.lists(ids), ids)
def test_behaves_as_a_set_of_str(a: list[str], b: list[str], probe: str) -> None:
    x, y = IdSet(a), IdSet(b)
    assert len(x) == len(set(a))
    assert sorted(x) == sorted(set(a))  # every id comes back exactly as it was listed
    assert (probe in x) == (probe in set(a))
    assert sorted(x | y) == sorted(set(a) | set(b)) and len(x | y) == len(set(a) | set(b))
    assert sorted(x - y) == sorted(set(a) - set(b))
    x.update(y)
    assert x == set(a) | set(b)
    assert sorted(pickle.loads(pickle.dumps(x))) == sorted(x)


@given(st.lists(ids))
def test_add_new_says_whether_the_id_was_new(values: list[str]) -> None:
    s, seen = IdSet(), set()
    for value in values:
        assert s.add_new(value) == (value not in seen)
        seen.add(value)
    assert s == seen


def test_numeric_ids_are_held_compactly() -> None:
    s = IdSet(str(n) for n in range(2_000_000, 2_100_000))
    s.add("0099")  # not the number 99: kept as text
    assert len(s) == 100_001 and "2050000" in s and "99" not in s and "0099" in s
    assert len(s.others) == 1 and len(s.numbers) == 100_000
    stats = s.numbers.get_statistics()
    held = sum(stats[f"n_bytes_{kind}_containers"] for kind in ("array", "run", "bitset"))
    assert held < 100_000  # under a byte an id (a str in a set: about 100 bytes)
