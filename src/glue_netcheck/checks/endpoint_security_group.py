"""Interface endpoints whose security groups do not admit Glue's ENIs, one check per service."""

from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, error_if, per_service
from glue_netcheck.net.services import DISPLAY, SYMPTOMS

_DOC = """
What it checks
The security groups of the `com.amazonaws.<region>.{key}` interface endpoint admit TCP 443
from the connection's ENIs: a rule whose source is one of the connection's security groups
(for example its self-referencing group), or a CIDR or prefix list covering the connection's
subnet.

How Glue fails
{symptoms}

Remediation
`aws ec2 authorize-security-group-ingress --group-id <endpoint sg> --ip-permissions
'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{{GroupId=<connection sg>}}]'`
(Terraform: an ingress rule on the endpoint's group with
`source_security_group_id = <connection sg>`).

References
https://docs.aws.amazon.com/glue/latest/dg/encryption-vpc-kms.html
https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
"""


def run(ctx: Context, key: str) -> Iterator[Issue]:
    path = ctx.paths.get(key)
    if path is None or path.via is not None or ctx.source is None:
        return
    endpoint = next((h.id for h in path.hops if h.type == "vpc-endpoint" and h.verdict == "allow"), None)
    # The endpoint's ingress is the only security-group hop evaluated on "ingress".
    drop = next(
        (
            h
            for h in path.hops
            if h.type == "security-group" and h.verdict == "deny" and h.needed is not None and not h.needed.egress
        ),
        None,
    )
    if endpoint is None or drop is None:
        return
    predicts = ctx.failures_if_unreachable(key)
    yield Issue(
        drop.id,
        f"{drop.id} on endpoint {endpoint} does not admit Glue's ENIs: {drop.detail}",
        remediation.for_hop(drop) or "",
        predicts,
        error_if(predicts),
    )


CHECKS = per_service(
    "{key}-endpoint-security-group",
    lambda key: f"The {DISPLAY[key].removeprefix('The ')} interface endpoint's groups admit the connection on 443",
    lambda key: _DOC.format(key=key, symptoms=SYMPTOMS[key]),
    run,
)
