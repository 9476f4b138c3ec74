"""Sets of (address range, port range) boxes: the traffic a rule list has yet to decide.

Rules are evaluated against ranges, not sample addresses, because a Glue ENI may take any
address in its subnet and a client any ephemeral port: traffic passes only if *all* of it does.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network


@dataclass(frozen=True, slots=True)
class Box:
    network: IPv4Network
    low: int
    high: int


def contains(outer: IPv4Network, inner: IPv4Network) -> bool:
    """`inner.subnet_of(outer)` in integer arithmetic: route selection calls it millions of
    times on a large scan, and ipaddress's generic version dominates the profile."""
    shift = 32 - outer.prefixlen
    return outer.prefixlen <= inner.prefixlen and (
        int(inner.network_address) >> shift == int(outer.network_address) >> shift
    )


def overlaps(box: Box, network: IPv4Network, low: int, high: int) -> bool:
    # IPv4Network.overlaps in integers (ACL evaluation calls this hundreds of thousands of times)
    inner = box.network
    return (
        box.low <= high
        and low <= box.high
        and int(inner.network_address) <= int(network.broadcast_address)
        and int(network.network_address) <= int(inner.broadcast_address)
    )


def subtract(boxes: Iterable[Box], network: IPv4Network, low: int, high: int) -> list[Box]:
    """The part of `boxes` not covered by `network` x [low, high]."""
    result: list[Box] = []
    for box in boxes:
        if not overlaps(box, network, low, high):
            result.append(box)
            continue
        # Addresses outside the rule keep every port…
        if not box.network.subnet_of(network):
            inside = network  # the rule's network lies within the box (CIDRs nest or are disjoint)
            result.extend(Box(n, box.low, box.high) for n in box.network.address_exclude(inside))
        else:
            inside = box.network
        # …addresses inside keep the ports outside the rule's range.
        if box.low < low:
            result.append(Box(inside, box.low, low - 1))
        if high < box.high:
            result.append(Box(inside, high + 1, box.high))
    return result


def boxes(networks: Iterable[IPv4Network], low: int = 0, high: int = 0) -> list[Box]:
    return [Box(n, low, high) for n in networks]


def subtract_all(remaining: list[Box], networks: Iterable[IPv4Network]) -> list[Box]:
    for network in networks:
        remaining = subtract(remaining, network, 0, 0)
    return remaining


def covered(targets: Iterable[IPv4Network], networks: Iterable[IPv4Network]) -> bool:
    """Whether the union of `networks` covers every address of `targets`."""
    targets, networks = tuple(targets), tuple(networks)
    # Fast path, and the common case: one rule (often 0.0.0.0/0) covers everything.
    if any(all(contains(n, t) for t in targets) for n in networks):
        return True
    # Address intervals as integers: the union of `networks`, merged, must hold each target
    # (ipaddress's address_exclude, box by box, cost more than the rest of a trace).
    spans = sorted(_span(n) for n in networks)
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    starts = [low for low, _ in merged]
    for target in targets:
        low, high = _span(target)
        i = bisect.bisect_right(starts, low) - 1
        if i < 0 or merged[i][1] < high:
            return False
    return True


def _span(network: IPv4Network) -> tuple[int, int]:
    low = int(network.network_address)
    return low, low + network.num_addresses - 1


def partly_covered(targets: Iterable[IPv4Network], networks: Iterable[IPv4Network]) -> bool:
    """Whether any of `networks` overlaps any of `targets` (IPv4Network.overlaps in integers: a
    group verdict asks it of every rule, and ipaddress's version was a tenth of a scan)."""
    spans = [_span(n) for n in networks]
    if not spans:
        return False
    for target in targets:
        low, high = _span(target)
        if any(s_low <= high and low <= s_high for s_low, s_high in spans):
            return True
    return False


# Where a public AWS service endpoint can live: everything but private and special ranges.
# Evaluating rules against this set (not 0.0.0.0/0) keeps "deny 10.0.0.0/8" from looking
# like it blocks the internet.
_NOT_PUBLIC = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    )
)
PUBLIC_INTERNET: tuple[IPv4Network, ...] = tuple(
    b.network for b in subtract_all(boxes([IPv4Network("0.0.0.0/0")]), _NOT_PUBLIC)
)


def ip_in(address: str, network: IPv4Network) -> bool:
    """Whether `address` (any text: a host name is simply not in it) lies in `network`."""
    try:
        return IPv4Address(address) in network
    except ValueError:
        return False
