from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.checks.predict import KMS_FAILURE
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service

ID = "kms-key-region"


@check(ID, "A key in another region is reachable at that region's KMS endpoint", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    A KMS key in another region is called at that region's endpoint
    (`kms.<key-region>.amazonaws.com`). An interface endpoint serves only its own region, so
    only a NAT path reaches it: the check traces that path from the subnet Glue uses (the first
    connection's).

    How Glue fails
    Jobs time out calling KMS (crawlers: "Internal Service Exception") although the VPC has a
    working KMS interface endpoint for its own region.

    Remediation
    Use a key in the job's region (multi-Region keys have a replica there), or give the subnet
    a NAT gateway path to the internet.

    References
    https://docs.aws.amazon.com/glue/latest/dg/encryption-vpc-kms.html
    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
    """
    first = ctx.connections[0] if ctx.connections else None
    source = first.source if first else None
    if source is None:
        return
    for reference in sorted(ctx.key_uses()):
        key = ctx.key(reference)
        if key is None or key.region == ctx.region:
            continue
        path = service_path(ctx.inventory.network, source, Service("kms", key.region))
        where = f"kms.{key.region}.amazonaws.com"
        if path.reachable is False and path.blocked_at:
            yield Issue(
                reference,
                f"key {reference} is in {key.region}: Glue calls {where}, which no interface endpoint in "
                f"{source.vpc.id} can serve; from {source.subnet.id} the path is blocked at "
                f"{path.blocked_at.id} ({path.blocked_at.reason})",
                "use a key (or a multi-Region replica) in "
                f"{ctx.region}, or route 0.0.0.0/0 from the subnet to a NAT gateway",
                (KMS_FAILURE[ctx.consumer.kind],),
            )
        elif path.reachable is None:
            yield Issue(
                reference,
                f"key {reference} is in {key.region}: whether {where} is reachable cannot be decided",
                f"verify egress to {where} beyond the VPC",
                severity="warning",
            )
