"""Follow traffic from Glue's ENIs to a service, hop by hop, the way AWS forwards it.

Order of hops (the first `deny` is the resource that drops the traffic): DNS, the Glue
groups' egress, the Glue subnet's route table, the Glue subnet's ACL outbound, then what the
route leads to (endpoint subnet ACL and endpoint groups; NAT gateway, its subnet's ACL, its
route table, the internet gateway), and finally the return traffic's ACLs back to Glue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network

from glue_netcheck.model.network import (
    Network,
    Route,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from glue_netcheck.model.targets import Address, Placement
from glue_netcheck.net import dns, nacl, routing, security_groups
from glue_netcheck.net.security_groups import Peer
from glue_netcheck.net.services import Destination, External, Service
from glue_netcheck.net.space import PUBLIC_INTERNET
from glue_netcheck.net.trace import BlockedAt, Hop, HopVerdict, PathResult, Via, first_drop, first_unknown

# Route targets that take traffic out of this VPC to places its API answers cannot show.
_OPAQUE: dict[str, Via] = {
    "transit-gateway": "transit-gateway",
    "vpc-peering": "vpc-peering",
    "virtual-private-gateway": "virtual-private-gateway",
    "network-interface": "network-interface",
    "instance": "network-interface",
    "local-gateway": "network-interface",
    "core-network": "transit-gateway",
    "gateway-load-balancer-endpoint": "network-interface",
}


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


@lru_cache(maxsize=65_536)
def service_path(network: Network, source: Source, service: Service) -> PathResult:
    """The trace for one service. Memoised: on a scan, thousands of connections share a few
    hundred (subnet, groups) pairs; every argument is immutable, the network hashed by identity."""
    if action := network.unreadable("vpc-endpoint"):
        # Whether an interface endpoint takes the traffic decides the whole path.
        hop = Hop(
            "vpc",
            source.vpc.id,
            "unknown",
            f"{action} was denied: cannot tell whether an endpoint serves {service.dns_name}",
        )
        return PathResult(service.key, service.dns_name, service.port, None, None, (hop,))
    resolution = dns.resolve(network, source.vpc, service)
    hops: list[Hop] = [resolution.hop]
    via: Via | None = None
    if resolution.resolves:
        if resolution.endpoint is not None:
            via = _via_interface_endpoint(network, source, service, resolution.endpoint, hops)
        else:
            via = _via_public_address(network, source, service, hops)
    return _result(service, tuple(hops), via, resolution.bypassed)


def _result(service: Destination, hops: tuple[Hop, ...], via: Via | None, bypassed: VpcEndpoint | None) -> PathResult:
    drop = first_drop(hops)
    blocked = None
    if drop is not None:
        blocked = BlockedAt(drop.type, drop.id, drop.detail)
        cause = next((h for h in hops if h.verdict == "info" and bypassed and h.type in ("vpc", "vpc-endpoint")), None)
        if cause is not None:
            # The endpoint would have carried the traffic; the DNS setting that sent it to
            # the public path instead is the resource to fix.
            blocked = BlockedAt(cause.type, cause.id, f"{cause.detail}; then {drop.id}: {drop.detail}")
    reachable = False if drop is not None else None if first_unknown(hops) else True
    return PathResult(
        service.key,
        service.dns_name,
        service.port,
        reachable,
        None if drop is not None else via,
        hops,
        blocked,
        bypassed.id if bypassed else None,
    )


# --- interface endpoint ---------------------------------------------------------------------


def _via_interface_endpoint(
    network: Network, source: Source, service: Service, endpoint: VpcEndpoint, hops: list[Hop]
) -> Via | None:
    if endpoint.state != "available":
        hops.append(Hop("vpc-endpoint", endpoint.id, "deny", f"VPCE_STATE: endpoint is {endpoint.state}"))
        return None
    subnet = _endpoint_subnet(network, source.subnet, endpoint)
    if subnet is None:
        hops.append(
            Hop(
                "vpc-endpoint",
                endpoint.id,
                "deny",
                "the endpoint has no network interface in an existing subnet",
            )
        )
        return None
    reached = _to_private(network, source, service.port, subnet, endpoint_groups(network, endpoint), endpoint.id, hops)
    return "interface-endpoint" if reached else None


def _to_private(
    network: Network,
    source: Source,
    port: int,
    subnet: Subnet,
    groups: tuple[SecurityGroup, ...],
    owner: str,
    hops: list[Hop],
) -> bool:
    """Glue ENIs to a private address in `subnet` of the same VPC, guarded by `groups`: egress,
    the local route, the ACLs of both subnets both ways, the destination's ingress."""
    target = Peer((subnet.cidr,), frozenset(g.id for g in groups), label=f"{owner} ({subnet.cidr})")
    hops.append(_sg_hop(network, source.groups, "egress", target, port, source.subnet.id))
    if not _route_hop(network, source.subnet, target.networks, hops, expect_local=True):
        return False
    request = f"tcp {port} to {owner}"
    _crossing(network, source.subnet, subnet, port, request, hops)
    hops.append(_sg_hop(network, groups, "ingress", source.peer, port, owner))
    _crossing(network, subnet, source.subnet, port, request, hops, return_traffic=True)
    return True


@lru_cache(maxsize=65_536)
def target_path(network: Network, source: Source, target: Address, placement: Placement) -> PathResult:
    """The connection's own data source: same-VPC databases and addresses are traced like an
    endpoint; other VPCs are undecidable here; anything outside goes the public way (NAT)."""
    destination = External(target.host, target.port)
    hops: list[Hop] = []
    via: Via | None = None
    dns_off = source.vpc.enable_dns_support is False and not dns.custom_dns_servers(network, source.vpc)
    if placement.kind != "ip" and dns_off:
        hops.append(Hop("vpc", source.vpc.id, "deny", f"enableDnsSupport is off: {target.host} does not resolve"))
    elif placement.kind == "database" and placement.vpc_id not in (None, source.vpc.id):
        via = _to_other_vpc(network, source, target.port, placement, hops)
    elif placement.kind == "database":
        subnets = [network.subnets[s] for s in placement.subnet_ids if s in network.subnets]
        subnet = next((s for s in subnets if s.availability_zone == source.subnet.availability_zone), None) or (
            subnets[0] if subnets else None
        )
        groups = tuple(network.security_groups[g] for g in placement.group_ids if g in network.security_groups)
        if subnet is None:
            hops.append(
                Hop("subnet", placement.resource, "unknown", f"the subnets of {placement.resource} are not known")
            )
        elif _to_private(network, source, target.port, subnet, groups, placement.resource, hops):
            via = "local"
    elif placement.kind == "ip" and any(ip_in(target.host, c) for c in source.vpc.cidrs):
        subnet = next((s for s in network.subnets.values() if ip_in(target.host, s.cidr)), None)
        if subnet is not None and _route_hop(network, source.subnet, (subnet.cidr,), hops, expect_local=True):
            hops.append(
                Hop(
                    "network-interface",
                    target.host,
                    "unknown",
                    f"{target.host} is in {subnet.id}, but which security groups guard it is not known",
                )
            )
            via = "local"
    else:
        hops.append(
            Hop(
                "vpc",
                source.vpc.id,
                "allow" if placement.kind == "ip" else "info",
                f"{target.host} is outside this account's known resources: the public path is traced",
            )
        )
        via = _via_public_address(network, source, destination, hops)
    return _result(destination, tuple(hops), via, None)


def _to_other_vpc(network: Network, source: Source, port: int, placement: Placement, hops: list[Hop]) -> Via | None:
    """A database in another VPC of the account: out through a VPC peering (there and back).
    Transit gateways and VPNs stay undecidable."""
    subnets = [network.subnets[s] for s in placement.subnet_ids if s in network.subnets]
    subnet = next((s for s in subnets if s.availability_zone == source.subnet.availability_zone), None) or (
        subnets[0] if subnets else None
    )
    if subnet is None:
        hops.append(Hop("vpc", str(placement.vpc_id), "unknown", f"the network of {placement.vpc_id} is not known"))
        return None
    groups = tuple(network.security_groups[g] for g in placement.group_ids if g in network.security_groups)
    target = Peer((subnet.cidr,), frozenset(g.id for g in groups), label=f"{placement.resource} ({subnet.cidr})")
    hops.append(_sg_hop(network, source.groups, "egress", target, port, source.subnet.id))
    if not _peering_hop(network, source.subnet, subnet, hops):
        return None
    request = f"tcp {port} to {placement.resource}"
    _crossing(network, source.subnet, subnet, port, request, hops)
    hops.append(_sg_hop(network, groups, "ingress", source.peer, port, placement.resource))
    if not _peering_hop(network, subnet, source.subnet, hops, back=True):
        return None
    _crossing(network, subnet, source.subnet, port, request, hops, return_traffic=True)
    return "vpc-peering"


def _peering_hop(network: Network, src: Subnet, dst: Subnet, hops: list[Hop], *, back: bool = False) -> bool:
    """`src`'s route table must send `dst`'s CIDR through an active peering joining both VPCs."""
    what = "return route" if back else "route"
    table = _table(network, src, hops)
    if table is None:
        return False
    route = routing.select_route(table, (dst.cidr,), network.prefix_lists)
    if route is None or route.target not in ("vpc-peering", *_OPAQUE):
        found = f"{route} is no peering" if route else f"no {what} to {dst.cidr}"
        hops.append(Hop("route-table", table.id, "deny", f"NO_ROUTE_TO_DESTINATION: {found} ({src.id} to {dst.id})"))
        return False
    if route.target != "vpc-peering":
        hops.append(Hop(route.target, route.target_id, "unknown", f"the {what} leaves through {route.target_id}"))
        return False
    hops.append(Hop("route-table", table.id, "allow", f"{what} {route}"))
    peering = network.peerings.get(route.target_id)
    if peering is None:
        hops.append(_missing(network, "vpc-peering", route.target_id, f"{route.target_id} does not exist (blackhole)"))
        return False
    if peering.status != "active" or not peering.joins(src.vpc_id, dst.vpc_id):
        state = peering.status if peering.status != "active" else f"not between {src.vpc_id} and {dst.vpc_id}"
        hops.append(Hop("vpc-peering", peering.id, "deny", f"the peering is {state}"))
        return False
    if not back:
        hops.append(Hop("vpc-peering", peering.id, "allow", f"active between {src.vpc_id} and {dst.vpc_id}"))
    return True


def ip_in(address: str, network: IPv4Network) -> bool:
    try:
        return IPv4Address(address) in network
    except ValueError:
        return False


def endpoint_groups(network: Network, endpoint: VpcEndpoint) -> tuple[SecurityGroup, ...]:
    """The endpoint's groups; AWS attaches the VPC's default group when none was given."""
    if endpoint.group_ids:
        return tuple(network.security_groups[g] for g in endpoint.group_ids if g in network.security_groups)
    default = network.default_security_group(endpoint.vpc_id)
    return (default,) if default else ()


def _endpoint_subnet(network: Network, glue_subnet: Subnet, endpoint: VpcEndpoint) -> Subnet | None:
    """The endpoint ENI Glue will talk to: its own subnet's, else its AZ's, else the first."""
    subnets = [network.subnets[s] for s in endpoint.subnet_ids if s in network.subnets]
    return next(
        (s for s in subnets if s.id == glue_subnet.id),
        next(
            (s for s in subnets if s.availability_zone == glue_subnet.availability_zone),
            subnets[0] if subnets else None,
        ),
    )


# --- public address: gateway endpoint, NAT gateway, or nothing ------------------------------


def _via_public_address(network: Network, source: Source, service: Destination, hops: list[Hop]) -> Via | None:
    prefix_list = network.prefix_list_named(service.prefix_list_name) if service.prefix_list_name else None
    if prefix_list and prefix_list.cidrs:
        target = Peer(
            prefix_list.cidrs,
            prefix_list_id=prefix_list.id,
            label=f"{prefix_list.id} ({service.key} public ranges)",
        )
    else:
        target = Peer(
            PUBLIC_INTERNET,
            prefix_list_id=prefix_list.id if prefix_list else None,
            label=f"public {service.key} addresses",
        )
    hops.append(_sg_hop(network, source.groups, "egress", target, service.port, source.subnet.id))
    table = _table(network, source.subnet, hops)
    if table is None:
        return None
    route = _public_route(network, table, service, target)
    if route is None:
        hops.append(
            Hop(
                "route-table",
                table.id,
                "deny",
                f"NO_ROUTE_TO_DESTINATION: no route in {table.id} matches {target}",
            )
        )
        return None
    request = f"tcp {service.port} to {target}"
    if route.target == "blackhole":
        hops.append(
            Hop(
                "route-table",
                table.id,
                "deny",
                f"route {route.destination_label} is a blackhole (its target no longer exists)",
            )
        )
        return None
    hops.append(Hop("route-table", table.id, "allow", f"route {route}"))
    _acl_hop(network, source.subnet, True, target.networks, (service.port, service.port), request, hops)
    via = _beyond_route(network, source, service, route.target, route.target_id, target, hops)
    _acl_hop(
        network,
        source.subnet,
        False,
        target.networks,
        nacl.EPHEMERAL,
        f"return traffic from {target} (ports 1024-65535)",
        hops,
    )
    return via


def _public_route(network: Network, table: RouteTable, service: Destination, target: Peer) -> Route | None:
    # A gateway endpoint for this service wins over any default route (prefix-list routes are
    # more specific); find it by its endpoint even when the prefix list's CIDRs are unknown.
    for route in table.routes:
        endpoint = _endpoint(network, route.target_id) if route.target == "gateway-endpoint" else None
        if (
            endpoint
            and endpoint.service_name == service.endpoint_service_name
            and (target.prefix_list_id is None or route.prefix_list_id == target.prefix_list_id)
        ):
            return route
    return routing.select_route(table, target.networks, network.prefix_lists, target.prefix_list_id)


def _beyond_route(
    network: Network,
    source: Source,
    service: Destination,
    kind: str,
    target_id: str,
    target: Peer,
    hops: list[Hop],
) -> Via | None:
    if kind == "gateway-endpoint":
        endpoint = _endpoint(network, target_id)
        if endpoint is None or endpoint.service_name != service.endpoint_service_name:
            name = endpoint.service_name if endpoint else "unknown service"
            hops.append(
                Hop(
                    "vpc-endpoint",
                    target_id,
                    "deny",
                    f"VPCE_SERVICE_MISMATCH: the route leads to {target_id} ({name}), "
                    f"not {service.endpoint_service_name}",
                )
            )
            return None
        hops.append(
            Hop(
                "vpc-endpoint",
                endpoint.id,
                "allow" if endpoint.state == "available" else "deny",
                f"gateway endpoint for {endpoint.service_name} ({endpoint.state})",
            )
        )
        return "gateway-endpoint"
    if kind == "internet-gateway":
        hops.append(
            Hop(
                "internet-gateway",
                target_id,
                "deny",
                "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: Glue's ENIs have private addresses only, "
                "so traffic sent to an internet gateway is dropped; route 0.0.0.0/0 to a NAT gateway",
            )
        )
        return None
    if kind == "nat-gateway":
        return _via_nat(network, source, service, target_id, target, hops)
    if kind in _OPAQUE:
        hops.append(
            Hop(
                kind,
                target_id,
                "unknown",
                f"traffic leaves the VPC through {target_id}: what lies beyond cannot be decided from this VPC",
            )
        )
        return _OPAQUE[kind]
    hops.append(
        Hop(
            "route-table",
            target_id,
            "deny",
            f"CANNOT_ROUTE: {kind} {target_id} does not carry IPv4 traffic from private addresses "
            f"to {service.dns_name}",
        )
    )
    return None


def _via_nat(
    network: Network, source: Source, service: Destination, nat_id: str, target: Peer, hops: list[Hop]
) -> Via | None:
    nat = network.nat_gateways.get(nat_id)
    if nat is None:
        hops.append(_missing(network, "nat-gateway", nat_id, "the route's NAT gateway does not exist (blackhole)"))
        return None
    if nat.state in ("deleted", "deleting", "failed"):
        state = "does not exist" if nat is None else f"is {nat.state}"
        hops.append(Hop("nat-gateway", nat_id, "deny", f"the route's NAT gateway {state} (blackhole)"))
        return None
    if nat.state != "available":
        hops.append(Hop("nat-gateway", nat.id, "deny", f"NAT gateway is {nat.state}, not available"))
        return None
    nat_subnet = network.subnets.get(nat.subnet_id)
    if nat_subnet is None:
        hops.append(
            Hop(
                "nat-gateway",
                nat.id,
                "unknown",
                f"the NAT gateway's subnet {nat.subnet_id} is not in the data",
            )
        )
        return None
    request = f"tcp {service.port} to {target}"
    # Through a NAT the packet keeps its public destination on the Glue side; only the NAT
    # subnet's ACL sees the Glue subnet as a peer (and only if it is another subnet).
    crosses = nat_subnet.id != source.subnet.id
    if crosses:
        _acl_hop(
            network,
            nat_subnet,
            False,
            (source.subnet.cidr,),
            (service.port, service.port),
            f"{request} from the Glue subnet",
            hops,
        )
    if nat.connectivity != "public":
        hops.append(Hop("nat-gateway", nat.id, "deny", "a private NAT gateway cannot reach public AWS endpoints"))
        return None
    hops.append(Hop("nat-gateway", nat.id, "allow", f"public NAT gateway in {nat_subnet.id}"))
    table = _table(network, nat_subnet, hops)
    if table is None:
        return None
    route = routing.select_route(table, target.networks, network.prefix_lists, target.prefix_list_id)
    if route is None:
        hops.append(
            Hop(
                "route-table",
                table.id,
                "deny",
                f"NO_ROUTE_TO_DESTINATION: the NAT gateway's subnet {nat_subnet.id} has no route to {target}",
            )
        )
        return None
    igw = network.internet_gateways.get(route.target_id)
    if route.target != "internet-gateway":
        opaque = route.target in _OPAQUE
        hops.append(
            Hop(
                "route-table",
                table.id,
                "unknown" if opaque else "deny",
                f"the NAT gateway's subnet routes {route} instead of to an internet gateway",
            )
        )
        return "nat-gateway" if opaque else None
    hops.append(Hop("route-table", table.id, "allow", f"NAT subnet route {route}"))
    if igw is None:
        hops.append(_missing(network, "internet-gateway", route.target_id, f"{route.target_id} does not exist"))
        return None
    if nat.vpc_id not in igw.attached_vpc_ids:
        hops.append(
            Hop(
                "internet-gateway",
                route.target_id,
                "deny",
                f"{route.target_id} is not attached to {nat.vpc_id}",
            )
        )
        return None
    hops.append(Hop("internet-gateway", igw.id, "allow", f"attached to {nat.vpc_id}"))
    _acl_hop(
        network,
        nat_subnet,
        True,
        target.networks,
        (service.port, service.port),
        f"NAT gateway traffic {request}",
        hops,
    )
    _acl_hop(
        network,
        nat_subnet,
        False,
        target.networks,
        nacl.EPHEMERAL,
        f"return traffic from {target} to the NAT gateway (ports 1024-65535)",
        hops,
    )
    if crosses:
        _acl_hop(
            network,
            nat_subnet,
            True,
            (source.subnet.cidr,),
            nacl.EPHEMERAL,
            f"return traffic of {request} to the Glue subnet (ports 1024-65535)",
            hops,
        )
    return "nat-gateway"


# --- shared pieces ----------------------------------------------------------------------------


def _route_hop(
    network: Network,
    subnet: Subnet,
    destinations: Sequence[IPv4Network],
    hops: list[Hop],
    *,
    expect_local: bool,
) -> bool:
    table = _table(network, subnet, hops)
    if table is None:
        return False
    route = routing.select_route(table, destinations, network.prefix_lists)
    if route is None:
        hops.append(
            Hop(
                "route-table",
                table.id,
                "deny",
                f"NO_ROUTE_TO_DESTINATION: no route to {', '.join(map(str, destinations))}",
            )
        )
        return False
    if expect_local and route.target != "local":
        verdict: HopVerdict = "unknown" if route.target in _OPAQUE else "deny"
        hops.append(Hop("route-table", table.id, verdict, f"MORE_SPECIFIC_ROUTE: {route} overrides the local route"))
        return verdict != "deny"
    hops.append(Hop("route-table", table.id, "allow", f"route {route}"))
    return True


def _crossing(
    network: Network,
    src: Subnet,
    dst: Subnet,
    port: int,
    request: str,
    hops: list[Hop],
    *,
    return_traffic: bool = False,
) -> None:
    """ACL hops for traffic between two subnets (none within one subnet).

    The request direction checks `src` outbound then `dst` inbound on `port`; the return
    direction (src is then the server side) checks ephemeral ports the same way.
    """
    if src.id == dst.id:
        return
    ports = nacl.EPHEMERAL if return_traffic else (port, port)
    purpose = f"return traffic of {request} (ports 1024-65535)" if return_traffic else request
    _acl_hop(network, src, True, (dst.cidr,), ports, purpose, hops)
    _acl_hop(network, dst, False, (src.cidr,), ports, purpose, hops)


def _acl_hop(
    network: Network,
    subnet: Subnet,
    egress: bool,
    peers: Sequence[IPv4Network],
    ports: tuple[int, int],
    purpose: str,
    hops: list[Hop],
) -> None:
    acl = network.network_acl_for(subnet)
    if acl is None:
        action = network.unreadable("network-acl")
        reason = f"{action} was denied" if action else "no network ACL is known"
        hops.append(Hop("network-acl", subnet.id, "unknown", f"{reason}: the ACL of {subnet.id} is unknown"))
    else:
        hops.append(nacl.evaluate(acl, egress=egress, peers=peers, ports=ports, purpose=purpose))


def _missing(network: Network, kind: str, resource: str, detail: str) -> Hop:
    """A hop for data that is not there: a drop if it does not exist, undecided if IAM denied
    reading that kind of resource."""
    action = network.unreadable(kind)
    if action:
        return Hop(kind, resource, "unknown", f"{action} was denied: {kind}s are unknown")
    return Hop(kind, resource, "deny", detail)


def _table(network: Network, subnet: Subnet, hops: list[Hop]) -> RouteTable | None:
    """The subnet's route table; without one (or unreadable) the hop that says so is added."""
    table = network.route_table_for(subnet)
    if table is None:
        hops.append(
            _missing(network, "route-table", subnet.id, f"NO_ROUTE_TO_DESTINATION: {subnet.id} has no route table")
        )
    return table


def _sg_hop(
    network: Network,
    groups: tuple[SecurityGroup, ...],
    direction: security_groups.Direction,
    peer: Peer,
    port: int,
    owner: str,
) -> Hop:
    if not groups:
        return _missing(
            network, "security-group", owner, f"ENI_SG_RULES_MISMATCH: {owner} has no security group that exists"
        )
    return security_groups.evaluate(groups, direction, peer, port, network.prefix_lists)


def _endpoint(network: Network, endpoint_id: str) -> VpcEndpoint | None:
    return next((e for e in network.endpoints if e.id == endpoint_id), None)
