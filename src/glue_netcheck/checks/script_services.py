from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service

ID = "script-services-reachable"

# boto3's service name -> the endpoint service's (com.amazonaws.<region>.<name>) where they differ.
_ENDPOINT_NAME = {"kinesis": "kinesis-streams", "cloudwatch": "monitoring", "stepfunctions": "states"}
# Global services: no regional endpoint by that name to trace (reached only through a NAT).
_SKIP = {"iam", "organizations", "route53", "cloudfront"}


@check(ID, "The AWS services the job's script calls are reachable from its subnet", "warning")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    The AWS services the job's script creates clients for (`boto3.client("sqs")`,
    `boto3.resource("dynamodb")`, Glue's DynamoDB and Kinesis readers and writers), read from
    the script (read-only `GetObject`; only the service names are kept). Each is traced on 443
    from the subnet Glue uses (the first connection's), like the services Glue itself needs:
    an interface endpoint `com.amazonaws.<region>.<service>` with private DNS, a gateway
    endpoint, or a NAT gateway. Services the connection's own paths already trace (S3, KMS,
    STS, Glue, Logs, Secrets Manager when used) are reported by their own checks. The live
    collector reads the script of every job with a connection (`job`, `scan`, `snapshot`); a
    script it may not read (AccessDenied) leaves its calls unknown, which is said (info), never
    taken for "calls nothing".

    How Glue fails
    The script's call hangs and fails with botocore's `ConnectTimeoutError: Connect timeout on
    endpoint URL: "https://sqs.<region>.amazonaws.com/"` (after its retries), and the job run
    fails or times out.

    Remediation
    Create an interface endpoint for the service in the connection's subnet with private DNS,
    whose security group admits the connection's group on 443 (DynamoDB: a gateway endpoint
    on the subnet's route table), or route 0.0.0.0/0 from the subnet to a NAT gateway.

    References
    https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
    https://docs.aws.amazon.com/glue/latest/dg/vpc-interface-endpoints.html
    """
    job = ctx.consumer
    calls = ctx.inventory.script_calls.get(job.script or "")
    first = ctx.connections[0] if ctx.connections else None
    source = first.source if first is not None else None
    if job.kind != "job" or calls is None or first is None or source is None or not first.network_valid:
        return
    if calls.error == "AccessDenied":
        # Unknown, not "calls nothing". A missing object is another failure (the run's own).
        yield Issue(
            job.script or job.name,
            f"job {job.name}'s script {job.script} could not be read (AccessDenied): the AWS services it calls, "
            "and whether it pins the global STS endpoint, are not checked",
            "grant s3:GetObject on the script to the identity running glue-netcheck (glue-netcheck iam-policy)",
            severity="info",
        )
        return
    for name in calls.services:
        service = endpoint_service(name, ctx.region)
        if name in first.paths or service is None:
            continue
        path = service_path(ctx.inventory.network, source, service)
        host = f"{name}.{ctx.region}.amazonaws.com"
        if path.reachable is False and path.blocked_at is not None:
            blocked = path.blocked_at
            gateways = ctx.inventory.network.endpoints_for(source.vpc.id, service.endpoint_service_name, "Gateway")
            fix = remediation.for_path(
                path,
                service,
                source.vpc.id,
                source.subnet.id,
                tuple(g.id for g in source.groups),
                gateways[0].id if gateways else None,
            )
            yield Issue(
                blocked.id,
                f"job {job.name}'s script calls {name}: {host}:443 is unreachable from {source.subnet.id}, blocked "
                f'at {blocked.id} ({blocked.reason}): Connect timeout on endpoint URL: "https://{host}/"',
                fix,
            )


def endpoint_service(name: str, region: str) -> Service | None:
    """The regional service a script's client for `name` calls, as its endpoint names it; None
    for a global service (no regional endpoint to trace)."""
    return None if name in _SKIP else Service(_ENDPOINT_NAME.get(name, name), region)
