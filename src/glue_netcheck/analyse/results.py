"""What an analysis answers: one value per command, read by every renderer (report/)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # annotations only: the renderers' seam imports this at start-up
    from glue_netcheck.checks.finding import Finding
    from glue_netcheck.model.glue import Consumer, GlueConnection
    from glue_netcheck.net.trace import PathResult

Verdict = Literal["pass", "warn", "fail", "unknown"]


@dataclass(frozen=True)
class ConnectionReport:
    region: str
    connection: GlueConnection
    vpc_id: str | None
    consumers: tuple[Consumer, ...]
    verdict: Verdict
    paths: tuple[PathResult, ...]
    findings: tuple[Finding, ...]
    predicted_failures: tuple[str, ...]
    # Consumer kinds IAM would not list, assumed to use the connection (checks/predict.py); a
    # re-analysis of a changed model (fixes/proof.py) must assume them too.
    unseen: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsumerReport:
    region: str
    consumer: Consumer
    connections: tuple[ConnectionReport, ...]
    findings: tuple[Finding, ...]  # the consumer's own
    verdict: Verdict
    predicted_failures: tuple[str, ...]  # everything, connections included


@dataclass(frozen=True)
class BatchReport:
    """`scan` and `plan`: one connection report each; for a plan, the Terraform address of
    every resource id the plan creates or changes (part of the result, not a side channel)."""

    kind: Literal["scan", "plan"]
    results: tuple[ConnectionReport, ...]
    addresses: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None  # the plan or snapshot file analysed, when there is one


Report = ConnectionReport | ConsumerReport | BatchReport


def worst(verdicts: Iterable[Verdict], warn_fails: bool = False) -> Verdict:
    """fail over unknown over warn over pass; with `warn_fails` (--fail-on warn) a warning fails."""
    seen = {"fail" if warn_fails and v == "warn" else v for v in verdicts}
    return next((v for v in ("fail", "unknown", "warn") if v in seen), "pass")


def noting(reports: Iterable[ConnectionReport], verdicts: list[Verdict]) -> Iterator[ConnectionReport]:
    """The reports as they come, each one's verdict appended to `verdicts`: a streamed batch's
    exit code is known once the last report has gone to the output."""
    for report in reports:
        verdicts.append(report.verdict)
        yield report
