"""Proven fixes of a job's own findings (fixes/consumer.py): a disabled KMS key, one pending
deletion, a role lacking the EC2 calls Glue makes. Proven on the case files (verified, or not
and why), and end to end: the layout built in moto, the fix's commands run with the real AWS
CLI against it, `glue-netcheck job` run again: the finding is gone. Each with its healthy twin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.checks.finding import Finding
from glue_netcheck.collect.inputs import Source, for_consumer
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.model.build import build_inventory
from test_e2e_beyond import GLUE_EC2, own, role_job, run
from test_fix_moto import aws_cli_env

from conftest import Aws
from scenarios import JOB, SCENARIOS

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from test_cases import CASES, apply_patch, load

KEY = "arn:aws:kms:us-east-1:123456789012:key/5e99ae61-4e6b-4154-a590-60c68f189703"  # the case files'


def proven(check: str, name: str, severity: str = "error") -> list[Finding]:
    spec = load(CASES / f"{check}.json")
    (case,) = [c for c in spec["cases"] if c["name"] == name]
    inventory = build_inventory(spec["region"], apply_patch(spec["snapshot"], case["patch"]))
    kind, subject = spec["subject"].split(" ", 1)
    report = prove_consumer(inventory, analyse_consumer(inventory, kind, subject))
    return [f for f in report.findings if f.check == check and f.severity == severity]


def bash_n(text: str) -> str:
    return subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True, check=False).stderr


@pytest.mark.parametrize(
    ("name", "commands"),
    [
        ("the key is disabled", [f"aws kms enable-key --key-id {KEY}"]),
        (
            "the key is pending deletion",
            [f"aws kms cancel-key-deletion --key-id {KEY}", f"aws kms enable-key --key-id {KEY}"],
        ),
    ],
)
def test_a_key_that_is_not_enabled_gets_a_verified_fix(name: str, commands: list[str]) -> None:
    (finding,) = proven("kms-key-state", name)

    assert finding.fix is not None and finding.fix.verified, finding.fix
    assert list(finding.fix.commands) == commands and bash_n("\n".join(commands)) == ""
    assert "is_enabled = true" in finding.fix.terraform


def test_a_key_that_does_not_exist_gets_no_fix_and_the_enabled_twin_no_finding() -> None:
    (missing,) = proven("kms-key-state", "the key does not exist")

    assert missing.fix is None  # no configuration of a key that is gone brings it back
    twins = [c["name"] for c in load(CASES / "kms-key-state.json")["cases"] if not c["findings"]]
    assert twins and all(proven("kms-key-state", t) == [] for t in twins)


def test_a_role_lacking_an_ec2_call_gets_an_inline_policy_with_exactly_it() -> None:
    (finding,) = proven("role-network-permissions", "the role lacks ec2:DescribeVpcEndpoints")

    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ec2:DescribeVpcEndpoints"], "Resource": "*"}],
    }
    assert command == (
        "aws iam put-role-policy --role-name glue-etl --policy-name glue-netcheck-vpc "
        f"--policy-document '{json.dumps(document, separators=(',', ':'))}'"
    )
    assert bash_n(command) == "" and 'resource "aws_iam_role_policy"' in finding.fix.terraform


def test_an_explicit_deny_is_not_cured_by_an_allow_and_says_so() -> None:
    (finding,) = proven("role-network-permissions", "an attached policy denies ec2:CreateNetworkInterface")

    assert finding.fix is not None and not finding.fix.verified
    assert "not verified: the finding remains" in finding.fix.effect


# --- end to end, the real AWS CLI against moto -----------------------------------------------


@pytest.fixture
def kms_as_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's EnableKey, DisableKey, CancelKeyDeletion and ScheduleKeyDeletion refuse a key
    ARN, which AWS accepts (KeyId: "key ID or key ARN"): the test server is taught the ARN."""
    from moto.kms.models import KmsBackend

    def by_id(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, key_id: str, *args: Any) -> Any:
            return method(self, key_id.rsplit("/", 1)[-1] if key_id.startswith("arn:") else key_id, *args)

        return call

    for name in ("enable_key", "disable_key", "cancel_key_deletion", "schedule_key_deletion"):
        monkeypatch.setattr(KmsBackend, name, by_id(getattr(KmsBackend, name)))
    yield


def errors(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["check"], f["resource"]) for f in report["findings"] if f["severity"] == "error"}


def fix_and_rerun(
    aws: Aws, check: str, monkeypatch: pytest.MonkeyPatch, name: str = JOB, severity: str = "error"
) -> tuple[list[str], dict[str, Any]]:
    """Collect the job as the CLI does, prove, run the finding's commands with the real CLI,
    and analyse the job again through the CLI. Several findings of the check on one resource
    (one endpoint's denied requests) share one fix: it is run once."""
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    inventory = for_consumer(Source(), "job", name)
    report = prove_consumer(inventory, analyse_consumer(inventory, "job", name))
    fixes = {f.fix for f in report.findings if f.check == check and f.severity == severity}
    (fix,) = fixes
    assert fix is not None and fix.verified, fix
    script = "set -euo pipefail\n" + "\n".join(fix.commands) + "\n"
    assert bash_n(script) == "" and "<" not in script, script
    ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=aws_cli_env(aws), check=False)
    assert ran.returncode == 0, ran.stderr + script
    return list(fix.commands), run(aws, name)


@pytest.mark.parametrize("how", ["disable", "schedule-deletion"])
def test_the_key_fix_run_with_the_aws_cli_clears_the_finding(
    aws: Aws, kms_as_aws: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    key = layout.extra["key"]
    if how == "disable":
        aws.clients.kms.disable_key(KeyId=key)
    else:
        aws.clients.kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert own(run(aws, JOB), "kms-key-state") != []

    commands, after = fix_and_rerun(aws, "kms-key-state", monkeypatch)

    assert commands[-1] == f"aws kms enable-key --key-id {key}"
    assert own(after, "kms-key-state") == [] and after["verdict"] == "pass"


def test_the_enabled_key_twin_has_no_key_finding(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    assert own(run(aws, JOB), "kms-key-state") == []


def test_the_role_fix_run_with_the_aws_cli_clears_the_finding(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = json.loads(json.dumps(GLUE_EC2))
    policy["Statement"][0]["Action"].remove("ec2:DescribeVpcEndpoints")
    before = role_job(aws, policy)
    assert own(before, "role-network-permissions") != []

    commands, after = fix_and_rerun(aws, "role-network-permissions", monkeypatch)

    assert "--policy-name glue-netcheck-vpc" in commands[0]
    assert own(after, "role-network-permissions") == []
    assert errors(after) == {e for e in errors(before) if e[0] != "role-network-permissions"}


def test_the_role_twin_with_every_call_has_no_finding(aws: Aws) -> None:
    assert own(role_job(aws, GLUE_EC2), "role-network-permissions") == []
