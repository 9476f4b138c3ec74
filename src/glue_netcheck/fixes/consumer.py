"""Proven fixes of a job's or crawler's own findings (ConsumerReport.findings): a KMS key that
is disabled or pending deletion, a role lacking the EC2 calls Glue makes, key and endpoint
policies (fixes/consumer_policies.py), paths out of the VPC the job's own downloads need
(fixes/consumer_paths.py). Each candidate is applied to the model and `job`/`crawler`'s
analysis run again: verified when the finding is gone and no new error appears (in the
consumer's own findings or its connections').

`prove_consumer(inventory, report)` fills both: the consumer's findings here, its connections'
with fixes.proof.prove.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import ConnectionReport, ConsumerReport
from glue_netcheck.checks.finding import Finding, Fix
from glue_netcheck.fixes import PROVEN_SEVERITIES
from glue_netcheck.fixes.candidates import Candidate, Edit
from glue_netcheck.fixes.consumer_edits import EnableKey, PutRolePolicy
from glue_netcheck.fixes.consumer_job import fewer_workers, missing_connection
from glue_netcheck.fixes.consumer_paths import BUILDERS as PATH_BUILDERS
from glue_netcheck.fixes.consumer_policies import BUILDERS as POLICY_BUILDERS
from glue_netcheck.fixes.consumer_policies import boundary_edit
from glue_netcheck.fixes.proof import prove
from glue_netcheck.model.glue import Inventory
from glue_netcheck.policy.role import GLUE_EC2_ACTIONS, action_decisions


def _key(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    key = inventory.kms_keys.get(finding.resource)
    if key is None or key.state is None:
        return []  # a key that does not exist or cannot be read: no configuration of it cures that
    key_id = key.arn or finding.resource
    if key.state == "PendingDeletion":
        return [(EnableKey(finding.resource, True, key_id),)]
    return [(EnableKey(finding.resource, False, key_id),)] if key.state == "Disabled" else []


def _role(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """What the identity policies lack, in an inline policy; what the permissions boundary lacks,
    in a new version of it (no policy of the role gets past its boundary)."""
    role = inventory.roles.get(finding.resource)
    first = report.connections[0].connection if report.connections else None
    if role is None or first is None:
        return []

    def lacking(policies: tuple[str, ...]) -> tuple[str, ...]:
        decisions = action_decisions(
            policies,
            GLUE_EC2_ACTIONS,
            principal=role.arn or finding.resource,
            region=inventory.region,
            subnet_id=first.subnet_id,
            security_group_ids=first.security_group_ids,
        )
        return tuple(a for a in GLUE_EC2_ACTIONS if decisions[a].outcome == "denied")

    missing = lacking(role.policies)
    edits: list[Edit] = [PutRolePolicy(finding.resource, missing)] if missing else []
    bounded = lacking((role.boundary,)) if role.boundary is not None else ()
    boundary = boundary_edit(role, bounded) if bounded else None
    if boundary is not None:
        edits.append(boundary)
    return [tuple(edits)] if edits else []


BY_CHECK: dict[str, Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]] = {
    "kms-key-state": _key,
    "role-network-permissions": _role,
    **POLICY_BUILDERS,
    **PATH_BUILDERS,
    "consumer-connections": missing_connection,
}
# Findings of the job's connections that a change of the job cures where no change of the
# network does (fixes.proof finds none that verifies): tried after it.
JOB_SIDE: dict[str, Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]] = {
    "subnet-free-ips": fewer_workers,
}


def _errors(report: ConsumerReport) -> set[tuple[str, str]]:
    own = {(f.check, f.resource) for f in report.findings if f.severity == "error"}
    return own | {(f.check, f.resource) for r in report.connections for f in r.findings if f.severity == "error"}


def _found(report: ConsumerReport, finding: Finding) -> bool:
    """Whether the report still has the finding's cause (its check on its resource, an error
    or a warning: an info note left, such as what the key policy leaves to IAM, is no cause),
    the consumer's own or a connection's."""
    every = (*report.findings, *(f for r in report.connections for f in r.findings))
    return any(
        (f.check, f.resource) == (finding.check, finding.resource) and f.severity in PROVEN_SEVERITIES for f in every
    )


def applied(inventory: Inventory, candidate: Candidate) -> Inventory:
    changed = inventory
    for edit in candidate:
        changed = edit.apply(changed)
    return changed


def attempt(inventory: Inventory, report: ConsumerReport, finding: Finding, candidate: Candidate) -> Fix:
    changed = applied(inventory, candidate)
    after = analyse_consumer(changed, report.consumer.kind, report.consumer.name)
    problems = []
    if _found(after, finding):
        problems.append("the finding remains")
    new = sorted(f"{c} on {r}" for c, r in _errors(after) - _errors(report))
    if new:
        problems.append(f"new errors: {', '.join(new)}")
    what = "; ".join(e.says() for e in candidate)
    effect = (
        f"{what}: {finding.check} on {finding.resource} is cleared; nothing else fails because of it"
        if not problems
        else f"{what}: not verified: {'; '.join(problems)}"
    )
    commands = tuple(c for e in candidate for c in e.commands())
    return Fix(not problems, effect, commands, "\n".join(t for e in candidate if (t := e.terraform({}))))


def prove_consumer_finding(
    inventory: Inventory,
    report: ConsumerReport,
    finding: Finding,
    table: Mapping[str, Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]] = BY_CHECK,
) -> Fix | None:
    """The first candidate that verifies, else the first one tried; None: no candidate."""
    first: Fix | None = None
    build = table.get(finding.check)
    for candidate in build(inventory, report, finding) if build else []:
        fix = attempt(inventory, report, finding, candidate)
        if fix.verified:
            return fix
        first = first or fix
    return first


def job_side(inventory: Inventory, report: ConnectionReport, finding: Finding) -> tuple[Fix, Inventory] | None:
    """A connection's finding no network change cures, cured by a change of one of the jobs
    using the connection (JOB_SIDE), proven on that job's analysis: its fix and the changed
    model; None when no such change verifies."""
    build = JOB_SIDE.get(finding.check)
    for job in (c for c in report.consumers if build is not None and c.kind == "job"):
        before = analyse_consumer(inventory, "job", job.name)
        for candidate in build(inventory, before, finding) if build else ():
            fix = attempt(inventory, before, finding, candidate)
            if fix.verified:
                return fix, applied(inventory, candidate)
    return None


def _job_side(inventory: Inventory, report: ConsumerReport, finding: Finding) -> Finding:
    if finding.check not in JOB_SIDE or finding.severity not in PROVEN_SEVERITIES:
        return finding
    if finding.fix is not None and finding.fix.verified:
        return finding
    fix = prove_consumer_finding(inventory, report, finding, JOB_SIDE)
    return replace(finding, fix=fix) if fix is not None and (fix.verified or finding.fix is None) else finding


def prove_consumer(inventory: Inventory, report: ConsumerReport) -> ConsumerReport:
    """The report with every error and warning finding's `fix` filled in: the consumer's own
    (this module) and its connections' (fixes.proof.prove; then JOB_SIDE where that found no
    verified fix)."""
    # The builders read only the finding's check and resource (an endpoint's denied requests
    # are one finding each, with one fix): each such cause is proven once.
    proven: dict[tuple[str, str, str], Fix | None] = {}

    def fix_of(f: Finding) -> Fix | None:
        key = (f.check, f.resource, f.severity)
        if key not in proven:
            proven[key] = prove_consumer_finding(inventory, report, f)
        return proven[key]

    findings = tuple(replace(f, fix=fix_of(f)) if f.severity in PROVEN_SEVERITIES else f for f in report.findings)
    connections = tuple(prove(inventory, r) for r in report.connections)
    connections = tuple(
        replace(r, findings=tuple(_job_side(inventory, report, f) for f in r.findings)) for r in connections
    )
    return replace(report, findings=findings, connections=connections)
