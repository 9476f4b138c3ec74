"""Proven fixes of a job's policy findings (fixes/consumer_policies.py): a KMS key policy that
does not let CloudWatch Logs or the role use the key (put-key-policy with the whole new
policy), one that leaves the role to IAM whose policies lack KMS (an inline policy for the
key), a VPC endpoint policy denying the job's requests (modify-vpc-endpoint with the whole new
policy). Proven on the case files, and end to end: the layout built in moto, the commands run
with the real AWS CLI against it, `glue-netcheck job` run again: the finding is gone. Each with
its healthy twin.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.model.build import build_inventory
from test_e2e_beyond import run
from test_e2e_endpoint_policy import JOB_BUCKETS, NAME, ONLY_REPORTS, build
from test_e2e_role_boundary import boundary_without, bounded_job, full_boundary
from test_fix_consumer import KEY, bash_n, errors, fix_and_rerun, proven

from conftest import Aws
from scenarios import JOB, JOB_ROLE, REGION, SCENARIOS, key_policy


def document_of(command: str, option: str) -> dict[str, object]:
    words = shlex.split(command)
    policy: dict[str, object] = json.loads(words[words.index(option) + 1])
    return policy


# --- on the case files ----------------------------------------------------------------------


def test_a_key_policy_without_the_logs_principal_gets_the_old_policy_plus_its_statement() -> None:
    (finding,) = proven("kms-key-policy", "the key policy does not allow logs.us-east-1.amazonaws.com")

    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    assert command.startswith(f"aws kms put-key-policy --key-id {KEY} --policy-name default --policy '")
    assert bash_n(command) == "" and "<" not in command
    statements = document_of(command, "--policy")["Statement"]
    assert isinstance(statements, list) and [s["Sid"] for s in statements] == ["EnableIAM", "AllowGlueLogs"]
    assert statements[1]["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert "policy = <<EOF" in finding.fix.terraform


def test_an_explicit_deny_in_the_key_policy_is_removed_and_the_effect_says_so() -> None:
    (finding,) = proven("kms-key-policy", "the key policy denies the role kms:Decrypt")

    assert finding.fix is not None and finding.fix.verified, finding.fix
    assert "remove the Deny statement DenyGlue" in finding.fix.effect
    (command,) = finding.fix.commands
    statements = document_of(command, "--policy")["Statement"]
    assert isinstance(statements, list) and [s["Sid"] for s in statements] == ["EnableIAM", "CloudWatchLogs"]


def test_a_key_policy_leaving_the_role_to_iam_gets_an_inline_policy_for_the_key() -> None:
    (finding,) = [
        f
        for f in proven("kms-key-policy", "the policy leaves the role to IAM, and its policies lack KMS")
        if f.check == "kms-key-policy"
    ]

    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    assert command.startswith("aws iam put-role-policy --role-name glue-etl --policy-name glue-kms-")
    statement = document_of(command, "--policy-document")["Statement"]
    assert statement == [{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": KEY}]


def test_the_key_policy_healthy_twin_has_no_key_policy_error() -> None:
    found = proven("kms-key-policy", "healthy twin: the role's own policies allow the key")

    assert [f for f in found if f.check == "kms-key-policy"] == []


S3_DENIED = "S3 gateway endpoint allows only another bucket: script and TempDir denied"


def test_an_endpoint_policy_denying_the_job_gets_one_fix_for_all_its_denied_requests() -> None:
    found = [f for f in proven("endpoint-policy", S3_DENIED) if f.check == "endpoint-policy"]

    assert len(found) == 5 and len({f.fix for f in found}) == 1
    fix = found[0].fix
    assert fix is not None and fix.verified, fix
    (command,) = fix.commands
    assert command.startswith(f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {found[0].resource} --policy-document '")
    statements = document_of(command, "--policy-document")["Statement"]
    assert isinstance(statements, list) and [s.get("Sid") for s in statements] == ["OnlyReports", "AllowGlueNightlyEtl"]
    assert statements[1]["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/glue-etl"}


@pytest.mark.parametrize(
    "name",
    [
        "S3 endpoint policy with an explicit Deny on DeleteObject: TempDir cleanup denied",
        "KMS interface endpoint allows only DescribeKey: the security configuration's key denied",
        "CloudWatch Logs interface endpoint allows only reads: continuous logging's CreateLogStream and "
        "PutLogEvents denied",
        "STS interface endpoint allows only GetCallerIdentity: the script's AssumeRole of --target_role_arn denied",
    ],
)
def test_every_denying_endpoint_policy_case_gets_a_verified_runnable_fix(name: str) -> None:
    found = [f for f in proven("endpoint-policy", name) if f.check == "endpoint-policy"]

    assert found
    for finding in found:
        assert finding.fix is not None and finding.fix.verified, finding.fix
        assert bash_n("\n".join(finding.fix.commands)) == ""


def test_an_explicit_endpoint_deny_is_removed_not_outweighed() -> None:
    (finding,) = proven(
        "endpoint-policy", "S3 endpoint policy with an explicit Deny on DeleteObject: TempDir cleanup denied"
    )

    assert finding.fix is not None and "remove the Deny statement NoDeletes" in finding.fix.effect


@pytest.mark.parametrize(
    "name",
    [
        "healthy twin: S3 endpoint policy allows the script and TempDir buckets",
        "healthy twin: KMS endpoint policy allows the role Decrypt and GenerateDataKey",
        "healthy twin: CloudWatch Logs endpoint policy allows the job's log group",
        "healthy twin: STS interface endpoint policy allows the role to assume --target_role_arn",
    ],
)
def test_the_endpoint_policy_healthy_twins_have_nothing_to_fix(name: str) -> None:
    assert [f for f in proven("endpoint-policy", name) if f.check == "endpoint-policy"] == []


# --- end to end, the real AWS CLI against moto -----------------------------------------------


def key_policy_errors(report: dict[str, object]) -> list[object]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["check"] == "kms-key-policy" and f["severity"] == "error"]


@pytest.mark.parametrize(
    ("how", "policy"),
    [
        ("no logs principal", key_policy(logs=False)),
        ("a Deny of the role", key_policy(roles=(JOB_ROLE,), deny=(JOB_ROLE,))),
    ],
)
def test_the_key_policy_fix_run_with_the_aws_cli_clears_the_finding(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, how: str, policy: str
) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.kms.put_key_policy(KeyId=layout.extra["key"], PolicyName="default", Policy=policy)
    before = run(aws, JOB)
    assert key_policy_errors(before) != [], how

    commands, after = fix_and_rerun(aws, "kms-key-policy", monkeypatch)

    assert commands[0].startswith(f"aws kms put-key-policy --key-id {layout.extra['key']} ")
    assert key_policy_errors(after) == []
    assert errors(after) == {e for e in errors(before) if e[0] != "kms-key-policy"}


def test_the_role_kms_fix_run_with_the_aws_cli_clears_the_finding(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    iam = aws.client("iam")
    iam.create_role(RoleName="glue-etl", AssumeRolePolicyDocument="{}")
    s3_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName="glue-etl", PolicyName="s3", PolicyDocument=json.dumps(s3_only))
    before = run(aws, JOB)
    assert key_policy_errors(before) != []

    commands, after = fix_and_rerun(aws, "kms-key-policy", monkeypatch)

    assert commands[0].startswith("aws iam put-role-policy --role-name glue-etl --policy-name glue-kms-")
    assert key_policy_errors(after) == []


def test_the_key_policy_twin_with_the_logs_principal_has_no_error(aws: Aws) -> None:
    SCENARIOS["healthy-kms-endpoint"](aws.clients)

    assert key_policy_errors(run(aws, JOB)) == []


def test_the_endpoint_policy_fix_run_with_the_aws_cli_clears_the_findings(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's ModifyVpcEndpoint stores PolicyDocument, and DescribeVpcEndpoints returns it."""
    layout = build(aws, ONLY_REPORTS)
    before = run(aws, NAME)
    assert any(f["check"] == "endpoint-policy" for f in before["findings"])

    commands, after = fix_and_rerun(aws, "endpoint-policy", monkeypatch, NAME)

    assert commands[0].startswith(f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {layout.s3_endpoint} ")
    assert [f for f in after["findings"] if f["check"] == "endpoint-policy"] == []
    assert errors(after) == {e for e in errors(before) if e[0] != "endpoint-policy"}


def test_the_endpoint_policy_twin_allowing_the_job_buckets_has_no_finding(aws: Aws) -> None:
    build(aws, JOB_BUCKETS)

    assert [f for f in run(aws, NAME)["findings"] if f["check"] == "endpoint-policy"] == []


# --- role-network-permissions: the permissions boundary --------------------------------------


def test_a_boundary_lacking_an_ec2_call_gets_a_new_default_version_allowing_it() -> None:
    (finding,) = [
        f
        for f in proven(
            "role-network-permissions", "the permissions boundary document lacks ec2:CreateNetworkInterface"
        )
        if f.check == "role-network-permissions"
    ]

    assert finding.fix is not None and finding.fix.verified, finding.fix
    _, command = finding.fix.commands
    assert command.startswith(
        "aws iam create-policy-version --policy-arn arn:aws:iam::123456789012:policy/glue-boundary"
    )
    assert command.endswith(" --set-as-default") and bash_n("\n".join(finding.fix.commands)) == ""
    added = document_of(command, "--policy-document")["Statement"]
    assert isinstance(added, list)
    assert added[-1] == {
        "Sid": "AllowGlueVpc",
        "Effect": "Allow",
        "Action": ["ec2:CreateNetworkInterface"],
        "Resource": "*",
    }


def test_the_boundary_twin_allowing_the_calls_has_no_finding() -> None:
    name = "healthy twin: the permissions boundary document allows the same statements"
    assert [f for f in proven("role-network-permissions", name) if f.check == "role-network-permissions"] == []


def test_the_boundary_fix_run_with_the_aws_cli_clears_the_finding(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    before = bounded_job(aws, boundary_without("ec2:CreateNetworkInterface"))
    assert [f["severity"] for f in before["findings"] if f["check"] == "role-network-permissions"] == ["error"]

    commands, after = fix_and_rerun(aws, "role-network-permissions", monkeypatch)

    assert commands[-1].startswith("aws iam create-policy-version ")
    assert [f for f in after["findings"] if f["check"] == "role-network-permissions"] == []
    assert errors(after) == {e for e in errors(before) if e[0] != "role-network-permissions"}


def test_the_boundary_twin_run_against_moto_has_no_finding(aws: Aws) -> None:
    report = bounded_job(aws, full_boundary())

    assert [f for f in report["findings"] if f["check"] == "role-network-permissions"] == []


def test_two_keys_left_to_iam_get_one_inline_policy_each() -> None:
    """put-role-policy replaces a policy of the same name: two keys' fixes under one name would
    leave only the last (review finding). The estate: a job whose S3 and CloudWatch encryption
    use two keys whose policies leave the role to IAM, and the role's policies lack KMS."""
    raw = json.loads((Path(__file__).parent / "data" / "consumer" / "two_keys.json").read_text())
    inventory = build_inventory("us-east-1", raw["regions"]["us-east-1"])

    report = prove_consumer(inventory, analyse_consumer(inventory, "job", "nightly-etl"))

    fixes = [f.fix for f in report.findings if f.check == "kms-key-policy" and f.fix is not None]
    assert len(fixes) == 2 and all(fix.verified for fix in fixes)
    names = {shlex.split(fix.commands[0])[shlex.split(fix.commands[0]).index("--policy-name") + 1] for fix in fixes}
    assert len(names) == 2 and all(name.startswith("glue-kms-") for name in names)
