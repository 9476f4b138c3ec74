"""What a job's or crawler's own checks need: KMS keys, roles, scripts and bucket regions,
read with the live collector's read-only reader."""

from __future__ import annotations

from functools import partial
from typing import Any

from glue_netcheck.checks.script_calls import pins_global_sts, script_services
from glue_netcheck.collect.aws import AccessDenied, AwsReader
from glue_netcheck.collect.glue_keys import catalog_keys, configuration_keys, job_buckets
from glue_netcheck.errors import AnalysisError

# Scripts are small; a larger object is read only this far (the calls are near the top).
SCRIPT_BYTES = 2_000_000


def collect_encryption(
    reader: AwsReader, glue: dict[str, Any], configs: list[dict[str, Any]], consumers: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """What decides whether encryption works: the KMS keys the configurations and the catalog
    name, the consumers' roles (one read per distinct role, with a permissions boundary's
    document), and what the scripts of jobs with a connection (or encrypted bookmarks) call."""
    keys = set(catalog_keys(glue["DataCatalogEncryptionSettings"]))
    for config in configs:
        keys |= set(configuration_keys(config))
    key_ids, locations = sorted(keys), _script_locations(configs, consumers)
    roles = sorted({raw["Role"] for _, raw in consumers if raw.get("Role")})
    buckets = sorted({b for kind, raw in consumers if kind == "job" for b in job_buckets(raw)})
    # One wave for every read: a region's scan names many keys, roles, buckets and scripts.
    answers = reader.together(
        *(partial(read_key, reader, k) for k in key_ids),
        *(partial(read_role, reader, role) for role in roles),
        *(partial(read_script, reader, location) for location in locations),
        *(partial(bucket_region, reader, b) for b in buckets),
    )
    found_keys, answers = answers[: len(key_ids)], answers[len(key_ids) :]
    found_roles, answers = answers[: len(roles)], answers[len(roles) :]
    scripts, regions = answers[: len(locations)], answers[len(locations) :]
    return {
        "kms": {"Keys": found_keys},
        "iam": {"Roles": found_roles},
        "s3": {
            "Scripts": dict(zip(locations, scripts, strict=True)),
            "Buckets": dict(zip(buckets, regions, strict=True)),
        },
    }


def _script_locations(configs: list[dict[str, Any]], consumers: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The scripts to read, each once: those of jobs with a connection (their calls leave the
    connection's subnet) and of jobs with encrypted bookmarks enabled (job.init())."""
    bookmarked = {
        c.get("Name")
        for c in configs
        if ((c.get("EncryptionConfiguration") or {}).get("JobBookmarksEncryption") or {}).get(
            "JobBookmarksEncryptionMode"
        )
        == "CSE-KMS"
    }
    found = {
        (raw.get("Command") or {}).get("ScriptLocation") or ""
        for kind, raw in consumers
        if kind == "job"
        and (
            (raw.get("Connections") or {}).get("Connections")
            or (
                raw.get("SecurityConfiguration") in bookmarked
                and (raw.get("DefaultArguments") or {}).get("--job-bookmark-option") == "job-bookmark-enable"
            )
        )
    }
    return sorted(location for location in found if location.startswith("s3://"))


def bucket_region(reader: AwsReader, bucket: str) -> str | None:
    """The bucket's region (GetBucketLocation), None when it cannot be read."""
    try:
        location = reader.one("s3", "get_bucket_location", Bucket=bucket).get("LocationConstraint")
    except AnalysisError:
        return None
    # AWS answers null for us-east-1 and the legacy "EU" for eu-west-1.
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def read_role(reader: AwsReader, role: str) -> dict[str, Any]:
    """The role's inline and attached policy documents (read-only IAM calls), or the error."""
    name = role.rsplit("/", 1)[-1]
    entry: dict[str, Any] = {"RoleName": name, "Reference": role}
    try:
        described = reader.one("iam", "get_role", RoleName=name)["Role"]
        entry["Arn"] = described.get("Arn")
        boundary = described.get("PermissionsBoundary") or {}
        if boundary.get("PermissionsBoundaryArn"):
            entry["PermissionsBoundary"] = read_boundary(reader, boundary["PermissionsBoundaryArn"])
        documents = [
            reader.one("iam", "get_role_policy", RoleName=name, PolicyName=policy)["PolicyDocument"]
            for policy in reader.call("iam", "list_role_policies", "PolicyNames", RoleName=name)
        ]
        for attached in reader.call("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name):
            documents.append(managed_document(reader, attached["PolicyArn"]))
        entry["Policies"] = documents
    except AnalysisError as exc:
        missing = "NoSuchEntity" in str(exc)
        entry["Error"] = {
            "Code": "AccessDenied" if isinstance(exc, AccessDenied) else "NoSuchEntity" if missing else "Unreadable",
            "Message": str(exc),
        }
    return entry


def managed_document(reader: AwsReader, arn: str) -> Any:
    """A managed policy's default version's document (GetPolicy, GetPolicyVersion)."""
    version = reader.one("iam", "get_policy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return reader.one("iam", "get_policy_version", PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def read_boundary(reader: AwsReader, arn: str) -> dict[str, Any]:
    """The role's permissions boundary: its ARN and document, or why the document is unknown
    (then the role's EC2 rights are undecided, never assumed)."""
    entry: dict[str, Any] = {"PermissionsBoundaryArn": arn}
    try:
        entry["Document"] = managed_document(reader, arn)
    except AnalysisError as exc:
        entry["Error"] = {"Code": "AccessDenied" if isinstance(exc, AccessDenied) else "Unreadable"}
    return entry


def read_script(reader: AwsReader, location: str) -> dict[str, Any]:
    """What a job script calls (job.init(), the AWS services it makes clients for, the global
    STS endpoint), parsed at once: the script's text is never stored. A script that cannot be
    read is recorded with the error (AccessDenied: unknown, reported as such), never raised."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    try:
        body = reader.one("s3", "get_object", Bucket=bucket, Key=key)["Body"].read(SCRIPT_BYTES)
    except AnalysisError as exc:
        return {"Error": {"Code": "AccessDenied" if isinstance(exc, AccessDenied) else "Unreadable"}}
    text = body.decode("utf-8", errors="replace")
    return {
        "CallsJobInit": ".init(" in text and "Job(" in text,
        "Services": script_services(text),
        "GlobalSts": pins_global_sts(text),
    }


def read_key(reader: AwsReader, reference: str) -> dict[str, Any]:
    """DescribeKey and GetKeyPolicy in the key's own region. A key that cannot be read is
    recorded with the error code, never raised: the analysis reports it."""
    from glue_netcheck.model.glue import key_region

    region = key_region(reference, reader.region)
    entry: dict[str, Any] = {"KeyId": reference}
    try:
        entry["KeyMetadata"] = reader.one("kms", "describe_key", region=region, KeyId=reference)["KeyMetadata"]
        entry["Policy"] = reader.one(
            "kms", "get_key_policy", region=region, KeyId=entry["KeyMetadata"]["Arn"], PolicyName="default"
        )["Policy"]
    except AnalysisError as exc:
        entry["Error"] = {
            "Code": "NotFoundException" if "NotFoundException" in str(exc) else "Unreadable",
            "Message": str(exc),
        }
    return entry
