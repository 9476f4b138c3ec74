"""What is asked of a policy: who, which action, on what, with which request-context keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Request:
    """One API call to authorise.

    `principal` is an IAM ARN (role, user, assumed-role session) for `principal_type` "AWS", or
    a service principal such as logs.us-east-1.amazonaws.com for "Service"; None: not known.
    `resource` None: not known (only statements on "*" can then be decided). `context` holds
    condition keys (any case) the caller knows: a value tuple, or () for a key known to be
    absent from the request. A key missing from `context` is unknown, except the ones derived
    from the fields (aws:PrincipalArn, aws:PrincipalAccount, aws:ResourceAccount).
    """

    action: str
    resource: str | None = "*"
    principal: str | None = None
    principal_type: Literal["AWS", "Service"] = "AWS"
    account: str | None = None  # the principal's account; derived from an IAM ARN when None
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def principal_account(self) -> str | None:
        if self.account or self.principal_type != "AWS" or not self.principal:
            return self.account
        parts = self.principal.split(":")
        return parts[4] or None if self.principal.startswith("arn:") and len(parts) > 5 else None

    @property
    def principal_arns(self) -> frozenset[str]:
        """The ARNs a Principal element may name this principal by: itself and, for an
        assumed-role session, its role (policies name roles, sessions are what call)."""
        if self.principal_type != "AWS" or not self.principal:
            return frozenset()
        found = {self.principal}
        parts = self.principal.split(":", 5)
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            role = parts[5].split("/")[1]
            found.add(f"arn:{parts[1]}:iam::{parts[4]}:role/{role}")
        return frozenset(found)

    @property
    def role_arn(self) -> str | None:
        """aws:PrincipalArn: for a session it is the role's ARN, not the session's."""
        roles = sorted(a for a in self.principal_arns if ":role/" in a)
        return roles[0] if roles else (self.principal if self.principal_type == "AWS" else None)

    def value(self, key: str) -> tuple[str, ...] | None:
        """The request's values for a condition key; () absent; None unknown."""
        wanted = key.lower()
        for name, values in self.context.items():
            if name.lower() == wanted:
                return tuple(values)
        if wanted == "aws:principalarn" and self.principal_type == "AWS" and self.role_arn:
            return (self.role_arn,)
        if wanted == "aws:principalaccount" and self.principal_type == "AWS" and self.principal_account:
            return (self.principal_account,)
        if wanted == "aws:resourceaccount" and self.resource and self.resource.startswith("arn:"):
            parts = self.resource.split(":")
            # S3 ARNs carry no account: then the owner is unknown, not absent.
            return (parts[4],) if len(parts) > 5 and parts[4] else None
        return None
