"""Route selection: longest-prefix match over CIDR routes and managed-prefix-list routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from ipaddress import IPv4Network
from typing import TypeVar

from glue_netcheck.model.network import PrefixList, Route, RouteTable
from glue_netcheck.net.memo import Memo, seq_key
from glue_netcheck.net.space import contains


def _specificity(
    route: Route,
    destination: IPv4Network,
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
) -> int | None:
    """The prefix length by which `route` matches `destination`, or None if it does not."""
    if route.destination is not None:
        return route.destination.prefixlen if contains(route.destination, destination) else None
    if route.prefix_list_id is None:
        return None
    if route.prefix_list_id == destination_prefix_list:
        return destination.prefixlen
    pl = prefix_lists.get(route.prefix_list_id)
    lengths = [c.prefixlen for c in pl.cidrs if contains(c, destination)] if pl else []
    return max(lengths) if lengths else None


T = TypeVar("T")

# Route decisions memoised per (route table, prefix lists, destinations): on a scan thousands
# of traces ask the same few hundred tables the same questions (see net/memo.py).
_MEMO = Memo()


def _memoised(
    kind: str,
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
    compute: Callable[[], T],
) -> T:
    key = (kind, id(table), id(prefix_lists), seq_key(destinations), destination_prefix_list)
    return _MEMO.get(key, (table, prefix_lists, destinations), compute)


def select_route(
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None = None,
) -> Route | None:
    """The route AWS uses for traffic to every address in `destinations` (the most specific
    route matching all of them). On equal length a CIDR route beats a prefix-list route, as in
    AWS."""
    return _memoised(
        "select",
        table,
        destinations,
        prefix_lists,
        destination_prefix_list,
        lambda: _select_route(table, destinations, prefix_lists, destination_prefix_list),
    )


def _select_route(
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
) -> Route | None:
    best: tuple[int, int, Route] | None = None
    for route in table.routes:
        length = _matching_length(route, destinations, prefix_lists, destination_prefix_list)
        if length is None:
            continue
        rank = (length, route.destination is not None)
        if best is None or rank > best[:2]:
            best = (*rank, route)
    return best[2] if best else None


def _matching_length(
    route: Route,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
) -> int | None:
    """The shortest match over all destinations, or None as soon as one does not match."""
    shortest: int | None = None
    for destination in destinations:
        length = _specificity(route, destination, prefix_lists, destination_prefix_list)
        if length is None:
            return None
        shortest = length if shortest is None else min(shortest, length)
    return shortest


def routes_by_part(
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None = None,
) -> list[tuple[Route | None, tuple[IPv4Network, ...]]]:
    """Longest-prefix match per destination range: the parts of `destinations` that go one
    way, each with the route AWS uses for it (None: no route), parts sharing a route merged.

    `0.0.0.0/1` + `128.0.0.0/1` together beat `0.0.0.0/0` although neither covers the whole
    internet; a range is split only where a more specific route starts inside it.
    """
    parts = _memoised(
        "parts",
        table,
        destinations,
        prefix_lists,
        destination_prefix_list,
        lambda: _routes_by_part(table, destinations, prefix_lists, destination_prefix_list),
    )
    return list(parts)


def _routes_by_part(
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
) -> tuple[tuple[Route | None, tuple[IPv4Network, ...]], ...]:
    inner = [n for r in table.routes for n in _route_networks(r, prefix_lists, destination_prefix_list)]
    parts: dict[Route | None, list[IPv4Network]] = {}
    for destination in destinations:
        for piece in _pieces(destination, inner):
            parts.setdefault(_select_route(table, (piece,), prefix_lists, destination_prefix_list), []).append(piece)
    # In address order, so a report reads the same every run.
    return tuple(sorted(((route, tuple(nets)) for route, nets in parts.items()), key=lambda p: min(p[1])))


def _route_networks(
    route: Route, prefix_lists: Mapping[str, PrefixList], destination_prefix_list: str | None
) -> tuple[IPv4Network, ...]:
    if route.destination is not None:
        return (route.destination,)
    if route.prefix_list_id is None or route.prefix_list_id == destination_prefix_list:
        return ()  # a route to the destination's own prefix list matches all of it
    pl = prefix_lists.get(route.prefix_list_id)
    return pl.cidrs if pl else ()


def _pieces(destination: IPv4Network, inner: Sequence[IPv4Network]) -> list[IPv4Network]:
    """`destination` halved until no route network starts strictly inside a piece."""
    if not any(n.prefixlen > destination.prefixlen and contains(destination, n) for n in inner):
        return [destination]
    return [p for half in destination.subnets(prefixlen_diff=1) for p in _pieces(half, inner)]
