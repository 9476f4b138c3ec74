"""A real AWS network (pybatfish's hybrid-cloud recording, us-east-2) as input: the model builder
reads AWS's own answers, and Glue connections placed in it get the verdicts AWS would give.

vpc-0574d08f8d05917e4 routes 0.0.0.0/0 to an internet gateway (no NAT); vpc-0276455718806058a
has no default route, only transit-gateway routes to the other VPC and to a VPN network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.collect import snapshot as snapshots
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.report.json_report import report_dict

DATA = Path(__file__).parent / "data" / "real-networks" / "us-east-2"
REGION = "us-east-2"
PUBLIC_VPC, PUBLIC_SUBNET, PUBLIC_SG = "vpc-0574d08f8d05917e4", "subnet-06a692ed4ef84368d", "sg-085c5c2b682cc6a91"
TGW_VPC, TGW_SUBNET, TGW_SG = "vpc-0276455718806058a", "subnet-0cb5f4c094bee5214", "sg-00df459b6c23594b4"


def _glue_connections() -> list[dict[str, Any]]:
    """Connections in moto's real get_connection shape (not hand-written)."""
    with mock_aws():
        glue = boto3.client("glue", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
        for name, subnet, group, az in (
            ("public-vpc-db", PUBLIC_SUBNET, PUBLIC_SG, "us-east-2c"),
            ("tgw-vpc-db", TGW_SUBNET, TGW_SG, "us-east-2b"),
        ):
            glue.create_connection(
                ConnectionInput={
                    "Name": name,
                    "ConnectionType": "JDBC",
                    "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:mysql://10.20.1.10:3306/app"},
                    "PhysicalConnectionRequirements": {
                        "SubnetId": subnet,
                        "SecurityGroupIdList": [group],
                        "AvailabilityZone": az,
                    },
                }
            )
        return [glue.get_connection(Name=n, HidePassword=True)["Connection"] for n in ("public-vpc-db", "tgw-vpc-db")]


def _snapshot(tmp_path: Path, *, dns_attributes: bool) -> Path:
    ec2: dict[str, Any] = {}
    for path in DATA.glob("*.json"):
        ec2.update(json.loads(path.read_text()))
    if dns_attributes:  # not in the recording: state them, as the live collector would read them
        ec2["VpcAttributes"] = {v["VpcId"]: {"EnableDnsSupport": True, "EnableDnsHostnames": True} for v in ec2["Vpcs"]}
    document = snapshots.make({REGION: {"ec2": ec2, "glue": {"Connections": _glue_connections()}}})
    path = tmp_path / "real.json"
    path.write_text(snapshots.dumps(document))
    return path


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_snapshot(_snapshot(tmp_path_factory.mktemp("real"), dns_attributes=True))[REGION]


def test_model_reads_the_real_answers(inventory) -> None:  # type: ignore[no-untyped-def]
    network = inventory.network
    assert set(network.vpcs) == {PUBLIC_VPC, TGW_VPC}
    assert network.route_table_for(network.subnets[TGW_SUBNET]).is_main  # type: ignore[union-attr]
    assert {r.target for t in network.route_tables for r in t.routes} == {
        "local",
        "transit-gateway",
        "internet-gateway",
    }
    s3 = network.prefix_list_named("com.amazonaws.us-east-2.s3")
    assert s3 is not None and len(s3.cidrs) == 4


def test_internet_gateway_vpc_blocks_kms_and_s3_at_the_gateway(inventory) -> None:  # type: ignore[no-untyped-def]
    report = report_dict(analyse_connection(inventory, "public-vpc-db"))

    assert report["verdict"] == "fail"
    for path in (p for p in report["paths"] if p["service"] in ("kms", "s3")):
        assert path["blocked_at"]["type"] == "internet-gateway"
        assert path["blocked_at"]["id"] == "igw-02fd68f94367a67c7"
    assert report["predicted_failures"] == [
        "crawler-internal-service-exception",
        "kms-timeout",
        "s3-endpoint-validation-failed",
    ]
    # The JDBC host 10.20.1.10 is an address of this VPC: traced, but its groups are unknown.
    target = next(p for p in report["paths"] if p["service"] == "target")
    assert (target["reachable"], target["via"]) == (None, "local")


def test_transit_gateway_vpc_has_no_route_to_aws(inventory) -> None:  # type: ignore[no-untyped-def]
    report = report_dict(analyse_connection(inventory, "tgw-vpc-db"))

    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["reachable"] is False
    assert kms["blocked_at"]["type"] == "route-table"
    assert "NO_ROUTE_TO_DESTINATION" in kms["blocked_at"]["reason"]


def test_unrecorded_dns_attributes_do_not_hide_a_definite_drop(tmp_path: Path) -> None:
    inventory = load_snapshot(_snapshot(tmp_path, dns_attributes=False))[REGION]

    report = report_dict(analyse_connection(inventory, "public-vpc-db"))

    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["hops"][0]["verdict"] == "unknown"
    assert (kms["reachable"], kms["blocked_at"]["type"]) == (False, "internet-gateway")
    assert any(f["check"] == "vpc-dns-attributes" and f["severity"] == "warning" for f in report["findings"])
