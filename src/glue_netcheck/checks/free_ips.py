from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check
from glue_netcheck.model.build_glue import DEFAULT_JOB_WORKERS

ID = "subnet-free-ips"


@check(ID, "The subnet has more free addresses than the jobs have workers", "error")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    The subnet's free IP addresses (`AvailableIpAddressCount`) exceed the worker count of the
    largest job using the connection (Glue takes one address per worker, plus overhead). With
    no job yet, Glue's default of 10 workers is assumed. Fewer than twice the need is a
    warning: Glue's `Glue_` ENIs can hold addresses for about an hour after a run.

    How Glue fails
    "The specified subnet does not have enough free addresses to satisfy the request" when
    the job starts.

    Remediation
    Use a larger subnet for the connection, free addresses (look for lingering `Glue_` ENIs:
    `aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=subnet-…`), or lower
    the job's number of workers.

    References
    https://docs.aws.amazon.com/glue/latest/dg/troubleshooting-glue.html
    """
    subnet = ctx.subnet
    if subnet is None or subnet.available_ips is None:
        return
    jobs = [c for c in ctx.consumers if c.kind == "job"]
    crawlers = [c for c in ctx.consumers if c.kind == "crawler"]
    need = max((c.workers or DEFAULT_JOB_WORKERS for c in jobs), default=1 if crawlers else DEFAULT_JOB_WORKERS)
    who = (
        f"job {max(jobs, key=lambda c: c.workers or 0).name}"
        if jobs
        else "its crawlers"
        if crawlers
        else "a default job"
    )
    free = subnet.available_ips
    fix = (
        f"move connection {ctx.connection.name} to a larger subnet, or free addresses in "
        f"{subnet.id}: aws ec2 describe-network-interfaces --filters Name=subnet-id,Values={subnet.id}"
    )
    if free <= need:
        yield Issue(
            subnet.id,
            f'{subnet.id} has {free} free addresses; {who} needs more than {need}: "The '
            'specified subnet does not have enough free addresses to satisfy the request"',
            fix,
            ("insufficient-ip-addresses",),
        )
    elif free < 2 * need:
        yield Issue(
            subnet.id,
            f"{subnet.id} has {free} free addresses for {who} with {need} workers: "
            "concurrent runs or lingering Glue_ ENIs will exhaust it",
            fix,
            severity="warning",
        )
