from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check

ID = "network-resources-exist"
PREDICTS = ("invalid-network-configuration",)


@check(ID, "The connection's subnet and security groups exist in one VPC", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    The subnet and every security group named in the connection's physical connection
    requirements exist, and the groups belong to the subnet's VPC. A connection without VPC
    configuration (no subnet) gets an info note: Glue creates no ENI for it.

    How Glue fails
    Glue accepts a connection that points at a deleted subnet or group and fails when a job
    or crawler starts: "Could not find subnet for AZ", "InvalidInputException: ... security
    group ... does not exist", or the validation error "VPC ... not found".

    Remediation
    Edit the connection to name an existing private subnet and security groups of one VPC:
    `aws glue update-connection --name NAME --connection-input file://connection.json`
    (Terraform: `physical_connection_requirements` of `aws_glue_connection`).

    References
    https://docs.aws.amazon.com/glue/latest/dg/glue-connections.html
    https://docs.aws.amazon.com/glue/latest/dg/troubleshooting-glue.html
    """
    conn = ctx.connection
    if not conn.subnet_id:
        # Without VPC configuration Glue uses no ENI: there is nothing of the network to check.
        yield Issue(
            conn.name,
            f"connection {conn.name} has no VPC configuration: Glue "
            "reaches its target over the public network, nothing to trace",
            severity="info",
        )
        return  # no subnet, no ENI: a connection without groups is then no error
    fix = (
        f"point connection {conn.name} at an existing subnet and security groups: "
        f"aws glue update-connection --name {conn.name} --connection-input file://connection.json"
    )
    if conn.subnet_id and ctx.subnet is None:
        yield Issue(
            conn.subnet_id,
            f"subnet {conn.subnet_id} of connection {conn.name} does not exist",
            fix,
            PREDICTS,
        )
    for group_id in ctx.missing_group_ids:
        yield Issue(
            group_id,
            f"security group {group_id} of connection {conn.name} does not exist",
            fix,
            PREDICTS,
        )
    if not conn.security_group_ids:
        yield Issue(conn.name, f"connection {conn.name} names no security group", fix, PREDICTS)
    if ctx.subnet is not None:
        for group in ctx.groups:
            if group.vpc_id and group.vpc_id != ctx.subnet.vpc_id:
                yield Issue(
                    group.id,
                    f"security group {group.id} is in {group.vpc_id}, but subnet "
                    f"{ctx.subnet.id} is in {ctx.subnet.vpc_id}",
                    fix,
                    PREDICTS,
                )
