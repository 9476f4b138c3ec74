"""Route selection end to end (issue 13.3), through the CLI against moto: longest prefix per
destination range, `vpce-` appliances in GatewayId, the NAT gateway's own subnet table, and a
NAT route written as `gateway_id`. Every layout has its twin with the opposite answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Aws, Result
from scenarios import CONNECTION, REGION, Layout, glue_resources, glue_security_group, public_nat, s3_gateway, vpc


def _paths(result: Result) -> dict[str, dict[str, Any]]:
    return {p["service"]: p for p in result.json["paths"]}


def _nat_layout(aws: Aws, *, s3_endpoint: bool = True) -> Layout:
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    if s3_endpoint:
        s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def _appliance(aws: Aws, layout: Layout) -> str:
    """An inspection appliance's ENI in the public subnet (a firewall instance)."""
    return aws.clients.ec2.create_network_interface(SubnetId=layout.public_subnet)["NetworkInterface"][
        "NetworkInterfaceId"
    ]


def _kms_verdict(result: Result) -> tuple[Any, ...]:
    kms = _paths(result)["kms"]
    return result.code, result.json["verdict"], kms["reachable"], kms["via"], result.json["predicted_failures"]


def test_two_halves_to_an_appliance_beat_the_nat_default(aws: Aws) -> None:
    layout = _nat_layout(aws)
    eni = _appliance(aws, layout)
    for half in ("0.0.0.0/1", "128.0.0.0/1"):
        aws.clients.ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock=half, NetworkInterfaceId=eni)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert _kms_verdict(result) == (3, "unknown", None, "network-interface", [])
    kms = _paths(result)["kms"]
    undecided = [(h["type"], h["id"], h["code"]) for h in kms["hops"] if h["verdict"] == "unknown"]
    assert undecided == [("network-interface", eni, "OPAQUE_TARGET")] * 2
    assert not any(h["id"] == layout.nat for h in kms["hops"])  # the NAT default is never used
    # S3 keeps its gateway endpoint: its prefix-list route is more specific than either half.
    assert (_paths(result)["s3"]["reachable"], _paths(result)["s3"]["via"]) == (True, "gateway-endpoint")


def test_twin_without_the_halves_the_nat_carries_kms(aws: Aws) -> None:
    _nat_layout(aws)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert _kms_verdict(result) == (0, "pass", True, "nat-gateway", [])


def test_one_half_to_an_appliance_leaves_the_other_half_to_the_nat(aws: Aws) -> None:
    layout = _nat_layout(aws)
    eni = _appliance(aws, layout)
    aws.clients.ec2.create_route(
        RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/1", NetworkInterfaceId=eni
    )

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert _kms_verdict(result) == (3, "unknown", None, "network-interface", [])
    ids = [h["id"] for h in _paths(result)["kms"]["hops"]]
    assert eni in ids and layout.nat in ids and layout.igw in ids  # each part decided on its own


def _default_route(aws: Aws, layout: Layout, gateway: str) -> None:
    """0.0.0.0/0 of the Glue subnet to `gateway` (moto's ReplaceRoute drops a vpce- GatewayId)."""
    ec2 = aws.clients.ec2
    ec2.delete_route(RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/0")
    ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)


def test_gateway_load_balancer_endpoint_in_gateway_id_is_an_appliance(aws: Aws) -> None:
    layout = _nat_layout(aws)
    ec2 = aws.clients.ec2
    firewall = ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.vpce.{REGION}.vpce-svc-0firewall",
        VpcEndpointType="GatewayLoadBalancer",
        SubnetIds=[layout.public_subnet],
    )["VpcEndpoint"]["VpcEndpointId"]
    _default_route(aws, layout, firewall)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert _kms_verdict(result) == (3, "unknown", None, "network-interface", [])
    kms = _paths(result)["kms"]
    assert kms["undecided_at"] == {
        "type": "vpc-endpoint",
        "id": firewall,
        "reason": kms["undecided_at"]["reason"],
        "code": "OPAQUE_TARGET",
    }
    assert not any(h["code"] == "VPCE_SERVICE_MISMATCH" for p in result.json["paths"] for h in p["hops"])


def test_twin_a_gateway_endpoint_of_another_service_is_a_mismatch(aws: Aws) -> None:
    # The S3 gateway endpoint (a real Gateway endpoint) as KMS's default route: a definite drop.
    layout = _nat_layout(aws)
    _default_route(aws, layout, layout.s3_endpoint)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert _kms_verdict(result) == (1, "fail", False, None, ["crawler-internal-service-exception", "kms-timeout"])
    blocked = _paths(result)["kms"]["blocked_at"]
    assert (blocked["type"], blocked["id"]) == ("vpc-endpoint", layout.s3_endpoint)
    assert blocked["reason"].startswith("VPCE_SERVICE_MISMATCH: ")


def _s3_from_the_nat(aws: Aws, *, endpoint: bool) -> tuple[Layout, Result]:
    """Glue's subnet sends everything to the NAT; the NAT's subnet has no internet gateway
    route, and (with `endpoint`) the S3 gateway endpoint on its table only."""
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout, igw_route=False)
    if endpoint:
        layout.s3_endpoint = c.ec2.create_vpc_endpoint(
            VpcId=layout.vpc,
            ServiceName=f"com.amazonaws.{REGION}.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=[layout.public_route_table],
        )["VpcEndpoint"]["VpcEndpointId"]
    glue_resources(c, layout)
    return layout, aws.cli("connection", CONNECTION, "--format", "json")


def test_the_nat_subnets_gateway_endpoint_carries_s3_from_the_nat(aws: Aws) -> None:
    layout, result = _s3_from_the_nat(aws, endpoint=True)

    s3 = _paths(result)["s3"]
    assert (s3["reachable"], s3["via"], s3["blocked_at"]) == (True, "nat-gateway", None)
    used = [(h["type"], h["id"]) for h in s3["hops"]]
    assert ("nat-gateway", layout.nat) in used and ("vpc-endpoint", layout.s3_endpoint) in used
    # KMS has no such route from the NAT subnet (no internet gateway route): blocked there.
    kms = _paths(result)["kms"]["blocked_at"]
    assert (kms["type"], kms["id"]) == ("route-table", layout.public_route_table)
    assert result.code == 1 and "s3-endpoint-validation-failed" not in result.json["predicted_failures"]


def test_twin_without_the_nat_subnets_endpoint_s3_is_blocked_at_its_table(aws: Aws) -> None:
    layout, result = _s3_from_the_nat(aws, endpoint=False)

    s3 = _paths(result)["s3"]
    assert (s3["reachable"], s3["via"]) == (False, None)
    assert (s3["blocked_at"]["type"], s3["blocked_at"]["id"]) == ("route-table", layout.public_route_table)
    assert result.code == 1


def _gateway_id_nat(aws: Aws, tmp_path: Path, *, igw_route: bool) -> tuple[Layout, Result]:
    """moto drops a route created with GatewayId=nat-… (it keeps no target); AWS stores it as
    NatGatewayId, and a Terraform plan or a describe dump can carry it in GatewayId. The
    snapshot is collected from moto, and the one route is written in that documented shape."""
    layout = _nat_layout(aws)
    if not igw_route:
        aws.clients.ec2.delete_route(RouteTableId=layout.public_route_table, DestinationCidrBlock="0.0.0.0/0")
    snapshot = tmp_path / "snapshot.json"
    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0
    document = json.loads(snapshot.read_text())
    for table in document["regions"][REGION]["ec2"]["RouteTables"]:
        for route in table["Routes"]:
            if route.pop("NatGatewayId", None) == layout.nat:
                route["GatewayId"] = layout.nat
    snapshot.write_text(json.dumps(document))
    return layout, aws.cli("connection", CONNECTION, "--snapshot", str(snapshot), "--format", "json")


def test_a_nat_route_written_as_gateway_id_works(aws: Aws, tmp_path: Path) -> None:
    layout, result = _gateway_id_nat(aws, tmp_path, igw_route=True)

    assert _kms_verdict(result) == (0, "pass", True, "nat-gateway", [])
    assert ("nat-gateway", layout.nat) in [(h["type"], h["id"]) for h in _paths(result)["kms"]["hops"]]


def test_twin_a_gateway_id_nat_whose_subnet_has_no_way_out_is_blocked_there(aws: Aws, tmp_path: Path) -> None:
    layout, result = _gateway_id_nat(aws, tmp_path, igw_route=False)

    assert _kms_verdict(result)[:4] == (1, "fail", False, None)
    blocked = _paths(result)["kms"]["blocked_at"]
    assert (blocked["type"], blocked["id"]) == ("route-table", layout.public_route_table)
