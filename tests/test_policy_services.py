"""Requests through the KMS, Secrets Manager, Glue, Logs and STS endpoints, against their policies."""

from __future__ import annotations

import json
from typing import Any

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.policy.endpoint import endpoint_decisions
from glue_netcheck.policy.service_calls import glue_uses, kms_uses, logs_uses, secret_uses, sts_uses

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DB = GlueConnection("db", "JDBC", "subnet-1", ("sg-1",), None, {"SECRET_ID": "prod/db"})
ARN_SECRET = GlueConnection(
    "db2",
    "JDBC",
    "subnet-1",
    ("sg-1",),
    None,
    {"SECRET_ID": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:x-AbCdEf"},
)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def outcomes(document: str | None, uses: list[Any]) -> list[str]:
    return [d.outcome for d in endpoint_decisions(document, [u.request for u in uses])]


def test_kms_endpoint_policy_for_one_key() -> None:
    uses = kms_uses({KEY: ("kms:GenerateDataKey", "kms:Decrypt")}, principal=ROLE, endpoint_id="vpce-k")
    only_decrypt = policy({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": KEY})
    both = policy(
        {"Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": KEY}
    )
    assert [(u.purpose, u.request.action) for u in uses] == [
        (f"KMS key {KEY}", "kms:GenerateDataKey"),
        (f"KMS key {KEY}", "kms:Decrypt"),
    ]
    assert outcomes(only_decrypt, uses) == ["denied", "allowed"]
    assert outcomes(both, uses) == ["allowed", "allowed"]
    # An alias is not the key's ARN: a policy naming the ARN cannot be matched to it.
    assert outcomes(both, kms_uses({"alias/glue": ("kms:Decrypt",)}, principal=ROLE)) == ["undecided"]


def test_secret_by_name_and_by_arn() -> None:
    uses = secret_uses([DB, ARN_SECRET], REGION, principal=ROLE)
    assert [u.request.resource for u in uses] == [
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-??????",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:x-AbCdEf",
    ]
    prod_only = policy(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/*",
        }
    )
    assert outcomes(prod_only, uses) == ["allowed", "denied"]
    assert secret_uses([GlueConnection("n", "JDBC", None, (), None, {})], REGION, principal=ROLE) == []
    # Without the role's account, a secret named by name has no ARN to compare.
    assert outcomes(prod_only, secret_uses([DB], REGION)) == ["undecided"]


# Glue Developer Guide, "VPC endpoint policy that allows read-only Data Catalog access".
READ_ONLY_CATALOG = policy(
    {
        "Sid": "ReadOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": [
            "glue:GetDatabase",
            "glue:GetDatabases",
            "glue:GetTable",
            "glue:GetTables",
            "glue:GetTableVersion",
            "glue:GetTableVersions",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:BatchGetPartition",
            "glue:SearchTables",
        ],
        "Resource": "*",
    }
)


def test_glue_endpoint_read_only_catalog_refuses_get_connection() -> None:
    uses = glue_uses([DB], REGION, principal=ROLE)
    assert [u.request.resource for u in uses] == [
        f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog",
        f"arn:aws:glue:{REGION}:{ACCOUNT}:connection/db",
    ]
    decisions = endpoint_decisions(READ_ONLY_CATALOG, [u.request for u in uses])
    assert [d.outcome for d in decisions] == ["denied", "denied"]
    assert decisions[1].reason.endswith("because no VPC endpoint policy allows the glue:GetConnection action")
    assert outcomes(None, uses) == ["allowed", "allowed"]


def test_continuous_logging() -> None:
    assert logs_uses({}, REGION, principal=ROLE) == []
    uses = logs_uses({"--enable-continuous-cloudwatch-log": "true"}, REGION, principal=ROLE)
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws-glue/jobs/logs-v2:log-stream:*"
    assert [(u.request.action, u.request.resource) for u in uses] == [
        ("logs:CreateLogStream", stream),
        ("logs:PutLogEvents", stream),
    ]
    glue_groups = policy(
        {"Effect": "Allow", "Principal": "*", "Action": "logs:*", "Resource": "arn:aws:logs:*:*:log-group:/aws-glue/*"}
    )
    custom = logs_uses(
        {"--enable-continuous-cloudwatch-log": "true", "--continuous-log-logGroup": "/team/etl"}, REGION, principal=ROLE
    )
    assert outcomes(glue_groups, uses) == ["allowed", "allowed"]
    assert outcomes(glue_groups, custom) == ["denied", "denied"]


def test_sts_endpoint_policy_for_the_roles_the_job_arguments_name() -> None:
    target = "arn:aws:iam::444455556666:role/reporting-writer"
    uses = sts_uses(
        {
            "--target_role_arn": target,
            "--other": f"{target},arn:aws:iam::444455556666:role/audit",
            "--TempDir": "s3://t/",
        },
        principal=ROLE,
        endpoint_id="vpce-s",
        vpc_id="vpc-1",
    )
    assert [(u.purpose, u.request.action, u.request.resource) for u in uses] == [
        ("--target_role_arn, assumed by the script", "sts:AssumeRole", target),
        ("--other, assumed by the script", "sts:AssumeRole", "arn:aws:iam::444455556666:role/audit"),
    ]
    caller_only = policy({"Effect": "Allow", "Principal": "*", "Action": "sts:GetCallerIdentity", "Resource": "*"})
    one_role = policy({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole", "Resource": target})
    this_endpoint = policy(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sts:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-s"}},
        }
    )
    assert outcomes(caller_only, uses) == ["denied", "denied"]
    assert outcomes(one_role, uses) == ["allowed", "denied"]
    assert outcomes(this_endpoint, uses) == ["allowed", "allowed"]
    assert outcomes(None, uses) == ["allowed", "allowed"]


def test_a_job_naming_no_role_asks_nothing_of_sts() -> None:
    assert sts_uses({"--TempDir": "s3://t/", "--mode": "role/none"}, principal=ROLE) == []
