"""Proven fixes of a job's or crawler's own findings (ConsumerReport.findings): a KMS key that
is disabled or pending deletion, a role lacking the EC2 calls Glue makes. Each is applied to
the model and `job`/`crawler`'s analysis run again: verified when the finding is gone and no
new error appears (in the consumer's own findings or its connections').

`prove_consumer(inventory, report)` fills both: the consumer's findings here, its connections'
with fixes.prove.prove.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.analyse.results import ConsumerReport
from glue_netcheck.checks.finding import Finding, Fix
from glue_netcheck.fixes.edits import tf_name
from glue_netcheck.fixes.prove import PROVEN_SEVERITIES, prove
from glue_netcheck.model.glue import Inventory
from glue_netcheck.policy.role import GLUE_EC2_ACTIONS, action_decisions

POLICY_NAME = "glue-netcheck-vpc"


@dataclass(frozen=True)
class EnableKey:
    reference: str  # as the security configuration or catalog names it (ARN, alias or id)
    cancel_deletion: bool
    key_id: str  # the key's ARN when known: EnableKey and CancelKeyDeletion refuse an alias

    def says(self) -> str:
        return f"{'cancel the deletion of and ' if self.cancel_deletion else ''}enable KMS key {self.reference}"

    def apply(self, inventory: Inventory) -> Inventory:
        key = inventory.kms_keys.get(self.reference)
        if key is None:
            return inventory
        return replace(inventory, kms_keys={**inventory.kms_keys, self.reference: replace(key, state="Enabled")})

    def commands(self) -> tuple[str, ...]:
        # CancelKeyDeletion leaves the key Disabled: enable it afterwards.
        cancel = (f"aws kms cancel-key-deletion --key-id {self.key_id}",) if self.cancel_deletion else ()
        return (*cancel, f"aws kms enable-key --key-id {self.key_id}")

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.reference, f"the aws_kms_key that manages {self.reference}")
        note = (
            "# a deletion is cancelled with the CLI (aws kms cancel-key-deletion), then:\n"
            if self.cancel_deletion
            else ""
        )
        return f"{note}# in {where}:\nis_enabled = true"


def _document(actions: Sequence[str]) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]},
        separators=(",", ":"),
    )


@dataclass(frozen=True)
class PutRolePolicy:
    """An inline policy allowing the EC2 calls the role's identity policies lack."""

    reference: str  # the role as the job names it (ARN or name)
    actions: tuple[str, ...]

    @property
    def role_name(self) -> str:
        return self.reference.rsplit("/", 1)[-1]

    def says(self) -> str:
        return f"allow {', '.join(self.actions)} to role {self.role_name} (inline policy {POLICY_NAME})"

    def apply(self, inventory: Inventory) -> Inventory:
        role = inventory.roles.get(self.reference)
        if role is None:
            return inventory
        changed = replace(role, policies=(*role.policies, _document(self.actions)))
        return replace(inventory, roles={**inventory.roles, self.reference: changed})

    def commands(self) -> tuple[str, ...]:
        return (
            f"aws iam put-role-policy --role-name {self.role_name} --policy-name {POLICY_NAME} "
            f"--policy-document '{_document(self.actions)}'",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        actions = ", ".join(json.dumps(a) for a in self.actions)
        return (
            f'resource "aws_iam_role_policy" "{tf_name(self.role_name, "vpc")}" {{\n'
            f'  name = "{POLICY_NAME}"\n'
            f"  role = {json.dumps(self.role_name)}\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            f'    Statement = [{{ Effect = "Allow", Action = [{actions}], Resource = "*" }}]\n'
            "  })\n"
            "}"
        )


ConsumerEdit = EnableKey | PutRolePolicy


def _key(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[ConsumerEdit]:
    key = inventory.kms_keys.get(finding.resource)
    if key is None or key.state is None:
        return []  # a key that does not exist or cannot be read: no configuration of it cures that
    key_id = key.arn or finding.resource
    if key.state == "PendingDeletion":
        return [EnableKey(finding.resource, True, key_id)]
    return [EnableKey(finding.resource, False, key_id)] if key.state == "Disabled" else []


def _role(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[ConsumerEdit]:
    """What the identity policies lack (a refusal by the permissions boundary is not cured by a
    policy of the role: the re-analysis leaves that one unverified)."""
    role = inventory.roles.get(finding.resource)
    first = report.connections[0].connection if report.connections else None
    if role is None or first is None:
        return []
    decisions = action_decisions(
        role.policies,
        GLUE_EC2_ACTIONS,
        principal=role.arn or finding.resource,
        region=inventory.region,
        subnet_id=first.subnet_id,
        security_group_ids=first.security_group_ids,
    )
    missing = tuple(a for a in GLUE_EC2_ACTIONS if decisions[a].outcome == "denied")
    return [PutRolePolicy(finding.resource, missing)] if missing else []


BY_CHECK: dict[str, Callable[[Inventory, ConsumerReport, Finding], list[ConsumerEdit]]] = {
    "kms-key-state": _key,
    "role-network-permissions": _role,
}


def _errors(report: ConsumerReport) -> set[tuple[str, str]]:
    own = {(f.check, f.resource) for f in report.findings if f.severity == "error"}
    return own | {(f.check, f.resource) for r in report.connections for f in r.findings if f.severity == "error"}


def attempt(inventory: Inventory, report: ConsumerReport, finding: Finding, edit: ConsumerEdit) -> Fix:
    after = analyse_consumer(edit.apply(inventory), report.consumer.kind, report.consumer.name)
    problems = []
    if any((f.check, f.resource) == (finding.check, finding.resource) for f in after.findings):
        problems.append("the finding remains")
    new = sorted(f"{c} on {r}" for c, r in _errors(after) - _errors(report))
    if new:
        problems.append(f"new errors: {', '.join(new)}")
    effect = (
        f"{edit.says()}: {finding.check} on {finding.resource} is cleared; nothing else fails because of it"
        if not problems
        else f"{edit.says()}: not verified: {'; '.join(problems)}"
    )
    return Fix(not problems, effect, edit.commands(), edit.terraform({}))


def prove_consumer_finding(inventory: Inventory, report: ConsumerReport, finding: Finding) -> Fix | None:
    """The first candidate that verifies, else the first one tried; None: no candidate."""
    first: Fix | None = None
    build = BY_CHECK.get(finding.check)
    for edit in build(inventory, report, finding) if build else []:
        fix = attempt(inventory, report, finding, edit)
        if fix.verified:
            return fix
        first = first or fix
    return first


def prove_consumer(inventory: Inventory, report: ConsumerReport) -> ConsumerReport:
    """The report with every error and warning finding's `fix` filled in: the consumer's own
    (this module) and its connections' (fixes.prove.prove)."""
    findings = tuple(
        replace(f, fix=prove_consumer_finding(inventory, report, f)) if f.severity in PROVEN_SEVERITIES else f
        for f in report.findings
    )
    connections = tuple(prove(inventory, r) for r in report.connections)
    return replace(report, findings=findings, connections=connections)
