"""Small synthetic plan documents in the `terraform show -json` shape (1.2), for the edge cases
a real configuration cannot produce offline (a plan deleting an existing endpoint, a planned
connection in an existing subnet). Real plans, generated with Terraform, are in
fixtures/terraform/ (fixtures/terraform/generate.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

REGION = "us-east-1"
KEY = "arn:aws:kms:us-east-1:123456789012:key/0b4e9d55-8c3a-4f0e-9a57-5d0a3f1c2b7e"


@dataclass
class R:
    type: str
    name: str
    values: dict[str, Any]
    refs: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)  # path -> references
    module: str = ""
    index: Any = None

    @property
    def address(self) -> str:
        index = "" if self.index is None else f'["{self.index}"]' if isinstance(self.index, str) else f"[{self.index}]"
        local = f"{self.type}.{self.name}{index}"
        return f"{self.module}.{local}" if self.module else local


def _set(tree: Any, path: tuple[Any, ...], leaf: Any) -> None:
    for step, following in pairwise(path):
        if isinstance(tree, list):
            while len(tree) <= step:
                tree.append({})
            tree = tree[step]
        else:
            tree = tree.setdefault(step, [] if isinstance(following, int) else {})
    if isinstance(tree, list):
        while len(tree) <= path[-1]:
            tree.append({})
    tree[path[-1]] = leaf


def _without(values: Any, path: tuple[Any, ...]) -> None:
    node = values
    for step in path[:-1]:
        node = node[step]
    node.pop(path[-1], None)


def document(resources: list[R]) -> dict[str, Any]:
    modules: dict[str, list[dict[str, Any]]] = {}
    changes, config_resources = [], {}
    for res in resources:
        values = json.loads(json.dumps(res.values))
        unknown: dict[str, Any] = {"id": True}
        expressions: dict[str, Any] = {}
        for key, value in res.values.items():
            if not isinstance(value, list | dict):
                expressions[key] = {"constant_value": value}
        for path, refs in res.refs.items():
            _without(values, path)
            _set(unknown, path, True)
            _set(expressions, path, {"references": refs})
        modules.setdefault(res.module, []).append(
            {
                "address": res.address,
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                **({} if res.index is None else {"index": res.index}),
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": values,
                "sensitive_values": {},
            }
        )
        changes.append(
            {
                "address": res.address,
                **({"module_address": res.module} if res.module else {}),
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                **({} if res.index is None else {"index": res.index}),
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": unknown,
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        )
        config_resources.setdefault(
            (res.module, res.type, res.name),
            {
                "address": f"{res.type}.{res.name}",
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                "provider_config_key": "aws",
                "expressions": expressions,
                "schema_version": 0,
                **({"for_each_expression": {"references": ["var.subnets"]}} if isinstance(res.index, str) else {}),
            },
        )
    root_resources = [c for (m, _, _), c in config_resources.items() if m == ""]
    net_resources = [c for (m, _, _), c in config_resources.items() if m == "module.net"]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "resources": modules.get("", []),
                "child_modules": [{"address": "module.net", "resources": modules.get("module.net", [])}],
            }
        },
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": REGION}},
                }
            },
            "root_module": {
                "resources": root_resources,
                "module_calls": {
                    "net": {
                        "source": "./modules/net",
                        "module": {
                            "resources": net_resources,
                            "outputs": {
                                "vpc_id": {"expression": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}},
                                "subnet_id": {
                                    "expression": {"references": ['aws_subnet.this["a"].id', 'aws_subnet.this["a"]']}
                                },
                                "public_subnet_id": {"expression": {"references": ['aws_subnet.this["pub"].id']}},
                                "cidr": {"expression": {"references": ["aws_vpc.this.cidr_block"]}},
                            },
                            "variables": {"subnets": {}},
                        },
                    }
                },
            },
        },
    }


# --- the layouts ----------------------------------------------------------------------------------

VPC = ["module.net.vpc_id"]
SUBNET = ["module.net.subnet_id"]
RTB = ["aws_route_table.glue.id", "aws_route_table.glue"]
SG = ["aws_security_group.glue.id", "aws_security_group.glue"]


def network(dns_hostnames: bool = True) -> list[R]:
    return [
        R(
            "aws_vpc",
            "this",
            {"cidr_block": "10.0.0.0/16", "enable_dns_support": True, "enable_dns_hostnames": dns_hostnames},
            module="module.net",
        ),
        *(
            R(
                "aws_subnet",
                "this",
                {"cidr_block": cidr, "availability_zone": "us-east-1a"},
                {("vpc_id",): ["aws_vpc.this.id", "aws_vpc.this"]},
                module="module.net",
                index=key,
            )
            for key, cidr in (("a", "10.0.1.0/24"), ("pub", "10.0.0.0/24"))
        ),
        R("aws_route_table", "glue", {"route": []}, {("vpc_id",): VPC}),
        R("aws_route_table_association", "glue", {}, {("subnet_id",): SUBNET, ("route_table_id",): RTB}),
        R(
            "aws_security_group",
            "glue",
            {
                "name": "glue-orders",
                "ingress": [
                    {
                        "protocol": "tcp",
                        "from_port": 0,
                        "to_port": 65535,
                        "self": True,
                        "cidr_blocks": [],
                        "security_groups": [],
                        "prefix_list_ids": [],
                    }
                ],
                "egress": [
                    {
                        "protocol": "-1",
                        "from_port": 0,
                        "to_port": 0,
                        "cidr_blocks": ["0.0.0.0/0"],
                        "self": False,
                        "security_groups": [],
                        "prefix_list_ids": [],
                    }
                ],
            },
            {("vpc_id",): VPC},
        ),
    ]


def s3_gateway(tables: list[str] = RTB) -> R:
    return R(
        "aws_vpc_endpoint",
        "s3",
        {"service_name": f"com.amazonaws.{REGION}.s3", "vpc_endpoint_type": "Gateway"},
        {("vpc_id",): VPC, ("route_table_ids",): tables},
    )


def kms_endpoint(private_dns: bool = True) -> R:
    return R(
        "aws_vpc_endpoint",
        "kms",
        {
            "service_name": f"com.amazonaws.{REGION}.kms",
            "vpc_endpoint_type": "Interface",
            "private_dns_enabled": private_dns,
        },
        {("vpc_id",): VPC, ("subnet_ids",): SUBNET, ("security_group_ids",): SG},
    )


def nat(igw_route: bool = True) -> list[R]:
    public = ["aws_route_table.public.id", "aws_route_table.public"]
    return [
        R("aws_internet_gateway", "this", {}, {("vpc_id",): VPC}),
        R("aws_route_table", "public", {"route": []}, {("vpc_id",): VPC}),
        R(
            "aws_route_table_association",
            "public",
            {},
            {("subnet_id",): ["module.net.public_subnet_id"], ("route_table_id",): public},
        ),
        *(
            [
                R(
                    "aws_route",
                    "public_default",
                    {"destination_cidr_block": "0.0.0.0/0"},
                    {("route_table_id",): public, ("gateway_id",): ["aws_internet_gateway.this.id"]},
                )
            ]
            if igw_route
            else []
        ),
        R(
            "aws_nat_gateway",
            "this",
            {"connectivity_type": "public"},
            {("subnet_id",): ["module.net.public_subnet_id"]},
        ),
        R(
            "aws_route",
            "glue_default",
            {"destination_cidr_block": "0.0.0.0/0"},
            {("route_table_id",): RTB, ("nat_gateway_id",): ["aws_nat_gateway.this.id"]},
        ),
    ]


def glue() -> list[R]:
    return [
        R(
            "aws_glue_security_configuration",
            "kms",
            {
                "name": "sec-kms",
                "encryption_configuration": [
                    {
                        "s3_encryption": [{"s3_encryption_mode": "SSE-KMS", "kms_key_arn": KEY}],
                        "cloudwatch_encryption": [{"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": KEY}],
                        "job_bookmarks_encryption": [{"job_bookmarks_encryption_mode": "DISABLED"}],
                    }
                ],
            },
        ),
        R(
            "aws_glue_connection",
            "orders",
            {
                "name": "orders-db",
                "connection_type": "JDBC",
                "connection_properties": {
                    "JDBC_CONNECTION_URL": "jdbc:postgresql://orders.internal:5432/orders",
                    "USERNAME": "etl",
                    "PASSWORD": "canary-Sup3rSecret!",
                },
                "physical_connection_requirements": [{"availability_zone": "us-east-1a"}],
            },
            {
                ("physical_connection_requirements", 0, "subnet_id"): SUBNET,
                ("physical_connection_requirements", 0, "security_group_id_list"): SG,
            },
        ),
        R(
            "aws_glue_job",
            "nightly",
            {
                "name": "nightly-etl",
                "role_arn": "arn:aws:iam::123456789012:role/glue-etl",
                "connections": ["orders-db"],
                "security_configuration": "sec-kms",
                "number_of_workers": 10,
                "worker_type": "G.1X",
            },
        ),
        R(
            "aws_glue_crawler",
            "orders",
            {
                "name": "orders-crawler",
                "role": "glue-crawler",
                "database_name": "orders",
                "security_configuration": "sec-kms",
                "jdbc_target": [{"connection_name": "orders-db", "path": "orders/%"}],
            },
        ),
    ]


def _no_self_reference(resources: list[R]) -> list[R]:
    for res in resources:
        if res.type == "aws_security_group":
            res.values["ingress"] = []
    return resources
