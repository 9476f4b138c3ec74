"""The check registry's building blocks.

A check is a value: id, severity, title, the function that finds problems, and its runbook
page. The page is the check's docstring and must have the four sections below, in order;
`explain` prints it and docs/checks.md is generated from it.

A check's function yields `Issue`s: what is wrong, where, and how to fix it. The check itself
stamps its id and default severity on each (`Check.finding`), so no check repeats its own id.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from glue_netcheck.checks.finding import Finding, Severity
from glue_netcheck.checks.predict import unreachable_service_failures
from glue_netcheck.model.glue import Consumer, GlueConnection, Inventory, KmsKey, SecurityConfiguration
from glue_netcheck.model.network import SecurityGroup, Subnet, Vpc
from glue_netcheck.model.targets import Address, Placement
from glue_netcheck.net.public import validation_route
from glue_netcheck.net.services import ALWAYS, OPTIONAL, Service
from glue_netcheck.net.trace import PathResult
from glue_netcheck.net.tracer import Source

SECTIONS = ("What it checks", "How Glue fails", "Remediation", "References")


@dataclass(frozen=True)
class Context:
    """Everything a check may look at for one connection. Built once, read by all checks."""

    inventory: Inventory
    connection: GlueConnection
    consumers: tuple[Consumer, ...]
    vpc: Vpc | None
    subnet: Subnet | None
    groups: tuple[SecurityGroup, ...]  # the connection's groups that exist
    missing_group_ids: tuple[str, ...]
    paths: Mapping[str, PathResult]
    # service -> True when a consumer cannot work without it, False when only some uses need it
    required: Mapping[str, bool]
    # The connection's own data source, when its properties name one, and where it lands.
    target: tuple[Address, Placement] | None = None
    # Consumer kinds IAM would not list (predict.unseen_kinds): any of them may use the connection.
    unseen: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        return self.inventory.region

    @property
    def source(self) -> Source | None:
        if self.vpc is None or self.subnet is None:
            return None
        return Source(self.vpc, self.subnet, self.groups)

    def failures_if_unreachable(self, key: str) -> tuple[str, ...]:
        kms_required = self.required.get("kms", True)
        predicts = unreachable_service_failures(key, self.inventory, self.consumers, kms_required, self.unseen)
        if key == "s3" and predicts and self.s3_validation_route:
            return ("s3-timeout",)  # Glue's start-up validation finds the route; the run times out
        return predicts

    @property
    def s3_validation_route(self) -> bool:
        """Whether Glue's start-up validation finds an S3 gateway-endpoint or NAT route in the
        connection subnet's table (it checks that the route exists, not that traffic passes)."""
        if self.subnet is None:
            return False
        return validation_route(self.inventory.network, self.subnet, Service("s3", self.inventory.region)) is not None

    @property
    def network_valid(self) -> bool:
        """Glue rejects the connection before any traffic flows when this is False."""
        return self.source is not None and not self.missing_group_ids and bool(self.groups)


@dataclass(frozen=True)
class ConsumerContext:
    """What a job's or crawler's own checks look at: its configuration, keys, connections."""

    inventory: Inventory
    consumer: Consumer
    configuration: SecurityConfiguration | None
    connections: tuple[Context, ...]  # one per connection that exists, in the consumer's order
    missing_connections: tuple[str, ...]

    @property
    def region(self) -> str:
        return self.inventory.region

    def key_uses(self) -> dict[str, list[str]]:
        """KMS key reference -> what it encrypts for this consumer (s3, cloudwatch, bookmarks, catalog)."""
        uses = self.configuration.keys() if self.configuration else {}
        catalog = self.inventory.catalog_encryption
        if catalog is not None:
            for key in (
                catalog.at_rest_key if catalog.at_rest_mode.startswith("SSE-KMS") else None,
                catalog.password_key if catalog.passwords_encrypted else None,
            ):
                if key:
                    uses.setdefault(key, []).append("catalog")
        return uses

    def key(self, reference: str) -> KmsKey | None:
        return self.inventory.kms_keys.get(reference)


C = TypeVar("C", Context, ConsumerContext)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem a check found. `severity`: only where the check's default does not apply
    (an info note, or a warning when nothing fails because of it)."""

    resource: str
    message: str
    remediation: str = ""
    predicts: tuple[str, ...] = ()
    severity: Severity | None = None


def error_if(predicts: tuple[str, ...]) -> Severity:
    """An unreachable service is an error when a consumer fails because of it, else a warning."""
    return "error" if predicts else "warning"


@dataclass(frozen=True)
class Check(Generic[C]):
    id: str
    title: str
    severity: Severity
    run: Callable[[C], Iterable[Issue]]
    doc: str

    def __post_init__(self) -> None:
        page = inspect.cleandoc(self.doc)
        positions = [page.find(f"{name}\n") for name in SECTIONS]
        if -1 in positions or positions != sorted(positions):
            raise ValueError(f"check {self.id}: its page needs the sections {', '.join(SECTIONS)}, in order")
        object.__setattr__(self, "doc", page)

    def finding(self, issue: Issue) -> Finding:
        """The issue as this check's finding: its id, and its default severity unless overridden."""
        return Finding(
            self.id,
            issue.severity or self.severity,
            issue.resource,
            issue.message,
            issue.remediation,
            issue.predicts,
        )

    def findings(self, ctx: C) -> list[Finding]:
        return [self.finding(issue) for issue in self.run(ctx)]


def check(id: str, title: str, severity: Severity) -> Callable[[Callable[[C], Iterable[Issue]]], Check[C]]:
    """Decorator: a module-level function with a runbook docstring becomes a Check value."""

    def wrap(fn: Callable[[C], Iterable[Issue]]) -> Check[C]:
        return Check(id=id, title=title, severity=severity, run=fn, doc=fn.__doc__ or "")

    return wrap


def per_service(
    id_format: str,
    title: Callable[[str], str],
    doc: Callable[[str], str],
    run: Callable[[Context, str], Iterable[Issue]],
) -> tuple[Check[Context], ...]:
    """One check per AWS service the ENIs call, from one template (`id_format` holds `{key}`).
    A service every consumer needs (KMS, S3) is an error by default; the others warn."""

    def make(key: str) -> Check[Context]:
        return Check(
            id=id_format.format(key=key),
            title=title(key),
            severity="error" if key in ALWAYS else "warning",
            run=lambda ctx: run(ctx, key),
            doc=doc(key),
        )

    return tuple(make(key) for key in (*ALWAYS, *OPTIONAL))


AnyCheck = Check[Any]
