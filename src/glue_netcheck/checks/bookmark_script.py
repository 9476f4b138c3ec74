from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check

ID = "bookmark-encryption-job-init"


@check(ID, "A job with encrypted bookmarks calls job.init()", "warning")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    For a job whose security configuration encrypts job bookmarks (CSE-KMS) and whose
    bookmarks are enabled (`--job-bookmark-option job-bookmark-enable`), the script calls
    `job.init(…)` on a `Job(glueContext)`: only then do bookmarks, and their encryption, take
    effect. The script is read from S3 (read-only `GetObject`); only whether it calls
    `job.init` is kept, never its text.

    How Glue fails
    Silently: the job runs, but bookmarks are never written, so every run reprocesses
    everything and bookmark encryption protects nothing.

    Remediation
    Add `job = Job(glueContext)` and `job.init(args['JOB_NAME'], args)` at the start of the
    script and `job.commit()` at the end.

    References
    https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html
    https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html
    """
    consumer = ctx.consumer
    config = ctx.inventory.security_configurations.get(consumer.security_configuration or "")
    bookmarked = consumer.arguments.get("--job-bookmark-option") == "job-bookmark-enable"
    # Only this job's own script, and only with encrypted bookmarks on: the collector reads
    # every connected job's script for its calls too.
    if consumer.kind != "job" or not bookmarked or config is None or config.bookmarks_mode != "CSE-KMS":
        return
    location = consumer.script or ""
    if location in ctx.inventory.scripts:
        calls_init = ctx.inventory.scripts[location]
        if calls_init is None:
            yield Issue(
                location,
                f"job {consumer.name}'s script {location} could not be read",
                "grant s3:GetObject on the script to check that it calls job.init()",
                severity="info",
            )
        elif not calls_init:
            yield Issue(
                location,
                f"job {consumer.name} encrypts bookmarks, but its script {location} never calls "
                "job.init(): bookmarks, and their encryption, do nothing",
                "add job = Job(glueContext); job.init(args['JOB_NAME'], args) and job.commit()",
            )
