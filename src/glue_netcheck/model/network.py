"""The VPC side of the model: frozen values built from EC2 Describe answers.

Protocols are kept as IANA numbers in strings ("-1" all, "6" tcp, "17" udp) because that is
what network ACL entries use; security-group rules are normalised to the same form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Network
from typing import Literal

from glue_netcheck.model.indexes import by_subnet, index_endpoints, index_subnets, shared

ALL_PROTOCOLS = "-1"
TCP = "6"

PeerKind = Literal["cidr", "security-group", "prefix-list"]


@dataclass(frozen=True, slots=True)
class Vpc:
    id: str
    cidrs: tuple[IPv4Network, ...]
    dhcp_options_id: str | None
    # None = the attribute could not be read (recorded as unknown, never guessed).
    enable_dns_support: bool | None
    enable_dns_hostnames: bool | None


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vpc_id: str
    cidr: IPv4Network
    availability_zone: str
    available_ips: int | None


RouteTarget = Literal[
    "local",
    "internet-gateway",
    "nat-gateway",
    "gateway-endpoint",
    "gateway-load-balancer-endpoint",
    "transit-gateway",
    "vpc-peering",
    "virtual-private-gateway",
    "network-interface",
    "instance",
    "egress-only-internet-gateway",
    "local-gateway",
    "carrier-gateway",
    "core-network",
    "blackhole",
]


@dataclass(frozen=True, slots=True)
class Route:
    destination: IPv4Network | None
    prefix_list_id: str | None
    target: RouteTarget
    target_id: str
    state: str = "active"

    @property
    def destination_label(self) -> str:
        return str(self.destination) if self.destination else str(self.prefix_list_id)

    def __str__(self) -> str:
        return f"{self.destination_label} -> {self.target_id}"


@dataclass(frozen=True, slots=True)
class RouteTable:
    id: str
    vpc_id: str
    routes: tuple[Route, ...]
    subnet_ids: frozenset[str]
    is_main: bool


@dataclass(frozen=True, slots=True)
class SgRule:
    """One security-group rule with exactly one peer (AWS packs several per permission)."""

    protocol: str
    from_port: int
    to_port: int
    peer_kind: PeerKind
    peer: str

    def describe(self, direction: Literal["ingress", "egress"]) -> str:
        word = "from" if direction == "ingress" else "to"
        return f"{direction} rule {_proto_ports(self.protocol, self.from_port, self.to_port)} {word} {self.peer}"


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    id: str
    name: str
    vpc_id: str
    ingress: tuple[SgRule, ...]
    egress: tuple[SgRule, ...]


@dataclass(frozen=True, slots=True)
class NaclEntry:
    rule_number: int
    egress: bool
    protocol: str
    allow: bool
    cidr: IPv4Network
    from_port: int
    to_port: int

    def __str__(self) -> str:
        action = "allow" if self.allow else "deny"
        number = "*" if self.rule_number >= 32767 else str(self.rule_number)
        direction = "outbound" if self.egress else "inbound"
        ports = _proto_ports(self.protocol, self.from_port, self.to_port)
        return f"{direction} rule {number} {action} {ports} {self.cidr}"


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    id: str
    vpc_id: str
    is_default: bool
    entries: tuple[NaclEntry, ...]
    subnet_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    id: str
    vpc_id: str
    service_name: str
    type: str  # Interface | Gateway | GatewayLoadBalancer
    state: str
    private_dns_enabled: bool
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    route_table_ids: tuple[str, ...]
    # Its ENIs, one per subnet (DescribeVpcEndpoints): their addresses, where the data has
    # them (DescribeNetworkInterfaces), are what its private DNS name resolves to.
    network_interface_ids: tuple[str, ...] = ()
    # Its policy (DescribeVpcEndpoints PolicyDocument, JSON text); None: not in the data, which
    # AWS treats as its default full-access policy.
    policy_document: str | None = None
    # DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint (S3 beside a gateway endpoint): its
    # private DNS answers on-premises clients only; inside the VPC the name stays public.
    private_dns_inbound_only: bool = False


@dataclass(frozen=True, slots=True)
class NatGateway:
    id: str
    vpc_id: str
    subnet_id: str
    state: str
    connectivity: str  # public | private
    public_ips: tuple[str, ...] = ()  # its Elastic IPs: what a public server sees the traffic come from


@dataclass(frozen=True, slots=True)
class BlockPublicAccess:
    """VPC Block Public Access of the region (DescribeVpcBlockPublicAccessOptions and
    DescribeVpcBlockPublicAccessExclusions): `mode` is InternetGatewayBlockMode (off,
    block-bidirectional, block-ingress); `exclusions` maps an excluded VPC or subnet id to its
    InternetGatewayExclusionMode (allow-egress, allow-bidirectional), active exclusions only;
    `exclusions_known` is False when blocking is on but the exclusions could not be read;
    `exclusions_allowed` is ExclusionsAllowed (False: a declarative policy forbids new
    exclusions; None: not in the data); `exclusion_ids`: each excluded id's ExclusionId (a fix
    changes an exclusion's mode by its id)."""

    mode: str
    exclusions: Mapping[str, str] = field(default_factory=dict)
    exclusions_known: bool = True
    exclusions_allowed: bool | None = None
    exclusion_ids: Mapping[str, str] = field(default_factory=dict)

    def blocks_egress(self, *resource_ids: str) -> bool:
        """Whether internet-gateway egress (a NAT gateway's too) from these resources is blocked
        by what the data shows (with the exclusions unknown, none is known)."""
        return self.mode == "block-bidirectional" and not any(r in self.exclusions for r in resource_ids)

    def blocks_ingress(self, *resource_ids: str) -> bool:
        """Whether inbound internet traffic to these resources is blocked: both blocking modes
        block it; only an allow-bidirectional exclusion lets it in (allow-egress does not)."""
        return self.mode in ("block-bidirectional", "block-ingress") and not any(
            self.exclusions.get(r) == "allow-bidirectional" for r in resource_ids
        )


@dataclass(frozen=True, slots=True)
class InternetGateway:
    id: str
    attached_vpc_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class PrefixList:
    id: str
    name: str
    cidrs: tuple[IPv4Network, ...]


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    id: str
    domain_name_servers: tuple[str, ...]

    @property
    def uses_amazon_dns(self) -> bool:
        return not self.domain_name_servers or "AmazonProvidedDNS" in self.domain_name_servers


@dataclass(frozen=True, slots=True)
class Peering:
    id: str
    requester_vpc_id: str
    accepter_vpc_id: str
    status: str
    # The VPCs whose public DNS names resolve to private addresses for the other side
    # (PeeringOptions.AllowDnsResolutionFromRemoteVpc of that side); None: not in the data.
    private_dns_for_remote: frozenset[str] | None = frozenset()

    def joins(self, a: str, b: str) -> bool:
        return {a, b} == {self.requester_vpc_id, self.accepter_vpc_id}


@dataclass(frozen=True, slots=True)
class NetworkInterface:
    """An ENI: what holds an address (a database, a broker, an endpoint, an instance)."""

    id: str
    vpc_id: str
    subnet_id: str
    addresses: tuple[str, ...]  # private IPv4 addresses, primary first
    group_ids: tuple[str, ...]
    kind: str = "interface"  # InterfaceType: interface, vpc_endpoint, nat_gateway, …
    description: str = ""


@dataclass(frozen=True, eq=False)
class Network:
    """Everything EC2 told us about the VPCs of one region, indexed by id.

    Compared and hashed by identity (it is immutable), so path traces over it can be memoised.
    """

    region: str
    vpcs: Mapping[str, Vpc] = field(default_factory=dict)
    subnets: Mapping[str, Subnet] = field(default_factory=dict)
    route_tables: tuple[RouteTable, ...] = ()
    security_groups: Mapping[str, SecurityGroup] = field(default_factory=dict)
    network_acls: tuple[NetworkAcl, ...] = ()
    endpoints: tuple[VpcEndpoint, ...] = ()
    nat_gateways: Mapping[str, NatGateway] = field(default_factory=dict)
    internet_gateways: Mapping[str, InternetGateway] = field(default_factory=dict)
    prefix_lists: Mapping[str, PrefixList] = field(default_factory=dict)
    dhcp_options: Mapping[str, DhcpOptions] = field(default_factory=dict)
    peerings: Mapping[str, Peering] = field(default_factory=dict)
    # ENIs by id: those holding the connections' IP-literal targets, and any others the data has.
    interfaces: Mapping[str, NetworkInterface] = field(default_factory=dict)
    # The addresses whose ENI was looked up: one of them no ENI holds has nothing listening.
    interface_lookups: frozenset[str] = frozenset()
    # IAM actions the collector was refused: what they describe is unknown, not absent.
    denied: frozenset[str] = frozenset()
    # None: not in the data (unknown; it is off unless someone turned it on).
    block_public_access: BlockPublicAccess | None = None
    # A plan's resources whose path-deciding values are known only at apply (id or stand-in ->
    # why, naming the Terraform address and attribute): a hop they decide is undecided.
    undecided: Mapping[str, str] = field(default_factory=dict)

    def unreadable(self, kind: str) -> str | None:
        """The denied action if resources of `kind` (a hop type) could not be read."""
        action = _DESCRIBE_ACTIONS.get(kind)
        return action if action in self.denied else None

    def interface_at(self, address: str) -> NetworkInterface | None:
        """The ENI holding this private address, if the data has it."""
        return self.interfaces_by_address.get(address)

    @cached_property
    def interfaces_by_address(self) -> Mapping[str, NetworkInterface]:
        return {a: eni for eni in self.interfaces.values() for a in eni.addresses}

    def interfaces_in(self, subnet_id: str) -> tuple[NetworkInterface, ...]:
        """The known ENIs of one subnet (an interface endpoint's ENI there, for example)."""
        return tuple(e for e in self.interfaces.values() if e.subnet_id == subnet_id)

    # Indexes built once per network (a scan asks each question thousands of times; a scan of
    # every table, ACL or endpoint of the region per question made large regions superlinear).
    # The first match in data order wins, as the scans they replace did. `prove`'s changed
    # copies of a network share the collections a change did not touch, and their indexes.

    @cached_property
    def _tables(self) -> tuple[dict[str, RouteTable], dict[str, RouteTable]]:
        return shared("tables", self.route_tables, lambda t: by_subnet(t, "is_main"))

    @cached_property
    def _acls(self) -> tuple[dict[str, NetworkAcl], dict[str, NetworkAcl]]:
        return shared("acls", self.network_acls, lambda a: by_subnet(a, "is_default"))

    @cached_property
    def _endpoints(self) -> dict[tuple[str, str], tuple[VpcEndpoint, ...]]:
        return shared("endpoints", self.endpoints, index_endpoints)

    @cached_property
    def _subnets_by_vpc(self) -> dict[str, tuple[Subnet, ...]]:
        return shared("subnets", self.subnets, index_subnets)

    def subnets_in(self, vpc_id: str) -> tuple[Subnet, ...]:
        """The VPC's subnets, in data order."""
        return self._subnets_by_vpc.get(vpc_id, ())

    def route_table_for(self, subnet: Subnet) -> RouteTable | None:
        """The subnet's explicitly associated table, else its VPC's main table."""
        attached, main = self._tables
        return attached.get(subnet.id) or main.get(subnet.vpc_id)

    def network_acl_for(self, subnet: Subnet) -> NetworkAcl | None:
        """The subnet's associated ACL, else its VPC's default ACL."""
        attached, default = self._acls
        return attached.get(subnet.id) or default.get(subnet.vpc_id)

    def endpoints_for(self, vpc_id: str, service_name: str, kind: str) -> list[VpcEndpoint]:
        """Live endpoints of one type (Interface, Gateway) for a service in a VPC."""
        return [
            e
            for e in self._endpoints.get((vpc_id, service_name), ())
            if e.type.lower() == kind.lower()
            and e.state not in ("deleted", "deleting", "rejected", "failed", "expired")
        ]

    def default_security_group(self, vpc_id: str) -> SecurityGroup | None:
        return next((g for g in self.security_groups.values() if g.vpc_id == vpc_id and g.name == "default"), None)

    def prefix_list_named(self, name: str) -> PrefixList | None:
        return next((pl for pl in self.prefix_lists.values() if pl.name == name), None)


_DESCRIBE_ACTIONS = {
    "vpc": "ec2:DescribeVpcs",
    "route-table": "ec2:DescribeRouteTables",
    "security-group": "ec2:DescribeSecurityGroups",
    "network-acl": "ec2:DescribeNetworkAcls",
    "vpc-endpoint": "ec2:DescribeVpcEndpoints",
    "nat-gateway": "ec2:DescribeNatGateways",
    "internet-gateway": "ec2:DescribeInternetGateways",
    "prefix-list": "ec2:GetManagedPrefixListEntries",
    "vpc-peering": "ec2:DescribeVpcPeeringConnections",
    "network-interface": "ec2:DescribeNetworkInterfaces",
}


def _proto_ports(protocol: str, from_port: int, to_port: int) -> str:
    name = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, f"proto {protocol}")
    if protocol == ALL_PROTOCOLS:
        return "all traffic"
    if protocol not in ("6", "17"):
        return name
    if (from_port, to_port) == (0, 65535):
        return f"{name} all ports"
    return f"{name} {from_port}" if from_port == to_port else f"{name} {from_port}-{to_port}"
