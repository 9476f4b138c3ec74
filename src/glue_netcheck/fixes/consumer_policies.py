"""Candidate fixes of a job's or crawler's policy findings: a KMS key policy that does not let
the role (or CloudWatch Logs) use the key, a VPC endpoint policy that denies what the job
requests through it. Each candidate is the whole new policy, the old statements kept but the
Deny statements that decide (a Deny cannot be outweighed by an Allow), plus one Allow for what
nothing allows. Nothing here decides a candidate works: fixes/consumer.py proves it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from glue_netcheck.analyse.results import ConsumerReport
from glue_netcheck.checks import endpoint_policy, kms_key_policy
from glue_netcheck.checks.finding import Finding
from glue_netcheck.fixes.candidates import Candidate, Edit
from glue_netcheck.fixes.consumer_edits import (
    PutKeyPolicy,
    PutRolePolicy,
    SetBoundaryVersion,
    SetEndpointPolicy,
    compact,
    context_of,
)
from glue_netcheck.model.glue import Inventory, Role
from glue_netcheck.policy import key_policy
from glue_netcheck.policy.endpoint import endpoint_decisions

KMS_POLICY_NAME = "glue-kms"  # as kms-key-policy's remediation names it


def _statements(document: str | None) -> list[dict[str, Any]] | None:
    """The policy's statements, each a dict; None when the document is not a readable policy."""
    try:
        parsed = json.loads(document) if document else None
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    statements = parsed.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return statements if all(isinstance(s, dict) for s in statements) else None


def _document(statements: Sequence[dict[str, Any]]) -> str:
    return compact({"Version": "2012-10-17", "Statement": list(statements)})


def _unique_sid(statement: dict[str, object], kept: Sequence[dict[str, Any]]) -> dict[str, object]:
    """The statement with a Sid no kept statement has (KMS refuses a policy repeating one)."""
    taken = {s.get("Sid") for s in kept}
    sid, n = str(statement.get("Sid", "AllowGlue")), 2
    while sid in taken:
        sid, n = f"{statement['Sid']}{n}", n + 1
    return {**statement, "Sid": sid}


def _describe(removed: Sequence[dict[str, Any]], added: Sequence[dict[str, object]]) -> str:
    def name(s: dict[str, Any], i: int) -> str:
        return str(s.get("Sid") or f"#{i + 1}")

    parts = []
    if removed:
        parts.append(
            f"remove the Deny statement{'s' if len(removed) > 1 else ''} "
            f"{', '.join(name(s, i) for i, s in enumerate(removed))}, which refuse{'' if len(removed) > 1 else 's'} "
            "what the job needs (narrow it by hand if it must stay for others)"
        )
    for s in added:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        parts.append(f"add statement {s['Sid']} allowing {', '.join(map(str, actions))} to {s['Principal']}")
    return "; ".join(parts)


# --- role-network-permissions: the permissions boundary ----------------------------------------


def boundary_edit(role: Role, actions: tuple[str, ...]) -> SetBoundaryVersion | None:
    """The boundary allowing `actions` too (no policy of the role gets past its boundary)."""
    statements = _statements(role.boundary)
    if statements is None or not role.boundary_arn:
        return None
    statement = _unique_sid(
        {"Sid": "AllowGlueVpc", "Effect": "Allow", "Action": list(actions), "Resource": "*"}, statements
    )
    change = f"add statement {statement['Sid']} allowing {', '.join(actions)}"
    return SetBoundaryVersion(role.reference, role.boundary_arn, _document([*statements, statement]), change)


# --- kms-key-policy -------------------------------------------------------------------------


def _refuses(statement: dict[str, Any], principal: key_policy.Principal, actions: tuple[str, ...]) -> bool:
    """A Deny statement that, alone, refuses the principal one of the actions."""
    alone = key_policy.evaluate(_document([statement]), principal, actions)
    return statement.get("Effect") == "Deny" and alone.decision == "deny"


def key_policy_fix(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """One candidate for every principal the key policy fails on (they share the finding's
    resource, the key): the new key policy and, where the policy leaves the role to IAM, an
    inline policy of the role for the key."""
    ctx = context_of(inventory, report)
    found = [(r, u) for r, u in ctx.key_uses().items() if getattr(ctx.key(r), "reference", None) == finding.resource]
    key = ctx.key(found[0][0]) if found else None
    statements = _statements(key.policy) if key is not None else None
    if key is None or statements is None or not found:
        return []
    role = inventory.roles.get(ctx.consumer.role or "")
    arn = key.arn or key.reference
    removed: list[dict[str, Any]] = []
    added: list[dict[str, object]] = []
    edits: list[Edit] = []
    for principal, actions in kms_key_policy.wanted(ctx, key, found[0][1]):
        verdict = key_policy.evaluate(key.policy, principal, actions)
        if verdict.decision in ("none", "deny"):
            deciding = [s for s in statements if _refuses(s, principal, actions)]
            removed += [s for s in deciding if s not in removed]
            kept = [s for s in statements if s not in removed]
            after = key_policy.evaluate(_document([*kept, *added]), principal, actions)
            if after.decision in ("none", "deny"):
                statement = kms_key_policy.allow_statement(principal, after.missing or actions)
                added.append(_unique_sid(statement, [*kept, *added]))
        elif verdict.decision == "iam" and principal.kind == "role" and role is not None and role.error is None:
            identity = key_policy.evaluate_identity(role.policies, arn, actions)
            if identity.decision in ("none", "deny"):
                missing = identity.missing or actions
                # One inline policy per key: put-role-policy replaces a policy of the same name,
                # so two keys' fixes under one name would undo each other.
                name = f"{KMS_POLICY_NAME}-{arn.rsplit('/', 1)[-1]}"[:128]
                edits.append(PutRolePolicy(role.reference, missing, name, arn))
    if removed or added:
        kept = [s for s in statements if s not in removed]
        edits.insert(0, PutKeyPolicy(arn, _document([*kept, *added]), _describe(removed, added)))
    return [tuple(edits)] if edits else []


# --- endpoint-policy ------------------------------------------------------------------------


def endpoint_policy_fix(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """The endpoint's new policy for every request of the job's through it that is denied (all
    its findings share the endpoint as their resource)."""
    ctx = context_of(inventory, report)
    on_paths = [(e, k) for e, k in endpoint_policy.endpoints_on_paths(ctx) if e.id == finding.resource]
    if not on_paths:
        return []
    ((endpoint, key),) = on_paths
    statements = _statements(endpoint.policy_document)
    requests = [u.request for u in endpoint_policy.uses_through(ctx, key, endpoint)]
    if statements is None or not requests:
        return []

    def refuses(deny: dict[str, Any]) -> bool:
        return any(d.explicit for d in endpoint_decisions(_document([deny]), requests))

    removed = [s for s in statements if s.get("Effect") == "Deny" and refuses(s)]
    kept = [s for s in statements if s not in removed]
    decisions = endpoint_decisions(_document(kept), requests)
    lacking = [d for d in decisions if d.outcome == "denied"]
    added = [_unique_sid(endpoint_policy.allow_statement(ctx, lacking), kept)] if lacking else []
    if not removed and not added:
        return []
    return [(SetEndpointPolicy(endpoint.id, _document([*kept, *added]), _describe(removed, added)),)]


BUILDERS: dict[str, Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]] = {
    "kms-key-policy": key_policy_fix,
    "endpoint-policy": endpoint_policy_fix,
}
