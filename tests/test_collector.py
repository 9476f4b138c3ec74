"""The live collector against moto: API economy, read-only guard, snapshot round trip."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from glue_netcheck.collect import aws as collector

from conftest import Aws
from scenarios import CONNECTION, SCENARIOS


@pytest.fixture
def reader(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> collector.AwsReader:
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    return collector.AwsReader()


@pytest.mark.parametrize("name", ["healthy-nat", "custom-dns-servers", "missing-subnet"])
def test_connection_analysis_makes_at_most_25_calls(aws: Aws, reader: collector.AwsReader, name: str) -> None:
    SCENARIOS[name](aws.clients)

    collector.collect_connection(reader, CONNECTION)

    assert sum(reader.calls.values()) <= 25, reader.calls
    # One describe per resource type (the VPC attribute is read once per attribute).
    per_operation = Counter({op: n for op, n in reader.calls.items() if op != "ec2:DescribeVpcAttribute"})
    assert per_operation.most_common(1)[0][1] <= 2, reader.calls  # DescribeSubnets: lookup + VPC-wide
    assert all(op.split(":")[1].startswith(("Describe", "Get", "List")) for op in reader.calls)


def test_collector_refuses_to_write(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    ec2 = reader.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]

    with pytest.raises(collector.ReadOnlyViolation, match="CreateSubnet"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.9.0/24")

    assert len(aws.clients.ec2.describe_subnets()["Subnets"]) == len(ec2.describe_subnets()["Subnets"])


def test_collector_reads_only_the_connections_vpc(aws: Aws, reader: collector.AwsReader) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    other = aws.clients.ec2.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    aws.clients.ec2.create_subnet(VpcId=other, CidrBlock="172.16.1.0/24")

    raw = collector.collect_connection(reader, CONNECTION)

    assert {s["VpcId"] for s in raw["ec2"]["Subnets"]} == {layout.vpc}
    assert {v["VpcId"] for v in raw["ec2"]["Vpcs"]} == {layout.vpc}


def test_snapshot_then_offline_equals_live(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["kms-private-dns-off"](aws.clients)
    snapshot = tmp_path / "snap.json"

    taken = aws.cli("snapshot", "--output", str(snapshot))
    live = aws.cli("connection", CONNECTION, "--format", "json")
    offline = aws.cli("connection", CONNECTION, "--format", "json", "--snapshot", str(snapshot))

    assert taken.code == 0 and "1 connection(s)" in taken.stderr
    assert live.code == offline.code == 1
    assert live.json == offline.json
    document = json.loads(snapshot.read_text())
    assert (document["format"], document["version"]) == ("glue-netcheck-snapshot", 1)
    assert "canary-Sup3rSecret" not in snapshot.read_text()
    properties = document["regions"]["us-east-1"]["glue"]["Connections"][0]["ConnectionProperties"]
    assert "PASSWORD" not in properties and properties["USERNAME"] == "etl"


def test_offline_run_makes_no_aws_call(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    snapshot = tmp_path / "snap.json"
    aws.cli("snapshot", "--output", str(snapshot))
    from conftest import run_cli

    # An endpoint nobody listens on: any AWS call would fail the run.
    result = run_cli("connection", CONNECTION, "--snapshot", str(snapshot), "--format", "json")

    assert result.code == 0 and result.json["verdict"] == "pass"


def test_iam_policy_lists_exactly_what_the_collector_calls(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from glue_netcheck.iam import ACTIONS

    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    used: set[str] = set()
    for collect in (
        lambda r: collector.collect_connection(r, CONNECTION),
        lambda r: collector.collect_consumer(r, "job", "nightly-etl"),
        lambda r: collector.collect_consumer(r, "crawler", "orders-crawler"),
        collector.collect_region,
    ):
        for key, value in aws.env.items():
            monkeypatch.setenv(key, value)
        reader = collector.AwsReader()
        collect(reader)
        used |= set(reader.calls)

    # DescribeDhcpOptions is only called for a VPC with custom DHCP options.
    assert used | {"ec2:DescribeDhcpOptions"} == set(ACTIONS)
