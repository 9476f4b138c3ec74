"""Interface endpoints whose private DNS does not take effect, one check per service."""

from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, error_if, per_service
from glue_netcheck.checks.finding import Severity
from glue_netcheck.net.services import DISPLAY, SYMPTOMS
from glue_netcheck.net.trace import Hop

_DOC = """
What it checks
An interface endpoint for `com.amazonaws.<region>.{key}` in the connection's VPC is used only
if `{key}.<region>.amazonaws.com` resolves to it: private DNS must be enabled on the endpoint
and the VPC must have enableDnsSupport and enableDnsHostnames. Otherwise the name resolves to
public addresses and the traffic needs a NAT gateway instead.

How Glue fails
{symptoms} (The endpoint exists, which makes this hard to spot.)

Remediation
`aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --private-dns-enabled` (Terraform:
`private_dns_enabled = true` on `aws_vpc_endpoint`), and turn on the VPC's DNS hostnames
(`aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-hostnames '{{"Value":true}}'`).

References
https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns
https://docs.aws.amazon.com/glue/latest/dg/encryption-vpc-kms.html
"""


def run(ctx: Context, key: str) -> Iterator[Issue]:
    path = ctx.paths.get(key)
    if path is None or path.bypassed_endpoint is None or ctx.vpc is None:
        return
    endpoint = path.bypassed_endpoint
    dns_hop = path.hops[0]
    severity: Severity
    if path.reachable is False:
        predicts = ctx.failures_if_unreachable(key)
        severity = error_if(predicts)
        consequence = "and no other path reaches the service"
    else:
        predicts, severity = (), "warning"
        consequence = f"traffic goes {path.via or 'elsewhere'} instead and the endpoint is unused"
    fix = (
        remediation.enable_private_dns(endpoint)
        if dns_hop.type == "vpc-endpoint"
        else remediation.enable_vpc_dns(ctx.vpc.id, _attribute(dns_hop))
    )
    yield Issue(dns_hop.id, f"{dns_hop.detail}; {consequence}", fix, predicts, severity)


def _attribute(dns_hop: Hop) -> str:
    """The VPC attribute whose being off sent the name past the endpoint (net/dns.py)."""
    return "enableDnsSupport" if dns_hop.code == "DNS_SUPPORT_DISABLED" else "enableDnsHostnames"


CHECKS = per_service(
    "{key}-endpoint-private-dns",
    lambda key: f"The {DISPLAY[key].removeprefix('The ')} interface endpoint's private DNS name takes effect",
    lambda key: _DOC.format(key=key, symptoms=SYMPTOMS[key]),
    run,
)
