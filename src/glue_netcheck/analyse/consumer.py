"""Analyse a job or crawler: each of its connections (for its needs only), plus its own
security configuration and KMS keys. Pure; the CLI does the I/O."""

from __future__ import annotations

from glue_netcheck.analyse.connection import connection_context, report, run_checks, sort_key
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport, Verdict
from glue_netcheck.checks import CONSUMER_REGISTRY, ConsumerContext
from glue_netcheck.checks.finding import Finding
from glue_netcheck.checks.predict import predicted_failures
from glue_netcheck.errors import AnalysisError
from glue_netcheck.model.glue import ConsumerKind, Inventory


class ConsumerNotFound(AnalysisError):
    pass


def analyse_consumer(inventory: Inventory, kind: ConsumerKind, name: str) -> ConsumerReport:
    consumer = inventory.consumer(kind, name)
    if consumer is None:
        raise ConsumerNotFound(f"Glue {kind} {name!r} not found in {inventory.region}")
    present = [c for c in consumer.connections if c in inventory.connections]
    # Glue puts the run's ENIs in the first connection's subnet: every target is traced from there.
    contexts = tuple(connection_context(inventory, c, (consumer,), present[0]) for c in present)
    ctx = ConsumerContext(
        inventory=inventory,
        consumer=consumer,
        configuration=inventory.security_configurations.get(consumer.security_configuration or ""),
        connections=contexts,
        missing_connections=tuple(c for c in consumer.connections if c not in inventory.connections),
    )
    reports = tuple(report(c) for c in contexts)
    findings = sorted(run_checks(CONSUMER_REGISTRY, ctx, consumer.name), key=sort_key)
    failures = predicted_failures([*findings, *(f for r in reports for f in r.findings)])
    return ConsumerReport(
        region=inventory.region,
        consumer=consumer,
        connections=reports,
        findings=tuple(findings),
        verdict=_verdict(reports, findings, failures),
        predicted_failures=tuple(failures),
    )


def _verdict(reports: tuple[ConnectionReport, ...], findings: list[Finding], failures: list[str]) -> Verdict:
    if failures:
        return "fail"
    if any(r.verdict == "unknown" for r in reports):
        return "unknown"
    if any(r.verdict == "warn" for r in reports) or any(f.severity in ("error", "warning") for f in findings):
        return "warn"
    return "pass"
