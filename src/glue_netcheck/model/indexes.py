"""The network's lookups, built once per collection (model/network.py's cached properties):
a scan asks each question thousands of times, and a scan of every table, ACL or endpoint of
the region per question made large regions superlinear. `prove`'s changed copies of a network
share the collections a change did not touch, and so their indexes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from glue_netcheck.model.network import Subnet, VpcEndpoint

T = TypeVar("T")
_INDEXES: dict[tuple[str, int], tuple[object, Any]] = {}


def shared(kind: str, source: object, build: Callable[[Any], T]) -> T:
    """The index of `source`, one per collection object (kept alive by its entry, so its id is
    not reused while cached)."""
    key = (kind, id(source))
    hit = _INDEXES.get(key)
    if hit is None:
        if len(_INDEXES) >= 4096:
            _INDEXES.clear()
        hit = _INDEXES[key] = (source, build(source))
    index: T = hit[1]
    return index


def by_subnet(items: tuple[Any, ...], fallback: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Route tables or ACLs by associated subnet, and each VPC's main table or default ACL
    (the item whose `fallback` flag is set)."""
    by_subnet: dict[str, Any] = {}
    first: dict[str, Any] = {}
    for item in items:
        for subnet_id in item.subnet_ids:
            by_subnet.setdefault(subnet_id, item)
        if getattr(item, fallback):
            first.setdefault(item.vpc_id, item)
    return by_subnet, first


def index_endpoints(endpoints: tuple[VpcEndpoint, ...]) -> dict[tuple[str, str], tuple[VpcEndpoint, ...]]:
    index: dict[tuple[str, str], list[VpcEndpoint]] = {}
    for e in endpoints:
        index.setdefault((e.vpc_id, e.service_name), []).append(e)
    return {key: tuple(found) for key, found in index.items()}


def with_endpoint(endpoints: tuple[VpcEndpoint, ...], added: VpcEndpoint) -> tuple[VpcEndpoint, ...]:
    """`endpoints` and one more (a fix's new endpoint), the new tuple's index made from the old
    one's if that is built: `prove` tries an endpoint per placement on a copy of the network,
    and re-indexing every endpoint of the region per copy was a tenth of a scan."""
    extended = (*endpoints, added)
    hit = _INDEXES.get(("endpoints", id(endpoints)))
    if hit is not None and hit[0] is endpoints:
        index = dict(hit[1])
        key = (added.vpc_id, added.service_name)
        index[key] = (*index.get(key, ()), added)
        if len(_INDEXES) >= 4096:
            _INDEXES.clear()
        _INDEXES[("endpoints", id(extended))] = (extended, index)
    return extended


def index_subnets(subnets: Mapping[str, Subnet]) -> dict[str, tuple[Subnet, ...]]:
    index: dict[str, list[Subnet]] = {}
    for subnet in subnets.values():
        index.setdefault(subnet.vpc_id, []).append(subnet)
    return {vpc_id: tuple(found) for vpc_id, found in index.items()}
