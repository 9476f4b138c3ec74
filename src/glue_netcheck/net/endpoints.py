"""Interface endpoints: the service's name resolves to the endpoint's ENIs, which are private
addresses in the endpoint's subnets, guarded by the endpoint's security groups."""

from __future__ import annotations

from glue_netcheck.model.network import Network, SecurityGroup, Subnet, VpcEndpoint
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Via
from glue_netcheck.net.tracer import Tracer


def via_interface_endpoint(tracer: Tracer, service: Service, endpoint: VpcEndpoint) -> Via | None:
    if endpoint.state != "available":
        tracer.stop("vpc-endpoint", endpoint.id, "deny", f"endpoint is {endpoint.state}", "VPCE_STATE")
        return None
    subnet = endpoint_subnet(tracer.network, tracer.source.subnet, endpoint)
    if subnet is None:
        text = "the endpoint has no network interface in an existing subnet"
        tracer.stop("vpc-endpoint", endpoint.id, "deny", text, "VPCE_NO_INTERFACE")
        return None
    groups = endpoint_groups(tracer.network, endpoint)
    return "interface-endpoint" if tracer.to_private(service.port, subnet, groups, endpoint.id) else None


def endpoint_groups(network: Network, endpoint: VpcEndpoint) -> tuple[SecurityGroup, ...]:
    """The endpoint's groups; AWS attaches the VPC's default group when none was given."""
    if endpoint.group_ids:
        return tuple(network.security_groups[g] for g in endpoint.group_ids if g in network.security_groups)
    default = network.default_security_group(endpoint.vpc_id)
    return (default,) if default else ()


def endpoint_subnet(network: Network, glue_subnet: Subnet, endpoint: VpcEndpoint) -> Subnet | None:
    """The endpoint ENI Glue will talk to: its own subnet's, else its AZ's, else the first."""
    subnets = [network.subnets[s] for s in endpoint.subnet_ids if s in network.subnets]
    return next(
        (s for s in subnets if s.id == glue_subnet.id),
        next(
            (s for s in subnets if s.availability_zone == glue_subnet.availability_zone),
            subnets[0] if subnets else None,
        ),
    )
