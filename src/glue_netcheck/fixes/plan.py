"""`glue-netcheck fix`: the smallest verified set of changes for one connection.

Greedy and proven at every step: take the first error finding that some candidate cures (the
candidates are ordered smallest first), apply it to the model, analyse again, repeat. A
change that clears a cause while the path stays blocked further on is kept only when nothing
breaks, so a path with two causes (no egress rule and no route) is cured in two steps. Where
no network change cures a finding, a change of a job using the connection may (fewer workers
in a subnet without room: fixes/consumer_job.py), proven the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.checks.finding import Finding, Fix
from glue_netcheck.fixes.candidates import BY_CHECK, candidates, situation
from glue_netcheck.fixes.proof import Outcome, as_fix, attempt
from glue_netcheck.model.glue import Inventory

MAX_STEPS = 12


@dataclass(frozen=True)
class Step:
    check: str
    resource: str
    fix: Fix


@dataclass(frozen=True)
class FixPlan:
    region: str
    connection: str
    steps: tuple[Step, ...]
    before: tuple[str, ...]  # predicted failures before the changes
    after: tuple[str, ...]  # and after them
    remaining: tuple[str, ...]  # what the plan leaves: one line each
    addresses: Mapping[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0: the plan clears every predicted failure; 1: only part of them."""
        return 0 if not self.after else 1


def _errors(report: ConnectionReport) -> list[Finding]:
    return [f for f in report.findings if f.severity == "error"]


def _cure(inventory: Inventory, report: ConnectionReport) -> Outcome | None:
    """The first error finding's first verified candidate; else a candidate that clears a
    finding's cause without breaking anything (its path blocked further on)."""
    partial: Outcome | None = None
    # A cause a check names itself (no egress at all, DNS off) first: its one change often
    # cures several paths, where per-path rules would each add their own.
    for finding in sorted(_errors(report), key=lambda f: f.check not in BY_CHECK):
        for candidate in candidates(situation(inventory, report, finding)):
            outcome = attempt(inventory, report, finding, candidate)
            if outcome.verified:
                return outcome
            if partial is None and outcome.progress:
                partial = outcome
    return partial


def _job_side(inventory: Inventory, report: ConnectionReport) -> tuple[Step, Inventory] | None:
    """The first verified change of one of the connection's jobs that clears an error finding."""
    from glue_netcheck.fixes.consumer import job_side  # it imports this package: only when needed

    for finding in _errors(report):
        found = job_side(inventory, report, finding)
        if found is not None:
            return Step(finding.check, finding.resource, found[0]), found[1]
    return None


def fix_plan(inventory: Inventory, name: str, addresses: Mapping[str, str] | None = None) -> FixPlan:
    report = analyse_connection(inventory, name)
    before = report.predicted_failures
    steps: list[Step] = []
    current = inventory
    for _ in range(MAX_STEPS):
        if not _errors(report):
            break
        outcome = _cure(current, report)
        if outcome is None:
            job_step = _job_side(current, report)
            if job_step is None:
                break
            steps.append(job_step[0])
            current = job_step[1]
            report = analyse_connection(current, name)
            continue
        steps.append(Step(outcome.finding.check, outcome.finding.resource, as_fix(outcome, addresses or {})))
        current, report = outcome.inventory, outcome.after
    remaining = tuple(
        [f"{f.check} on {f.resource}: {f.message}" for f in _errors(report)]
        + [f"predicted failure left: {code}" for code in report.predicted_failures]
        + [
            f"{p.service} stays undecided (the data cannot show what lies beyond)"
            for p in report.paths
            if p.reachable is None
        ]
    )
    return FixPlan(
        report.region, name, tuple(steps), before, report.predicted_failures, remaining, dict(addresses or {})
    )
