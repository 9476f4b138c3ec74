"""A path answer is a frozen trace of hops; every renderer works from it.

Hop and blocked-at `type` words are the contract's vocabulary (`hops[].type`). Every hop that
drops the traffic or cannot decide carries a `code`, a typed field (Reachability Analyzer's
`explanationCode` where AWS has one): renderers and checks read the field, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

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
    more: tuple[str, ...] = ()  # security groups: further CIDRs, one rule each (a NAT's EIPs)

    @property
    def peers(self) -> tuple[str, ...]:
        return (self.peer, *self.more)


# Reachability Analyzer's explanation codes: users know them, so the text names them too.
AwsCode = Literal[
    "NO_ROUTE_TO_DESTINATION",
    "ENI_SG_RULES_MISMATCH",
    "SUBNET_ACL_RESTRICTION",
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
    "MORE_SPECIFIC_ROUTE",
    "CANNOT_ROUTE",
    "VPCE_STATE",
    "VPCE_SERVICE_MISMATCH",
]
# Ours, where AWS has none; they live in the field only (the text reads as it always has).
OwnCode = Literal[
    "BLACKHOLE_ROUTE",  # the route's target is gone
    "DNS_SUPPORT_DISABLED",
    "DNS_SUPPORT_UNKNOWN",
    "DNS_HOSTNAMES_UNKNOWN",
    "NAT_STATE",  # the NAT gateway is not available
    "NAT_PRIVATE",  # a private NAT gateway cannot reach public addresses
    "NAT_ROUTE",  # the NAT gateway's subnet does not route to an internet gateway
    "IGW_NOT_ATTACHED",
    "PEERING_STATE",  # not active, or not between the two VPCs
    "VPCE_NO_INTERFACE",  # the interface endpoint has no ENI in an existing subnet
    "SG_PARTIAL_MATCH",  # a rule admits part of the destination: depends on the exact address
    "ACL_PARTIAL_MATCH",  # an ACL denies part of where the destination may be: depends on its address
    "NO_SECURITY_GROUP",
    "SUBNET_NOT_FOUND",
    "OPAQUE_TARGET",  # the route leaves to a place the API answers cannot show (TGW, VGW, appliance)
    "UNREADABLE",  # IAM denied the Describe call that would decide the hop
    "DATA_MISSING",  # a resource the hop needs is not in the data
    "BPA_BLOCKED",  # VPC Block Public Access drops the traffic at the internet gateway
    # VPC Block Public Access drops it unless an exclusion the data cannot show exists.
    "BPA_EXCLUSIONS_UNKNOWN",
    # On a passing hop: a network ACL denies a few ports of a client's ephemeral range, so
    # the connections that pick them time out (intermittent, a warning).
    "EPHEMERAL_PORTS_DENIED",
]
HopCode = AwsCode | OwnCode
AWS_CODES: frozenset[str] = frozenset(get_args(AwsCode))


@dataclass(frozen=True, slots=True)
class Hop:
    type: str  # vpc, subnet, security-group, network-acl, route-table, vpc-endpoint, …
    id: str
    verdict: HopVerdict
    text: str  # what was checked and why, without the code
    needed: Needed | None = None
    code: HopCode | None = None

    @property
    def detail(self) -> str:
        """The text as reports show it: AWS's codes lead it ("CODE: text")."""
        return f"{self.code}: {self.text}" if self.code in AWS_CODES else self.text

    def __post_init__(self) -> None:
        # Loud, because a renderer or check that reads the code must never find it missing.
        if self.verdict in ("deny", "unknown") and self.code is None:
            raise ValueError(f"a {self.verdict} hop at {self.id} carries no code: {self.text}")


@dataclass(frozen=True, slots=True)
class BlockedAt:
    type: str
    id: str
    reason: str
    code: HopCode | None = None


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
