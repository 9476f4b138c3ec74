from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.net.dns import custom_dns_servers

ID = "dhcp-custom-dns"


@check(ID, "Custom DNS servers forward to the VPC resolver", "warning")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    Whether the VPC's DHCP options set uses custom DNS servers instead of
    `AmazonProvidedDNS`. Whether those servers forward to the VPC resolver (169.254.169.253
    or the VPC base + 2) and answer reverse lookups cannot be seen from the AWS API, so this
    is a warning to verify by hand.

    How Glue fails
    Interface endpoints' private DNS names (kms.<region>.amazonaws.com → the endpoint) only
    exist in the VPC resolver; servers that do not forward to it send KMS traffic to public
    addresses and jobs time out. Glue also does reverse lookups of its ENIs: "Reverse dns
    resolution of ip failure", "Dns resolution of dns failed".

    Remediation
    Make the custom servers forward `amazonaws.com` and the reverse zones of the VPC CIDRs to
    the VPC resolver (Route 53 Resolver outbound/inbound endpoints), or associate a DHCP
    options set with `domain-name-servers=AmazonProvidedDNS`
    (`aws ec2 associate-dhcp-options --dhcp-options-id dopt-… --vpc-id vpc-…`).

    References
    https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html
    https://docs.aws.amazon.com/glue/latest/dg/troubleshooting-glue.html
    """
    vpc = ctx.vpc
    if vpc is None:
        return
    servers = custom_dns_servers(ctx.inventory.network, vpc)
    if servers:
        works = (
            "with enableDnsSupport off they cannot forward to the VPC resolver, so private DNS of "
            "interface endpoints and reverse lookups of Glue's ENIs do not work"
            if vpc.enable_dns_support is False
            else "private DNS of interface endpoints and reverse lookups of Glue's ENIs work only if "
            "they forward to the VPC resolver"
        )
        yield Issue(
            vpc.dhcp_options_id or vpc.id,
            f"{vpc.id} uses custom DNS servers {', '.join(servers)} ({vpc.dhcp_options_id}): {works}",
            f"verify forwarding, or associate AmazonProvidedDNS: aws ec2 create-dhcp-options "
            f"--dhcp-configurations Key=domain-name-servers,Values=AmazonProvidedDNS, then aws ec2 "
            f"associate-dhcp-options --dhcp-options-id <new dopt-id> --vpc-id {vpc.id}",
        )
