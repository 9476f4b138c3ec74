"""Route selection: longest-prefix match over CIDR routes and managed-prefix-list routes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import IPv4Network

from glue_netcheck.model.network import PrefixList, Route, RouteTable


def _specificity(
    route: Route,
    destination: IPv4Network,
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None,
) -> int | None:
    """The prefix length by which `route` matches `destination`, or None if it does not."""
    if route.destination is not None:
        return route.destination.prefixlen if destination.subnet_of(route.destination) else None
    if route.prefix_list_id is None:
        return None
    if route.prefix_list_id == destination_prefix_list:
        return destination.prefixlen
    pl = prefix_lists.get(route.prefix_list_id)
    lengths = [c.prefixlen for c in pl.cidrs if destination.subnet_of(c)] if pl else []
    return max(lengths) if lengths else None


def select_route(
    table: RouteTable,
    destinations: Sequence[IPv4Network],
    prefix_lists: Mapping[str, PrefixList],
    destination_prefix_list: str | None = None,
) -> Route | None:
    """The route AWS uses for traffic to every address in `destinations` (the most specific
    route matching all of them). On equal length a CIDR route beats a prefix-list route, as in
    AWS."""
    best: tuple[int, int, Route] | None = None
    for route in table.routes:
        lengths = [_specificity(route, d, prefix_lists, destination_prefix_list) for d in destinations]
        if not lengths or any(length is None for length in lengths):
            continue
        rank = (min(length for length in lengths if length is not None), route.destination is not None)
        if best is None or rank > best[:2]:
            best = (*rank, route)
    return best[2] if best else None
