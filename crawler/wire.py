"""What crosses Redis between the processes of a shared frontier (crawler/redis_frontier.py), as tagged JSON.

Requests (scrapy-redis's queue: `SCHEDULER_SERIALIZER = "crawler.wire"`), items, capture rows and the
workers' last words (pipelines/redis_queue.py) were pickled; unpickling runs whatever code the bytes name, so
anyone who can write to the Redis would run code in every worker and in the writer that holds the archive.
Here a message is JSON, and the only objects it can rebuild are the plain values JSON has, bytes, tuples,
sets, post-id sets (crawler/idset.py) and the dataclasses listed in ALLOWED; anything else is refused, on
both sides, with a message that names it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from pyroaring import BitMap64

from crawler.idset import IdSet

# The dataclasses a message may carry, by name: the items, and the listing states that travel in the
# requests of a listing (CarriedState).
ALLOWED: dict[str, type] = {}
_TAGS = ("__bytes", "__tuple", "__set", "__dict", "__ids", "__dataclass")


def allow(*classes: type) -> None:
    """Let messages carry these dataclasses (registered by the modules that define them)."""
    for cls in classes:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a dataclass")
        ALLOWED[cls.__name__] = cls


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not any(k in _TAGS for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"__dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"__bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"__tuple": [_encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"__set": [_encode(v) for v in value]}
    if isinstance(value, IdSet):
        return {"__ids": [base64.b64encode(value.numbers.serialize()).decode("ascii"), sorted(value.others)]}
    cls = type(value)
    if dataclasses.is_dataclass(value) and ALLOWED.get(cls.__name__) is cls:
        return {"__dataclass": cls.__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise TypeError(f"cannot send a {cls.__module__}.{cls.__qualname__} through the frontier (crawler/wire.py)")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = next((k for k in _TAGS if k in value), None)
    if tag is None:
        return {k: _decode(v) for k, v in value.items()}
    body = value[tag]
    if tag == "__bytes":
        return base64.b64decode(body, validate=True)
    if tag == "__tuple":
        return tuple(_decode(v) for v in body)
    if tag == "__set":
        return {_decode(v) for v in body}
    if tag == "__dict":
        return {_decode(k): _decode(v) for k, v in body}
    if tag == "__ids":
        ids = IdSet(body[1])
        ids.numbers = BitMap64.deserialize(base64.b64decode(body[0], validate=True))
        return ids
    cls = ALLOWED.get(body)
    if cls is None:
        raise ValueError(f"a frontier message names {body!r}, which is not a dataclass it may carry")
    return cls(**{k: _decode(v) for k, v in value["fields"].items()})


def dumps(value: Any) -> bytes:
    """The message for `value` (scrapy-redis calls this with a request's dict)."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The value a message carries; ValueError for one that is not this module's JSON or names anything
    outside ALLOWED."""
    try:
        return _decode(json.loads(data))
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"a frontier message that is not well formed: {exc}") from exc
