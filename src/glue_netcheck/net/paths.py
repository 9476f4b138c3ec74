"""Follow traffic from Glue's ENIs to an AWS service, hop by hop, the way AWS forwards it.

Order of hops (the first `deny` is the resource that drops the traffic): DNS, the Glue
groups' egress, the Glue subnet's route table, the Glue subnet's ACL outbound, then what the
route leads to (endpoint subnet ACL and endpoint groups; NAT gateway, its subnet's ACL, its
route table, the internet gateway), and finally the return traffic's ACLs back to Glue.
The pieces: `tracer.py` (shared hops), `endpoints.py`, `public.py`, `route_targets.py`.
"""

from __future__ import annotations

from glue_netcheck.model.network import Network
from glue_netcheck.net import dns
from glue_netcheck.net.endpoints import via_interface_endpoint
from glue_netcheck.net.memo import PerOwner, ids
from glue_netcheck.net.public import via_public_address
from glue_netcheck.net.route_targets import tracer as new_tracer
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Hop, PathResult, Via
from glue_netcheck.net.tracer import Source


def service_path(network: Network, source: Source, service: Service) -> PathResult:
    """The trace for one service. Memoised per network (for as long as it lives) on the identity
    of the source's VPC, subnet and groups (see net/memo.py): hashing a Source walks every rule
    of its groups."""
    return _MEMO.get(network, (source_key(source), service), source, lambda: _service_path(network, source, service))


_MEMO = PerOwner()


def source_key(source: Source) -> tuple[int, ...]:
    return (id(source.vpc), id(source.subnet), *ids(source.groups))


def _service_path(network: Network, source: Source, service: Service) -> PathResult:
    if action := network.unreadable("vpc-endpoint"):
        # Whether an interface endpoint takes the traffic decides the whole path.
        text = f"{action} was denied: cannot tell whether an endpoint serves {service.dns_name}"
        hop = Hop("vpc", source.vpc.id, "unknown", text, code="UNREADABLE")
        return PathResult(service.key, service.dns_name, service.port, None, None, (hop,))
    resolution = dns.resolve(network, source.vpc, service)
    tracer = new_tracer(network, source)
    tracer.add(resolution.hop)
    via: Via | None = None
    if resolution.resolves:
        if resolution.endpoint is not None:
            via = via_interface_endpoint(tracer, service, resolution.endpoint)
        else:
            via = via_public_address(tracer, service)
    return tracer.result(service, via, resolution.bypassed)
