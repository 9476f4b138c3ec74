from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.net.dns import custom_dns_servers

ID = "vpc-dns-attributes"


@check(ID, "The VPC has enableDnsSupport and enableDnsHostnames on", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    The connection's VPC has both DNS attributes on: `enableDnsSupport` (the VPC resolver
    answers) and `enableDnsHostnames` (ENIs get private DNS names, and interface endpoints'
    private DNS names take effect).

    How Glue fails
    With DNS support off nothing resolves: S3, KMS and the data source's host names all fail
    ("Dns resolution of dns failed"). With DNS hostnames off Glue fails with "No private DNS
    for network interface found", and a KMS endpoint's private DNS name never applies, so
    jobs time out calling KMS unless a NAT gateway carries the traffic.

    Remediation
    `aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-support '{"Value":true}'` and
    `aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-hostnames '{"Value":true}'`
    (Terraform: `enable_dns_support = true`, `enable_dns_hostnames = true` on `aws_vpc`).

    References
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html
    https://docs.aws.amazon.com/glue/latest/dg/troubleshooting-glue.html
    """
    vpc = ctx.vpc
    if vpc is None:
        return
    codes = ("dns-resolution-failure",)
    if vpc.enable_dns_support is False:
        custom = custom_dns_servers(ctx.inventory.network, vpc)
        effect = (
            f"only the custom DNS servers {', '.join(custom)} answer, and they cannot forward to the VPC "
            "resolver: interface endpoints' private DNS names, private hosted zones and the reverse "
            "lookups of Glue's ENIs fail"
            if custom
            else "no AWS service or data source host name resolves"
        )
        yield Issue(
            vpc.id,
            f"{vpc.id} has enableDnsSupport off: {effect}",
            remediation.enable_vpc_dns(vpc.id, "enableDnsSupport"),
            codes,
        )
    if vpc.enable_dns_hostnames is False:
        yield Issue(
            vpc.id,
            f'{vpc.id} has enableDnsHostnames off: Glue fails with "No private DNS for '
            "network interface found\" and interface endpoints' private DNS does not apply",
            remediation.enable_vpc_dns(vpc.id, "enableDnsHostnames"),
            codes,
        )
    # One cause (the attribute read), one finding: both unknown attributes are named together.
    unknown = [
        attribute
        for attribute, value in (
            ("enableDnsSupport", vpc.enable_dns_support),
            ("enableDnsHostnames", vpc.enable_dns_hostnames),
        )
        if value is None
    ]
    if unknown:
        yield Issue(
            vpc.id,
            f"{' and '.join(unknown)} of {vpc.id} could not be read (ec2:DescribeVpcAttribute)",
            "grant ec2:DescribeVpcAttribute to the identity running glue-netcheck",
            severity="warning",
        )
