"""What a Glue job asks of S3 through the endpoint, and what the endpoint's policy says to it."""

from __future__ import annotations

import json
from typing import Any

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.policy.endpoint import endpoint_decisions, glue_s3_uses

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"
STUDIO = "aws-glue-studio-transforms-510798373988-prod-us-east-1"
ASSETS = f"aws-glue-assets-{ACCOUNT}-us-east-1"
ARGUMENTS = {
    "--TempDir": f"s3://{ASSETS}/temporary",
    "--extra-py-files": f"s3://{STUDIO}/gs_common.py, s3://libs/helpers.zip,not-s3.py",
    "--extra-jars": "s3://libs/jars/",
    "--extra-files": "s3://libs/conf.json",
    "--additional-python-modules": "pyarrow==14.0.1,s3://wheels/mylib-1.0-py3-none-any.whl",
    "--enable-spark-ui": "true",
    "--spark-event-logs-path": f"s3://{ASSETS}/sparkHistoryLogs/",
    "--job-language": "python",
}
DB = GlueConnection(
    "db",
    "JDBC",
    "subnet-1",
    ("sg-1",),
    "us-east-1a",
    {
        "JDBC_CONNECTION_URL": "jdbc:postgresql://db.internal:5432/x",
        "JDBC_DRIVER_JAR_URI": "s3://drivers/postgresql-42.7.jar",
        "CUSTOM_JDBC_CERT": "s3://certs/rds-ca.pem",
    },
)
KAFKA = GlueConnection("stream", "KAFKA", "subnet-1", ("sg-1",), None, {"KAFKA_CLIENT_KEYSTORE": "s3://certs/ks.jks"})


def uses(**kw: Any) -> list[Any]:
    return glue_s3_uses(ARGUMENTS, [DB, KAFKA], script_location=f"s3://{ASSETS}/scripts/job.py", principal=ROLE, **kw)


def by_purpose(document: str, found: list[Any]) -> dict[str, Any]:
    """The first decision for each purpose (the order glue_s3_uses gives)."""
    decisions: dict[str, Any] = {}
    for use, decision in zip(found, endpoint_decisions(document, [u.request for u in found]), strict=True):
        decisions.setdefault(use.purpose, decision)
    return decisions


def test_every_request_of_a_job_with_its_reason() -> None:
    found = [(u.purpose, u.request.action, u.request.resource) for u in uses()]
    assert found == [
        ("script", "s3:GetObject", f"arn:aws:s3:::{ASSETS}/scripts/job.py"),
        ("--TempDir", "s3:GetObject", f"arn:aws:s3:::{ASSETS}/temporary/*"),
        ("--TempDir", "s3:PutObject", f"arn:aws:s3:::{ASSETS}/temporary/*"),
        ("--TempDir", "s3:DeleteObject", f"arn:aws:s3:::{ASSETS}/temporary/*"),
        ("--TempDir", "s3:ListBucket", f"arn:aws:s3:::{ASSETS}"),
        ("--spark-event-logs-path", "s3:PutObject", f"arn:aws:s3:::{ASSETS}/sparkHistoryLogs/*"),
        ("Glue Studio transforms", "s3:GetObject", f"arn:aws:s3:::{STUDIO}/gs_common.py"),
        ("--extra-py-files", "s3:GetObject", "arn:aws:s3:::libs/helpers.zip"),
        ("--extra-jars", "s3:GetObject", "arn:aws:s3:::libs/jars/*"),
        ("--extra-files", "s3:GetObject", "arn:aws:s3:::libs/conf.json"),
        ("--additional-python-modules", "s3:GetObject", "arn:aws:s3:::wheels/mylib-1.0-py3-none-any.whl"),
        ("connection db JDBC_DRIVER_JAR_URI", "s3:GetObject", "arn:aws:s3:::drivers/postgresql-42.7.jar"),
        ("connection db CUSTOM_JDBC_CERT", "s3:GetObject", "arn:aws:s3:::certs/rds-ca.pem"),
        ("connection stream KAFKA_CLIENT_KEYSTORE", "s3:GetObject", "arn:aws:s3:::certs/ks.jks"),
    ]
    listing = next(u.request for u in uses() if u.request.action == "s3:ListBucket")
    assert listing.value("s3:prefix") == ("temporary/",)


def test_spark_ui_off_writes_no_event_logs() -> None:
    quiet = {**ARGUMENTS, "--enable-spark-ui": "false"}
    assert not any(u.purpose == "--spark-event-logs-path" for u in glue_s3_uses(quiet))


def test_no_policy_is_full_access() -> None:
    decisions = endpoint_decisions(None, [u.request for u in uses()])
    assert {d.outcome for d in decisions} == {"allowed"}
    assert {d.outcome for d in endpoint_decisions("", [u.request for u in uses()])} == {"allowed"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ASSETS_ONLY = policy(
    {
        "Sid": "GlueAssets",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{ASSETS}", f"arn:aws:s3:::{ASSETS}/*"],
    }
)


def test_a_policy_for_the_assets_bucket_only_denies_the_rest_in_aws_words() -> None:
    found = by_purpose(ASSETS_ONLY, uses())
    assert found["script"].outcome == found["--TempDir"].outcome == "allowed"
    assert found["script"].statement == "GlueAssets"
    denied = found["connection db JDBC_DRIVER_JAR_URI"]
    assert denied.outcome == "denied" and denied.statement is None
    assert denied.reason == (
        f"User: {ROLE} is not authorized to perform: s3:GetObject on resource: "
        "arn:aws:s3:::drivers/postgresql-42.7.jar because no VPC endpoint policy allows the s3:GetObject action"
    )
    assert found["Glue Studio transforms"].outcome == "denied"


def test_temp_dir_write_missing_is_found_and_its_healthy_twin_passes() -> None:
    read_only = policy(
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
    )
    temp = [u.request for u in uses() if u.purpose == "--TempDir"]
    assert [d.outcome for d in endpoint_decisions(read_only, temp)] == ["allowed", "denied", "denied", "allowed"]
    assert {
        d.outcome
        for d in endpoint_decisions(
            policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}), temp
        )
    } == {"allowed"}


def test_prefix_scoped_policy_must_cover_every_key_under_temp_dir() -> None:
    scoped = policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{ASSETS}/temporary/*"},
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{ASSETS}",
            "Condition": {"StringLike": {"s3:prefix": "temporary/*"}},
        },
    )
    only_parquet = scoped.replace('temporary/*"}', 'temporary/*.parquet"}', 1)
    temp = [u.request for u in uses() if u.purpose == "--TempDir"]
    assert {d.outcome for d in endpoint_decisions(scoped, temp)} == {"allowed"}
    assert [d.outcome for d in endpoint_decisions(only_parquet, temp)] == ["denied", "denied", "denied", "allowed"]


RESOURCE_ACCOUNT_DENY = {
    "Sid": "OwnBucketsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:ResourceAccount": [ACCOUNT, "510798373988"]}},
}
ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def test_resource_account_policy_needs_the_bucket_owners() -> None:
    document = policy(ALLOW_ALL, RESOURCE_ACCOUNT_DENY)
    unknown = {purpose: d.outcome for purpose, d in by_purpose(document, uses()).items()}
    # The Studio bucket's owner is in its name; the others' is not known: undecided, never a pass.
    assert unknown["Glue Studio transforms"] == "allowed"
    assert unknown["script"] == "undecided"

    owners = {ASSETS: ACCOUNT, "libs": ACCOUNT, "wheels": ACCOUNT, "drivers": "999988887777", "certs": ACCOUNT}
    outcomes = by_purpose(document, uses(bucket_accounts=owners))
    assert outcomes["script"].outcome == "allowed"
    driver = outcomes["connection db JDBC_DRIVER_JAR_URI"]
    assert (driver.outcome, driver.explicit, driver.statement) == ("denied", True, "OwnBucketsOnly")
    assert driver.reason.endswith("with an explicit deny in a VPC endpoint policy")


def test_principal_and_endpoint_conditions() -> None:
    document = policy(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {
                "ArnEquals": {"aws:PrincipalArn": ROLE},
                "StringEquals": {"aws:SourceVpce": "vpce-0a1b"},
            },
        }
    )
    script = f"s3://{ASSETS}/scripts/job.py"

    def outcome(**kw: Any) -> str:
        use = glue_s3_uses({}, script_location=script, **kw)[0]
        return endpoint_decisions(document, [use.request])[0].outcome

    assert outcome(principal=ROLE, endpoint_id="vpce-0a1b") == "allowed"
    assert outcome(principal=f"arn:aws:iam::{ACCOUNT}:role/other", endpoint_id="vpce-0a1b") == "denied"
    assert outcome(principal=ROLE, endpoint_id="vpce-other") == "denied"
    assert outcome(principal=ROLE) == "undecided"  # which endpoint is not known
    assert outcome(endpoint_id="vpce-0a1b") == "undecided"  # who is not known


def test_unreadable_policy_decides_nothing() -> None:
    decisions = endpoint_decisions("{not json", [u.request for u in uses()])
    assert {d.outcome for d in decisions} == {"undecided"}
    assert decisions[0].reason == "the VPC endpoint policy cannot be read: the policy is not valid JSON"
