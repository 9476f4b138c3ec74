"""A fix is verified only when the engine, run again on the changed model, shows the finding's
path reachable, the finding gone, and nothing that was reachable broken.

Cost: one re-analysis per candidate tried. A scan proves each (placement, finding) once: the
outcome is memoised on what decides it (the finding, the connection's subnet and groups, its
paths' outcomes), and a candidate's changed model is built once while recent, so the tracer's
own memo (per network) is shared by the connections it is tried on one after another.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.checks.finding import Finding, Fix
from glue_netcheck.fixes import PROVEN_SEVERITIES
from glue_netcheck.fixes.candidates import Candidate, candidates, service_of, situation
from glue_netcheck.model.glue import Inventory
from glue_netcheck.net.memo import Memo


@dataclass(frozen=True)
class Outcome:
    """One candidate tried: whether it is proven, what it does, and the analysis after it."""

    finding: Finding
    candidate: Candidate
    verified: bool
    progress: bool  # the finding is gone and nothing broke, though its path may still be blocked
    effect: str
    after: ConnectionReport
    inventory: Inventory


def same(a: Finding, b: Finding) -> bool:
    return (a.check, a.resource, a.message) == (b.check, b.resource, b.message)


class _Memo:
    """Per-inventory caches, dropped with the inventory (it is immutable, compared by identity)."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[weakref.ref[Inventory], dict[Any, Any]]] = {}

    def of(self, inventory: Inventory) -> dict[Any, Any]:
        entry = self._by_id.get(id(inventory))
        if entry is None or entry[0]() is not inventory:
            self._by_id = {k: v for k, v in self._by_id.items() if v[0]() is not None}
            entry = (weakref.ref(inventory), {})
            self._by_id[id(inventory)] = entry
        return entry[1]


_MEMO = _Memo()
_PROVEN_SIZE = 131_072


def applied(inventory: Inventory, candidate: Candidate) -> Inventory:
    """The changed model, built once while recently used: the same candidate (one ACL rule, one
    endpoint) is tried on many connections of a subnet, and sharing the copy shares the
    tracer's memo (per network). Bounded, least recently used out: each copy holds its own
    copies of what the edit changed, and a scan's memory must not grow with its connections.
    A copy with its own connections (an edit of the connection itself) serves one connection
    only and would hold a copy of every connection: it is kept only for that report."""
    key = (id(inventory), candidate)
    hit = _APPLIED.get(key)
    if hit is not None:
        _APPLIED.move_to_end(key)
        return hit[1]
    changed = _apply(inventory, candidate)
    if changed.connections is inventory.connections:
        _APPLIED[key] = (inventory, changed)
        if len(_APPLIED) > _APPLIED_SIZE:
            _APPLIED.popitem(last=False)
    return changed


_APPLIED: OrderedDict[tuple[int, Candidate], tuple[Inventory, Inventory]] = OrderedDict()
_APPLIED_SIZE = 2048


def _apply(inventory: Inventory, candidate: Candidate) -> Inventory:
    changed = inventory
    for edit in candidate:
        changed = edit.apply(changed)
    return changed


# The analyses after a change, for the report being proven: two findings with one cause (kms
# and glue blocked by one ACL rule) try the same candidate, so the same changed model. Small:
# one report's findings are proven one after another, and a scan must not keep every report.
_AFTER = Memo(64)


def reanalysed(changed: Inventory, report: ConnectionReport) -> ConnectionReport:
    key = (id(changed), report.connection.name, id(report.consumers), report.unseen)
    pins = (changed, report.consumers)
    name, consumers, unseen = report.connection.name, report.consumers, report.unseen
    return _AFTER.get(key, pins, lambda: analyse_connection(changed, name, consumers, unseen))


def _problems(report: ConnectionReport, after: ConnectionReport, finding: Finding, service: str | None) -> list[str]:
    problems: list[str] = []
    if service is not None:
        path = next((p for p in after.paths if p.service == service), None)
        if path is None or path.reachable is not True:
            where = (
                f"blocked at {path.blocked_at.id} ({path.blocked_at.reason})"
                if path and path.blocked_at
                else "undecided"
            )
            problems.append(f"{service} is still {where}")
    if any(same(f, finding) for f in after.findings):
        problems.append("the finding remains")
    before_ok = {p.service for p in report.paths if p.reachable is True}
    broken = sorted(p.service for p in after.paths if p.service in before_ok and p.reachable is not True)
    if broken:
        problems.append(f"{', '.join(broken)} would stop being reachable")
    old_errors = {(f.check, f.resource) for f in report.findings if f.severity == "error"}
    new_errors = sorted(
        f"{f.check} on {f.resource}"
        for f in after.findings
        if f.severity == "error" and (f.check, f.resource) not in old_errors
    )
    if new_errors:
        problems.append(f"new errors: {', '.join(new_errors)}")
    return problems


def attempt(inventory: Inventory, report: ConnectionReport, finding: Finding, candidate: Candidate) -> Outcome:
    """Apply the candidate to the model, analyse the connection again, and judge."""
    changed = applied(inventory, candidate)
    after = reanalysed(changed, report)
    service = situation(inventory, report, finding).service
    problems = _problems(report, after, finding, service)
    what = "; ".join(e.says() for e in candidate)
    if not problems:
        via = next((p.via for p in after.paths if p.service == service), None)
        gain = (
            f"{service} becomes reachable via {via}" if service else f"{finding.check} on {finding.resource} is cleared"
        )
        effect = f"{what}: {gain}; nothing that was reachable stops being so"
        return Outcome(finding, candidate, True, True, effect, after, changed)
    # Progress: the cause is gone and nothing broke, but the path is blocked further on.
    progress = (
        len(problems) == 1
        and problems[0].startswith(f"{service} is still")
        and not any(same(f, finding) for f in after.findings)
    )
    return Outcome(finding, candidate, False, progress, f"{what}: not verified: {'; '.join(problems)}", after, changed)


def _memo_key(report: ConnectionReport, finding: Finding, addresses: Mapping[str, str] | None) -> tuple[Any, ...]:
    conn = report.connection
    # What decides the outcome, not who asks: connections sharing a subnet, groups and path
    # outcomes share it (a scan's thousands of connections sit in a few hundred placements).
    # The data-source path differs per connection: only its outcome counts, unless the
    # finding is about it.
    paths = tuple(
        (p.service, p.reachable)
        if p.service == "target"
        else (p.service, p.reachable, p.blocked_at, p.bypassed_endpoint)
        for p in report.paths
    )
    target = conn.name if finding.check == "target-reachable" else None
    return (
        "prove",
        finding.check,
        finding.resource,
        finding.message,
        finding.severity,
        conn.subnet_id,
        conn.security_group_ids,
        paths,
        target,
        report.predicted_failures,
        report.unseen,
        tuple(sorted((addresses or {}).items())),
    )


def prove_finding(
    inventory: Inventory, report: ConnectionReport, finding: Finding, addresses: Mapping[str, str] | None = None
) -> Fix | None:
    """The first candidate that verifies, else the first one tried (unverified, and why);
    None when the table has no candidate for the finding's cause."""
    cache = _MEMO.of(inventory)
    key = _memo_key(report, finding, addresses)
    if key not in cache:
        if len(cache) >= _PROVEN_SIZE:  # a scan's placements grow with its connections
            cache.clear()
        chosen = cure(inventory, report, finding)
        cache[key] = None if chosen is None else as_fix(chosen, addresses or {})
    result: Fix | None = cache[key]
    return result


def cure(inventory: Inventory, report: ConnectionReport, finding: Finding, depth: int = 3) -> Outcome | None:
    """The first candidate that verifies; else, where one clears this cause and the path is
    blocked further on (two causes on one path), that candidate followed by the cure of the
    next cause, proven together on the original model; else the first candidate, unverified."""
    first: Outcome | None = None
    partial: Outcome | None = None
    for candidate in candidates(situation(inventory, report, finding)):
        outcome = attempt(inventory, report, finding, candidate)
        if outcome.verified:
            return outcome
        first = first or outcome
        partial = partial or (outcome if outcome.progress else None)
    service = situation(inventory, report, finding).service
    if partial is not None and depth > 1 and service is not None:
        after = partial.after
        following = next(
            (f for f in after.findings if f.severity in PROVEN_SEVERITIES and service_of(f.check) == service), None
        )
        rest = cure(partial.inventory, after, following, depth - 1) if following else None
        if rest is not None and rest.verified:
            both = attempt(inventory, report, finding, partial.candidate + rest.candidate)
            if both.verified:
                return both
    return first


def as_fix(outcome: Outcome, addresses: Mapping[str, str]) -> Fix:
    commands = tuple(c for e in outcome.candidate for c in e.commands())
    terraform = "\n".join(e.terraform(dict(addresses)) for e in outcome.candidate)
    return Fix(outcome.verified, outcome.effect, commands, terraform)


def prove(
    inventory: Inventory, report: ConnectionReport, addresses: Mapping[str, str] | None = None
) -> ConnectionReport:
    """The report with each error and warning finding's `fix` filled in (None: no remedy in
    the table; an error no network change cures may be cured by a change of a job using the
    connection: fixes/consumer.py). `addresses`: a plan's resource id -> Terraform address
    (BatchReport.addresses)."""
    findings = tuple(
        replace(f, fix=prove_finding(inventory, report, f, addresses)) if f.severity in PROVEN_SEVERITIES else f
        for f in report.findings
    )
    return replace(report, findings=tuple(_or_job_side(inventory, report, f) for f in findings))


def _or_job_side(inventory: Inventory, report: ConnectionReport, finding: Finding) -> Finding:
    if finding.severity != "error" or (finding.fix is not None and finding.fix.verified):
        return finding
    from glue_netcheck.fixes.consumer import JOB_SIDE, job_side  # it imports this module

    found = job_side(inventory, report, finding) if finding.check in JOB_SIDE else None
    return finding if found is None else replace(finding, fix=found[0])
