"""Translators of what Glue's consumers use beside the network: KMS keys and their policies,
IAM roles, S3 buckets — in the shapes DescribeKey/GetKeyPolicy, GetRole and GetBucketLocation
answer."""

from __future__ import annotations

import json
from typing import Any

from glue_netcheck.collect.terraform.shapes import Raw, Translator, Values


def _default_policy(account: str) -> str:
    # The key policy AWS gives a key created without one: the account administers it.
    statement = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def kms_key(raw: Raw, v: Values) -> None:
    arn = v.required("arn")
    enabled = v("is_enabled") is not False
    raw.kms[arn] = {
        "KeyId": arn,
        "KeyMetadata": {
            "Arn": arn,
            "KeyId": v.id,
            "Enabled": enabled,
            "KeyState": "Enabled" if enabled else "Disabled",
            "KeyManager": "CUSTOMER",
            "Description": v("description") or "",
        },
        "Policy": v("policy") or _default_policy(v.plan.account or arn.split(":")[4]),
    }


def kms_key_policy(raw: Raw, v: Values) -> None:
    key = v("key_id")
    for entry in raw.kms.values():
        if key in (entry["KeyId"], entry["KeyMetadata"]["KeyId"]) and isinstance(v("policy"), str):
            entry["Policy"] = v("policy")


def iam_role(raw: Raw, v: Values) -> None:
    arn = v.required("arn")
    raw.roles[arn] = {
        "Reference": arn,
        "RoleName": v("name") or v.res.name,
        "Arn": arn,
        "Policies": [],
        "PermissionsBoundary": bool(v("permissions_boundary")),
    }


def iam_role_policy(raw: Raw, v: Values) -> None:
    role = v("role")
    for entry in raw.roles.values():
        if role in (entry["RoleName"], entry["Arn"]) and isinstance(v("policy"), str):
            entry["Policies"].append(v("policy"))


def s3_bucket(raw: Raw, v: Values) -> None:
    if isinstance(name := v("bucket"), str):
        raw.buckets[name] = raw.region


STANDALONE: dict[str, Translator] = {"aws_kms_key": kms_key, "aws_iam_role": iam_role, "aws_s3_bucket": s3_bucket}
ATTACHED: dict[str, Translator] = {"aws_kms_key_policy": kms_key_policy, "aws_iam_role_policy": iam_role_policy}


def merged(section: Any, planned: dict[str, dict[str, Any]], key: str) -> list[Any]:
    """A base list (Keys, Roles) with the planned entries replacing or joining it by `key`."""
    kept = [i for i in section or [] if not (isinstance(i, dict) and i.get(key) in planned)]
    return [*kept, *planned.values()]
