from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check

ID = "kms-key-state"


@check(ID, "Every KMS key the job or crawler encrypts with exists and is enabled", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    Each KMS key named by the consumer's security configuration (S3, CloudWatch Logs, job
    bookmarks) and by the Data Catalog's encryption settings exists and is in state
    `Enabled` — not `Disabled`, `PendingDeletion`, `PendingImport` or `Unavailable`.

    How Glue fails
    Encrypt and decrypt calls are refused: the job fails writing to S3 or reading bookmarks
    ("KMS key … is disabled", "… is pending deletion", AccessDeniedException), and CloudWatch
    log encryption fails.

    Remediation
    Enable the key (`aws kms enable-key --key-id …`), cancel a scheduled deletion
    (`aws kms cancel-key-deletion --key-id …` then `enable-key`), or point the security
    configuration at an enabled key (a security configuration cannot be edited: create a new
    one and attach it to the job or crawler).

    References
    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html
    """
    for reference, uses in sorted(ctx.key_uses().items()):
        key = ctx.key(reference)
        what = ", ".join(uses)
        if key is None:
            continue
        if key.error == "NotFoundException":
            yield Issue(
                reference,
                f"KMS key {reference} ({what}) does not exist",
                f"point the security configuration at an existing key; aws kms describe-key --key-id {reference}",
                ("kms-access-denied",),
            )
        elif key.state is None:
            yield Issue(
                reference,
                f"KMS key {reference} ({what}) could not be read: {key.error}",
                "grant kms:DescribeKey and kms:GetKeyPolicy on the key to the identity running glue-netcheck",
                severity="warning",
            )
        elif key.state == "PendingDeletion":
            yield Issue(
                reference,
                f"KMS key {reference} ({what}) is pending deletion",
                f"aws kms cancel-key-deletion --key-id {reference} && aws kms enable-key --key-id {reference}",
                ("kms-access-denied",),
            )
        elif key.state != "Enabled":
            yield Issue(
                reference,
                f"KMS key {reference} ({what}) is {key.state}, not Enabled",
                f"aws kms enable-key --key-id {reference}",
                ("kms-access-denied",),
            )
