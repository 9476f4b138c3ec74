"""Key-policy evaluation, case by case: each row is a policy, a principal and the whole verdict."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from glue_netcheck.policy.key_policy import LOGS_ACTIONS, Principal, evaluate, evaluate_identity, role_principal

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
    # NotPrincipal is decided now: a Deny to everyone but another role denies this one...
    (
        "NotPrincipal deny of everyone but admin",
        policy(
            ROOT, {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "kms:*"}
        ),
        ROLE,
        ("kms:Decrypt",),
        "deny",
    ),
    # ...naming the role and its account leaves it out (AWS checks the account first)...
    (
        "NotPrincipal naming the role and its account",
        policy(
            ROOT,
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROLE.name, "arn:aws:iam::111122223333:root"]},
                "Action": "kms:*",
            },
        ),
        ROLE,
        ("kms:Decrypt",),
        "iam",
    ),
    # ...naming only the role may still deny through the account: AWS's own warning.
    (
        "NotPrincipal naming the role without its account",
        policy(ROOT, {"Effect": "Deny", "NotPrincipal": {"AWS": ROLE.name}, "Action": "kms:*"}),
        ROLE,
        ("kms:Decrypt",),
        "undecidable",
    ),
    (
        "condition on a decided key that holds",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
            }
        ),
        ROLE,
        ("kms:Decrypt",),
        "allow",
    ),
    (
        "condition on a decided key that fails",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}},
            }
        ),
        ROLE,
        ("kms:Decrypt",),
        "none",
    ),
    (
        "direct allow beats root delegation",
        policy(ROOT, {"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:Decrypt"}),
        ROLE,
        ("kms:Decrypt",),
        "allow",
    ),
    (
        "NotAction allow covers the action",
        policy({"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "NotAction": "kms:ScheduleKeyDeletion"}),
        ROLE,
        ("kms:Decrypt",),
        "allow",
    ),
    (
        "url-encoded policy",
        quote(policy({"Effect": "Allow", "Principal": {"AWS": ROLE.name}, "Action": "kms:Decrypt"})),
        ROLE,
        ("kms:Decrypt",),
        "allow",
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


def test_identity_policies_decide_after_root_delegation() -> None:
    key = "arn:aws:kms:us-east-1:111122223333:key/1234"
    allows = policy({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "arn:aws:kms:*"})
    other_key = policy({"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:us-east-1:111122223333:key/9"})
    denies = policy({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})

    assert evaluate_identity([allows], key, ("kms:Decrypt", "kms:GenerateDataKey")).decision == "allow"
    missing = evaluate_identity([other_key], key, ("kms:Decrypt",))
    assert (missing.decision, missing.missing) == ("none", ("kms:Decrypt",))
    assert "because no identity-based policy allows the kms:Decrypt action" in missing.detail
    assert evaluate_identity([allows, denies], key, ("kms:Decrypt",)).decision == "deny"
    assert evaluate_identity(["{not json"], key, ("kms:Decrypt",)).decision == "undecidable"
