from __future__ import annotations

import re
from collections.abc import Iterator

from glue_netcheck.checks import remediation
from glue_netcheck.checks.base import ConsumerContext, Issue, check
from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import PathResult

ID = "connector-image-reachable"
CODE = ("connector-download-failed",)
MARKETPLACE_REGION = "us-east-1"  # AWS Marketplace's connector registry

# <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]
_NAMES = {  # what a pull calls, as AWS names it (not the endpoint service names traced)
    "ecr.api": "api.ecr.{region}.amazonaws.com",
    "ecr.dkr": "<account>.dkr.ecr.{region}.amazonaws.com",
    "s3": "s3.{region}.amazonaws.com",
}
_ECR_IMAGE = re.compile(r"^(?:https://)?(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/")


@check(ID, "A job's Marketplace or custom connector image can be pulled from ECR", "error")
def CHECK(ctx: ConsumerContext) -> Iterator[Issue]:
    """
    What it checks
    A job using a connection of type `MARKETPLACE` or `CUSTOM` whose connector is a container
    image (`CONNECTOR_URL` names `<account>.dkr.ecr.<region>.amazonaws.com/…`; Marketplace
    connectors without it come from the Marketplace registry in us-east-1) pulls that image
    when it starts. From the subnet Glue uses (the first connection's) the check traces the
    three services a pull needs in the registry's region: the ECR API, the ECR Docker registry
    and S3 (image layers). Interface endpoints (`com.amazonaws.<region>.ecr.api`, `ecr.dkr`)
    serve only their own region; anything else needs a NAT gateway. A custom connector that
    is a JAR in S3 needs only the S3 path (`s3-reachable`).

    How Glue fails
    The job fails at start with "Glue ETL Marketplace - failed to download connector".

    Remediation
    Route 0.0.0.0/0 from the connection subnet's route table to a NAT gateway in a public
    subnet; for an image in the job's own region, interface endpoints
    `com.amazonaws.<region>.ecr.api` and `com.amazonaws.<region>.ecr.dkr` with private DNS
    plus the S3 gateway endpoint also work.

    References
    https://docs.aws.amazon.com/glue/latest/ug/connectors-chapter.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
    """
    first = ctx.connections[0] if ctx.connections else None
    source = first.source if first is not None else None
    if ctx.consumer.kind != "job" or first is None or source is None or not first.network_valid:
        return
    for connection in (c.connection for c in ctx.connections):
        region = image_region(connection)
        if region is None:
            continue
        url = connection.properties.get("CONNECTOR_URL")
        image = f"the connector image of {connection.name}" + (f" ({url})" if url else "")
        paths = [
            service_path(ctx.inventory.network, source, Service(key, region)) for key in ("ecr.api", "ecr.dkr", "s3")
        ]
        blocked = next((p for p in paths if p.reachable is False and p.blocked_at is not None), None)
        if blocked is not None:
            yield _blocked(ctx, image, region, blocked, first.connection.subnet_id or "-")
        elif any(p.reachable is None for p in paths):
            yield Issue(
                connection.name,
                f"job {ctx.consumer.name} pulls {image}: whether "
                f"{first.connection.subnet_id} reaches ECR in {region} cannot be decided",
                f"verify the subnet's egress to ECR and S3 in {region}",
                severity="warning",
            )


def _blocked(ctx: ConsumerContext, image: str, region: str, path: PathResult, subnet: str) -> Issue:
    blocked = path.blocked_at
    assert blocked is not None
    table = next((h.id for h in path.hops if h.type == "route-table"), None)
    first = ctx.connections[0]
    network, glue_subnet = ctx.inventory.network, first.subnet
    fix = remediation.nat_route(table, network, glue_subnet) if table else f"# fix {blocked.id}: {blocked.reason}"
    if region == ctx.region:
        fix += f"\n# or create interface endpoints com.amazonaws.{region}.ecr.api and com.amazonaws.{region}.ecr.dkr"
    host = _NAMES[path.service].format(region=region)
    return Issue(
        blocked.id,
        f"job {ctx.consumer.name} pulls {image} from ECR in {region}, but from {subnet} "
        f"{host}:443 is blocked at {blocked.id} ({blocked.reason}): "
        '"Glue ETL Marketplace - failed to download connector"',
        fix,
        CODE,
    )


def image_region(connection: GlueConnection) -> str | None:
    """The region of the ECR registry the connection's connector image comes from, if it has one."""
    url = connection.properties.get("CONNECTOR_URL", "")
    match = _ECR_IMAGE.match(url.strip())
    if match:
        return match.group(2)
    if (connection.type or "").upper() == "MARKETPLACE" and not url:
        return MARKETPLACE_REGION
    return None  # a JAR in S3, or no connector at all
