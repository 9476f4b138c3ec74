"""A network ACL deny of part of where a service's public address may be.

KMS, STS and Glue have no prefix list: their address is one public address the data does not
hold. A deny of part of the public space (a block-list of a few bad addresses before allow-all)
leaves KMS undecided (ACL_PARTIAL_MATCH), not dropped; a deny of all of it drops it; a deny of
private space does not touch it. S3's ranges are known (its prefix list) and its name resolves
across all of them: a deny of part of them does drop S3 traffic. On the healthy-nat fixture
(moto): KMS leaves through the NAT gateway, S3 through its gateway endpoint. Last, the same
public path through a private NAT gateway: undecided when its subnet sends it on to a transit
gateway, a drop when the internet gateway is all it has.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.model.build import build_inventory

RAW: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "healthy-nat.json").read_text()
)["regions"]["us-east-1"]


def _with_deny(cidr: str, port: int | None = None) -> ConnectionReport:
    raw = copy.deepcopy(RAW)
    (acl,) = raw["ec2"]["NetworkAcls"]
    entry: dict[str, Any] = {"RuleNumber": 50, "Egress": True, "RuleAction": "deny", "CidrBlock": cidr}
    entry |= {"Protocol": "6", "PortRange": {"From": port, "To": port}} if port else {"Protocol": "-1"}
    acl["Entries"].append(entry)
    return analyse_connection(build_inventory("us-east-1", raw), "orders-db")


def _path(report: ConnectionReport, service: str) -> tuple[bool | None, list[tuple[str, str | None]]]:
    (path,) = [p for p in report.paths if p.service == service]
    return path.reachable, [(h.verdict, h.code) for h in path.hops if h.type == "network-acl" and h.verdict != "allow"]


@pytest.mark.parametrize("cidr", ["198.51.100.7/32", "203.0.113.0/24", "18.0.0.0/8"])
def test_a_deny_of_part_of_the_public_space_leaves_kms_undecided(cidr: str) -> None:
    report = _with_deny(cidr)

    reachable, hops = _path(report, "kms")
    # The Glue subnet's outbound, and the NAT subnet's (the same ACL here): undecided, not dropped.
    assert reachable is None and hops and set(hops) == {("unknown", "ACL_PARTIAL_MATCH")}
    assert report.verdict == "unknown" and "kms-timeout" not in report.predicted_failures


def test_twin_a_deny_of_all_of_it_drops_kms() -> None:
    report = _with_deny("0.0.0.0/0", 443)

    assert _path(report, "kms") == (False, [("deny", "SUBNET_ACL_RESTRICTION")])
    assert "kms-timeout" in report.predicted_failures


def test_twin_a_deny_of_private_space_does_not_touch_kms() -> None:
    report = _with_deny("10.99.0.0/16")

    assert _path(report, "kms") == (True, []) and report.verdict == "pass"


def test_a_deny_of_part_of_s3s_known_ranges_drops_s3() -> None:
    report = _with_deny("52.216.0.0/16")  # inside the S3 list's 52.216.0.0/15

    assert _path(report, "s3") == (False, [("deny", "SUBNET_ACL_RESTRICTION")])
    assert "s3-timeout" in report.predicted_failures


NAT = "nat-38218c2b7be8c2561"
NAT_SUBNET = "subnet-146151bfcf5532e61"


def _private_nat(onward: dict[str, Any] | None) -> ConnectionReport:
    """healthy-nat with its NAT gateway private; `onward`: the NAT subnet's default route
    instead of the internet gateway's (a central egress VPC behind a transit gateway)."""
    raw = copy.deepcopy(RAW)
    (nat,) = raw["ec2"]["NatGateways"]
    nat["ConnectivityType"] = "private"
    (table,) = [t for t in raw["ec2"]["RouteTables"] if any(a.get("SubnetId") == NAT_SUBNET for a in t["Associations"])]
    if onward is not None:
        table["Routes"] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"] + [onward]
    return analyse_connection(build_inventory("us-east-1", raw), "orders-db")


def test_a_private_nat_whose_subnet_routes_to_a_transit_gateway_is_undecided() -> None:
    tgw = {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "State": "active"}

    report = _private_nat(tgw)

    (kms,) = [p for p in report.paths if p.service == "kms"]
    assert kms.reachable is None and report.verdict == "unknown"
    assert [(h.verdict, h.code) for h in kms.hops if h.verdict != "allow"] == [("unknown", "OPAQUE_TARGET")]


def test_twin_a_private_nat_whose_subnet_routes_to_the_internet_gateway_drops_it() -> None:
    report = _private_nat(None)

    (kms,) = [p for p in report.paths if p.service == "kms"]
    assert kms.reachable is False and kms.blocked_at is not None and kms.blocked_at.code == "NAT_PRIVATE"


def test_a_private_nats_subnet_acl_still_decides_before_the_transit_gateway() -> None:
    """The NAT subnet gets an ACL of its own with no outbound allow: dropped there, as for a
    public NAT gateway, not left undecided beyond the transit gateway."""
    raw = copy.deepcopy(RAW)
    (nat,) = raw["ec2"]["NatGateways"]
    nat["ConnectivityType"] = "private"
    (table,) = [t for t in raw["ec2"]["RouteTables"] if any(a.get("SubnetId") == NAT_SUBNET for a in t["Associations"])]
    tgw = {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "State": "active"}
    table["Routes"] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"] + [tgw]
    (acl,) = raw["ec2"]["NetworkAcls"]
    acl["Associations"] = [a for a in acl["Associations"] if a.get("SubnetId") != NAT_SUBNET]
    closed = copy.deepcopy(acl)
    closed |= {"NetworkAclId": "acl-0a1b2c3d4e5f60718", "IsDefault": False}
    closed["Associations"] = [{"NetworkAclId": "acl-0a1b2c3d4e5f60718", "SubnetId": NAT_SUBNET}]
    closed["Entries"] = [e for e in closed["Entries"] if not (e["Egress"] and e["RuleAction"] == "allow")]
    raw["ec2"]["NetworkAcls"].append(closed)

    report = analyse_connection(build_inventory("us-east-1", raw), "orders-db")

    (kms,) = [p for p in report.paths if p.service == "kms"]
    assert kms.reachable is False and kms.blocked_at is not None and kms.blocked_at.id == "acl-0a1b2c3d4e5f60718"
