from __future__ import annotations

import json
from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.model.glue import KmsKey, Role
from glue_netcheck.policy import key_policy

ID = "kms-key-policy"


@check(ID, "The key policy lets the role, and CloudWatch Logs, use the key", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    Each readable key policy: the role passed to the job or crawler is allowed the KMS actions
    its uses need (kms:GenerateDataKey and kms:Decrypt; kms:Encrypt for bookmarks and the
    catalog), directly or through the account root (then the role's IAM policies decide); for
    CloudWatch Logs encryption, the service principal `logs.<region>.amazonaws.com` is allowed
    kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*.
    Explicit Deny statements win; statements with conditions are reported as undecidable.

    How Glue fails
    AccessDeniedException on encrypt or decrypt: the job fails writing encrypted output or
    reading bookmarks, and with CloudWatch encryption the log group cannot be written
    ("The specified KMS key does not exist or is not allowed to be used").

    Remediation
    Add a statement to the key policy (`aws kms put-key-policy --key-id … --policy-name default
    --policy file://policy.json`); the finding prints the exact statement to add.

    References
    https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    """
    for reference, uses in sorted(ctx.key_uses().items()):
        key = ctx.key(reference)
        if key is None or key.state is None or key.policy is None:
            continue
        role = ctx.inventory.roles.get(ctx.consumer.role or "")
        for principal, actions in wanted(ctx, key, uses):
            yield from _judge(key, principal, actions, ", ".join(uses), role)


def wanted(ctx: ConsumerContext, key: KmsKey, uses: list[str]) -> list[tuple[key_policy.Principal, tuple[str, ...]]]:
    """Who must be allowed which KMS actions on the key for its uses (also what fixes/ builds from)."""
    found: list[tuple[key_policy.Principal, tuple[str, ...]]] = []
    if ctx.consumer.role:
        actions = tuple(dict.fromkeys(a for use in uses for a in key_policy.ROLE_ACTIONS[use]))
        found.append((key_policy.role_principal(ctx.consumer.role, key.account), actions))
    if "cloudwatch" in uses:
        found.append((key_policy.Principal("service", f"logs.{ctx.region}.amazonaws.com"), key_policy.LOGS_ACTIONS))
    return found


def allow_statement(principal: key_policy.Principal, missing: tuple[str, ...]) -> dict[str, object]:
    """The key-policy statement that lets `principal` do what it lacks."""
    return {
        "Sid": f"AllowGlue{'Logs' if principal.kind == 'service' else 'Role'}",
        "Effect": "Allow",
        "Principal": {"Service" if principal.kind == "service" else "AWS": principal.name},
        "Action": list(missing)
        if principal.kind == "role"
        else ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
    }


def _judge(
    key: KmsKey, principal: key_policy.Principal, actions: tuple[str, ...], uses: str, role: Role | None
) -> Iterator[Issue]:
    verdict = key_policy.evaluate(key.policy, principal, actions)
    ref = key.reference
    if verdict.decision == "iam" and principal.kind == "role" and role is not None and role.error is None:
        yield from _judge_role(key, role, principal, actions, uses, verdict.detail)
        return
    if verdict.decision in ("none", "deny"):
        statement = allow_statement(principal, verdict.missing or actions)
        fix = (
            f"add to the key policy of {ref} (aws kms get-key-policy --key-id {ref} --policy-name default, "
            f"append, then aws kms put-key-policy --key-id {ref} --policy-name default --policy file://policy.json): "
            f"{json.dumps(statement)}"
        )
        if verdict.decision == "deny":
            fix = f"remove or narrow the Deny statement in the key policy of {ref}; {fix}"
        yield Issue(ref, f"key policy of {ref} ({uses}): {verdict.detail}", fix, ("kms-access-denied",))
    elif verdict.decision == "undecidable":
        yield Issue(
            ref,
            f"key policy of {ref} ({uses}) for {principal}: {verdict.detail}",
            f"verify the condition admits {principal}: aws kms get-key-policy --key-id {ref} --policy-name default",
            severity="warning",
        )
    elif verdict.decision == "iam":
        unread = ""
        if role is not None and role.error:
            unread = (
                " (the role does not exist)"
                if role.error == "NoSuchEntity"
                else f" (its policies could not be read: {role.error})"
            )
        yield Issue(
            ref,
            f"key policy of {ref} ({uses}): {verdict.detail}{unread}",
            f"make sure {principal}'s IAM policies allow {', '.join(actions)} on {ref}",
            severity="info",
        )


def _judge_role(
    key: KmsKey, role: Role, principal: key_policy.Principal, actions: tuple[str, ...], uses: str, delegation: str
) -> Iterator[Issue]:
    """The key policy delegates to IAM: the role's own policies decide."""
    ref, arn = key.reference, key.arn or key.reference
    verdict = key_policy.evaluate_identity(role.policies, arn, actions)
    caveat = "; its permissions boundary and any SCPs are not evaluated" if role.permissions_boundary else ""
    if verdict.decision == "allow":
        if caveat:
            yield Issue(ref, f"role {principal} may use {ref} ({uses}){caveat}", "", severity="info")
    elif verdict.decision in ("none", "deny"):
        statement = {"Effect": "Allow", "Action": list(verdict.missing or actions), "Resource": arn}
        document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        fix = (
            f"aws iam put-role-policy --role-name {principal.name.rsplit('/', 1)[-1]} --policy-name glue-kms "
            f"--policy-document '{document}'"
        )
        yield Issue(
            ref,
            f"key policy of {ref} ({uses}) leaves it to IAM ({delegation}), and role {principal}'s policies do not "
            f"allow it: {verdict.detail}",
            fix,
            ("kms-access-denied",),
        )
    else:
        yield Issue(
            ref,
            f"role {principal} and {ref} ({uses}): {verdict.detail}{caveat}",
            f"check the condition in {principal}'s policies admits this use",
            severity="warning",
        )
