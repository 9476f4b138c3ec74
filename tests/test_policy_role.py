"""The role's EC2 permissions for Glue's ENIs, on role policies as the collector stores them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from moto.iam.aws_managed_policies import aws_managed_policies_data

from glue_netcheck.collect import aws as collector
from glue_netcheck.collect import encryption
from glue_netcheck.model.build import build_inventory
from glue_netcheck.model.glue import Role
from glue_netcheck.policy.role import GLUE_EC2_ACTIONS, action_decisions, missing_actions

from conftest import Aws

ACCOUNT = "123456789012"  # moto's
ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"
REGION = "us-east-1"
# AWS's managed AWSGlueServiceRole document, as moto ships it. The moto server here does not
# load AWS managed policies, so the test creates it as a customer-managed policy.
GLUE_SERVICE_ROLE = json.loads(aws_managed_policies_data)["AWSGlueServiceRole"]["Document"]
DESCRIBE_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}],
}
ENI_WRITES = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"]


def collected_role(aws: Aws, monkeypatch: pytest.MonkeyPatch, inline: list[dict[str, Any]], managed: list[Any]) -> Role:
    """The role through the real collector and model: moto -> read_role -> build_inventory."""
    iam = aws.client("iam")
    iam.create_role(RoleName="glue-etl", AssumeRolePolicyDocument="{}")
    for index, document in enumerate(inline):
        iam.put_role_policy(RoleName="glue-etl", PolicyName=f"inline-{index}", PolicyDocument=json.dumps(document))
    for index, document in enumerate(managed):
        arn = iam.create_policy(PolicyName=f"managed-{index}", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="glue-etl", PolicyArn=arn)
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    raw = encryption.read_role(collector.AwsReader(), "glue-etl")
    return build_inventory(REGION, {"iam": {"Roles": [raw]}}).roles["glue-etl"]


def test_describe_only_role_misses_the_eni_writes(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    role = collected_role(aws, monkeypatch, [DESCRIBE_ONLY], [])
    assert role.arn == ROLE
    assert missing_actions(role.policies, principal=role.arn, region=REGION) == (ENI_WRITES, [])
    reason = action_decisions(role.policies, principal=role.arn, region=REGION)["ec2:CreateNetworkInterface"].reason
    assert reason.endswith("because no identity-based policy allows the ec2:CreateNetworkInterface action")


def test_healthy_twin_with_aws_glue_service_role(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    role = collected_role(aws, monkeypatch, [], [GLUE_SERVICE_ROLE])
    assert missing_actions(role.policies, principal=role.arn, region=REGION) == ([], [])


def test_explicit_deny_in_another_policy(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NoVpcLookups", "Effect": "Deny", "Action": "ec2:DescribeVpc*", "Resource": "*"}],
    }
    role = collected_role(aws, monkeypatch, [deny], [GLUE_SERVICE_ROLE])
    decisions = action_decisions(role.policies, principal=role.arn, region=REGION)
    missing, undecided = missing_actions(role.policies, principal=role.arn, region=REGION)
    assert (missing, undecided) == (["ec2:DescribeVpcEndpoints", "ec2:DescribeVpcAttribute"], [])
    assert decisions["ec2:DescribeVpcEndpoints"].reason.endswith("with an explicit deny in an identity-based policy")
    assert decisions["ec2:DescribeVpcEndpoints"].statement.endswith("NoVpcLookups")  # type: ignore[union-attr]


def test_tags_without_glue_tag_key_condition_context_are_not_assumed() -> None:
    # Tagging allowed only for another tag key: Glue's own key is not among them.
    other_key = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
                "Resource": "arn:aws:ec2:*:*:network-interface/*",
                "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
            }
        ]
    }
    tags = ["ec2:CreateTags", "ec2:DeleteTags"]
    assert missing_actions([json.dumps(other_key)], tags, principal=ROLE, region=REGION) == (tags, [])
    assert missing_actions([json.dumps(GLUE_SERVICE_ROLE)], tags, principal=ROLE, region=REGION) == ([], [])


def test_eni_arns_need_region_and_account() -> None:
    # AWSGlueServiceRole scopes tagging to ENI ARNs: without the role's account they are unknown.
    document = json.dumps(GLUE_SERVICE_ROLE)
    assert missing_actions([document], ["ec2:CreateTags"]) == ([], ["ec2:CreateTags"])
    assert missing_actions([document], ["ec2:DescribeSubnets"]) == ([], [])


def test_create_network_interface_scoped_to_the_connection_subnet() -> None:
    scoped = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ec2:CreateNetworkInterface",
                "Resource": [
                    f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*",
                    f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0abc",
                    f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/*",
                ],
            }
        ]
    }
    action = ["ec2:CreateNetworkInterface"]
    kw: dict[str, Any] = {"principal": ROLE, "region": REGION, "security_group_ids": ["sg-1"]}
    assert missing_actions([json.dumps(scoped)], action, subnet_id="subnet-0abc", **kw) == ([], [])
    assert missing_actions([json.dumps(scoped)], action, subnet_id="subnet-other", **kw) == (action, [])


def test_permissions_boundary_must_allow_too() -> None:
    everything = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    boundary = {"Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}
    missing, undecided = missing_actions([everything], boundary=boundary, principal=ROLE, region=REGION)
    assert (missing, undecided) == (ENI_WRITES, [])
    reason = action_decisions([everything], boundary=boundary, principal=ROLE, region=REGION)["ec2:CreateTags"]
    assert reason.reason.endswith("because no permissions boundary allows the ec2:CreateTags action")
    # Healthy twin: a boundary that allows what the role needs.
    wide = {"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
    assert missing_actions([everything], boundary=wide, principal=ROLE, region=REGION) == ([], [])


def test_unreadable_boundary_or_document_is_undecided_never_a_pass() -> None:
    everything = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    actions = ["ec2:DescribeSubnets"]
    assert missing_actions([everything], actions, boundary_unknown=True) == ([], actions)
    assert missing_actions([everything, "{broken"], actions) == ([], actions)
    assert missing_actions(["{broken"], actions) == ([], actions)
    deny = json.dumps({"Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]})
    assert missing_actions([deny, "{broken"], actions) == (actions, [])  # a certain deny still decides


def test_url_encoded_documents_as_the_iam_api_returns_them() -> None:
    assert missing_actions([quote(json.dumps(GLUE_SERVICE_ROLE))], principal=ROLE, region=REGION) == ([], [])


def test_the_list_is_the_documented_one() -> None:
    assert GLUE_EC2_ACTIONS == (
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeNetworkInterfaces",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:CreateTags",
        "ec2:DeleteTags",
    )
