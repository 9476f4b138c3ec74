"""The connection's own data source, traced where it really is.

A managed database (RDS, Aurora, DocumentDB, Redshift, an MSK broker) or the ENI holding an
IP literal is traced to each subnet it runs in (a Multi-AZ standby's, every broker's): the
connection's egress, the route, both subnets' network ACLs both ways, the target's groups,
and the target subnet's route back. Another VPC of the account goes through a peering. A
private address outside the account's VPCs is routed by its own address: an internet or NAT
gateway never delivers to it; a transit gateway, VPN or peering leaves it undecided. A host
name that maps to nothing of the account is external: traced the public way by the check, or
undecided when the subnet has no way out of the VPC at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from glue_netcheck.model.network import Network, RouteTable, SecurityGroup, Subnet
from glue_netcheck.model.targets import Address, Placement, ip_literal
from glue_netcheck.net import dns, nacl, routing
from glue_netcheck.net.memo import PerOwner
from glue_netcheck.net.paths import source_key
from glue_netcheck.net.peering import to_peered_subnet
from glue_netcheck.net.public import via_public_address
from glue_netcheck.net.public_database import resolves_privately, to_public_database
from glue_netcheck.net.route_targets import tracer as new_tracer
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import External
from glue_netcheck.net.trace import Hop, HopCode, PathResult, Via, first_drop, first_unknown
from glue_netcheck.net.tracer import Source, Tracer

# Route targets that take traffic out of the VPC towards addresses beyond it (the NAT gateway
# is the public way; the others lead to networks a host name may resolve into).
_WAYS_OUT = frozenset(
    {
        "nat-gateway",
        "transit-gateway",
        "core-network",
        "virtual-private-gateway",
        "vpc-peering",
        "network-interface",
        "instance",
        "local-gateway",
        "gateway-load-balancer-endpoint",
    }
)


def target_path(network: Network, source: Source, target: Address, placement: Placement) -> PathResult:
    """The trace to one address of the connection's target. Memoised like `service_path`."""
    key = (source_key(source), target, placement)
    return _MEMO.get(network, key, source, lambda: _target_path(network, source, target, placement))


_MEMO = PerOwner()


def _target_path(network: Network, source: Source, target: Address, placement: Placement) -> PathResult:
    destination = External(target.host, target.port)
    tracer = new_tracer(network, source)
    via: Via | None = None
    literal = ip_literal(target.host) is not None
    dns_off = source.vpc.enable_dns_support is False and not dns.custom_dns_servers(network, source.vpc)
    if not literal and dns_off:
        text = f"enableDnsSupport is off: {target.host} does not resolve"
        tracer.stop("vpc", source.vpc.id, "deny", text, "DNS_SUPPORT_DISABLED")
    elif (
        placement.public_name
        and placement.vpc_id not in (None, source.vpc.id)
        and not resolves_privately(tracer, placement)
    ):
        places = [s for s, _ in _subnets(tracer, placement)]
        via = to_public_database(tracer, target, placement, _groups(tracer.network, placement), places)
    elif placement.kind in ("database", "ip") and placement.vpc_id not in (None, source.vpc.id):
        via = _to_other_vpc(tracer, target.port, placement)
    elif placement.kind in ("database", "ip"):
        via = _to_same_vpc(tracer, target.port, placement)
    elif placement.kind == "vacant":
        via = _to_vacant(tracer, target, placement)
    elif placement.kind == "unroutable":
        text = f"{target.host}:{target.port} cannot be reached from Glue's ENIs: {placement.resource}"
        tracer.stop("vpc", source.vpc.id, "deny", text, "CANNOT_ROUTE")
    elif placement.kind == "private":
        via = _to_private_elsewhere(tracer, target)
    else:
        text = f"{target.host} is outside this account's known resources: the public path is traced"
        tracer.add(Hop("vpc", source.vpc.id, "allow" if literal else "info", text))
        via = via_public_address(tracer, destination)
    return tracer.result(destination, via)


def target_paths(network: Network, source: Source, pairs: Sequence[tuple[Address, Placement]]) -> PathResult | None:
    """One path for the whole target (every broker, every zone): its hops in order, the first
    drop blocking it. None when every address is an external host name whose public path is
    open (the contract traces only what the account's resources place; the check reports it).
    An external name whose public path is not open is undecided, never a pass: it may resolve
    inside the VPC or behind a peering, VPN or transit gateway, which the API cannot show."""
    traced = []
    for address, placement in pairs:
        if placement.kind != "external" or ip_literal(address.host) is not None:
            traced.append(target_path(network, source, address, placement))
        elif (public := _public(network, source, address.port)).reachable is not True:
            drop = first_drop(public.hops)
            if drop is not None and drop.code == "DNS_SUPPORT_DISABLED":  # no name resolves at all
                traced.append(target_path(network, source, address, placement))
            else:
                traced.append(_undecided_name(network, source, address, public))
        elif private_name(address.host):
            traced.append(_undecided_name(network, source, address, public, private=True))
    if not traced:
        return None
    if len(traced) == 1:
        return traced[0]
    hops = tuple(h for path in traced for h in path.hops)
    first = traced[0]
    blocked = next((p.blocked_at for p in traced if p.blocked_at is not None), None)
    reachable = False if first_drop(hops) else None if first_unknown(hops) else True
    return PathResult(
        first.service,
        first.endpoint,
        first.port,
        reachable,
        None if reachable is False else next((p.via for p in traced if p.via), None),
        hops,
        blocked,
    )


def _public(network: Network, source: Source, port: int) -> PathResult:
    """The public path on `port` (it does not depend on the host name: one trace serves all)."""
    anywhere = Address("an external host", port)
    return target_path(network, source, anywhere, Placement("external", anywhere.host))


# EC2's own private names (another region's IP-based names, resource-based i-… names): only
# a VPC resolver answers them, never a public one, so an open public path says nothing about
# them. Other private-zone names (db.corp.internal) stay external, as the README's Limits say.
_PRIVATE_SUFFIXES = (".compute.internal", ".ec2.internal")


def private_name(host: str) -> bool:
    return host.lower().rstrip(".").endswith(_PRIVATE_SUFFIXES)


def _undecided_name(
    network: Network, source: Source, target: Address, public: PathResult, private: bool = False
) -> PathResult:
    """A host name that maps to nothing of the account, whose public path is not open (or that
    is a private name, `private`): it works only if the name resolves inside the VPC or to a
    network behind its other routes."""
    table = network.route_table_for(source.subnet)
    others = [r for r in table.routes if r.target in _WAYS_OUT and r.target != "nat-gateway"] if table else []
    beyond = sorted({f"{r.target} {r.target_id}" for r in others})
    if private:
        why = "it is a private DNS name (no public resolver answers it)"
    elif table is not None and not any(r.target in _WAYS_OUT for r in table.routes):
        why = (
            f"{source.subnet.id} has no route out of {source.vpc.id} (no NAT gateway, transit gateway, VPN or peering)"
        )
    elif public.blocked_at is not None:
        why = f"its public path is blocked at {public.blocked_at.id} ({public.blocked_at.reason})"
    elif public.reachable is None:
        why = "its public path cannot be decided"
    else:
        why = f"{source.subnet.id} has no NAT gateway route"
    where = f"inside the VPC ({source.vpc.id})" + (f" or behind {', '.join(beyond)}" if beyond else "")
    text = (
        f"{target.host} maps to no resource of this account and {why}: it is reachable only if it resolves "
        f"to an address {where}, which the API answers cannot show"
    )
    hop = Hop("route-table", table.id if table else source.subnet.id, "unknown", text, code="DATA_MISSING")
    return PathResult("target", target.host, target.port, None, None, (hop,))


def _groups(network: Network, placement: Placement) -> tuple[SecurityGroup, ...]:
    return tuple(network.security_groups[g] for g in placement.group_ids if g in network.security_groups)


def _guard(tracer: Tracer, placement: Placement) -> tuple[SecurityGroup, ...] | Hop:
    """The target's groups; or, for an IP literal, the hop that stands for them: its network
    interface found with no group (a Network Load Balancer's, or another AWS-managed one's:
    groups do not apply), or not looked up (its groups unknown)."""
    if placement.kind != "ip" or placement.group_ids:
        return _groups(tracer.network, placement)
    host = placement.resource
    if placement.interface is not None:
        text = f"{placement.interface} (holding {host}) has no security group: nothing filters its traffic"
        return Hop("network-interface", placement.interface, "allow", text)
    why, code = _groups_unknown(tracer)
    return Hop(
        "network-interface", host, "unknown", f"which security groups guard {host} is not known ({why})", code=code
    )


def _groups_unknown(tracer: Tracer) -> tuple[str, HopCode]:
    """Why an IP literal's groups are unknown: its ENI lookup was denied, or not made."""
    action = tracer.network.unreadable("network-interface")
    return (
        (f"{action} was denied", "UNREADABLE")
        if action
        else ("its network interface was not looked up", "DATA_MISSING")
    )


def _subnets(tracer: Tracer, placement: Placement) -> list[tuple[Subnet, str]]:
    """The target's known subnets, each with what it is to the target ("standby in …")."""
    subnets = tracer.network.subnets
    roles = placement.roles or ("",) * len(placement.subnet_ids)
    return [(subnets[s], role) for s, role in zip(placement.subnet_ids, roles, strict=False) if s in subnets]


def _owner(placement: Placement, role: str, many: bool) -> str:
    return f"{placement.resource} ({role})" if many and role else placement.resource


def _to_same_vpc(tracer: Tracer, port: int, placement: Placement) -> Via | None:
    """To every subnet the target runs in: there (egress, local route, ACLs, its groups) and
    back (the target subnet's route to the Glue subnet must be the local one)."""
    places = _subnets(tracer, placement)
    if not places:
        text = f"the subnets of {placement.resource} are not known"
        tracer.stop("subnet", placement.resource, "unknown", text, "DATA_MISSING")
        return None
    source = tracer.source
    reached = True
    for subnet, role in places:
        owner = _owner(placement, role, len(places) > 1)
        if placement.kind == "ip" and placement.interface is None:
            reached = _to_unguarded(tracer, port, subnet, placement.resource) and reached
            continue
        reached = (
            tracer.to_private(port, subnet, _guard(tracer, placement), owner, _own_addresses(placement)) and reached
        )
        if subnet.id != source.subnet.id:
            reached = tracer.local_route(subnet, (source.subnet.cidr,)) and reached
    return "local" if reached else None


def _to_unguarded(tracer: Tracer, port: int, subnet: Subnet, host: str) -> bool:
    """An address in the VPC whose ENI was not looked up: everything but its groups is
    decided (route, both ACLs both ways, the route back); its groups stay unknown."""
    source = tracer.source
    target = Peer((IPv4Network(f"{host}/32"),), label=host)
    tracer.security_groups(source.groups, "egress", target, port, source.subnet.id)
    if not tracer.local_route(source.subnet, (subnet.cidr,)):
        return False
    request = f"tcp {port} to {host}"
    tracer.crossing(source.subnet, subnet, port, request)
    why, code = _groups_unknown(tracer)
    text = f"{host} is in {subnet.id}, but which security groups guard it is not known ({why})"
    tracer.stop("network-interface", host, "unknown", text, code)
    tracer.crossing(subnet, source.subnet, port, request, return_traffic=True)
    if subnet.id != source.subnet.id:
        tracer.local_route(subnet, (source.subnet.cidr,))
    return True


def _to_vacant(tracer: Tracer, target: Address, placement: Placement) -> Via | None:
    where = placement.subnet_ids[0] if placement.subnet_ids else placement.vpc_id
    text = (
        f"no network interface holds {target.host} (in {where} of {placement.vpc_id}): nothing listens there, "
        f"so connections to port {target.port} time out"
    )
    tracer.stop("network-interface", target.host, "deny", text, "DATA_MISSING")
    return None


def _to_other_vpc(tracer: Tracer, port: int, placement: Placement) -> Via | None:
    """A target in another VPC of the account: out through a VPC peering, there and back, to
    every subnet it runs in. Transit gateways and VPNs stay undecidable."""
    places = _subnets(tracer, placement)
    if not places:
        text = f"the network of {placement.vpc_id} is not known"
        tracer.stop("vpc", str(placement.vpc_id), "unknown", text, "DATA_MISSING")
        return None
    groups, addresses = _guard(tracer, placement), _own_addresses(placement)
    many = len(places) > 1
    vias = [to_peered_subnet(tracer, port, s, groups, _owner(placement, r, many), addresses) for s, r in places]
    return vias[0] if all(vias) else None


def _own_addresses(placement: Placement) -> tuple[IPv4Network, ...]:
    """An IP literal's own address, once its ENI is found: rules and ACL entries are judged on
    it, not on its whole subnet (a database's addresses are not in the data: its subnets)."""
    literal = ip_literal(placement.resource)
    return (IPv4Network(f"{literal}/32"),) if literal is not None and placement.interface else ()


def _to_private_elsewhere(tracer: Tracer, target: Address) -> Via | None:
    """A private address outside every VPC of the account: routed by its own address."""
    network, source = tracer.network, tracer.source
    address = IPv4Network(f"{target.host}/32")
    peer = Peer((address,), label=f"{target.host} (a private address outside the VPC)")
    tracer.security_groups(source.groups, "egress", peer, target.port, source.subnet.id)
    table = tracer.table(source.subnet)
    if table is None:
        return None
    route = routing.select_route(table, (address,), network.prefix_lists)
    if route is None:
        text = f"no route in {table.id} matches the private address {target.host}"
        tracer.stop("route-table", table.id, "deny", text, "NO_ROUTE_TO_DESTINATION")
        return None
    if route.target == "blackhole":
        text = f"route {route.destination_label} is a blackhole (its target no longer exists)"
        tracer.stop("route-table", table.id, "deny", text, "BLACKHOLE_ROUTE")
        return None
    if route.target == "nat-gateway":
        return _private_through_nat(tracer, table, route.target_id, target, peer)
    opaque = tracer.kind(route).opaque
    if opaque is None:
        text = f"route {route}: a {route.target} never delivers to the private address {target.host}"
        tracer.stop("route-table", table.id, "deny", text, "CANNOT_ROUTE")
        return None
    tracer.add(Hop("route-table", table.id, "allow", f"route {route}"))
    _acls(tracer, source.subnet, peer, target.port)
    text = f"traffic to {target.host} leaves the VPC through {route.target_id}: what lies beyond cannot be decided"
    tracer.stop(route.target, route.target_id, "unknown", text, "OPAQUE_TARGET")
    return opaque


def _private_through_nat(tracer: Tracer, table: RouteTable, nat_id: str, target: Address, peer: Peer) -> Via | None:
    """A NAT gateway reaches a private address only through its own subnet's transit gateway,
    VPN or peering route; towards its internet gateway the private address is dropped."""
    network = tracer.network
    nat = network.nat_gateways.get(nat_id)
    subnet = network.subnets.get(nat.subnet_id) if nat else None
    nat_table = network.route_table_for(subnet) if subnet else None
    address = peer.networks
    route = routing.select_route(nat_table, address, network.prefix_lists) if nat_table else None
    if route is None or tracer.kind(route).opaque is None or route.target == "nat-gateway":
        how = f"its subnet routes it {route}" if route else "its subnet has no route to it"
        text = (
            f"route {target.host} -> {nat_id}: an internet gateway or NAT gateway never delivers to the private "
            f"address {target.host} ({how})"
        )
        tracer.stop("route-table", table.id, "deny", text, "CANNOT_ROUTE")
        return None
    tracer.add(Hop("route-table", table.id, "allow", f"route {target.host} -> {nat_id}"))
    _acls(tracer, tracer.source.subnet, peer, target.port)
    text = f"the NAT gateway's subnet sends {target.host} through {route.target_id}: beyond cannot be decided"
    tracer.stop(route.target, route.target_id, "unknown", text, "OPAQUE_TARGET")
    return "nat-gateway"


def _acls(tracer: Tracer, subnet: Subnet, peer: Peer, port: int) -> None:
    """The Glue subnet's ACL both ways. The connection is Glue's own (a VPN, peering or transit
    gateway keeps its addresses): replies come back to its workers' ephemeral ports."""
    request = f"tcp {port} to {peer}"
    tracer.acl(subnet, egress=True, peers=peer.networks, ports=(port, port), purpose=request)
    text = f"return traffic from {peer} ({nacl.ports_text(nacl.GLUE_EPHEMERAL)})"
    tracer.acl(subnet, egress=False, peers=peer.networks, ports=nacl.GLUE_EPHEMERAL, purpose=text, ephemeral=True)
