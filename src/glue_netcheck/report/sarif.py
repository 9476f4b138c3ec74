"""SARIF 2.1.0 that GitHub code scanning accepts: one rule per check, one result per finding.

GitHub rejects a whole upload when any result lacks a physical location ("locationFromSarifResult:
expected a physical location"), so every result names a file and a line:

- `plan`: the `.tf` file and start line of the resource block when source locations are
  given (`RenderOptions.locations`, Terraform address -> (path, line)), else the plan file;
- snapshot analyses: the snapshot file;
- live analyses, where there is no file: a stable relative URI `aws/<region>/<resource>`.

Paths are relative URIs with `uriBaseId` `%SRCROOT%` (GitHub reads relative paths from the
repository root); an absolute path becomes a `file://` URI, which GitHub makes relative to
the checkout. `partialFingerprints.primaryLocationLineHash` is a hash of check, region, scope
and resource, so an alert keeps its identity across runs even when the .tf file's lines move,
and two findings that share a file and line (every snapshot finding is on line 1) stay two
alerts. The GitHub ingestion rules checked are listed in tests/test_sarif.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from glue_netcheck import __version__
from glue_netcheck.analyse.results import BatchReport, ConnectionReport, ConsumerReport, Report
from glue_netcheck.checks import ALL
from glue_netcheck.checks.finding import Finding
from glue_netcheck.report.json_report import dumps, nested

if TYPE_CHECKING:
    from glue_netcheck.report import RenderOptions

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
DOCS = "https://github.com/glue-netcheck/glue-netcheck/blob/main/docs/checks.md"
SRCROOT = "%SRCROOT%"
SECTIONS = ("What it checks", "How Glue fails", "Remediation", "References")
TEXT_LIMIT = 1024  # GitHub: shortDescription and fullDescription text


def _rules() -> list[dict[str, Any]]:
    rules = []
    for check in ALL:
        first = check.doc.split("\n\n")[0].removeprefix("What it checks\n")
        markdown = "\n".join(f"### {line}" if line in SECTIONS else line for line in check.doc.splitlines())
        rules.append(
            {
                "id": check.id,
                "name": "".join(part.capitalize() for part in check.id.split("-")),
                "shortDescription": {"text": _limit(check.title or check.id)},
                "fullDescription": {"text": _limit(" ".join(first.split()) or check.title or check.id)},
                "help": {"text": check.doc or check.title, "markdown": markdown or check.title},
                "helpUri": f"{DOCS}#{check.id}",
                "defaultConfiguration": {"level": LEVEL[check.severity]},
                "properties": {"tags": ["aws", "glue", "network"], "precision": "high"},
            }
        )
    return rules


def _limit(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


@dataclass(frozen=True)
class _Where:
    """What a result's location is derived from."""

    source: str | None  # the plan or snapshot file; None for a live analysis
    addresses: Mapping[str, str]  # resource id -> Terraform address (plans)
    locations: Mapping[str, tuple[str, int]]  # Terraform address -> (.tf path, start line)


def _artifact(path: str) -> dict[str, str]:
    windows = PureWindowsPath(path)
    if PurePosixPath(path).is_absolute() or (windows.drive and windows.is_absolute()):
        posix = windows.as_posix() if windows.drive else path
        return {"uri": "file://" + ("/" if windows.drive else "") + quote(posix, safe="/:")}
    relative = path.replace("\\", "/")
    while relative.startswith("./"):
        relative = relative[2:]
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _location(region: str, scope: str, finding: Finding, where: _Where) -> dict[str, Any]:
    address = where.addresses.get(finding.resource)
    if address is not None and address in where.locations:
        path, line = where.locations[address]
        artifact, start = _artifact(path), max(1, int(line))
    elif where.source:
        artifact, start = _artifact(where.source), 1
    else:  # live: no file, so a stable name for the place the finding is about
        name = "/".join(quote(part, safe="") for part in ("aws", region, finding.resource))
        artifact, start = {"uri": name, "uriBaseId": SRCROOT}, 1
    return {
        "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": start}},
        "logicalLocations": [
            {
                "name": finding.resource,
                "kind": "resource",
                "fullyQualifiedName": address or f"{region}/{scope}/{finding.resource}",
            }
        ],
    }


def _fingerprint(seen: Counter[str], region: str, scope: str, finding: Finding) -> str:
    """GitHub's `hash:occurrence` form: one check can find two things on one resource (a
    VPC's two DNS attributes), and the occurrence number keeps them two alerts."""
    key = hashlib.sha256("\0".join((finding.check, region, scope, finding.resource)).encode()).hexdigest()[:16]
    seen[key] += 1
    return f"{key}:{seen[key]}"


def _result(
    region: str, scope: str, finding: Finding, fingerprint: str, where: _Where, index: Mapping[str, int]
) -> dict[str, Any]:
    message = finding.message or finding.check
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{message}. Fix: {finding.remediation}" if finding.remediation else message},
        "locations": [_location(region, scope, finding, where)],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        "properties": {"scope": scope, "region": region, "predicts": list(finding.predicts)},
    }
    if finding.check in index:
        result["ruleIndex"] = index[finding.check]
    return result


def _findings(report: Report) -> list[tuple[str, str, Finding]]:
    """(region, scope, finding) for every finding: scope is the connection, or the job/crawler
    for a consumer's own findings."""
    if isinstance(report, ConsumerReport):
        scope = f"{report.consumer.kind}/{report.consumer.name}"
        own = [(report.region, scope, f) for f in report.findings]
        return own + [(r.region, r.connection.name, f) for r in report.connections for f in r.findings]
    reports = report.results if isinstance(report, BatchReport) else (report,)
    return [(r.region, r.connection.name, f) for r in reports for f in r.findings]


def render(
    report: Report | Sequence[ConnectionReport], options: RenderOptions | Mapping[str, str] | None = None
) -> str:
    """The output seam's `render(report, options)`. The old call, `render(reports, addresses)`
    with a list of connection reports and a plan's addresses, still works until its callers
    are gone."""
    if not isinstance(report, ConnectionReport | ConsumerReport | BatchReport):
        addresses = dict(options) if isinstance(options, Mapping) else {}
        report = BatchReport("plan" if addresses else "scan", tuple(report), addresses)
        options = None
    return "".join(_document(_where(report, options), _findings(report)))


def stream(batch: BatchReport, reports: Iterable[ConnectionReport], options: RenderOptions | None) -> Iterator[str]:
    """`render` of `batch` with `reports` as its results, in pieces: one connection report's
    results at a time (see report.render_batch)."""
    findings = ((r.region, r.connection.name, f) for r in reports for f in r.findings)
    return _document(_where(batch, options), findings)


def _where(report: Report, options: RenderOptions | Mapping[str, str] | None) -> _Where:
    source = report.source if isinstance(report, BatchReport) and report.source else getattr(options, "source", None)
    return _Where(
        source=str(source) if source else None,
        addresses=report.addresses if isinstance(report, BatchReport) else {},
        locations=getattr(options, "locations", None) or {},
    )


_RESULTS = '"results": []'


def _document(where: _Where, findings: Iterable[tuple[str, str, Finding]]) -> Iterator[str]:
    """The SARIF log, its results written one by one into the frame around them."""
    index = {check.id: i for i, check in enumerate(ALL)}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "glue-netcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS,
                        "rules": _rules(),
                    }
                },
                # No uri: the root is wherever the reader's checkout is (GitHub: the repository).
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root."}}},
                "results": [],
            }
        ],
    }
    frame = dumps(document)
    cut = frame.rindex(_RESULTS)  # the key itself: a quote inside a JSON string is escaped
    yield frame[:cut] + '"results": ['
    seen: Counter[str] = Counter()
    first = True
    for region, scope, finding in findings:
        result = _result(region, scope, finding, _fingerprint(seen, region, scope, finding), where, index)
        yield ("\n        " if first else ",\n        ") + nested(result, 4)
        first = False
    yield ("]" if first else "\n      ]") + frame[cut + len(_RESULTS) :] + "\n"


def render_consumer(result: ConsumerReport) -> str:
    """Old entry point for a job's or crawler's report: `render(result, options)` does the same."""
    return render(result)
