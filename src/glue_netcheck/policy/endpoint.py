"""VPC endpoint policies, and the S3 requests a Glue job makes through the S3 endpoint.

Every request through an endpoint is checked against its policy; a denied one fails with
AccessDenied "… because no VPC endpoint policy allows the s3:GetObject action". What a job
asks of S3 at start and while it runs comes from its definition: the script, `--TempDir`
(read, write, delete, list), the extra files, S3 wheels, the Spark UI's event logs, its
connections' driver jars, certificates and keystores, and Glue Studio's transforms bucket
(AWS-owned, named in `--extra-py-files` of visual jobs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.policy.document import PolicyError, PolicyInput, parse_policy
from glue_netcheck.policy.evaluate import Decision, evaluate
from glue_netcheck.policy.request import Request

# What AWS attaches when an endpoint is created without a policy ("full access").
DEFAULT_ENDPOINT_POLICY: Mapping[str, object] = {
    "Version": "2008-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}

# Connection properties that hold an S3 object the job downloads when it opens the connection.
CONNECTION_OBJECTS = (
    "JDBC_DRIVER_JAR_URI",
    "CUSTOM_JDBC_CERT",
    "KAFKA_CLIENT_KEYSTORE",
    "KAFKA_CUSTOM_CERT",
    "KAFKA_SASL_GSSAPI_KEYTAB",
    "KAFKA_SASL_GSSAPI_KRB5_CONF",
)
# Job arguments that list S3 objects (comma-separated) the job downloads at start.
DOWNLOADED_ARGUMENTS = ("--extra-py-files", "--extra-jars", "--extra-files")
_STUDIO = re.compile(r"aws-glue-studio-transforms-(\d{12})-prod-[a-z0-9-]+")


def endpoint_decisions(policy_document: PolicyInput | None, requests: Sequence[Request]) -> list[Decision]:
    """One decision per request, in order. A missing (None or empty) policy is AWS's default
    full-access policy; a policy that cannot be parsed decides nothing (every answer undecided)."""
    try:
        policy = parse_policy(policy_document or DEFAULT_ENDPOINT_POLICY)
    except PolicyError as exc:
        return [Decision("undecided", r, None, f"the VPC endpoint policy cannot be read: {exc}") for r in requests]
    return [evaluate(policy, r, "VPC endpoint") for r in requests]


@dataclass(frozen=True, slots=True)
class EndpointUse:
    """One request the job makes through an endpoint, and why: `purpose` names the setting it
    comes from ("script", "--TempDir", "connection db JDBC_DRIVER_JAR_URI", "Glue Studio
    transforms", "connection db SECRET_ID"…)."""

    purpose: str
    location: str  # as configured: s3://bucket/key, a key or secret reference, a log group
    request: Request


S3Use = EndpointUse


def glue_s3_uses(
    arguments: Mapping[str, str],
    connections: Iterable[GlueConnection] = (),
    *,
    script_location: str | None = None,
    principal: str | None = None,
    endpoint_id: str | None = None,
    vpc_id: str | None = None,
    bucket_accounts: Mapping[str, str] | None = None,
    partition: str = "aws",
) -> list[EndpointUse]:
    """The S3 requests of a job (`arguments`: Consumer.arguments, its DefaultArguments;
    `script_location`: Command.ScriptLocation) and of its `connections`, made as `principal`
    (the role's ARN; None: unknown) through endpoint `endpoint_id` in `vpc_id` (None: unknown,
    so conditions on aws:SourceVpce / aws:SourceVpc stay undecided). `bucket_accounts` gives
    bucket owners for aws:ResourceAccount (S3 ARNs carry none; the Studio bucket's is in its name).

    Objects written or read under a prefix are asked for as the literal key `<prefix>*`: only a
    policy that covers every key under the prefix allows them."""
    context: dict[str, tuple[str, ...]] = {}
    if endpoint_id:
        context["aws:SourceVpce"] = (endpoint_id,)
    if vpc_id:
        context["aws:SourceVpc"] = (vpc_id,)
    owners = dict(bucket_accounts or {})
    uses: list[EndpointUse] = []

    def add(
        purpose: str, location: str, action: str, key: str | None, extra: Mapping[str, tuple[str, ...]] = {}
    ) -> None:
        bucket = _bucket(location)
        studio = _STUDIO.fullmatch(bucket)
        owner = owners.get(bucket) or (studio.group(1) if studio else None)
        keys = {**context, **extra, **({"aws:ResourceAccount": (owner,)} if owner else {})}
        resource = f"arn:{partition}:s3:::{bucket}" + ("" if key is None else f"/{key}")
        request = Request(action, resource, principal=principal, context=keys)
        use = EndpointUse("Glue Studio transforms" if studio else purpose, location, request)
        if use not in uses:
            uses.append(use)

    if script_location and _is_s3(script_location):
        add("script", script_location, "s3:GetObject", _key(script_location))
    temp = arguments.get("--TempDir", "")
    if _is_s3(temp):
        prefix = _prefix(temp)
        for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
            add("--TempDir", temp, action, prefix + "*")
        add("--TempDir", temp, "s3:ListBucket", None, {"s3:prefix": (prefix,) if prefix else ()})
    events = arguments.get("--spark-event-logs-path", "")
    if str(arguments.get("--enable-spark-ui", "")).lower() == "true" and _is_s3(events):
        add("--spark-event-logs-path", events, "s3:PutObject", _prefix(events) + "*")
    for name in DOWNLOADED_ARGUMENTS:
        for location in _locations(arguments.get(name, "")):
            add(name, location, "s3:GetObject", _object(location))
    for location in _locations(arguments.get("--additional-python-modules", "")):
        add("--additional-python-modules", location, "s3:GetObject", _object(location))
    for connection in connections:
        for name in CONNECTION_OBJECTS:
            location = connection.properties.get(name, "")
            if _is_s3(location):
                add(f"connection {connection.name} {name}", location, "s3:GetObject", _object(location))
    return uses


def _is_s3(location: str) -> bool:
    return location.startswith("s3://") and len(location) > len("s3://")


def _locations(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if _is_s3(item.strip())]


def _bucket(location: str) -> str:
    return location.removeprefix("s3://").split("/", 1)[0]


def _key(location: str) -> str:
    return location.removeprefix("s3://").partition("/")[2]


def _prefix(location: str) -> str:
    """The key prefix of a folder location: "" for the bucket itself, else ending in "/"."""
    key = _key(location)
    return key if not key or key.endswith("/") else key + "/"


def _object(location: str) -> str:
    """An object's key; a folder (ending in "/") stands for every key under it."""
    key = _key(location)
    return key + "*" if not key or key.endswith("/") else key
