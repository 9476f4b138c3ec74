"""What a region's raw Glue answers say must be read next: the KMS keys of the catalog and of
security configurations, the buckets a job reads at start. Pure, shared by the live collector
and the Describe-dump importer (which must not load boto3)."""

from __future__ import annotations

from typing import Any


def catalog_keys(settings: dict[str, Any] | None) -> list[str]:
    settings = settings or {}  # None: the settings could not be read
    at_rest = settings.get("EncryptionAtRest") or {}
    passwords = settings.get("ConnectionPasswordEncryption") or {}
    keys = []
    if str(at_rest.get("CatalogEncryptionMode", "")).startswith("SSE-KMS") and at_rest.get("SseAwsKmsKeyId"):
        keys.append(at_rest["SseAwsKmsKeyId"])
    if passwords.get("ReturnConnectionPasswordEncrypted") and passwords.get("AwsKmsKeyId"):
        keys.append(passwords["AwsKmsKeyId"])
    return keys


def configuration_keys(config: dict[str, Any]) -> list[str]:
    encryption = config.get("EncryptionConfiguration") or {}
    parts = [
        *(encryption.get("S3Encryption") or []),
        encryption.get("CloudWatchEncryption") or {},
        encryption.get("JobBookmarksEncryption") or {},
    ]
    return [p["KmsKeyArn"] for p in parts if p.get("KmsKeyArn")]


def job_buckets(raw: dict[str, Any]) -> list[str]:
    """The buckets a job reads at start: its script's and its temporary directory's."""
    locations = [
        (raw.get("Command") or {}).get("ScriptLocation", ""),
        (raw.get("DefaultArguments") or {}).get("--TempDir", ""),
    ]
    return [str(loc).removeprefix("s3://").split("/")[0] for loc in locations if str(loc).startswith("s3://")]
