"""Read a `terraform show -json` plan (format 1.x) into the raw AWS shapes the live collector
records, so the same model builder and engine analyse it.

Values unknown until apply (absent from `planned_values`, true in `after_unknown`) are
resolved through the `configuration` references (`aws_subnet.private.id`, module outputs,
`count` / `for_each` instances): a planned resource's id is its Terraform address until AWS
assigns one. Resources the plan deletes are removed from the base (snapshot or live account).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from glue_netcheck.collect.files import read_json
from glue_netcheck.errors import AnalysisError

_ID_PREFIX = {
    "aws_vpc": "vpc-",
    "aws_subnet": "subnet-",
    "aws_route_table": "rtb-",
    "aws_default_route_table": "rtb-",
    "aws_internet_gateway": "igw-",
    "aws_nat_gateway": "nat-",
    "aws_vpc_endpoint": "vpce-",
    "aws_security_group": "sg-",
    "aws_default_security_group": "sg-",
    "aws_network_acl": "acl-",
    "aws_default_network_acl": "acl-",
    "aws_ec2_transit_gateway": "tgw-",
    "aws_vpc_peering_connection": "pcx-",
    "aws_vpn_gateway": "vgw-",
    "aws_vpc_dhcp_options": "dopt-",
}
_INDEX = re.compile(r"^(?P<base>[^\[]+)(?:\[(?P<index>[^\]]+)\])?$")


class PlanError(AnalysisError):
    pass


@dataclass
class Resource:
    address: str
    module: str  # "" for the root module, else "module.a.module.b"
    type: str
    name: str
    index: Any
    values: dict[str, Any]
    unknown: Any = field(default_factory=dict)

    @property
    def id(self) -> str:
        """AWS's id when known, else a stand-in until apply: AWS's prefix for the kind (route
        targets are told apart by it) and the Terraform address."""
        value = self.values.get("id")
        if isinstance(value, str) and value:
            return value
        return f"{_ID_PREFIX.get(self.type, '')}{self.address}"


@dataclass
class Plan:
    resources: list[Resource]
    deleted_ids: set[str]
    configuration: dict[str, Any]
    addresses: dict[str, str] = field(default_factory=dict)  # resource id -> Terraform address
    source: str = "plan"

    def config_module(self, module: str) -> dict[str, Any]:
        node: dict[str, Any] = self.configuration.get("root_module", {})
        for part in [p for p in module.split(".") if p and p != "module"]:
            node = node.get("module_calls", {}).get(part, {}).get("module", {})
        return node

    def config_resource(self, res: Resource) -> dict[str, Any]:
        for entry in self.config_module(res.module).get("resources", []):
            if entry.get("type") == res.type and entry.get("name") == res.name:
                return dict(entry)
        return {}

    def find(self, module: str, reference: str) -> list[Resource]:
        """Resources a configuration reference names, seen from `module`."""
        parts = reference.split(".")
        if parts[0] == "module" and len(parts) >= 3:
            call = _INDEX.match(parts[1])
            child = f"{module}.module.{call['base'] if call else parts[1]}".lstrip(".")
            outputs = self.config_module(child).get("outputs", {})
            output = outputs.get(parts[2], {}).get("expression", {})
            return [r for ref in output.get("references", []) for r in self.find(child, ref)][:1]
        if len(parts) < 2 or parts[0] in ("var", "local", "each", "count", "path", "data", "self"):
            return []
        match = _INDEX.match(parts[1])
        if match is None:
            return []
        name, index = match["base"], match["index"]
        found = [r for r in self.resources if r.module == module and r.type == parts[0] and r.name == name]
        if index is not None:
            wanted = index.strip('"')
            found = [r for r in found if str(r.index) == wanted]
        return found if len(found) == 1 else []

    def resolve(self, res: Resource, *path: Any) -> Any:
        """The value at `path` in the resource, resolving unknown ids through references."""
        value: Any = res.values
        expression: Any = self.config_resource(res).get("expressions", {})
        for step in path:
            value = value[step] if _has(value, step) else None
            expression = expression[step] if _has(expression, step) else None
        if value not in (None, "", []) and not _unknown(res.unknown, path):
            return value
        references = expression.get("references", []) if isinstance(expression, Mapping) else []
        ids = list(dict.fromkeys(r.id for ref in references for r in self.find(res.module, ref)))
        if isinstance(value, list) or (isinstance(expression, Mapping) and len(ids) > 1):
            return ids or value
        return ids[0] if ids else value

    def resolve_list(self, res: Resource, *path: Any) -> list[Any]:
        """A list attribute (ids of subnets, groups, route tables), resolved like `resolve`."""
        value = self.resolve(res, *path)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def _has(node: Any, step: Any) -> bool:
    if isinstance(node, Mapping):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def _unknown(unknown: Any, path: tuple[Any, ...]) -> bool:
    node = unknown
    for step in path:
        if node is True:
            return True
        if not _has(node, step):
            return False
        node = node[step]
    return node is True or (isinstance(node, list) and any(v is True for v in node))


# --- reading the file ---------------------------------------------------------------------------


def load(path: Path) -> Plan:
    where = f"plan {path}"
    document = read_json(path, where, PlanError)
    if not isinstance(document, dict) or "planned_values" not in document:
        raise PlanError(f"{where}: not a `terraform show -json` plan (no planned_values)")
    version = str(document.get("format_version", ""))
    if not version.startswith("1."):
        raise PlanError(f"{where}: plan format_version {version!r:.20} is not supported (1.x is)")
    try:
        plan = _parse(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"{where}: unexpected content ({type(exc).__name__}: {exc})") from None
    plan.source = where
    return plan


def apply(base: Mapping[str, Any], plan: Plan, region: str) -> tuple[dict[str, Any], list[str]]:
    """The merged raw region and the connections to analyse; malformed values are a PlanError."""
    try:
        merged = merge(base, plan, region)
        return merged, affected_connections(plan, base, merged)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"{plan.source}: unexpected content ({type(exc).__name__}: {exc})") from None


def _modules(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for child in node.get("child_modules", []) or []:
        yield from _modules(child)


def _parse(document: Mapping[str, Any]) -> Plan:
    unknown: dict[str, Any] = {}
    deleted: set[str] = set()
    for change in document.get("resource_changes", []) or []:
        actions = change.get("change", {}).get("actions", [])
        unknown[change["address"]] = change.get("change", {}).get("after_unknown") or {}
        before = change.get("change", {}).get("before") or {}
        if "delete" in actions and "create" not in actions and isinstance(before, Mapping) and before.get("id"):
            deleted.add(str(before["id"]))
    resources = []
    for module in _modules(document["planned_values"].get("root_module", {})):
        for raw in module.get("resources", []) or []:
            if raw.get("mode", "managed") != "managed":
                continue
            address = raw["address"]
            prefix = address.rsplit(f"{raw['type']}.", 1)[0].rstrip(".")
            resources.append(
                Resource(
                    address,
                    prefix,
                    raw["type"],
                    raw["name"],
                    raw.get("index"),
                    dict(raw.get("values") or {}),
                    unknown.get(address, {}),
                )
            )
    plan = Plan(resources, deleted, dict(document.get("configuration") or {}))
    plan.addresses = {r.id: r.address for r in resources}
    return plan


# --- plan resources -> raw AWS shapes -------------------------------------------------------------


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    return [b for b in value or [] if isinstance(b, Mapping)]


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return "-1" if text in ("-1", "all") else text


def _permission(
    protocol: Any, low: Any, high: Any, cidrs: Any = (), groups: Any = (), lists: Any = ()
) -> dict[str, Any]:
    permission: dict[str, Any] = {
        "IpProtocol": _protocol(protocol),
        "IpRanges": [{"CidrIp": c} for c in cidrs or () if c],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups or () if g],
        "PrefixListIds": [{"PrefixListId": p} for p in lists or () if p],
    }
    if permission["IpProtocol"] != "-1":
        permission["FromPort"], permission["ToPort"] = int(low or 0), int(high or 0)
    return permission


_ROUTE_KEYS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_endpoint_id": "GatewayId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
}


def _route(plan: Plan, res: Resource, *path: Any) -> dict[str, Any]:
    route: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
    for key in ("cidr_block", "destination_cidr_block"):
        if value := plan.resolve(res, *path, key):
            route["DestinationCidrBlock"] = value
    if value := plan.resolve(res, *path, "destination_prefix_list_id"):
        route["DestinationPrefixListId"] = value
    for key, aws_key in _ROUTE_KEYS.items():
        if value := plan.resolve(res, *path, key):
            route[aws_key] = value
    return route


def to_raw(plan: Plan, region: str) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, Any]]:
    """(ec2 sections, glue sections, VPC attributes) described by the plan."""
    ec2: dict[str, list[Any]] = {
        k: []
        for k in (
            "Vpcs",
            "Subnets",
            "RouteTables",
            "SecurityGroups",
            "NetworkAcls",
            "VpcEndpoints",
            "NatGateways",
            "InternetGateways",
            "DhcpOptions",
        )
    }
    glue: dict[str, list[Any]] = {"Connections": [], "Jobs": [], "Crawlers": [], "SecurityConfigurations": []}
    attributes: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    acls: dict[str, dict[str, Any]] = {}
    endpoints: dict[str, dict[str, Any]] = {}
    subnet_vpc: dict[str, str] = {}
    later: list[Resource] = []
    for res in plan.resources:
        r = partial(plan.resolve, res)
        if res.type == "aws_vpc":
            ec2["Vpcs"].append(
                {
                    "VpcId": res.id,
                    "CidrBlock": r("cidr_block"),
                    "DhcpOptionsId": "default",
                    "CidrBlockAssociationSet": [
                        {"CidrBlock": r("cidr_block"), "CidrBlockState": {"State": "associated"}}
                    ],
                }
            )
            attributes[res.id] = {
                "EnableDnsSupport": r("enable_dns_support") is not False,
                "EnableDnsHostnames": r("enable_dns_hostnames") is True,
            }
        elif res.type == "aws_subnet":
            cidr = r("cidr_block")
            free = ipaddress.ip_network(cidr, strict=False).num_addresses - 5 if cidr else None
            subnet_vpc[res.id] = r("vpc_id")
            ec2["Subnets"].append(
                {
                    "SubnetId": res.id,
                    "VpcId": r("vpc_id"),
                    "CidrBlock": cidr,
                    "AvailabilityZone": r("availability_zone") or f"{region}a",
                    "AvailableIpAddressCount": free,
                }
            )
        elif res.type in ("aws_route_table", "aws_default_route_table"):
            table = {
                "RouteTableId": res.id,
                "VpcId": r("vpc_id"),
                "Associations": [],
                "Routes": [_route(plan, res, "route", i) for i, _ in enumerate(_blocks(r("route")))],
            }
            if res.type == "aws_default_route_table":
                table["Associations"].append({"Main": True})
            tables[res.id] = table
        elif res.type in ("aws_security_group", "aws_default_security_group"):
            group_id = res.id
            groups[group_id] = {
                "GroupId": group_id,
                "GroupName": r("name") or ("default" if "default" in res.type else res.name),
                "VpcId": r("vpc_id"),
                **{
                    key: [
                        _permission(
                            b.get("protocol"),
                            b.get("from_port"),
                            b.get("to_port"),
                            b.get("cidr_blocks"),
                            [
                                *plan.resolve_list(res, block, i, "security_groups"),
                                *([group_id] if b.get("self") else []),
                            ],
                            b.get("prefix_list_ids"),
                        )
                        for i, b in enumerate(_blocks(r(block)))
                    ]
                    for key, block in (("IpPermissions", "ingress"), ("IpPermissionsEgress", "egress"))
                },
            }
        elif res.type in ("aws_network_acl", "aws_default_network_acl"):
            acls[res.id] = {
                "NetworkAclId": res.id,
                "VpcId": r("vpc_id"),
                "IsDefault": res.type == "aws_default_network_acl",
                "Associations": [{"SubnetId": s} for s in plan.resolve_list(res, "subnet_ids")],
                "Entries": [
                    {
                        "RuleNumber": int(b["rule_no"]),
                        "Egress": block == "egress",
                        "Protocol": "-1"
                        if str(b.get("protocol")) in ("-1", "all")
                        else {"tcp": "6", "udp": "17", "icmp": "1"}.get(str(b.get("protocol")), str(b.get("protocol"))),
                        "RuleAction": b.get("action", "deny"),
                        "CidrBlock": b.get("cidr_block") or "0.0.0.0/0",
                        "PortRange": {"From": int(b.get("from_port") or 0), "To": int(b.get("to_port") or 0)},
                    }
                    for block in ("ingress", "egress")
                    for b in _blocks(r(block))
                ],
            }
        elif res.type == "aws_vpc_endpoint":
            kind = r("vpc_endpoint_type") or "Gateway"
            endpoints[res.id] = {
                "VpcEndpointId": res.id,
                "VpcId": r("vpc_id"),
                "ServiceName": r("service_name"),
                "VpcEndpointType": kind,
                "State": "available",
                # The provider's default is false; AWS's console default is true.
                "PrivateDnsEnabled": r("private_dns_enabled") is True,
                "SubnetIds": plan.resolve_list(res, "subnet_ids"),
                "Groups": [{"GroupId": g} for g in plan.resolve_list(res, "security_group_ids")],
                "RouteTableIds": plan.resolve_list(res, "route_table_ids"),
            }
        elif res.type == "aws_nat_gateway":
            ec2["NatGateways"].append(
                {
                    "NatGatewayId": res.id,
                    "SubnetId": r("subnet_id"),
                    "State": "available",
                    "ConnectivityType": r("connectivity_type") or "public",
                }
            )
        elif res.type == "aws_internet_gateway":
            vpc = r("vpc_id")
            ec2["InternetGateways"].append(
                {"InternetGatewayId": res.id, "Attachments": [{"VpcId": vpc, "State": "available"}] if vpc else []}
            )
        elif res.type == "aws_glue_connection":
            physical = _blocks(r("physical_connection_requirements"))
            connection: dict[str, Any] = {
                "Name": r("name"),
                "ConnectionType": r("connection_type") or "JDBC",
                "ConnectionProperties": dict(r("connection_properties") or {}),
            }
            if physical:
                connection["PhysicalConnectionRequirements"] = {
                    "SubnetId": plan.resolve(res, "physical_connection_requirements", 0, "subnet_id"),
                    "SecurityGroupIdList": plan.resolve_list(
                        res, "physical_connection_requirements", 0, "security_group_id_list"
                    ),
                    "AvailabilityZone": plan.resolve(res, "physical_connection_requirements", 0, "availability_zone"),
                }
            glue["Connections"].append(connection)
        elif res.type == "aws_glue_job":
            glue["Jobs"].append(
                {
                    "Name": r("name"),
                    "Role": r("role_arn"),
                    "Connections": {"Connections": r("connections") or []},
                    "SecurityConfiguration": r("security_configuration"),
                    "NumberOfWorkers": r("number_of_workers"),
                    "MaxCapacity": r("max_capacity"),
                    "DefaultArguments": r("default_arguments") or {},
                }
            )
        elif res.type == "aws_glue_crawler":
            targets = {"JdbcTargets": [{"ConnectionName": t.get("connection_name")} for t in _blocks(r("jdbc_target"))]}
            glue["Crawlers"].append(
                {
                    "Name": r("name"),
                    "Role": r("role"),
                    "Targets": targets,
                    "CrawlerSecurityConfiguration": r("security_configuration"),
                }
            )
        elif res.type == "aws_glue_security_configuration":
            conf = (_blocks(r("encryption_configuration")) or [{}])[0]
            s3 = (_blocks(conf.get("s3_encryption")) or [{}])[0]
            cw = (_blocks(conf.get("cloudwatch_encryption")) or [{}])[0]
            bm = (_blocks(conf.get("job_bookmarks_encryption")) or [{}])[0]
            glue["SecurityConfigurations"].append(
                {
                    "Name": r("name"),
                    "EncryptionConfiguration": {
                        "S3Encryption": [
                            {
                                "S3EncryptionMode": s3.get("s3_encryption_mode", "DISABLED"),
                                "KmsKeyArn": s3.get("kms_key_arn"),
                            }
                        ],
                        "CloudWatchEncryption": {
                            "CloudWatchEncryptionMode": cw.get("cloudwatch_encryption_mode", "DISABLED"),
                            "KmsKeyArn": cw.get("kms_key_arn"),
                        },
                        "JobBookmarksEncryption": {
                            "JobBookmarksEncryptionMode": bm.get("job_bookmarks_encryption_mode", "DISABLED"),
                            "KmsKeyArn": bm.get("kms_key_arn"),
                        },
                    },
                }
            )
        else:
            later.append(res)
    _attach(plan, later, tables, groups, acls, endpoints)
    ec2["RouteTables"], ec2["SecurityGroups"] = list(tables.values()), list(groups.values())
    ec2["NetworkAcls"], ec2["VpcEndpoints"] = list(acls.values()), list(endpoints.values())
    for nat in ec2["NatGateways"]:
        nat["VpcId"] = subnet_vpc.get(nat["SubnetId"], "")
    return ec2, glue, attributes


def _attach(
    plan: Plan,
    resources: list[Resource],
    tables: dict[str, Any],
    groups: dict[str, Any],
    acls: dict[str, Any],
    endpoints: dict[str, Any],
) -> None:
    """Association and rule resources that add to the ones above (or to the base's)."""
    for res in resources:
        r = partial(plan.resolve, res)
        if res.type == "aws_route" and r("route_table_id") in tables:
            tables[r("route_table_id")]["Routes"].append(_route(plan, res))
        elif res.type == "aws_route_table_association" and r("route_table_id") in tables and r("subnet_id"):
            tables[r("route_table_id")]["Associations"].append({"SubnetId": r("subnet_id")})
        elif res.type == "aws_main_route_table_association" and r("route_table_id") in tables:
            tables[r("route_table_id")]["Associations"].append({"Main": True})
        elif res.type == "aws_security_group_rule" and r("security_group_id") in groups:
            key = "IpPermissions" if r("type") == "ingress" else "IpPermissionsEgress"
            sources = [r("source_security_group_id")] + ([r("security_group_id")] if r("self") else [])
            groups[r("security_group_id")][key].append(
                _permission(
                    r("protocol"), r("from_port"), r("to_port"), r("cidr_blocks"), sources, r("prefix_list_ids")
                )
            )
        elif (
            res.type in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
            and r("security_group_id") in groups
        ):
            key = "IpPermissions" if "ingress" in res.type else "IpPermissionsEgress"
            groups[r("security_group_id")][key].append(
                _permission(
                    r("ip_protocol"),
                    r("from_port"),
                    r("to_port"),
                    [r("cidr_ipv4")],
                    [r("referenced_security_group_id")],
                    [r("prefix_list_id")],
                )
            )
        elif res.type == "aws_network_acl_rule" and r("network_acl_id") in acls:
            acls[r("network_acl_id")]["Entries"].append(
                {
                    "RuleNumber": int(r("rule_number")),
                    "Egress": bool(r("egress")),
                    "Protocol": _protocol(r("protocol")),
                    "RuleAction": r("rule_action"),
                    "CidrBlock": r("cidr_block"),
                    "PortRange": {"From": int(r("from_port") or 0), "To": int(r("to_port") or 0)},
                }
            )
        elif res.type == "aws_network_acl_association" and r("network_acl_id") in acls:
            acls[r("network_acl_id")]["Associations"].append({"SubnetId": r("subnet_id")})
        elif res.type == "aws_vpc_endpoint_route_table_association" and r("vpc_endpoint_id") in endpoints:
            endpoints[r("vpc_endpoint_id")]["RouteTableIds"].append(r("route_table_id"))
        elif res.type == "aws_vpc_endpoint_subnet_association" and r("vpc_endpoint_id") in endpoints:
            endpoints[r("vpc_endpoint_id")]["SubnetIds"].append(r("subnet_id"))
        elif res.type == "aws_vpc_endpoint_security_group_association" and r("vpc_endpoint_id") in endpoints:
            endpoints[r("vpc_endpoint_id")]["Groups"].append({"GroupId": r("security_group_id")})


def merge(base: Mapping[str, Any], plan: Plan, region: str) -> dict[str, Any]:
    """The base region's raw data with the plan applied: planned resources replace or join the
    base's by id, deleted ones leave, and AWS's implicit parts (local routes, gateway-endpoint
    routes, a main route table per new VPC) are added."""
    ec2_plan, glue_plan, attributes = to_raw(plan, region)
    ec2: dict[str, Any] = {k: list(v) for k, v in (base.get("ec2") or {}).items() if isinstance(v, list)}
    ec2["VpcAttributes"] = {**dict((base.get("ec2") or {}).get("VpcAttributes") or {}), **attributes}
    ids = {
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
    for section, key in ids.items():
        planned = {item[key]: item for item in ec2_plan.get(section, [])}
        kept = [i for i in ec2.get(section, []) if i.get(key) not in planned and i.get(key) not in plan.deleted_ids]
        ec2[section] = kept + list(planned.values())
    vpc_cidrs = {v["VpcId"]: v.get("CidrBlock") for v in ec2["Vpcs"]}
    for table in ec2["RouteTables"]:
        if not any(r.get("GatewayId") == "local" for r in table["Routes"]) and vpc_cidrs.get(table["VpcId"]):
            table["Routes"].insert(0, {"DestinationCidrBlock": vpc_cidrs[table["VpcId"]], "GatewayId": "local"})
    for vpc_id in vpc_cidrs:  # AWS gives every VPC a main table; the plan may not name it
        if not any(t["VpcId"] == vpc_id and any(a.get("Main") for a in t["Associations"]) for t in ec2["RouteTables"]):
            ec2["RouteTables"].append(
                {
                    "RouteTableId": f"{vpc_id}/main",
                    "VpcId": vpc_id,
                    "Associations": [{"Main": True}],
                    "Routes": [{"DestinationCidrBlock": vpc_cidrs[vpc_id], "GatewayId": "local"}],
                }
            )
        if not any(a["VpcId"] == vpc_id and a.get("IsDefault") for a in ec2["NetworkAcls"]):
            ec2["NetworkAcls"].append(
                {
                    "NetworkAclId": f"{vpc_id}/default-acl",
                    "VpcId": vpc_id,
                    "IsDefault": True,
                    "Associations": [],
                    "Entries": [
                        {
                            "RuleNumber": 100,
                            "Egress": e,
                            "Protocol": "-1",
                            "RuleAction": "allow",
                            "CidrBlock": "0.0.0.0/0",
                        }
                        for e in (True, False)
                    ],
                }
            )
    prefix = {p.get("PrefixListName"): p["PrefixListId"] for p in ec2.get("PrefixLists", [])}
    for endpoint in ec2["VpcEndpoints"]:
        if endpoint["VpcEndpointType"].lower() != "gateway" or endpoint["VpcEndpointId"] not in plan.addresses:
            continue
        pl = prefix.get(endpoint["ServiceName"], f"pl-{endpoint['ServiceName']}")
        for table in ec2["RouteTables"]:
            if table["RouteTableId"] in endpoint["RouteTableIds"]:
                table["Routes"].append({"DestinationPrefixListId": pl, "GatewayId": endpoint["VpcEndpointId"]})
    glue = dict(base.get("glue") or {})
    for section, items in glue_plan.items():
        names = {i["Name"] for i in items}
        glue[section] = [i for i in glue.get(section, []) if i.get("Name") not in names] + items
    return {**base, "ec2": ec2, "glue": glue, "region": region}


def affected_connections(plan: Plan, base: Mapping[str, Any], merged: Mapping[str, Any]) -> list[str]:
    """The plan's connections, and the existing ones in every VPC the plan changes (a plan that
    deletes a KMS endpoint breaks connections it never names)."""
    names = {r.values.get("name") or r.address for r in plan.resources if r.type == "aws_glue_connection"}
    base_ec2 = base.get("ec2") or {}
    touched = existing_ids(plan, "vpc-") | {r.id for r in plan.resources if r.type == "aws_vpc"}
    touched |= {
        str(item.get("VpcId"))
        for items in base_ec2.values()
        if isinstance(items, list)
        for item in items
        if isinstance(item, Mapping) and set(map(str, item.values())) & plan.deleted_ids
    }
    for res in plan.resources:
        vpc = plan.resolve(res, "vpc_id")
        if isinstance(vpc, str):
            touched.add(vpc)
    subnets = {s["SubnetId"]: s.get("VpcId") for s in (merged.get("ec2") or {}).get("Subnets", [])}
    for connection in (merged.get("glue") or {}).get("Connections", []):
        subnet = (connection.get("PhysicalConnectionRequirements") or {}).get("SubnetId")
        if subnets.get(subnet) in touched:
            names.add(connection["Name"])
    return sorted(names)


def existing_ids(plan: Plan, prefix: str) -> set[str]:
    """AWS ids of existing resources the plan's values name (e.g. a subnet it does not create)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str) and node.startswith(prefix):
            found.add(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for res in plan.resources:
        walk(res.values)
    return found - set(plan.addresses)
