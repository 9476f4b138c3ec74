"""What a job's script calls, read live (issue 16): the collector reads the script of every job
with a connection from S3 (moto), keeps only what it calls, and `job`, `scan` and the snapshot
see it. Each cause with its healthy twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Aws
from scenarios import CONNECTION, JOB, JOB_ROLE, REGION, SCENARIOS, Layout

EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}
LOCATION = "s3://etl-scripts/nightly.py"

DYNAMODB_SCRIPT = """
import sys
import boto3
from awsglue.context import GlueContext
from awsglue.job import Job

table = boto3.resource("dynamodb", region_name="us-east-1").Table("orders")
table.put_item(Item={"id": "1"})
"""
GLOBAL_STS_SCRIPT = """
import boto3
sts = boto3.client("sts", endpoint_url="https://sts.amazonaws.com")
print(sts.get_caller_identity()["Account"])
"""
REGIONAL_STS_SCRIPT = f"""
import boto3
sts = boto3.client("sts", region_name="{REGION}", endpoint_url="https://sts.{REGION}.amazonaws.com")
print(sts.get_caller_identity()["Account"])
"""


def upload(aws: Aws, text: str) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="etl-scripts")
    s3.put_object(Bucket="etl-scripts", Key="nightly.py", Body=text.encode())


def run(aws: Aws, *args: str) -> dict[str, Any]:
    result = aws.cli(*args, "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    assert result.code == EXIT[report["verdict"]]
    return report


def own(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def dynamodb_gateway(aws: Aws, layout: Layout) -> str:
    endpoint = aws.clients.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.dynamodb",
        VpcEndpointType="Gateway",
        RouteTableIds=[layout.route_table],
    )["VpcEndpoint"]["VpcEndpointId"]
    return str(endpoint)


def test_a_script_calling_dynamodb_without_a_path_warns(aws: Aws) -> None:
    # healthy-kms-endpoint: S3 gateway and KMS endpoints, no NAT, no DynamoDB endpoint.
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)

    report = run(aws, "job", JOB)

    (finding,) = own(report, "script-services-reachable")
    assert (finding["severity"], finding["resource"], finding["predicts"]) == ("warning", layout.route_table, [])
    assert (
        f"job {JOB}'s script calls dynamodb: dynamodb.{REGION}.amazonaws.com:443 is unreachable" in (finding["message"])
    )
    assert 'Connect timeout on endpoint URL: "https://dynamodb.' in finding["message"]


def test_a_script_calling_dynamodb_through_its_gateway_endpoint_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    dynamodb_gateway(aws, layout)
    upload(aws, DYNAMODB_SCRIPT)

    report = run(aws, "job", JOB)

    assert own(report, "script-services-reachable") == []


def test_global_sts_pinned_script_without_a_nat_path_warns(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, GLOBAL_STS_SCRIPT)

    report = run(aws, "job", JOB)

    (finding,) = own(report, "sts-global-endpoint")
    assert (finding["severity"], finding["resource"], finding["predicts"]) == ("warning", layout.route_table, [])
    assert f"script {LOCATION} calls the global sts.amazonaws.com" in finding["message"]
    assert f'endpoint_url="https://sts.{REGION}.amazonaws.com"' in finding["remediation"]


def test_regional_sts_script_without_a_nat_path_gives_nothing(aws: Aws) -> None:
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, REGIONAL_STS_SCRIPT)

    report = run(aws, "job", JOB)

    assert own(report, "sts-global-endpoint") == []


def test_the_snapshot_keeps_what_the_script_calls_never_its_text(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)
    snapshot = tmp_path / "snapshot.json"

    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0

    text = snapshot.read_text()
    (region,) = json.loads(text)["regions"].values()
    assert region["s3"]["Scripts"] == {LOCATION: {"CallsJobInit": False, "Services": ["dynamodb"], "GlobalSts": False}}
    assert "put_item" not in text and "Table(" not in text
    offline = run(aws, "job", JOB, "--snapshot", str(snapshot))
    (finding,) = own(offline, "script-services-reachable")
    assert "calls dynamodb" in finding["message"]


def test_the_snapshot_reads_every_connected_jobs_script_once(aws: Aws, tmp_path: Path) -> None:
    # `scan` and `snapshot` read the same data (collect_region): each connected job's script,
    # a location two jobs share once, and no script of a job without a connection.
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)
    aws.client("s3").put_object(Bucket="etl-scripts", Key="local.py", Body=GLOBAL_STS_SCRIPT.encode())
    for name, location, connections in (
        ("twin", LOCATION, [CONNECTION]),
        ("no-vpc", "s3://etl-scripts/local.py", []),
    ):
        aws.clients.glue.create_job(
            Name=name,
            Role=JOB_ROLE,
            Command={"Name": "glueetl", "ScriptLocation": location},
            Connections={"Connections": connections},
        )
    snapshot = tmp_path / "snapshot.json"

    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0

    (region,) = json.loads(snapshot.read_text())["regions"].values()
    assert list(region["s3"]["Scripts"]) == [LOCATION]
    report = run(aws, "job", "twin", "--snapshot", str(snapshot))
    (finding,) = own(report, "script-services-reachable")
    assert "job twin's script calls dynamodb" in finding["message"]


def test_a_script_that_cannot_be_read_is_unknown_not_a_pass_of_its_calls(aws: Aws, tmp_path: Path) -> None:
    # No bucket: GetObject fails; nothing is said about calls the tool could not see.
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    snapshot = tmp_path / "snapshot.json"

    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0

    (region,) = json.loads(snapshot.read_text())["regions"].values()
    assert region["s3"]["Scripts"] == {LOCATION: {"Error": {"Code": "Unreadable"}}}
    report = run(aws, "job", JOB, "--snapshot", str(snapshot))
    assert own(report, "script-services-reachable") == [] and own(report, "sts-global-endpoint") == []


def test_a_script_the_reader_may_not_get_is_unknown_and_said_so(aws: Aws) -> None:
    # moto enforces a real IAM policy denying s3:GetObject to the identity running the tool.
    from moto.core.authorization import enable_iam_authentication

    from test_permissions import restricted

    from conftest import run_cli

    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)
    env = restricted(aws, "s3:GetObject")

    with enable_iam_authentication():
        result = run_cli("job", JOB, "--format", "json", env=env)

    findings = [f for f in result.json["findings"] if f["check"] == "script-services-reachable"]
    assert [(f["severity"], f["resource"]) for f in findings] == [("info", LOCATION)]
    assert "could not be read (AccessDenied)" in findings[0]["message"]
    assert "calls dynamodb" not in json.dumps(result.json)
