"""An IP-literal target's groups: found, found with none, or not looked up.

The estate (tests/data/targets/peered.json) is a snapshot the collector took of moto: a Glue
VPC peered with a database VPC (10.1.0.0/16) whose group orders-db admits 5432 from the Glue
subnet. The ENIs are set here in DescribeNetworkInterfaces' documented shape: moto cannot make
an interface without groups (a Network Load Balancer's), nor an unread lookup.
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

ESTATE = json.loads((Path(__file__).parent / "data" / "targets" / "peered.json").read_text())
REGION = "us-east-1"
GLUE_VPC, DB_VPC = "vpc-7285551b8c829ec7d", "vpc-26743a983ee3c8b2b"
OTHER_GLUE_SUBNET, DB_SUBNET = "subnet-b1fa963a204598ca3", "subnet-aaf09ae44c5a41ef6"
DB_GROUP = "sg-cb2e98da5d0c16aa0"  # admits 5432 from the Glue subnet 10.0.1.0/24


def _interface(address: str, vpc: str, subnet: str, groups: list[str], kind: str = "interface") -> dict[str, Any]:
    return {
        "NetworkInterfaceId": "eni-0a1b2c3d4e5f60718",
        "VpcId": vpc,
        "SubnetId": subnet,
        "PrivateIpAddress": address,
        "PrivateIpAddresses": [{"PrivateIpAddress": address, "Primary": True}],
        "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
        "InterfaceType": kind,
    }


def _target(
    address: str, interfaces: list[dict[str, Any]], looked_up: bool = True, denied: bool = False
) -> ConnectionReport:
    estate = copy.deepcopy(ESTATE)
    region = estate["regions"][REGION]
    (conn,) = [c for c in region["glue"]["Connections"] if c["Name"] == "orders-rds"]
    conn["ConnectionProperties"]["JDBC_CONNECTION_URL"] = f"jdbc:postgresql://{address}:5432/orders"
    ec2 = region["ec2"]
    ec2["NetworkInterfaces"] = interfaces
    ec2["NetworkInterfaceLookups"] = [address] if looked_up and not denied else []
    if denied:
        ec2["Denied"] = sorted({*ec2.get("Denied", []), "ec2:DescribeNetworkInterfaces"})
    return analyse_connection(build_inventory(REGION, region), "orders-rds")


def _hop(report: ConnectionReport) -> tuple[str, str | None]:
    (path,) = [p for p in report.paths if p.service == "target"]
    (hop,) = [
        h for h in path.hops if h.type in ("network-interface", "security-group") and h.id != "sg-b65cada41a6fda67a"
    ]
    return hop.verdict, hop.code


@pytest.mark.parametrize("denied", [False, True])
def test_a_peered_address_whose_interface_is_not_known_is_undecided_not_a_drop(denied: bool) -> None:
    report = _target("10.1.5.10", [], looked_up=False, denied=denied)

    assert report.verdict == "unknown" and report.predicted_failures == ()
    assert _hop(report) == ("unknown", "UNREADABLE" if denied else "DATA_MISSING")


def test_twin_the_peered_interface_found_with_its_group_passes() -> None:
    report = _target("10.1.5.10", [_interface("10.1.5.10", DB_VPC, DB_SUBNET, [DB_GROUP])])

    assert _hop(report) == ("allow", None)
    assert [p.reachable for p in report.paths if p.service == "target"] == [True]


def test_twin_the_peered_interface_found_with_a_group_that_refuses_fails() -> None:
    report = _target("10.1.5.10", [_interface("10.1.5.10", DB_VPC, DB_SUBNET, ["sg-fc37a331a5a4f983f"])])

    assert _hop(report)[0] == "deny"
    assert "target-unreachable" in report.predicted_failures


def test_an_interface_without_groups_is_not_filtered() -> None:
    """A Network Load Balancer made without security groups: nothing filters its traffic."""
    nlb = _interface("10.0.0.77", GLUE_VPC, OTHER_GLUE_SUBNET, [], kind="network_load_balancer")

    report = _target("10.0.0.77", [nlb])

    assert _hop(report) == ("allow", None)
    assert [p.reachable for p in report.paths if p.service == "target"] == [True]


def test_twin_the_same_interface_behind_a_group_that_refuses_fails() -> None:
    guarded = _interface(
        "10.0.0.77", GLUE_VPC, OTHER_GLUE_SUBNET, ["sg-e42d36535210fd2ef"], kind="network_load_balancer"
    )

    report = _target("10.0.0.77", [guarded])

    assert _hop(report)[0] == "deny"
    assert "target-unreachable" in report.predicted_failures


def _public_database(second_eip: bool) -> ConnectionReport:
    """orders-rds reaches the publicly accessible database the public way, through the NAT
    gateway; the database's group admits only the Glue subnet (not the NAT's addresses)."""
    from glue_netcheck.fixes.proof import prove

    estate = copy.deepcopy(ESTATE)
    region = estate["regions"][REGION]
    (nat,) = region["ec2"]["NatGateways"]
    if second_eip:
        extra = {**nat["NatGatewayAddresses"][0], "PublicIp": "198.51.100.99", "PrivateIp": "10.0.0.99"}
        nat["NatGatewayAddresses"].append({**extra, "AllocationId": "eipalloc-0a1b2c3d4e5f60718", "IsPrimary": False})
    (group,) = [g for g in region["ec2"]["SecurityGroups"] if g["GroupId"] == DB_GROUP]
    for permission in group["IpPermissions"]:
        permission["IpRanges"] = [r for r in permission["IpRanges"] if r["CidrIp"] == "10.0.1.0/24"]
    inventory = build_inventory(REGION, region)
    return prove(inventory, analyse_connection(inventory, "orders-rds"))


@pytest.mark.parametrize("second_eip", [False, True])
def test_the_fix_for_a_public_database_admits_each_nat_address_never_everyone(second_eip: bool) -> None:
    report = _public_database(second_eip)

    (finding,) = [f for f in report.findings if f.check == "target-reachable" and f.severity == "error"]
    assert finding.fix is not None and finding.fix.verified, finding.fix
    cidrs = sorted(c.split("CidrIp=")[1].split("}")[0] for c in finding.fix.commands)
    assert "0.0.0.0/0" not in " ".join(finding.fix.commands)
    eips = [a["PublicIp"] for a in ESTATE["regions"][REGION]["ec2"]["NatGateways"][0]["NatGatewayAddresses"]]
    assert cidrs == sorted(f"{ip}/32" for ip in [*eips, *(["198.51.100.99"] if second_eip else [])])
