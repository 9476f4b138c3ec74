"""A path answer is a frozen trace of hops; every renderer works from it.

Hop and blocked-at `type` words are the contract's vocabulary (`hops[].type`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HopVerdict = Literal["allow", "deny", "unknown", "info"]
Via = Literal[
    "interface-endpoint",
    "gateway-endpoint",
    "nat-gateway",
    "internet-gateway",
    "local",
    "vpc-peering",
    "transit-gateway",
    "virtual-private-gateway",
    "network-interface",
]


@dataclass(frozen=True, slots=True)
class Needed:
    """The rule a security group or network ACL lacks for this hop to pass: what a fix adds."""

    egress: bool
    low: int
    high: int
    peer_kind: str  # cidr | security-group | prefix-list
    peer: str
    rule_number: int | None = None  # network ACLs: a free number before the dropping rule


@dataclass(frozen=True, slots=True)
class Hop:
    type: str  # vpc, subnet, security-group, network-acl, route-table, vpc-endpoint, …
    id: str
    verdict: HopVerdict
    detail: str
    needed: Needed | None = None


@dataclass(frozen=True, slots=True)
class BlockedAt:
    type: str
    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class PathResult:
    service: str
    endpoint: str
    port: int
    reachable: bool | None
    via: Via | None
    hops: tuple[Hop, ...]
    blocked_at: BlockedAt | None = None
    # The service's interface endpoint that DNS did not lead to (private DNS off, …): the
    # usual root cause when the public fallback then fails.
    bypassed_endpoint: str | None = None


def first_drop(hops: tuple[Hop, ...]) -> Hop | None:
    return next((h for h in hops if h.verdict == "deny"), None)


def first_unknown(hops: tuple[Hop, ...]) -> Hop | None:
    return next((h for h in hops if h.verdict == "unknown"), None)
