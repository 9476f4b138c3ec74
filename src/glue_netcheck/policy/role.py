"""The EC2 permissions Glue uses with the job's role to validate the VPC and manage its ENIs.

Without them Glue fails before the job runs: "DescribeVpcEndpoints action is unauthorized.
Unable to validate VPC ID vpc-…". Evaluated on the role's identity policies (inline and
attached: one set of statements) and, when there is one, its permissions boundary: an action is
allowed only when both allow it and neither denies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from glue_netcheck.policy.document import Policy, PolicyError, PolicyInput, parse_policy
from glue_netcheck.policy.evaluate import Decision, PolicyKind, evaluate
from glue_netcheck.policy.request import Request

GLUE_EC2_ACTIONS = (
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
# The tag key Glue puts on the ENIs it creates; AWS's managed AWSGlueServiceRole allows
# ec2:CreateTags/DeleteTags only under ForAllValues:StringEquals aws:TagKeys on it.
GLUE_TAG_KEY = "aws-glue-service-resource"


def missing_actions(
    policies: Sequence[PolicyInput],
    actions: Sequence[str] = GLUE_EC2_ACTIONS,
    resource: str = "*",
    boundary: PolicyInput | None = None,
    *,
    principal: str | None = None,
    region: str | None = None,
    subnet_id: str | None = None,
    security_group_ids: Sequence[str] = (),
    boundary_unknown: bool = False,
) -> tuple[list[str], list[str]]:
    """(missing, undecided) among `actions`, in their order. See `action_decisions`."""
    decisions = action_decisions(
        policies,
        actions,
        resource,
        boundary,
        principal=principal,
        region=region,
        subnet_id=subnet_id,
        security_group_ids=security_group_ids,
        boundary_unknown=boundary_unknown,
    )
    missing = [a for a in actions if decisions[a].outcome == "denied"]
    undecided = [a for a in actions if decisions[a].outcome == "undecided"]
    return missing, undecided


def action_decisions(
    policies: Sequence[PolicyInput],
    actions: Sequence[str] = GLUE_EC2_ACTIONS,
    resource: str = "*",
    boundary: PolicyInput | None = None,
    *,
    principal: str | None = None,
    region: str | None = None,
    subnet_id: str | None = None,
    security_group_ids: Sequence[str] = (),
    boundary_unknown: bool = False,
) -> dict[str, Decision]:
    """For each action, the decision with AWS's reason ("… because no identity-based policy
    allows the ec2:DescribeVpcEndpoints action").

    `policies`: the role's policy documents, as Role.policies holds them (JSON text, plain or
    URL-encoded) or decoded mappings. `boundary`: the permissions boundary's document;
    `boundary_unknown`: the role has one that could not be read (then nothing is allowed for
    sure). `principal`: the role's ARN (its account places the ENI ARNs, and decides
    aws:PrincipalArn conditions). With `resource` "*" the Describe calls are asked on "*" (they
    have no resource-level permissions) and the ENI calls on what they touch: the
    network-interface (and, for CreateNetworkInterface, the subnet and security groups, their
    ids when given); ARNs whose region or account is not known leave ARN-scoped statements
    undecided. A document that cannot be parsed makes every answer it could change undecided."""
    identity, unreadable = _parse_all(policies)
    limits: list[Policy] | None = None
    if boundary is not None:
        limits, broken = _parse_all([boundary])
        unreadable = unreadable or broken
    result: dict[str, Decision] = {}
    for action in actions:
        requests = _requests(action, resource, principal, region, subnet_id, security_group_ids)
        decisions = [_combined(identity, limits, r, unreadable, boundary_unknown) for r in requests]
        result[action] = _worst(decisions)
    return result


def _parse_all(documents: Sequence[PolicyInput]) -> tuple[list[Policy], bool]:
    parsed, broken = [], False
    for index, document in enumerate(documents):
        try:
            parsed.append(parse_policy(document, name=f"policy {index + 1}" if len(documents) > 1 else None))
        except PolicyError:
            broken = True
    return parsed, broken


def _combined(
    identity: list[Policy], boundary: list[Policy] | None, request: Request, unreadable: bool, boundary_unknown: bool
) -> Decision:
    """Both the identity policies and the boundary must allow; any certain refusal wins."""
    answers: list[tuple[Decision, PolicyKind]] = [(evaluate(identity, request, "identity-based"), "identity-based")]
    if boundary is not None:
        answers.append((evaluate(boundary, request, "permissions boundary"), "permissions boundary"))
    explicit = next((d for d, _ in answers if d.outcome == "denied" and d.explicit), None)
    if explicit is not None:
        return explicit
    if unreadable:
        return Decision("undecided", request, None, "a policy document of the role cannot be parsed")
    refused = next((d for d, _ in answers if d.outcome == "denied"), None)
    if refused is not None:
        return refused
    unsure = next((d for d, _ in answers if d.outcome == "undecided"), None)
    if unsure is not None:
        return unsure
    if boundary_unknown:
        return replace(answers[0][0], outcome="undecided", reason="the role's permissions boundary could not be read")
    return answers[0][0]


def _worst(decisions: list[Decision]) -> Decision:
    """An action on several resources needs every one allowed."""
    for outcome in ("denied", "undecided"):
        found = next((d for d in decisions if d.outcome == outcome), None)
        if found is not None:
            return found
    return decisions[0]


def _requests(
    action: str,
    resource: str,
    principal: str | None,
    region: str | None,
    subnet_id: str | None,
    security_group_ids: Sequence[str],
) -> list[Request]:
    tagging = action.lower() in ("ec2:createtags", "ec2:deletetags")
    context = {"aws:TagKeys": (GLUE_TAG_KEY,)} if tagging else {}
    if resource != "*" or action.lower().startswith("ec2:describe"):
        return [Request(action, resource, principal=principal, context=context)]
    probe = Request(action, principal=principal)
    account = probe.principal_account
    partition = principal.split(":")[1] if principal and principal.startswith("arn:") else "aws"

    def arn(kind: str, ident: str = "*") -> str | None:
        return f"arn:{partition}:ec2:{region}:{account}:{kind}/{ident}" if region and account else None

    resources = [arn("network-interface")]
    if action.lower() == "ec2:createnetworkinterface":
        resources.append(arn("subnet", subnet_id or "*"))
        resources += [arn("security-group", g) for g in security_group_ids] or [arn("security-group")]
    return [Request(action, r, principal=principal, context=context) for r in resources]
