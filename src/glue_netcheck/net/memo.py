"""Memos for trace pieces, keyed cheaply.

A scan traces thousands of connections through a few hundred route tables, ACLs and group
sets, and `prove` re-traces each on changed copies of the network that share every object the
change did not touch. Each piece (a route decision, an ACL verdict, a group verdict) is
memoised on the *identity* of the immutable model objects that decide it plus plain values:
hashing a frozen dataclass walks all its fields on every call (dataclasses do not cache their
hash), which cost more than the work it saved. An entry pins the objects whose ids are in its
key, so an id is never reused by another object while the entry lives.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """A bounded map from a cheap key to a value; cleared whole when full (a scan's working
    set is far smaller than the bound, so the rare clear costs less than LRU bookkeeping)."""

    def __init__(self, size: int = 65_536) -> None:
        self.size = size
        self.entries: dict[Hashable, tuple[object, Any]] = {}

    def get(self, key: Hashable, pins: object, compute: Callable[[], T]) -> T:
        hit = self.entries.get(key)
        if hit is not None:
            value: T = hit[1]
            return value
        if len(self.entries) >= self.size:
            self.entries.clear()
        result = compute()
        self.entries[key] = (pins, result)
        return result


class PerOwner:
    """Memos that live as long as their owner (a network): `prove` makes thousands of changed
    copies of a network; a memo keyed on the copy's id would keep each alive until cleared,
    and a scan's memory would grow with its connections."""

    def __init__(self, size: int = 65_536) -> None:
        self.size = size  # per owner: a scan's placements are as many as its connections
        self.owners: weakref.WeakKeyDictionary[Any, dict[Hashable, tuple[object, Any]]] = weakref.WeakKeyDictionary()

    def get(self, owner: object, key: Hashable, pins: object, compute: Callable[[], T]) -> T:
        entries = self.owners.get(owner)
        if entries is None:
            entries = self.owners[owner] = {}
        hit = entries.get(key)
        if hit is not None:
            value: T = hit[1]
            return value
        if len(entries) >= self.size:
            entries.clear()
        result = compute()
        entries[key] = (pins, result)
        return result


def seq_key(values: Sequence[Hashable]) -> Hashable:
    """A short sequence by value (callers build those afresh), a long one by identity (the long
    ones are the shared constants and cached tuples: public ranges, prefix-list CIDRs)."""
    return tuple(values) if len(values) <= 4 else ("id", id(values))


def ids(objects: Sequence[object]) -> tuple[int, ...]:
    return tuple(id(o) for o in objects)
