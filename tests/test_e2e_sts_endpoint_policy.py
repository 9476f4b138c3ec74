"""The STS interface endpoint's policy (issue 16 item 1), end to end through `glue-netcheck job`
against moto: a job whose argument names a role its script assumes calls sts:AssumeRole
through the endpoint, as its own role. A policy that does not allow it fails the job with
endpoint-policy-denied; its healthy twin allows that role; the printed fix, applied, passes."""

from __future__ import annotations

import json
import shlex
from typing import Any

from conftest import Aws
from scenarios import (
    CONNECTION,
    JOB_ROLE,
    REGION,
    Layout,
    glue_resources,
    glue_security_group,
    kms_endpoint,
    s3_gateway,
    vpc,
)

EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}
NAME = "cross-account-export"
TARGET = "arn:aws:iam::210987654321:role/reporting-writer"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


CALLER_ONLY = policy(
    {"Sid": "Whoami", "Effect": "Allow", "Principal": "*", "Action": "sts:GetCallerIdentity", "Resource": "*"}
)
ASSUME_TARGET = policy(
    {
        "Sid": "Reporting",
        "Effect": "Allow",
        "Principal": {"AWS": JOB_ROLE},
        "Action": "sts:AssumeRole",
        "Resource": TARGET,
    }
)


def build(aws: Aws, document: str | None, arguments: dict[str, str] | None = None) -> Layout:
    """healthy-kms-endpoint (S3 gateway, KMS endpoint, no NAT) plus an STS interface endpoint
    in the Glue subnet (the connection's self-referencing group, private DNS) created with
    `document`, and a job whose `--target_role_arn` its script assumes."""
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    extra = {"PolicyDocument": document} if document is not None else {}
    layout.extra["sts"] = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.sts",
        VpcEndpointType="Interface",
        SubnetIds=[layout.subnet],
        SecurityGroupIds=[layout.glue_sg],
        PrivateDnsEnabled=True,
        **extra,
    )["VpcEndpoint"]["VpcEndpointId"]
    glue_resources(c, layout)
    c.glue.create_job(
        Name=NAME,
        Role=JOB_ROLE,
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/export.py"},
        Connections={"Connections": [CONNECTION]},
        DefaultArguments={"--target_role_arn": TARGET} if arguments is None else arguments,
        GlueVersion="4.0",
    )
    return layout


def run(aws: Aws) -> dict[str, Any]:
    result = aws.cli("job", NAME, "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    assert result.code == EXIT[report["verdict"]]
    return report


def own(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == "endpoint-policy"]


def sts_path(report: dict[str, Any]) -> dict[str, Any]:
    (connection,) = report["connections"]
    (path,) = [p for p in connection["paths"] if p["service"] == "sts"]
    return dict(path)


def test_an_sts_endpoint_policy_without_assume_role_fails_the_job(aws: Aws) -> None:
    layout = build(aws, CALLER_ONLY)
    report = run(aws)

    assert (sts_path(report)["reachable"], sts_path(report)["via"]) == (True, "interface-endpoint")
    (finding,) = own(report)
    assert (finding["severity"], finding["resource"], finding["predicts"]) == (
        "error",
        layout.extra["sts"],
        ["endpoint-policy-denied"],
    )
    assert (
        f"denies sts:AssumeRole on {TARGET} (--target_role_arn, assumed by the script): User: {JOB_ROLE} is not "
        f"authorized to perform: sts:AssumeRole on resource: {TARGET} because no VPC endpoint policy allows the "
        "sts:AssumeRole action"
    ) in finding["message"]
    assert "endpoint-policy-denied" in report["predicted_failures"]
    assert report["verdict"] == "fail"


def test_the_printed_sts_policy_applied_makes_the_job_pass(aws: Aws) -> None:
    layout = build(aws, CALLER_ONLY)
    (finding,) = own(run(aws))
    words = shlex.split(finding["remediation"])
    assert words[:5] == ["aws", "ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", layout.extra["sts"]]
    document = json.loads(words[6])
    assert document["Statement"][0] == json.loads(CALLER_ONLY)["Statement"][0]  # the old statement kept
    assert document["Statement"][1]["Action"] == ["sts:AssumeRole"]
    assert document["Statement"][1]["Resource"] == [TARGET]

    aws.clients.ec2.modify_vpc_endpoint(VpcEndpointId=layout.extra["sts"], PolicyDocument=words[6])
    report = run(aws)
    assert own(report) == []
    assert "endpoint-policy-denied" not in report["predicted_failures"]


def test_healthy_twin_an_sts_policy_allowing_the_role_passes(aws: Aws) -> None:
    build(aws, ASSUME_TARGET)
    report = run(aws)

    assert own(report) == []
    assert "endpoint-policy-denied" not in report["predicted_failures"]


def test_an_sts_policy_allowing_only_another_role_fails(aws: Aws) -> None:
    other = ASSUME_TARGET.replace("reporting-writer", "audit-reader")
    layout = build(aws, other)

    (finding,) = own(run(aws))
    assert (finding["resource"], finding["predicts"]) == (layout.extra["sts"], ["endpoint-policy-denied"])
    assert f"denies sts:AssumeRole on {TARGET}" in finding["message"]


def test_a_job_assuming_no_role_asks_nothing_of_the_sts_endpoint(aws: Aws) -> None:
    build(aws, CALLER_ONLY, arguments={})
    report = run(aws)

    assert own(report) == []
