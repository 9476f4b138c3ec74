"""Does a KMS key policy let a principal use the key? Pure; the answer says why.

The key-policy reading of the one evaluator (`policy.evaluate`): explicit Deny wins, then an
Allow naming the principal. An Allow for the account (root) delegates to IAM: the role's own
policies decide. What the evaluator cannot decide (a condition on kms:ViaService, say) is
"undecidable", never an allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from glue_netcheck.policy.document import Policy, PolicyError, parse_policy
from glue_netcheck.policy.evaluate import Decision as Answer
from glue_netcheck.policy.evaluate import evaluate as decide
from glue_netcheck.policy.request import Request

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


def _parse(text: str, what: str) -> Policy | Verdict:
    try:
        return parse_policy(text)
    except PolicyError as exc:
        if "not valid JSON" in str(exc):
            return Verdict("undecidable", f"{what} is not valid JSON")
        return Verdict("undecidable", f"{what} cannot be read: {exc}")


def evaluate(policy_text: str | None, principal: Principal, actions: Iterable[str]) -> Verdict:
    """What the key policy says about `principal` using the key for `actions`."""
    if policy_text is None:
        return Verdict("undecidable", "the key policy could not be read")
    policy = _parse(policy_text, "the key policy")
    if isinstance(policy, Verdict):
        return policy
    decisions = {}
    for action in actions:
        request = Request(
            action,
            resource=None,  # the key itself: key policies name it "*"
            principal=principal.name,
            principal_type="Service" if principal.kind == "service" else "AWS",
            account=principal.account if principal.kind == "role" else None,
        )
        decisions[action] = _key_policy(decide(policy, request, "resource-based"), principal)
    return _combine(decisions)


def evaluate_identity(documents: Iterable[str], key_arn: str, actions: Iterable[str]) -> Verdict:
    """What a role's own (identity) policies say about using the key `key_arn` for `actions`."""
    policies = []
    for text in documents:
        policy = _parse(text, "a role policy")
        if isinstance(policy, Verdict):
            return policy
        policies.append(policy)
    decisions = {}
    for action in actions:
        answer = decide(policies, Request(action, resource=key_arn), "identity-based")
        decisions[action] = (_MAP[answer.outcome, answer.explicit], answer.reason)
    return _combine(decisions)


_MAP: dict[tuple[str, bool], Decision] = {
    ("allowed", False): "allow",
    ("denied", True): "deny",
    ("denied", False): "none",
    ("undecided", False): "undecidable",
}


def _key_policy(answer: Answer, principal: Principal) -> tuple[Decision, str]:
    action, sid = answer.request.action, answer.statement
    if answer.outcome == "denied" and answer.explicit:
        return "deny", f"{sid} explicitly denies {action} to {principal}"
    if answer.outcome == "denied":
        return "none", f"no statement allows {action} to {principal} ({answer.reason})"
    if answer.outcome == "undecided":
        return "undecidable", answer.reason
    if answer.delegated:
        return "iam", f"{sid} allows the account root: the role's IAM policies decide {action}"
    return "allow", f"{sid} allows {action} to {principal}"


def _combine(decisions: dict[str, tuple[Decision, str]]) -> Verdict:
    for wanted in ("deny", "none", "undecidable", "iam"):
        hits = [a for a, (d, _) in decisions.items() if d == wanted]
        if hits:
            detail = next(detail for a, (d, detail) in decisions.items() if d == wanted)
            return Verdict(wanted, detail, tuple(hits) if wanted == "none" else ())
    return Verdict("allow", next(iter(decisions.values()))[1] if decisions else "nothing needed")
