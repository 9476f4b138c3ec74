"""Towards a public address: the Glue subnet's route, then what the route leads to — a gateway
endpoint, a NAT gateway (its subnet's ACL, its own route table, the internet gateway), an
internet gateway (a drop: Glue's ENIs have private addresses only), or a place beyond which
nothing can be decided. The handlers here are the `follow` entries of `ROUTE_TARGETS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from ipaddress import IPv4Network

from glue_netcheck.model.network import Network, PrefixList, Route, RouteTable, Subnet, VpcEndpoint
from glue_netcheck.net import nacl, routing
from glue_netcheck.net.memo import Memo, ids
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import Destination
from glue_netcheck.net.space import PUBLIC_INTERNET, boxes, subtract_all
from glue_netcheck.net.trace import Hop, HopVerdict, Via
from glue_netcheck.net.tracer import Leg, Tracer


def via_public_address(tracer: Tracer, destination: Destination) -> Via | None:
    network, source = tracer.network, tracer.source
    target = public_target(network, destination)
    tracer.security_groups(source.groups, "egress", target, destination.port, source.subnet.id)
    # Everything after the groups' egress depends on the subnet and the network's other
    # resources, never on a security group: traced once per subnet and destination for every
    # group set placed there, and for every copy of the network `prove` makes by changing a
    # group (a scan's placements share few group sets but many subnets). Keyed on the identity
    # of each collection but the groups (see net/memo.py); the collections are the pins.
    collections = tuple(getattr(network, name) for name in _ONWARD_READS)
    hops, via = _ONWARD.get(
        (ids(collections), id(source.subnet), id(source.vpc), destination),
        (collections, source.subnet, source.vpc),
        lambda: _onward(Tracer(network, source, tracer.targets), destination, target),
    )
    tracer.hops.extend(hops)
    return via


_ONWARD = Memo()
_ONWARD_READS = tuple(f.name for f in fields(Network) if f.name != "security_groups")


def public_target(network: Network, destination: Destination) -> Peer:
    """The destination's public addresses as groups and ACLs see them: its prefix list's
    ranges when known, else one unknown address of where it can be."""
    name = destination.prefix_list_name
    prefix_list = network.prefix_list_named(name) if name else None
    if prefix_list and prefix_list.cidrs:
        return Peer(
            prefix_list.cidrs,
            prefix_list_id=prefix_list.id,
            label=f"{prefix_list.id} ({destination.key} public ranges)",
        )
    return Peer(
        other_service_space(network) if prefix_list is None else PUBLIC_INTERNET,
        prefix_list_id=prefix_list.id if prefix_list else None,
        label=f"public {destination.key} addresses",
        somewhere=True,
    )


def _onward(tracer: Tracer, destination: Destination, target: Peer) -> tuple[tuple[Hop, ...], Via | None]:
    """The hops from the Glue subnet's route table on, and the path's `via`."""
    via = _leave(tracer, destination, target)
    return tuple(tracer.hops), via


def _leave(tracer: Tracer, destination: Destination, target: Peer) -> Via | None:
    source = tracer.source
    table = tracer.table(source.subnet)
    if table is None:
        return None
    parts = route_parts(tracer, table, destination, target)
    port = (destination.port, destination.port)
    request = f"tcp {destination.port} to {target}"

    def leave(part_tracer: Tracer, route: Route | None, part: Peer) -> Via | None:
        if not _route_hop(part_tracer, table, route, part) or route is None:
            return None
        return part_tracer.follow(Leg(table, route, destination, part))

    if len(parts) == 1:
        route, _ = parts[0]
        if not _route_hop(tracer, table, route, target) or route is None:
            return None
        tracer.acl(
            source.subnet, egress=True, peers=target.networks, ports=port, purpose=request, somewhere=target.somewhere
        )
        via = tracer.follow(Leg(table, route, destination, target))
    else:
        # Parts of the destination go different ways: the subnet's ACL sees all of them first.
        tracer.acl(
            source.subnet, egress=True, peers=target.networks, ports=port, purpose=request, somewhere=target.somewhere
        )
        via = each_part(tracer, parts, leave)
    tracer.acl(
        source.subnet,
        egress=False,
        peers=target.networks,
        ports=nacl.GLUE_EPHEMERAL,
        purpose=f"return traffic from {target} ({nacl.ports_text(nacl.GLUE_EPHEMERAL)})",
        ephemeral=True,
        somewhere=target.somewhere,
    )
    return via


def other_service_space(network: Network) -> tuple[IPv4Network, ...]:
    """Where a public address that is not a listed AWS service can be: AWS's service ranges
    are disjoint, so S3's managed prefix list (and any other `com.amazonaws.` list) never holds
    a KMS, STS or Glue address, nor a data source's. Memoised on the prefix lists (by identity:
    `prove`'s changed copies of the network share them)."""
    lists = network.prefix_lists
    return _SPACE.get(id(lists), lists, lambda: _other_service_space(lists))


_SPACE = Memo(256)


def _other_service_space(prefix_lists: Mapping[str, PrefixList]) -> tuple[IPv4Network, ...]:
    managed = [c for pl in prefix_lists.values() if pl.name.startswith("com.amazonaws.") for c in pl.cidrs]
    return PUBLIC_INTERNET if not managed else tuple(b.network for b in subtract_all(boxes(PUBLIC_INTERNET), managed))


Part = tuple[Route | None, Peer]


def route_parts(tracer: Tracer, table: RouteTable, destination: Destination, target: Peer) -> list[Part]:
    """The route each part of `target` takes (longest prefix per range); one part, the whole
    target, when a single route takes all of it."""
    special = _endpoint_route(tracer, table, destination, target)
    if special is not None:
        return [(special, target)]
    network = tracer.network
    parts = routing.routes_by_part(table, target.networks, network.prefix_lists, target.prefix_list_id)
    if len(parts) == 1:
        return [(parts[0][0], target)]
    return [
        (
            route,
            Peer(
                nets,
                label=f"{_span(nets)} of {target}" if route is None else f"{target} via {route}",
                somewhere=target.somewhere,
            ),
        )
        for route, nets in parts
    ]


def _span(networks: tuple[IPv4Network, ...]) -> str:
    return str(networks[0]) if len(networks) == 1 else f"{networks[0]} and {len(networks) - 1} more ranges"


Leave = Callable[[Tracer, Route | None, Peer], Via | None]


def each_part(tracer: Tracer, parts: list[Part], leave: Leave) -> Via | None:
    """Decide each part on its own, in address order. The path passes only if every part
    does: a service's name resolves to many addresses over time, so a part that drops is a
    failure (blocked at the first such part), and an undecided part leaves the path undecided."""
    vias = [leave(tracer, route, part) for route, part in parts]
    return next((via for via in vias if via is not None), None)


def _route_hop(tracer: Tracer, table: RouteTable, route: Route | None, target: Peer) -> bool:
    """The route chosen for `target` in the Glue subnet's table, as a hop."""
    if route is None:
        text = f"no route in {table.id} matches {target}"
        tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
        return False
    if route.target == "blackhole":
        _blackhole(tracer, table, route)
        return False
    tracer.add(Hop("route-table", table.id, "allow", f"route {route}"))
    return True


def _endpoint_route(tracer: Tracer, table: RouteTable, destination: Destination, target: Peer) -> Route | None:
    # With the prefix list's CIDRs known, longest prefix decides per range (routing.routes_by_part):
    # a more specific static route inside an S3 range takes that part. Only when they are unknown
    # is the gateway endpoint's route taken for all of it (it beats any default route).
    known = tracer.network.prefix_lists.get(target.prefix_list_id or "")
    if known is not None and known.cidrs:
        return None
    for route in table.routes:
        endpoint = endpoint_by_id(tracer, route.target_id) if route.target == "gateway-endpoint" else None
        if (
            endpoint
            and endpoint.service_name == destination.endpoint_service_name
            and (target.prefix_list_id is None or route.prefix_list_id == target.prefix_list_id)
        ):
            return route
    return None


def endpoint_by_id(tracer: Tracer, endpoint_id: str) -> VpcEndpoint | None:
    return next((e for e in tracer.network.endpoints if e.id == endpoint_id), None)


# --- route-target handlers --------------------------------------------------------------------
# A leg with `nat` set is the NAT gateway's own subnet forwarding the NAT's traffic.


def blackhole(tracer: Tracer, leg: Leg) -> Via | None:
    _blackhole(tracer, leg.table, leg.route)
    return None


def _blackhole(tracer: Tracer, table: RouteTable, route: Route) -> None:
    text = f"route {route.destination_label} is a blackhole (its target no longer exists)"
    tracer.stop("route-table", table.id, "deny", text, "BLACKHOLE_ROUTE")


def gateway_endpoint(tracer: Tracer, leg: Leg) -> Via | None:
    if tracer.opaque(leg.route):
        return _appliance(tracer, leg)
    target_id, wanted = leg.route.target_id, leg.destination.endpoint_service_name
    endpoint = endpoint_by_id(tracer, target_id)
    if endpoint is None or endpoint.service_name != wanted:
        if leg.nat is not None:
            return nat_misroute(tracer, leg)
        name = endpoint.service_name if endpoint else "unknown service"
        text = f"the route leads to {target_id} ({name}), not {wanted}"
        tracer.stop("vpc-endpoint", target_id, "deny", text, "VPCE_SERVICE_MISMATCH")
        return None
    if leg.nat is not None:
        # The NAT's subnet sends the service's ranges to the gateway endpoint: S3 from the NAT.
        tracer.add(Hop("route-table", leg.table.id, "allow", f"NAT subnet route {leg.route}"))
    text = f"gateway endpoint for {endpoint.service_name} ({endpoint.state})"
    if endpoint.state != "available":
        tracer.stop("vpc-endpoint", endpoint.id, "deny", text, "VPCE_STATE")
        return None
    tracer.add(Hop("vpc-endpoint", endpoint.id, "allow", text))
    return "gateway-endpoint" if leg.nat is None else "nat-gateway"


def internet_gateway(tracer: Tracer, leg: Leg) -> Via | None:
    route, nat = leg.route, leg.nat
    if nat is None:
        text = (
            "Glue's ENIs have private addresses only, so traffic sent to an internet gateway is dropped; "
            "route 0.0.0.0/0 to a NAT gateway"
        )
        tracer.stop("internet-gateway", route.target_id, "deny", text, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
        return None
    tracer.add(Hop("route-table", leg.table.id, "allow", f"NAT subnet route {route}"))
    igw = tracer.network.internet_gateways.get(route.target_id)
    if igw is None:
        tracer.missing("internet-gateway", route.target_id, f"{route.target_id} does not exist", "BLACKHOLE_ROUTE")
        return None
    if nat.vpc_id not in igw.attached_vpc_ids:
        text = f"{route.target_id} is not attached to {nat.vpc_id}"
        tracer.stop("internet-gateway", route.target_id, "deny", text, "IGW_NOT_ATTACHED")
        return None
    tracer.add(Hop("internet-gateway", igw.id, "allow", f"attached to {nat.vpc_id}"))
    # Undecided (an exclusion may exist): the rest of the NAT gateway's path is still traced.
    verdict = block_public_access(tracer, "nat-gateway", nat.id, (nat.subnet_id, nat.vpc_id), inbound=False)
    return None if verdict == "deny" else "nat-gateway"


def block_public_access(
    tracer: Tracer, hop_type: str, hop_id: str, excludable: tuple[str, str], inbound: bool
) -> HopVerdict:
    """Whether VPC Block Public Access lets traffic through the internet gateway: out of a NAT
    gateway (`inbound` False: blocked in block-bidirectional mode unless its subnet or VPC is
    excluded), or in to a public address (both blocking modes, unless the subnet or VPC is
    excluded allow-bidirectional). `excludable`: the subnet and VPC an exclusion would name.
    Unless "allow", the hop that stops the traffic is added: a drop ("deny"), or "unknown" when
    the exclusions could not be read."""
    bpa = tracer.network.block_public_access
    subnet_id, vpc_id = excludable
    if bpa is None or not (bpa.blocks_ingress if inbound else bpa.blocks_egress)(subnet_id, vpc_id):
        return "allow"
    way = "inbound internet traffic to" if inbound else "internet traffic from"
    needed = "allow-bidirectional" if inbound else "allow-egress or allow-bidirectional"
    if bpa.exclusions_known:
        text = (
            f"VPC Block Public Access is {bpa.mode} and neither {subnet_id} nor {vpc_id} is excluded ({needed}): "
            f"the internet gateway drops {way} {hop_id}"
        )
        tracer.stop(hop_type, hop_id, "deny", text, "BPA_BLOCKED")
        return "deny"
    text = (
        f"VPC Block Public Access is {bpa.mode} and its exclusions could not be read "
        f"(ec2:DescribeVpcBlockPublicAccessExclusions): the internet gateway drops {way} {hop_id} unless "
        f"{subnet_id} or {vpc_id} is excluded ({needed})"
    )
    tracer.stop(hop_type, hop_id, "unknown", text, "BPA_EXCLUSIONS_UNKNOWN")
    return "unknown"


def opaque(tracer: Tracer, leg: Leg) -> Via | None:
    if leg.nat is not None:
        text = f"the NAT gateway's subnet routes {leg.route} instead of to an internet gateway"
        tracer.stop("route-table", leg.table.id, "unknown", text, "OPAQUE_TARGET")
        return "nat-gateway"
    kind, target_id = leg.route.target, leg.route.target_id
    text = f"traffic leaves the VPC through {target_id}: what lies beyond cannot be decided from this VPC"
    tracer.stop(kind, target_id, "unknown", text, "OPAQUE_TARGET")
    return tracer.opaque(leg.route)


def _appliance(tracer: Tracer, leg: Leg) -> Via | None:
    """A `vpce-` in GatewayId that is a Gateway Load Balancer or Network Firewall endpoint."""
    if leg.nat is not None:
        return opaque(tracer, leg)
    target_id = leg.route.target_id
    text = (
        f"the route leads to {target_id}, an inspection appliance (Gateway Load Balancer or Network "
        "Firewall endpoint): what lies beyond cannot be decided from this VPC"
    )
    tracer.stop("vpc-endpoint", target_id, "unknown", text, "OPAQUE_TARGET")
    return "network-interface"


def cannot_route(tracer: Tracer, leg: Leg) -> Via | None:
    if leg.nat is not None:
        return nat_misroute(tracer, leg)
    kind, target_id = leg.route.target, leg.route.target_id
    text = f"{kind} {target_id} does not carry IPv4 traffic from private addresses to {leg.destination.dns_name}"
    tracer.stop("route-table", target_id, "deny", text, "CANNOT_ROUTE")
    return None


def nat_misroute(tracer: Tracer, leg: Leg) -> Via | None:
    text = f"the NAT gateway's subnet routes {leg.route} instead of to an internet gateway"
    tracer.stop("route-table", leg.table.id, "deny", text, "NAT_ROUTE")
    return None


def validation_route(network: Network, subnet: Subnet, service: Destination) -> Route | None:
    """What Glue's start-up validation looks for in the subnet's route table: a route to the
    service's gateway endpoint or to a NAT gateway. It checks that the route exists, not that
    traffic passes: with one, a drop further on is a run-time timeout instead."""
    table = network.route_table_for(subnet)
    for route in table.routes if table else ():
        if route.target == "nat-gateway":
            return route
        endpoint = next((e for e in network.endpoints if e.id == route.target_id), None)
        if route.target == "gateway-endpoint" and endpoint and endpoint.service_name == service.endpoint_service_name:
            return route
    return None
