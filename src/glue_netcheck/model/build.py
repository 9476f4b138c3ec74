"""Build the model from raw AWS answers (one region of a snapshot). Pure: no I/O.

The raw shapes are exactly what boto3 returns (see `collect/aws.py`), so a snapshot, the live
collector and the real-network samples under `shared/real-networks/` all go through here.
Anything malformed raises `ModelError` with the path of the offending field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from glue_netcheck.model.build_glue import (
    build_catalog,
    build_connection,
    build_crawler,
    build_job,
    build_kms_key,
    build_role,
    build_script_calls,
    build_security_configuration,
)
from glue_netcheck.model.build_links import build_block_public_access, build_interface, build_peering
from glue_netcheck.model.glue import (
    Inventory,
)
from glue_netcheck.model.network import (
    DhcpOptions,
    InternetGateway,
    NaclEntry,
    NatGateway,
    Network,
    NetworkAcl,
    PrefixList,
    Route,
    RouteTable,
    RouteTarget,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from glue_netcheck.model.raw import (
    ModelError,
    as_int,
    as_list,
    as_mapping,
    as_network,
    as_optional_bool,
    as_protocol,
    as_str,
)
from glue_netcheck.model.undecided import unknown_list_routes


def build_inventory(region: str, raw: Mapping[str, Any]) -> Inventory:
    try:
        return _build_inventory(region, raw)
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"region {region}: unexpected data ({type(exc).__name__}: {exc})") from exc


def _build_inventory(region: str, raw: Mapping[str, Any]) -> Inventory:
    # Imported here: model.databases uses this module's field helpers.
    from glue_netcheck.model.databases import build_databases

    ec2 = as_mapping(raw.get("ec2", {}), "ec2")
    glue = as_mapping(raw.get("glue", {}), "glue")
    kms = as_mapping(raw.get("kms", {}), "kms")
    network = build_network(region, ec2)
    catalog_raw = glue.get("DataCatalogEncryptionSettings", {})
    inventory = Inventory(
        network=network,
        connections={c.name: c for c in map(build_connection, as_list(glue, "Connections"))},
        consumers=tuple(map(build_job, as_list(glue, "Jobs"))) + tuple(map(build_crawler, as_list(glue, "Crawlers"))),
        security_configurations={
            s.name: s for s in map(build_security_configuration, as_list(glue, "SecurityConfigurations"))
        },
        catalog_encryption=None if catalog_raw is None else build_catalog(as_mapping(catalog_raw, "catalog")),
        kms_keys={k.reference: k for k in (build_kms_key(raw_key, region) for raw_key in as_list(kms, "Keys"))},
        denied=network.denied | _denied(glue),
        roles={r.reference: r for r in map(build_role, as_list(as_mapping(raw.get("iam", {}), "iam"), "Roles"))},
        databases=build_databases(raw),
        bucket_regions={
            str(bucket): (region if isinstance(region, str) else None)
            for bucket, region in as_mapping(as_mapping(raw.get("s3", {}), "s3").get("Buckets", {}), "Buckets").items()
        },
        scripts={
            str(location): (entry.get("CallsJobInit") if isinstance(entry, Mapping) else None)
            for location, entry in as_mapping(as_mapping(raw.get("s3", {}), "s3").get("Scripts", {}), "Scripts").items()
        },
        script_calls=build_script_calls(as_mapping(as_mapping(raw.get("s3", {}), "s3").get("Scripts", {}), "Scripts")),
    )
    for database in inventory.databases:  # target placements are memoised too
        _hashable(database)
    return inventory


def build_network(region: str, ec2: Mapping[str, Any]) -> Network:
    attributes = as_mapping(ec2.get("VpcAttributes", {}), "VpcAttributes")
    network = Network(
        region=region,
        vpcs={v.id: v for v in (_vpc(raw, attributes) for raw in as_list(ec2, "Vpcs"))},
        subnets={s.id: s for s in map(_subnet, as_list(ec2, "Subnets"))},
        route_tables=tuple(map(_route_table, as_list(ec2, "RouteTables"))),
        security_groups={g.id: g for g in map(_security_group, as_list(ec2, "SecurityGroups"))},
        network_acls=tuple(map(_network_acl, as_list(ec2, "NetworkAcls"))),
        endpoints=tuple(map(_endpoint, as_list(ec2, "VpcEndpoints"))),
        nat_gateways={n.id: n for n in map(_nat_gateway, as_list(ec2, "NatGateways"))},
        internet_gateways={i.id: i for i in map(_internet_gateway, as_list(ec2, "InternetGateways"))},
        prefix_lists={p.id: p for p in map(_prefix_list, as_list(ec2, "PrefixLists"))},
        dhcp_options={d.id: d for d in map(_dhcp_options, as_list(ec2, "DhcpOptions"))},
        peerings={p.id: p for p in map(build_peering, as_list(ec2, "VpcPeeringConnections"))},
        interfaces={i.id: i for i in map(build_interface, as_list(ec2, "NetworkInterfaces"))},
        interface_lookups=frozenset(str(a) for a in ec2.get("NetworkInterfaceLookups") or ()),
        denied=_denied(ec2),
        block_public_access=build_block_public_access(ec2),
        undecided={str(k): str(v) for k, v in as_mapping(ec2.get("KnownAfterApply", {}), "KnownAfterApply").items()},
    )
    # The engine memoises traces on these values: a list or object where AWS puts a string must
    # fail here, as bad input, not later as a crash.
    for values in (
        network.vpcs.values(),
        network.subnets.values(),
        network.route_tables,
        network.security_groups.values(),
        network.network_acls,
        network.endpoints,
        network.nat_gateways.values(),
        network.internet_gateways.values(),
        network.prefix_lists.values(),
        network.dhcp_options.values(),
        network.peerings.values(),
        network.interfaces.values(),
    ):
        for value in values:
            _hashable(value)
    if unknown := unknown_list_routes(network):  # a plan's own reason, where it has one, stands
        network = replace(network, undecided={**unknown, **network.undecided})
    return network


def _hashable(value: Any) -> None:
    try:
        hash(value)
    except TypeError:
        raise ModelError(
            f"{type(value).__name__} {getattr(value, 'id', '')!r:.60}: a field has the wrong type"
        ) from None


def _denied(section: Mapping[str, Any]) -> frozenset[str]:
    value = section.get("Denied") or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError("Denied: expected a list of IAM action names")
    return frozenset(value)


# --- EC2 -----------------------------------------------------------------------------------


def _vpc(raw: Mapping[str, Any], attributes: Mapping[str, Any]) -> Vpc:
    vpc_id = as_str(raw, "VpcId")
    cidrs = [
        a["CidrBlock"]
        for a in raw.get("CidrBlockAssociationSet", [])
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ] or [raw["CidrBlock"]]
    attrs = as_mapping(attributes.get(vpc_id, {}), f"VpcAttributes.{vpc_id}")
    return Vpc(
        id=vpc_id,
        cidrs=tuple(dict.fromkeys(as_network(c) for c in cidrs)),
        dhcp_options_id=raw.get("DhcpOptionsId"),
        enable_dns_support=as_optional_bool(attrs.get("EnableDnsSupport")),
        enable_dns_hostnames=as_optional_bool(attrs.get("EnableDnsHostnames")),
    )


def _subnet(raw: Mapping[str, Any]) -> Subnet:
    count = raw.get("AvailableIpAddressCount")
    return Subnet(
        id=as_str(raw, "SubnetId"),
        vpc_id=as_str(raw, "VpcId"),
        cidr=as_network(as_str(raw, "CidrBlock")),
        availability_zone=as_str(raw, "AvailabilityZone"),
        available_ips=None if count is None else as_int(count, "AvailableIpAddressCount"),
    )


# Order matters: an instance route also carries the instance's NetworkInterfaceId.
_ROUTE_TARGETS: tuple[tuple[str, RouteTarget], ...] = (
    ("NatGatewayId", "nat-gateway"),
    ("TransitGatewayId", "transit-gateway"),
    ("VpcPeeringConnectionId", "vpc-peering"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "network-interface"),
    ("EgressOnlyInternetGatewayId", "egress-only-internet-gateway"),
    ("LocalGatewayId", "local-gateway"),
    ("CarrierGatewayId", "carrier-gateway"),
    ("CoreNetworkArn", "core-network"),
)


def _route(raw: Mapping[str, Any]) -> Route | None:
    if "DestinationCidrBlock" not in raw and "DestinationPrefixListId" not in raw:
        return None  # IPv6 route: the analysis is IPv4 (Glue ENIs are IPv4)
    destination = raw.get("DestinationCidrBlock")
    target: RouteTarget = "blackhole"
    target_id = ""
    gateway = raw.get("GatewayId")
    if gateway:
        target_id = gateway
        if gateway == "local":
            target = "local"
        elif gateway.startswith("igw-"):
            target = "internet-gateway"
        elif gateway.startswith("vpce-"):
            target = "gateway-endpoint"
        elif gateway.startswith("vgw-"):
            target = "virtual-private-gateway"
        elif gateway.startswith("nat-"):  # `gateway_id = nat-…`: EC2 stores and uses it as a NAT route
            target = "nat-gateway"
    else:
        for key, kind in _ROUTE_TARGETS:
            if raw.get(key):
                target, target_id = kind, raw[key]
                break
    state = raw.get("State", "active")
    # AWS marks a route whose target is gone as blackhole; moto stores it with no target.
    if state == "blackhole" or not target_id:
        target = "blackhole"
    return Route(
        destination=as_network(destination) if destination else None,
        prefix_list_id=raw.get("DestinationPrefixListId"),
        target=target,
        target_id=target_id or "blackhole",
        state=state,
    )


def _route_table(raw: Mapping[str, Any]) -> RouteTable:
    associations = [
        a
        for a in raw.get("Associations", [])
        if a.get("AssociationState", {}).get("State", "associated") == "associated"
    ]
    routes = tuple(r for r in map(_route, raw.get("Routes", [])) if r is not None)
    return RouteTable(
        id=as_str(raw, "RouteTableId"),
        vpc_id=as_str(raw, "VpcId"),
        routes=routes,
        subnet_ids=frozenset(a["SubnetId"] for a in associations if a.get("SubnetId")),
        is_main=any(a.get("Main") for a in associations),
    )


def _sg_rules(permissions: Iterable[Mapping[str, Any]]) -> tuple[SgRule, ...]:
    rules: list[SgRule] = []
    for perm in permissions:
        protocol = as_protocol(perm.get("IpProtocol", "-1"))
        if protocol in ("6", "17"):
            low, high = as_int(perm.get("FromPort", 0), "FromPort"), as_int(perm.get("ToPort", 65535), "ToPort")
            if low == -1:
                low, high = 0, 65535
        else:
            low, high = 0, 65535
        peers: list[tuple[str, str]] = (
            [("cidr", r["CidrIp"]) for r in perm.get("IpRanges", [])]
            + [("security-group", p["GroupId"]) for p in perm.get("UserIdGroupPairs", []) if p.get("GroupId")]
            + [("prefix-list", p["PrefixListId"]) for p in perm.get("PrefixListIds", [])]
        )
        for kind, peer in peers:
            if kind == "cidr":
                as_network(peer)  # validate now, so evaluation never meets a bad CIDR
            rules.append(SgRule(protocol, low, high, kind, peer))  # type: ignore[arg-type]
    return tuple(rules)


def _security_group(raw: Mapping[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        id=as_str(raw, "GroupId"),
        name=raw.get("GroupName", ""),
        vpc_id=raw.get("VpcId", ""),
        ingress=_sg_rules(raw.get("IpPermissions", [])),
        egress=_sg_rules(raw.get("IpPermissionsEgress", [])),
    )


def _nacl_entry(raw: Mapping[str, Any]) -> NaclEntry | None:
    if "CidrBlock" not in raw:
        return None  # IPv6 entry
    number = as_int(raw["RuleNumber"], "RuleNumber")
    if not 1 <= number <= 32767:
        raise ModelError(f"network ACL rule number {number} is outside 1-32766")
    protocol = as_protocol(raw.get("Protocol", "-1"))
    port_range = raw.get("PortRange") or {}
    low, high = 0, 65535
    if protocol in ("6", "17") and port_range:
        low, high = as_int(port_range.get("From", 0), "From"), as_int(port_range.get("To", 65535), "To")
    return NaclEntry(
        rule_number=number,
        egress=bool(raw["Egress"]),
        protocol=protocol,
        allow=raw["RuleAction"] == "allow",
        cidr=as_network(raw["CidrBlock"]),
        from_port=low,
        to_port=high,
    )


def _network_acl(raw: Mapping[str, Any]) -> NetworkAcl:
    entries = (e for e in map(_nacl_entry, raw.get("Entries", [])) if e is not None)
    return NetworkAcl(
        id=as_str(raw, "NetworkAclId"),
        vpc_id=as_str(raw, "VpcId"),
        is_default=bool(raw.get("IsDefault")),
        entries=tuple(sorted(entries, key=lambda e: (e.egress, e.rule_number))),
        subnet_ids=frozenset(a["SubnetId"] for a in raw.get("Associations", []) if a.get("SubnetId")),
    )


def _endpoint(raw: Mapping[str, Any]) -> VpcEndpoint:
    return VpcEndpoint(
        id=as_str(raw, "VpcEndpointId"),
        vpc_id=as_str(raw, "VpcId"),
        service_name=as_str(raw, "ServiceName"),
        type=raw.get("VpcEndpointType", "Gateway"),
        state=str(raw.get("State", "available")).lower(),
        private_dns_enabled=bool(raw.get("PrivateDnsEnabled")),
        subnet_ids=tuple(raw.get("SubnetIds", [])),
        group_ids=tuple(g["GroupId"] for g in raw.get("Groups", [])),
        route_table_ids=tuple(raw.get("RouteTableIds", [])),
        network_interface_ids=tuple(raw.get("NetworkInterfaceIds", [])),
        policy_document=raw["PolicyDocument"] if isinstance(raw.get("PolicyDocument"), str) else None,
        private_dns_inbound_only=(raw.get("DnsOptions") or {}).get("PrivateDnsOnlyForInboundResolverEndpoint") is True,
    )


def _nat_gateway(raw: Mapping[str, Any]) -> NatGateway:
    return NatGateway(
        id=as_str(raw, "NatGatewayId"),
        vpc_id=as_str(raw, "VpcId"),
        subnet_id=as_str(raw, "SubnetId"),
        state=raw.get("State", "available"),
        connectivity=raw.get("ConnectivityType", "public"),
        public_ips=tuple(str(a["PublicIp"]) for a in raw.get("NatGatewayAddresses") or () if a.get("PublicIp")),
    )


def _internet_gateway(raw: Mapping[str, Any]) -> InternetGateway:
    return InternetGateway(
        id=as_str(raw, "InternetGatewayId"),
        attached_vpc_ids=frozenset(
            a["VpcId"] for a in raw.get("Attachments", []) if a.get("State") in ("available", "attached")
        ),
    )


def _prefix_list(raw: Mapping[str, Any]) -> PrefixList:
    return PrefixList(
        id=as_str(raw, "PrefixListId"),
        name=raw.get("PrefixListName", ""),
        cidrs=tuple(as_network(c) for c in raw.get("Cidrs", []) if ":" not in c),
    )


def _dhcp_options(raw: Mapping[str, Any]) -> DhcpOptions:
    servers: tuple[str, ...] = ()
    for conf in raw.get("DhcpConfigurations", []):
        if conf.get("Key") == "domain-name-servers":
            servers = tuple(str(v.get("Value")) for v in conf.get("Values", []))
    return DhcpOptions(id=as_str(raw, "DhcpOptionsId"), domain_name_servers=servers)


# --- Glue ----------------------------------------------------------------------------------


# Which property betrays which connection type, for answers that omit ConnectionType (moto).
