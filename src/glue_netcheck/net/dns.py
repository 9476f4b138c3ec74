"""How a service name resolves from inside the VPC.

An interface endpoint's private DNS name overrides the public name only when private DNS is
on for the endpoint and the VPC has both enableDnsSupport and enableDnsHostnames. Otherwise
the name resolves to public addresses, which only a NAT path reaches from Glue's ENIs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from glue_netcheck.model.network import Network, Vpc, VpcEndpoint
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Hop


@dataclass(frozen=True, slots=True)
class Resolution:
    hop: Hop
    resolves: bool | None  # False: the name does not resolve at all
    endpoint: VpcEndpoint | None = None  # the interface endpoint the name resolves to
    bypassed: VpcEndpoint | None = None  # the service's endpoint that DNS does not lead to


def interface_endpoints(network: Network, vpc_id: str, service: Service) -> list[VpcEndpoint]:
    """The service's interface endpoints, the private-DNS-enabled one first."""
    return sorted(
        network.endpoints_for(vpc_id, service.endpoint_service_name, "Interface"),
        key=lambda e: (not e.private_dns_enabled, e.id),
    )


def custom_dns_servers(network: Network, vpc: Vpc) -> tuple[str, ...]:
    """The DHCP options' DNS servers that are not the VPC resolver: a set naming the resolver's
    own addresses (169.254.169.253, or a VPC CIDR's base + 2) uses it as AmazonProvidedDNS does."""
    options = network.dhcp_options.get(vpc.dhcp_options_id or "")
    if options is None or options.uses_amazon_dns:
        return ()
    resolver = {*AMAZON_RESOLVER, *(str(cidr.network_address + 2) for cidr in vpc.cidrs)}
    return tuple(server for server in options.domain_name_servers if server not in resolver)


AMAZON_RESOLVER = ("169.254.169.253", "fd00:ec2::253")


def resolve(network: Network, vpc: Vpc, service: Service) -> Resolution:
    name = service.dns_name
    custom = custom_dns_servers(network, vpc)
    if vpc.enable_dns_support is False and not custom:
        return Resolution(
            Hop(
                "vpc",
                vpc.id,
                "deny",
                f"enableDnsSupport is off: the VPC resolver does not answer, {name} does not resolve",
                code="DNS_SUPPORT_DISABLED",
            ),
            resolves=False,
        )
    if vpc.enable_dns_support is None:
        # Trace on as if DNS works, so a definite drop further on is still reported; the
        # DNS hop stays undecided.
        assumed = resolve(network, replace(vpc, enable_dns_support=True), service)
        hop = assumed.hop
        return replace(
            assumed,
            hop=Hop(
                hop.type,
                hop.id,
                "unknown",
                f"enableDnsSupport of {vpc.id} is unknown (assumed on): {hop.detail}",
                code="DNS_SUPPORT_UNKNOWN",
            ),
        )
    endpoints = interface_endpoints(network, vpc.id, service)
    if vpc.enable_dns_support is False:
        # Only the custom servers answer, and they cannot forward to the VPC resolver (it is
        # off): an endpoint's private DNS name, which only that resolver serves, never applies.
        text = (
            f"enableDnsSupport is off: only the custom DNS servers {', '.join(custom)} answer "
            f"(they cannot forward to the VPC resolver), so {name} resolves to public addresses"
        )
        if not endpoints or _inbound_only(network, vpc, endpoints[0]):
            return Resolution(Hop("vpc", vpc.id, "allow", text), resolves=True)
        # The code names the cause, for the fixes: DNS support, not the endpoint or hostnames.
        hop = Hop("vpc", vpc.id, "info", f"{text}, not to {endpoints[0].id}", code="DNS_SUPPORT_DISABLED")
        return Resolution(hop, True, bypassed=endpoints[0])
    via_resolver = (
        "" if not custom else f" (custom DNS servers {', '.join(custom)}: assumed to forward to the VPC resolver)"
    )
    if not endpoints:
        return Resolution(
            Hop("vpc", vpc.id, "allow", f"{name} resolves to public AWS addresses{via_resolver}"),
            resolves=True,
        )
    endpoint = endpoints[0]
    if not endpoint.private_dns_enabled:
        return Resolution(
            Hop(
                "vpc-endpoint",
                endpoint.id,
                "info",
                f"private DNS is disabled on {endpoint.id}: {name} resolves to public addresses, not to the endpoint",
            ),
            resolves=True,
            bypassed=endpoint,
        )
    if _inbound_only(network, vpc, endpoint):
        return Resolution(
            Hop(
                "vpc-endpoint",
                endpoint.id,
                "info",
                f"{endpoint.id} answers private DNS for inbound Resolver endpoints only "
                f"(PrivateDnsOnlyForInboundResolverEndpoint): inside the VPC {name} resolves to public "
                "addresses, which the gateway endpoint serves",
            ),
            resolves=True,
        )
    if vpc.enable_dns_hostnames is False:
        return Resolution(
            Hop(
                "vpc",
                vpc.id,
                "info",
                f"enableDnsHostnames is off: the private DNS name of {endpoint.id} does not "
                f"apply, {name} resolves to public addresses",
            ),
            resolves=True,
            bypassed=endpoint,
        )
    if vpc.enable_dns_hostnames is None:
        return Resolution(
            Hop(
                "vpc-endpoint",
                endpoint.id,
                "unknown",
                f"enableDnsHostnames of {vpc.id} is unknown: {name} resolves to {endpoint.id} only if it is on",
                code="DNS_HOSTNAMES_UNKNOWN",
            ),
            resolves=True,
            endpoint=endpoint,
        )
    return Resolution(
        Hop(
            "vpc-endpoint",
            endpoint.id,
            "allow",
            f"private DNS: {name} resolves to {endpoint.id}'s addresses{via_resolver}",
        ),
        resolves=True,
        endpoint=endpoint,
    )


def _inbound_only(network: Network, vpc: Vpc, endpoint: VpcEndpoint) -> bool:
    """An endpoint that answers private DNS for inbound Resolver endpoints only, beside the
    service's gateway endpoint: inside the VPC the gateway endpoint serves the name by design."""
    return endpoint.private_dns_inbound_only and bool(network.endpoints_for(vpc.id, endpoint.service_name, "Gateway"))
