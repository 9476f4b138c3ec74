"""One evaluator for key, endpoint, identity policies and permissions boundaries.

IAM's order within one policy type: an explicit Deny that applies wins; else an Allow that
applies allows; else the request is implicitly denied. A statement applies when its principal,
action, resource and every condition match. When a part cannot be decided (unknown principal
or resource, a condition key or operator this tool does not evaluate, a context value it does
not know) the statement *may* apply: a Deny that may apply, or an Allow that may be the only
one, leaves the answer undecided. An undecided answer is never an allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from glue_netcheck.policy.conditions import evaluate_conditions
from glue_netcheck.policy.document import Policy, Statement
from glue_netcheck.policy.match import action_matches, arn_matches, names_account, principal_match
from glue_netcheck.policy.request import Request

PolicyKind = Literal["identity-based", "resource-based", "VPC endpoint", "permissions boundary"]
Outcome = Literal["allowed", "denied", "undecided"]

# AWS's AccessDenied wording per policy type: "... because no VPC endpoint policy allows the
# s3:GetObject action", "... with an explicit deny in a VPC endpoint policy".
_NO = {
    "identity-based": "no identity-based policy allows",
    "resource-based": "no resource-based policy allows",
    "VPC endpoint": "no VPC endpoint policy allows",
    "permissions boundary": "no permissions boundary allows",
}
_IN = {
    "identity-based": "an identity-based policy",
    "resource-based": "a resource-based policy",
    "VPC endpoint": "a VPC endpoint policy",
    "permissions boundary": "a permissions boundary",
}


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    request: Request
    statement: str | None  # the deciding statement's Sid, else "statement N"; None: none applies
    reason: str
    explicit: bool = False  # denied by a Deny statement (not merely no Allow)
    delegated: bool = False  # allowed only by naming the principal's account (root delegation)

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"


@dataclass(frozen=True, slots=True)
class _Applies:
    holds: bool | None
    match: str = "direct"  # "account" when the principal matched through its account
    why: str = ""


def evaluate(policies: Policy | Iterable[Policy], request: Request, kind: PolicyKind) -> Decision:
    """Decide `request` against the statements of `policies` (several documents of one type,
    such as a role's inline and attached policies, are one set of statements)."""
    statements: list[Statement] = (
        list(policies.statements) if isinstance(policies, Policy) else [s for p in policies for s in p.statements]
    )
    judged = [(s, _applies(s, request)) for s in statements]
    denies = [(s, a) for s, a in judged if s.effect == "Deny" and a.holds is not False]
    allows = [(s, a) for s, a in judged if s.effect == "Allow" and a.holds is not False]
    denied = next((s for s, a in denies if a.holds), None)
    if denied is not None:
        return Decision(
            "denied", request, denied.label, _refusal(request, f"with an explicit deny in {_IN[kind]}"), True
        )
    if not allows:
        # Whether or not an undecided Deny applies, nothing allows: denied either way.
        return Decision("denied", request, None, _refusal(request, f"because {_NO[kind]} the {request.action} action"))
    if denies:
        statement, applies = denies[0]
        return Decision(
            "undecided",
            request,
            statement.label,
            f"{statement.label} denies {request.action} if it applies, and {applies.why}",
        )
    certain = [s for s, a in allows if a.holds and a.match == "direct"]
    through_account = [s for s, a in allows if a.holds and a.match != "direct"]
    if certain or through_account:
        statement = (certain or through_account)[0]
        target = f" on {request.resource}" if request.resource else ""
        reason = f"{statement.label} allows {request.action}{target}"
        return Decision("allowed", request, statement.label, reason, delegated=not certain)
    statement, applies = allows[0]
    return Decision(
        "undecided", request, statement.label, f"only {statement.label} could allow {request.action}, and {applies.why}"
    )


def evaluate_all(policies: Sequence[Policy], requests: Iterable[Request], kind: PolicyKind) -> list[Decision]:
    return [evaluate(policies, r, kind) for r in requests]


def _refusal(request: Request, ending: str) -> str:
    who = f"User: {request.principal} is not" if request.principal else "Not"
    on = f" on resource: {request.resource}" if request.resource and request.resource != "*" else ""
    return f"{who} authorized to perform: {request.action}{on} {ending}"


def _applies(statement: Statement, request: Request) -> _Applies:
    matched = "direct"
    unknown = ""
    if statement.principals is not None:
        found = principal_match(statement.principals, request)
        if statement.principal_negated:
            excluded = _excluded(statement, request, found)
            if excluded is True:
                return _Applies(False)
            if excluded is None:
                unknown = "whether NotPrincipal excludes the principal is not known"
        elif found == "no":
            return _Applies(False)
        elif found == "unknown":
            unknown = "the requesting principal is not known"
        else:
            matched = found
    action = any(action_matches(p, request.action) for p in statement.actions)
    if action == statement.action_negated:
        return _Applies(False)
    resource = _resource_match(statement.resources, request.resource)
    if resource is not None and resource == statement.resource_negated:
        return _Applies(False)
    if resource is None:
        unknown = unknown or (
            "the resource is not known" if request.resource is None else "its Resource holds a policy variable"
        )
    conditions = evaluate_conditions(statement.conditions, request)
    if conditions.holds is False:
        return _Applies(False)
    if unknown or conditions.holds is None:
        return _Applies(None, matched, unknown or conditions.why)
    return _Applies(True, matched)


def _resource_match(patterns: tuple[str, ...], resource: str | None) -> bool | None:
    """Does any pattern match? None when only an unknown could: the request's resource is not
    known (only "*" decides it), or a pattern holds a policy variable (${aws:username}…), which
    is filled from the request."""
    if "*" in patterns:
        return True
    plain = [p for p in patterns if "${" not in p]
    if resource is None:
        return None
    if any(arn_matches(p, resource) for p in plain):
        return True
    return None if len(plain) < len(patterns) else False


def _excluded(statement: Statement, request: Request, found: str) -> bool | None:
    """Does NotPrincipal leave the principal out? AWS checks the account before the role (and
    the role before its session): naming the account excludes it; naming only the role may
    not (AWS's own warning). An unknown principal cannot be placed."""
    entries = statement.principals or ()
    if ("AWS", "*") in entries:
        return True
    if found == "unknown":
        return None
    if request.principal_type == "Service":
        return found == "direct"
    account = request.principal_account
    if account and any(kind == "AWS" and names_account(value, account) for kind, value in entries):
        return True
    return None if found == "direct" else False
