"""Does a KMS key policy let a principal use the key? Pure; the answer says why.

Evaluates what the key policy alone can decide: explicit Deny wins, then an Allow naming the
principal. An Allow for the account root delegates to IAM (the role's own policies decide); a
matching statement with a Condition, NotPrincipal or NotAction cannot be decided statically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

Decision = Literal["allow", "deny", "iam", "undecidable", "none"]

# What each use needs. For CloudWatch Logs encryption AWS documents the service principal's
# actions as kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*.
LOGS_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
)
ROLE_ACTIONS = {
    "s3": ("kms:GenerateDataKey", "kms:Decrypt"),
    "cloudwatch": ("kms:GenerateDataKey", "kms:Decrypt"),
    "bookmarks": ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"),
    "catalog": ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"),
}


@dataclass(frozen=True, slots=True)
class Principal:
    kind: Literal["role", "service"]
    name: str  # role ARN, or service principal such as logs.us-east-1.amazonaws.com
    account: str | None = None

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    detail: str
    missing: tuple[str, ...] = ()  # actions no statement allows


def role_principal(role: str, account: str | None) -> Principal:
    """Glue accepts a role name or ARN; a name lives in the key's account."""
    if role.startswith("arn:"):
        return Principal("role", role, role.split(":")[4] or account)
    return Principal("role", f"arn:aws:iam::{account or '<account>'}:role/{role}", account)


def _statements(text: str) -> list[Any] | None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    return [statements] if isinstance(statements, Mapping) else list(statements)


def evaluate(policy_text: str | None, principal: Principal, actions: Iterable[str]) -> Verdict:
    """What the key policy says about `principal` using the key for `actions`."""
    if policy_text is None:
        return Verdict("undecidable", "the key policy could not be read")
    statements = _statements(policy_text)
    if statements is None:
        return Verdict("undecidable", "the key policy is not valid JSON")
    return _combine({action: _decide(statements, principal, action) for action in actions})


def evaluate_identity(documents: Iterable[str], key_arn: str, actions: Iterable[str]) -> Verdict:
    """What a role's own (identity) policies say about using the key `key_arn` for `actions`."""
    statements: list[Any] = []
    for text in documents:
        parsed = _statements(text)
        if parsed is None:
            return Verdict("undecidable", "a role policy is not valid JSON")
        statements += parsed
    return _combine({action: _decide(statements, None, action, key_arn) for action in actions})


def _combine(decisions: dict[str, tuple[Decision, str]]) -> Verdict:
    for wanted in ("deny", "none", "undecidable", "iam"):
        hits = [a for a, (d, _) in decisions.items() if d == wanted]
        if hits:
            detail = next(detail for a, (d, detail) in decisions.items() if d == wanted)
            return Verdict(wanted, detail, tuple(hits) if wanted == "none" else ())
    return Verdict("allow", next(iter(decisions.values()))[1] if decisions else "nothing needed")


def _decide(
    statements: list[Any], principal: Principal | None, action: str, resource: str | None = None
) -> tuple[Decision, str]:
    """One action: explicit Deny wins, then the strongest Allow. `principal` None: identity
    statements (no Principal), matched on `resource` instead."""
    who = "the role's policies" if principal is None else str(principal)
    allowed: tuple[Decision, str] = ("none", f"no statement allows {action} to {who}")
    for index, statement in enumerate(statements):
        if not isinstance(statement, Mapping):
            continue
        sid = statement.get("Sid") or f"statement {index + 1}"
        if "NotPrincipal" in statement or "NotAction" in statement or "NotResource" in statement:
            if statement.get("Effect") == "Deny":
                return ("undecidable", f"{sid} denies with NotPrincipal/NotAction: cannot be decided statically")
            continue
        match = "direct" if principal is None else _principal_match(statement.get("Principal"), principal)
        if match is None or not _action_match(statement.get("Action"), action):
            continue
        if resource is not None and not _action_match(statement.get("Resource", "*"), resource):
            continue
        conditional = bool(statement.get("Condition"))
        if statement.get("Effect") == "Deny":
            if conditional:
                return ("undecidable", f"{sid} denies {action} under a condition")
            return ("deny", f"{sid} explicitly denies {action} to {who}")
        if conditional:
            candidate: tuple[Decision, str] = ("undecidable", f"{sid} allows {action} only under a condition")
        elif match == "account":
            candidate = ("iam", f"{sid} allows the account root: the role's IAM policies decide {action}")
        else:
            candidate = ("allow", f"{sid} allows {action} to {who}")
        allowed = max(allowed, candidate, key=lambda d: _STRENGTH[d[0]])
    return allowed


_STRENGTH = {"none": 0, "undecidable": 1, "iam": 2, "allow": 3}


def _principal_match(value: Any, principal: Principal) -> str | None:
    """'direct', 'account' (root delegation), or None."""
    if value == "*":
        return "direct"
    if not isinstance(value, Mapping):
        return None
    if principal.kind == "service":
        return "direct" if principal.name in _as_list(value.get("Service")) else None
    for entry in _as_list(value.get("AWS")):
        if entry == "*" or entry == principal.name:
            return "direct"
        if principal.account and entry in (principal.account, f"arn:aws:iam::{principal.account}:root"):
            return "account"
    return None


def _action_match(value: Any, action: str) -> bool:
    return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in _as_list(value))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []
