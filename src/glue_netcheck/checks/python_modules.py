from __future__ import annotations

import shlex
from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.checks.target import public_path

ID = "python-modules-reachable"
CODE = ("python-modules-unreachable",)
HTTPS = 443

# pip options that replace PyPI; `--extra-index-url` only adds an index, so PyPI is still asked.
_OTHER_INDEX = ("--index-url", "-i", "--no-index")


@check(ID, "A job installing --additional-python-modules can reach PyPI", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    A job with `--additional-python-modules` has pip install them when it starts, from PyPI
    (pypi.org, files.pythonhosted.org) unless `--python-modules-installer-option` names another
    index (`--index-url`/`-i`) or `--no-index`. Glue's ENIs have private addresses only, so
    PyPI is reached only through a NAT gateway: the check traces the public path on 443 from
    the subnet Glue uses (the first connection's). Modules that are all S3 wheels still pull
    their missing dependencies from PyPI: a warning. Another index is not traced (its host is
    not in the API answers): an info note.

    How Glue fails
    The job fails before the script runs, while pip installs the modules. The driver log shows
    pip's own errors: "WARNING: Retrying (Retry(total=4, connect=None, read=None,
    redirect=None, status=None)) after connection broken by 'ConnectTimeoutError(...,
    'Connection to pypi.org timed out. (connect timeout=15)')'" and then "ERROR: Could not find
    a version that satisfies the requirement …".

    Remediation
    Route 0.0.0.0/0 from the connection subnet's route table to a NAT gateway in a public
    subnet; or publish the modules to an index the VPC reaches (AWS CodeArtifact through its
    interface endpoints) and set `--python-modules-installer-option` to `--index-url <url>`;
    or put every wheel, dependencies included, in S3 and set
    `--python-modules-installer-option --no-index`.

    References
    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html
    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html
    """
    job = ctx.consumer
    modules = [m.strip() for m in job.arguments.get("--additional-python-modules", "").split(",") if m.strip()]
    if job.kind != "job" or not modules or not ctx.connections:
        return
    first = ctx.connections[0]
    index = other_index(job.arguments.get("--python-modules-installer-option", ""))
    if index is not None:
        yield Issue(
            job.name,
            f"job {job.name} installs {', '.join(modules)} from {index}, not PyPI: whether the subnet reaches it "
            "is not traced",
            severity="info",
        )
        return
    path = public_path(first, HTTPS) if first.network_valid else None
    if path is None or path.reachable is True:
        return
    wheels_only = all(m.startswith("s3://") for m in modules)
    what = f"job {job.name} has pip install {', '.join(modules)} from PyPI at start"
    if path.reachable is None:
        yield Issue(
            first.connection.subnet_id or first.connection.name,
            f"{what}; whether {first.connection.subnet_id} reaches the internet cannot be decided",
            "verify the subnet's egress to pypi.org:443 beyond the VPC",
            severity="warning",
        )
        return
    blocked = path.blocked_at
    assert blocked is not None  # an unreachable path always says where
    table = next((h.id for h in path.hops if h.type == "route-table"), None)
    network, subnet = first.inventory.network, first.subnet
    if blocked.code == "BPA_BLOCKED" and (exclusion := remediation.bpa_exclusion(network, blocked.id)):
        fix = exclusion  # the NAT path is there: Block Public Access drops it
    else:
        fix = remediation.nat_route(table, network, subnet) if table else f"# fix {blocked.id}: {blocked.reason}"
    fix += "\n# or set --python-modules-installer-option to --index-url of an index the VPC reaches"
    if wheels_only:
        yield Issue(
            blocked.id,
            f"job {job.name} has pip install the S3 wheels {', '.join(modules)} at start: any dependency not "
            f"among them comes from PyPI, and the public path from "
            f"{first.connection.subnet_id} is blocked at {blocked.id} ({blocked.reason})",
            f"{fix}, or add --no-index to it when the wheels hold every dependency",
            severity="warning",
        )
        return
    yield Issue(
        blocked.id,
        f"{what}, but from {first.connection.subnet_id} pypi.org:443 is blocked at "
        f"{blocked.id} ({blocked.reason}); the job fails before its script runs",
        fix,
        CODE,
    )


def other_index(option: str) -> str | None:
    """The index pip uses instead of PyPI per `--python-modules-installer-option`, if any."""
    try:
        words = shlex.split(option)
    except ValueError:
        words = option.split()
    for i, word in enumerate(words):
        name, _, value = word.partition("=")
        if name == "--no-index":
            return "S3 or local files only (--no-index)"
        if name in _OTHER_INDEX:
            return value or (words[i + 1] if i + 1 < len(words) else "another index")
        if word.startswith("-i") and len(word) > 2:  # pip accepts -iURL
            return word[2:]
    return None
