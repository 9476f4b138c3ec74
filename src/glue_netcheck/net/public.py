"""Towards a public address: the Glue subnet's route, then what the route leads to — a gateway
endpoint, a NAT gateway (its subnet's ACL, its own route table, the internet gateway), an
internet gateway (a drop: Glue's ENIs have private addresses only), or a place beyond which
nothing can be decided. The handlers here are the `follow` entries of `ROUTE_TARGETS`.
"""

from __future__ import annotations

from glue_netcheck.model.network import Route, RouteTable, VpcEndpoint
from glue_netcheck.net import nacl, routing
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import Destination
from glue_netcheck.net.space import PUBLIC_INTERNET
from glue_netcheck.net.trace import Hop, Via
from glue_netcheck.net.tracer import Leg, Tracer


def via_public_address(tracer: Tracer, destination: Destination) -> Via | None:
    network, source = tracer.network, tracer.source
    name = destination.prefix_list_name
    prefix_list = network.prefix_list_named(name) if name else None
    if prefix_list and prefix_list.cidrs:
        target = Peer(
            prefix_list.cidrs,
            prefix_list_id=prefix_list.id,
            label=f"{prefix_list.id} ({destination.key} public ranges)",
        )
    else:
        target = Peer(
            PUBLIC_INTERNET,
            prefix_list_id=prefix_list.id if prefix_list else None,
            label=f"public {destination.key} addresses",
        )
    tracer.security_groups(source.groups, "egress", target, destination.port, source.subnet.id)
    table = tracer.table(source.subnet)
    if table is None:
        return None
    route = _public_route(tracer, table, destination, target)
    if route is None:
        text = f"no route in {table.id} matches {target}"
        tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
        return None
    if route.target == "blackhole":
        return tracer.follow(Leg(table, route, destination, target))
    request = f"tcp {destination.port} to {target}"
    tracer.add(Hop("route-table", table.id, "allow", f"route {route}"))
    port = (destination.port, destination.port)
    tracer.acl(source.subnet, egress=True, peers=target.networks, ports=port, purpose=request)
    via = tracer.follow(Leg(table, route, destination, target))
    tracer.acl(
        source.subnet,
        egress=False,
        peers=target.networks,
        ports=nacl.EPHEMERAL,
        purpose=f"return traffic from {target} (ports 1024-65535)",
    )
    return via


def _public_route(tracer: Tracer, table: RouteTable, destination: Destination, target: Peer) -> Route | None:
    # A gateway endpoint for this service wins over any default route (prefix-list routes are
    # more specific); find it by its endpoint even when the prefix list's CIDRs are unknown.
    for route in table.routes:
        endpoint = endpoint_by_id(tracer, route.target_id) if route.target == "gateway-endpoint" else None
        if (
            endpoint
            and endpoint.service_name == destination.endpoint_service_name
            and (target.prefix_list_id is None or route.prefix_list_id == target.prefix_list_id)
        ):
            return route
    return routing.select_route(table, target.networks, tracer.network.prefix_lists, target.prefix_list_id)


def endpoint_by_id(tracer: Tracer, endpoint_id: str) -> VpcEndpoint | None:
    return next((e for e in tracer.network.endpoints if e.id == endpoint_id), None)


# --- route-target handlers --------------------------------------------------------------------


def blackhole(tracer: Tracer, leg: Leg) -> Via | None:
    text = f"route {leg.route.destination_label} is a blackhole (its target no longer exists)"
    tracer.stop("route-table", leg.table.id, "deny", text, "BLACKHOLE_ROUTE")
    return None


def gateway_endpoint(tracer: Tracer, leg: Leg) -> Via | None:
    target_id, wanted = leg.route.target_id, leg.destination.endpoint_service_name
    endpoint = endpoint_by_id(tracer, target_id)
    if endpoint is None or endpoint.service_name != wanted:
        name = endpoint.service_name if endpoint else "unknown service"
        text = f"the route leads to {target_id} ({name}), not {wanted}"
        tracer.stop("vpc-endpoint", target_id, "deny", text, "VPCE_SERVICE_MISMATCH")
        return None
    text = f"gateway endpoint for {endpoint.service_name} ({endpoint.state})"
    if endpoint.state != "available":
        tracer.stop("vpc-endpoint", endpoint.id, "deny", text, "VPCE_STATE")
        return None
    tracer.add(Hop("vpc-endpoint", endpoint.id, "allow", text))
    return "gateway-endpoint"


def internet_gateway(tracer: Tracer, leg: Leg) -> Via | None:
    text = (
        "Glue's ENIs have private addresses only, so traffic sent to an internet gateway is dropped; "
        "route 0.0.0.0/0 to a NAT gateway"
    )
    tracer.stop("internet-gateway", leg.route.target_id, "deny", text, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
    return None


def opaque(tracer: Tracer, leg: Leg) -> Via | None:
    kind, target_id = leg.route.target, leg.route.target_id
    text = f"traffic leaves the VPC through {target_id}: what lies beyond cannot be decided from this VPC"
    tracer.stop(kind, target_id, "unknown", text, "OPAQUE_TARGET")
    return tracer.kind(leg.route).opaque


def cannot_route(tracer: Tracer, leg: Leg) -> Via | None:
    kind, target_id = leg.route.target, leg.route.target_id
    text = f"{kind} {target_id} does not carry IPv4 traffic from private addresses to {leg.destination.dns_name}"
    tracer.stop("route-table", target_id, "deny", text, "CANNOT_ROUTE")
    return None


def nat_gateway(tracer: Tracer, leg: Leg) -> Via | None:
    network, source = tracer.network, tracer.source
    nat_id, target, destination = leg.route.target_id, leg.target, leg.destination
    nat = network.nat_gateways.get(nat_id)
    if nat is None:
        tracer.missing("nat-gateway", nat_id, "the route's NAT gateway does not exist (blackhole)", "BLACKHOLE_ROUTE")
        return None
    if nat.state in ("deleted", "deleting", "failed"):
        tracer.stop("nat-gateway", nat_id, "deny", f"the route's NAT gateway is {nat.state} (blackhole)", "NAT_STATE")
        return None
    if nat.state != "available":
        tracer.stop("nat-gateway", nat.id, "deny", f"NAT gateway is {nat.state}, not available", "NAT_STATE")
        return None
    nat_subnet = network.subnets.get(nat.subnet_id)
    if nat_subnet is None:
        text = f"the NAT gateway's subnet {nat.subnet_id} is not in the data"
        tracer.stop("nat-gateway", nat.id, "unknown", text, "DATA_MISSING")
        return None
    request = f"tcp {destination.port} to {target}"
    port = (destination.port, destination.port)
    # Through a NAT the packet keeps its public destination on the Glue side; only the NAT
    # subnet's ACL sees the Glue subnet as a peer (and only if it is another subnet).
    crosses = nat_subnet.id != source.subnet.id
    glue = (source.subnet.cidr,)
    if crosses:
        tracer.acl(nat_subnet, egress=False, peers=glue, ports=port, purpose=f"{request} from the Glue subnet")
    if nat.connectivity != "public":
        text = "a private NAT gateway cannot reach public AWS endpoints"
        tracer.stop("nat-gateway", nat.id, "deny", text, "NAT_PRIVATE")
        return None
    tracer.add(Hop("nat-gateway", nat.id, "allow", f"public NAT gateway in {nat_subnet.id}"))
    table = tracer.table(nat_subnet)
    if table is None:
        return None
    route = routing.select_route(table, target.networks, network.prefix_lists, target.prefix_list_id)
    if route is None:
        text = f"the NAT gateway's subnet {nat_subnet.id} has no route to {target}"
        tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
        return None
    igw = network.internet_gateways.get(route.target_id)
    if route.target != "internet-gateway":
        opaque = tracer.kind(route).opaque is not None
        text = f"the NAT gateway's subnet routes {route} instead of to an internet gateway"
        tracer.stop(
            "route-table", table.id, "unknown" if opaque else "deny", text, "OPAQUE_TARGET" if opaque else "NAT_ROUTE"
        )
        return "nat-gateway" if opaque else None
    tracer.add(Hop("route-table", table.id, "allow", f"NAT subnet route {route}"))
    if igw is None:
        tracer.missing("internet-gateway", route.target_id, f"{route.target_id} does not exist", "BLACKHOLE_ROUTE")
        return None
    if nat.vpc_id not in igw.attached_vpc_ids:
        text = f"{route.target_id} is not attached to {nat.vpc_id}"
        tracer.stop("internet-gateway", route.target_id, "deny", text, "IGW_NOT_ATTACHED")
        return None
    tracer.add(Hop("internet-gateway", igw.id, "allow", f"attached to {nat.vpc_id}"))
    tracer.acl(nat_subnet, egress=True, peers=target.networks, ports=port, purpose=f"NAT gateway traffic {request}")
    tracer.acl(
        nat_subnet,
        egress=False,
        peers=target.networks,
        ports=nacl.EPHEMERAL,
        purpose=f"return traffic from {target} to the NAT gateway (ports 1024-65535)",
    )
    if crosses:
        tracer.acl(
            nat_subnet,
            egress=True,
            peers=glue,
            ports=nacl.EPHEMERAL,
            purpose=f"return traffic of {request} to the Glue subnet (ports 1024-65535)",
        )
    return "nat-gateway"
