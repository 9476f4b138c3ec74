from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial

from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.model.glue import GlueConnection, Role
from glue_netcheck.policy.evaluate import Decision
from glue_netcheck.policy.role import GLUE_EC2_ACTIONS, action_decisions

ID = "role-network-permissions"
CODE = ("role-missing-network-permissions",)


@check(ID, "The role allows the EC2 calls Glue makes for the job's ENIs", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    For a job or crawler with a VPC connection, the role passed to it allows the EC2 calls
    Glue makes with that role to validate the VPC and manage the run's ENIs:
    `ec2:DescribeVpcEndpoints`, `DescribeRouteTables`, `DescribeSubnets`,
    `DescribeSecurityGroups`, `DescribeVpcAttribute`, `DescribeNetworkInterfaces`,
    `CreateNetworkInterface`, `DeleteNetworkInterface`, and `CreateTags`/`DeleteTags` (with the
    tag key `aws-glue-service-resource`, as the managed `AWSGlueServiceRole` scopes them). The
    role's inline and attached policies are evaluated as IAM does (explicit Deny wins,
    wildcards, `NotAction`, resource ARNs of the connection's subnet and groups, conditions it
    can decide). A permissions boundary limits them: an action is allowed only when both the
    identity policies and the boundary allow it, and an explicit Deny in either wins (the
    boundary's document is read with `iam:GetPolicy` and `iam:GetPolicyVersion`). A boundary
    that cannot be read, or a condition the evaluator cannot decide, leaves the action
    undecided: a warning, never a pass. Service control policies are not evaluated.

    How Glue fails
    The run fails before it starts: "DescribeVpcEndpoints action is unauthorized. Unable to
    validate VPC ID vpc-…" (or the same for the other calls, e.g. "… is not authorized to
    perform: ec2:CreateNetworkInterface").

    Remediation
    Attach the managed policy `arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole` to the
    role, or add the missing actions (`aws iam put-role-policy --role-name … --policy-name
    glue-vpc --policy-document file://policy.json`); the finding prints the statement. When
    the permissions boundary is what refuses them, no policy attached to the role helps: allow
    the actions in the boundary (`aws iam create-policy-version --policy-arn <boundary>
    --set-as-default …`) or remove the boundary.

    References
    https://docs.aws.amazon.com/glue/latest/dg/create-service-policy.html
    https://docs.aws.amazon.com/glue/latest/dg/troubleshooting-glue.html
    """
    consumer = ctx.consumer
    first = ctx.connections[0] if ctx.connections else None
    if first is None or first.source is None or not consumer.role:
        return
    role = ctx.inventory.roles.get(consumer.role)
    if role is None:
        return  # not collected: nothing to say
    if role.error == "NoSuchEntity":
        return  # a role that does not exist fails the run anyway; kms-key-policy says so too
    if role.error is not None:
        yield Issue(
            consumer.role,
            f"role {consumer.role} of {consumer.kind} {consumer.name} could not be read ({role.error}): "
            "its EC2 permissions are not checked",
            "grant iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, "
            "iam:GetPolicy and iam:GetPolicyVersion to the identity running glue-netcheck",
            severity="info",
        )
        return

    decide = partial(_decisions, role, ctx.region, first.connection, consumer.role)
    decisions = decide(role.boundary, role.permissions_boundary and role.boundary is None)
    missing = [a for a in GLUE_EC2_ACTIONS if decisions[a].outcome == "denied"]
    undecided = [a for a in GLUE_EC2_ACTIONS if decisions[a].outcome == "undecided"]
    name = consumer.role.rsplit("/", 1)[-1]
    vpc = first.vpc.id if first.vpc else "vpc-…"
    if missing:
        glue_says = (
            f'"DescribeVpcEndpoints action is unauthorized. Unable to validate VPC ID {vpc}"'
            if "ec2:DescribeVpcEndpoints" in missing
            else f'"… is not authorized to perform: {missing[0]}"'
        )
        yield Issue(
            consumer.role,
            f"role {consumer.role} of {consumer.kind} {consumer.name} lacks {', '.join(missing)}: "
            f"{decisions[missing[0]].reason}; Glue fails before the run starts: {glue_says}",
            _remediation(name, role.boundary_arn, missing, decide(None, False) if role.boundary else decisions),
            CODE,
        )
    if undecided:
        yield Issue(
            consumer.role,
            f"role {consumer.role} of {consumer.kind} {consumer.name}: whether it allows {', '.join(undecided)} "
            f"cannot be decided ({decisions[undecided[0]].reason})",
            f"verify with aws iam simulate-principal-policy --policy-source-arn {role.arn or consumer.role} "
            f"--action-names {' '.join(undecided)}",
            severity="warning",
        )


def _decisions(
    role: Role, region: str, connection: GlueConnection, reference: str, boundary: str | None, boundary_unknown: bool
) -> dict[str, Decision]:
    return action_decisions(
        role.policies,
        GLUE_EC2_ACTIONS,
        boundary=boundary,
        boundary_unknown=boundary_unknown,
        principal=role.arn or reference,
        region=region,
        subnet_id=connection.subnet_id,
        security_group_ids=connection.security_group_ids,
    )


def _remediation(name: str, boundary_arn: str | None, missing: list[str], identity: dict[str, Decision]) -> str:
    """Grant what the identity policies lack; widen the boundary for what only it refuses
    (attaching a policy cannot get past a boundary)."""
    by_identity = [a for a in missing if identity[a].outcome == "denied"]
    by_boundary = [a for a in missing if a not in by_identity]
    fixes = []
    if by_identity:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": by_identity, "Resource": "*"}]}
        fixes.append(
            f"aws iam attach-role-policy --role-name {name} --policy-arn "
            "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole, or aws iam put-role-policy --role-name "
            f"{name} --policy-name glue-vpc --policy-document '{json.dumps(document)}'"
        )
    if by_boundary:
        boundary = boundary_arn or "<the role's permissions boundary>"
        fixes.append(
            f"allow {', '.join(by_boundary)} in the permissions boundary {boundary} (or remove its Deny): aws iam "
            f"create-policy-version "
            f"--policy-arn {boundary} --set-as-default --policy-document file://boundary.json (its current "
            "statements plus one allowing them), or aws iam delete-role-permissions-boundary --role-name "
            f"{name}"
        )
    return "; and ".join(fixes)
