"""Typed edits of the model: each is a pure transformation of an Inventory, and knows the AWS
CLI commands and the Terraform that make the same change in the account.

A resource an edit creates has no id until AWS answers: in the model it is named after the
shell variable the command captures it in ("$NAT"), so a later edit that uses it (a route to
the new NAT gateway) renders `"$NAT"` in its command and `aws_nat_gateway.glue.id` in
Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from ipaddress import IPv4Network

from glue_netcheck.checks import remediation as cmd
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import (
    NaclEntry,
    Network,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    VpcEndpoint,
)

# Shell variable of a created resource -> its Terraform reference.
TERRAFORM_REFS = {
    "$NAT": "aws_nat_gateway.glue.id",
    "$EIP": "aws_eip.glue_nat.id",
    "$VPCE_S3": "aws_vpc_endpoint.s3.id",
    "$GLUE_SG": "aws_security_group.glue.id",
}
_ROUTE_TF_ATTRS = {
    "internet-gateway": "gateway_id",
    "nat-gateway": "nat_gateway_id",
    "transit-gateway": "transit_gateway_id",
    "vpc-peering": "vpc_peering_connection_id",
    "network-interface": "network_interface_id",
    "gateway-load-balancer-endpoint": "vpc_endpoint_id",
}


def ref(resource_id: str, addresses: Mapping[str, str]) -> str:
    """A Terraform expression for a resource id: the created resource, the plan's address, or
    the literal id of a resource Terraform does not manage here."""
    if resource_id.startswith("$VPCE_"):
        return f"aws_vpc_endpoint.{resource_id[6:].lower()}.id"
    if resource_id in TERRAFORM_REFS:
        return TERRAFORM_REFS[resource_id]
    if resource_id in addresses:
        return f"{addresses[resource_id]}.id"
    return f'"{resource_id}"'


def tf_name(*parts: str) -> str:
    """A valid Terraform resource name (letters, digits, _ and -; no dots or brackets, which a
    planned resource's stand-in id such as `rtb-aws_route_table.glue[0]` carries)."""
    joined = "_".join(p.strip("$").lower() for p in parts if p)
    name = re.sub(r"[^a-z0-9_]+", "_", joined).strip("_")
    return name if name[:1].isalpha() else f"r_{name}"


def _on(resource_id: str, kind: str, addresses: Mapping[str, str], attribute: str) -> str:
    where = addresses.get(resource_id, f"the {kind} that manages {resource_id}")
    return f"# in {where}:\n{attribute}"


# --- model updates --------------------------------------------------------------------------


def _network(inventory: Inventory, change: Callable[[Network], Network]) -> Inventory:
    return replace(inventory, network=change(inventory.network))


def _table(network: Network, table_id: str, change: Callable[[RouteTable], RouteTable]) -> Network:
    tables = tuple(change(t) if t.id == table_id else t for t in network.route_tables)
    return replace(network, route_tables=tables)


def _endpoint(network: Network, endpoint_id: str, change: Callable[[VpcEndpoint], VpcEndpoint]) -> Network:
    return replace(network, endpoints=tuple(change(e) if e.id == endpoint_id else e for e in network.endpoints))


def _prefix_list_for(network: Network, service_name: str) -> str | None:
    pl = network.prefix_list_named(service_name)
    return pl.id if pl else None


# --- the edits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddRoute:
    table_id: str
    destination: str  # a CIDR, or a prefix list id (pl-…)
    target_kind: str  # RouteTarget word: internet-gateway, nat-gateway, …
    target_id: str

    @property
    def replaces(self) -> bool:
        return False

    def says(self) -> str:
        verb = "replace the route" if self.replaces else "route"
        return f"{verb} {self.destination} in {self.table_id} to {self.target_id}"

    def apply(self, inventory: Inventory) -> Inventory:
        is_pl = self.destination.startswith("pl-")
        route = Route(
            None if is_pl else IPv4Network(self.destination),
            self.destination if is_pl else None,
            self.target_kind,  # type: ignore[arg-type]
            self.target_id,
        )

        def change(table: RouteTable) -> RouteTable:
            kept = tuple(r for r in table.routes if r.destination_label != self.destination)
            return replace(table, routes=(*kept, route))

        return _network(inventory, lambda n: _table(n, self.table_id, change))

    def commands(self) -> tuple[str, ...]:
        return (
            cmd.create_route(
                self.table_id,
                self.destination,
                self.target_kind,
                self.target_id,
                replace=self.replaces,
                prefix_list=self.destination.startswith("pl-"),
            ),
        )

    @property
    def _name(self) -> str:
        return tf_name(self.table_id, "default" if self.destination == "0.0.0.0/0" else self.destination)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = "destination_prefix_list_id" if self.destination.startswith("pl-") else "destination_cidr_block"
        note = (
            f"# replaces the existing {self.destination} route of {self.table_id}: change it where it is declared\n"
            if self.replaces
            else ""
        )
        return (
            f'{note}resource "aws_route" "{self._name}" {{\n'
            f"  route_table_id = {ref(self.table_id, addresses)}\n"
            f'  {where} = "{self.destination}"\n'
            f"  {_ROUTE_TF_ATTRS[self.target_kind]} = {ref(self.target_id, addresses)}\n"
            "}"
        )


@dataclass(frozen=True)
class ReplaceRoute(AddRoute):
    """The table already has a route for the destination (to an IGW, a dead NAT): replace it."""

    @property
    def replaces(self) -> bool:
        return True


@dataclass(frozen=True)
class AddSecurityGroupRule:
    group_id: str
    egress: bool
    protocol: str  # "6" tcp, "-1" all
    low: int
    high: int
    peer_kind: str  # cidr | security-group | prefix-list
    peer: str

    def says(self) -> str:
        rule = SgRule(self.protocol, self.low, self.high, self.peer_kind, self.peer)  # type: ignore[arg-type]
        return f"add to {self.group_id} the {rule.describe('egress' if self.egress else 'ingress')}"

    def apply(self, inventory: Inventory) -> Inventory:
        rule = SgRule(self.protocol, self.low, self.high, self.peer_kind, self.peer)  # type: ignore[arg-type]

        def change(network: Network) -> Network:
            group = network.security_groups.get(self.group_id)
            if group is None:
                return network
            new: SecurityGroup = (
                replace(group, egress=(*group.egress, rule))
                if self.egress
                else replace(group, ingress=(*group.ingress, rule))
            )
            return replace(network, security_groups={**network.security_groups, self.group_id: new})

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        return (
            cmd.authorize(self.group_id, self.egress, self.protocol, self.low, self.high, self.peer_kind, self.peer),
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        direction = "egress" if self.egress else "ingress"
        peer = {
            "cidr": f'cidr_ipv4 = "{self.peer}"',
            "security-group": f"referenced_security_group_id = {ref(self.peer, addresses)}",
            "prefix-list": f'prefix_list_id = "{self.peer}"',
        }[self.peer_kind]
        ports = "" if self.protocol == "-1" else f"  from_port = {self.low}\n  to_port = {self.high}\n"
        protocol = "-1" if self.protocol == "-1" else "tcp"
        name = tf_name(self.group_id, direction, str(self.low))
        return (
            f'resource "aws_vpc_security_group_{direction}_rule" "{name}" {{\n'
            f"  security_group_id = {ref(self.group_id, addresses)}\n"
            f'  ip_protocol = "{protocol}"\n{ports}'
            f"  {peer}\n"
            "}"
        )


@dataclass(frozen=True)
class AddNetworkAclEntry:
    acl_id: str
    egress: bool
    rule_number: int  # a free number before the rule that drops the traffic
    low: int
    high: int
    cidr: str

    def says(self) -> str:
        direction = "outbound" if self.egress else "inbound"
        return f"allow {direction} tcp {self.low}-{self.high} {self.cidr} in {self.acl_id} (rule {self.rule_number})"

    def apply(self, inventory: Inventory) -> Inventory:
        entry = NaclEntry(self.rule_number, self.egress, "6", True, IPv4Network(self.cidr), self.low, self.high)

        def change(network: Network) -> Network:
            # The tracer reads entries in rule-number order (first match wins), as AWS does.
            acls = tuple(
                replace(a, entries=tuple(sorted((*a.entries, entry), key=lambda e: (e.egress, e.rule_number))))
                if a.id == self.acl_id
                else a
                for a in network.network_acls
            )
            return replace(network, network_acls=acls)

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        return (cmd.create_nacl_entry(self.acl_id, self.egress, self.rule_number, self.low, self.high, self.cidr),)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return (
            f'resource "aws_network_acl_rule" "{tf_name(self.acl_id, str(self.rule_number))}" {{\n'
            f"  network_acl_id = {ref(self.acl_id, addresses)}\n"
            f"  rule_number = {self.rule_number}\n"
            f"  egress = {'true' if self.egress else 'false'}\n"
            '  protocol = "tcp"\n  rule_action = "allow"\n'
            f'  cidr_block = "{self.cidr}"\n'
            f"  from_port = {self.low}\n  to_port = {self.high}\n"
            "}"
        )


@dataclass(frozen=True)
class EnablePrivateDns:
    endpoint_id: str

    def says(self) -> str:
        return f"turn on private DNS of {self.endpoint_id}"

    def apply(self, inventory: Inventory) -> Inventory:
        return _network(
            inventory, lambda n: _endpoint(n, self.endpoint_id, lambda e: replace(e, private_dns_enabled=True))
        )

    def commands(self) -> tuple[str, ...]:
        return (cmd.modify_private_dns(self.endpoint_id),)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return _on(self.endpoint_id, "aws_vpc_endpoint", addresses, "private_dns_enabled = true")


@dataclass(frozen=True)
class EnableVpcAttribute:
    vpc_id: str
    attribute: str  # enableDnsSupport | enableDnsHostnames

    def says(self) -> str:
        return f"turn on {self.attribute} of {self.vpc_id}"

    def apply(self, inventory: Inventory) -> Inventory:
        def change(network: Network) -> Network:
            vpc = network.vpcs.get(self.vpc_id)
            if vpc is None:
                return network
            new = (
                replace(vpc, enable_dns_support=True)
                if self.attribute == "enableDnsSupport"
                else replace(vpc, enable_dns_hostnames=True)
            )
            return replace(network, vpcs={**network.vpcs, self.vpc_id: new})

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        return (cmd.modify_vpc_attribute(self.vpc_id, self.attribute),)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        field = "enable_dns_support" if self.attribute == "enableDnsSupport" else "enable_dns_hostnames"
        return _on(self.vpc_id, "aws_vpc", addresses, f"{field} = true")


@dataclass(frozen=True)
class AssociateGatewayEndpoint:
    endpoint_id: str
    table_id: str

    def says(self) -> str:
        return f"associate gateway endpoint {self.endpoint_id} with {self.table_id}"

    def apply(self, inventory: Inventory) -> Inventory:
        def change(network: Network) -> Network:
            endpoint = next((e for e in network.endpoints if e.id == self.endpoint_id), None)
            pl = _prefix_list_for(network, endpoint.service_name) if endpoint else None
            if endpoint is None or pl is None:
                return network
            network = _endpoint(
                network, self.endpoint_id, lambda e: replace(e, route_table_ids=(*e.route_table_ids, self.table_id))
            )
            route = Route(None, pl, "gateway-endpoint", self.endpoint_id)
            return _table(network, self.table_id, lambda t: replace(t, routes=(*t.routes, route)))

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        return (cmd.add_route_tables(self.endpoint_id, [self.table_id]),)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return (
            f'resource "aws_vpc_endpoint_route_table_association" "{tf_name(self.endpoint_id, self.table_id)}" {{\n'
            f"  vpc_endpoint_id = {ref(self.endpoint_id, addresses)}\n"
            f"  route_table_id = {ref(self.table_id, addresses)}\n"
            "}"
        )
