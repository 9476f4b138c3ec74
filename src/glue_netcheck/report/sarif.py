"""SARIF 2.1.0: one rule per check, one result per finding."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from glue_netcheck import __version__
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks import ALL
from glue_netcheck.checks.finding import Finding

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
DOCS = "https://github.com/glue-netcheck/glue-netcheck/blob/main/docs/checks.md"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": check.id,
            "name": "".join(part.capitalize() for part in check.id.split("-")),
            "shortDescription": {"text": check.title},
            "fullDescription": {"text": check.doc.split("\n\n")[0].removeprefix("What it checks\n")},
            "help": {"text": check.doc},
            "helpUri": f"{DOCS}#{check.id}",
            "defaultConfiguration": {"level": LEVEL[check.severity]},
        }
        for check in ALL
    ]


def render(reports: Sequence[ConnectionReport], addresses: Mapping[str, str] | None = None) -> str:
    """`addresses`: resource id -> Terraform address, for plans: the logical location's name."""
    return _document([(r.region, r.connection.name, f) for r in reports for f in r.findings], addresses or {})


def render_consumer(result: ConsumerReport) -> str:
    scope = f"{result.consumer.kind}/{result.consumer.name}"
    own = [(result.region, scope, f) for f in result.findings]
    return _document(own + [(r.region, r.connection.name, f) for r in result.connections for f in r.findings])


def _document(findings: Sequence[tuple[str, str, Finding]], addresses: Mapping[str, str] | None = None) -> str:
    addresses = addresses or {}
    index = {check.id: i for i, check in enumerate(ALL)}
    results = [
        {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.remediation}" if f.remediation else f.message},
            "locations": [
                {
                    "logicalLocations": [
                        {
                            "name": f.resource,
                            "kind": "resource",
                            "fullyQualifiedName": addresses.get(f.resource, f"{region}/{scope}/{f.resource}"),
                        },
                    ],
                }
            ],
            "properties": {"scope": scope, "region": region, "predicts": list(f.predicts)},
        }
        for region, scope, f in findings
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "glue-netcheck",
                        "version": __version__,
                        "informationUri": DOCS,
                        "rules": _rules(),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
