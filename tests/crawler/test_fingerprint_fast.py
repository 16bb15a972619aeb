"""The list fingerprint's and clean_title's shortcuts give what their full ways give.

`list_fingerprint` writes the canonical JSON of a usual entry straight from a template; anything else goes
the general way (`_canonical_record` + `json.dumps(sort_keys=True)`). Every archived document's change
detection rests on the two agreeing byte for byte, so they are held to each other on generated entries:
odd white space, markup, escapes, quotes and control characters in every field, ints, bools, floats,
None, missing keys, attachments as lists, JSON strings or junk.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.parsing.common import BREAK
from crawler.parsing.gkmlpt import (
    FINGERPRINT_FIELDS,
    _canonical_fast,
    _canonical_record,
    _clean_title_steps,
    clean_title,
    list_fingerprint,
)

PIECES = ["a", "中", " ", "  ", "\t", "\n", "\u3000", "\x1f", "\x00", '"', "\\", "\\u4e2d", "%u4E2D", "%20", "&amp;",
          "&lt;b&gt;", "<br/>", "<em>", "</em>", BREAK, "http://", "https://", "//", "HTTP://", "é", "😀", "\ud800"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join) | st.text(max_size=12)
USUAL_SCALAR = TEXT | st.integers(-(2**70), 2**70) | st.none()
SCALAR = USUAL_SCALAR | st.booleans() | st.floats(allow_nan=False) | st.just(3.0) | st.lists(st.integers(), max_size=2)
KEYS = st.sampled_from(["id", "name", "size", "url", "mime"])


def entries(scalar: st.SearchStrategy, attachments: st.SearchStrategy, title: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={**{k: scalar for k in FINGERPRINT_FIELDS}, "title": title,
                                               "attachment": attachments, "created_at": scalar})


# The usual entry: str, int or None everywhere (a title str or None), attachments a list of objects.
USUAL = entries(USUAL_SCALAR, st.lists(st.dictionaries(KEYS, USUAL_SCALAR, max_size=5), max_size=4) | st.just([]),
                TEXT | st.none())
ANY = entries(SCALAR, st.lists(st.dictionaries(KEYS, SCALAR, max_size=5) | SCALAR, max_size=4) | TEXT | st.none()
              | st.lists(st.dictionaries(KEYS, USUAL_SCALAR, max_size=5), max_size=4).map(json.dumps), SCALAR)


def general_way(article: dict[str, Any]) -> str:
    return json.dumps(_canonical_record(article), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@settings(max_examples=300)
@given(USUAL)
@example({"id": 1, "title": "t", "url": "http://h/a", "attachment": [{"id": 2, "url": "//h/b", "name": "n", "size": 3}]})
@example({"attachment": [{"id": "1", "url": "b"}, {"id": "1", "url": "a"}, {"id": "0", "url": "z"}, {"id": 1}]})
@example({"id": "1 ", "url": " HTTPS://h/a", "post_url": "//h", "title": None, "abstract": "a \u3000b"})
def test_the_template_writes_what_json_dumps_writes(article: dict[str, Any]) -> None:
    assert _canonical_fast(article, None) == general_way(article)
    if isinstance(article.get("title"), str):  # the spider hands over the title it has already cleaned
        assert _canonical_fast(article, clean_title(article["title"])) == general_way(article)


@settings(max_examples=300)
@given(ANY)
@example({"title": 5, "url": 1.0, "date": True})
@example({"attachment": '[{"id": 1, "url": "a"}]'})
def test_any_other_entry_goes_the_general_way(article: dict[str, Any]) -> None:
    fast = _canonical_fast(article, None)
    assert fast is None or fast == general_way(article)


def test_the_fingerprint_is_the_sha256_of_the_canonical_json() -> None:
    article = {"id": 3422473, "title": "开平市教育局 关于<br/>通知", "url": "http://h/a.html", "date": 1765555200,
               "attachment": [{"id": 9, "name": "附件", "size": 10, "url": "https://h/f.pdf"}], "is_expired": 0}
    expected = hashlib.sha256(general_way(article).encode()).hexdigest()
    assert list_fingerprint(article) == list_fingerprint(article, clean_title(article["title"])) == expected
    assert _canonical_fast({**article, "is_expired": False}, None) is None  # a bool: the general way
    assert list_fingerprint({**article, "is_expired": False}) == list_fingerprint({**article, "is_expired": 0})


@settings(max_examples=400)
@given(TEXT)
@example("a  b\t")
@example("%u4E2D")
@example("a<br>b")
@example("a" + BREAK + "b")
def test_clean_title_shortcut_agrees_with_its_steps(raw: str) -> None:
    assert clean_title(raw) == _clean_title_steps(raw)
