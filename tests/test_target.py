"""The connection's own data source, end to end against moto: an RDS instance in the same VPC
allowed, blocked by its security group, blocked by a network ACL; in another VPC (undecidable);
an external host (reported, not traced). Target URL parsing for every documented form."""

from __future__ import annotations

from typing import Any

import pytest

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.model.targets import Address, address, addresses

from conftest import Aws
from scenarios import AZ, SCENARIOS, Layout


def database(
    aws: Aws, vpc: str, *, admit: str | None, net: str = "10.0", public: bool = False
) -> tuple[str, str, list[str]]:
    """A PostgreSQL instance in two new subnets of `vpc`; its group admits `admit` on 5432."""
    ec2 = aws.clients.ec2
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for cidr, az in ((f"{net}.5.0/24", AZ), (f"{net}.6.0/24", "us-east-1b"))
    ]
    group = ec2.create_security_group(GroupName="orders-db", Description="database", VpcId=vpc)["GroupId"]
    if admit:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": admit}]}
            ],
        )
    rds = aws.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="orders", DBSubnetGroupDescription="orders", SubnetIds=subnets)
    instance = rds.create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        DBSubnetGroupName="orders",
        VpcSecurityGroupIds=[group],
        MasterUsername="etl",
        MasterUserPassword="x" * 12,
        PubliclyAccessible=public,
    )["DBInstance"]
    return instance["Endpoint"]["Address"], group, subnets


def connect(aws: Aws, layout: Layout, host: str, name: str = "orders-rds") -> dict[str, Any]:
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": name,
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:postgresql://{host}:5432/orders", "USERNAME": "etl"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": AZ,
            },
        }
    )
    result = aws.cli("connection", name, "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    report["exit"] = result.code
    return report


def target(report: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in report["paths"] if p["service"] == "target")


def test_rds_in_the_same_vpc_admitting_glue(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, _, _ = database(aws, layout.vpc, admit=layout.glue_sg)

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["endpoint"], path["port"], path["reachable"], path["via"]) == (host, 5432, True, "local")
    assert (report["verdict"], report["exit"]) == ("pass", 0)


def test_rds_whose_group_does_not_admit_glue(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, group, _ = database(aws, layout.vpc, admit=None)

    report = connect(aws, layout, host)

    path = target(report)
    assert path["reachable"] is False and path["blocked_at"]["type"] == "security-group"
    assert path["blocked_at"]["id"] == group
    assert report["predicted_failures"] == ["target-unreachable"] and report["exit"] == 1
    finding = next(f for f in report["findings"] if f["check"] == "target-reachable")
    assert finding["resource"] == group
    assert f"UserIdGroupPairs=[{{GroupId={layout.glue_sg}}}]" in finding["remediation"]


def test_rds_behind_a_network_acl(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, _, subnets = database(aws, layout.vpc, admit=layout.glue_sg)
    ec2 = aws.clients.ec2
    acl = ec2.create_network_acl(VpcId=layout.vpc)["NetworkAcl"]["NetworkAclId"]  # no entries: implicit deny
    for subnet in subnets:
        current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        association = next(
            a["NetworkAclAssociationId"]
            for n in current["NetworkAcls"]
            for a in n["Associations"]
            if a["SubnetId"] == subnet
        )
        ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["blocked_at"]["type"], path["blocked_at"]["id"]) == (False, "network-acl", acl)
    assert report["predicted_failures"] == ["target-unreachable"]


def test_rds_in_an_overlapping_vpc_is_swallowed_by_the_local_route(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    other = aws.clients.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    host, _, _ = database(aws, other, admit=None)

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["blocked_at"]["type"]) == (False, "route-table")
    assert path["blocked_at"]["id"] == layout.route_table and "local" in path["blocked_at"]["reason"]


def peered(aws: Aws, layout: Layout, *, return_route: bool, public: bool = False) -> tuple[str, str, str]:
    """An RDS instance in a peered VPC 10.1.0.0/16 admitting the Glue subnet's CIDR."""
    ec2 = aws.clients.ec2
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    host, group, subnets = database(aws, other, admit=None, net="10.1", public=public)
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}
        ],
    )
    pcx = ec2.create_vpc_peering_connection(VpcId=layout.vpc, PeerVpcId=other)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    db_table = ec2.create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=db_table, SubnetId=subnet)
    if return_route:
        ec2.create_route(RouteTableId=db_table, DestinationCidrBlock="10.0.1.0/24", VpcPeeringConnectionId=pcx)
    return host, pcx, db_table


def test_rds_in_a_peered_vpc(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, pcx, _ = peered(aws, layout, return_route=True)

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["via"]) == (True, "vpc-peering")
    assert any(h["type"] == "vpc-peering" and h["id"] == pcx for h in path["hops"])
    assert report["verdict"] == "pass"


def test_rds_in_a_peered_vpc_without_the_return_route(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, _, db_table = peered(aws, layout, return_route=False)

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["blocked_at"]["type"], path["blocked_at"]["id"]) == (False, "route-table", db_table)
    assert "no return route to 10.0.1.0/24" in path["blocked_at"]["reason"]
    assert report["predicted_failures"] == ["target-unreachable"]


def test_public_rds_in_a_peered_vpc_resolves_to_its_public_address(aws: Aws) -> None:
    # The peering does not let the Glue VPC resolve the database's public name privately: the
    # name gives the public address, the traffic leaves by the NAT gateway, and the group,
    # which admits only the Glue subnet's private range, drops it.
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, _, _ = peered(aws, layout, return_route=True, public=True)
    group = _group_of(aws, "orders")

    report = connect(aws, layout, host)

    path = target(report)
    assert (path["reachable"], path["blocked_at"]["type"], path["blocked_at"]["id"]) == (False, "security-group", group)
    assert any(h["type"] == "database" and "publicly accessible" in h["detail"] for h in path["hops"])
    assert (report["exit"], report["predicted_failures"]) == (1, ["target-unreachable"])


def test_twin_public_rds_resolved_privately_through_the_peering_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, pcx, _ = peered(aws, layout, return_route=True, public=True)
    aws.clients.ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}
    )

    report = connect(aws, layout, host)

    assert (target(report)["reachable"], target(report)["via"]) == (True, "vpc-peering")
    assert report["verdict"] == "pass"


def test_twin_public_rds_admitting_the_nat_gateways_address_passes_the_public_way(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host, _, db_table = peered(aws, layout, return_route=True, public=True)
    ec2 = aws.clients.ec2
    nat = ec2.describe_nat_gateways(NatGatewayIds=[layout.nat])["NatGateways"][0]
    address = nat["NatGatewayAddresses"][0]["PublicIp"]
    ec2.authorize_security_group_ingress(
        GroupId=_group_of(aws, "orders"),
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": f"{address}/32"}]}
        ],
    )
    other = ec2.describe_route_tables(RouteTableIds=[db_table])["RouteTables"][0]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=other)
    ec2.create_route(RouteTableId=db_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    report = connect(aws, layout, host)

    assert (target(report)["reachable"], target(report)["via"]) == (True, "nat-gateway")
    assert report["verdict"] == "pass"


def _group_of(aws: Aws, instance: str) -> str:
    answer = aws.client("rds").describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]
    return str(answer["VpcSecurityGroups"][0]["VpcSecurityGroupId"])


def test_external_host_whose_public_path_is_blocked_is_undecided_naming_the_blocker(aws: Aws) -> None:
    # A NAT gateway whose subnet has no internet route: a public host fails, but the name may
    # resolve inside the VPC, which the API cannot show. Undecided, never a pass.
    layout = SCENARIOS["nat-without-igw-route"](aws.clients)

    report = connect(aws, layout, "db.partner.example.com")

    path = target(report)
    assert (path["reachable"], path["blocked_at"]) == (None, None)
    [hop] = [h for h in path["hops"] if h["verdict"] == "unknown"]
    assert (hop["type"], hop["id"], hop["code"]) == ("route-table", layout.route_table, "DATA_MISSING")
    assert f"blocked at {layout.public_route_table}" in hop["detail"]
    assert not any(f["check"] == "target-reachable" for f in report["findings"])
    assert "target-unreachable" not in report["predicted_failures"]


def test_twin_external_host_with_an_open_public_path_is_an_info_note(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)

    report = connect(aws, layout, "db.partner.example.com")

    assert not any(p["service"] == "target" for p in report["paths"])
    finding = next(f for f in report["findings"] if f["check"] == "target-reachable")
    assert finding["severity"] == "info" and "the public path is open" in finding["message"]
    assert (report["exit"], report["verdict"]) == (0, "pass")


@pytest.mark.parametrize(
    ("kind", "properties", "expected"),
    [
        # Every bootstrap broker, each with the port its protocol implies when it gives none.
        (
            "KAFKA",
            {"KAFKA_BOOTSTRAP_SERVERS": "b-1.k.x,b-2.k.x", "KAFKA_SSL_ENABLED": "false"},
            (Address("b-1.k.x", 9092), Address("b-2.k.x", 9092)),
        ),
        (
            "KAFKA",
            {"KAFKA_BOOTSTRAP_SERVERS": "b-1.k.x, b-2.k.x"},
            (Address("b-1.k.x", 9094), Address("b-2.k.x", 9094)),
        ),
        (
            "KAFKA",
            {"KAFKA_BOOTSTRAP_SERVERS": "b-1.k.x", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"},
            (Address("b-1.k.x", 9096),),
        ),
        (
            "KAFKA",
            {"KAFKA_BOOTSTRAP_SERVERS": "b-1.k.x", "KAFKA_SASL_MECHANISM": "AWS_MSK_IAM"},
            (Address("b-1.k.x", 9098),),
        ),
        (
            "KAFKA",
            {"KAFKA_BOOTSTRAP_SERVERS": "b-1.k.x:9198,b-2.k.x:9198"},
            (Address("b-1.k.x", 9198), Address("b-2.k.x", 9198)),
        ),
        # The newer connection types name their target by HOST and PORT.
        ("POSTGRESQL", {"HOST": "db.x", "PORT": "6432", "DATABASE": "app"}, (Address("db.x", 6432),)),
        ("MYSQL", {"HOST": "db.x"}, (Address("db.x", 3306),)),
        ("REDSHIFT", {"HOST": "wh.x"}, (Address("wh.x", 5439),)),
        ("CUSTOM", {"HOST": "db.x"}, ()),
        (
            "MONGODB",
            {"CONNECTION_URL": "mongodb://etl:****@docdb-1.x:27017,docdb-2.x/app?replicaSet=rs0"},
            (Address("docdb-1.x", 27017), Address("docdb-2.x", 27017)),
        ),
    ],
)
def test_every_address_a_connection_names(kind: str, properties: dict[str, str], expected: tuple[Address, ...]) -> None:
    assert addresses(GlueConnection("c", kind, None, (), None, properties)) == expected


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"JDBC_CONNECTION_URL": "jdbc:mysql://db.x:3306/app"}, Address("db.x", 3306)),
        ({"JDBC_CONNECTION_URL": "jdbc:postgresql://db.x/app"}, Address("db.x", 5432)),
        ({"JDBC_CONNECTION_URL": "jdbc:oracle:thin:@//ora.x:1521/svc"}, Address("ora.x", 1521)),
        ({"JDBC_CONNECTION_URL": "jdbc:oracle:thin:@ora.x:1522:SID"}, Address("ora.x", 1522)),
        ({"JDBC_CONNECTION_URL": "jdbc:sqlserver://sql.x;databaseName=a"}, Address("sql.x", 1433)),
        ({"JDBC_CONNECTION_URL": "jdbc:redshift://rs.x:5439/dev"}, Address("rs.x", 5439)),
        ({"KAFKA_BOOTSTRAP_SERVERS": "b-1.kafka.x:9094,b-2.kafka.x:9094"}, Address("b-1.kafka.x", 9094)),
        ({"CONNECTION_URL": "mongodb://etl:****@docdb.x:27017/app"}, Address("docdb.x", 27017)),
        ({"USERNAME": "etl"}, None),
    ],
)
def test_target_address_forms(properties: dict[str, str], expected: Address | None) -> None:
    assert address(GlueConnection("c", "JDBC", None, (), None, properties)) == expected
