"""The role's EC2 network permissions through its permissions boundary (issue 16), end to end
through `glue-netcheck job` against moto (which stores and returns boundaries as IAM does):
effective rights are the identity policies' intersected with the boundary's, an explicit Deny
anywhere wins. Each cause with its healthy twin."""

from __future__ import annotations

import copy
import json
from typing import Any

import requests

from test_e2e_beyond import GLUE_EC2, S3_ONLY, own, run

from conftest import Aws
from scenarios import CRAWLER, JOB, JOB_ROLE, SCENARIOS

CHECK = "role-network-permissions"
BOUNDARY_NAME = "glue-boundary"
BOUNDARY_ARN = f"arn:aws:iam::123456789012:policy/{BOUNDARY_NAME}"
CRAWLER_ROLE = "arn:aws:iam::123456789012:role/glue-crawler"


def bounded_job(aws: Aws, boundary: dict[str, Any] | None, identity: dict[str, Any] = GLUE_EC2) -> dict[str, Any]:
    """healthy-nat with the job's role holding every EC2 permission Glue needs (inline S3,
    attached EC2) and, when given, `boundary` as its permissions boundary."""
    SCENARIOS["healthy-nat"](aws.clients)
    iam = aws.client("iam")
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    extra: dict[str, str] = {}
    if boundary is not None:
        arn = iam.create_policy(PolicyName=BOUNDARY_NAME, PolicyDocument=json.dumps(boundary))["Policy"]["Arn"]
        assert arn == BOUNDARY_ARN
        extra["PermissionsBoundary"] = arn
    iam.create_role(RoleName="glue-etl", AssumeRolePolicyDocument=json.dumps(trust), **extra)
    iam.put_role_policy(RoleName="glue-etl", PolicyName="s3", PolicyDocument=json.dumps(S3_ONLY))
    arn = iam.create_policy(PolicyName="glue-ec2", PolicyDocument=json.dumps(identity))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="glue-etl", PolicyArn=arn)
    return run(aws, JOB)


def boundary_without(action: str) -> dict[str, Any]:
    """The Glue EC2 statements plus S3, minus `action`: what a typical boundary allows."""
    policy = copy.deepcopy(GLUE_EC2)
    policy["Statement"][0]["Action"].remove(action)
    policy["Statement"].append(S3_ONLY["Statement"][0])
    return policy


def full_boundary() -> dict[str, Any]:
    policy = copy.deepcopy(GLUE_EC2)
    policy["Statement"].append(S3_ONLY["Statement"][0])
    return policy


def test_a_boundary_without_create_network_interface_fails_the_job(aws: Aws) -> None:
    report = bounded_job(aws, boundary_without("ec2:CreateNetworkInterface"))

    (finding,) = own(report, CHECK)
    assert (finding["severity"], finding["resource"], finding["predicts"]) == (
        "error",
        JOB_ROLE,
        ["role-missing-network-permissions"],
    )
    assert (
        f"lacks ec2:CreateNetworkInterface: User: {JOB_ROLE} is not authorized to perform: "
        "ec2:CreateNetworkInterface on resource: arn:aws:ec2:us-east-1:123456789012:network-interface/* "
        "because no permissions boundary allows the ec2:CreateNetworkInterface action"
    ) in finding["message"]
    # Attaching a policy to the role cannot get past its boundary: the fix is the boundary's.
    assert finding["remediation"].startswith(
        f"allow ec2:CreateNetworkInterface in the permissions boundary {BOUNDARY_ARN}"
    )
    assert "attach-role-policy" not in finding["remediation"]
    assert "role-missing-network-permissions" in report["predicted_failures"]


def test_a_boundary_allowing_the_glue_ec2_calls_passes(aws: Aws) -> None:
    report = bounded_job(aws, full_boundary())

    assert own(report, CHECK) == []
    assert "role-missing-network-permissions" not in report["predicted_failures"]


def test_an_explicit_deny_in_the_boundary_wins_over_the_identity_allow(aws: Aws) -> None:
    boundary = full_boundary()
    boundary["Statement"].append(
        {"Sid": "NoEni", "Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"}
    )

    report = bounded_job(aws, boundary)

    (finding,) = own(report, CHECK)
    assert "lacks ec2:DeleteNetworkInterface" in finding["message"]
    assert "with an explicit deny in a permissions boundary" in finding["message"]


def test_a_boundary_allowing_what_the_identity_policies_lack_grants_nothing(aws: Aws) -> None:
    # The intersection: the boundary allows ec2:*, the identity policies lack DescribeVpcEndpoints.
    identity = copy.deepcopy(GLUE_EC2)
    identity["Statement"][0]["Action"].remove("ec2:DescribeVpcEndpoints")
    boundary = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}],
    }

    report = bounded_job(aws, boundary, identity)

    (finding,) = own(report, CHECK)
    assert "lacks ec2:DescribeVpcEndpoints" in finding["message"]
    assert "because no identity-based policy allows the ec2:DescribeVpcEndpoints action" in finding["message"]
    assert "attach-role-policy" in finding["remediation"] and BOUNDARY_ARN not in finding["remediation"]


def test_a_crawlers_role_is_judged_through_its_boundary_too(aws: Aws) -> None:
    # The scenario's crawler runs as glue-crawler: same permissions, the boundary lacking
    # ec2:CreateNetworkInterface; its twin with the full boundary.
    def crawl(boundary: dict[str, Any]) -> list[dict[str, Any]]:
        requests.post(f"{aws.url}/moto-api/reset", timeout=10)
        SCENARIOS["healthy-nat"](aws.clients)
        iam = aws.client("iam")
        arn = iam.create_policy(PolicyName=BOUNDARY_NAME, PolicyDocument=json.dumps(boundary))["Policy"]["Arn"]
        trust = {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
        iam.create_role(RoleName="glue-crawler", AssumeRolePolicyDocument=json.dumps(trust), PermissionsBoundary=arn)
        iam.put_role_policy(RoleName="glue-crawler", PolicyName="all", PolicyDocument=json.dumps(full_boundary()))
        result = aws.cli("crawler", CRAWLER, "--format", "json")
        assert result.stderr == ""
        return own(result.json, CHECK)

    (finding,) = crawl(boundary_without("ec2:CreateNetworkInterface"))
    assert (finding["resource"], finding["predicts"]) == (CRAWLER_ROLE, ["role-missing-network-permissions"])
    assert "because no permissions boundary allows the ec2:CreateNetworkInterface action" in finding["message"]
    assert crawl(full_boundary()) == []
