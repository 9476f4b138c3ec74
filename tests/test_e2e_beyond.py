"""Beyond routes and groups (issue 16), end to end through `glue-netcheck job` against moto:
start-up downloads (PyPI modules, connector images) and the script's global STS calls, each
cause with its healthy twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Aws
from scenarios import CONNECTION, JOB, JOB_ROLE, REGION, SCENARIOS, Layout

EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}
IMAGE = "709825985650.dkr.ecr.us-east-1.amazonaws.com/amazon-web-services/glue-connector-snowflake:1.0"


def run(aws: Aws, name: str) -> dict[str, Any]:
    result = aws.cli("job", name, "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    assert result.code == EXIT[report["verdict"]]
    return report


def job(aws: Aws, name: str, connections: list[str], arguments: dict[str, str]) -> None:
    aws.clients.glue.create_job(
        Name=name,
        Role=JOB_ROLE,
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/nightly.py"},
        Connections={"Connections": connections},
        DefaultArguments=arguments,
        GlueVersion="4.0",
    )


def own(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def modules_job(aws: Aws, scenario: str, **options: str) -> tuple[Layout, dict[str, Any]]:
    layout = SCENARIOS[scenario](aws.clients)
    job(aws, "with-modules", [CONNECTION], {"--additional-python-modules": "pyarrow==14.0.1", **options})
    return layout, run(aws, "with-modules")


def test_python_modules_without_a_nat_path_fail_the_job(aws: Aws) -> None:
    # healthy-kms-endpoint: S3 gateway and KMS endpoints, no NAT: AWS is reachable, PyPI is not.
    layout, report = modules_job(aws, "healthy-kms-endpoint")

    (finding,) = own(report, "python-modules-reachable")
    assert (finding["severity"], finding["resource"]) == ("error", layout.route_table)
    assert finding["predicts"] == ["python-modules-unreachable"]
    assert "pypi.org:443 is blocked at " + layout.route_table in finding["message"]
    assert report["predicted_failures"] == ["python-modules-unreachable"]
    assert report["verdict"] == "fail"


def test_python_modules_through_a_nat_gateway_pass(aws: Aws) -> None:
    _, report = modules_job(aws, "healthy-nat")

    assert own(report, "python-modules-reachable") == []
    assert "python-modules-unreachable" not in report["predicted_failures"]
    assert report["verdict"] in ("pass", "warn")


def test_python_modules_from_another_index_are_not_blamed_on_pypi(aws: Aws) -> None:
    _, report = modules_job(
        aws, "healthy-kms-endpoint", **{"--python-modules-installer-option": "--index-url https://pypi.internal/simple"}
    )

    (finding,) = own(report, "python-modules-reachable")
    assert finding["severity"] == "info" and finding["predicts"] == []
    assert "python-modules-unreachable" not in report["predicted_failures"]


def connector_job(aws: Aws, scenario: str) -> tuple[Layout, dict[str, Any]]:
    layout = SCENARIOS[scenario](aws.clients)
    # moto drops ConnectionType (MARKETPLACE) from its answers; the connector's image URL,
    # which AWS also returns, is what identifies an ECR-hosted connector here.
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "snowflake",
            "ConnectionType": "MARKETPLACE",
            "ConnectionProperties": {"CONNECTOR_URL": IMAGE, "CONNECTOR_TYPE": "Spark"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    job(aws, "with-connector", ["snowflake"], {})
    return layout, run(aws, "with-connector")


def test_connector_image_without_a_nat_path_fails_the_job(aws: Aws) -> None:
    layout, report = connector_job(aws, "healthy-kms-endpoint")

    (finding,) = own(report, "connector-image-reachable")
    assert (finding["severity"], finding["resource"]) == ("error", layout.route_table)
    assert finding["predicts"] == ["connector-download-failed"]
    assert IMAGE in finding["message"] and "failed to download connector" in finding["message"]
    assert "connector-download-failed" in report["predicted_failures"]


def test_connector_image_through_a_nat_gateway_passes(aws: Aws) -> None:
    _, report = connector_job(aws, "healthy-nat")

    assert own(report, "connector-image-reachable") == []
    assert "connector-download-failed" not in report["predicted_failures"]


def script_job(
    aws: Aws, scenario: str, tmp_path: Path, global_sts: bool, services: tuple[str, ...] = ("s3", "sts")
) -> tuple[Layout, dict[str, Any]]:
    """The job's snapshot, collected from moto through the CLI, with the script's entry set to
    what the collector keeps ("Services"/"GlobalSts"): the parse itself is tested from real
    uploaded scripts in test_e2e_script_calls.py."""
    layout = SCENARIOS[scenario](aws.clients)
    snapshot = tmp_path / "snapshot.json"
    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0
    document = json.loads(snapshot.read_text())
    (region,) = document["regions"].values()
    region.setdefault("s3", {}).setdefault("Scripts", {})["s3://etl-scripts/nightly.py"] = {
        "CallsJobInit": True,
        "Services": list(services),
        "GlobalSts": global_sts,
    }
    snapshot.write_text(json.dumps(document))
    result = aws.cli("job", JOB, "--snapshot", str(snapshot), "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    assert result.code == EXIT[report["verdict"]]
    return layout, report


def test_global_sts_without_a_nat_path_warns(aws: Aws, tmp_path: Path) -> None:
    layout, report = script_job(aws, "healthy-kms-endpoint", tmp_path, global_sts=True)

    (finding,) = own(report, "sts-global-endpoint")
    assert (finding["severity"], finding["resource"], finding["predicts"]) == ("warning", layout.route_table, [])
    assert "sts.amazonaws.com" in finding["message"] and f"sts.{REGION}.amazonaws.com" in finding["remediation"]
    assert report["verdict"] != "pass"  # a warning at least (the target's own path may be undecided)


def test_global_sts_through_a_nat_gateway_passes(aws: Aws, tmp_path: Path) -> None:
    _, report = script_job(aws, "healthy-nat", tmp_path, global_sts=True)

    assert own(report, "sts-global-endpoint") == []


def test_regional_sts_without_a_nat_path_passes(aws: Aws, tmp_path: Path) -> None:
    _, report = script_job(aws, "healthy-kms-endpoint", tmp_path, global_sts=False)

    assert own(report, "sts-global-endpoint") == []


GLUE_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeRouteTables",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcAttribute",
            ],
            "Resource": ["*"],
        },
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}},
            "Resource": ["arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:security-group/*"],
        },
    ],
}


def role_job(aws: Aws, policy: dict[str, Any]) -> dict[str, Any]:
    """The job's role, with one inline and one attached policy (the collector reads both)."""
    SCENARIOS["healthy-nat"](aws.clients)
    iam = aws.client("iam")
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    iam.create_role(RoleName="glue-etl", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="glue-etl", PolicyName="s3", PolicyDocument=json.dumps(S3_ONLY))
    arn = iam.create_policy(PolicyName="glue-ec2", PolicyDocument=json.dumps(policy))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="glue-etl", PolicyArn=arn)
    return run(aws, JOB)


S3_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def test_role_without_describe_vpc_endpoints_fails_the_job(aws: Aws) -> None:
    policy = json.loads(json.dumps(GLUE_EC2))
    policy["Statement"][0]["Action"].remove("ec2:DescribeVpcEndpoints")

    report = role_job(aws, policy)

    (finding,) = own(report, "role-network-permissions")
    assert (finding["severity"], finding["resource"]) == ("error", JOB_ROLE)
    assert finding["predicts"] == ["role-missing-network-permissions"]
    assert f"lacks ec2:DescribeVpcEndpoints: User: {JOB_ROLE} is not authorized" in finding["message"]
    assert "DescribeVpcEndpoints action is unauthorized. Unable to validate VPC ID vpc-" in finding["message"]
    assert "role-missing-network-permissions" in report["predicted_failures"]


def test_role_with_the_glue_ec2_permissions_passes(aws: Aws) -> None:
    report = role_job(aws, GLUE_EC2)

    assert own(report, "role-network-permissions") == []
    assert "role-missing-network-permissions" not in report["predicted_failures"]


def test_a_script_calling_sqs_without_a_path_warns(aws: Aws, tmp_path: Path) -> None:
    layout, report = script_job(aws, "healthy-kms-endpoint", tmp_path, global_sts=False, services=("sqs",))

    (finding,) = own(report, "script-services-reachable")
    assert (finding["severity"], finding["resource"], finding["predicts"]) == ("warning", layout.route_table, [])
    assert f"sqs.{REGION}.amazonaws.com:443 is unreachable" in finding["message"]


def test_a_script_calling_sqs_through_a_nat_gateway_passes(aws: Aws, tmp_path: Path) -> None:
    _, report = script_job(aws, "healthy-nat", tmp_path, global_sts=False, services=("sqs",))

    assert own(report, "script-services-reachable") == []
