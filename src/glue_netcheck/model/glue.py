"""The Glue side of the model: connections, the jobs and crawlers using them, encryption."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from glue_netcheck.model.network import Network

ConsumerKind = Literal["job", "crawler"]


@dataclass(frozen=True, slots=True)
class GlueConnection:
    name: str
    type: str | None  # moto never returns ConnectionType; real AWS always does
    subnet_id: str | None
    security_group_ids: tuple[str, ...]
    availability_zone: str | None
    # Redacted: passwords are dropped and credentials in URLs are masked by the collector.
    properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def uses_secret(self) -> bool:
        return bool(self.properties.get("SECRET_ID"))


@dataclass(frozen=True, slots=True)
class Consumer:
    """A job or crawler that references a connection."""

    kind: ConsumerKind
    name: str
    role: str | None
    security_configuration: str | None
    connections: tuple[str, ...]
    workers: int | None = None
    arguments: Mapping[str, str] = field(default_factory=dict)
    script: str | None = None  # a job's ScriptLocation

    def argument_on(self, name: str) -> bool:
        return str(self.arguments.get(name, "")).lower() == "true"


@dataclass(frozen=True, slots=True)
class SecurityConfiguration:
    name: str
    s3_mode: str = "DISABLED"
    s3_key: str | None = None
    cloudwatch_mode: str = "DISABLED"
    cloudwatch_key: str | None = None
    bookmarks_mode: str = "DISABLED"
    bookmarks_key: str | None = None

    def keys(self) -> dict[str, list[str]]:
        """KMS key reference -> what this configuration encrypts with it (s3, cloudwatch, bookmarks)."""
        uses: dict[str, list[str]] = {}
        for use, on, key in (
            ("s3", self.s3_mode == "SSE-KMS", self.s3_key),
            ("cloudwatch", self.cloudwatch_mode == "SSE-KMS", self.cloudwatch_key),
            ("bookmarks", self.bookmarks_mode == "CSE-KMS", self.bookmarks_key),
        ):
            if on and key:
                uses.setdefault(key, []).append(use)
        return uses

    @property
    def uses_kms(self) -> bool:
        return self.s3_mode == "SSE-KMS" or self.cloudwatch_mode == "SSE-KMS" or self.bookmarks_mode == "CSE-KMS"


@dataclass(frozen=True, slots=True)
class CatalogEncryption:
    at_rest_mode: str = "DISABLED"
    at_rest_key: str | None = None
    passwords_encrypted: bool = False
    password_key: str | None = None

    @property
    def uses_kms(self) -> bool:
        return self.at_rest_mode.startswith("SSE-KMS") or self.passwords_encrypted


@dataclass(frozen=True, slots=True)
class KmsKey:
    """A KMS key as a job or the catalog references it (ARN, alias or id)."""

    reference: str
    region: str
    state: str | None  # Enabled, Disabled, PendingDeletion, PendingImport…; None when unreadable
    policy: str | None = None  # the key policy document (JSON text)
    error: str | None = None  # why the key could not be read: "NotFoundException", "AccessDenied…"
    arn: str | None = None

    @property
    def account(self) -> str | None:
        arn = self.arn or self.reference
        parts = arn.split(":")
        return parts[4] if arn.startswith("arn:") and len(parts) > 4 else None


@dataclass(frozen=True, slots=True)
class Role:
    """A job's or crawler's IAM role: its identity-policy documents (JSON text)."""

    reference: str
    arn: str | None
    policies: tuple[str, ...] = ()
    permissions_boundary: bool = False
    boundary: str | None = None  # the boundary's document (JSON text); None: none, or not read
    boundary_arn: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Database:
    """An RDS instance or cluster (DocumentDB and Neptune too): where a JDBC host lands."""

    id: str
    endpoints: tuple[str, ...]
    port: int | None
    vpc_id: str | None
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    kind: str = "rds"  # rds | aurora | docdb | redshift | msk
    # The zones it runs in, primary first (a Multi-AZ standby's, a cluster's other members'),
    # and what it is in each; () when not known (then any subnet of its group may hold it).
    zones: tuple[str, ...] = ()
    zone_roles: tuple[str, ...] = ()
    cluster: str | None = None  # an MSK broker's cluster: a client reaches every broker of it
    # PubliclyAccessible (a cluster: its writer's): from outside its VPC its name resolves to
    # its public address, unless a peering lets the other side resolve it privately.
    publicly_accessible: bool = False


def key_region(reference: str, default: str) -> str:
    """The region a key reference points at: the ARN's, else the caller's."""
    parts = reference.split(":")
    return parts[3] if reference.startswith("arn:") and len(parts) > 3 and parts[3] else default


@dataclass(frozen=True, slots=True)
class ScriptCalls:
    """What a job script calls, as checks.script_calls parses it (the text is never kept)."""

    services: tuple[str, ...] = ()  # boto3 client/resource service names, Glue's DynamoDB sinks
    global_sts: bool = False  # pinned to the global sts.amazonaws.com
    error: str | None = None  # the script could not be read (AccessDenied…): its calls are unknown


@dataclass(frozen=True)
class Inventory:
    """One region's model: the network plus the Glue resources that decide what it must reach."""

    network: Network
    connections: Mapping[str, GlueConnection] = field(default_factory=dict)
    consumers: tuple[Consumer, ...] = ()
    security_configurations: Mapping[str, SecurityConfiguration] = field(default_factory=dict)
    # None when the settings could not be read: KMS is then assumed required (worst case).
    catalog_encryption: CatalogEncryption | None = field(default_factory=CatalogEncryption)
    kms_keys: Mapping[str, KmsKey] = field(default_factory=dict)
    denied: frozenset[str] = frozenset()  # IAM actions the collector was refused (EC2 and Glue)
    roles: Mapping[str, Role] = field(default_factory=dict)  # by the reference jobs and crawlers use
    databases: tuple[Database, ...] = ()
    bucket_regions: Mapping[str, str | None] = field(default_factory=dict)  # the jobs' script/temp buckets
    # Job script location -> whether it calls job.init() (None: could not be read)
    scripts: Mapping[str, bool | None] = field(default_factory=dict)
    # Job script location -> the AWS calls in it; absent when the collector did not parse it
    script_calls: Mapping[str, ScriptCalls] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.network.region

    def consumer(self, kind: ConsumerKind, name: str) -> Consumer | None:
        return next((c for c in self.consumers if c.kind == kind and c.name == name), None)

    def database_at(self, host: str) -> Database | None:
        """The database, cluster or broker whose endpoint is `host` (lower case, no final dot)."""
        return self._databases_by_endpoint.get(host)

    @cached_property
    def _databases_by_endpoint(self) -> dict[str, Database]:
        index: dict[str, Database] = {}
        for db in self.databases:
            for endpoint in db.endpoints:
                index.setdefault(endpoint.lower().rstrip("."), db)
        return index

    def consumers_of(self, connection: str) -> tuple[Consumer, ...]:
        return self._consumers_by_connection.get(connection, ())

    @cached_property
    def _consumers_by_connection(self) -> dict[str, tuple[Consumer, ...]]:
        index: dict[str, list[Consumer]] = {}
        for consumer in self.consumers:
            for name in dict.fromkeys(consumer.connections):
                index.setdefault(name, []).append(consumer)
        return {name: tuple(found) for name, found in index.items()}
