"""The connection's own data source: same-VPC databases and addresses are traced like an
endpoint; databases in a peered VPC through the peering; anything outside the public way."""

from __future__ import annotations

from functools import lru_cache

from glue_netcheck.model.network import Network, SecurityGroup, Subnet
from glue_netcheck.model.targets import Address, Placement
from glue_netcheck.net import dns
from glue_netcheck.net.peering import to_peered_subnet
from glue_netcheck.net.public import via_public_address
from glue_netcheck.net.route_targets import tracer as new_tracer
from glue_netcheck.net.services import External
from glue_netcheck.net.space import ip_in
from glue_netcheck.net.trace import Hop, PathResult, Via
from glue_netcheck.net.tracer import Source, Tracer


@lru_cache(maxsize=65_536)
def target_path(network: Network, source: Source, target: Address, placement: Placement) -> PathResult:
    """The trace to the connection's target. Memoised like `service_path`."""
    destination = External(target.host, target.port)
    tracer = new_tracer(network, source)
    via: Via | None = None
    dns_off = source.vpc.enable_dns_support is False and not dns.custom_dns_servers(network, source.vpc)
    if placement.kind != "ip" and dns_off:
        text = f"enableDnsSupport is off: {target.host} does not resolve"
        tracer.stop("vpc", source.vpc.id, "deny", text, "DNS_SUPPORT_DISABLED")
    elif placement.kind == "database" and placement.vpc_id not in (None, source.vpc.id):
        via = _to_other_vpc(tracer, target.port, placement)
    elif placement.kind == "database":
        subnet = _database_subnet(tracer, placement)
        groups = _groups(network, placement)
        if subnet is None:
            text = f"the subnets of {placement.resource} are not known"
            tracer.stop("subnet", placement.resource, "unknown", text, "DATA_MISSING")
        elif tracer.to_private(target.port, subnet, groups, placement.resource):
            via = "local"
    elif placement.kind == "ip" and any(ip_in(target.host, c) for c in source.vpc.cidrs):
        subnet = next((s for s in network.subnets.values() if ip_in(target.host, s.cidr)), None)
        if subnet is not None and tracer.local_route(source.subnet, (subnet.cidr,)):
            text = f"{target.host} is in {subnet.id}, but which security groups guard it is not known"
            tracer.stop("network-interface", target.host, "unknown", text, "DATA_MISSING")
            via = "local"
    else:
        text = f"{target.host} is outside this account's known resources: the public path is traced"
        tracer.add(Hop("vpc", source.vpc.id, "allow" if placement.kind == "ip" else "info", text))
        via = via_public_address(tracer, destination)
    return tracer.result(destination, via)


def _to_other_vpc(tracer: Tracer, port: int, placement: Placement) -> Via | None:
    """A database in another VPC of the account: out through a VPC peering (there and back).
    Transit gateways and VPNs stay undecidable."""
    subnet = _database_subnet(tracer, placement)
    if subnet is None:
        text = f"the network of {placement.vpc_id} is not known"
        tracer.stop("vpc", str(placement.vpc_id), "unknown", text, "DATA_MISSING")
        return None
    return to_peered_subnet(tracer, port, subnet, _groups(tracer.network, placement), placement.resource)


def _database_subnet(tracer: Tracer, placement: Placement) -> Subnet | None:
    """The database's subnet in Glue's AZ, else its first known subnet."""
    subnets = [tracer.network.subnets[s] for s in placement.subnet_ids if s in tracer.network.subnets]
    same_az = (s for s in subnets if s.availability_zone == tracer.source.subnet.availability_zone)
    return next(same_az, None) or (subnets[0] if subnets else None)


def _groups(network: Network, placement: Placement) -> tuple[SecurityGroup, ...]:
    return tuple(network.security_groups[g] for g in placement.group_ids if g in network.security_groups)
