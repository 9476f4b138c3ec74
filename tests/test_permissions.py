"""Partial permissions: moto enforces a real IAM policy that denies one read at a time. What it
describes becomes unknown (`reachable: null`, verdict unknown, exit 3) and is named; the rest is
still reported. Reads nothing can be placed without fail the run with one line (exit 2)."""

from __future__ import annotations

import json

import pytest
from moto.core.authorization import enable_iam_authentication

from conftest import Aws
from scenarios import CONNECTION, SCENARIOS


def restricted(aws: Aws, denied_action: str) -> dict[str, str]:
    """Credentials of a user allowed everything but `denied_action`."""
    iam = aws.client("iam")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(
        UserName="auditor",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Effect": "Deny", "Action": denied_action, "Resource": "*"},
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    return {**aws.env, "AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def run_denied(aws: Aws, action: str, *args: str, scenario: str = "healthy-nat"):  # type: ignore[no-untyped-def]
    from conftest import run_cli

    SCENARIOS[scenario](aws.clients)
    env = restricted(aws, action)
    with enable_iam_authentication():
        return run_cli("connection", CONNECTION, "--format", "json", *args, env=env)


UNDECIDABLE = [
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeNatGateways",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
]


@pytest.mark.parametrize("action", UNDECIDABLE)
def test_denied_network_read_makes_the_paths_undecidable(aws: Aws, action: str) -> None:
    result = run_denied(aws, action)

    assert result.code == 3, result.stderr
    report = result.json
    assert report["verdict"] == "unknown" and report["predicted_failures"] == []
    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["reachable"] is None and kms["blocked_at"] is None
    assert any(h["verdict"] == "unknown" and action in h["detail"] for h in kms["hops"]) or (
        action == "ec2:DescribeVpcAttribute" and kms["hops"][0]["verdict"] == "unknown"
    )
    assert ("read-permissions", "warning", action) in {
        (f["check"], f["severity"], f["resource"]) for f in report["findings"]
    }
    # Unknown is not absent: nothing is reported missing or misconfigured.
    assert not any(f["check"] in ("network-resources-exist", "self-referencing-rule") for f in report["findings"])


@pytest.mark.parametrize(
    "action",
    [
        "glue:GetJobs",
        "glue:GetCrawlers",
        "glue:GetSecurityConfigurations",
        "glue:GetDataCatalogEncryptionSettings",
        "ec2:DescribeManagedPrefixLists",
    ],
)
def test_denied_side_read_is_a_warning_and_assumes_the_worst(aws: Aws, action: str) -> None:
    result = run_denied(aws, action)

    assert result.code == 0, result.stderr
    report = result.json
    assert report["verdict"] == "warn"
    assert all(p["reachable"] is True for p in report["paths"])
    finding = next(f for f in report["findings"] if f["check"] == "read-permissions")
    assert finding["resource"] == action and action in finding["remediation"]


@pytest.mark.parametrize("action", ["glue:GetConnection", "ec2:DescribeSubnets"])
def test_denied_essential_read_is_one_line_and_exit_2(aws: Aws, action: str) -> None:
    result = run_denied(aws, action)

    assert result.code == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and f"access denied to {action}" in line and "Traceback" not in line


@pytest.mark.parametrize(
    ("action", "unseen_failure"),
    [("glue:GetJobs", "kms-timeout"), ("glue:GetCrawlers", "crawler-internal-service-exception")],
)
def test_a_kind_that_cannot_be_listed_may_need_kms(aws: Aws, action: str, unseen_failure: str) -> None:
    """kms-unused: KMS has no route, and the job and crawler listed do not encrypt with KMS. With
    one kind's listing denied, a job or crawler of that kind may use the connection with KMS:
    the unreachable KMS is a predicted failure of that kind, not a warning."""
    result = run_denied(aws, action, scenario="kms-unused")

    assert result.code == 1, result.stderr
    report = result.json
    assert report["verdict"] == "fail" and unseen_failure in report["predicted_failures"]
    assert ("kms-reachable", "error") in {(f["check"], f["severity"]) for f in report["findings"]}


def test_every_kind_listed_and_none_using_kms_is_a_warning(aws: Aws) -> None:
    """The twin: nothing the analysis reads denied, so the same unreachable KMS only warns (the
    verdict is unknown for the data source, an RDS name this account does not hold)."""
    result = run_denied(aws, "iam:ListUsers", scenario="kms-unused")

    assert result.code == 3, result.stderr
    report = result.json
    assert report["verdict"] == "unknown" and report["predicted_failures"] == []
    assert ("kms-reachable", "warning") in {(f["check"], f["severity"]) for f in report["findings"]}
