from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check

ID = "security-configuration"


@check(ID, "The security configuration exists and is what takes effect", "warning")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    The security configuration the job or crawler names exists, and reports what it encrypts
    (S3: disabled / SSE-S3 / SSE-KMS, CloudWatch Logs, job bookmarks). A job argument
    `--encryption-type sse-s3` is silently overridden by a security configuration.

    How Glue fails
    A missing configuration fails the run at start ("Security configuration … not found"); an
    overridden SSE-S3 argument writes data encrypted differently from what the job says.

    Remediation
    Create the configuration or attach an existing one
    (`aws glue update-job` / `aws glue update-crawler`); drop the `--encryption-type` argument
    when a security configuration is attached.

    References
    https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html
    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html
    """
    consumer, config = ctx.consumer, ctx.configuration
    name = consumer.security_configuration
    if name and config is None:
        yield Issue(
            name,
            f"{consumer.kind} {consumer.name} names security configuration {name}, "
            "which does not exist: the run fails at start",
            f"aws glue get-security-configuration --name {name}; create it or attach an existing one",
        )
        return
    if config is None:
        return
    modes = f"S3 {config.s3_mode}, CloudWatch {config.cloudwatch_mode}, bookmarks {config.bookmarks_mode}"
    yield Issue(config.name, f"security configuration {config.name}: {modes}", "", severity="info")
    if str(consumer.arguments.get("--encryption-type", "")).lower() == "sse-s3":
        yield Issue(
            consumer.name,
            f"job {consumer.name} sets --encryption-type sse-s3, but security configuration {config.name} "
            f"overrides it ({config.s3_mode})",
            f"remove --encryption-type from job {consumer.name}",
            severity="info",
        )
