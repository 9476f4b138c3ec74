from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.net.security_groups import self_referencing_rule

ID = "self-referencing-rule"


@check(ID, "A connection security group admits all TCP from itself", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    At least one of the connection's security groups has an inbound rule for all TCP ports
    (or all traffic) whose source is that same group: the self-referencing rule.

    How Glue fails
    Glue's workers talk to each other across their ENIs on arbitrary ports. Without the rule
    the job or crawler is rejected with "InvalidInputException: At least one security group
    must open all ingress ports. To limit traffic, the source security group in your inbound
    rule can be restricted to the same security group".

    Remediation
    Add an inbound rule to one of the connection's groups: all TCP, source = the group itself
    (`aws ec2 authorize-security-group-ingress --group-id sg-… --ip-permissions
    'IpProtocol=tcp,FromPort=0,ToPort=65535,UserIdGroupPairs=[{GroupId=sg-…}]'`; Terraform:
    an ingress rule with `self = true`, from_port 0, to_port 65535).

    References
    https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-glue-access.html
    """
    if not ctx.groups:
        return
    if any(self_referencing_rule(g) for g in ctx.groups):
        return
    first = ctx.groups[0].id
    names = ", ".join(g.id for g in ctx.groups)
    yield Issue(
        first,
        f'none of {names} admits all TCP from itself: Glue rejects the run with "At least one '
        'security group must open all ingress ports"',
        remediation.self_referencing_rule(first),
        ("security-group-validation-failed",),
    )
