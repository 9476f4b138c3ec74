from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Sequence

from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.model.network import VpcEndpoint
from glue_netcheck.policy import key_policy
from glue_netcheck.policy.endpoint import EndpointUse, endpoint_decisions, glue_s3_uses
from glue_netcheck.policy.evaluate import Decision
from glue_netcheck.policy.service_calls import glue_uses, kms_uses, logs_uses, secret_uses, sts_uses

ID = "endpoint-policy"
CODE = ("endpoint-policy-denied",)


@check(ID, "The VPC endpoints on the job's paths allow the requests it makes through them", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    Every VPC endpoint the traced, reachable paths of the consumer's connections go through
    (the S3 gateway or interface endpoint, and the KMS, Secrets Manager, CloudWatch Logs, Glue
    and STS interface endpoints) has a policy, AWS's full-access default when none was set. The
    check evaluates it for the requests the job or crawler really makes through it, as its
    role: S3: the script, `--TempDir` (get, put, delete, list), `--extra-py-files`,
    `--extra-jars`, `--extra-files`, S3 wheels, the Spark UI event logs, the connections'
    driver jars, certificates and keystores, Glue Studio's transforms bucket; KMS: the key
    operations on the security configuration's and catalog's keys; Secrets Manager: each
    connection's SECRET_ID; Glue: GetConnection; Logs: continuous logging's streams; STS:
    `sts:AssumeRole` on each role ARN the job's arguments name (the script assumes it; other
    STS calls a script may make, such as GetCallerIdentity, are not known from its settings). A
    condition the evaluator cannot decide (aws:PrincipalOrgID, a tag…) is a warning, never a
    pass.

    How Glue fails
    Every request through the endpoint is checked against its policy. A request no statement
    allows fails with AccessDenied: "User: arn:aws:sts::123456789012:assumed-role/glue-etl/…
    is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::etl-scripts/job.py
    because no VPC endpoint policy allows the s3:GetObject action" (or "… with an explicit
    deny in a VPC endpoint policy"). For the script the run fails at start ("Error
    downloading script: fatal error: An error occurred (403) when calling the HeadObject
    operation: Forbidden"); for `--TempDir` it fails when Spark writes there; for STS the
    script's AssumeRole fails: "An error occurred (AccessDenied) when calling the AssumeRole
    operation: … is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::…:role/…
    because no VPC endpoint policy allows the sts:AssumeRole action".

    Remediation
    Add the printed statement to the endpoint's policy, or remove the Deny that decides:
    `aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --policy-document '…'` (the
    finding prints the whole new policy, the old statements kept).

    References
    https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    """
    for endpoint, key in endpoints_on_paths(ctx):
        uses = uses_through(ctx, key, endpoint)
        if not uses:
            continue
        decisions = endpoint_decisions(endpoint.policy_document, [u.request for u in uses])
        yield from _judge(ctx, endpoint, list(zip(uses, decisions, strict=True)))


def endpoints_on_paths(ctx: ConsumerContext) -> list[tuple[VpcEndpoint, str]]:
    """(endpoint, service key) for each endpoint a reachable path goes through, once each."""
    by_id = {e.id: e for e in ctx.inventory.network.endpoints}
    found: dict[str, tuple[VpcEndpoint, str]] = {}
    for connection in ctx.connections:
        for key, path in connection.paths.items():
            if path.reachable is not True:
                continue  # a blocked path is the service checks' finding, not this one's
            for hop in path.hops:
                # "info" hops name an endpoint DNS bypassed: traffic does not go through it.
                if hop.type == "vpc-endpoint" and hop.verdict == "allow" and hop.id in by_id:
                    found.setdefault(hop.id, (by_id[hop.id], key))
    return list(found.values())


def _principal(ctx: ConsumerContext) -> str | None:
    reference = ctx.consumer.role
    if not reference:
        return None
    role = ctx.inventory.roles.get(reference)
    arn = role.arn if role is not None and role.arn else reference
    return arn if arn.startswith("arn:") else None


def uses_through(ctx: ConsumerContext, key: str, endpoint: VpcEndpoint) -> list[EndpointUse]:
    job = ctx.consumer
    connections = [c.connection for c in ctx.connections]
    who, vpce, vpc = _principal(ctx), endpoint.id, endpoint.vpc_id
    if key == "s3":
        script = job.script if job.kind == "job" else None
        return glue_s3_uses(
            job.arguments, connections, script_location=script, principal=who, endpoint_id=vpce, vpc_id=vpc
        )
    if key == "kms":
        keys: dict[str, list[str]] = {}
        for reference, what in sorted(ctx.key_uses().items()):
            known = ctx.key(reference)
            arn = known.arn if known is not None and known.arn else reference
            actions = keys.setdefault(arn, [])
            for use in what:
                actions.extend(a for a in key_policy.ROLE_ACTIONS.get(use, ()) if a not in actions)
        return kms_uses(keys, principal=who, endpoint_id=vpce, vpc_id=vpc)
    if key == "secretsmanager":
        return secret_uses(connections, ctx.region, principal=who, endpoint_id=vpce, vpc_id=vpc)
    if key == "glue":
        return glue_uses(connections, ctx.region, principal=who, endpoint_id=vpce, vpc_id=vpc)
    if key == "logs":
        return logs_uses(job.arguments, ctx.region, principal=who, endpoint_id=vpce, vpc_id=vpc)
    if key == "sts":
        return sts_uses(job.arguments, principal=who, endpoint_id=vpce, vpc_id=vpc)
    return []


def _judge(
    ctx: ConsumerContext, endpoint: VpcEndpoint, judged: Sequence[tuple[EndpointUse, Decision]]
) -> Iterator[Issue]:
    kind = f"{endpoint.type.lower()} endpoint {endpoint.id} ({endpoint.service_name})"
    who = f"{ctx.consumer.kind} {ctx.consumer.name}"
    denied = [(u, d) for u, d in judged if d.outcome == "denied"]
    for use, decision in denied:
        by = f" (statement {decision.statement})" if decision.statement and decision.explicit else ""
        yield Issue(
            endpoint.id,
            f"{who}: the policy of {kind} denies {decision.request.action} on {_what(use)}{by}: {decision.reason}",
            _remediation(endpoint, denied, ctx),
            CODE,
        )
    for use, decision in judged:
        if decision.outcome == "undecided":
            yield Issue(
                endpoint.id,
                f"{who}: whether the policy of {kind} allows {decision.request.action} on {_what(use)} "
                f"cannot be decided: {decision.reason}",
                f"verify the condition admits the request: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids "
                f"{endpoint.id} --query 'VpcEndpoints[0].PolicyDocument'",
                severity="warning",
            )


def _what(use: EndpointUse) -> str:
    """The location and the setting it comes from, once ("KMS key <arn>" already names it)."""
    return use.purpose if use.location in use.purpose else f"{use.location} ({use.purpose})"


def _remediation(endpoint: VpcEndpoint, denied: Sequence[tuple[EndpointUse, Decision]], ctx: ConsumerContext) -> str:
    """The whole new policy: the old statements kept (minus none), one Allow for what was denied."""
    explicit = sorted({d.statement for _, d in denied if d.explicit and d.statement})
    allow = [d for _, d in denied if not d.explicit]
    if not allow:
        return (
            f"remove or narrow the Deny statement {', '.join(explicit)} in the policy of {endpoint.id} "
            f"(aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {endpoint.id} "
            "--query 'VpcEndpoints[0].PolicyDocument')"
        )
    policy = existing_policy(endpoint.policy_document)
    policy["Statement"] = [*policy["Statement"], allow_statement(ctx, allow)]
    command = (
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint.id} "
        f"--policy-document {shlex.quote(json.dumps(policy, separators=(',', ':')))}"
    )
    if explicit:
        command = f"remove or narrow the Deny statement {', '.join(explicit)}, then {command}"
    return command


def allow_statement(ctx: ConsumerContext, denied: Sequence[Decision]) -> dict[str, object]:
    """One Allow, as the consumer's role, for the requests no statement allows."""
    principal = _principal(ctx)
    return {
        "Sid": _sid(ctx.consumer.name),
        "Effect": "Allow",
        "Principal": {"AWS": principal} if principal else "*",
        "Action": sorted({d.request.action for d in denied}),
        "Resource": sorted({d.request.resource or "*" for d in denied}),
    }


def existing_policy(document: str | None) -> dict[str, list[object] | str]:
    """The current policy as a dict with a Statement list; AWS's default when none was set."""
    try:
        parsed = json.loads(document) if document else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        return {"Version": "2012-10-17", "Statement": []}
    statements = parsed.get("Statement", [])
    return {
        "Version": str(parsed.get("Version", "2012-10-17")),
        "Statement": list(statements) if isinstance(statements, list) else [statements],
    }


def _sid(name: str) -> str:
    # A Sid holds letters and digits only.
    return "AllowGlue" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)
