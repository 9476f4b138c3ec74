from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.model.targets import Address, Placement
from glue_netcheck.net.target import target_path
from glue_netcheck.net.trace import PathResult

ID = "target-reachable"


@check(ID, "The connection's data source is reachable from its subnet", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    The host and port in the connection's properties (`JDBC_CONNECTION_URL` for MySQL,
    PostgreSQL, Oracle, SQL Server and Redshift URL forms, `KAFKA_BOOTSTRAP_SERVERS`,
    `CONNECTION_URL` for MongoDB/DocumentDB), mapped to the account's resources: an RDS
    instance or cluster (its subnet group and security groups) or a private address in the VPC.
    In the same VPC the path is traced like an endpoint's: the connection's egress, the local
    route, the network ACLs of both subnets both ways, and the target's security groups, which
    must admit the connection's group or subnet on the port. In another VPC of the account the
    route must go through an active VPC peering joining both VPCs, and the target subnet's
    route table must send the replies back through it; a transit gateway or VPN stays
    undecidable. A host that maps to nothing is external: an open public path (through a NAT
    gateway) is an info note; otherwise the target is undecided, never a pass: the name may
    resolve inside the VPC or behind a peering, VPN or transit gateway, which the API cannot
    show, and a public host would fail.

    How Glue fails
    The job reaches AWS but not its database: "Communications link failure" (JDBC), connect
    timeouts; the crawler fails to connect.

    Remediation
    Admit the connection's security group on the database's port
    (`aws ec2 authorize-security-group-ingress --group-id <db sg> --ip-permissions
    'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=<glue sg>}]'`), or fix
    the route or network ACL the finding names.

    References
    https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-glue-access.html
    https://docs.aws.amazon.com/glue/latest/dg/connection-JDBC-VPC.html
    """
    if ctx.target is None:
        return
    address, placement = ctx.target
    path = ctx.paths.get("target")
    where = f"{address.host}:{address.port}"
    source = ctx.source
    if path is None:
        if placement.kind == "database" or not ctx.network_valid or source is None:
            return
        # No target path: an external name whose public path is open (net/target.py makes any
        # other external name an undecided path).
        external = (
            f"{where} is not among this account's resources (RDS, addresses in the VPC): it is external, "
            "reached through the NAT gateway"
        )
        yield Issue(address.host, f"{external}; the public path is open", "", severity="info")
        return
    if path.reachable is False and path.blocked_at is not None and ctx.network_valid:
        drop = next((h for h in path.hops if h.verdict == "deny"), None)
        fix = (remediation.for_hop(drop) if drop else None) or f"fix {path.blocked_at.id}: {path.blocked_at.reason}"
        yield Issue(
            path.blocked_at.id,
            f"{address.host if placement.kind == 'unroutable' else placement.resource} ({where}) is unreachable "
            f"from {ctx.connection.subnet_id}: blocked at "
            f'{path.blocked_at.id} ({path.blocked_at.reason}): "Communications link failure"',
            fix,
            ("target-unreachable",),
        )


def public_path(ctx: Context, port: int) -> PathResult | None:
    """The path from the connection's ENIs to an address outside the account on `port`: through
    a NAT gateway or nowhere (None: the connection has no subnet or groups to trace from). It
    does not depend on the host, only the port: one trace serves a fleet and every download."""
    if ctx.source is None:
        return None
    anywhere = Address("an external host", port)
    return target_path(ctx.inventory.network, ctx.source, anywhere, Placement("external", anywhere.host))
