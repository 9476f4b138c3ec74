from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check

ID = "consumer-connections"


@check(ID, "The job's or crawler's connections exist and agree on VPC, subnet and AZ", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    Every connection the job or crawler names exists; with several, they agree on VPC, subnet
    and availability zone. Glue places all of the run's ENIs in the first connection's subnet,
    so the others' data sources must be reachable from there.

    How Glue fails
    A missing connection fails the run at start ("Connection … not found"); connections in
    different subnets or VPCs leave the later ones' targets unreachable ("Communications link
    failure", connect timeout).

    Remediation
    Remove or recreate the missing connection; give every connection of the job the same
    subnet (or make the other targets reachable from the first connection's subnet).

    References
    https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html
    """
    consumer = ctx.consumer
    for name in ctx.missing_connections:
        yield Issue(
            name,
            f"{consumer.kind} {consumer.name} names connection {name}, which does not exist",
            f"aws glue get-connection --name {name}; remove it from {consumer.kind} {consumer.name} or create it",
            ("invalid-network-configuration",),
        )
    placed = [
        (c.connection.name, c.vpc.id if c.vpc else None, c.connection.subnet_id, c.connection.availability_zone)
        for c in ctx.connections
    ]
    if len({p[1:] for p in placed}) > 1:
        first = placed[0]
        others = "; ".join(f"{n}: {v}/{s}/{a}" for n, v, s, a in placed[1:] if (v, s, a) != first[1:])
        yield Issue(
            first[2] or first[0],
            f"{consumer.kind} {consumer.name}'s connections disagree: Glue uses {first[0]}'s subnet "
            f"{first[2]} ({first[1]}, {first[3]}); {others}",
            "give every connection of the job the same subnet, or check the other targets are reachable from it",
            severity="warning",
        )
