"""Translators of the network resources a plan creates: one small function per resource type,
each writing the raw AWS answer EC2 will give for it."""

from __future__ import annotations

import ipaddress
from typing import Any

from glue_netcheck.collect.terraform.plan import default_id
from glue_netcheck.collect.terraform.shapes import Raw, Translator, Values, blocks, permission, route


def vpc_of_default(resource_id: str) -> str | None:
    """The VPC id inside a default resource's stand-in id (see plan.default_id)."""
    kind, _, rest = resource_id.partition("-")
    return rest.removesuffix(".default") if rest.endswith(".default") and kind else None


# A CIDR a data source gives only at apply: the resource is undecided (see Values.required),
# and this matches no address Glue uses.
_NO_CIDR = "0.0.0.0/32"


def vpc(raw: Raw, v: Values) -> None:
    cidr = v.required("cidr_block", placeholder=_NO_CIDR)
    raw.add(
        "Vpcs",
        {
            "VpcId": v.res.id,
            "CidrBlock": cidr,
            "DhcpOptionsId": "default",
            "CidrBlockAssociationSet": [{"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}],
        },
    )
    raw.attributes[v.res.id] = {
        "EnableDnsSupport": v("enable_dns_support") is not False,
        "EnableDnsHostnames": v("enable_dns_hostnames") is True,
    }


def subnet(raw: Raw, v: Values) -> None:
    cidr = v.required("cidr_block", placeholder=_NO_CIDR)
    free = ipaddress.ip_network(cidr, strict=False).num_addresses - 5 if cidr != _NO_CIDR else None
    # AWS picks the zone of a subnet that names none: never assume one.
    zone = v.or_later("availability_zone")
    raw.add(
        "Subnets",
        {
            "SubnetId": v.res.id,
            "VpcId": v.required("vpc_id"),
            "CidrBlock": cidr,
            "AvailabilityZone": zone,
            **({"AvailableIpAddressCount": free} if free is not None else {}),
        },
    )


def route_table(raw: Raw, v: Values) -> None:
    vpc_id = v("vpc_id") or vpc_of_default(v.id) or v.required("vpc_id")
    table: dict[str, Any] = {
        "RouteTableId": v.res.id,
        "VpcId": vpc_id,
        "Associations": [],
        "Routes": [route(v, "route", i, table=v.res.id) for i, _ in enumerate(blocks(v("route")))],
    }
    if v.res.type == "aws_default_route_table":
        table["Associations"].append({"Main": True})
    raw.add("RouteTables", table)


def security_group(raw: Raw, v: Values) -> None:
    group_id = v.res.id
    default = v.res.type == "aws_default_security_group"
    name = v("name") or ("default" if default else v.res.name)
    group = {"GroupId": group_id, "GroupName": name, "VpcId": v.required("vpc_id")}
    for key, block in (("IpPermissions", "ingress"), ("IpPermissionsEgress", "egress")):
        for i, _ in enumerate(blocks(v(block))):
            fields = ("cidr_blocks", "security_groups", "prefix_list_ids", "from_port", "to_port", "protocol")
            v.decides(group_id, *((block, i, f) for f in fields))
        group[key] = [
            permission(
                b.get("protocol"),
                b.get("from_port"),
                b.get("to_port"),
                v.list(block, i, "cidr_blocks"),
                [*v.list(block, i, "security_groups"), *([group_id] if b.get("self") else [])],
                v.list(block, i, "prefix_list_ids"),
            )
            for i, b in enumerate(blocks(v(block)))
        ]
    raw.add("SecurityGroups", group)


_ACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1"}


def network_acl(raw: Raw, v: Values) -> None:
    def proto(value: object) -> str:
        text = str(value)
        return "-1" if text in ("-1", "all") else _ACL_PROTOCOLS.get(text, text)

    vpc_id = v("vpc_id") or vpc_of_default(v.id) or v.required("vpc_id")
    v.decides(vpc_id, ("subnet_ids",))  # which subnets it filters: any of the VPC's
    for block in ("ingress", "egress"):
        for i, _ in enumerate(blocks(v(block))):
            fields = ("cidr_block", "from_port", "to_port", "protocol", "action", "rule_no")
            v.decides(v.res.id, *((block, i, f) for f in fields))
    raw.add(
        "NetworkAcls",
        {
            "NetworkAclId": v.res.id,
            "VpcId": vpc_id,
            "IsDefault": v.res.type == "aws_default_network_acl",
            "Associations": [{"SubnetId": s} for s in v.list("subnet_ids")],
            "Entries": [
                {
                    "RuleNumber": int(b["rule_no"]),
                    "Egress": block == "egress",
                    "Protocol": proto(b.get("protocol")),
                    "RuleAction": b.get("action", "deny"),
                    "CidrBlock": v(block, i, "cidr_block") or "0.0.0.0/0",
                    "PortRange": {"From": int(b.get("from_port") or 0), "To": int(b.get("to_port") or 0)},
                }
                for block in ("ingress", "egress")
                for i, b in enumerate(blocks(v(block)))
                # An IPv6 entry is not one for Glue's IPv4 traffic; one read at apply leaves
                # the ACL undecided (above) and is not made up.
                if not (b.get("ipv6_cidr_block") and not v(block, i, "cidr_block"))
                and v.deferred(block, i, "cidr_block") is None
            ],
        },
    )


def vpc_endpoint(raw: Raw, v: Values) -> None:
    kind = v("vpc_endpoint_type") or "Gateway"
    vpc_id = v.required("vpc_id")
    # Which service it serves, where its routes go and whether DNS leads to it decide every
    # path of the VPC; its subnets and groups, the paths through it.
    v.decides(vpc_id, ("service_name",), ("vpc_endpoint_type",), ("route_table_ids",), ("private_dns_enabled",))
    v.decides(v.res.id, ("subnet_ids",), ("security_group_ids",))
    groups = v.list("security_group_ids")
    if (
        kind.lower() == "interface"
        and not groups
        and not v.plan.config_resource(v.res).get("expressions", {}).get("security_group_ids")
    ):
        groups = [default_id("sg-", v.required("vpc_id"))]  # AWS attaches the VPC's default group
    raw.add(
        "VpcEndpoints",
        {
            "VpcEndpointId": v.res.id,
            "VpcId": v.required("vpc_id"),
            "ServiceName": v.required("service_name"),
            "VpcEndpointType": kind,
            "State": "available",
            # The provider's default is false; AWS's console default is true.
            "PrivateDnsEnabled": v("private_dns_enabled") is True,
            "SubnetIds": v.list("subnet_ids"),
            "Groups": [{"GroupId": g} for g in groups],
            "RouteTableIds": v.list("route_table_ids"),
        },
    )


def nat_gateway(raw: Raw, v: Values) -> None:
    v.decides(v.res.id, ("connectivity_type",))
    raw.add(
        "NatGateways",
        {
            "NatGatewayId": v.res.id,
            "SubnetId": v.required("subnet_id"),
            "State": "available",
            "ConnectivityType": v("connectivity_type") or "public",
        },
    )


def dhcp_options(raw: Raw, v: Values) -> None:
    names = {
        "domain_name_servers": "domain-name-servers",
        "domain_name": "domain-name",
        "ntp_servers": "ntp-servers",
    }
    configurations = []
    for attribute, key in names.items():
        value = v(attribute)
        values = value if isinstance(value, list) else [value] if value else []
        if values:
            configurations.append({"Key": key, "Values": [{"Value": str(x)} for x in values]})
    raw.add("DhcpOptions", {"DhcpOptionsId": v.id, "DhcpConfigurations": configurations})


def internet_gateway(raw: Raw, v: Values) -> None:
    vpc_id = v("vpc_id")
    v.decides(v.res.id, ("vpc_id",))
    attachments = [{"VpcId": vpc_id, "State": "available"}] if vpc_id else []
    raw.add("InternetGateways", {"InternetGatewayId": v.res.id, "Attachments": attachments})


TRANSLATORS: dict[str, Translator] = {
    "aws_vpc": vpc,
    "aws_subnet": subnet,
    "aws_route_table": route_table,
    "aws_default_route_table": route_table,
    "aws_security_group": security_group,
    "aws_default_security_group": security_group,
    "aws_network_acl": network_acl,
    "aws_default_network_acl": network_acl,
    "aws_vpc_endpoint": vpc_endpoint,
    "aws_nat_gateway": nat_gateway,
    "aws_internet_gateway": internet_gateway,
    "aws_vpc_dhcp_options": dhcp_options,
}
