from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check, error_if
from glue_netcheck.checks.finding import Severity
from glue_netcheck.net.services import DISPLAY
from glue_netcheck.net.trace import Hop, PathResult, first_drop, first_unknown

ID = "vpc-block-public-access"
# The hop codes the tracer (net/public.py) gives where Block Public Access stops a path.
CODES = ("BPA_BLOCKED", "BPA_EXCLUSIONS_UNKNOWN")


@check(ID, "VPC Block Public Access lets the connection's public paths through the internet gateway", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    VPC Block Public Access (DescribeVpcBlockPublicAccessOptions) drops traffic at the region's
    internet gateways, except for VPCs and subnets with an active exclusion
    (DescribeVpcBlockPublicAccessExclusions). The tracer decides it on every public path: in
    `block-bidirectional` mode a NAT gateway's traffic leaves only if its subnet or VPC is
    excluded (allow-egress or allow-bidirectional), so KMS, S3, STS, Glue, Logs and Secrets
    Manager without an endpoint, PyPI, the global STS endpoint and external hosts are cut
    off; in both blocking modes (`block-ingress` too) a publicly accessible database reached
    the public way (in another VPC, its name resolving to its public address) is let in only
    if its subnet or VPC is excluded allow-bidirectional. This check names that cause once per
    place it stops paths (the NAT gateway, the database's subnet), with every path stopped
    there; the paths' own checks (`kms-reachable`, `target-reachable`, …) are folded into it.
    When the mode blocks but the exclusions could not be read, the path is undecided and this
    is a warning. With no Block Public Access answer
    in the data the mode is unknown and nothing is reported: it is off unless someone turned
    it on.

    How Glue fails
    Routes, groups and ACLs all admit the traffic, but the internet gateway drops it: the
    calls through the NAT gateway time out. Through KMS a job fails with "KMS timeout" (a
    crawler with "Internal Service Exception"); S3 passes Glue's start-up validation (a NAT
    route exists) and the run fails with "Amazon S3 timeout"; the database connection fails
    with "Communications link failure"; STS, Glue, Logs and Secrets Manager calls from the
    script time out; a job with `--additional-python-modules` fails installing them
    (`python-modules-reachable`). Reachability Analyzer shows the path blocked by "VPC Block Public
    Access".

    Remediation
    Exclude the NAT gateway's subnet for egress (`aws ec2
    create-vpc-block-public-access-exclusion --subnet-id subnet-…
    --internet-gateway-exclusion-mode allow-egress`) and a public database's subnet both ways
    (`allow-bidirectional`), or reach the services through VPC endpoints instead of the NAT
    gateway (an S3 gateway endpoint, interface endpoints for KMS and the others), which Block
    Public Access does not affect. When a declarative policy sets ExclusionsAllowed to
    not-allowed, AWS refuses new exclusions: only the endpoints remain.

    References
    https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html
    https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa-basics.html
    https://docs.aws.amazon.com/glue/latest/dg/connection-VPC-troubleshooting.html
    """
    if not ctx.network_valid or ctx.source is None:
        return
    # One finding per place Block Public Access stops paths (and per severity: each path's own
    # check folds into the finding of its severity), so the cause and its fix are said once.
    groups: dict[tuple[str, str, Severity], list[tuple[str, PathResult, Hop]]] = {}
    for key, path in sorted(ctx.paths.items()):
        hop = stopped_by_block_public_access(path)
        if hop is not None:
            severity = "warning" if hop.verdict == "unknown" else _predicts(ctx, key)[1]
            groups.setdefault((hop.id, hop.verdict, severity), []).append((key, path, hop))
    for (resource, verdict, severity), stopped in groups.items():
        hop = stopped[0][2]
        names = " and ".join(
            f"{'the data source' if key == 'target' else DISPLAY.get(key, key)} ({path.endpoint}:{path.port})"
            for key, path, _ in stopped
        )
        where = f"{names} from {ctx.connection.subnet_id}"
        if verdict == "unknown":  # an exclusion may exist: warn, predict nothing
            remedy = "aws ec2 describe-vpc-block-public-access-exclusions"
            yield Issue(resource, f"{where}: {hop.text}", remedy, (), "warning")
            continue
        predicts = tuple(sorted({code for key, _, _ in stopped for code in _predicts(ctx, key)[0]}))
        verb = "is" if len(stopped) == 1 else "are"
        remedy = _remedy(ctx, hop, [path for _, path, _ in stopped])
        yield Issue(resource, f"{where} {verb} unreachable: {hop.text}", remedy, predicts, severity)


def stopped_by_block_public_access(path: PathResult) -> Hop | None:
    """The hop where Block Public Access stops the path: its drop, else (undecided) the first
    hop it cannot decide, when that is Block Public Access's."""
    hop = first_drop(path.hops) or first_unknown(path.hops)
    return hop if hop is not None and hop.code in CODES else None


def _predicts(ctx: Context, key: str) -> tuple[tuple[str, ...], Severity]:
    """What the path's own check predicts, at its severity, so that it folds into this one."""
    if key == "target":
        return ("target-unreachable",), "error"
    predicts = ctx.failures_if_unreachable(key)  # S3: the run times out (validation finds the NAT route)
    return predicts, error_if(predicts)


def _remedy(ctx: Context, hop: Hop, paths: list[PathResult]) -> str:
    network = ctx.inventory.network
    bpa = network.block_public_access
    refused = bpa is not None and bpa.exclusions_allowed is False
    nat = network.nat_gateways.get(hop.id) if hop.type == "nat-gateway" else None
    if nat is not None:
        subnet_id, mode = nat.subnet_id, "allow-egress"
        services = [p.endpoint for p in paths if p.service != "target"]
        others = [f"add a VPC endpoint for {' and '.join(services)} in {nat.vpc_id}"] if services else []
        if len(services) < len(paths):  # the data source has no endpoint
            reach = "reach the data source without an internet gateway (a VPN, Direct Connect or a peering)"
            others += [reach] if refused else []
    else:  # a public database's subnet, for its inbound traffic
        subnet_id, mode = hop.id, "allow-bidirectional"
        others = ["reach the database privately (a VPC peering whose database side allows DNS resolution)"]
    if refused:
        why = "AWS refuses Block Public Access exclusions here (ExclusionsAllowed: not-allowed, a declarative policy)"
        return f"{why}: {'; '.join(others)}"
    exclusion = (
        f"aws ec2 create-vpc-block-public-access-exclusion --subnet-id {subnet_id} "
        f"--internet-gateway-exclusion-mode {mode}"
    )
    return "; or ".join([exclusion, *others])
