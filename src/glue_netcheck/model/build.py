"""Build the model from raw AWS answers (one region of a snapshot). Pure: no I/O.

The raw shapes are exactly what boto3 returns (see `collect/aws.py`), so a snapshot, the live
collector and the real-network samples under `shared/real-networks/` all go through here.
Anything malformed raises `ModelError` with the path of the offending field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from ipaddress import IPv4Network
from typing import Any

from glue_netcheck.model.glue import (
    CatalogEncryption,
    Consumer,
    GlueConnection,
    Inventory,
    KmsKey,
    Role,
    ScriptCalls,
    SecurityConfiguration,
    key_region,
)
from glue_netcheck.model.network import (
    BlockPublicAccess,
    DhcpOptions,
    InternetGateway,
    NaclEntry,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkInterface,
    Peering,
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
from glue_netcheck.model.redact import redact_properties

# Glue's default for a Spark job created without a worker count (10 G.1X workers).
DEFAULT_JOB_WORKERS = 10

_PROTOCOL_NUMBERS = {"-1": "-1", "all": "-1", "tcp": "6", "udp": "17", "icmp": "1"}


class ModelError(ValueError):
    """Raw input that cannot be turned into a model; the message names the field."""


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

    ec2 = _mapping(raw.get("ec2", {}), "ec2")
    glue = _mapping(raw.get("glue", {}), "glue")
    kms = _mapping(raw.get("kms", {}), "kms")
    network = build_network(region, ec2)
    catalog_raw = glue.get("DataCatalogEncryptionSettings", {})
    inventory = Inventory(
        network=network,
        connections={c.name: c for c in map(_connection, _list(glue, "Connections"))},
        consumers=tuple(map(_job, _list(glue, "Jobs"))) + tuple(map(_crawler, _list(glue, "Crawlers"))),
        security_configurations={
            s.name: s for s in map(_security_configuration, _list(glue, "SecurityConfigurations"))
        },
        catalog_encryption=None if catalog_raw is None else _catalog(_mapping(catalog_raw, "catalog")),
        kms_keys={k.reference: k for k in (_kms_key(raw_key, region) for raw_key in _list(kms, "Keys"))},
        denied=network.denied | _denied(glue),
        roles={r.reference: r for r in map(_role, _list(_mapping(raw.get("iam", {}), "iam"), "Roles"))},
        databases=build_databases(raw),
        bucket_regions={
            str(bucket): (region if isinstance(region, str) else None)
            for bucket, region in _mapping(_mapping(raw.get("s3", {}), "s3").get("Buckets", {}), "Buckets").items()
        },
        scripts={
            str(location): (entry.get("CallsJobInit") if isinstance(entry, Mapping) else None)
            for location, entry in _mapping(_mapping(raw.get("s3", {}), "s3").get("Scripts", {}), "Scripts").items()
        },
        script_calls=_script_calls(_mapping(_mapping(raw.get("s3", {}), "s3").get("Scripts", {}), "Scripts")),
    )
    for database in inventory.databases:  # target placements are memoised too
        _hashable(database)
    return inventory


def _role(raw: Mapping[str, Any]) -> Role:
    error = _mapping(raw.get("Error") or {}, "Error")
    return Role(
        reference=_str(raw, "Reference"),
        arn=raw.get("Arn"),
        policies=tuple(p if isinstance(p, str) else json.dumps(p) for p in raw.get("Policies") or ()),
        permissions_boundary=bool(raw.get("PermissionsBoundary")),
        error=str(error["Code"]) if error.get("Code") else None,
    )


def build_network(region: str, ec2: Mapping[str, Any]) -> Network:
    attributes = _mapping(ec2.get("VpcAttributes", {}), "VpcAttributes")
    network = Network(
        region=region,
        vpcs={v.id: v for v in (_vpc(raw, attributes) for raw in _list(ec2, "Vpcs"))},
        subnets={s.id: s for s in map(_subnet, _list(ec2, "Subnets"))},
        route_tables=tuple(map(_route_table, _list(ec2, "RouteTables"))),
        security_groups={g.id: g for g in map(_security_group, _list(ec2, "SecurityGroups"))},
        network_acls=tuple(map(_network_acl, _list(ec2, "NetworkAcls"))),
        endpoints=tuple(map(_endpoint, _list(ec2, "VpcEndpoints"))),
        nat_gateways={n.id: n for n in map(_nat_gateway, _list(ec2, "NatGateways"))},
        internet_gateways={i.id: i for i in map(_internet_gateway, _list(ec2, "InternetGateways"))},
        prefix_lists={p.id: p for p in map(_prefix_list, _list(ec2, "PrefixLists"))},
        dhcp_options={d.id: d for d in map(_dhcp_options, _list(ec2, "DhcpOptions"))},
        peerings={p.id: p for p in map(_peering, _list(ec2, "VpcPeeringConnections"))},
        interfaces={i.id: i for i in map(_interface, _list(ec2, "NetworkInterfaces"))},
        interface_lookups=frozenset(str(a) for a in ec2.get("NetworkInterfaceLookups") or ()),
        denied=_denied(ec2),
        block_public_access=_block_public_access(ec2),
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
    return network


def _hashable(value: Any) -> None:
    try:
        hash(value)
    except TypeError:
        raise ModelError(
            f"{type(value).__name__} {getattr(value, 'id', '')!r:.60}: a field has the wrong type"
        ) from None


def _interface(raw: Mapping[str, Any]) -> NetworkInterface:
    primary = raw.get("PrivateIpAddress")
    others = [a.get("PrivateIpAddress") for a in raw.get("PrivateIpAddresses") or () if isinstance(a, Mapping)]
    return NetworkInterface(
        id=_str(raw, "NetworkInterfaceId"),
        vpc_id=_str(raw, "VpcId"),
        subnet_id=_str(raw, "SubnetId"),
        addresses=tuple(str(a) for a in dict.fromkeys([primary, *others]) if a),
        group_ids=tuple(str(g["GroupId"]) for g in raw.get("Groups") or () if g.get("GroupId")),
        kind=str(raw.get("InterfaceType") or "interface"),
        description=str(raw.get("Description") or ""),
    )


def _peering(raw: Mapping[str, Any]) -> Peering:
    return Peering(
        id=_str(raw, "VpcPeeringConnectionId"),
        requester_vpc_id=str((raw.get("RequesterVpcInfo") or {}).get("VpcId", "")),
        accepter_vpc_id=str((raw.get("AccepterVpcInfo") or {}).get("VpcId", "")),
        status=str((raw.get("Status") or {}).get("Code", "")),
    )


def _denied(section: Mapping[str, Any]) -> frozenset[str]:
    value = section.get("Denied") or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError("Denied: expected a list of IAM action names")
    return frozenset(value)


# --- EC2 -----------------------------------------------------------------------------------


def _block_public_access(ec2: Mapping[str, Any]) -> BlockPublicAccess | None:
    """ec2.VpcBlockPublicAccessOptions: DescribeVpcBlockPublicAccessOptions' answer of that name;
    ec2.VpcBlockPublicAccessExclusions: DescribeVpcBlockPublicAccessExclusions' list. Absent:
    unknown (None). An exclusion is active once created or updated (state *-complete)."""
    options = ec2.get("VpcBlockPublicAccessOptions")
    if not isinstance(options, Mapping):
        return None
    exclusions: dict[str, str] = {}
    for item in ec2.get("VpcBlockPublicAccessExclusions") or ():
        if not isinstance(item, Mapping) or str(item.get("State", "")) not in ("create-complete", "update-complete"):
            continue
        resource = str(item.get("ResourceArn", "")).rsplit("/", 1)[-1]
        if resource:
            exclusions[resource] = str(item.get("InternetGatewayExclusionMode", ""))
    return BlockPublicAccess(str(options.get("InternetGatewayBlockMode", "off")), exclusions)


def _vpc(raw: Mapping[str, Any], attributes: Mapping[str, Any]) -> Vpc:
    vpc_id = _str(raw, "VpcId")
    cidrs = [
        a["CidrBlock"]
        for a in raw.get("CidrBlockAssociationSet", [])
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ] or [raw["CidrBlock"]]
    attrs = _mapping(attributes.get(vpc_id, {}), f"VpcAttributes.{vpc_id}")
    return Vpc(
        id=vpc_id,
        cidrs=tuple(dict.fromkeys(_network(c) for c in cidrs)),
        dhcp_options_id=raw.get("DhcpOptionsId"),
        enable_dns_support=_optional_bool(attrs.get("EnableDnsSupport")),
        enable_dns_hostnames=_optional_bool(attrs.get("EnableDnsHostnames")),
    )


def _subnet(raw: Mapping[str, Any]) -> Subnet:
    count = raw.get("AvailableIpAddressCount")
    return Subnet(
        id=_str(raw, "SubnetId"),
        vpc_id=_str(raw, "VpcId"),
        cidr=_network(_str(raw, "CidrBlock")),
        availability_zone=_str(raw, "AvailabilityZone"),
        available_ips=None if count is None else _int(count, "AvailableIpAddressCount"),
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
        destination=_network(destination) if destination else None,
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
        id=_str(raw, "RouteTableId"),
        vpc_id=_str(raw, "VpcId"),
        routes=routes,
        subnet_ids=frozenset(a["SubnetId"] for a in associations if a.get("SubnetId")),
        is_main=any(a.get("Main") for a in associations),
    )


def _sg_rules(permissions: Iterable[Mapping[str, Any]]) -> tuple[SgRule, ...]:
    rules: list[SgRule] = []
    for perm in permissions:
        protocol = _protocol(perm.get("IpProtocol", "-1"))
        if protocol in ("6", "17"):
            low, high = _int(perm.get("FromPort", 0), "FromPort"), _int(perm.get("ToPort", 65535), "ToPort")
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
                _network(peer)  # validate now, so evaluation never meets a bad CIDR
            rules.append(SgRule(protocol, low, high, kind, peer))  # type: ignore[arg-type]
    return tuple(rules)


def _security_group(raw: Mapping[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        id=_str(raw, "GroupId"),
        name=raw.get("GroupName", ""),
        vpc_id=raw.get("VpcId", ""),
        ingress=_sg_rules(raw.get("IpPermissions", [])),
        egress=_sg_rules(raw.get("IpPermissionsEgress", [])),
    )


def _nacl_entry(raw: Mapping[str, Any]) -> NaclEntry | None:
    if "CidrBlock" not in raw:
        return None  # IPv6 entry
    number = _int(raw["RuleNumber"], "RuleNumber")
    if not 1 <= number <= 32767:
        raise ModelError(f"network ACL rule number {number} is outside 1-32766")
    protocol = _protocol(raw.get("Protocol", "-1"))
    port_range = raw.get("PortRange") or {}
    low, high = 0, 65535
    if protocol in ("6", "17") and port_range:
        low, high = _int(port_range.get("From", 0), "From"), _int(port_range.get("To", 65535), "To")
    return NaclEntry(
        rule_number=number,
        egress=bool(raw["Egress"]),
        protocol=protocol,
        allow=raw["RuleAction"] == "allow",
        cidr=_network(raw["CidrBlock"]),
        from_port=low,
        to_port=high,
    )


def _network_acl(raw: Mapping[str, Any]) -> NetworkAcl:
    entries = (e for e in map(_nacl_entry, raw.get("Entries", [])) if e is not None)
    return NetworkAcl(
        id=_str(raw, "NetworkAclId"),
        vpc_id=_str(raw, "VpcId"),
        is_default=bool(raw.get("IsDefault")),
        entries=tuple(sorted(entries, key=lambda e: (e.egress, e.rule_number))),
        subnet_ids=frozenset(a["SubnetId"] for a in raw.get("Associations", []) if a.get("SubnetId")),
    )


def _endpoint(raw: Mapping[str, Any]) -> VpcEndpoint:
    return VpcEndpoint(
        id=_str(raw, "VpcEndpointId"),
        vpc_id=_str(raw, "VpcId"),
        service_name=_str(raw, "ServiceName"),
        type=raw.get("VpcEndpointType", "Gateway"),
        state=str(raw.get("State", "available")).lower(),
        private_dns_enabled=bool(raw.get("PrivateDnsEnabled")),
        subnet_ids=tuple(raw.get("SubnetIds", [])),
        group_ids=tuple(g["GroupId"] for g in raw.get("Groups", [])),
        route_table_ids=tuple(raw.get("RouteTableIds", [])),
        network_interface_ids=tuple(raw.get("NetworkInterfaceIds", [])),
        policy_document=raw["PolicyDocument"] if isinstance(raw.get("PolicyDocument"), str) else None,
    )


def _nat_gateway(raw: Mapping[str, Any]) -> NatGateway:
    return NatGateway(
        id=_str(raw, "NatGatewayId"),
        vpc_id=_str(raw, "VpcId"),
        subnet_id=_str(raw, "SubnetId"),
        state=raw.get("State", "available"),
        connectivity=raw.get("ConnectivityType", "public"),
    )


def _internet_gateway(raw: Mapping[str, Any]) -> InternetGateway:
    return InternetGateway(
        id=_str(raw, "InternetGatewayId"),
        attached_vpc_ids=frozenset(
            a["VpcId"] for a in raw.get("Attachments", []) if a.get("State") in ("available", "attached")
        ),
    )


def _prefix_list(raw: Mapping[str, Any]) -> PrefixList:
    return PrefixList(
        id=_str(raw, "PrefixListId"),
        name=raw.get("PrefixListName", ""),
        cidrs=tuple(_network(c) for c in raw.get("Cidrs", []) if ":" not in c),
    )


def _dhcp_options(raw: Mapping[str, Any]) -> DhcpOptions:
    servers: tuple[str, ...] = ()
    for conf in raw.get("DhcpConfigurations", []):
        if conf.get("Key") == "domain-name-servers":
            servers = tuple(str(v.get("Value")) for v in conf.get("Values", []))
    return DhcpOptions(id=_str(raw, "DhcpOptionsId"), domain_name_servers=servers)


# --- Glue ----------------------------------------------------------------------------------


# Which property betrays which connection type, for answers that omit ConnectionType (moto).
_TYPE_BY_PROPERTY = (
    ("JDBC_CONNECTION_URL", "JDBC"),
    ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA"),
    ("CONNECTION_URL", "MONGODB"),
)


def _connection_type(raw: Mapping[str, Any], properties: Mapping[str, str]) -> str | None:
    declared = raw.get("ConnectionType")
    if declared:
        return str(declared)
    return next((kind for key, kind in _TYPE_BY_PROPERTY if key in properties), None)


def _connection(raw: Mapping[str, Any]) -> GlueConnection:
    physical = _mapping(raw.get("PhysicalConnectionRequirements") or {}, "PhysicalConnectionRequirements")
    # Redacted here too: a hand-made snapshot must not carry a password into any output.
    properties = redact_properties(_mapping(raw.get("ConnectionProperties") or {}, "ConnectionProperties"))
    return GlueConnection(
        name=_str(raw, "Name"),
        type=_connection_type(raw, properties),
        subnet_id=physical.get("SubnetId") or None,
        security_group_ids=tuple(physical.get("SecurityGroupIdList") or ()),
        availability_zone=physical.get("AvailabilityZone") or None,
        properties=properties,
    )


def _job(raw: Mapping[str, Any]) -> Consumer:
    return Consumer(
        kind="job",
        name=_str(raw, "Name"),
        role=raw.get("Role"),
        security_configuration=raw.get("SecurityConfiguration") or None,
        connections=tuple((raw.get("Connections") or {}).get("Connections") or ()),
        workers=_job_workers(raw),
        arguments={str(k): str(v) for k, v in (raw.get("DefaultArguments") or {}).items()},
        script=(raw.get("Command") or {}).get("ScriptLocation") or None,
    )


def _script_calls(scripts: Mapping[str, Any]) -> dict[str, ScriptCalls]:
    """Only the scripts whose calls the collector parsed ("Services" present)."""
    return {
        str(location): ScriptCalls(tuple(str(s) for s in entry["Services"]), bool(entry.get("GlobalSts")))
        for location, entry in scripts.items()
        if isinstance(entry, Mapping) and isinstance(entry.get("Services"), list)
    }


def _job_workers(raw: Mapping[str, Any]) -> int:
    if raw.get("NumberOfWorkers"):
        return _int(raw["NumberOfWorkers"], "NumberOfWorkers")
    capacity = raw.get("MaxCapacity") or raw.get("AllocatedCapacity")
    if capacity:
        return max(1, math.ceil(float(capacity)))
    return DEFAULT_JOB_WORKERS


def _crawler(raw: Mapping[str, Any]) -> Consumer:
    # Every target kind (JDBC, MongoDB, S3, Delta, Iceberg, Hudi…) may name a connection.
    names: list[str] = []
    for targets in _mapping(raw.get("Targets") or {}, "Targets").values():
        for target in targets or ():
            if isinstance(target, Mapping) and target.get("ConnectionName"):
                names.append(str(target["ConnectionName"]))
    return Consumer(
        kind="crawler",
        name=_str(raw, "Name"),
        role=raw.get("Role"),
        security_configuration=raw.get("CrawlerSecurityConfiguration") or None,
        connections=tuple(dict.fromkeys(names)),
    )


def _security_configuration(raw: Mapping[str, Any]) -> SecurityConfiguration:
    enc = _mapping(raw.get("EncryptionConfiguration") or {}, "EncryptionConfiguration")
    s3 = (enc.get("S3Encryption") or [{}])[0]
    cloudwatch = enc.get("CloudWatchEncryption") or {}
    bookmarks = enc.get("JobBookmarksEncryption") or {}
    return SecurityConfiguration(
        name=_str(raw, "Name"),
        s3_mode=s3.get("S3EncryptionMode", "DISABLED"),
        s3_key=s3.get("KmsKeyArn"),
        cloudwatch_mode=cloudwatch.get("CloudWatchEncryptionMode", "DISABLED"),
        cloudwatch_key=cloudwatch.get("KmsKeyArn"),
        bookmarks_mode=bookmarks.get("JobBookmarksEncryptionMode", "DISABLED"),
        bookmarks_key=bookmarks.get("KmsKeyArn"),
    )


def _catalog(raw: Mapping[str, Any]) -> CatalogEncryption:
    at_rest = raw.get("EncryptionAtRest") or {}
    passwords = raw.get("ConnectionPasswordEncryption") or {}
    return CatalogEncryption(
        at_rest_mode=at_rest.get("CatalogEncryptionMode", "DISABLED"),
        at_rest_key=at_rest.get("SseAwsKmsKeyId"),
        passwords_encrypted=bool(passwords.get("ReturnConnectionPasswordEncrypted")),
        password_key=passwords.get("AwsKmsKeyId"),
    )


def _kms_key(raw: Mapping[str, Any], region: str) -> KmsKey:
    reference = _str(raw, "KeyId")
    metadata = _mapping(raw.get("KeyMetadata") or {}, "KeyMetadata")
    error = _mapping(raw.get("Error") or {}, "Error")
    policy = raw.get("Policy")
    return KmsKey(
        reference=reference,
        region=key_region(metadata.get("Arn") or reference, region),
        state=metadata.get("KeyState"),
        policy=policy if isinstance(policy, str) else None,
        error=str(error["Code"]) if error.get("Code") else None,
        arn=metadata.get("Arn"),
    )


# --- field helpers: fail with the field's name, never with a bare KeyError -----------------


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _list(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ModelError(f"{key}: expected a list of objects")
    return value


def _str(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise ModelError(f"{key}: expected a non-empty string, got {value!r:.60}")
    return value


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ModelError(f"{where}: expected a number, got {value!r:.60}")
    try:
        number = int(value)
    except (ValueError, OverflowError) as exc:
        raise ModelError(f"{where}: expected a number, got {value!r:.60}") from exc
    if not -1 <= number <= 2**31:
        raise ModelError(f"{where}: {number} is out of range")
    return number


def _optional_bool(value: Any) -> bool | None:
    if isinstance(value, Mapping):  # the raw describe_vpc_attribute shape {"Value": true}
        value = value.get("Value")
    return value if isinstance(value, bool) else None


def _network(value: Any) -> IPv4Network:
    try:
        return IPv4Network(str(value), strict=False)
    except ValueError as exc:
        raise ModelError(f"invalid IPv4 CIDR {value!r:.60}") from exc


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOL_NUMBERS.get(text, text)
