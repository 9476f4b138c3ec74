"""A publicly accessible database in another VPC: from outside its VPC its name resolves to its
public address, unless an active peering lets the other side resolve it privately
(PeeringOptions.AllowDnsResolutionFromRemoteVpc of the database's side). Then Glue reaches it
the public way: out by a NAT gateway, in by the database VPC's internet gateway."""

from __future__ import annotations

from ipaddress import IPv4Network

from glue_netcheck.model.network import SecurityGroup, Subnet
from glue_netcheck.model.targets import Address, Placement
from glue_netcheck.net import nacl, routing
from glue_netcheck.net.public import block_public_access, via_public_address
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import External
from glue_netcheck.net.trace import Hop, Via
from glue_netcheck.net.tracer import Tracer


def resolves_privately(tracer: Tracer, placement: Placement) -> bool:
    """Whether a publicly accessible database's name resolves to its private address from the
    Glue VPC: only through an active peering whose database side lets the remote VPC resolve
    its public names privately. Not in the data: an undecided hop, and the private path."""
    network, source = tracer.network, tracer.source
    peering = next(
        (
            p
            for p in network.peerings.values()
            if p.status == "active" and p.joins(source.vpc.id, str(placement.vpc_id))
        ),
        None,
    )
    if peering is None:
        return False
    if peering.private_dns_for_remote is None:
        text = (
            f"{placement.resource} is publicly accessible: its name resolves to its private address only if "
            f"{peering.id} allows DNS resolution from {source.vpc.id}, which the data does not say"
        )
        tracer.add(Hop("vpc-peering", peering.id, "unknown", text, code="DATA_MISSING"))
        return True
    return str(placement.vpc_id) in peering.private_dns_for_remote


def to_public_database(
    tracer: Tracer,
    target: Address,
    placement: Placement,
    groups: tuple[SecurityGroup, ...],
    subnets: list[Subnet],
) -> Via | None:
    """A publicly accessible database in another VPC whose name resolves to its public address:
    out the public way (a NAT gateway), in through its VPC's internet gateway, where its groups
    see the NAT gateway's Elastic IP, VPC Block Public Access must let the traffic into its
    subnet, and the replies leave by its subnet's internet route."""
    network = tracer.network
    text = (
        f"{placement.resource} is publicly accessible and no peering lets {tracer.source.vpc.id} resolve its name "
        "privately: it resolves to its public address, reached the public way"
    )
    tracer.add(Hop("database", placement.resource, "info", text))
    via = via_public_address(tracer, External(target.host, target.port))
    if via != "nat-gateway":
        return via
    nat_id = next((h.id for h in reversed(tracer.hops) if h.type == "nat-gateway"), "")
    nat = network.nat_gateways.get(nat_id)
    if nat is None or not nat.public_ips:
        text = f"the public address of {nat_id} is not known: which of {placement.resource}'s rules admit it is not"
        tracer.stop("nat-gateway", nat_id, "unknown", text, "DATA_MISSING")
        return None
    seen = Peer(
        tuple(IPv4Network(f"{ip}/32") for ip in nat.public_ips), label=f"{nat_id} ({', '.join(nat.public_ips)})"
    )
    tracer.security_groups(groups, "ingress", seen, target.port, placement.resource)
    if not subnets:
        text = f"the subnets of {placement.resource} are not known: its route back and network ACL cannot be checked"
        tracer.stop("subnet", placement.resource, "unknown", text, "DATA_MISSING")
        return None
    for subnet in subnets:
        excludable = (subnet.id, subnet.vpc_id)
        if block_public_access(tracer, "subnet", subnet.id, excludable, inbound=True) == "deny":
            return None
        table = tracer.table(subnet)
        if table is None:
            return None
        route = routing.select_route(table, seen.networks, network.prefix_lists)
        if route is None or route.target != "internet-gateway":
            found = f"route {route}" if route else "no route"
            text = f"replies from {placement.resource} to {seen} find {found}, not an internet gateway"
            tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
            return None
        tracer.add(Hop("route-table", table.id, "allow", f"replies: route {route}"))
        request = f"tcp {target.port} from {seen}"
        tracer.acl(subnet, egress=False, peers=seen.networks, ports=(target.port, target.port), purpose=request)
        purpose = f"return traffic to {seen} ({nacl.ports_text(nacl.NAT_EPHEMERAL)})"
        tracer.acl(subnet, egress=True, peers=seen.networks, ports=nacl.NAT_EPHEMERAL, purpose=purpose, ephemeral=True)
    return via
