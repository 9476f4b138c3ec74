"""Matching policy elements: wildcards, ARNs segment by segment, principals."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from glue_netcheck.policy.request import Request

PrincipalMatch = Literal["direct", "account", "no", "unknown"]


@lru_cache(maxsize=4096)
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # Only * and ? are special in IAM; fnmatch would also read [..] as a class.
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """`*` any run of characters, `?` exactly one."""
    return _pattern(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """service:Action, case-insensitive (IAM action names are)."""
    return wildcard(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """ARN matching as IAM does it: each of the first five colon-separated segments on its own
    (a wildcard there does not run past a colon), the resource part (which may hold colons) as
    a whole. A pattern that is not a six-segment ARN ("*", "arn:aws:kms:*") matches the whole
    string. Case-sensitive."""
    if pattern == "*":
        return True
    wanted, given = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) < 6 or len(given) < 6:
        return wildcard(pattern, arn)
    return all(wildcard(p, a) for p, a in zip(wanted, given, strict=True))


def principal_match(entries: tuple[tuple[str, str], ...], request: Request) -> PrincipalMatch:
    """'direct' (named, or "*"), 'account' (its account is named: in a resource policy that
    grants the account, whose own IAM policies then decide), 'no', or 'unknown' (the request's
    principal is not known and the entries do not name everyone)."""
    if any(kind == "AWS" and value == "*" for kind, value in entries):
        return "direct"
    if not request.principal:
        return "unknown"
    if request.principal_type == "Service":
        named = any(kind == "Service" and value.lower() == request.principal.lower() for kind, value in entries)
        return "direct" if named else "no"
    arns = request.principal_arns
    if any(kind == "AWS" and value in arns for kind, value in entries):
        return "direct"
    account = request.principal_account
    if account and any(kind == "AWS" and names_account(value, account) for kind, value in entries):
        return "account"
    return "no"


def names_account(entry: str, account: str) -> bool:
    if entry == account:
        return True
    parts = entry.split(":")
    return len(parts) == 6 and parts[2] == "iam" and parts[4] == account and parts[5] == "root"
