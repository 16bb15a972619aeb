"""A set of post ids that does not grow with the catalog: numeric ids in a compressed bitmap.

A crawl keeps the ids it has asked for and the ids each listing named (to ask for a page once, to
count what a category listed, to find disappearances). As Python sets of str that is about 0.25 KB a
document (340 MB at a million); catalog and website post ids are decimal numbers, which a roaring
bitmap (pyroaring) holds in a few bytes each. An id that is not a plain decimal number (a leading
zero, letters) stays a str in a small side set, so every id is kept exactly as listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyroaring import BitMap64

_MAX = 2**64


def _number(value: str) -> int | None:
    """The id as an int when the int prints back as the same text, else None."""
    if value.isdigit() and value.isascii() and (value[0] != "0" or value == "0"):
        n = int(value)
        if n < _MAX:
            return n
    return None


class IdSet:
    """Post ids (str) with set semantics: add, in, len, iteration (as str), | and -."""

    __slots__ = ("numbers", "others")

    def __init__(self, values: Iterable[str] = ()):
        self.numbers = BitMap64()
        self.others: set[str] = set()
        self.update(values)

    def add(self, value: str) -> None:
        n = _number(value)
        if n is None:
            self.others.add(value)
        else:
            self.numbers.add(n)

    def add_new(self, value: str) -> bool:
        """Add the id; whether it was not there yet (`in` and `add` in one conversion of the id)."""
        n = _number(value)
        if n is None:
            if value in self.others:
                return False
            self.others.add(value)
            return True
        if n in self.numbers:
            return False
        self.numbers.add(n)
        return True

    def update(self, values: Iterable[str]) -> None:
        if isinstance(values, IdSet):
            self.numbers |= values.numbers
            self.others |= values.others
            return
        for value in values:
            self.add(value)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        n = _number(value)
        return value in self.others if n is None else n in self.numbers

    def __len__(self) -> int:
        return len(self.numbers) + len(self.others)

    def __iter__(self) -> Iterator[str]:
        for n in self.numbers:
            yield str(n)
        yield from sorted(self.others)

    def __or__(self, other: IdSet) -> IdSet:
        out = IdSet()
        out.numbers, out.others = self.numbers | other.numbers, self.others | other.others
        return out

    def __sub__(self, other: IdSet) -> IdSet:
        out = IdSet()
        out.numbers, out.others = self.numbers - other.numbers, self.others - other.others
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdSet):
            return self.numbers == other.numbers and self.others == other.others
        if isinstance(other, (set, frozenset)):
            return len(self) == len(other) and all(v in self for v in other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like set

    def __reduce__(self) -> tuple:  # for disk queues and the shared frontier's carried state
        return (IdSet, (list(self),))

    def __repr__(self) -> str:
        return f"IdSet({len(self)} ids)"
