"""One reachability check per AWS service the connection's ENIs call, from one template."""

from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, error_if, per_service
from glue_netcheck.net.services import DISPLAY, SYMPTOMS, Service
from glue_netcheck.net.trace import first_unknown

_DOC = """
What it checks
Follows traffic from the connection's ENIs to {name} on TCP 443 the way AWS forwards it: DNS
(private DNS of an interface endpoint, else public addresses), the connection's security
groups' egress, the subnet's route table (longest prefix match, prefix lists), network ACLs
of every subnet crossed both ways (return traffic to the client's ephemeral ports: 32768-60999
on Glue's workers, 1024-65535 on a NAT gateway), then the interface
endpoint's security groups, the gateway endpoint, or the NAT gateway with its own route to
an attached internet gateway. Glue's ENIs have private addresses only: a route to an
internet gateway is not a path.

How Glue fails
{symptoms}

Remediation
Either an interface endpoint `com.amazonaws.<region>.{key}` with private DNS enabled in the
connection's subnet (or its AZ), whose security group admits the connection's group on 443;
{s3_note}or a public NAT gateway: route 0.0.0.0/0 from the connection subnet's route table
to a NAT gateway in a public subnet. The finding names the resource that drops the traffic
and the exact command.

References
https://docs.aws.amazon.com/glue/latest/dg/vpc-endpoints-s3.html
https://docs.aws.amazon.com/glue/latest/dg/encryption-vpc-kms.html
https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
"""


def run(ctx: Context, key: str) -> Iterator[Issue]:
    path = ctx.paths.get(key)
    source = ctx.source
    if path is None or source is None or not ctx.network_valid:
        return
    # Undecided only beyond the VPC (a transit gateway, VPN, appliance), not for unknown data: the
    # validation then looks at a route table the data does hold.
    undecided = first_unknown(path.hops) if key == "s3" and path.reachable is None else None
    if undecided is not None and undecided.code == "OPAQUE_TARGET" and not ctx.s3_validation_route:
        yield from _validation_fails(ctx, source.subnet.id, undecided.id)
        return
    if path.reachable is not False:
        return
    service = Service(key, ctx.region)
    blocked = path.blocked_at
    assert blocked is not None  # an unreachable path always says where
    predicts = ctx.failures_if_unreachable(key)
    message = (
        f"{service.dns_name}:443 is unreachable from {source.subnet.id}: blocked at {blocked.id} ({blocked.reason})"
    )
    if key == "kms" and not predicts:
        message += (
            "; no job or crawler using this connection encrypts with KMS today, but any "
            "KMS-encrypted security configuration would time out"
        )
    gateways = ctx.inventory.network.endpoints_for(source.vpc.id, service.endpoint_service_name, "Gateway")
    fix = remediation.for_path(
        path,
        service,
        source.vpc.id,
        source.subnet.id,
        tuple(g.id for g in source.groups),
        gateways[0].id if gateways else None,
        ctx.inventory.network,
    )
    yield Issue(blocked.id, message, fix, predicts, error_if(predicts))


CHECKS = per_service(
    "{key}-reachable",
    lambda key: f"{DISPLAY[key]} is reachable on 443 from the connection's subnet",
    lambda key: _DOC.format(
        name=f"{key}.<region>.amazonaws.com",
        key=key,
        symptoms=SYMPTOMS[key],
        s3_note="or, for S3, a gateway endpoint associated with the subnet's route table; " if key == "s3" else "",
    ),
    run,
)


def _validation_fails(ctx: Context, subnet_id: str, beyond: str | None) -> Iterator[Issue]:
    """S3 undecided beyond a transit gateway, VPN or appliance, with no S3 gateway-endpoint and
    no NAT route in the table: Glue's start-up validation looks for one of those two routes
    only, so it fails whatever lies beyond."""
    table = ctx.inventory.network.route_table_for(ctx.subnet) if ctx.subnet else None
    where = table.id if table else subnet_id
    message = (
        f"{where} has no route to an S3 gateway endpoint or a NAT gateway: Glue's start-up validation "
        f'fails ("Could not find S3 endpoint or NAT gateway") whatever lies beyond {beyond or "its other routes"}'
    )
    service = Service("s3", ctx.region)
    fix = remediation.create_endpoint(
        service, ctx.vpc.id if ctx.vpc else "", subnet_id, (), table.id if table else None
    )
    yield Issue(where, message, fix, ("s3-endpoint-validation-failed",), "error")
