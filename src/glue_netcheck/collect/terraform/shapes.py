"""What every translator shares: the raw region being built, a resolver bound to one resource,
and the AWS shapes (permissions, routes) several resource types produce."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glue_netcheck.collect.terraform import resolve
from glue_netcheck.collect.terraform.plan import Plan, Resource

EC2_SECTIONS = {
    "Vpcs": "VpcId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "SecurityGroups": "GroupId",
    "NetworkAcls": "NetworkAclId",
    "VpcEndpoints": "VpcEndpointId",
    "NatGateways": "NatGatewayId",
    "InternetGateways": "InternetGatewayId",
    "DhcpOptions": "DhcpOptionsId",
}
GLUE_SECTIONS = ("Connections", "Jobs", "Crawlers", "SecurityConfigurations")


@dataclass
class Raw:
    """The raw AWS answers the plan describes, keyed by id while rules and associations from
    other resources are still being added to them."""

    region: str
    ec2: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in EC2_SECTIONS})
    glue: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in GLUE_SECTIONS})
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)  # VPC id -> DNS attributes
    kms: list[dict[str, Any]] = field(default_factory=list)

    def add(self, section: str, item: dict[str, Any]) -> None:
        self.ec2[section][item[EC2_SECTIONS[section]]] = item

    def sections(self) -> dict[str, list[Any]]:
        return {k: list(v.values()) for k, v in self.ec2.items()}


@dataclass(frozen=True)
class Values:
    """One resource's attributes, resolved through references where unknown until apply."""

    plan: Plan
    res: Resource

    def __call__(self, *path: Any) -> Any:
        return resolve.resolve(self.plan, self.res, *path)

    def list(self, *path: Any) -> list[Any]:
        return resolve.resolve_list(self.plan, self.res, *path)


Translator = Callable[[Raw, Values], None]


def blocks(value: Any) -> list[Mapping[str, Any]]:
    return [b for b in value or [] if isinstance(b, Mapping)]


def protocol(value: Any) -> str:
    text = str(value).lower()
    return "-1" if text in ("-1", "all") else text


def permission(proto: Any, low: Any, high: Any, cidrs: Any = (), groups: Any = (), lists: Any = ()) -> dict[str, Any]:
    result: dict[str, Any] = {
        "IpProtocol": protocol(proto),
        "IpRanges": [{"CidrIp": c} for c in cidrs or () if c],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups or () if g],
        "PrefixListIds": [{"PrefixListId": p} for p in lists or () if p],
    }
    if result["IpProtocol"] != "-1":
        result["FromPort"], result["ToPort"] = int(low or 0), int(high or 0)
    return result


ROUTE_TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_endpoint_id": "GatewayId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
}


def route(v: Values, *path: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
    for key in ("cidr_block", "destination_cidr_block"):
        if value := v(*path, key):
            result["DestinationCidrBlock"] = value
    if value := v(*path, "destination_prefix_list_id"):
        result["DestinationPrefixListId"] = value
    for key, aws_key in ROUTE_TARGETS.items():
        if value := v(*path, key):
            result[aws_key] = value
    return result
