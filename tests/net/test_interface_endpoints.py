"""Interface endpoints by their ENIs (issue 13.2), through the CLI against moto: private DNS
answers with the endpoint's ENI in every subnet it is placed in, so every endpoint subnet's
network ACL must pass (a block in one AZ is intermittent timeouts: an error), and the
endpoint is reached at its ENI addresses, not anywhere in its subnet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Aws, Result
from scenarios import CONNECTION, REGION, Layout, custom_nacl, glue_resources, glue_security_group, s3_gateway, vpc


def _endpoint_layout(aws: Aws, subnets: list[tuple[str, str]]) -> tuple[Layout, list[str], str]:
    """Glue in 10.0.1.0/24 (us-east-1a), an S3 gateway endpoint, and a KMS interface endpoint
    with its own group (443 from the Glue group) in new subnets `subnets` [(cidr, az)]."""
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    ids = [
        c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for cidr, az in subnets
    ]
    layout.endpoint_sg = c.ec2.create_security_group(GroupName="kms-ep", Description="KMS", VpcId=layout.vpc)["GroupId"]
    c.ec2.authorize_security_group_ingress(
        GroupId=layout.endpoint_sg,
        IpPermissions=[_tcp(443, UserIdGroupPairs=[{"GroupId": layout.glue_sg}])],
    )
    endpoint = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.kms",
        VpcEndpointType="Interface",
        SubnetIds=ids,
        SecurityGroupIds=[layout.endpoint_sg],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]
    layout.kms_endpoint = endpoint["VpcEndpointId"]
    glue_resources(c, layout)
    return layout, ids, endpoint["NetworkInterfaceIds"][0]


def _tcp(port: int, **peer: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **peer}


def _kms(result: Result) -> dict[str, Any]:
    return next(p for p in result.json["paths"] if p["service"] == "kms")


TWO_AZ = [("10.0.2.0/24", "us-east-1a"), ("10.0.3.0/24", "us-east-1b")]
ALLOW_ALL = [(100, True, "-1", "allow", None, "0.0.0.0/0"), (100, False, "-1", "allow", None, "0.0.0.0/0")]


def test_an_endpoint_subnet_acl_blocking_one_az_is_an_error(aws: Aws) -> None:
    layout, (_, other_az), _ = _endpoint_layout(aws, TWO_AZ)
    blocked = Layout(vpc=layout.vpc, subnet=other_az)
    custom_nacl(aws.clients, blocked, [(50, False, "6", "deny", (443, 443), "10.0.1.0/24"), *ALLOW_ALL])

    result = aws.cli("connection", CONNECTION, "--format", "json")

    kms = _kms(result)
    assert (kms["reachable"], kms["blocked_at"]["type"], kms["blocked_at"]["id"]) == (
        False,
        "network-acl",
        blocked.nacl,
    )
    assert kms["blocked_at"]["reason"].startswith("SUBNET_ACL_RESTRICTION: ")
    assert (result.code, result.json["verdict"]) == (1, "fail")
    assert ("kms-reachable", "error", blocked.nacl) in {
        (f["check"], f["severity"], f["resource"]) for f in result.json["findings"]
    }


def test_twin_both_endpoint_subnets_admit_glue(aws: Aws) -> None:
    layout, ids, _ = _endpoint_layout(aws, TWO_AZ)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    kms = _kms(result)
    assert (kms["reachable"], kms["via"]) == (True, "interface-endpoint")
    # Both ENIs' subnets are traced: request out and in, return out and in, for each.
    acls = [h for h in kms["hops"] if h["type"] == "network-acl"]
    assert len(acls) == 8 and all(h["verdict"] == "allow" for h in acls)
    assert [h["id"] for h in kms["hops"] if h["type"] == "security-group"] == [layout.glue_sg, layout.endpoint_sg] * 2
    # (No exit-code assertion: the scenario's external JDBC host is undecided without a NAT.)
    assert result.json["predicted_failures"] == []
    assert len(ids) == 2 and layout.kms_endpoint


def _eni_snapshot(aws: Aws, tmp_path: Path, eni: str, address: str) -> Path:
    """A snapshot collected from moto, with the endpoint ENI's DescribeNetworkInterfaces answer
    (moto's own shape) added. moto puts endpoint ENI addresses outside their subnet (AWS never
    does): the answer's address is set to `address`, inside it."""
    snapshot = tmp_path / "snapshot.json"
    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0
    document = json.loads(snapshot.read_text())
    answer = aws.clients.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    for interface in answer:
        interface["PrivateIpAddress"] = address
        interface["PrivateIpAddresses"] = [{"Primary": True, "PrivateIpAddress": address}]
    ec2 = document["regions"][REGION]["ec2"]
    ec2["NetworkInterfaces"] = [*ec2.get("NetworkInterfaces", []), *json.loads(json.dumps(answer, default=str))]
    snapshot.write_text(json.dumps(document))
    return snapshot


def _egress_to(aws: Aws, layout: Layout, cidr: str) -> None:
    """The Glue group's egress: itself (all TCP), S3's prefix list and `cidr` on 443."""
    ec2 = aws.clients.ec2
    s3 = next(
        pl["PrefixListId"]
        for pl in ec2.describe_managed_prefix_lists()["PrefixLists"]
        if pl["PrefixListName"] == f"com.amazonaws.{REGION}.s3"
    )
    ec2.revoke_security_group_egress(
        GroupId=layout.glue_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    ec2.authorize_security_group_egress(
        GroupId=layout.glue_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [{"GroupId": layout.glue_sg}]},
            _tcp(443, PrefixListIds=[{"PrefixListId": s3}]),
            _tcp(443, IpRanges=[{"CidrIp": cidr}]),
        ],
    )


def test_egress_to_the_endpoint_enis_address_admits_it(aws: Aws, tmp_path: Path) -> None:
    layout, _, eni = _endpoint_layout(aws, [("10.0.2.0/24", "us-east-1a")])
    _egress_to(aws, layout, "10.0.2.37/32")

    with_eni = aws.cli(
        "connection", CONNECTION, "--snapshot", str(_eni_snapshot(aws, tmp_path, eni, "10.0.2.37")), "--format", "json"
    )
    # Live, the collector reads the endpoint's ENIs (a /32 rule covers part of its subnet), but
    # moto puts their addresses outside the subnet, which AWS never does: the engine then keeps
    # the subnet-wide answer, and a /32 rule admits only part of it.
    without = aws.cli("connection", CONNECTION, "--format", "json")
    live = tmp_path / "live.json"
    assert aws.cli("snapshot", "--output", str(live)).code == 0
    read = json.loads(live.read_text())["regions"][REGION]["ec2"]["NetworkInterfaces"]
    assert [i["NetworkInterfaceId"] for i in read] == [eni]

    kms = _kms(with_eni)
    assert (kms["reachable"], kms["via"]) == (True, "interface-endpoint")
    assert any(h["type"] == "security-group" and "10.0.2.37/32" in h["detail"] for h in kms["hops"])
    assert with_eni.json["predicted_failures"] == []
    assert [h["code"] for h in _kms(without)["hops"] if h["verdict"] == "unknown"] == ["SG_PARTIAL_MATCH"]


def test_twin_egress_to_another_address_of_the_subnet_blocks_it(aws: Aws, tmp_path: Path) -> None:
    layout, _, eni = _endpoint_layout(aws, [("10.0.2.0/24", "us-east-1a")])
    _egress_to(aws, layout, "10.0.2.38/32")

    result = aws.cli(
        "connection", CONNECTION, "--snapshot", str(_eni_snapshot(aws, tmp_path, eni, "10.0.2.37")), "--format", "json"
    )

    kms = _kms(result)
    assert (kms["reachable"], kms["blocked_at"]["type"], kms["blocked_at"]["id"]) == (
        False,
        "security-group",
        layout.glue_sg,
    )
    assert kms["blocked_at"]["reason"].startswith("ENI_SG_RULES_MISMATCH: ")
    assert result.code == 1


def test_twin_rules_that_cover_the_whole_endpoint_subnet_need_no_eni_read(aws: Aws, tmp_path: Path) -> None:
    _endpoint_layout(aws, [("10.0.2.0/24", "us-east-1a")])  # egress 0.0.0.0/0: decided subnet-wide
    live = tmp_path / "live.json"

    assert aws.cli("snapshot", "--output", str(live)).code == 0

    ec2 = json.loads(live.read_text())["regions"][REGION]["ec2"]
    assert (ec2.get("NetworkInterfaces"), ec2.get("NetworkInterfaceLookups")) == ([], [])
