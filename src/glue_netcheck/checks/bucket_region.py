from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service

ID = "s3-bucket-region"


@check(ID, "The job's script and temporary buckets are reachable in their own region", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    The region of the buckets a job reads at start (its script's, its `--TempDir`'s). A
    gateway endpoint, or an S3 interface endpoint, serves only its own region: a bucket
    elsewhere is reached at that region's S3 addresses, which only a NAT path reaches. The
    check traces S3 of the bucket's region from the subnet Glue uses.

    How Glue fails
    "Amazon S3 timeout … connect timed out" while the job starts, although S3 of the job's own
    region is reachable (so Glue's start-up validation passes: predicted `s3-timeout`).

    Remediation
    Keep the job's script and temporary directory in a bucket of the job's region, or give the
    subnet a NAT gateway path.

    References
    https://docs.aws.amazon.com/glue/latest/dg/vpc-endpoints-s3.html
    https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
    """
    source = ctx.connections[0].source if ctx.connections else None
    if source is None or ctx.consumer.kind != "job":
        return
    for bucket, region in sorted(ctx.inventory.bucket_regions.items()):
        if not region or region == ctx.region:
            continue
        path = service_path(ctx.inventory.network, source, Service("s3", region))
        if path.reachable is False and path.blocked_at is not None:
            yield Issue(
                bucket,
                f"bucket {bucket} is in {region}: the job reaches it at s3.{region}.amazonaws.com, which no endpoint "
                f"of {source.vpc.id} serves; from {source.subnet.id} it is blocked at {path.blocked_at.id} "
                f'({path.blocked_at.reason}): "Amazon S3 timeout"',
                f"move the job's script and --TempDir to a bucket in {ctx.region}, or route 0.0.0.0/0 from "
                f"{path.blocked_at.id} to a NAT gateway",
                # Glue's start-up validation sees the job's own region's S3 route and passes.
                ("s3-timeout",),
            )
