"""What every translator shares: the raw region being built, a resolver bound to one resource,
and the AWS shapes (permissions, routes) several resource types produce."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glue_netcheck.collect.terraform import resolve
from glue_netcheck.collect.terraform.plan import FIELD_KINDS, Plan, PlanError, Resource

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
    kms: dict[str, dict[str, Any]] = field(default_factory=dict)  # key ARN -> DescribeKey + policy
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)  # role ARN -> GetRole
    buckets: dict[str, str] = field(default_factory=dict)  # bucket name -> region

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
        """The value, or None when it stays unknown until apply."""
        value = resolve.resolve(self.plan, self.res, *path)
        return None if isinstance(value, resolve.Unknown) else value

    def list(self, *path: Any) -> list[Any]:
        return resolve.resolve_list(self.plan, self.res, *path)

    def deferred(self, *path: Any) -> resolve.Unknown | None:
        """The data source attribute read only at apply that the value (or an item of it) is."""
        value = resolve.resolve(self.plan, self.res, *path)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, resolve.Unknown) and item.at_apply:
                return item
        return None

    def why(self, path: tuple[Any, ...], unknown: resolve.Unknown) -> str:
        return f"{self.res.address}.{attribute_name(path)} comes from {unknown.what}, known only at apply"

    def decides(self, key: str, *paths: tuple[Any, ...]) -> bool:
        """Record `key` (a resource id) as undecided when a value at one of `paths` comes from
        a data source read only at apply: what it decides is not guessed."""
        for path in paths:
            if (unknown := self.deferred(*path)) is not None:
                self.plan.undecide(key, self.why(path, unknown))
                return True
        return False

    def required(self, *path: Any, placeholder: str = "") -> str:
        """A value AWS needs to place the resource (a VPC id, a CIDR): an error naming the
        address and the attribute when the plan does not determine it. One a data source
        reads only at apply makes the resource undecided (a stand-in, or `placeholder`)."""
        value = resolve.resolve(self.plan, self.res, *path)
        if isinstance(value, str) and value:
            return value
        attribute = attribute_name(path)
        if (unknown := self.deferred(*path)) is not None:
            # Named after the data source's attribute: resources set from one value share it.
            kinds = FIELD_KINDS.get(str(path[-1]))
            standin = placeholder or f"{kinds[0] if kinds else ''}{unknown.what}"
            for key in (self.res.id,) if placeholder else (self.res.id, standin):
                self.plan.undecide(key, self.why(path, unknown))
            return standin
        expression = self.plan.config_resource(self.res).get("expressions", {}).get(str(path[0]), {})
        refs = expression.get("references", []) if isinstance(expression, Mapping) else []
        if not isinstance(value, resolve.Unknown):
            why = f"expected a non-empty string, got {value!r:.60} (wrong type)"
        elif refs:
            why = f"known only after apply, through {', '.join(refs[:3])}, which name nothing the plan creates"
        else:
            why = "known only after apply, and nothing in the plan says what it will be"
        raise PlanError(f"{self.plan.source}: {self.res.address}: {attribute}: {why}")

    def or_later(self, *path: Any) -> Any:
        """The value, or a stand-in naming the attribute it will be copied from at apply: two
        attributes set from one unknown value get the same stand-in (a connection's zone taken
        from its subnet's matches it, whatever zone AWS picks)."""
        value = resolve.resolve(self.plan, self.res, *path)
        return f"(known after apply: {value.what})" if isinstance(value, resolve.Unknown) else value

    @property
    def id(self) -> str:
        return self.res.id


Translator = Callable[[Raw, Values], None]


def attribute_name(path: tuple[Any, ...]) -> str:
    """`route[0].nat_gateway_id`, as Terraform names an attribute inside a block."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def everywhere(raw: Raw, section: str, v: Values, *paths: tuple[Any, ...]) -> bool:
    """Which resource a value known only at apply names is undecided: every one of the
    section may be it."""
    found = next(((p, u) for p in paths if (u := v.deferred(*p)) is not None), None)
    if found is not None:
        for key in raw.ec2[section]:
            v.plan.undecide(key, v.why(*found))
    return found is not None


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


def route(v: Values, *path: Any, table: str) -> dict[str, Any]:
    """One route of `table`. A destination read only at apply leaves the table undecided (the
    route may match any path); a target, the route (a stand-in target id, undecided)."""
    result: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
    for key in ("cidr_block", "destination_cidr_block"):
        if value := v(*path, key):
            result["DestinationCidrBlock"] = value
    if value := v(*path, "destination_prefix_list_id"):
        result["DestinationPrefixListId"] = value
    keys = ("cidr_block", "destination_cidr_block", "destination_prefix_list_id")
    v.decides(table, *((*path, k) for k in keys))
    for key, aws_key in ROUTE_TARGETS.items():
        if value := v(*path, key):
            result[aws_key] = value
        elif (unknown := v.deferred(*path, key)) is not None:
            standin = f"{FIELD_KINDS[key][0]}{unknown.what}"
            v.plan.undecide(standin, v.why((*path, key), unknown))
            result[aws_key] = standin
    if str(result.get("GatewayId", "")).startswith("nat-"):
        result["NatGatewayId"] = result.pop("GatewayId")  # EC2 stores a NAT named as gateway_id so
    return result
