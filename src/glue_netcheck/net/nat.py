"""A route to a NAT gateway: the `follow` entry of `ROUTE_TARGETS` for "nat-gateway". Its state
and kind, the Glue subnet's traffic into the NAT subnet, the NAT subnet's own table (longest
prefix first), its ACL both ways, and what that table leads to (net/public.py's handlers).
"""

from __future__ import annotations

from glue_netcheck.model.network import Route, Subnet
from glue_netcheck.net import nacl, routing
from glue_netcheck.net.public import each_part, nat_misroute, route_parts
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.trace import Hop, Via
from glue_netcheck.net.tracer import Leg, Tracer


def nat_gateway(tracer: Tracer, leg: Leg) -> Via | None:
    if leg.nat is not None:
        return nat_misroute(tracer, leg)
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
        return _private_nat(tracer, nat_subnet, nat.id, target, destination.port)
    tracer.add(Hop("nat-gateway", nat.id, "allow", f"public NAT gateway in {nat_subnet.id}"))
    table = tracer.table(nat_subnet)
    if table is None:
        return None
    # The NAT's own subnet table decides its traffic, longest prefix first.
    parts = route_parts(tracer, table, destination, target)

    def onward(part_tracer: Tracer, route: Route | None, part: Peer) -> Via | None:
        if route is None:
            text = f"the NAT gateway's subnet {nat_subnet.id} has no route to {part}"
            part_tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
            return None
        return part_tracer.follow(Leg(table, route, destination, part, nat))

    via = onward(tracer, *parts[0]) if len(parts) == 1 else each_part(tracer, parts, onward)
    if via is None:
        return None
    _nat_subnet_acls(tracer, nat_subnet, target, destination.port)
    if crosses:
        tracer.acl(
            nat_subnet,
            egress=True,
            peers=glue,
            ports=nacl.GLUE_EPHEMERAL,
            purpose=f"return traffic of {request} to the Glue subnet ({nacl.ports_text(nacl.GLUE_EPHEMERAL)})",
            ephemeral=True,
        )
    return "nat-gateway"


def _private_nat(tracer: Tracer, nat_subnet: Subnet, nat_id: str, target: Peer, target_port: int) -> Via | None:
    """A private NAT gateway has no public address: through an internet gateway (or with no
    route) nothing public is reached; its subnet may send the traffic on to a transit gateway or
    VPN (a central egress VPC), beyond which nothing can be decided."""
    table = tracer.network.route_table_for(nat_subnet)
    route = routing.select_route(table, target.networks, tracer.network.prefix_lists) if table else None
    via = tracer.opaque(route) if route is not None else None
    if route is None or route.target in ("internet-gateway", "local", "blackhole") or not via:
        text = "a private NAT gateway cannot reach public AWS endpoints"
        tracer.stop("nat-gateway", nat_id, "deny", text, "NAT_PRIVATE")
        return None
    text = f"private NAT gateway: its subnet {nat_subnet.id} sends the traffic on to {route.target_id}"
    tracer.add(Hop("nat-gateway", nat_id, "allow", text))
    _nat_subnet_acls(tracer, nat_subnet, target, target_port)  # as for a public NAT gateway
    beyond = f"the traffic leaves through {route.target_id}, which the API answers cannot show beyond"
    tracer.stop(route.target, route.target_id, "unknown", beyond, "OPAQUE_TARGET")
    return via


def _nat_subnet_acls(tracer: Tracer, nat_subnet: Subnet, target: Peer, port: int) -> None:
    """The NAT subnet's ACL on the translated traffic: out to the destination, and its return
    to the NAT gateway's ephemeral ports."""
    request = f"tcp {port} to {target}"
    tracer.acl(
        nat_subnet,
        egress=True,
        peers=target.networks,
        ports=(port, port),
        purpose=f"NAT gateway traffic {request}",
        somewhere=target.somewhere,
    )
    tracer.acl(
        nat_subnet,
        egress=False,
        peers=target.networks,
        ports=nacl.NAT_EPHEMERAL,
        purpose=f"return traffic from {target} to the NAT gateway ({nacl.ports_text(nacl.NAT_EPHEMERAL)})",
        ephemeral=True,
        somewhere=target.somewhere,
    )
