from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.net.services import DISPLAY

ID = "vpc-block-public-access"


@check(ID, "VPC Block Public Access does not block the NAT gateway the connection's paths leave by", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    VPC Block Public Access (DescribeVpcBlockPublicAccessOptions) in `block-bidirectional`
    mode blocks all traffic through the region's internet gateways, a NAT gateway's egress
    too, except from VPCs and subnets with an active exclusion
    (DescribeVpcBlockPublicAccessExclusions: allow-egress or allow-bidirectional). For every
    service path the tracer finds leaving through a NAT gateway (KMS, S3, STS, Glue, Logs,
    Secrets Manager without an endpoint), the check looks for an exclusion of the NAT
    gateway's subnet or its VPC. `block-ingress` mode leaves NAT egress alone. When the data
    has no Block Public Access answer the mode is unknown and nothing is reported: it is off
    unless someone turned it on.

    How Glue fails
    Routes, groups and ACLs all admit the traffic, but the internet gateway drops it: the
    calls through the NAT gateway time out. Through KMS a job fails with "KMS timeout" (a
    crawler with "Internal Service Exception"); S3 passes Glue's start-up validation (a NAT
    route exists) and the run fails with "Amazon S3 timeout"; STS, Glue, Logs and Secrets
    Manager calls from the script time out. Reachability Analyzer shows the path blocked by
    "VPC Block Public Access".

    Remediation
    Exclude the NAT gateway's subnet from Block Public Access for egress (`aws ec2
    create-vpc-block-public-access-exclusion --subnet-id subnet-…
    --internet-gateway-exclusion-mode allow-egress`), or reach the services through VPC
    endpoints instead of the NAT gateway (an S3 gateway endpoint, interface endpoints for KMS
    and the others), which Block Public Access does not affect.

    References
    https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html
    https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa-basics.html
    https://docs.aws.amazon.com/glue/latest/dg/connection-VPC-troubleshooting.html
    """
    network = ctx.inventory.network
    bpa = network.block_public_access
    if bpa is None or bpa.mode != "block-bidirectional" or not ctx.network_valid:
        return
    for key, path in sorted(ctx.paths.items()):
        if path.reachable is not True or path.via != "nat-gateway":
            continue
        nat_id = next((h.id for h in path.hops if h.type == "nat-gateway" and h.verdict == "allow"), None)
        nat = network.nat_gateways.get(nat_id or "")
        if nat is None or not bpa.blocks_egress(nat.subnet_id, nat.vpc_id):
            continue
        predicts = ("s3-timeout",) if key == "s3" else ctx.failures_if_unreachable(key)
        name = DISPLAY.get(key, key)
        if not bpa.exclusions_known:  # an exclusion may exist: warn, predict nothing
            yield Issue(
                nat.id,
                f"{name} ({path.endpoint}:{path.port}) is reached only through NAT gateway {nat.id}, VPC Block "
                "Public Access is block-bidirectional, and its exclusions could not be read "
                "(ec2:DescribeVpcBlockPublicAccessExclusions): unless its subnet or VPC is excluded, the "
                "internet gateway drops the traffic",
                "aws ec2 describe-vpc-block-public-access-exclusions",
                (),
                severity="warning",
            )
            continue
        yield Issue(
            nat.id,
            f"{name} ({path.endpoint}:{path.port}) is reached from {ctx.connection.subnet_id} only through NAT "
            f"gateway {nat.id}, and VPC Block Public Access is block-bidirectional with no exclusion for its "
            f"subnet {nat.subnet_id} or {nat.vpc_id}: the internet gateway drops the traffic",
            f"aws ec2 create-vpc-block-public-access-exclusion --subnet-id {nat.subnet_id} "
            "--internet-gateway-exclusion-mode allow-egress; or add a VPC endpoint for "
            f"{path.endpoint} in {nat.vpc_id}",
            predicts,
            severity="error" if predicts else "warning",
        )
