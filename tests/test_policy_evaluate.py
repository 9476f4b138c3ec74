"""The evaluator on policies taken from AWS documentation, and on the edges of IAM's rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from glue_netcheck.policy.document import PolicyError, parse_policy
from glue_netcheck.policy.evaluate import Decision, PolicyKind, evaluate
from glue_netcheck.policy.match import arn_matches
from glue_netcheck.policy.request import Request

ROLE = "arn:aws:iam::111122223333:role/glue-etl"
SESSION = "arn:aws:sts::111122223333:assumed-role/glue-etl/GlueJobRunnerSession"
ENDPOINT = {"aws:SourceVpce": ("vpce-1a2b3c4d",), "aws:SourceVpc": ("vpc-111bbb22",)}


def s3(action: str, resource: str, **context: tuple[str, ...]) -> Request:
    return Request(action, resource, principal=ROLE, context={**ENDPOINT, **context})


def decide(document: dict[str, Any], request: Request, kind: PolicyKind = "VPC endpoint") -> Decision:
    return evaluate(parse_policy(document), request, kind)


# VPC User Guide, "Control access to VPC endpoints using endpoint policies": the default policy.
DEFAULT = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}

# Gateway endpoints for S3, "Restrict access to a specific bucket".
ONE_BUCKET = {
    "Statement": [
        {
            "Sid": "Access-to-specific-bucket-only",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Effect": "Allow",
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
        }
    ]
}

# "Restrict access to buckets in a specific account": a Deny on aws:ResourceAccount.
ONE_ACCOUNT = {
    "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {
            "Sid": "Access-to-bucket-in-specific-account-only",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Effect": "Deny",
            "Resource": "arn:aws:s3:::*",
            "Condition": {"StringNotEquals": {"aws:ResourceAccount": "111122223333"}},
        },
    ]
}

# "Restrict access to principals in an organization": aws:PrincipalOrgID cannot be known here.
ONE_ORGANIZATION = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
        }
    ]
}


def test_default_policy_allows_everything() -> None:
    decision = decide(DEFAULT, s3("s3:GetObject", "arn:aws:s3:::any/key"))
    assert (decision.outcome, decision.statement) == ("allowed", "statement 1")


def test_one_bucket_policy_allows_that_bucket_and_names_the_statement() -> None:
    decision = decide(ONE_BUCKET, s3("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/scripts/job.py"))
    assert (decision.outcome, decision.statement) == ("allowed", "Access-to-specific-bucket-only")


def test_one_bucket_policy_refuses_another_bucket_in_aws_words() -> None:
    decision = decide(ONE_BUCKET, s3("s3:GetObject", "arn:aws:s3:::aws-glue-assets-111122223333-us-east-1/x.py"))
    assert decision == Decision(
        "denied",
        decision.request,
        None,
        f"User: {ROLE} is not authorized to perform: s3:GetObject on resource: "
        "arn:aws:s3:::aws-glue-assets-111122223333-us-east-1/x.py "
        "because no VPC endpoint policy allows the s3:GetObject action",
    )


def test_one_bucket_policy_refuses_an_action_it_does_not_list() -> None:
    decision = decide(ONE_BUCKET, s3("s3:DeleteObject", "arn:aws:s3:::amzn-s3-demo-bucket/tmp/x"))
    assert decision.outcome == "denied" and not decision.explicit
    assert decision.reason.endswith("because no VPC endpoint policy allows the s3:DeleteObject action")


def test_resource_account_deny_with_the_owner_known() -> None:
    other = s3("s3:GetObject", "arn:aws:s3:::theirs/k", **{"aws:ResourceAccount": ("444455556666",)})
    mine = s3("s3:GetObject", "arn:aws:s3:::mine/k", **{"aws:ResourceAccount": ("111122223333",)})

    denied = decide(ONE_ACCOUNT, other)
    assert (denied.outcome, denied.explicit, denied.statement) == (
        "denied",
        True,
        "Access-to-bucket-in-specific-account-only",
    )
    assert denied.reason.endswith("with an explicit deny in a VPC endpoint policy")
    assert decide(ONE_ACCOUNT, mine).outcome == "allowed"


def test_resource_account_deny_with_the_owner_unknown_is_undecided() -> None:
    # S3 ARNs carry no account: without the owner the Deny may apply, never a pass.
    decision = decide(ONE_ACCOUNT, s3("s3:GetObject", "arn:aws:s3:::theirs/k"))
    assert (decision.outcome, decision.statement) == ("undecided", "Access-to-bucket-in-specific-account-only")
    assert "aws:ResourceAccount is not known" in decision.reason


def test_organization_condition_is_undecided() -> None:
    decision = decide(ONE_ORGANIZATION, s3("s3:GetObject", "arn:aws:s3:::b/k"))
    assert decision.outcome == "undecided" and "aws:PrincipalOrgID is not evaluated" in decision.reason


# S3 User Guide, bucket policies for VPC endpoints: "Restricting access to a specific VPC endpoint".
ONLY_THROUGH_VPCE = {
    "Version": "2012-10-17",
    "Id": "Policy1415115909152",
    "Statement": [
        {
            "Sid": "Access-to-specific-VPCE-only",
            "Principal": "*",
            "Action": "s3:*",
            "Effect": "Deny",
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        },
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"},
    ],
}


@pytest.mark.parametrize(
    ("context", "outcome"),
    [
        ({"aws:SourceVpce": ("vpce-1a2b3c4d",)}, "allowed"),
        ({"aws:SourceVpce": ("vpce-other",)}, "denied"),
        ({"aws:SourceVpce": ()}, "denied"),  # not through an endpoint: StringNotEquals holds
        ({}, "undecided"),  # not known which way the request goes
    ],
)
def test_source_vpce_deny(context: dict[str, tuple[str, ...]], outcome: str) -> None:
    request = Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k", principal=ROLE, context=context)
    assert decide(ONLY_THROUGH_VPCE, request, "resource-based").outcome == outcome


def test_role_session_matches_its_role_and_principal_arn() -> None:
    policy = {
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/glue-*"}},
        }
    }
    session = Request("s3:GetObject", "arn:aws:s3:::b/k", principal=SESSION)
    assert decide(policy, session).outcome == "allowed"
    other = Request("s3:GetObject", "arn:aws:s3:::b/k", principal="arn:aws:iam::111122223333:role/other")
    assert decide(policy, other).outcome == "denied"


def test_s3_prefix_condition_on_list_bucket() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::b",
                "Condition": {"StringLike": {"s3:prefix": ["temp/*", "scripts/"]}},
            }
        ]
    }
    assert decide(policy, s3("s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": ("temp/job/",)})).allowed
    assert decide(policy, s3("s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": ("data/",)})).outcome == "denied"
    assert decide(policy, s3("s3:ListBucket", "arn:aws:s3:::b")).outcome == "undecided"


# IAM: a key absent from the request. Positive operators fail, negated ones and ...IfExists
# hold, ForAllValues holds vacuously, ForAnyValue fails.
@pytest.mark.parametrize(
    ("operator", "holds"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("ArnLike", False),
        ("StringNotEquals", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringNotEquals", False),
        ("ForAllValues:StringNotLike", True),
    ],
)
def test_absent_key(operator: str, holds: bool) -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {"aws:SourceVpc": "vpc-111bbb22"}},
            }
        ]
    }
    request = Request("s3:GetObject", "arn:aws:s3:::b/k", principal=ROLE, context={"aws:sourcevpc": ()})
    assert decide(policy, request).outcome == ("allowed" if holds else "denied")


@pytest.mark.parametrize(
    ("operator", "values", "outcome"),
    [
        ("NumericLessThan", ["3"], "undecided"),  # an operator it does not evaluate
        ("Bool", ["true"], "undecided"),
        ("ForSomeValues:StringEquals", ["x"], "undecided"),
        ("ForAnyValue:StringEquals", ["vpc-a", "vpc-111bbb22"], "allowed"),
        ("ForAllValues:StringLike", ["vpc-1*"], "allowed"),
        ("StringNotLikeIfExists", ["vpc-1*"], "denied"),
        ("StringEqualsIgnoreCase", ["VPC-111BBB22"], "allowed"),
    ],
)
def test_operators(operator: str, values: list[str], outcome: str) -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {"aws:SourceVpc": values}},
            }
        ]
    }
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/k")).outcome == outcome


def test_undecided_allow_next_to_a_certain_one_allows() -> None:
    policy = {"Statement": [ONE_ORGANIZATION["Statement"][0], {**DEFAULT["Statement"][0], "Sid": "All"}]}
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/k")).statement == "All"


def test_undecided_deny_beats_a_certain_allow() -> None:
    deny = {**ONE_ORGANIZATION["Statement"][0], "Effect": "Deny", "Sid": "OrgOnly"}
    decision = decide({"Statement": [DEFAULT["Statement"][0], deny]}, s3("s3:GetObject", "arn:aws:s3:::b/k"))
    assert (decision.outcome, decision.statement) == ("undecided", "OrgOnly")


def test_unknown_principal_is_decided_only_by_star() -> None:
    named = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"}]}
    anonymous = Request("s3:GetObject", "arn:aws:s3:::b/k")
    assert decide(named, anonymous).outcome == "undecided"
    assert decide(DEFAULT, anonymous).outcome == "allowed"


def test_account_principal_allows_through_delegation() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "*", "Resource": "*"}]}
    decision = decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/k"), "resource-based")
    assert (decision.outcome, decision.delegated) == ("allowed", True)


def test_service_principal_matches_its_own_name_only() -> None:
    policy = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"}, "Action": "kms:*"}]
    }
    logs = Request("kms:Decrypt", None, principal="logs.us-east-1.amazonaws.com", principal_type="Service")
    west = Request("kms:Decrypt", None, principal="logs.eu-west-1.amazonaws.com", principal_type="Service")
    assert decide(policy, logs, "resource-based").allowed
    assert decide(policy, west, "resource-based").outcome == "denied"


def test_identity_policy_wording() -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}
    described = evaluate(parse_policy(policy), Request("ec2:DescribeVpcEndpoints"), "identity-based")
    created = evaluate(parse_policy(policy), Request("ec2:CreateNetworkInterface"), "identity-based")
    assert described.allowed
    assert created.reason == (
        "Not authorized to perform: ec2:CreateNetworkInterface "
        "because no identity-based policy allows the ec2:CreateNetworkInterface action"
    )


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b:c", True),  # the resource part may hold colons
        ("arn:aws:ec2:us-east-1:*:subnet/a", "arn:aws:ec2:us-east-1:1:2:subnet/a", False),  # * stays in its segment
        ("arn:aws:kms:*", "arn:aws:kms:us-east-1:111122223333:key/1", True),  # not a six-part ARN: whole string
        ("arn:aws:kms:us-east-?:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/1", True),
        ("arn:aws:kms:us-east-?:*:key/*", "arn:aws:kms:us-east-10:111122223333:key/1", False),
        ("arn:aws:s3:::B/*", "arn:aws:s3:::b/k", False),  # case-sensitive
        ("arn:aws:s3:::b[0]", "arn:aws:s3:::b0", False),  # brackets are literal, not a class
    ],
)
def test_arn_matching(pattern: str, arn: str, matches: bool) -> None:
    assert arn_matches(pattern, arn) is matches


def test_actions_are_case_insensitive_with_wildcards() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "S3:get?bject", "Resource": "*"}]}
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/k")).allowed
    assert decide(policy, s3("s3:GetObjects", "arn:aws:s3:::b/k")).outcome == "denied"


def test_not_resource_and_not_action() -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "NotAction": "s3:Delete*", "NotResource": "arn:aws:s3:::secret/*"}
        ]
    }
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/k")).allowed
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::secret/k")).outcome == "denied"
    assert decide(policy, s3("s3:DeleteObject", "arn:aws:s3:::b/k")).outcome == "denied"


def test_url_encoded_role_policy_as_iam_returns_it() -> None:
    # GetRolePolicy's PolicyDocument as the raw API answers it (RFC 3986 encoded JSON).
    encoded = (
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C"
        "%22Action%22%3A%22ec2%3ADescribeSubnets%22%2C%22Resource%22%3A%22%2A%22%7D%7D"
    )
    assert evaluate(parse_policy(encoded), Request("ec2:DescribeSubnets"), "identity-based").allowed


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        "[]",
        json.dumps({"Statement": "x"}),
        json.dumps({"Statement": [{"Effect": "Maybe", "Action": "*"}]}),
        json.dumps({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}),
        json.dumps({"Statement": [{"Effect": "Allow", "Action": [1]}]}),
    ],
)
def test_documents_aws_would_refuse(document: str) -> None:
    with pytest.raises(PolicyError):
        parse_policy(document)


def test_undecided_deny_without_any_allow_is_still_denied() -> None:
    deny = {**ONE_ORGANIZATION["Statement"][0], "Effect": "Deny", "Sid": "OrgOnly"}
    decision = decide({"Statement": [deny]}, s3("s3:GetObject", "arn:aws:s3:::b/k"))
    assert (decision.outcome, decision.explicit, decision.statement) == ("denied", False, None)


def test_policy_variables_are_not_guessed() -> None:
    # A Deny everywhere but the caller's own folder: ${aws:username} is not known here.
    policy = {
        "Statement": [
            DEFAULT["Statement"][0],
            {
                "Sid": "OwnFolder",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "NotResource": "arn:aws:s3:::b/home/${aws:username}/*",
            },
        ]
    }
    assert decide(policy, s3("s3:GetObject", "arn:aws:s3:::b/home/x/k")).outcome == "undecided"
    in_condition = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/${aws:PrincipalTag/team}"}},
            }
        ]
    }
    assert decide(in_condition, s3("s3:GetObject", "arn:aws:s3:::b/k")).outcome == "undecided"
