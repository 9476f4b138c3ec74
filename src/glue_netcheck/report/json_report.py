"""The contract's JSON report (schema_version 1)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from glue_netcheck import __version__
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks.finding import Finding
from glue_netcheck.net.trace import PathResult

SCHEMA_VERSION = 1


def path_dict(path: PathResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": path.service,
        "endpoint": path.endpoint,
        "port": path.port,
        "reachable": path.reachable,
        "via": path.via,
        # "code": an extension, Reachability Analyzer's explanation code where AWS has one.
        "hops": [
            {"type": h.type, "id": h.id, "verdict": h.verdict, "detail": h.detail, "code": h.code} for h in path.hops
        ],
        "blocked_at": None
        if path.blocked_at is None
        else {
            "type": path.blocked_at.type,
            "id": path.blocked_at.id,
            "reason": path.blocked_at.reason,
        },
    }
    if path.reachable is None:
        # Extension: where the path could not be decided, and why.
        hop = next((h for h in path.hops if h.verdict == "unknown"), None)
        data["undecided_at"] = (
            None if hop is None else {"type": hop.type, "id": hop.id, "reason": hop.detail, "code": hop.code}
        )
    return data


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "severity": finding.severity,
        "resource": finding.resource,
        "message": finding.message,
        "remediation": finding.remediation,
        "predicts": list(finding.predicts),
        "folded": list(finding.folded),  # checks that saw the same cause (extension)
        # CONTRACT.md "Fixes": null when no fix was proven for this finding.
        "fix": None
        if finding.fix is None
        else {
            "verified": finding.fix.verified,
            "effect": finding.fix.effect,
            "commands": list(finding.fix.commands),
            "terraform": finding.fix.terraform,
        },
    }


def _envelope(region: str) -> dict[str, Any]:
    """The fields every single report opens with."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "glue-netcheck", "version": __version__},
        "region": region,
    }


def report_dict(report: ConnectionReport, addresses: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`addresses`: resource id -> Terraform address, for plans (added to findings as an extension)."""
    conn = report.connection
    findings = [finding_dict(f) for f in report.findings]
    for finding in findings:
        if addresses and finding["resource"] in addresses:
            finding["terraform_address"] = addresses[finding["resource"]]
    return {
        **_envelope(report.region),
        "connection": {
            "name": conn.name,
            "type": conn.type,
            "vpc_id": report.vpc_id,
            "subnet_id": conn.subnet_id,
            "availability_zone": conn.availability_zone,
            "security_group_ids": list(conn.security_group_ids),
        },
        "consumers": [
            {"kind": c.kind, "name": c.name, "security_configuration": c.security_configuration}
            for c in report.consumers
        ],
        "verdict": report.verdict,
        "paths": [path_dict(p) for p in report.paths],
        "findings": findings,
        "predicted_failures": list(report.predicted_failures),
    }


def render(report: ConnectionReport) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"


def summary(reports: Sequence[ConnectionReport]) -> dict[str, Any]:
    return {
        "connections": len(reports),
        "by_verdict": dict(sorted(Counter(r.verdict for r in reports).items())),
        "by_failure": dict(sorted(Counter(code for r in reports for code in r.predicted_failures).items())),
    }


def consumer_dict(result: ConsumerReport) -> dict[str, Any]:
    consumer = result.consumer
    return {
        **_envelope(result.region),
        "consumer": {
            "kind": consumer.kind,
            "name": consumer.name,
            "role": consumer.role,
            "security_configuration": consumer.security_configuration,
        },
        "connections": [report_dict(r) for r in result.connections],
        "findings": [finding_dict(f) for f in result.findings],
        "verdict": result.verdict,
        "predicted_failures": list(result.predicted_failures),
    }


def render_consumer(result: ConsumerReport) -> str:
    return json.dumps(consumer_dict(result), indent=2) + "\n"


def render_many(reports: Sequence[ConnectionReport], addresses: Mapping[str, str] | None = None) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "results": [report_dict(r, addresses) for r in reports],
        "summary": summary(reports),
    }
    return json.dumps(document, indent=2) + "\n"
