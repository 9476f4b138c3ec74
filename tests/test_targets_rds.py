"""Managed data sources traced in the subnets they really run in, end to end through the CLI:
an RDS instance in its own AZ's subnet of a DB subnet group over three AZs, a Multi-AZ
standby's subnet, a Redshift cluster, and (built from the documented API shapes in a
snapshot, because moto has neither) a DocumentDB cluster and an MSK cluster's brokers. Every
broken layout has a healthy twin that differs only in where the block sits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_target import connect, target

from conftest import Aws
from scenarios import SCENARIOS, Layout

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def data_subnets(aws: Aws, layout: Layout) -> list[str]:
    """Three database subnets, one per AZ (10.0.5-7.0/24)."""
    ec2 = aws.clients.ec2
    return [
        ec2.create_subnet(VpcId=layout.vpc, CidrBlock=f"10.0.{5 + n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for n, zone in enumerate(ZONES)
    ]


def admitting(aws: Aws, layout: Layout, port: int, name: str) -> str:
    ec2 = aws.clients.ec2
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=layout.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": layout.glue_sg}]}
        ],
    )
    return group


def closed_acl(aws: Aws, layout: Layout, subnet: str) -> str:
    """A custom network ACL with no entries (implicit deny) on `subnet`."""
    ec2 = aws.clients.ec2
    acl = ec2.create_network_acl(VpcId=layout.vpc)["NetworkAcl"]["NetworkAclId"]
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    association = next(
        a["NetworkAclAssociationId"]
        for n in current["NetworkAcls"]
        for a in n["Associations"]
        if a["SubnetId"] == subnet
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    return acl


def rds_instance(aws: Aws, layout: Layout, subnets: list[str], **extra: Any) -> str:
    rds = aws.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="orders", DBSubnetGroupDescription="orders", SubnetIds=subnets)
    instance = rds.create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        DBSubnetGroupName="orders",
        VpcSecurityGroupIds=[admitting(aws, layout, 5432, "orders-db")],
        MasterUsername="etl",
        MasterUserPassword="x" * 12,
        **extra,
    )["DBInstance"]
    return str(instance["Endpoint"]["Address"])


def blocked(report: dict[str, Any]) -> tuple[Any, ...]:
    path = target(report)
    where = path["blocked_at"] or {}
    return (path["reachable"], where.get("type"), where.get("id"), report["predicted_failures"], report["exit"])


def test_rds_is_traced_in_its_own_az_subnet_not_glues(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)  # Glue in us-east-1a
    subnets = data_subnets(aws, layout)
    host = rds_instance(aws, layout, subnets, AvailabilityZone="us-east-1b")
    acl = closed_acl(aws, layout, subnets[1])  # the instance's subnet

    report = connect(aws, layout, host)

    assert blocked(report) == (False, "network-acl", acl, ["target-unreachable"], 1)


def test_rds_with_a_closed_acl_only_where_it_does_not_run_passes(aws: Aws) -> None:
    """The twin: the closed ACL sits on the subnet group's us-east-1a subnet (Glue's AZ, which
    the old rule picked), while the instance runs in us-east-1b."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    subnets = data_subnets(aws, layout)
    host = rds_instance(aws, layout, subnets, AvailabilityZone="us-east-1b")
    acl = closed_acl(aws, layout, subnets[0])

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["via"], report["verdict"], report["exit"]) == (True, "local", "pass", 0)
    assert acl not in {h["id"] for h in path["hops"]}


def snapshot_of(aws: Aws, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "snap.json"
    taken = aws.cli("snapshot", "--output", str(path))
    assert taken.code == 0, taken.stderr
    return path, json.loads(path.read_text())


def offline(aws: Aws, path: Path, document: dict[str, Any], name: str = "orders-rds") -> dict[str, Any]:
    path.write_text(json.dumps(document))
    result = aws.cli("connection", name, "--format", "json", "--snapshot", str(path))
    assert result.stderr == "", result.stderr
    report: dict[str, Any] = result.json
    report["exit"] = result.code
    return report


def multi_az(aws: Aws, tmp_path: Path, closed: int) -> tuple[dict[str, Any], str]:
    """A Multi-AZ instance in us-east-1a with its standby in us-east-1b. moto answers no
    SecondaryAvailabilityZone, so the snapshot gets the field as DescribeDBInstances documents it."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    subnets = data_subnets(aws, layout)
    host = rds_instance(aws, layout, subnets, AvailabilityZone="us-east-1a", MultiAZ=True)
    acl = closed_acl(aws, layout, subnets[closed])
    connect(aws, layout, host)
    path, document = snapshot_of(aws, tmp_path)
    (instance,) = document["regions"]["us-east-1"]["rds"]["DBInstances"]
    assert instance["MultiAZ"] is True
    instance["SecondaryAvailabilityZone"] = "us-east-1b"
    return offline(aws, path, document), acl


def test_multi_az_standby_subnet_blocked_fails(aws: Aws, tmp_path: Path) -> None:
    report, acl = multi_az(aws, tmp_path, closed=1)

    assert blocked(report) == (False, "network-acl", acl, ["target-unreachable"], 1)
    assert "standby" in target(report)["blocked_at"]["reason"]


def test_multi_az_with_the_closed_acl_on_an_unused_subnet_passes(aws: Aws, tmp_path: Path) -> None:
    report, _ = multi_az(aws, tmp_path, closed=2)  # us-east-1c: neither primary nor standby

    assert (target(report)["reachable"], report["verdict"], report["exit"]) == (True, "pass", 0)


def redshift(aws: Aws, layout: Layout, *, admit: bool) -> tuple[str, str]:
    subnets = data_subnets(aws, layout)
    client = aws.client("redshift")
    client.create_cluster_subnet_group(ClusterSubnetGroupName="wh", Description="wh", SubnetIds=subnets)
    if admit:
        group = admitting(aws, layout, 5439, "warehouse")
    else:
        group = aws.clients.ec2.create_security_group(GroupName="warehouse", Description="wh", VpcId=layout.vpc)[
            "GroupId"
        ]
    client.create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="ra3.xlplus",
        MasterUsername="etl",
        MasterUserPassword="Passw0rdPassw0rd",
        ClusterSubnetGroupName="wh",
        AvailabilityZone="us-east-1c",
        VpcSecurityGroupIds=[group],
    )
    endpoint = client.describe_clusters(ClusterIdentifier="warehouse")["Clusters"][0]["Endpoint"]["Address"]
    return str(endpoint), group


def connect_redshift(aws: Aws, layout: Layout, host: str) -> dict[str, Any]:
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "warehouse",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:redshift://{host}:5439/dev"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    result = aws.cli("connection", "warehouse", "--format", "json")
    report: dict[str, Any] = result.json
    report["exit"] = result.code
    return report


def test_redshift_cluster_admitting_glue_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, group = redshift(aws, layout, admit=True)

    report = connect_redshift(aws, layout, host)

    path = target(report)
    assert (path["port"], path["reachable"], path["via"], report["exit"]) == (5439, True, "local", 0)
    assert any(h["id"] == group for h in path["hops"])


def test_redshift_cluster_whose_group_does_not_admit_glue(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, group = redshift(aws, layout, admit=False)

    report = connect_redshift(aws, layout, host)

    assert blocked(report) == (False, "security-group", group, ["target-unreachable"], 1)


DOCDB = "docs.cluster-c1a2b3.us-east-1.docdb.amazonaws.com"


def documentdb(aws: Aws, tmp_path: Path, *, admit: bool) -> tuple[dict[str, Any], str]:
    """moto refuses Engine=docdb: the cluster and its two instances are added to the snapshot
    in DescribeDBClusters/DescribeDBInstances' documented shape (the RDS API answers for
    DocumentDB), over the real moto subnets and group."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    subnets = data_subnets(aws, layout)
    ec2 = aws.clients.ec2
    group = (
        admitting(aws, layout, 27017, "docs")
        if admit
        else ec2.create_security_group(GroupName="docs", Description="docs", VpcId=layout.vpc)["GroupId"]
    )
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "docs",
            "ConnectionType": "MONGODB",
            "ConnectionProperties": {"CONNECTION_URL": f"mongodb://{DOCDB}:27017/app"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    path, document = snapshot_of(aws, tmp_path)
    group_shape = {
        "DBSubnetGroupName": "docs",
        "VpcId": layout.vpc,
        "Subnets": [
            {"SubnetIdentifier": s, "SubnetAvailabilityZone": {"Name": z}} for s, z in zip(subnets, ZONES, strict=True)
        ],
    }
    instances = [
        {
            "DBInstanceIdentifier": f"docs-{n}",
            "Engine": "docdb",
            "AvailabilityZone": zone,
            "Endpoint": {"Address": f"docs-{n}.c1a2b3.us-east-1.docdb.amazonaws.com", "Port": 27017},
            "DBSubnetGroup": group_shape,
            "VpcSecurityGroups": [{"VpcSecurityGroupId": group, "Status": "active"}],
        }
        for n, zone in ((1, "us-east-1b"), (2, "us-east-1c"))
    ]
    cluster = {
        "DBClusterIdentifier": "docs",
        "Engine": "docdb",
        "Endpoint": DOCDB,
        "ReaderEndpoint": "docs.cluster-ro-c1a2b3.us-east-1.docdb.amazonaws.com",
        "Port": 27017,
        "DBSubnetGroup": "docs",
        "VpcSecurityGroups": [{"VpcSecurityGroupId": group, "Status": "active"}],
        "DBClusterMembers": [
            {"DBInstanceIdentifier": "docs-1", "IsClusterWriter": True},
            {"DBInstanceIdentifier": "docs-2", "IsClusterWriter": False},
        ],
    }
    document["regions"]["us-east-1"]["rds"] = {"DBInstances": instances, "DBClusters": [cluster]}
    return offline(aws, path, document, "docs"), group


def test_documentdb_cluster_admitting_glue_passes(aws: Aws, tmp_path: Path) -> None:
    report, group = documentdb(aws, tmp_path, admit=True)

    path = target(report)
    assert (path["port"], path["reachable"], path["via"], report["exit"]) == (27017, True, "local", 0)
    # Writer (us-east-1b) and reader (us-east-1c): both subnets' groups and ACLs were checked.
    assert sum(group in h["id"] for h in path["hops"]) == 2


def test_documentdb_cluster_whose_group_does_not_admit_glue(aws: Aws, tmp_path: Path) -> None:
    report, group = documentdb(aws, tmp_path, admit=False)

    assert blocked(report) == (False, "security-group", group, ["target-unreachable"], 1)


def msk(aws: Aws, tmp_path: Path, *, closed: int | None) -> tuple[dict[str, Any], str | None]:
    """moto has no MSK ListNodes: the cluster (ListClustersV2) and its three brokers (ListNodes)
    are added to the snapshot in the documented shapes, one broker ENI per AZ subnet. The
    connection names only broker 1; a Kafka client connects to every broker it advertises."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    subnets = data_subnets(aws, layout)
    group = admitting(aws, layout, 9094, "events")
    acl = closed_acl(aws, layout, subnets[closed]) if closed is not None else None
    host = "b-1.events.k8x2c3.c2.kafka.us-east-1.amazonaws.com"
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "events",
            "ConnectionType": "KAFKA",
            "ConnectionProperties": {"KAFKA_BOOTSTRAP_SERVERS": f"{host}:9094", "KAFKA_SSL_ENABLED": "true"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    path, document = snapshot_of(aws, tmp_path)
    arn = "arn:aws:kafka:us-east-1:123456789012:cluster/events/7c1e0f5e-1"
    document["regions"]["us-east-1"]["kafka"] = {
        "Clusters": [
            {
                "ClusterArn": arn,
                "ClusterName": "events",
                "ClusterType": "PROVISIONED",
                "Provisioned": {"BrokerNodeGroupInfo": {"ClientSubnets": subnets, "SecurityGroups": [group]}},
            }
        ],
        "Nodes": {
            arn: [
                {
                    "NodeType": "BROKER",
                    "BrokerNodeInfo": {
                        "BrokerId": float(n + 1),
                        "ClientSubnet": subnet,
                        "ClientVpcIpAddress": f"10.0.{5 + n}.20",
                        "Endpoints": [f"b-{n + 1}.events.k8x2c3.c2.kafka.us-east-1.amazonaws.com"],
                    },
                }
                for n, subnet in enumerate(subnets)
            ]
        },
    }
    return offline(aws, path, document, "events"), acl


def test_msk_broker_not_named_in_the_bootstrap_list_is_traced_too(aws: Aws, tmp_path: Path) -> None:
    report, acl = msk(aws, tmp_path, closed=2)  # broker 3's subnet

    assert blocked(report) == (False, "network-acl", acl, ["target-unreachable"], 1)
    assert "events broker 3" in target(report)["blocked_at"]["reason"]


def test_msk_cluster_with_every_broker_reachable_passes(aws: Aws, tmp_path: Path) -> None:
    report, _ = msk(aws, tmp_path, closed=None)

    path = target(report)
    assert (path["port"], path["reachable"], path["via"], report["exit"]) == (9094, True, "local", 0)
