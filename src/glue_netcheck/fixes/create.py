"""Edits that create a resource (endpoint, NAT gateway): the model gets it under the shell
variable its command captures the new id in."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace

from glue_netcheck.checks import remediation as cmd
from glue_netcheck.fixes.edits import _network, ref, tf_name
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.indexes import with_endpoint
from glue_netcheck.model.network import NatGateway, Network, Route, RouteTable, SecurityGroup, SgRule, VpcEndpoint


def _variable(service_name: str) -> str:
    return "VPCE_" + service_name.rsplit(".", 1)[-1].upper().replace("-", "_")


@dataclass(frozen=True)
class CreateGatewayEndpoint:
    vpc_id: str
    service_name: str  # com.amazonaws.<region>.s3
    table_ids: tuple[str, ...]

    @property
    def variable(self) -> str:
        return _variable(self.service_name)

    def says(self) -> str:
        return f"create a gateway endpoint for {self.service_name} on {', '.join(self.table_ids)}"

    def apply(self, inventory: Inventory) -> Inventory:
        def change(network: Network) -> Network:
            pl = network.prefix_list_named(self.service_name)
            if pl is None:  # AWS's managed list is not in the data: the route cannot be modelled
                return network
            vpce_id = f"${self.variable}"
            endpoint = VpcEndpoint(
                vpce_id, self.vpc_id, self.service_name, "Gateway", "available", False, (), (), self.table_ids
            )
            route = Route(None, pl.id, "gateway-endpoint", vpce_id)

            def add(t: RouteTable) -> RouteTable:
                return replace(t, routes=(*t.routes, route)) if t.id in self.table_ids else t

            return replace(
                network,
                endpoints=with_endpoint(network.endpoints, endpoint),
                route_tables=tuple(add(t) for t in network.route_tables),
            )

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        return (cmd.create_gateway_endpoint(self.variable, self.vpc_id, self.service_name, self.table_ids),)

    def terraform(self, addresses: Mapping[str, str]) -> str:
        tables = ", ".join(ref(t, addresses) for t in self.table_ids)
        return (
            f'resource "aws_vpc_endpoint" "{self.variable[5:].lower()}" {{\n'
            f"  vpc_id = {ref(self.vpc_id, addresses)}\n"
            f'  service_name = "{self.service_name}"\n'
            '  vpc_endpoint_type = "Gateway"\n'
            f"  route_table_ids = [{tables}]\n"
            "}"
        )


@dataclass(frozen=True)
class CreateInterfaceEndpoint:
    vpc_id: str
    service_name: str
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...]  # the connection's groups: their self-referencing rule admits Glue

    @property
    def variable(self) -> str:
        return _variable(self.service_name)

    def says(self) -> str:
        return (
            f"create an interface endpoint for {self.service_name} in {', '.join(self.subnet_ids)} "
            f"with {', '.join(self.group_ids) or 'the default group'}, private DNS on"
        )

    def apply(self, inventory: Inventory) -> Inventory:
        endpoint = VpcEndpoint(
            f"${self.variable}",
            self.vpc_id,
            self.service_name,
            "Interface",
            "available",
            True,
            self.subnet_ids,
            self.group_ids,
            (),
        )
        return _network(inventory, lambda n: replace(n, endpoints=with_endpoint(n.endpoints, endpoint)))

    def commands(self) -> tuple[str, ...]:
        return (
            cmd.create_interface_endpoint(
                self.variable, self.vpc_id, self.service_name, self.subnet_ids, self.group_ids
            ),
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        subnets = ", ".join(ref(s, addresses) for s in self.subnet_ids)
        groups = ", ".join(ref(g, addresses) for g in self.group_ids)
        return (
            f'resource "aws_vpc_endpoint" "{self.variable[5:].lower()}" {{\n'
            f"  vpc_id = {ref(self.vpc_id, addresses)}\n"
            f'  service_name = "{self.service_name}"\n'
            '  vpc_endpoint_type = "Interface"\n'
            f"  subnet_ids = [{subnets}]\n"
            f"  security_group_ids = [{groups}]\n"
            "  private_dns_enabled = true\n"
            "}"
        )


@dataclass(frozen=True)
class CreateNatGateway:
    """A public NAT gateway ("$NAT") in the best public subnet, with a new Elastic IP: the data
    holds no Elastic IP list (DescribeAddresses is not read), so none can be reused."""

    vpc_id: str
    subnet_id: str
    why: str  # why this subnet: shown as a comment

    def says(self) -> str:
        return f"create a public NAT gateway in {self.subnet_id} ({self.why})"

    def apply(self, inventory: Inventory) -> Inventory:
        nat = NatGateway("$NAT", self.vpc_id, self.subnet_id, "available", "public")
        return _network(inventory, lambda n: replace(n, nat_gateways={**n.nat_gateways, nat.id: nat}))

    def commands(self) -> tuple[str, ...]:
        return (
            cmd.comment(f"{self.subnet_id}: {self.why}"),
            cmd.comment("the data lists no Elastic IPs (DescribeAddresses is not read): allocate one"),
            cmd.allocate_address("EIP"),
            cmd.create_nat_gateway("NAT", self.subnet_id, "$EIP"),
            cmd.wait_nat("$NAT"),
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return (
            f"# {self.subnet_id}: {self.why}\n"
            'resource "aws_eip" "glue_nat" {\n  domain = "vpc"\n}\n'
            f'resource "aws_nat_gateway" "glue" {{\n'
            "  allocation_id = aws_eip.glue_nat.id\n"
            f"  subnet_id = {ref(self.subnet_id, addresses)}\n"
            "}"
        )


@dataclass(frozen=True)
class CreateSecurityGroup:
    """A group ("$GLUE_SG") admitting all TCP from itself, as Glue requires of a connection's
    groups; AWS gives a new group an allow-all egress rule, and so does the model."""

    vpc_id: str
    name: str
    description: str

    @property
    def group_id(self) -> str:
        return "$GLUE_SG"

    def says(self) -> str:
        return f"create security group {self.name} in {self.vpc_id} admitting all TCP from itself"

    def apply(self, inventory: Inventory) -> Inventory:
        group = SecurityGroup(
            self.group_id,
            self.name,
            self.vpc_id,
            (SgRule("6", 0, 65535, "security-group", self.group_id),),
            (SgRule("-1", 0, 65535, "cidr", "0.0.0.0/0"),),
        )
        return _network(inventory, lambda n: replace(n, security_groups={**n.security_groups, group.id: group}))

    def commands(self) -> tuple[str, ...]:
        return (
            f"GLUE_SG=$(aws ec2 create-security-group --vpc-id {self.vpc_id} --group-name {shlex.quote(self.name)} "
            f"--description {shlex.quote(self.description)} --query GroupId --output text)",
            'aws ec2 authorize-security-group-ingress --group-id "$GLUE_SG" --protocol tcp --port 0-65535 '
            '--source-group "$GLUE_SG"',
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return (
            'resource "aws_security_group" "glue" {\n'
            f"  name = {json.dumps(self.name)}\n"
            f"  description = {json.dumps(self.description)}\n"
            f"  vpc_id = {ref(self.vpc_id, addresses)}\n"
            '  ingress {\n    protocol = "tcp"\n    from_port = 0\n    to_port = 65535\n    self = true\n  }\n'
            '  egress {\n    protocol = "-1"\n    from_port = 0\n    to_port = 0\n'
            '    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
            "}"
        )


def best_nat_subnet(network: Network, vpc_id: str, availability_zone: str | None) -> CreateNatGateway | None:
    subnets = cmd.public_subnets(network, vpc_id, availability_zone)
    if not subnets:
        return None
    best = subnets[0]
    where = "in the Glue subnet's AZ" if best.availability_zone == availability_zone else f"in {best.availability_zone}"
    why = f"public (its route table sends 0.0.0.0/0 to an attached internet gateway), {where}"
    return CreateNatGateway(vpc_id, best.id, why)


__all__ = [
    "CreateGatewayEndpoint",
    "CreateInterfaceEndpoint",
    "CreateNatGateway",
    "CreateSecurityGroup",
    "best_nat_subnet",
    "tf_name",
]
