from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check

ID = "availability-zone-match"


@check(ID, "The connection's availability zone is set and matches its subnet's", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    The connection's `AvailabilityZone` is set and is the availability zone of its subnet.

    How Glue fails
    A connection without an availability zone fails with
    `CONNECTION_LIST_CONNECTION_WITH_AZ_NULL`; one whose zone differs from the subnet's fails
    with "Could not find subnet for AZ" when the job or crawler starts.

    Remediation
    Set the connection's availability zone to the subnet's (console: edit the connection,
    choose the subnet again; Terraform: `availability_zone` in
    `physical_connection_requirements`, e.g. `aws_subnet.x.availability_zone`).

    References
    https://docs.aws.amazon.com/glue/latest/webapi/API_PhysicalConnectionRequirements.html
    """
    # The connection's own subnet: in a job with several connections the ENIs sit in the
    # first one's subnet (ctx.subnet), but each connection must agree with its own.
    conn = ctx.connection
    subnet = ctx.inventory.network.subnets.get(conn.subnet_id or "")
    if subnet is None:
        return
    fix = (
        f"set AvailabilityZone={subnet.availability_zone} in the physical connection "
        f"requirements of {conn.name}: aws glue update-connection --name {conn.name} "
        "--connection-input file://connection.json"
    )
    if not conn.availability_zone:
        yield Issue(
            conn.name,
            f"connection {conn.name} has no availability zone (CONNECTION_LIST_CONNECTION_WITH_AZ_NULL)",
            fix,
            ("invalid-network-configuration",),
        )
    elif conn.availability_zone != subnet.availability_zone:
        yield Issue(
            subnet.id,
            f"connection {conn.name} says {conn.availability_zone} but subnet {subnet.id} "
            f'is in {subnet.availability_zone} ("Could not find subnet for AZ")',
            fix,
            ("invalid-network-configuration",),
        )
