"""Every error finding of a connection in the check case files (tests/checks/cases) has a fix
the engine verified, whose commands are valid shell with no placeholder; the few layouts no
configuration change cures are named, and their fix says why it is not verified.

Block Public Access: moto 5.2.5 implements none of its API (DescribeVpcBlockPublicAccess*
answer "not implemented"), so its fix's commands are checked against botocore's service model
for ec2 CreateVpcBlockPublicAccessExclusion / DescribeVpcBlockPublicAccessExclusions (the
documented API shape) instead of being run.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.checks.finding import Finding
from glue_netcheck.fixes.proof import prove
from glue_netcheck.model.build import build_inventory
from glue_netcheck.model.glue import Inventory

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from test_cases import CASES, apply_patch, load

# (check file, case): no configuration change cures it (no other private subnet with room).
# Cases whose errors no change cures: none left (a subnet without room gets its job fewer
# workers where no network change verifies: fixes/consumer_job.py).
NO_CURE: set[tuple[str, str]] = set()
EC2 = botocore.session.get_session().get_service_model("ec2")
BPA = "vpc-block-public-access"
NAT_SUBNET_NOT_EXCLUDED = (
    "block-bidirectional, only the Glue subnet excluded: the NAT gateway's egress is still blocked"
)
NAT_SUBNET_EXCLUDED = "healthy twin: block-bidirectional, the NAT gateway's subnet excluded for egress"
RETURN_RANGE_DENIED = "a deny of the whole return range is a drop (kms-reachable), not an intermittent warning"


def connection_cases() -> list[tuple[str, str]]:
    return [
        (p.stem, c["name"])
        for p in sorted(CASES.glob("*.json"))
        if load(p)["subject"].startswith("connection ")
        for c in load(p)["cases"]
    ]


def inventory_of(check: str, name: str) -> tuple[Inventory, str]:
    spec = load(CASES / f"{check}.json")
    (case,) = [c for c in spec["cases"] if c["name"] == name]
    return build_inventory(spec["region"], apply_patch(spec["snapshot"], case["patch"])), spec["subject"][11:]


def bash_n(text: str) -> str:
    return subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True, check=False).stderr


def errors(check: str, name: str) -> list[Finding]:
    inventory, connection = inventory_of(check, name)
    return [f for f in prove(inventory, analyse_connection(inventory, connection)).findings if f.severity == "error"]


@pytest.mark.parametrize(("check", "name"), connection_cases())
def test_every_error_finding_of_a_case_has_a_verified_runnable_fix(check: str, name: str) -> None:
    for finding in errors(check, name):
        assert finding.fix is not None, finding
        if (check, name) in NO_CURE:
            assert not finding.fix.verified and "not verified: " in finding.fix.effect
            continue
        assert finding.fix.verified, finding.fix.effect
        script = "\n".join(finding.fix.commands)
        assert finding.fix.commands and bash_n(script) == "", script
        assert "<" not in script and ">" not in script, script
        assert finding.fix.terraform


def test_the_no_cure_cases_exist_and_fail() -> None:
    """NO_CURE names real cases with an error (a stale entry would excuse nothing)."""
    for check, name in NO_CURE:
        assert [f.check for f in errors(check, name)] == [check]


def _params(command: str) -> tuple[str, dict[str, Any]]:
    """An `aws ec2 OPERATION --option value …` line as the operation name and its parameters."""
    words = shlex.split(command.split("$(", 1)[-1].rstrip(")"))
    assert words[:2] == ["aws", "ec2"], words
    operation = "".join(w.capitalize() for w in words[2].split("-"))
    params: dict[str, Any] = {}
    options = words[3:]
    for option, value in zip(options[::2], options[1::2], strict=True):
        if option in ("--query", "--output"):
            continue
        key = "".join(w.capitalize() for w in option[2:].split("-"))
        params[key] = [value] if key.endswith("Ids") else value
    return operation, params


def test_block_public_access_fix_excludes_the_nat_subnet_as_the_ec2_api_defines_it() -> None:
    inventory, _ = inventory_of(
        "vpc-block-public-access",
        "block-bidirectional, only the Glue subnet excluded: the NAT gateway's egress is still blocked",
    )
    (finding,) = errors(
        "vpc-block-public-access",
        "block-bidirectional, only the Glue subnet excluded: the NAT gateway's egress is still blocked",
    )
    nat = inventory.network.nat_gateways[finding.resource]
    assert finding.fix is not None and finding.fix.verified
    create, *_ = finding.fix.commands
    operation, params = _params(create)
    assert (operation, params) == (
        "CreateVpcBlockPublicAccessExclusion",
        {"SubnetId": nat.subnet_id, "InternetGatewayExclusionMode": "allow-egress"},
    )
    shape = EC2.operation_model(operation).input_shape
    assert not ParamValidator().validate(params, shape).has_errors()
    (poll,) = [c for c in finding.fix.commands if c.startswith("while ")]
    operation, params = _params(poll.split("BPA_STATE=$(", 1)[1].split("); done")[0])
    assert operation == "DescribeVpcBlockPublicAccessExclusions"
    assert (
        not ParamValidator()
        .validate({"ExclusionIds": ["exclusion-0"]}, EC2.operation_model(operation).input_shape)
        .has_errors()
    )
    assert f'subnet_id = "{nat.subnet_id}"' in finding.fix.terraform


def test_block_public_access_healthy_twin_has_nothing_to_fix() -> None:
    assert (
        errors(
            "vpc-block-public-access", "healthy twin: block-bidirectional, the NAT gateway's subnet excluded for egress"
        )
        == []
    )


def test_an_acl_allow_added_before_the_deny_is_read_before_it() -> None:
    """The new rule 49 goes before rule 50's deny of the return range: first match wins."""
    (kms, s3) = errors(
        "nacl-ephemeral-ports",
        "a deny of the whole return range is a drop (kms-reachable), not an intermittent warning",
    )
    for finding in (kms, s3):
        assert finding.fix is not None and finding.fix.verified, finding.fix
        (command,) = finding.fix.commands
        assert "--ingress --rule-number 49 " in command
