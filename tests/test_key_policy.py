"""Key-policy evaluation, case by case: each row is a policy, a principal and the whole verdict."""

from __future__ import annotations

import json
from typing import Any

import pytest

from glue_netcheck.policy.key_policy import LOGS_ACTIONS, Principal, evaluate, role_principal

ROLE = role_principal("arn:aws:iam::111122223333:role/etl", None)
LOGS = Principal("service", "logs.us-east-1.amazonaws.com")
ROOT = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


CASES = [
    ("root delegates to IAM", policy(ROOT), ROLE, ("kms:Decrypt",), "iam"),
    (
        "role named directly",
        policy({"Effect": "Allow", "Principal": {"AWS": [ROLE.name]}, "Action": ["kms:Decrypt"]}),
        ROLE,
        ("kms:Decrypt",),
        "allow",
    ),
    (
        "action wildcard",
        policy({"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:GenerateDataKey*"}),
        ROLE,
        ("kms:GenerateDataKey",),
        "allow",
    ),
    (
        "one action missing",
        policy({"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:Decrypt"}),
        ROLE,
        ("kms:Decrypt", "kms:Encrypt"),
        "none",
    ),
    (
        "deny beats allow in any order",
        policy({"Effect": "Deny", "Principal": {"AWS": ROLE.name}, "Action": "kms:Decrypt"}, ROOT),
        ROLE,
        ("kms:Decrypt",),
        "deny",
    ),
    (
        "conditional allow is undecidable",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROLE.name},
                "Action": "kms:*",
                "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
            }
        ),
        ROLE,
        ("kms:Decrypt",),
        "undecidable",
    ),
    (
        "unconditional allow beats a conditional one",
        policy(
            {"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:*", "Condition": {"Bool": {"x": "y"}}},
            {"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:*"},
        ),
        ROLE,
        ("kms:Decrypt",),
        "allow",
    ),
    (
        "logs principal with documented wildcards",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            }
        ),
        LOGS,
        LOGS_ACTIONS,
        "allow",
    ),
    (
        "logs principal of another region",
        policy({"Effect": "Allow", "Principal": {"Service": "logs.eu-west-1.amazonaws.com"}, "Action": "kms:*"}),
        LOGS,
        LOGS_ACTIONS,
        "none",
    ),
    ("root does not admit a service", policy(ROOT), LOGS, LOGS_ACTIONS, "none"),
    (
        "NotPrincipal deny is undecidable",
        policy(
            ROOT, {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "kms:*"}
        ),
        ROLE,
        ("kms:Decrypt",),
        "undecidable",
    ),
    ("unreadable policy", None, ROLE, ("kms:Decrypt",), "undecidable"),
    ("garbage policy", "{not json", ROLE, ("kms:Decrypt",), "undecidable"),
]


@pytest.mark.parametrize(
    ("policy_text", "principal", "actions", "decision"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_key_policy(policy_text: str | None, principal: Principal, actions: tuple[str, ...], decision: str) -> None:
    assert evaluate(policy_text, principal, actions).decision == decision


def test_missing_actions_are_named() -> None:
    verdict = evaluate(
        policy({"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:Decrypt"}),
        ROLE,
        ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
    )
    assert verdict.missing == ("kms:Encrypt", "kms:GenerateDataKey")


def test_role_name_is_placed_in_the_key_account() -> None:
    assert role_principal("glue-crawler", "444455556666").name == "arn:aws:iam::444455556666:role/glue-crawler"
