"""The live collector against moto: API economy, read-only guard, snapshot round trip."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from glue_netcheck.collect import aws as collector
from glue_netcheck.collect import sources
from glue_netcheck.collect.permissions import ACTIONS, BY_COMMAND, CONDITIONAL, FLEET_EXTRAS

from conftest import Aws
from scenarios import CONNECTION, SCENARIOS


@pytest.fixture
def reader(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> collector.AwsReader:
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    return collector.AwsReader()


@pytest.mark.parametrize("name", ["healthy-nat", "custom-dns-servers", "missing-subnet"])
def test_connection_analysis_makes_at_most_20_calls(aws: Aws, reader: collector.AwsReader, name: str) -> None:
    SCENARIOS[name](aws.clients)

    collector.collect_connection(reader, CONNECTION)

    # 19 for the scenarios' Aurora cluster target (DescribeDBClusters is read only for a
    # cluster endpoint); a custom DHCP options set (DescribeDhcpOptions) or a subnet that is
    # gone (its groups place the VPC) is one conditional read more. Block Public Access is read
    # only when the subnets say it is on (moto's never do: see test_collect_block_public_access).
    conditional = {"custom-dns-servers": 1, "missing-subnet": 1}.get(name, 0)
    assert sum(reader.calls.values()) == 19 + conditional <= 20, reader.calls
    # One describe per resource type (the VPC attribute is read once per attribute).
    per_operation = Counter({op: n for op, n in reader.calls.items() if op != "ec2:DescribeVpcAttribute"})
    # DescribeSecurityGroups twice only when the subnet is gone: the groups then place the VPC.
    assert per_operation.most_common(1)[0][1] == (2 if name == "missing-subnet" else 1), reader.calls
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


@pytest.mark.parametrize(
    ("command", "collect"),
    [
        ("connection", lambda r: collector.collect_connection(r, CONNECTION)),
        ("job", lambda r: collector.collect_consumer(r, "job", "nightly-etl")),
        ("crawler", lambda r: collector.collect_consumer(r, "crawler", "orders-crawler")),
        ("scan", collector.collect_region),
    ],
)
def test_iam_policy_lists_exactly_what_each_command_calls(
    aws: Aws, reader: collector.AwsReader, command, collect
) -> None:  # type: ignore[no-untyped-def]
    SCENARIOS["custom-dns-servers"](aws.clients)  # custom DHCP options: DescribeDhcpOptions is called too
    with_roles(aws)

    collect(reader)

    # Every call is in the policy; every action of the policy is called but for conditional ones.
    assert set(reader.calls) <= set(BY_COMMAND[command])
    assert set(BY_COMMAND[command]) - set(reader.calls) <= set(FLEET_EXTRAS) | set(CONDITIONAL)
    assert all(op.split(":")[1].startswith(("Describe", "Get", "List")) for op in reader.calls)


def test_iam_policy_command_prints_a_valid_policy() -> None:
    from conftest import run_cli

    result = run_cli("iam-policy", "--command", "connection")
    document = json.loads(result.stdout)
    assert result.code == 0
    assert document["Statement"][0]["Action"] == list(BY_COMMAND["connection"])
    assert json.loads(run_cli("iam-policy").stdout)["Statement"][0]["Action"] == list(ACTIONS)


def with_roles(aws: Aws) -> None:
    """The scenario's job and crawler roles in IAM, each with an inline and an attached policy."""
    iam = aws.client("iam")
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
    )
    managed = iam.create_policy(PolicyName="glue-kms", PolicyDocument=document)["Policy"]["Arn"]
    for role in ("glue-etl", "glue-crawler"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
        iam.put_role_policy(RoleName=role, PolicyName="inline", PolicyDocument=document)
        iam.attach_role_policy(RoleName=role, PolicyArn=managed)


def _throttle(client, operation: str, times: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Answer `operation` with EC2's throttling error `times` times. moto never throttles, so
    this injects AWS's documented error body at the HTTP layer; everything else is moto's."""
    from botocore.awsrequest import AWSResponse

    hits: list[int] = []

    class Raw:
        def stream(self, *_: object, **__: object):  # type: ignore[no-untyped-def]
            yield body

    body = (
        b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
        b"</Message></Error></Errors><RequestID>t</RequestID></Response>"
    )

    def handler(request, **_: object):  # type: ignore[no-untyped-def]
        hits.append(1)
        if len(hits) <= times:
            return AWSResponse(request.url, 503, {}, Raw())
        return None

    client.meta.events.register_first(f"before-send.ec2.{operation}", handler)
    return hits


def test_throttled_call_is_retried(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    hits = _throttle(reader.client("ec2"), "DescribeRouteTables", times=2)

    raw = collector.collect_connection(reader, CONNECTION)

    assert len(hits) == 3 and raw["ec2"]["RouteTables"]


def test_persistent_throttling_is_one_clear_error(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    for key, value in {**aws.env, "AWS_MAX_ATTEMPTS": "2"}.items():
        monkeypatch.setenv(key, value)
    reader = collector.AwsReader()
    hits = _throttle(reader.client("ec2"), "DescribeRouteTables", times=99)

    with pytest.raises(
        collector.AnalysisError, match=r"ec2:DescribeRouteTables was throttled by AWS \(RequestLimitExceeded\)"
    ):
        collector.collect_connection(reader, CONNECTION)
    assert len(hits) == 2


def test_every_command_only_reads(aws: Aws, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from glue_netcheck.cli import app

    SCENARIOS["healthy-kms-endpoint"](aws.clients)
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    sent: list[str] = []
    guard = collector.AwsReader._guard

    def recording(self, model, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(f"{model.service_model.service_name}:{model.name}")
        return guard(self, model, **kwargs)

    monkeypatch.setattr(collector.AwsReader, "_guard", recording)
    commands = [
        ["connection", CONNECTION],
        ["job", "nightly-etl"],
        ["crawler", "orders-crawler"],
        ["scan"],
        ["snapshot", "--output", str(tmp_path / "s.json")],
    ]
    for command in commands:
        result = CliRunner().invoke(app, command)
        assert result.exit_code in (0, 1, 3), (command, result.output)

    assert len(sent) > 50
    assert {op.split(":")[1][:3] for op in sent} <= {"Des", "Get", "Lis"}, sorted(set(sent))


@pytest.mark.parametrize(
    ("url", "reads"),
    [
        ("jdbc:postgresql://db.internal:5432/app", set()),
        ("jdbc:postgresql://orders.abc.us-east-1.rds.amazonaws.com:5432/app", {"rds:DescribeDBInstances"}),
        # A cluster's subnets come from its member instances: no subnet-group read.
        (
            "jdbc:mysql://a.cluster-abc.us-east-1.rds.amazonaws.com:3306/app",
            {"rds:DescribeDBInstances", "rds:DescribeDBClusters"},
        ),
        # moto rejects the docdb engine, so only the decision to read is tested here.
        (
            "mongodb://docs.cluster-abc.us-east-1.docdb.amazonaws.com:27017/app",
            {"rds:DescribeDBInstances", "rds:DescribeDBClusters"},
        ),
        (
            "jdbc:redshift://wh.abc.us-east-1.redshift.amazonaws.com:5439/dev",
            {"redshift:DescribeClusters", "redshift:DescribeClusterSubnetGroups"},
        ),
        # moto's MSK has no ListNodes: no cluster is named, so none is listed.
        ("kafka:b-1.events.abc.c2.kafka.us-east-1.amazonaws.com:9094", {"kafka:ListClustersV2"}),
    ],
)
def test_data_sources_are_read_only_when_a_connection_names_one(
    aws: Aws, reader: collector.AwsReader, url: str, reads
) -> None:  # type: ignore[no-untyped-def]
    key = "CONNECTION_URL" if url.startswith("mongodb") else "JDBC_CONNECTION_URL"
    props = {"KAFKA_BOOTSTRAP_SERVERS": url.removeprefix("kafka:")} if url.startswith("kafka:") else {key: url}
    connections = [{"Name": "c", "ConnectionProperties": props}]

    sources.collect_databases(reader, connections)
    sources.collect_redshift(reader, connections)
    sources.collect_kafka(reader, connections)

    assert set(reader.calls) == reads
