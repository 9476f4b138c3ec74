"""The Glue side of the model from raw answers: connections, jobs, crawlers, security
configurations, the catalog's encryption, KMS keys and roles."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from glue_netcheck.model.glue import (
    CatalogEncryption,
    Consumer,
    GlueConnection,
    KmsKey,
    Role,
    ScriptCalls,
    SecurityConfiguration,
    key_region,
)
from glue_netcheck.model.raw import as_int, as_mapping, as_str
from glue_netcheck.model.redact import redact_properties

# Glue's default for a Spark job created without a worker count (10 G.1X workers).
DEFAULT_JOB_WORKERS = 10

_TYPE_BY_PROPERTY = (
    ("JDBC_CONNECTION_URL", "JDBC"),
    ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA"),
    ("CONNECTION_URL", "MONGODB"),
)


def _connection_type(raw: Mapping[str, Any], properties: Mapping[str, str]) -> str | None:
    declared = raw.get("ConnectionType")
    if declared:
        return str(declared)
    return next((kind for key, kind in _TYPE_BY_PROPERTY if key in properties), None)


def build_connection(raw: Mapping[str, Any]) -> GlueConnection:
    physical = as_mapping(raw.get("PhysicalConnectionRequirements") or {}, "PhysicalConnectionRequirements")
    # Redacted here too: a hand-made snapshot must not carry a password into any output.
    properties = redact_properties(as_mapping(raw.get("ConnectionProperties") or {}, "ConnectionProperties"))
    # A secret named in AuthenticationConfiguration (connections v2) is read as SECRET_ID is:
    # the job's ENIs fetch it from Secrets Manager either way.
    auth = raw.get("AuthenticationConfiguration")
    secret = auth.get("SecretArn") if isinstance(auth, Mapping) else None
    if isinstance(secret, str) and secret and not properties.get("SECRET_ID"):
        properties = {**properties, "SECRET_ID": secret}
    return GlueConnection(
        name=as_str(raw, "Name"),
        type=_connection_type(raw, properties),
        subnet_id=physical.get("SubnetId") or None,
        security_group_ids=tuple(physical.get("SecurityGroupIdList") or ()),
        availability_zone=physical.get("AvailabilityZone") or None,
        properties=properties,
    )


def build_job(raw: Mapping[str, Any]) -> Consumer:
    return Consumer(
        kind="job",
        name=as_str(raw, "Name"),
        role=raw.get("Role"),
        security_configuration=raw.get("SecurityConfiguration") or None,
        connections=tuple((raw.get("Connections") or {}).get("Connections") or ()),
        workers=_job_workers(raw),
        arguments={str(k): str(v) for k, v in (raw.get("DefaultArguments") or {}).items()},
        script=(raw.get("Command") or {}).get("ScriptLocation") or None,
    )


def build_script_calls(scripts: Mapping[str, Any]) -> dict[str, ScriptCalls]:
    """The scripts whose calls the collector parsed ("Services" present), and those it could
    not read ("Error": their calls unknown, never none)."""
    found: dict[str, ScriptCalls] = {}
    for location, entry in scripts.items():
        if not isinstance(entry, Mapping):
            continue
        error = entry.get("Error")
        if isinstance(error, Mapping) and isinstance(error.get("Code"), str):
            found[str(location)] = ScriptCalls(error=str(error["Code"]))
        elif isinstance(entry.get("Services"), list):
            found[str(location)] = ScriptCalls(tuple(str(s) for s in entry["Services"]), bool(entry.get("GlobalSts")))
    return found


def _job_workers(raw: Mapping[str, Any]) -> int:
    if raw.get("NumberOfWorkers"):
        return as_int(raw["NumberOfWorkers"], "NumberOfWorkers")
    capacity = raw.get("MaxCapacity") or raw.get("AllocatedCapacity")
    if capacity:
        return max(1, math.ceil(float(capacity)))
    return DEFAULT_JOB_WORKERS


def build_crawler(raw: Mapping[str, Any]) -> Consumer:
    # Every target kind (JDBC, MongoDB, S3, Delta, Iceberg, Hudi…) may name a connection.
    names: list[str] = []
    for targets in as_mapping(raw.get("Targets") or {}, "Targets").values():
        for target in targets or ():
            if isinstance(target, Mapping) and target.get("ConnectionName"):
                names.append(str(target["ConnectionName"]))
    return Consumer(
        kind="crawler",
        name=as_str(raw, "Name"),
        role=raw.get("Role"),
        security_configuration=raw.get("CrawlerSecurityConfiguration") or None,
        connections=tuple(dict.fromkeys(names)),
    )


def build_security_configuration(raw: Mapping[str, Any]) -> SecurityConfiguration:
    enc = as_mapping(raw.get("EncryptionConfiguration") or {}, "EncryptionConfiguration")
    s3 = (enc.get("S3Encryption") or [{}])[0]
    cloudwatch = enc.get("CloudWatchEncryption") or {}
    bookmarks = enc.get("JobBookmarksEncryption") or {}
    return SecurityConfiguration(
        name=as_str(raw, "Name"),
        s3_mode=s3.get("S3EncryptionMode", "DISABLED"),
        s3_key=s3.get("KmsKeyArn"),
        cloudwatch_mode=cloudwatch.get("CloudWatchEncryptionMode", "DISABLED"),
        cloudwatch_key=cloudwatch.get("KmsKeyArn"),
        bookmarks_mode=bookmarks.get("JobBookmarksEncryptionMode", "DISABLED"),
        bookmarks_key=bookmarks.get("KmsKeyArn"),
    )


def build_catalog(raw: Mapping[str, Any]) -> CatalogEncryption:
    at_rest = raw.get("EncryptionAtRest") or {}
    passwords = raw.get("ConnectionPasswordEncryption") or {}
    return CatalogEncryption(
        at_rest_mode=at_rest.get("CatalogEncryptionMode", "DISABLED"),
        at_rest_key=at_rest.get("SseAwsKmsKeyId"),
        passwords_encrypted=bool(passwords.get("ReturnConnectionPasswordEncrypted")),
        password_key=passwords.get("AwsKmsKeyId"),
    )


def build_kms_key(raw: Mapping[str, Any], region: str) -> KmsKey:
    reference = as_str(raw, "KeyId")
    metadata = as_mapping(raw.get("KeyMetadata") or {}, "KeyMetadata")
    error = as_mapping(raw.get("Error") or {}, "Error")
    policy = raw.get("Policy")
    return KmsKey(
        reference=reference,
        region=key_region(metadata.get("Arn") or reference, region),
        state=metadata.get("KeyState"),
        policy=policy if isinstance(policy, str) else None,
        error=str(error["Code"]) if error.get("Code") else None,
        arn=metadata.get("Arn"),
    )


# --- field helpers: fail with the field's name, never with a bare KeyError -----------------


def build_role(raw: Mapping[str, Any]) -> Role:
    error = as_mapping(raw.get("Error") or {}, "Error")
    return Role(
        reference=as_str(raw, "Reference"),
        arn=raw.get("Arn"),
        policies=tuple(p if isinstance(p, str) else json.dumps(p) for p in raw.get("Policies") or ()),
        permissions_boundary=bool(raw.get("PermissionsBoundary")),
        boundary=_boundary_document(raw.get("PermissionsBoundary")),
        boundary_arn=_boundary_arn(raw.get("PermissionsBoundary")),
        error=str(error["Code"]) if error.get("Code") else None,
    )


def _boundary_document(raw: Any) -> str | None:
    """The boundary's document as the collector read it ({"PermissionsBoundaryArn", "Document"});
    None when there is none or it was not read (older snapshots and plans say only `true`)."""
    document = raw.get("Document") if isinstance(raw, Mapping) else None
    if document is None:
        return None
    return document if isinstance(document, str) else json.dumps(document)


def _boundary_arn(raw: Any) -> str | None:
    arn = raw.get("PermissionsBoundaryArn") if isinstance(raw, Mapping) else None
    return arn if isinstance(arn, str) else None
