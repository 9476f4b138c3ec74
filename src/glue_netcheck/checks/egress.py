from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.net.security_groups import opens_all_egress

ID = "security-group-egress"


@check(ID, "A connection security group opens all outbound TCP", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    At least one of the connection's security groups allows all outbound TCP, to 0.0.0.0/0 or
    to the group itself.

    How Glue fails
    The run is rejected with "At least one security group must open all egress ports"; with
    narrower egress, calls to S3, KMS or the data source also time out.

    Remediation
    Allow all outbound traffic on one of the connection's groups
    (`aws ec2 authorize-security-group-egress --group-id sg-… --ip-permissions
    'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'`), or all TCP to the group itself plus 443 to
    the endpoints.

    References
    https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-glue-access.html
    """
    if not ctx.groups or any(opens_all_egress(g) for g in ctx.groups):
        return
    first = ctx.groups[0].id
    yield Issue(
        first,
        f"none of {', '.join(g.id for g in ctx.groups)} allows all outbound TCP: Glue rejects the "
        'run with "At least one security group must open all egress ports"',
        remediation.all_egress(first),
        ("security-group-validation-failed",),
    )
