"""The connection's own data source: its addresses from the connection properties, and where
each lands in the account (an RDS, Aurora, DocumentDB or Redshift cluster, an MSK broker, the
network interface holding an IP literal, a private network outside the VPCs, or outside)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from glue_netcheck.model.glue import Database, GlueConnection, Inventory
from glue_netcheck.model.network import Network

DEFAULT_PORTS = {
    "mysql": 3306,
    "postgresql": 5432,
    "redshift": 5439,
    "oracle": 1521,
    "sqlserver": 1433,
    "mongodb": 27017,
    "mongodb+srv": 27017,
    "documentdb": 27017,
    "kafka": 9092,
}
# MSK listeners: the port a client's protocol implies (AWS MSK "Port information").
KAFKA_PLAINTEXT, KAFKA_TLS, KAFKA_SCRAM, KAFKA_IAM = 9092, 9094, 9096, 9098

# Private address space: an internet gateway or NAT gateway never delivers to it.
PRIVATE = tuple(IPv4Network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))

# jdbc:<engine>://host[:port]…, jdbc:oracle:thin:@//host:port/service, jdbc:oracle:thin:@host:port:sid,
# jdbc:sqlserver://host[:port];databaseName=…, mongodb://[user:pass@]host[:port][,host[:port]…]/…
_URL = re.compile(
    r"^(?:jdbc:)?(?P<scheme>[a-z0-9+]+)(?::thin)?:(?://|@//|@)(?:[^@/]*@)?(?P<hosts>[^/;?]+)",
    re.I,
)
_HOST = re.compile(r"^(?P<host>\[[^\]]+\]|[^:]+)(?::(?P<port>\d+))?")

PlacementKind = Literal["database", "ip", "vacant", "private", "external", "unroutable"]


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one address lands.

    database: a managed resource of the account (RDS, Aurora, DocumentDB, Redshift, an MSK
        broker) in `subnet_ids` (each zone it runs in: primary first, then the standby or the
        other members), guarded by `group_ids`;
    ip: an IP literal in a VPC of the account; `interface` holds it (None: not looked up, so
        its groups are unknown);
    vacant: an IP literal in a VPC of the account that no network interface holds;
    private: a private address outside every VPC of the account the data holds;
    external: a host name that maps to no resource of the account, or a public address;
    unroutable: an address no connection from a Glue ENI can reach (loopback, link-local,
        multicast, reserved, unspecified, an AWS-reserved address of a subnet, IPv6, an
        invalid name or port): `resource` says why.
    """

    kind: PlacementKind
    resource: str  # the resource's id, or the host
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()
    interface: str | None = None
    # What each subnet is to the resource ("primary in us-east-1a", "standby in us-east-1b").
    roles: tuple[str, ...] = ()
    public_name: bool = False  # a publicly accessible database: see Database.publicly_accessible


def kafka_port(props: Mapping[str, str]) -> int:
    """The MSK listener port the connection's protocol implies. Glue enables TLS on Kafka
    connections unless KAFKA_SSL_ENABLED is "false"."""
    mechanism = props.get("KAFKA_SASL_MECHANISM", "").upper()
    if mechanism == "AWS_MSK_IAM":
        return KAFKA_IAM
    if mechanism.startswith("SCRAM"):
        return KAFKA_SCRAM
    return KAFKA_PLAINTEXT if props.get("KAFKA_SSL_ENABLED", "true").lower() == "false" else KAFKA_TLS


def addresses(connection: GlueConnection) -> tuple[Address, ...]:
    """Every host:port the connection's properties name, in their order (each Kafka
    bootstrap broker, each MongoDB seed host, a URL's host, or HOST/PORT)."""
    props: Mapping[str, str] = connection.properties
    found: list[Address] = []
    if servers := props.get("KAFKA_BOOTSTRAP_SERVERS"):
        found += _hosts(servers, kafka_port(props))
    url = props.get("JDBC_CONNECTION_URL") or props.get("CONNECTION_URL")
    match = _URL.match(url.strip()) if url else None
    if match is not None:
        default = DEFAULT_PORTS.get(match["scheme"].lower())
        found += [a for a in _hosts(match["hosts"], default or 0) if a.port]
    if props.get("HOST"):  # the newer connection types (MYSQL, POSTGRESQL, REDSHIFT, …)
        port = props.get("PORT", "")
        number = int(port) if port.isdigit() else DEFAULT_PORTS.get((connection.type or "").lower(), 0)
        found += [Address(props["HOST"].strip(), number)] if number else []
    return tuple(dict.fromkeys(found))


def address(connection: GlueConnection) -> Address | None:
    """The first address the connection names (what a single-target report shows)."""
    every = addresses(connection)
    return every[0] if every else None


def _hosts(text: str, default_port: int) -> list[Address]:
    found = []
    for part in text.split(","):
        match = _HOST.match(part.strip())
        if match and match["host"].strip():
            port = int(match["port"]) if match["port"] else default_port
            # SQL Server's host\instance names the instance, not part of the host name.
            host = match["host"].strip().strip("[]").split("\\", 1)[0]
            found.append(Address(host, port))
    return found


def ip_literal(host: str) -> IPv4Address | None:
    try:
        return IPv4Address(host)
    except ValueError:
        return None


# An EC2 IP-based private DNS name: ip-10-0-1-5.ec2.internal (us-east-1) or
# ip-10-0-1-5.<region>.compute.internal. The name spells the address it resolves to.
_EC2_NAME = re.compile(r"ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.(ec2|[a-z0-9-]+\.compute)\.internal")


def ec2_name_address(host: str, region: str | None = None) -> IPv4Address | None:
    """The private address an EC2 IP-based host name of `region` stands for, else None: the
    VPC resolver answers its own region's names only (ec2.internal is us-east-1's), so another
    region's name is no address of this one (it stays an external name, never a pass).
    `region` None: a name of any region (what the collector looks up: reading one more
    address costs nothing)."""
    match = _EC2_NAME.fullmatch(host.lower().rstrip("."))
    if match is None:
        return None
    if region is not None and match[5] not in (f"{region}.compute", "ec2" if region == "us-east-1" else None):
        return None
    return ip_literal(".".join(match.groups()[:4]))


# What no connection from a Glue ENI reaches, whatever the routes say (checked in this order).
_UNROUTABLE = (
    ("is_loopback", "it is a loopback address (the worker itself, where nothing listens)"),
    ("is_link_local", "it is a link-local address"),
    ("is_multicast", "it is a multicast address"),
    ("is_unspecified", "it is the unspecified address"),
    ("is_reserved", "it is a reserved address (240.0.0.0/4)"),
)


_THIS_NETWORK = IPv4Network("0.0.0.0/8")


def unroutable(ip: IPv4Address) -> str | None:
    """Why a connection to `ip` cannot be made from a VPC, or None."""
    if ip == IPv4Address("255.255.255.255"):
        return "it is the broadcast address"
    found = next((why for attribute, why in _UNROUTABLE if getattr(ip, attribute)), None)
    if found is None and ip in _THIS_NETWORK:
        return "it is in 0.0.0.0/8 (this network), which no packet is sent to"
    return found


def is_private(address: IPv4Address) -> bool:
    return any(address in n for n in PRIVATE)


def invalid(target: Address) -> str | None:
    """Why the address cannot be connected to whatever the network: a port outside 1-65535, an
    IPv6 literal (Glue's ENIs are IPv4), a name no resolver answers (all digits and dots but no
    IPv4 address, a label over 63 characters, over 253 in all). A name with characters DNS has
    not is left alone: the URL may be a form this parser does not read (an Oracle descriptor)."""
    host = target.host.lower().rstrip(".")
    if not 1 <= target.port <= 65535:
        return f"port {target.port} is no TCP port (1-65535)"
    if ":" in host:
        return "it is an IPv6 address, and Glue's network interfaces are IPv4 only"
    if ip_literal(host) is not None:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "it is the worker itself (localhost), where nothing listens"
    if all(c.isdigit() or c == "." for c in host) or len(host) > 253:
        return "it is no valid host name, so it cannot resolve"
    if any(len(label) > 63 for label in host.split(".")):
        return "it is no valid host name, so it cannot resolve"
    return None


def place(inventory: Inventory, target: Address) -> Placement:
    host = target.host.lower().rstrip(".")
    if (why := invalid(target)) is not None:
        return Placement("unroutable", why)
    db = inventory.database_at(host)
    if db is not None:
        return _database(inventory.network, db)
    ip = ip_literal(host) or ec2_name_address(host, inventory.region)
    if ip is None:
        return Placement("external", target.host)
    if (why := unroutable(ip)) is not None:
        return Placement("unroutable", why)
    return place_ip(inventory.network, ip)


def place_ip(network: Network, ip: IPv4Address) -> Placement:
    host = str(ip)
    interface = network.interface_at(host)
    if interface is not None:
        return Placement(
            "ip", host, interface.vpc_id, (interface.subnet_id,), interface.group_ids, interface=interface.id
        )
    vpc = next((v for v in network.vpcs.values() if any(ip in c for c in v.cidrs)), None)
    if vpc is None:
        return Placement("private" if is_private(ip) else "external", host)
    subnet = next((s for s in network.subnets.values() if s.vpc_id == vpc.id and ip in s.cidr), None)
    if subnet is not None and _reserved(ip, subnet.cidr):
        return Placement(
            "unroutable",
            f"it is one of the addresses AWS reserves in {subnet.id} (network, router, DNS, future use, broadcast)",
        )
    subnets = (subnet.id,) if subnet else ()
    if host in network.interface_lookups:
        return Placement("vacant", host, vpc.id, subnets)
    return Placement("ip", host, vpc.id, subnets)  # not looked up: its groups are unknown


def _reserved(ip: IPv4Address, cidr: IPv4Network) -> bool:
    """The first four addresses and the last of every subnet are AWS's: no ENI holds them."""
    offset = int(ip) - int(cidr.network_address)
    return offset < 4 or ip == cidr.broadcast_address


def _database(network: Network, db: Database) -> Placement:
    """The subnets the resource really runs in: its subnet group's subnet of each zone it is
    in (an instance's AZ, a Multi-AZ standby's, a cluster's members'); every subnet of the
    group when the zones are not known."""
    chosen: list[str] = []
    roles: list[str] = []
    for n, zone in enumerate(db.zones):
        here = [s for s in db.subnet_ids if (sub := network.subnets.get(s)) and sub.availability_zone == zone]
        if not here:  # a zone without a known subnet: every subnet of the group may hold it
            chosen, roles = [], []
            break
        role = db.zone_roles[n] if n < len(db.zone_roles) else "member"
        for subnet_id in (s for s in here if s not in chosen):
            chosen.append(subnet_id)
            roles.append(f"{role} in {zone}")
    if not chosen:
        chosen, roles = list(db.subnet_ids), ["in its subnet group"] * len(db.subnet_ids)
    vpc = db.vpc_id or next((network.subnets[s].vpc_id for s in chosen if s in network.subnets), None)
    return Placement(
        "database", db.id, vpc, tuple(chosen), db.group_ids, roles=tuple(roles), public_name=db.publicly_accessible
    )


def places(inventory: Inventory, connection: GlueConnection) -> tuple[tuple[Address, Placement], ...]:
    """Every address the connection reaches, placed. A Kafka client connects to every broker
    the cluster advertises, not only the bootstrap ones: an MSK broker brings its siblings."""
    found: dict[tuple[Address, Placement], None] = {}
    for target in addresses(connection):
        placement = place(inventory, target)
        found[(target, placement)] = None
        db = inventory.database_at(target.host.lower().rstrip("."))
        if db is not None and db.cluster is not None:
            for sibling in inventory.databases:
                if sibling.cluster == db.cluster and sibling.kind == db.kind and sibling.endpoints:
                    found[(Address(sibling.endpoints[0], target.port), _database(inventory.network, sibling))] = None
    return tuple(found)
