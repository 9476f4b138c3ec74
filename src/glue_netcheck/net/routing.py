"""Route selection: longest-prefix match over CIDR routes and managed-prefix-list routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from ipaddress import IPv4Network
from typing import TypeVar

from glue_netcheck.model.network import PrefixList, Route, RouteTable
from glue_netcheck.net.memo import Memo, seq_key

# A route as integers: per route, the (network, prefix length) pairs it matches by, or WHOLE
# for a route to the destination's own prefix list (it matches all of it). Route selection
# runs over every route of a table for every piece of the public internet a trace asks about:
# ipaddress's objects cost microseconds per comparison there, integers a fraction of that.
WHOLE: tuple[tuple[int, int], ...] = ((-1, -1),)
Compiled = tuple[tuple[Route, tuple[tuple[int, int], ...], bool], ...]


def _int(network: IPv4Network) -> tuple[int, int]:
    return int(network.network_address), network.prefixlen


def _compiled(table: RouteTable, prefix_lists: Mapping[str, PrefixList], destination: str | None) -> Compiled:
    key = ("compiled", id(table), id(prefix_lists), destination)
    return _MEMO.get(key, (table, prefix_lists), lambda: _compile(table, prefix_lists, destination))


def _compile(table: RouteTable, prefix_lists: Mapping[str, PrefixList], destination: str | None) -> Compiled:
    compiled: list[tuple[Route, tuple[tuple[int, int], ...], bool]] = []
    for route in table.routes:
        if route.destination is not None:
            compiled.append((route, (_int(route.destination),), True))
        elif route.prefix_list_id is not None:
            if route.prefix_list_id == destination:
                compiled.append((route, WHOLE, False))
            else:
                pl = prefix_lists.get(route.prefix_list_id)
                compiled.append((route, tuple(_int(c) for c in pl.cidrs) if pl else (), False))
    return tuple(compiled)


def _specificity(networks: tuple[tuple[int, int], ...], address: int, length: int) -> int | None:
    """The prefix length by which a route with `networks` matches the destination `address`/
    `length`, or None if it does not (the most specific of a prefix list's entries)."""
    if networks is WHOLE:
        return length
    best: int | None = None
    for net, plen in networks:
        shift = 32 - plen
        if plen <= length and address >> shift == net >> shift and (best is None or plen > best):
            best = plen
    return best


def _select(compiled: Compiled, destinations: Sequence[tuple[int, int]]) -> Route | None:
    """The most specific route matching every destination (its shortest match over them); on
    equal length a CIDR route beats a prefix-list route, as in AWS."""
    best: tuple[int, bool, Route] | None = None
    for route, networks, is_cidr in compiled:
        shortest: int | None = None
        for address, length in destinations:
            found = _specificity(networks, address, length)
            if found is None:
                break
            shortest = found if shortest is None else min(shortest, found)
        else:
            if shortest is None:
                continue
            if best is None or (shortest, is_cidr) > best[:2]:
                best = (shortest, is_cidr, route)
    return best[2] if best else None


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
    compiled = _compiled(table, prefix_lists, destination_prefix_list)
    return _select(compiled, [_int(d) for d in destinations])


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
    compiled = _compiled(table, prefix_lists, destination_prefix_list)
    inner = [n for _, networks, _ in compiled if networks is not WHOLE for n in networks]
    parts: dict[Route | None, list[IPv4Network]] = {}
    for destination in destinations:
        address, length = _int(destination)
        pieces = _pieces(address, length, inner)
        for piece in pieces:
            network = destination if len(pieces) == 1 else IPv4Network(piece)
            parts.setdefault(_select(compiled, (piece,)), []).append(network)
    # In address order, so a report reads the same every run.
    return tuple(sorted(((route, tuple(nets)) for route, nets in parts.items()), key=lambda p: min(p[1])))


def _pieces(address: int, length: int, inner: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The block `address`/`length` halved until no route network starts strictly inside a
    piece; `inner` narrowed to the networks inside the block at each step."""
    shift = 32 - length
    inside = [(n, p) for n, p in inner if p > length and n >> shift == address >> shift]
    if not inside:
        return [(address, length)]
    half = 1 << (31 - length)
    return _pieces(address, length + 1, inside) + _pieces(address | half, length + 1, inside)
