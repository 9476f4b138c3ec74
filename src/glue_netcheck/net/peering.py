"""A private address in another VPC of the account, through a VPC peering: the route out and
the route back must both use an active peering that joins the two VPCs."""

from __future__ import annotations

from ipaddress import IPv4Network

from glue_netcheck.model.network import SecurityGroup, Subnet
from glue_netcheck.net import routing
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.trace import Hop, Via
from glue_netcheck.net.tracer import Tracer


def to_peered_subnet(
    tracer: Tracer,
    port: int,
    subnet: Subnet,
    groups: tuple[SecurityGroup, ...] | Hop,
    owner: str,
    addresses: tuple[IPv4Network, ...] = (),
) -> Via | None:
    """Glue ENIs to `subnet` of another VPC, guarded by `groups`: egress, the peering there and
    back, the ACLs of both subnets both ways, the destination's ingress. `addresses`: the
    destination's own addresses where known (else anywhere in `subnet`); `groups` a hop: what
    stands for its groups (tracer.guarded)."""
    source = tracer.source
    networks = addresses or (subnet.cidr,)
    ids = frozenset(g.id for g in groups) if isinstance(groups, tuple) else frozenset()
    target = Peer(networks, ids, label=f"{owner} ({', '.join(map(str, networks))})")
    tracer.security_groups(source.groups, "egress", target, port, source.subnet.id)
    if not peering_route(tracer, source.subnet, subnet):
        return None
    request = f"tcp {port} to {owner}"
    tracer.crossing(source.subnet, subnet, port, request, server=addresses)
    tracer.guarded(groups, port, owner)
    if not peering_route(tracer, subnet, source.subnet, back=True):
        return None
    tracer.crossing(subnet, source.subnet, port, request, return_traffic=True, server=addresses)
    return "vpc-peering"


def peering_route(tracer: Tracer, src: Subnet, dst: Subnet, *, back: bool = False) -> bool:
    """`src`'s route table must send `dst`'s CIDR through an active peering joining both VPCs."""
    what = "return route" if back else "route"
    table = tracer.table(src)
    if table is None:
        return False
    route = routing.select_route(table, (dst.cidr,), tracer.network.prefix_lists)
    if route is None or (route.target != "vpc-peering" and tracer.opaque(route) is None):
        found = f"{route} is no peering" if route else f"no {what} to {dst.cidr}"
        text = f"{found} ({src.id} to {dst.id})"
        tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
        return False
    if route.target != "vpc-peering":
        tracer.stop(
            route.target, route.target_id, "unknown", f"the {what} leaves through {route.target_id}", "OPAQUE_TARGET"
        )
        return False
    tracer.add(Hop("route-table", table.id, "allow", f"{what} {route}"))
    peering = tracer.network.peerings.get(route.target_id)
    if peering is None:
        text = f"{route.target_id} does not exist (blackhole)"
        tracer.missing("vpc-peering", route.target_id, text, "BLACKHOLE_ROUTE")
        return False
    if peering.status != "active" or not peering.joins(src.vpc_id, dst.vpc_id):
        state = peering.status if peering.status != "active" else f"not between {src.vpc_id} and {dst.vpc_id}"
        tracer.stop("vpc-peering", peering.id, "deny", f"the peering is {state}", "PEERING_STATE")
        return False
    if not back:
        tracer.add(Hop("vpc-peering", peering.id, "allow", f"active between {src.vpc_id} and {dst.vpc_id}"))
    return True
