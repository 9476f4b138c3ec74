"""VPC Block Public Access decided on the paths themselves (net/public.py, net/public_database.py):
every public path, not only the service paths a post-hoc check looked at, stops where the
internet gateway drops it. moto has no Block Public Access, so the estates are snapshots the
collector took of moto (tests/data/block_public_access/), with the options and exclusions
added in DescribeVpcBlockPublicAccessOptions/Exclusions' documented shape:

- public_database_peer.json: connection orders-rds reaches RDS instance `orders`, publicly
  accessible, in a peered VPC whose peering does not resolve its name privately: the public
  way, out through the Glue VPC's NAT gateway and in through the database VPC's internet
  gateway. KMS leaves through the NAT gateway too; S3 through a gateway endpoint.
- external_host_kms_endpoint.json: the same estate with a KMS interface endpoint, orders-rds
  pointing at db.example.com (no resource of the account), and job pypi-etl installing
  `--additional-python-modules` from PyPI.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.fixes.proof import prove
from glue_netcheck.model.build import build_inventory
from glue_netcheck.net.trace import PathResult
from test_fix_case_files import _params

DATA = Path(__file__).parent / "data" / "block_public_access"
REGION = "us-east-1"
BPA = "vpc-block-public-access"
BOTH = "allow-bidirectional"
EC2 = botocore.session.get_session().get_service_model("ec2")
GLUE_VPC, GLUE_SUBNET = "vpc-7285551b8c829ec7d", "subnet-3e93251492fa92871"
NAT, NAT_SUBNET = "nat-e73a5319020102b88", "subnet-b1fa963a204598ca3"
DB_VPC, DB_SUBNET = "vpc-26743a983ee3c8b2b", "subnet-aaf09ae44c5a41ef6"


def _estate(name: str) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())["regions"][REGION]
    return raw


PEER = _estate("public_database_peer")
EXTERNAL = _estate("external_host_kms_endpoint")


def exclusion(resource: str, mode: str) -> dict[str, Any]:
    kind = "vpc" if resource.startswith("vpc-") else "subnet"
    return {
        "ExclusionId": f"exclusion-{resource[-8:]}",
        "InternetGatewayExclusionMode": mode,
        "ResourceArn": f"arn:aws:ec2:{REGION}:123456789012:{kind}/{resource}",
        "State": "create-complete",
    }


def blocking(
    base: dict[str, Any],
    mode: str,
    *exclusions: dict[str, Any],
    read: bool = True,
    allowed: str = "allowed",
) -> dict[str, Any]:
    """The estate with Block Public Access in `mode` (`read` False: the exclusions unread)."""
    raw = copy.deepcopy(base)
    raw["ec2"]["VpcBlockPublicAccessOptions"] = {
        "AwsAccountId": "123456789012",
        "AwsRegion": REGION,
        "State": "update-complete",
        "InternetGatewayBlockMode": mode,
        "ExclusionsAllowed": allowed,
        "ManagedBy": "declarative-policy" if allowed == "not-allowed" else "account",
    }
    if read:
        raw["ec2"]["VpcBlockPublicAccessExclusions"] = list(exclusions)
    return raw


def report(raw: dict[str, Any], connection: str = "orders-rds") -> ConnectionReport:
    inventory = build_inventory(REGION, raw)
    return prove(inventory, analyse_connection(inventory, connection))


def path(result: ConnectionReport, service: str) -> PathResult:
    return next(p for p in result.paths if p.service == service)


def bpa_findings(result: ConnectionReport) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.severity, f.resource, f.predicts) for f in result.findings if f.check == BPA]


def fix_commands(result: ConnectionReport) -> list[str]:
    (finding,) = [f for f in result.findings if f.check == BPA]
    assert finding.fix is not None and finding.fix.verified, finding.fix
    return [c for c in finding.fix.commands if c.startswith("BPA_EXCLUSION=")]


# --- a public database reached the public way ----------------------------------------------


@pytest.mark.parametrize("mode", ["block-ingress", "block-bidirectional"])
def test_inbound_to_a_public_database_is_blocked_in_both_modes(mode: str) -> None:
    # The NAT gateway's subnet may send (allow-egress): only the database's way in is blocked.
    result = report(blocking(PEER, mode, exclusion(NAT_SUBNET, "allow-egress")))

    target = path(result, "target")
    assert target.reachable is False
    assert target.blocked_at is not None and (target.blocked_at.id, target.blocked_at.code) == (
        DB_SUBNET,
        "BPA_BLOCKED",
    )
    assert result.verdict == "fail" and "target-unreachable" in result.predicted_failures
    # The path check is folded into the finding that knows why: the cause is said once.
    (finding,) = [f for f in result.findings if f.resource == DB_SUBNET]
    assert (finding.check, finding.severity, finding.folded) == (BPA, "error", ("target-reachable",))
    (create,) = fix_commands(result)
    operation, params = _params(create)
    assert (operation, params) == (
        "CreateVpcBlockPublicAccessExclusion",
        {"SubnetId": DB_SUBNET, "InternetGatewayExclusionMode": BOTH},
    )
    assert not ParamValidator().validate(params, EC2.operation_model(operation).input_shape).has_errors()


def test_an_allow_egress_exclusion_of_the_database_subnet_does_not_let_traffic_in() -> None:
    result = report(blocking(PEER, "block-ingress", exclusion(DB_SUBNET, "allow-egress")))

    assert path(result, "target").reachable is False
    assert bpa_findings(result) == [("error", DB_SUBNET, ("target-unreachable",))]
    # AWS keeps one exclusion per subnet: the verified fix changes that one's mode.
    (finding,) = [f for f in result.findings if f.check == BPA]
    assert finding.fix is not None and finding.fix.verified
    (modify,) = [c for c in finding.fix.commands if c.startswith("aws ec2 modify-")]
    operation, params = _params(modify)
    assert (operation, params) == (
        "ModifyVpcBlockPublicAccessExclusion",
        {"ExclusionId": exclusion(DB_SUBNET, "allow-egress")["ExclusionId"], "InternetGatewayExclusionMode": BOTH},
    )
    assert not ParamValidator().validate(params, EC2.operation_model(operation).input_shape).has_errors()
    assert '[ "$BPA_STATE" = update-complete ]' in finding.fix.commands
    assert "create-vpc-block-public-access-exclusion" not in "\n".join(finding.fix.commands)


@pytest.mark.parametrize(
    "excluded",
    [
        (exclusion(NAT_SUBNET, "allow-egress"), exclusion(DB_SUBNET, "allow-bidirectional")),
        (exclusion(GLUE_VPC, "allow-bidirectional"), exclusion(DB_VPC, "allow-bidirectional")),
    ],
    ids=["subnets", "vpcs"],
)
def test_twin_the_database_subnet_or_vpc_excluded_both_ways_passes(excluded: tuple[dict[str, Any], ...]) -> None:
    result = report(blocking(PEER, "block-bidirectional", *excluded))

    assert all(p.reachable is True for p in result.paths), result.paths
    assert (result.verdict, bpa_findings(result)) == ("pass", [])


def test_twin_block_ingress_with_the_database_subnet_excluded_passes() -> None:
    result = report(blocking(PEER, "block-ingress", exclusion(DB_SUBNET, "allow-bidirectional")))

    assert (result.verdict, bpa_findings(result)) == ("pass", [])


@pytest.mark.parametrize("mode", ["off", None])
def test_twin_block_public_access_off_or_unknown_passes(mode: str | None) -> None:
    result = report(blocking(PEER, mode) if mode else PEER)

    assert (result.verdict, bpa_findings(result)) == ("pass", [])


def test_bidirectional_without_exclusions_blocks_kms_and_the_database_at_the_nat_gateway() -> None:
    result = report(blocking(PEER, "block-bidirectional"))

    assert [(p.service, p.blocked_at.id if p.blocked_at else None) for p in result.paths if not p.reachable] == [
        ("kms", NAT),
        ("target", NAT),
    ]
    (finding,) = [f for f in result.findings if f.check == BPA]
    assert finding.folded == ("kms-reachable", "target-reachable")
    assert {"kms-timeout", "target-unreachable"} <= set(finding.predicts)
    # Two drops on the database's path: out of the NAT gateway, then into its subnet. The fix
    # that verifies excludes both.
    creates = fix_commands(result)
    assert [c.split("--subnet-id ")[1].split(" --query")[0] for c in creates] == [
        f"{NAT_SUBNET} --internet-gateway-exclusion-mode allow-egress",
        f"{DB_SUBNET} --internet-gateway-exclusion-mode allow-bidirectional",
    ]


def test_exclusions_unread_leave_the_database_undecided_with_a_warning() -> None:
    result = report(blocking(PEER, "block-ingress", read=False))

    target = path(result, "target")
    assert target.reachable is None
    assert [h.code for h in target.hops if h.verdict == "unknown"] == ["BPA_EXCLUSIONS_UNKNOWN"]
    assert result.verdict == "unknown" and result.predicted_failures == ()
    assert bpa_findings(result) == [("warning", DB_SUBNET, ())]


def test_the_database_subnets_not_in_the_data_are_undecided_not_a_pass() -> None:
    raw = copy.deepcopy(PEER)
    raw["ec2"]["Subnets"] = [s for s in raw["ec2"]["Subnets"] if s["VpcId"] != DB_VPC]

    result = report(raw)

    target = path(result, "target")
    assert target.reachable is None and result.verdict == "unknown"
    assert [(h.type, h.code) for h in target.hops if h.verdict == "unknown"] == [("subnet", "DATA_MISSING")]


def test_twin_the_database_subnets_in_the_data_pass() -> None:
    assert report(PEER).verdict == "pass"


# --- declarative policies: exclusions not allowed --------------------------------------------


def test_exclusions_not_allowed_offer_no_exclusion_fix() -> None:
    result = report(blocking(PEER, "block-bidirectional", allowed="not-allowed"))

    (finding,) = [f for f in result.findings if f.check == BPA]
    assert finding.severity == "error" and "ExclusionsAllowed: not-allowed" in finding.remediation
    assert "create-vpc-block-public-access-exclusion" not in finding.remediation
    # The data source has no endpoint: nothing verifies, and no exclusion is claimed.
    assert finding.fix is None or not any("exclusion" in c for c in finding.fix.commands)
    assert finding.fix is None or not finding.fix.verified


def test_twin_exclusions_allowed_offer_the_verified_exclusion() -> None:
    result = report(blocking(PEER, "block-bidirectional", allowed="allowed"))

    assert len(fix_commands(result)) == 2


# --- every other public path: an IP literal, an external name, PyPI --------------------------


def _pointing(base: dict[str, Any], url: str) -> dict[str, Any]:
    raw = copy.deepcopy(base)
    (conn,) = [c for c in raw["glue"]["Connections"] if c["Name"] == "orders-rds"]
    conn["ConnectionProperties"]["JDBC_CONNECTION_URL"] = url
    return raw


def test_a_public_address_behind_the_blocked_nat_gateway_fails() -> None:
    raw = _pointing(EXTERNAL, "jdbc:postgresql://203.0.113.10:5432/orders")

    result = report(blocking(raw, "block-bidirectional"))

    assert path(result, "target").reachable is False
    assert result.verdict == "fail" and result.predicted_failures == ("target-unreachable",)
    (create,) = fix_commands(result)
    assert f"--subnet-id {NAT_SUBNET} --internet-gateway-exclusion-mode allow-egress" in create


def test_twin_a_public_address_with_the_nat_subnet_excluded_passes() -> None:
    raw = _pointing(EXTERNAL, "jdbc:postgresql://203.0.113.10:5432/orders")

    result = report(blocking(raw, "block-bidirectional", exclusion(NAT_SUBNET, "allow-egress")))

    assert (path(result, "target").reachable, result.verdict) == (True, "pass")


def test_an_external_name_behind_the_blocked_nat_gateway_is_not_a_pass() -> None:
    result = report(blocking(EXTERNAL, "block-bidirectional"))

    assert path(result, "target").reachable is None and result.verdict == "unknown"
    assert not any("the public path is open" in f.message for f in result.findings)


def test_twin_an_external_name_with_the_nat_subnet_excluded_has_an_open_public_path() -> None:
    result = report(blocking(EXTERNAL, "block-bidirectional", exclusion(NAT_SUBNET, "allow-egress")))

    assert result.verdict == "pass"
    assert any("the public path is open" in f.message for f in result.findings)


def _pypi(raw: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...], bool | None]]:
    inventory = build_inventory(REGION, raw)
    job = prove_consumer(inventory, analyse_consumer(inventory, "job", "pypi-etl"))
    return [
        (f.severity, f.resource, f.predicts, f.fix.verified if f.fix else None)
        for f in job.findings
        if f.check == "python-modules-reachable"
    ]


def test_pypi_behind_the_blocked_nat_gateway_fails_the_job_and_the_exclusion_is_the_fix() -> None:
    raw = blocking(EXTERNAL, "block-bidirectional")
    assert _pypi(raw) == [("error", NAT, ("python-modules-unreachable",), True)]
    # The remediation text names the exclusion too, not a NAT route the subnet already has.
    inventory = build_inventory(REGION, raw)
    (finding,) = [
        f for f in analyse_consumer(inventory, "job", "pypi-etl").findings if f.check == "python-modules-reachable"
    ]
    assert finding.remediation.startswith("aws ec2 create-vpc-block-public-access-exclusion")


def test_twin_pypi_with_the_nat_subnet_excluded_passes() -> None:
    assert _pypi(blocking(EXTERNAL, "block-bidirectional", exclusion(NAT_SUBNET, "allow-egress"))) == []


def test_pypi_behind_a_blocked_nat_where_exclusions_are_forbidden_is_not_told_to_exclude() -> None:
    """A declarative policy (ExclusionsAllowed: not-allowed): AWS refuses an exclusion, so the
    remediation text names the NAT route, not the exclusion the twin above names."""
    inventory = build_inventory(REGION, blocking(EXTERNAL, "block-bidirectional", allowed="not-allowed"))
    (finding,) = [
        f for f in analyse_consumer(inventory, "job", "pypi-etl").findings if f.check == "python-modules-reachable"
    ]
    assert "create-vpc-block-public-access-exclusion" not in finding.remediation
