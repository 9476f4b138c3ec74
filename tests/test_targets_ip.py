"""IP-literal targets and host names, end to end through the CLI against moto: the ENI holding
the address (its subnet, ACL, route back and groups), an address nothing holds, a private
address outside the VPC routed by its own address, an external host with no way out. Every
broken layout has a healthy twin."""

from __future__ import annotations

from typing import Any

from glue_netcheck.collect import aws as collector
from test_target import connect, target

from conftest import Aws
from scenarios import AZ, SCENARIOS, Layout

ADDRESS = "10.0.5.10"


def listener(
    aws: Aws, layout: Layout, *, admit: str | None, address: str = ADDRESS, port: int = 5432, more: tuple[str, ...] = ()
) -> dict[str, str]:
    """A database host in its own subnet 10.0.5.0/24: an ENI at `address` (and one at each of
    `more`) whose group admits `admit` on `port` (an EC2-hosted PostgreSQL or Kafka, say)."""
    ec2 = aws.clients.ec2
    subnet = ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.5.0/24", AvailabilityZone=AZ)["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="pg-host", Description="pg", VpcId=layout.vpc)["GroupId"]
    if admit:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": admit}]}
            ],
        )
    for other in more:
        ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress=other, Groups=[group])
    eni = ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress=address, Groups=[group])
    return {"subnet": subnet, "group": group, "eni": eni["NetworkInterface"]["NetworkInterfaceId"]}


def blocked(report: dict[str, Any]) -> tuple[Any, ...]:
    path = target(report)
    where = path["blocked_at"] or {}
    return (path["reachable"], where.get("type"), where.get("id"), report["predicted_failures"], report["exit"])


def code_of_drop(report: dict[str, Any]) -> str:
    return str(next(h["code"] for h in target(report)["hops"] if h["verdict"] == "deny"))


def test_private_ip_held_by_an_eni_that_admits_glue_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)

    report = connect(aws, layout, ADDRESS)

    path = target(report)
    assert (path["endpoint"], path["reachable"], path["via"]) == (ADDRESS, True, "local")
    # The ENI's own group decided the ingress, and the route back from its subnet was checked.
    assert any(h["type"] == "security-group" and host["group"] in h["id"] for h in path["hops"])
    assert sum(h["type"] == "route-table" for h in path["hops"]) == 2
    assert (report["verdict"], report["exit"]) == ("pass", 0), report


def test_private_ip_whose_eni_group_does_not_admit_glue(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=None)

    report = connect(aws, layout, ADDRESS)

    assert blocked(report) == (False, "security-group", host["group"], ["target-unreachable"], 1)


def test_private_ip_no_eni_holds_has_nothing_listening(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    listener(aws, layout, admit=layout.glue_sg)  # its twin address 10.0.5.10 would pass

    report = connect(aws, layout, "10.0.5.99")

    assert blocked(report) == (False, "network-interface", "10.0.5.99", ["target-unreachable"], 1)
    assert "nothing listens" in target(report)["blocked_at"]["reason"]


def test_target_subnet_acl_drops_the_request(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)
    ec2 = aws.clients.ec2
    acl = ec2.create_network_acl(VpcId=layout.vpc)["NetworkAcl"]["NetworkAclId"]
    # Outbound open, inbound only from the public subnet: Glue's request never gets in.
    for egress, cidr in ((True, "0.0.0.0/0"), (False, "10.0.0.0/24")):
        ec2.create_network_acl_entry(
            NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=egress, CidrBlock=cidr
        )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [host["subnet"]]}])
    association = next(
        a["NetworkAclAssociationId"]
        for n in current["NetworkAcls"]
        for a in n["Associations"]
        if a["SubnetId"] == host["subnet"]
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)

    report = connect(aws, layout, ADDRESS)

    assert blocked(report) == (False, "network-acl", acl, ["target-unreachable"], 1)


def test_route_back_through_an_appliance_is_undecided(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)
    ec2 = aws.clients.ec2
    table = ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=host["subnet"])
    # Replies to the Glue subnet go through an inspection appliance's ENI.
    # An explicit address: moto may hand a random one that another ENI already holds (ADDRESS).
    made = ec2.create_network_interface(SubnetId=host["subnet"], PrivateIpAddress="10.0.5.20")
    appliance = made["NetworkInterface"]["NetworkInterfaceId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.1.0/24", NetworkInterfaceId=appliance)

    report = connect(aws, layout, ADDRESS)

    path = target(report)
    assert (path["reachable"], path["blocked_at"], report["verdict"], report["exit"]) == (None, None, "unknown", 3)
    undecided = [h for h in path["hops"] if h["verdict"] == "unknown"]
    assert [(h["type"], h["id"]) for h in undecided] == [("route-table", table)]
    assert appliance in undecided[0]["detail"]


def test_route_back_local_in_its_own_table_passes(aws: Aws) -> None:
    """The twin: the target subnet has its own table, with only the local route back."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)
    ec2 = aws.clients.ec2
    table = ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=host["subnet"])

    report = connect(aws, layout, ADDRESS)

    assert (target(report)["reachable"], report["verdict"], report["exit"]) == (True, "pass", 0)
    assert any(
        h["type"] == "route-table" and h["id"] == table and h["verdict"] == "allow" for h in target(report)["hops"]
    )


def test_private_address_outside_the_vpc_is_never_delivered_by_a_nat(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)  # 0.0.0.0/0 -> NAT gateway -> internet gateway

    report = connect(aws, layout, "192.168.10.5")

    assert blocked(report) == (False, "route-table", layout.route_table, ["target-unreachable"], 1)
    assert code_of_drop(report) == "CANNOT_ROUTE"
    assert report["verdict"] == "fail"


def test_private_address_outside_the_vpc_with_no_route(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)  # no route out at all

    report = connect(aws, layout, "192.168.20.20")  # moto's default VPC holds 172.31.0.0/16

    assert blocked(report) == (False, "route-table", layout.route_table, ["target-unreachable"], 1)
    assert code_of_drop(report) == "NO_ROUTE_TO_DESTINATION"


def test_private_address_through_a_transit_gateway_is_undecided(aws: Aws) -> None:
    """The twin of the NAT case: a transit gateway route for the on-premises range."""
    layout = SCENARIOS["healthy-nat"](aws.clients)
    ec2 = aws.clients.ec2
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="192.168.0.0/16", TransitGatewayId=tgw)

    report = connect(aws, layout, "192.168.10.5")

    path = target(report)
    assert (path["reachable"], path["via"], path["blocked_at"]) == (None, "transit-gateway", None)
    assert any(h["id"] == tgw and h["verdict"] == "unknown" for h in path["hops"])
    assert (report["verdict"], report["exit"]) == ("unknown", 3)


def peered_listener(aws: Aws, layout: Layout, *, return_route: bool) -> dict[str, str]:
    """An ENI at 10.1.5.10 in a peered VPC, its group admitting the Glue subnet's CIDR."""
    ec2 = aws.clients.ec2
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=other, CidrBlock="10.1.5.0/24", AvailabilityZone=AZ)["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="pg-peer", Description="pg", VpcId=other)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}
        ],
    )
    ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.1.5.10", Groups=[group])
    pcx = ec2.create_vpc_peering_connection(VpcId=layout.vpc, PeerVpcId=other)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    table = ec2.create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    if return_route:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.1.0/24", VpcPeeringConnectionId=pcx)
    return {"pcx": pcx, "table": table}


def test_private_ip_in_a_peered_vpc(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    peer = peered_listener(aws, layout, return_route=True)

    report = connect(aws, layout, "10.1.5.10")

    path = target(report)
    assert (path["reachable"], path["via"], report["verdict"], report["exit"]) == (True, "vpc-peering", "pass", 0)
    assert any(h["type"] == "vpc-peering" and h["id"] == peer["pcx"] for h in path["hops"])


def test_private_ip_in_a_peered_vpc_without_the_return_route(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    peer = peered_listener(aws, layout, return_route=False)

    report = connect(aws, layout, "10.1.5.10")

    assert blocked(report) == (False, "route-table", peer["table"], ["target-unreachable"], 1)


def test_external_host_with_no_way_out_of_the_vpc_is_undecided(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)  # endpoints only: no NAT, TGW, VPN, peering

    report = connect(aws, layout, "db.partner.example.com")

    path = target(report)
    assert (path["reachable"], path["blocked_at"], report["verdict"], report["exit"]) == (None, None, "unknown", 3)
    (hop,) = [h for h in path["hops"] if h["verdict"] == "unknown"]
    assert (hop["type"], hop["id"], hop["code"]) == ("route-table", layout.route_table, "DATA_MISSING")
    assert "resolves to an address inside the VPC" in hop["detail"]


def test_external_host_with_a_nat_is_reported_not_traced(aws: Aws) -> None:
    """The twin: with a NAT gateway the host may be anywhere; its public path is open."""
    layout = SCENARIOS["healthy-nat"](aws.clients)

    report = connect(aws, layout, "db.partner.example.com")

    assert not any(p["service"] == "target" for p in report["paths"])
    finding = next(f for f in report["findings"] if f["check"] == "target-reachable")
    assert finding["severity"] == "info" and "public path is open" in finding["message"]
    assert (report["verdict"], report["exit"]) == ("pass", 0)


def test_one_eni_lookup_for_every_address_and_at_most_20_calls(aws: Aws, monkeypatch: Any) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)
    connect(aws, layout, ADDRESS)
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    reader = collector.AwsReader()

    raw = collector.collect_connection(reader, "orders-rds")

    assert sum(reader.calls.values()) <= 20, reader.calls
    assert reader.calls["ec2:DescribeNetworkInterfaces"] == 1
    assert [i["NetworkInterfaceId"] for i in raw["ec2"]["NetworkInterfaces"]] == [host["eni"]]
    assert raw["ec2"]["NetworkInterfaceLookups"] == [ADDRESS]


def named(aws: Aws, layout: Layout, kind: str, properties: dict[str, str]) -> dict[str, Any]:
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "source",
            "ConnectionType": kind,
            "ConnectionProperties": properties,
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": AZ,
            },
        }
    )
    result = aws.cli("connection", "source", "--format", "json")
    report: dict[str, Any] = result.json
    report["exit"] = result.code
    return report


def test_every_kafka_bootstrap_broker_is_traced(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    listener(aws, layout, admit=layout.glue_sg, port=9092)  # 10.0.5.10 only

    report = named(
        aws, layout, "KAFKA", {"KAFKA_BOOTSTRAP_SERVERS": "10.0.5.10:9092,10.0.5.11:9092", "KAFKA_SSL_ENABLED": "false"}
    )

    # The second broker: nothing listens at its address.
    assert blocked(report) == (False, "network-interface", "10.0.5.11", ["target-unreachable"], 1)


def test_kafka_brokers_all_held_pass_on_the_protocols_port(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    listener(aws, layout, admit=layout.glue_sg, port=9092, more=("10.0.5.11",))

    report = named(
        aws, layout, "KAFKA", {"KAFKA_BOOTSTRAP_SERVERS": "10.0.5.10,10.0.5.11", "KAFKA_SSL_ENABLED": "false"}
    )

    path = target(report)
    assert (path["port"], path["reachable"], path["via"], report["exit"]) == (9092, True, "local", 0)


def test_host_and_port_properties_name_the_target(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    listener(aws, layout, admit=layout.glue_sg)

    report = named(aws, layout, "POSTGRESQL", {"HOST": ADDRESS, "PORT": "5432", "DATABASE": "orders"})

    path = target(report)
    assert (path["endpoint"], path["port"], path["reachable"], report["exit"]) == (ADDRESS, 5432, True, 0)


def test_host_and_port_properties_on_a_port_the_group_does_not_admit(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=layout.glue_sg)

    report = named(aws, layout, "POSTGRESQL", {"HOST": ADDRESS, "PORT": "6432", "DATABASE": "orders"})

    assert blocked(report) == (False, "security-group", host["group"], ["target-unreachable"], 1)


def test_ec2_ip_based_host_name_is_the_eni_at_its_address(aws: Aws) -> None:
    # ip-10-0-5-10.ec2.internal resolves to 10.0.5.10 (EC2's IP-based names spell the
    # address): the ENI there decides, as for the literal, not a pass by an open NAT path.
    layout = SCENARIOS["healthy-nat"](aws.clients)
    host = listener(aws, layout, admit=None)

    report = connect(aws, layout, "ip-10-0-5-10.ec2.internal")

    assert blocked(report) == (False, "security-group", host["group"], ["target-unreachable"], 1)


def test_twin_ec2_ip_based_host_name_of_an_admitting_eni_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    listener(aws, layout, admit=layout.glue_sg)

    report = connect(aws, layout, "ip-10-0-5-10.us-east-1.compute.internal")

    assert (target(report)["reachable"], target(report)["via"], report["exit"]) == (True, "local", 0)
