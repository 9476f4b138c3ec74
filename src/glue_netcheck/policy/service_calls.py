"""The requests a job makes through the KMS, Secrets Manager, Glue, Logs and STS endpoints.

Each builder gives `EndpointUse`s for `endpoint_decisions`; `principal` is the role's ARN
(its account places ARNs the job's settings name only by name; None: those stay unknown) and
`endpoint_id`/`vpc_id` fill aws:SourceVpce/aws:SourceVpc (None: unknown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.policy.endpoint import EndpointUse
from glue_netcheck.policy.request import Request

# Where continuous logging writes unless --continuous-log-logGroup says otherwise.
CONTINUOUS_LOG_GROUP = "/aws-glue/jobs/logs-v2"
# A role ARN in a job argument: the script assumes it (what makes STS a traced path). IAM
# allows "," in role names, but arguments list ARNs comma-separated far more often.
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=.@/-]+")


def _context(endpoint_id: str | None, vpc_id: str | None) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    if endpoint_id:
        found["aws:SourceVpce"] = (endpoint_id,)
    if vpc_id:
        found["aws:SourceVpc"] = (vpc_id,)
    return found


def _arn(principal: str | None, service: str, region: str, resource: str) -> str | None:
    account = Request("", principal=principal).principal_account
    if not account:
        return None
    partition = principal.split(":")[1] if principal else "aws"
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def kms_uses(
    keys: Mapping[str, Sequence[str]],
    *,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
) -> list[EndpointUse]:
    """`keys`: key ARN -> the KMS actions its uses need (key_policy.ROLE_ACTIONS). A reference
    that is not an ARN (an alias, a bare id) leaves the resource unknown."""
    context = _context(endpoint_id, vpc_id)
    return [
        EndpointUse(
            f"KMS key {key}",
            key,
            Request(action, key if key.startswith("arn:") else None, principal=principal, context=context),
        )
        for key, actions in keys.items()
        for action in actions
    ]


def secret_uses(
    connections: Iterable[GlueConnection],
    region: str,
    *,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
) -> list[EndpointUse]:
    """secretsmanager:GetSecretValue for each connection's SECRET_ID. A secret named without
    its ARN is asked for as `secret:<name>-??????` (Secrets Manager appends six characters)."""
    context = _context(endpoint_id, vpc_id)
    found = []
    for connection in connections:
        secret = connection.properties.get("SECRET_ID", "")
        if not secret:
            continue
        arn = (
            secret
            if secret.startswith("arn:")
            else _arn(principal, "secretsmanager", region, f"secret:{secret}-??????")
        )
        request = Request("secretsmanager:GetSecretValue", arn, principal=principal, context=context)
        found.append(EndpointUse(f"connection {connection.name} SECRET_ID", secret, request))
    return found


def glue_uses(
    connections: Iterable[GlueConnection],
    region: str,
    *,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
) -> list[EndpointUse]:
    """glue:GetConnection, which the job calls for each connection it opens; IAM authorises it
    on the catalog and on the connection."""
    context = _context(endpoint_id, vpc_id)
    found = []
    for connection in connections:
        for resource in ("catalog", f"connection/{connection.name}"):
            arn = _arn(principal, "glue", region, resource)
            request = Request("glue:GetConnection", arn, principal=principal, context=context)
            found.append(EndpointUse(f"connection {connection.name}", connection.name, request))
    return found


def logs_uses(
    arguments: Mapping[str, str],
    region: str,
    *,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
) -> list[EndpointUse]:
    """Continuous logging (--enable-continuous-cloudwatch-log true): the driver and executors
    create streams in the log group and put events there."""
    if str(arguments.get("--enable-continuous-cloudwatch-log", "")).lower() != "true":
        return []
    group = arguments.get("--continuous-log-logGroup") or CONTINUOUS_LOG_GROUP
    context = _context(endpoint_id, vpc_id)
    stream = _arn(principal, "logs", region, f"log-group:{group}:log-stream:*")
    return [
        EndpointUse(
            "--enable-continuous-cloudwatch-log", group, Request(action, stream, principal=principal, context=context)
        )
        for action in ("logs:CreateLogStream", "logs:PutLogEvents")
    ]


def sts_uses(
    arguments: Mapping[str, str],
    *,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
) -> list[EndpointUse]:
    """sts:AssumeRole on each role ARN a job argument names (`--target_role_arn
    arn:aws:iam::…:role/reporting`): the script assumes it, through the STS endpoint, as the
    job's role. Each role once, in the arguments' order."""
    context = _context(endpoint_id, vpc_id)
    found: list[EndpointUse] = []
    for name, value in arguments.items():
        for role in _ROLE_ARN.findall(value):
            if any(u.location == role for u in found):
                continue
            request = Request("sts:AssumeRole", role, principal=principal, context=context)
            found.append(EndpointUse(f"{name}, assumed by the script", role, request))
    return found
