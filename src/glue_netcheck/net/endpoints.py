"""Interface endpoints: the service's name resolves to the endpoint's ENIs, which are private
addresses in the endpoint's subnets, guarded by the endpoint's security groups."""

from __future__ import annotations

from ipaddress import IPv4Network

from glue_netcheck.model.network import Network, SecurityGroup, Subnet, VpcEndpoint
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Via
from glue_netcheck.net.tracer import Tracer


def via_interface_endpoint(tracer: Tracer, service: Service, endpoint: VpcEndpoint) -> Via | None:
    """Private DNS answers with the endpoint's ENI in every subnet it is placed in, and a
    client may use any: each must be reached (a block in one AZ is intermittent timeouts)."""
    if endpoint.state != "available":
        tracer.stop("vpc-endpoint", endpoint.id, "deny", f"endpoint is {endpoint.state}", "VPCE_STATE")
        return None
    subnets = endpoint_subnets(tracer.network, tracer.source.subnet, endpoint)
    if not subnets:
        text = "the endpoint has no network interface in an existing subnet"
        tracer.stop("vpc-endpoint", endpoint.id, "deny", text, "VPCE_NO_INTERFACE")
        return None
    groups = endpoint_groups(tracer.network, endpoint)
    for subnet in subnets:
        addresses = endpoint_addresses(tracer.network, endpoint, subnet)
        if not tracer.to_private(service.port, subnet, groups, endpoint.id, addresses):
            return None
    return "interface-endpoint"


def endpoint_addresses(network: Network, endpoint: VpcEndpoint, subnet: Subnet) -> tuple[IPv4Network, ...]:
    """The endpoint's ENI addresses in `subnet` as /32s, where the data has its ENIs; empty:
    unknown, so anywhere in the subnet. An address outside the subnet's CIDR cannot be where
    AWS put the ENI (inconsistent data, as moto gives): the subnet-wide answer is kept."""
    found: list[IPv4Network] = []
    for eni_id in endpoint.network_interface_ids:
        eni = network.interfaces.get(eni_id)
        if eni is not None and eni.subnet_id == subnet.id:
            found.extend(IPv4Network(f"{a}/32") for a in eni.addresses)
    if not found or not all(a.subnet_of(subnet.cidr) for a in found):
        return ()
    return tuple(found)


def endpoint_groups(network: Network, endpoint: VpcEndpoint) -> tuple[SecurityGroup, ...]:
    """The endpoint's groups; AWS attaches the VPC's default group when none was given."""
    if endpoint.group_ids:
        return tuple(network.security_groups[g] for g in endpoint.group_ids if g in network.security_groups)
    default = network.default_security_group(endpoint.vpc_id)
    return (default,) if default else ()


def endpoint_subnets(network: Network, glue_subnet: Subnet, endpoint: VpcEndpoint) -> list[Subnet]:
    """The endpoint's subnets that exist: the Glue subnet's own first, then its AZ's, then the
    rest (so the first block named is the one the most calls meet)."""
    subnets = [network.subnets[s] for s in endpoint.subnet_ids if s in network.subnets]
    return sorted(subnets, key=lambda s: (s.id != glue_subnet.id, s.availability_zone != glue_subnet.availability_zone))
