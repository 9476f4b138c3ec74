"""The connection's own data source: its address from the connection properties, and where
that address lands in the account (an RDS instance or cluster, a private IP, or outside)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from glue_netcheck.model.glue import GlueConnection, Inventory

DEFAULT_PORTS = {
    "mysql": 3306,
    "postgresql": 5432,
    "redshift": 5439,
    "oracle": 1521,
    "sqlserver": 1433,
    "mongodb": 27017,
    "mongodb+srv": 27017,
    "kafka": 9092,
}

# jdbc:<engine>://host[:port]…, jdbc:oracle:thin:@//host:port/service, jdbc:oracle:thin:@host:port:sid,
# jdbc:sqlserver://host[:port];databaseName=…, mongodb://[user:pass@]host[:port]/…
_URL = re.compile(
    r"^(?:jdbc:)?(?P<scheme>[a-z0-9+]+)(?::thin)?:(?://|@//|@)(?:[^@/]*@)?(?P<host>\[[^\]]+\]|[^:/;?,]+)"
    r"(?::(?P<port>\d+))?",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class Placement:
    kind: Literal["database", "ip", "external"]
    resource: str  # the database id, or the host
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()


def address(connection: GlueConnection) -> Address | None:
    props: Mapping[str, str] = connection.properties
    if servers := props.get("KAFKA_BOOTSTRAP_SERVERS"):
        host, _, port = servers.split(",")[0].strip().rpartition(":")
        return Address(host or port, int(port) if host and port.isdigit() else DEFAULT_PORTS["kafka"])
    url = props.get("JDBC_CONNECTION_URL") or props.get("CONNECTION_URL")
    match = _URL.match(url.strip()) if url else None
    if match is None:
        return None
    number = int(match["port"]) if match["port"] else DEFAULT_PORTS.get(match["scheme"].lower())
    return Address(match["host"].strip("[]"), number) if number else None


def place(inventory: Inventory, target: Address) -> Placement:
    host = target.host.lower().rstrip(".")
    for db in inventory.databases:
        if host in (e.lower() for e in db.endpoints):
            return Placement("database", db.id, db.vpc_id, db.subnet_ids, db.group_ids)
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return Placement("external", target.host)
    return Placement("ip", target.host)
