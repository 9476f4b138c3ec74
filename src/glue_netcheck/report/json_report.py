"""The contract's JSON report (schema_version 1).

Bytes are exactly `json.dumps(document, indent=2)` (ASCII, `\\uXXXX` escapes), written by
orjson, which is ~10x faster than the pure-Python indenting encoder; a batch is rendered one
connection report at a time (`stream_many`), so a scan never holds every report at once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

from glue_netcheck import __version__
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks.finding import Finding
from glue_netcheck.net.trace import PathResult

SCHEMA_VERSION = 1

# Types json.dumps refuses: orjson must refuse them too (then json.dumps raises as before).
_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_NOT_ASCII = re.compile("[^\x00-\x7e]")  # json.dumps's ensure_ascii also escapes DEL (0x7f)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as json.dumps writes it
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2)`, byte for byte. The report holds no floats (orjson writes
    some differently); anything orjson will not write (big ints, non-str keys, lone
    surrogates) goes to json.dumps itself."""
    try:
        data = orjson.dumps(value, option=_ORJSON)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, indent=2)
    if data.isascii() and b"\x7f" not in data:
        return data.decode("ascii")
    return _NOT_ASCII.sub(_escape, data.decode("utf-8"))


def nested(value: Any, depth: int) -> str:
    """`value` as json.dumps(indent=2) writes it `depth` levels deep (continuation lines
    indented; the first line is not)."""
    return dumps(value).replace("\n", "\n" + "  " * depth)


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
    return dumps(report_dict(report)) + "\n"


class Tally:
    """The batch summary, counted as reports go by."""

    def __init__(self) -> None:
        self.connections = 0
        self.verdicts: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()

    def add(self, report: ConnectionReport) -> None:
        self.connections += 1
        self.verdicts[report.verdict] += 1
        self.failures.update(report.predicted_failures)

    def summary(self) -> dict[str, Any]:
        return {
            "connections": self.connections,
            "by_verdict": dict(sorted(self.verdicts.items())),
            "by_failure": dict(sorted(self.failures.items())),
        }


def summary(reports: Sequence[ConnectionReport]) -> dict[str, Any]:
    tally = Tally()
    for report in reports:
        tally.add(report)
    return tally.summary()


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
    return dumps(consumer_dict(result)) + "\n"


def render_many(reports: Sequence[ConnectionReport], addresses: Mapping[str, str] | None = None) -> str:
    return "".join(stream_many(reports, addresses))


def stream_many(reports: Iterable[ConnectionReport], addresses: Mapping[str, str] | None = None) -> Iterator[str]:
    """The batch document `{"schema_version", "results", "summary"}` in pieces, one per
    report, each report rendered when it arrives and then dropped."""
    yield f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "results": ['
    tally = Tally()
    for report in reports:
        yield ("\n    " if not tally.connections else ",\n    ") + nested(report_dict(report, addresses), 2)
        tally.add(report)
    yield ("\n  ]" if tally.connections else "]") + f',\n  "summary": {nested(tally.summary(), 1)}\n}}\n'
