"""Translators of the resources that add to another one: separate routes, rules and
associations. They run after every resource they can name has been translated."""

from __future__ import annotations

from typing import Any

from glue_netcheck.collect.terraform.plan import default_id
from glue_netcheck.collect.terraform.shapes import (
    Raw,
    Translator,
    Values,
    everywhere,
    permission,
    protocol,
    route,
)

# What a rule's peer, ports and protocol come from: read only at apply, its group (or ACL)
# is undecided.
_SG_RULE = ("cidr_blocks", "prefix_list_ids", "source_security_group_id", "from_port", "to_port", "protocol", "type")
_VPC_SG_RULE = ("cidr_ipv4", "prefix_list_id", "referenced_security_group_id", "from_port", "to_port", "ip_protocol")
_ACL_RULE = ("cidr_block", "from_port", "to_port", "protocol", "rule_action", "rule_number", "egress")


def _target(raw: Raw, section: str, v: Values, attribute: str) -> dict[str, Any] | None:
    """The resource a rule or association adds to; None when it is not in the data, or when
    a data source names it only at apply (then every one it may be is undecided)."""
    if everywhere(raw, section, v, (attribute,)):
        return None
    return raw.ec2[section].get(v(attribute)) if isinstance(v(attribute), str) else None


def _vpc_wide(v: Values, item: dict[str, Any], *attributes: str) -> None:
    """Which subnets or tables an association joins, read only at apply: the VPC's paths."""
    v.decides(str(item.get("VpcId")), *((a,) for a in attributes))


def aws_route(raw: Raw, v: Values) -> None:
    if (table := _target(raw, "RouteTables", v, "route_table_id")) is not None:
        table["Routes"].append(route(v, table=table["RouteTableId"]))


def route_table_association(raw: Raw, v: Values) -> None:
    if (table := _target(raw, "RouteTables", v, "route_table_id")) is not None:
        _vpc_wide(v, table, "subnet_id")
        if v("subnet_id"):
            table["Associations"].append({"SubnetId": v("subnet_id")})


def main_route_table_association(raw: Raw, v: Values) -> None:
    if (table := _target(raw, "RouteTables", v, "route_table_id")) is not None:
        _vpc_wide(v, table, "vpc_id")
        table["Associations"].append({"Main": True})


def security_group_rule(raw: Raw, v: Values) -> None:
    if (group := _target(raw, "SecurityGroups", v, "security_group_id")) is None:
        return
    v.decides(group["GroupId"], *((a,) for a in _SG_RULE))
    key = "IpPermissions" if v("type") == "ingress" else "IpPermissionsEgress"
    sources = [v("source_security_group_id"), *([v("security_group_id")] if v("self") else [])]
    group[key].append(
        permission(v("protocol"), v("from_port"), v("to_port"), v("cidr_blocks"), sources, v("prefix_list_ids"))
    )


def vpc_security_group_rule(raw: Raw, v: Values) -> None:
    if (group := _target(raw, "SecurityGroups", v, "security_group_id")) is None:
        return
    v.decides(group["GroupId"], *((a,) for a in _VPC_SG_RULE))
    key = "IpPermissions" if "ingress" in v.res.type else "IpPermissionsEgress"
    group[key].append(
        permission(
            v("ip_protocol"),
            v("from_port"),
            v("to_port"),
            [v("cidr_ipv4")],
            [v("referenced_security_group_id")],
            [v("prefix_list_id")],
        )
    )


def network_acl_rule(raw: Raw, v: Values) -> None:
    if (acl := _target(raw, "NetworkAcls", v, "network_acl_id")) is None:
        return
    if v.decides(acl["NetworkAclId"], *((a,) for a in _ACL_RULE)) or not isinstance(v("cidr_block"), str):
        return  # undecided, or an IPv6 rule (not one for Glue's IPv4 traffic)
    acl["Entries"].append(
        {
            "RuleNumber": int(v("rule_number")),
            "Egress": bool(v("egress")),
            "Protocol": protocol(v("protocol")),
            "RuleAction": v("rule_action"),
            "CidrBlock": v("cidr_block"),
            "PortRange": {"From": int(v("from_port") or 0), "To": int(v("to_port") or 0)},
        }
    )


def network_acl_association(raw: Raw, v: Values) -> None:
    if (acl := _target(raw, "NetworkAcls", v, "network_acl_id")) is not None:
        _vpc_wide(v, acl, "subnet_id")
        acl["Associations"].append({"SubnetId": v("subnet_id")})


def endpoint_route_table(raw: Raw, v: Values) -> None:
    if (endpoint := _target(raw, "VpcEndpoints", v, "vpc_endpoint_id")) is not None:
        _vpc_wide(v, endpoint, "route_table_id")
        endpoint["RouteTableIds"].append(v("route_table_id"))


def endpoint_subnet(raw: Raw, v: Values) -> None:
    if (endpoint := _target(raw, "VpcEndpoints", v, "vpc_endpoint_id")) is not None:
        v.decides(endpoint["VpcEndpointId"], ("subnet_id",))
        endpoint["SubnetIds"].append(v("subnet_id"))


def endpoint_security_group(raw: Raw, v: Values) -> None:
    if (endpoint := _target(raw, "VpcEndpoints", v, "vpc_endpoint_id")) is not None:
        v.decides(endpoint["VpcEndpointId"], ("security_group_id",))
        if v("replace_default_association"):
            default = default_id("sg-", endpoint["VpcId"])
            endpoint["Groups"] = [g for g in endpoint["Groups"] if g.get("GroupId") != default]
        endpoint["Groups"].append({"GroupId": v("security_group_id")})


def dhcp_association(raw: Raw, v: Values) -> None:
    if (vpc := _target(raw, "Vpcs", v, "vpc_id")) is not None and v("dhcp_options_id"):
        vpc["DhcpOptionsId"] = v("dhcp_options_id")


def cidr_association(raw: Raw, v: Values) -> None:
    if (vpc := _target(raw, "Vpcs", v, "vpc_id")) is None or v.decides(vpc["VpcId"], ("cidr_block",)):
        return
    if v("cidr_block"):
        vpc["CidrBlockAssociationSet"].append({"CidrBlock": v("cidr_block"), "CidrBlockState": {"State": "associated"}})


TRANSLATORS: dict[str, Translator] = {
    "aws_vpc_dhcp_options_association": dhcp_association,
    "aws_vpc_ipv4_cidr_block_association": cidr_association,
    "aws_route": aws_route,
    "aws_route_table_association": route_table_association,
    "aws_main_route_table_association": main_route_table_association,
    "aws_security_group_rule": security_group_rule,
    "aws_vpc_security_group_ingress_rule": vpc_security_group_rule,
    "aws_vpc_security_group_egress_rule": vpc_security_group_rule,
    "aws_network_acl_rule": network_acl_rule,
    "aws_network_acl_association": network_acl_association,
    "aws_vpc_endpoint_route_table_association": endpoint_route_table,
    "aws_vpc_endpoint_subnet_association": endpoint_subnet,
    "aws_vpc_endpoint_security_group_association": endpoint_security_group,
}
