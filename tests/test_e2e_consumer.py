"""`glue-netcheck job` and `glue-netcheck crawler` end to end against a moto server: the
consumer's own findings (security configuration, KMS key state and policy, key region) and
its connections, through the installed CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import Aws
from scenarios import ACCOUNT, CONNECTION, CRAWLER, JOB, JOB_ROLE, REGION, SCENARIOS, key_policy

EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}


def key_id(arn: str) -> str:
    # moto's DisableKey / ScheduleKeyDeletion accept only the bare key id (AWS takes the ARN too).
    return arn.rsplit("/", 1)[-1]


def add_consumer(aws: Aws, kind: str, name: str, connections: list[str], security_configuration: str) -> None:
    """A second job or crawler (moto implements neither UpdateJob nor, reliably, UpdateCrawler)."""
    if kind == "job":
        aws.clients.glue.create_job(
            Name=name,
            Role=JOB_ROLE,
            Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/other.py"},
            Connections={"Connections": connections},
            SecurityConfiguration=security_configuration,
        )
    else:
        aws.clients.glue.create_crawler(
            Name=name,
            Role="glue-crawler",
            DatabaseName="orders",
            CrawlerSecurityConfiguration=security_configuration,
            Targets={"JdbcTargets": [{"ConnectionName": c, "Path": "orders/%"} for c in connections]},
        )


def own(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["check"], f["severity"], f["resource"]) for f in report["findings"]}


def run(aws: Aws, kind: str, name: str) -> dict[str, Any]:
    result = aws.cli(kind, name, "--format", "json")
    assert result.stderr == ""
    report = result.json
    assert result.code == EXIT[report["verdict"]]
    return report


def assert_healthy_but_for_the_external_target(report: dict[str, Any]) -> None:
    """Nothing fails; the only undecided path is the scenarios' JDBC host, a name of no resource
    of the account, from a subnet without a way out of the VPC (it may resolve inside it)."""
    assert (report["verdict"], report["predicted_failures"]) == ("unknown", [])
    for connection in report["connections"]:
        undecided = {p["service"] for p in connection["paths"] if p["reachable"] is None}
        assert undecided == {"target"}, connection["paths"]
        assert all(p["reachable"] for p in connection["paths"] if p["service"] != "target")


def test_healthy_job(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)

    report = run(aws, "job", JOB)

    assert report["schema_version"] == 1
    assert report["consumer"] == {"kind": "job", "name": JOB, "role": JOB_ROLE, "security_configuration": "sec-kms"}
    assert_healthy_but_for_the_external_target(report)
    assert [c["connection"]["name"] for c in report["connections"]] == [CONNECTION]
    assert report["connections"][0]["consumers"] == [{"kind": "job", "name": JOB, "security_configuration": "sec-kms"}]
    key = layout.extra["key"]
    assert own(report) == {("security-configuration", "info", "sec-kms"), ("kms-key-policy", "info", key)}


@pytest.mark.parametrize("kind,name", [("job", JOB), ("crawler", CRAWLER)])
def test_disabled_key(aws: Aws, kind: str, name: str) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.kms.disable_key(KeyId=key_id(layout.extra["key"]))

    report = run(aws, kind, name)

    assert (report["verdict"], report["predicted_failures"]) == ("fail", ["kms-access-denied"])
    assert ("kms-key-state", "error", layout.extra["key"]) in own(report)


def test_key_pending_deletion(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.kms.schedule_key_deletion(KeyId=key_id(layout.extra["key"]), PendingWindowInDays=7)

    report = run(aws, "job", JOB)

    finding = next(f for f in report["findings"] if f["check"] == "kms-key-state")
    assert "pending deletion" in finding["message"]
    assert finding["remediation"].startswith(f"aws kms cancel-key-deletion --key-id {layout.extra['key']}")
    assert report["predicted_failures"] == ["kms-access-denied"]


def test_policy_without_the_logs_principal(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    key = layout.extra["key"]
    aws.clients.kms.put_key_policy(KeyId=key, PolicyName="default", Policy=key_policy(logs=False))

    report = run(aws, "job", JOB)

    assert report["predicted_failures"] == ["kms-access-denied"]
    finding = next(f for f in report["findings"] if f["check"] == "kms-key-policy" and f["severity"] == "error")
    assert finding["resource"] == key
    assert f"logs.{REGION}.amazonaws.com" in finding["message"]
    assert f'"Service": "logs.{REGION}.amazonaws.com"' in finding["remediation"]


def test_policy_without_the_role(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    key = layout.extra["key"]
    other = f"arn:aws:iam::{ACCOUNT}:role/someone-else"
    aws.clients.kms.put_key_policy(KeyId=key, PolicyName="default", Policy=key_policy(root=False, roles=(other,)))

    report = run(aws, "job", JOB)

    assert report["predicted_failures"] == ["kms-access-denied"]
    finding = next(f for f in report["findings"] if f["check"] == "kms-key-policy" and f["severity"] == "error")
    assert JOB_ROLE in finding["message"] and JOB_ROLE in finding["remediation"]


def test_policy_naming_the_role_is_enough(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.kms.put_key_policy(
        KeyId=layout.extra["key"], PolicyName="default", Policy=key_policy(root=False, roles=(JOB_ROLE,))
    )

    report = run(aws, "job", JOB)

    assert_healthy_but_for_the_external_target(report)
    assert not any(f["check"] == "kms-key-policy" for f in report["findings"])


def test_explicit_deny_wins(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    key = layout.extra["key"]
    aws.clients.kms.put_key_policy(
        KeyId=key, PolicyName="default", Policy=key_policy(roles=(JOB_ROLE,), deny=(JOB_ROLE,))
    )

    report = run(aws, "job", JOB)

    finding = next(f for f in report["findings"] if f["check"] == "kms-key-policy" and f["severity"] == "error")
    assert "explicitly denies" in finding["message"]
    assert report["predicted_failures"] == ["kms-access-denied"]


@pytest.mark.parametrize("kind,code", [("job", "kms-timeout"), ("crawler", "crawler-internal-service-exception")])
def test_cross_region_key_with_only_a_kms_endpoint(aws: Aws, kind: str, code: str) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    west = aws.client("kms", "us-west-2")
    key = west.create_key(Policy=key_policy())["KeyMetadata"]["Arn"]
    aws.clients.glue.create_security_configuration(
        Name="sec-west", EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}]}
    )
    add_consumer(aws, kind, "west", [CONNECTION], "sec-west")

    report = run(aws, kind, "west")

    assert code in report["predicted_failures"]
    finding = next(f for f in report["findings"] if f["check"] == "kms-key-region")
    assert finding["resource"] == key and finding["predicts"] == [code]
    assert "kms.us-west-2.amazonaws.com" in finding["message"] and layout.route_table in finding["message"]


def test_cross_region_key_through_nat_is_fine(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    west = aws.client("kms", "us-west-2")
    key = west.create_key(Policy=key_policy())["KeyMetadata"]["Arn"]
    aws.clients.glue.create_security_configuration(
        Name="sec-west", EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}]}
    )
    add_consumer(aws, "crawler", "west", [CONNECTION], "sec-west")

    report = run(aws, "crawler", "west")

    assert report["predicted_failures"] == []
    assert not any(f["check"] == "kms-key-region" for f in report["findings"])


def test_kms_encrypted_catalog_with_a_job_without_security_configuration(aws: Aws) -> None:
    layout = SCENARIOS["catalog-encrypted"](aws.clients)

    report = run(aws, "job", JOB)

    assert report["consumer"]["security_configuration"] is None
    assert report["predicted_failures"] == ["kms-timeout"]  # the job's view: no crawler prediction
    kms = next(p for p in report["connections"][0]["paths"] if p["service"] == "kms")
    assert kms["blocked_at"]["id"] == layout.route_table
    # The catalog's key is checked like the others.
    assert any(f["check"] == "kms-key-policy" for f in report["findings"])


def test_job_whose_connections_disagree(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    other = aws.clients.ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.7.0/24", AvailabilityZone="us-east-1b")
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "second-db",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {},
            "PhysicalConnectionRequirements": {
                "SubnetId": other["Subnet"]["SubnetId"],
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1b",
            },
        }
    )
    add_consumer(aws, "job", "multi", [CONNECTION, "second-db", "deleted-db"], "sec-kms")

    report = run(aws, "job", "multi")

    assert [c["connection"]["name"] for c in report["connections"]] == [CONNECTION, "second-db"]
    assert ("consumer-connections", "warning", layout.subnet) in own(report)
    assert ("consumer-connections", "error", "deleted-db") in own(report)
    assert "invalid-network-configuration" in report["predicted_failures"]


def test_unknown_job_is_exit_2(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    result = aws.cli("job", "no-such-job")

    assert result.code == 2 and result.stdout == ""
    assert "no-such-job" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_job_from_a_snapshot_matches_live(aws: Aws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.kms.disable_key(KeyId=key_id(layout.extra["key"]))
    snap = tmp_path / "snap.json"
    assert aws.cli("snapshot", "--output", str(snap)).code == 0

    live = aws.cli("job", JOB, "--format", "json")
    offline = aws.cli("job", JOB, "--format", "json", "--snapshot", str(snap))

    assert live.json == offline.json and live.code == offline.code == 1


def _role(aws: Aws, actions: list[str]) -> None:
    iam = aws.client("iam")
    iam.create_role(RoleName="glue-etl", AssumeRolePolicyDocument="{}")
    # The EC2 calls Glue makes with the role for the job's ENIs (role-network-permissions).
    ec2 = [
        f"ec2:{a}"
        for a in ("Describe*", "CreateNetworkInterface", "DeleteNetworkInterface", "CreateTags", "DeleteTags")
    ]
    ec2_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ec2, "Resource": "*"}]}
    iam.put_role_policy(RoleName="glue-etl", PolicyName="glue-ec2", PolicyDocument=json.dumps(ec2_policy))
    if actions:
        iam.put_role_policy(
            RoleName="glue-etl",
            PolicyName="kms",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "arn:aws:kms:*"}],
                }
            ),
        )


def test_root_delegation_and_a_role_without_kms_permissions(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    _role(aws, ["s3:GetObject"])

    report = run(aws, "job", JOB)

    finding = next(f for f in report["findings"] if f["check"] == "kms-key-policy")
    assert (finding["severity"], finding["resource"]) == ("error", layout.extra["key"])
    assert "leaves it to IAM" in finding["message"] and finding["predicts"] == ["kms-access-denied"]
    assert finding["remediation"].startswith("aws iam put-role-policy --role-name glue-etl")


def test_root_delegation_and_a_role_allowed_by_its_policy(aws: Aws) -> None:
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    _role(aws, ["kms:Decrypt", "kms:GenerateDataKey*"])

    report = run(aws, "job", JOB)

    assert_healthy_but_for_the_external_target(report)
    assert not any(f["check"] == "kms-key-policy" for f in report["findings"])


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (b"glueContext = GlueContext(sc)\ndf = spark.read.parquet('s3://x/')\n", "warning"),
        (b"job = Job(glueContext)\njob.init(args['JOB_NAME'], args)\njob.commit()\n", None),
        (None, "info"),
    ],
)
def test_bookmark_encryption_needs_job_init(aws: Aws, script: bytes | None, expected: str | None) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.glue.create_security_configuration(
        Name="sec-bookmarks",
        EncryptionConfiguration={
            "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": layout.extra["key"]}
        },
    )
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="etl-scripts")
    if script is not None:
        s3.put_object(Bucket="etl-scripts", Key="bookmarked.py", Body=script)
    aws.clients.glue.create_job(
        Name="bookmarked",
        Role=JOB_ROLE,
        Connections={"Connections": [CONNECTION]},
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/bookmarked.py"},
        SecurityConfiguration="sec-bookmarks",
        DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"},
    )

    report = run(aws, "job", "bookmarked")

    found = [f for f in report["findings"] if f["check"] == "bookmark-encryption-job-init"]
    if expected is None:
        assert found == []
    else:
        assert [(f["severity"], f["resource"]) for f in found] == [(expected, "s3://etl-scripts/bookmarked.py")]


@pytest.mark.parametrize(("scenario", "fails"), [("healthy-kms-endpoint", True), ("healthy-nat", False)])
def test_script_bucket_in_another_region(aws: Aws, scenario: str, fails: bool) -> None:
    layout = SCENARIOS[scenario](aws.clients)
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="eu-scripts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws.clients.glue.create_job(
        Name="eu-script",
        Role=JOB_ROLE,
        Connections={"Connections": [CONNECTION]},
        Command={"Name": "glueetl", "ScriptLocation": "s3://eu-scripts/job.py"},
        SecurityConfiguration="sec-kms",
        DefaultArguments={"--TempDir": "s3://eu-scripts/tmp/"},
    )

    report = run(aws, "job", "eu-script")

    found = [f for f in report["findings"] if f["check"] == "s3-bucket-region"]
    if fails:
        assert [(f["severity"], f["resource"]) for f in found] == [("error", "eu-scripts")]
        assert layout.route_table in found[0]["message"] and "s3.eu-west-1.amazonaws.com" in found[0]["message"]
        assert found[0]["predicts"] == ["s3-timeout"]  # the own region's S3 route passes validation
        assert "s3-timeout" in report["predicted_failures"]
    else:
        assert found == [] and report["predicted_failures"] == []
