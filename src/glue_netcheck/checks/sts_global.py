from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.checks.target import public_path

ID = "sts-global-endpoint"
HTTPS = 443


@check(ID, "A script pinned to the global STS endpoint has a NAT path", "warning")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    Whether the job's script calls the global STS endpoint `sts.amazonaws.com` (the name in
    its text, or `sts_regional_endpoints` set to `legacy`). An STS interface endpoint serves
    only `sts.<region>.amazonaws.com`; the global name resolves to public addresses, which
    Glue's ENIs reach only through a NAT gateway. The check traces the public path on 443 from
    the subnet Glue uses (the first connection's). The script is read from S3 (read-only
    `GetObject`); only what it calls is kept, never its text.

    How Glue fails
    The script's AssumeRole or GetCallerIdentity call hangs and fails with botocore's
    `ConnectTimeoutError: Connect timeout on endpoint URL: "https://sts.amazonaws.com/"`,
    although an STS endpoint exists in the VPC.

    Remediation
    Call the regional endpoint: `boto3.client("sts", region_name=REGION,
    endpoint_url=f"https://sts.{REGION}.amazonaws.com")`; or set
    `os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"` in the script before the client is
    created (and drop any `sts_regional_endpoints="legacy"`); or give the subnet a NAT gateway
    path.

    References
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-sts-regionalized-endpoints.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html
    """
    job = ctx.consumer
    calls = ctx.inventory.script_calls.get(job.script or "")
    first = ctx.connections[0] if ctx.connections else None
    if job.kind != "job" or calls is None or not calls.global_sts or first is None or not first.network_valid:
        return
    path = public_path(first, HTTPS)
    if path is None or path.reachable is True:
        return
    what = f"job {job.name}'s script {job.script} calls the global sts.amazonaws.com, which no VPC endpoint serves"
    if path.reachable is None:
        yield Issue(
            job.script or job.name,
            f"{what}; whether {first.connection.subnet_id} reaches it cannot be decided",
            "call sts.<region>.amazonaws.com instead, or verify the subnet's egress beyond the VPC",
        )
        return
    blocked = path.blocked_at
    assert blocked is not None  # an unreachable path always says where
    table = next((h.id for h in path.hops if h.type == "route-table"), None)
    exclusion = remediation.bpa_exclusion(ctx.inventory.network, blocked.id) if blocked.code == "BPA_BLOCKED" else None
    nat = exclusion or (remediation.nat_route(table) if table else f"fix {blocked.id}: {blocked.reason}")
    yield Issue(
        blocked.id,
        f"{what}, and from {first.connection.subnet_id} it is blocked at {blocked.id} ({blocked.reason}): "
        'the call fails with Connect timeout on endpoint URL: "https://sts.amazonaws.com/"',
        f'create the client as boto3.client("sts", region_name="{ctx.region}", '
        f'endpoint_url="https://sts.{ctx.region}.amazonaws.com"); or {nat}',
    )
