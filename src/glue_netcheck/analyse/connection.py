"""Analyse one connection: model in, report out. Pure; the CLI does the I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from glue_netcheck.analyse.fold import fold
from glue_netcheck.analyse.results import ConnectionReport, Verdict
from glue_netcheck.checks import REGISTRY, Check, Context
from glue_netcheck.checks.base import C, Issue
from glue_netcheck.checks.finding import SEVERITY_ORDER, Finding
from glue_netcheck.checks.predict import consumer_needs_kms, predicted_failures, unseen_kinds
from glue_netcheck.errors import AnalysisError
from glue_netcheck.model import targets
from glue_netcheck.model.glue import Consumer, GlueConnection, Inventory
from glue_netcheck.model.network import SecurityGroup, Subnet, Vpc
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service
from glue_netcheck.net.target import target_paths
from glue_netcheck.net.trace import BlockedAt, Hop, PathResult


class ConnectionNotFound(AnalysisError):
    """The connection is not in the inventory: exit 2, naming the ones that are."""


def required_services(
    inventory: Inventory, conn: GlueConnection, consumers: tuple[Consumer, ...], unseen: tuple[str, ...] = ()
) -> dict[str, bool]:
    """Services to trace, each with whether a consumer cannot work without it.

    KMS and S3 are always traced; KMS is required when a consumer encrypts with KMS (or when
    there is no consumer yet, or a kind of consumer could not be listed: assume the worst).
    The others are traced when something uses them, and only ever warn.
    """
    jobs = [c for c in consumers if c.kind == "job"]
    services = {
        "kms": not consumers or bool(unseen) or any(consumer_needs_kms(inventory, c) for c in consumers),
        "s3": True,
    }
    if any(j.argument_on("--enable-glue-datacatalog") for j in jobs):
        services["glue"] = False
    if any(j.argument_on("--enable-continuous-cloudwatch-log") for j in jobs):
        services["logs"] = False
    # A job argument holding a role ARN means the script assumes that role: it calls STS.
    if any(":role/" in value for j in jobs for value in j.arguments.values()):
        services["sts"] = False
    if conn.uses_secret:
        services["secretsmanager"] = False
    return services


def placement(
    inventory: Inventory, conn: GlueConnection
) -> tuple[Vpc | None, Subnet | None, tuple[SecurityGroup, ...]]:
    """Where Glue puts the connection's ENIs: its VPC, subnet and the groups that exist."""
    network = inventory.network
    subnet = network.subnets.get(conn.subnet_id or "")
    groups = tuple(network.security_groups[g] for g in conn.security_group_ids if g in network.security_groups)
    return network.vpcs.get(_vpc_id(subnet, groups) or ""), subnet, groups


def _vpc_id(subnet: Subnet | None, groups: tuple[SecurityGroup, ...]) -> str | None:
    """The subnet's VPC, else the groups': known even when the VPC itself is not in the data."""
    return subnet.vpc_id if subnet else (groups[0].vpc_id if groups else None)


def connection_context(
    inventory: Inventory,
    name: str,
    consumers: tuple[Consumer, ...] | None = None,
    eni_connection: str | None = None,
    unseen: tuple[str, ...] | None = None,
) -> Context:
    """Everything the checks need about one connection, paths traced.
    `consumers`: whose needs decide the predictions (default: every job and crawler using it).
    `eni_connection`: the connection whose subnet and groups Glue gives the ENIs (a job's or
    crawler's first connection); default: this one. `unseen`: the consumer kinds assumed to
    use it unlisted (default: those IAM would not list, for the connection's own analysis)."""
    conn = inventory.connections.get(name)
    if conn is None:
        known = ", ".join(sorted(inventory.connections)[:10]) or "none"
        raise ConnectionNotFound(f"Glue connection {name!r} not found in {inventory.region} (known: {known})")
    # Asked about the connection (not one job): a kind IAM would not list may be using it.
    if unseen is None:
        unseen = unseen_kinds(inventory) if consumers is None else ()
    consumers = inventory.consumers_of(name) if consumers is None else consumers
    placed = inventory.connections.get(eni_connection or name) or conn
    vpc, subnet, groups = placement(inventory, placed)
    ctx = Context(
        inventory=inventory,
        connection=conn,
        consumers=consumers,
        vpc=vpc,
        subnet=subnet,
        groups=groups,
        missing_group_ids=()
        if inventory.network.unreadable("security-group")
        else tuple(g for g in placed.security_group_ids if g not in inventory.network.security_groups),
        paths={},
        required=required_services(inventory, conn, consumers, unseen),
        unseen=unseen,
    )
    every = targets.places(inventory, conn)  # each broker, each address: one "target" path
    if every:
        ctx = replace(ctx, target=every[0])
    if not placed.subnet_id:
        return ctx
    paths = {key: _trace(ctx, Service(key, inventory.region)) for key in ctx.required}
    source = ctx.source
    if every and source is not None and (path := target_paths(inventory.network, source, every)) is not None:
        paths["target"] = path
    return replace(ctx, paths=paths)


def report(ctx: Context) -> ConnectionReport:
    conn, subnet, groups = ctx.connection, ctx.subnet, ctx.groups
    findings = sorted(fold(_run_checks(ctx)), key=sort_key)
    failures = predicted_failures(findings)
    return ConnectionReport(
        region=ctx.region,
        connection=conn,
        vpc_id=_vpc_id(subnet, groups),
        consumers=ctx.consumers,
        verdict=_verdict(ctx, findings, failures),
        paths=tuple(ctx.paths.values()),
        findings=tuple(findings),
        predicted_failures=tuple(failures),
        unseen=ctx.unseen,
    )


def analyse_connection(
    inventory: Inventory,
    name: str,
    consumers: tuple[Consumer, ...] | None = None,
    unseen: tuple[str, ...] | None = None,
) -> ConnectionReport:
    return report(connection_context(inventory, name, consumers, unseen=unseen))


def sort_key(finding: Finding) -> tuple[int, str, str]:
    return (SEVERITY_ORDER[finding.severity], finding.check, finding.resource)


def _trace(ctx: Context, service: Service) -> PathResult:
    source = ctx.source
    if source is not None:
        return service_path(ctx.inventory.network, source, service)
    subnet_id = ctx.connection.subnet_id or "-"
    if ctx.subnet is not None:
        action = ctx.inventory.network.unreadable("vpc")
        reason = f"{action} was denied: the VPC is unknown" if action else "the subnet's VPC is not in the data"
        hop = Hop("vpc", ctx.subnet.vpc_id, "unknown", reason, code="UNREADABLE" if action else "DATA_MISSING")
        return PathResult(service.key, service.dns_name, service.port, None, None, (hop,))
    reason = f"subnet {subnet_id} does not exist"
    hop = Hop("subnet", subnet_id, "deny", reason, code="SUBNET_NOT_FOUND")
    return PathResult(
        service.key,
        service.dns_name,
        service.port,
        False,
        None,
        (hop,),
        BlockedAt("subnet", subnet_id, reason, "SUBNET_NOT_FOUND"),
    )


def run_checks(checks: Sequence[Check[C]], ctx: C, resource: str) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        try:
            findings.extend(check.findings(ctx))
        except Exception as exc:  # a broken check is reported, never fatal to the run
            message = f"check {check.id} could not run: {type(exc).__name__}: {exc}"
            findings.append(
                check.finding(Issue(resource, message, "report this as a glue-netcheck bug", (), "warning"))
            )
    return findings


def _run_checks(ctx: Context) -> list[Finding]:
    return _undecided(ctx, run_checks(REGISTRY, ctx, ctx.connection.name))


def _undecided(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """A finding on a resource a plan's value known only at apply decides (a group with a rule
    a data source reads at apply) is not a prediction: a warning saying so, the verdict unknown."""
    undecided = ctx.inventory.network.undecided
    return [
        replace(f, severity="warning", predicts=(), message=f"{undecided[f.resource]}: undecided; {f.message}")
        if f.resource in undecided and f.severity != "info"
        else f
        for f in findings
    ]


def _verdict(ctx: Context, findings: list[Finding], failures: list[str]) -> Verdict:
    if failures:
        return "fail"
    if any((p.service == "target" or ctx.required.get(p.service)) and p.reachable is None for p in ctx.paths.values()):
        return "unknown"
    if any(f.resource in ctx.inventory.network.undecided and f.severity != "info" for f in findings):
        return "unknown"
    if any(f.severity in ("error", "warning") for f in findings):
        return "warn"
    return "pass"
