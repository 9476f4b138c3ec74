"""IAM-style policy documents parsed into frozen values, with the JSON quirks real ones have.

A `Statement` may be one object or a list; `Action`, `Resource`, `Principal` entries a string or
a list; `Principal` is `"*"` or `{"AWS"|"Service"|…: str | list}`; condition values strings,
numbers or booleans. IAM's own API (GetRolePolicy, GetPolicyVersion) returns the document
URL-encoded, boto3 a decoded dict, a snapshot either: all are accepted here, once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, unquote_plus

PolicyInput = str | Mapping[str, Any]


class PolicyError(ValueError):
    """The document is not a policy AWS would have accepted: nothing in it can be decided."""


@dataclass(frozen=True, slots=True)
class Condition:
    operator: str  # as written: "StringEquals", "ForAnyValue:StringLike", "ArnNotLikeIfExists"…
    key: str  # as written; condition keys compare case-insensitively
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    index: int  # position in its document, from 0
    sid: str | None
    effect: Literal["Allow", "Deny"]
    # (type, value) pairs: ("AWS", "arn:aws:iam::1:root"), ("Service", "logs.…"); "*" is ("AWS", "*").
    # None: no Principal element (an identity policy or a permissions boundary).
    principals: tuple[tuple[str, str], ...] | None
    principal_negated: bool  # NotPrincipal
    actions: tuple[str, ...]
    action_negated: bool  # NotAction
    resources: tuple[str, ...]  # no Resource element reads as "*" (key policies often omit it)
    resource_negated: bool  # NotResource
    conditions: tuple[Condition, ...] = ()
    policy: str | None = None  # the document's name when several are evaluated together

    @property
    def label(self) -> str:
        """How AWS users find the statement: its Sid, else its position (from 1)."""
        own = self.sid or f"statement {self.index + 1}"
        return f"{self.policy}: {own}" if self.policy else own


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]
    name: str | None = None


def parse_policy(document: PolicyInput, name: str | None = None) -> Policy:
    """Parse JSON text (plain or URL-encoded) or an already decoded mapping; PolicyError if it
    is not a policy."""
    raw = _decode(document) if isinstance(document, str) else document
    if not isinstance(raw, Mapping):
        raise PolicyError("the policy is not a JSON object")
    statements = raw.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        raise PolicyError("the policy has no Statement list")
    return Policy(tuple(_statement(i, s, name) for i, s in enumerate(statements)), name)


def _decode(text: str) -> Any:
    stripped = text.strip()
    candidates = [stripped] if stripped.startswith("{") else [unquote(stripped), unquote_plus(stripped)]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    raise PolicyError("the policy is not valid JSON")


def _statement(index: int, raw: Any, policy: str | None) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"statement {index + 1} is not a JSON object")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"statement {index + 1} has Effect {effect!r}, not Allow or Deny")
    actions, action_negated = _pair(raw, "Action", "NotAction", index)
    if actions is None:
        raise PolicyError(f"statement {index + 1} has neither Action nor NotAction")
    resources, resource_negated = _pair(raw, "Resource", "NotResource", index)
    principals: tuple[tuple[str, str], ...] | None = None
    principal_negated = "NotPrincipal" in raw
    if "Principal" in raw and principal_negated:
        raise PolicyError(f"statement {index + 1} has both Principal and NotPrincipal")
    if "Principal" in raw or principal_negated:
        principals = _principals(raw["NotPrincipal" if principal_negated else "Principal"], index)
    sid = raw.get("Sid")
    return Statement(
        index=index,
        sid=str(sid) if sid not in (None, "") else None,
        effect=effect,
        principals=principals,
        principal_negated=principal_negated,
        actions=actions,
        action_negated=action_negated,
        resources=resources if resources is not None else ("*",),
        resource_negated=resource_negated,
        conditions=_conditions(raw.get("Condition"), index),
        policy=policy,
    )


def _pair(raw: Mapping[str, Any], plain: str, negated: str, index: int) -> tuple[tuple[str, ...] | None, bool]:
    if plain in raw and negated in raw:
        raise PolicyError(f"statement {index + 1} has both {plain} and {negated}")
    if negated in raw:
        return _strings(raw[negated], negated, index), True
    return (_strings(raw[plain], plain, index) if plain in raw else None), False


def _strings(value: Any, element: str, index: int) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise PolicyError(f"statement {index + 1}: {element} must be a string or a list of strings")
    return tuple(items)


def _principals(value: Any, index: int) -> tuple[tuple[str, str], ...]:
    if value == "*":
        return (("AWS", "*"),)
    if not isinstance(value, Mapping):
        raise PolicyError(f'statement {index + 1}: Principal must be "*" or an object')
    return tuple((str(kind), entry) for kind, v in value.items() for entry in _strings(v, "Principal", index))


def _conditions(value: Any, index: int) -> tuple[Condition, ...]:
    if value in (None, {}):
        return ()
    if not isinstance(value, Mapping):
        raise PolicyError(f"statement {index + 1}: Condition must be an object")
    found = []
    for operator, block in value.items():
        if not isinstance(block, Mapping):
            raise PolicyError(f"statement {index + 1}: Condition {operator} must map keys to values")
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            found.append(Condition(str(operator), str(key), tuple(_scalar(v) for v in items)))
    return tuple(found)


def _scalar(value: Any) -> str:
    # JSON true/false are written "true"/"false" in AWS's own condition values.
    return str(value).lower() if isinstance(value, bool) else str(value)
