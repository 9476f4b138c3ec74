"""One trace in progress (Batfish's FlowTracer): the network, where the traffic starts, the
hops so far, and one method per check that every path shares (route table, security groups,
network ACLs, the local route, a private address in the same VPC).

What happens after a route is chosen depends on its target kind; `Tracer.follow` looks the
kind up in the one table `net/route_targets.py` passes in, so a new kind is one entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

from glue_netcheck.model.network import (
    NatGateway,
    Network,
    Route,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from glue_netcheck.net import nacl, routing, security_groups
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import Destination
from glue_netcheck.net.trace import (
    BlockedAt,
    Hop,
    HopCode,
    HopVerdict,
    PathResult,
    Via,
    first_drop,
    first_unknown,
)


@dataclass(frozen=True, slots=True)
class Source:
    """Glue's ENIs: any address of the connection's subnet, with the connection's groups."""

    vpc: Vpc
    subnet: Subnet
    groups: tuple[SecurityGroup, ...]

    @property
    def peer(self) -> Peer:
        return Peer(
            (self.subnet.cidr,),
            frozenset(g.id for g in self.groups),
            label=f"{self.subnet.cidr} (Glue ENIs in {self.subnet.id})",
        )


@dataclass(frozen=True, slots=True)
class Leg:
    """One forwarding decision towards a public address: the route `table` chose for `target`."""

    table: RouteTable
    route: Route
    destination: Destination
    target: Peer  # the destination's addresses as groups and ACLs see them
    nat: NatGateway | None = None  # set when the route is the NAT gateway's own subnet's


Handler = Callable[["Tracer", "Leg"], Via | None]


@dataclass(frozen=True, slots=True)
class TargetKind:
    """What a route target kind does to the traffic it is given."""

    follow: Handler  # towards a public address: the hops after the route
    # Set for kinds beyond which nothing can be decided from this VPC's API answers (transit
    # gateways, VPNs, appliances): the path's `via` when it leaves that way.
    opaque: Via | None = None


def appliance_endpoint(network: Network, endpoint_id: str) -> bool:
    """A `vpce-` route target that is an inspection appliance: a Gateway Load Balancer endpoint,
    or one DescribeVpcEndpoints does not list (AWS Network Firewall's endpoints are managed)."""
    if network.unreadable("vpc-endpoint"):
        return False
    endpoint = next((e for e in network.endpoints if e.id == endpoint_id), None)
    return endpoint is None or endpoint.type.lower() == "gatewayloadbalancer"


def known_at_apply(network: Network, hops: tuple[Hop, ...], source: Source) -> tuple[Hop, ...] | None:
    """The hops up to the first one a plan's value known only at apply decides (that hop
    undecided), if it comes before any drop; None otherwise. Undecided where Glue's ENIs are
    (their VPC or subnet): from the first hop. A group's allow stands: a rule known only at
    apply can add to what security groups allow, never take it away."""
    if not network.undecided:
        return None
    where = network.undecided.get(source.vpc.id) or network.undecided.get(source.subnet.id)
    if where:
        first = hops[0] if hops else Hop("vpc", source.vpc.id, "info", "")
        return (Hop(first.type, first.id, "unknown", f"{where}; {first.text}", code="DATA_MISSING"),)
    for i, hop in enumerate(hops):
        why = next((w for key, w in network.undecided.items() if key == hop.id or key in hop.text), None)
        if why and not (hop.type == "security-group" and hop.verdict == "allow"):
            return (*hops[:i], Hop(hop.type, hop.id, "unknown", f"{why}; {hop.text}", code="DATA_MISSING"))
        if hop.verdict == "deny":
            return None
    return None


class UnknownRouteTarget(KeyError):
    """A route target kind the route-target table has no entry for: a bug, never a guess."""


class Tracer:
    def __init__(self, network: Network, source: Source, targets: Mapping[str, TargetKind]) -> None:
        self.network = network
        self.source = source
        self.targets = targets
        self.hops: list[Hop] = []

    # --- recording -----------------------------------------------------------------------

    def add(self, hop: Hop) -> None:
        self.hops.append(hop)

    def stop(self, type_: str, id_: str, verdict: HopVerdict, text: str, code: HopCode) -> None:
        """A hop that drops the traffic or cannot decide: the caller returns after it."""
        self.hops.append(Hop(type_, id_, verdict, text, code=code))

    def missing(self, kind: str, resource: str, text: str, code: HopCode) -> None:
        """Data that is not there: a drop if it does not exist, undecided if IAM denied reading
        that kind of resource."""
        action = self.network.unreadable(kind)
        if action:
            self.stop(kind, resource, "unknown", f"{action} was denied: {kind}s are unknown", "UNREADABLE")
        else:
            self.stop(kind, resource, "deny", text, code)

    def result(self, destination: Destination, via: Via | None, bypassed: VpcEndpoint | None = None) -> PathResult:
        hops = tuple(self.hops)
        if (undecided := known_at_apply(self.network, hops, self.source)) is not None:
            return PathResult(destination.key, destination.dns_name, destination.port, None, None, undecided)
        drop = first_drop(hops)
        blocked = None
        if drop is not None:
            # Traffic dropped here goes no further: the trace ends at the drop, so no report
            # shows a hop after it as `allow`.
            hops = hops[: next(i for i, h in enumerate(hops) if h is drop) + 1]
            blocked = BlockedAt(drop.type, drop.id, drop.detail, drop.code)
            cause = next(
                (h for h in hops if h.verdict == "info" and bypassed and h.type in ("vpc", "vpc-endpoint")), None
            )
            if cause is not None:
                # The endpoint would have carried the traffic; the DNS setting that sent it
                # to the public path instead is the resource to fix.
                blocked = BlockedAt(cause.type, cause.id, f"{cause.detail}; then {drop.id}: {drop.detail}", drop.code)
        reachable = False if drop is not None else None if first_unknown(hops) else True
        return PathResult(
            destination.key,
            destination.dns_name,
            destination.port,
            reachable,
            None if drop is not None else via,
            hops,
            blocked,
            bypassed.id if bypassed else None,
        )

    # --- route selection -------------------------------------------------------------------

    def kind(self, route: Route) -> TargetKind:
        kind = self.targets.get(route.target)
        if kind is None:
            raise UnknownRouteTarget(f"route {route}: target kind {route.target!r} has no entry in ROUTE_TARGETS")
        return kind

    def follow(self, leg: Leg) -> Via | None:
        return self.kind(leg.route).follow(self, leg)

    def opaque(self, route: Route) -> Via | None:
        """Where the route leaves to a place nothing can be decided about, the path's `via`."""
        if route.target == "gateway-endpoint" and appliance_endpoint(self.network, route.target_id):
            return "network-interface"
        return self.kind(route).opaque

    def table(self, subnet: Subnet) -> RouteTable | None:
        """The subnet's route table; without one (or unreadable) the hop that says so is added."""
        table = self.network.route_table_for(subnet)
        if table is None:
            self.missing("route-table", subnet.id, f"{subnet.id} has no route table", "NO_ROUTE_TO_DESTINATION")
        return table

    def local_route(self, subnet: Subnet, destinations: Sequence[IPv4Network]) -> bool:
        """`subnet`'s table must send `destinations` (in its own VPC) to the local route."""
        table = self.table(subnet)
        if table is None:
            return False
        route = routing.select_route(table, destinations, self.network.prefix_lists)
        if route is None:
            text = f"no route to {', '.join(map(str, destinations))}"
            self.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
            return False
        if route.target != "local":
            verdict: HopVerdict = "unknown" if self.opaque(route) else "deny"
            self.stop("route-table", table.id, verdict, f"{route} overrides the local route", "MORE_SPECIFIC_ROUTE")
            return verdict != "deny"
        self.add(Hop("route-table", table.id, "allow", f"route {route}"))
        return True

    # --- filters ---------------------------------------------------------------------------

    def security_groups(
        self,
        groups: tuple[SecurityGroup, ...],
        direction: security_groups.Direction,
        peer: Peer,
        port: int,
        owner: str,
    ) -> None:
        if not groups:
            text = f"{owner} has no security group that exists"
            self.missing("security-group", owner, text, "ENI_SG_RULES_MISMATCH")
            return
        self.add(security_groups.evaluate(groups, direction, peer, port, self.network.prefix_lists))

    def guarded(self, groups: tuple[SecurityGroup, ...] | Hop, port: int, owner: str) -> None:
        """The destination's ingress: its groups' rules, or the hop that stands for them."""
        if isinstance(groups, Hop):
            self.add(groups)
        else:
            self.security_groups(groups, "ingress", self.source.peer, port, owner)

    def acl(
        self,
        subnet: Subnet,
        *,
        egress: bool,
        peers: Sequence[IPv4Network],
        ports: tuple[int, int],
        purpose: str,
        ephemeral: bool = False,
        somewhere: bool = False,
    ) -> None:
        """`ephemeral`: return traffic to a client's ephemeral `ports`; `somewhere`: the peer is
        one unknown address of `peers` (see net/nacl.py)."""
        acl = self.network.network_acl_for(subnet)
        if acl is None:
            action = self.network.unreadable("network-acl")
            reason = f"{action} was denied" if action else "no network ACL is known"
            code: HopCode = "UNREADABLE" if action else "DATA_MISSING"
            self.stop("network-acl", subnet.id, "unknown", f"{reason}: the ACL of {subnet.id} is unknown", code)
        else:
            hop = nacl.evaluate(
                acl, egress=egress, peers=peers, ports=ports, purpose=purpose, ephemeral=ephemeral, somewhere=somewhere
            )
            self.add(hop)

    def crossing(
        self,
        src: Subnet,
        dst: Subnet,
        port: int,
        request: str,
        *,
        return_traffic: bool = False,
        server: tuple[IPv4Network, ...] = (),
    ) -> None:
        """ACL hops for traffic between two subnets (none within one subnet).

        The request direction checks `src` outbound then `dst` inbound on `port`; the return
        direction (src is then the server side) checks Glue's ephemeral ports the same way.
        `server`: the server's own addresses in its subnet (an endpoint's ENI), when known;
        the other subnet's ACL sees those, not the whole subnet.
        """
        if src.id == dst.id:
            return
        ports = nacl.GLUE_EPHEMERAL if return_traffic else (port, port)
        purpose = f"return traffic of {request} ({nacl.ports_text(ports)})" if return_traffic else request
        server_subnet = src if return_traffic else dst
        for subnet, egress, other in ((src, True, dst), (dst, False, src)):
            peers = server if server and other is server_subnet else (other.cidr,)
            self.acl(subnet, egress=egress, peers=peers, ports=ports, purpose=purpose, ephemeral=return_traffic)

    # --- a private address in Glue's own VPC -----------------------------------------------

    def to_private(
        self,
        port: int,
        subnet: Subnet,
        groups: tuple[SecurityGroup, ...] | Hop,
        owner: str,
        addresses: tuple[IPv4Network, ...] = (),
    ) -> bool:
        """Glue ENIs to a private address in `subnet` of the same VPC, guarded by `groups`:
        egress, the local route, the ACLs of both subnets both ways, the destination's ingress.
        `addresses`: the destination's own addresses where known (else anywhere in `subnet`).
        `groups` a hop: what stands for the destination's groups (none apply, or unknown)."""
        source = self.source
        networks = addresses or (subnet.cidr,)
        label = f"{owner} ({', '.join(map(str, networks))})"
        target = Peer(
            networks, frozenset(g.id for g in groups) if isinstance(groups, tuple) else frozenset(), label=label
        )
        self.security_groups(source.groups, "egress", target, port, source.subnet.id)
        if not self.local_route(source.subnet, target.networks):
            return False
        request = f"tcp {port} to {owner}"
        self.crossing(source.subnet, subnet, port, request, server=addresses)
        self.guarded(groups, port, owner)
        self.crossing(subnet, source.subnet, port, request, return_traffic=True, server=addresses)
        return True
