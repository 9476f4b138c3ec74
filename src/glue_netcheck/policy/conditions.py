"""Condition blocks: decided (True/False) when key and operator are understood and the request
context knows the key, else None with the reason. None never becomes an allow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from glue_netcheck.policy.document import Condition
from glue_netcheck.policy.match import arn_matches, wildcard
from glue_netcheck.policy.request import Request

# The keys this tool can know for the requests it builds. Anything else (aws:PrincipalOrgID,
# kms:ViaService, aws:SourceIp…) is undecided even when a caller puts it in the context by
# mistake: the list is the contract.
KNOWN_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:principalaccount",
        "aws:resourceaccount",
        "s3:prefix",
        "aws:tagkeys",
    }
)


def _equals(policy: str, value: str) -> bool:
    return policy == value


def _equals_ignore_case(policy: str, value: str) -> bool:
    return policy.lower() == value.lower()


def _like(policy: str, value: str) -> bool:
    return wildcard(policy, value)


# base operator -> (how one policy value matches one request value, negated)
_OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (_equals, False),
    "StringNotEquals": (_equals, True),
    "StringEqualsIgnoreCase": (_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_equals_ignore_case, True),
    "StringLike": (_like, False),
    "StringNotLike": (_like, True),
    # IAM documents ArnEquals and ArnLike alike: segment-wise, with wildcards.
    "ArnEquals": (arn_matches, False),
    "ArnLike": (arn_matches, False),
    "ArnNotEquals": (arn_matches, True),
    "ArnNotLike": (arn_matches, True),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    holds: bool | None
    why: str = ""  # for None: what could not be decided


def evaluate_conditions(conditions: tuple[Condition, ...], request: Request) -> Outcome:
    """All conditions must hold. One that fails decides False even when another is unknown."""
    unknown: Outcome | None = None
    for condition in conditions:
        outcome = _one(condition, request)
        if outcome.holds is False:
            return outcome
        if outcome.holds is None and unknown is None:
            unknown = outcome
    return unknown or Outcome(True)


def _one(condition: Condition, request: Request) -> Outcome:
    qualifier, _, base = condition.operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if qualifier not in ("", "ForAnyValue", "ForAllValues") or base not in _OPERATORS:
        return Outcome(None, f"the condition operator {condition.operator} is not evaluated")
    if condition.key.lower() not in KNOWN_KEYS:
        return Outcome(None, f"the condition key {condition.key} is not evaluated")
    if any("${" in v for v in condition.values):
        return Outcome(None, f"the condition on {condition.key} uses a policy variable")
    values = request.value(condition.key)
    if values is None:
        return Outcome(None, f"the request's {condition.key} is not known")
    match, negated = _OPERATORS[base]
    if not values:
        # IAM: an absent key satisfies ...IfExists, ForAllValues (vacuously) and the negated
        # operators; it fails the positive ones and ForAnyValue.
        return Outcome(if_exists or qualifier == "ForAllValues" or (negated and qualifier == ""))

    def satisfied(value: str) -> bool:
        hit = any(match(p, value) for p in condition.values)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return Outcome(all(satisfied(v) for v in values))
    if qualifier == "ForAnyValue":
        return Outcome(any(satisfied(v) for v in values))
    # Single-valued use: a negated operator holds only if no value matches.
    hits = any(any(match(p, v) for p in condition.values) for v in values)
    return Outcome(not hits if negated else hits)
