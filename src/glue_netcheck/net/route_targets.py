"""The one table of route target kinds (Batfish's exhaustive `TargetType` switch): what each
kind does to traffic a route gives it. Every `RouteTarget` the model knows has an entry (a
test holds it); a kind without one is refused loudly by `Tracer.kind`, never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from glue_netcheck.model.network import Network
from glue_netcheck.net import nat, public
from glue_netcheck.net.tracer import Source, TargetKind, Tracer

# Beyond these the API answers of this VPC cannot show what happens: undecided, with the
# path's `via` set to where it went.
_TGW = TargetKind(public.opaque, "transit-gateway")
_APPLIANCE = TargetKind(public.opaque, "network-interface")
_CANNOT = TargetKind(public.cannot_route)

ROUTE_TARGETS: Mapping[str, TargetKind] = MappingProxyType(
    {
        "local": _CANNOT,  # within the VPC; a public address never matches it
        "gateway-endpoint": TargetKind(public.gateway_endpoint),
        "internet-gateway": TargetKind(public.internet_gateway),
        "nat-gateway": TargetKind(nat.nat_gateway),
        "transit-gateway": _TGW,
        "core-network": _TGW,
        "vpc-peering": TargetKind(public.opaque, "vpc-peering"),
        "virtual-private-gateway": TargetKind(public.opaque, "virtual-private-gateway"),
        "network-interface": _APPLIANCE,
        "instance": _APPLIANCE,
        "local-gateway": _APPLIANCE,
        "gateway-load-balancer-endpoint": _APPLIANCE,
        "egress-only-internet-gateway": _CANNOT,  # IPv6 only
        "carrier-gateway": _CANNOT,  # Wavelength zones only
        "blackhole": TargetKind(public.blackhole),
    }
)


def tracer(network: Network, source: Source) -> Tracer:
    """A fresh trace from Glue's ENIs, forwarding through this table."""
    return Tracer(network, source, ROUTE_TARGETS)
