"""Candidate fixes of a job's findings about a path out of the VPC that only the job needs:
PyPI for --additional-python-modules, a connector image in ECR, a bucket or a KMS key in
another region. Each traces what its check traced, from the subnet Glue uses (the first
connection's), and hands that path to the connection-level table (fixes/candidates.py): the
same cause gets the same cure there (a route to a NAT gateway, a new NAT gateway, a rule of the
group or ACL that drops). Only the NAT candidates apply, never an endpoint of the job's region:
an interface or gateway endpoint serves its own region's service only, and PyPI none. A
connector image in the job's own region may also come through the ECR interface endpoints and
the S3 gateway endpoint (fixes/create.py). Nothing here decides a candidate works:
fixes/consumer.py proves it.
"""

from __future__ import annotations

from collections.abc import Callable

from glue_netcheck.analyse.results import ConsumerReport
from glue_netcheck.checks.base import ConsumerContext
from glue_netcheck.checks.connector_image import image_region
from glue_netcheck.checks.finding import Finding
from glue_netcheck.checks.python_modules import HTTPS
from glue_netcheck.checks.script_services import endpoint_service
from glue_netcheck.checks.target import public_path
from glue_netcheck.fixes.candidates import Candidate, Situation, candidates
from glue_netcheck.fixes.consumer_edits import Caveat, context_of
from glue_netcheck.fixes.create import CreateGatewayEndpoint, CreateInterfaceEndpoint
from glue_netcheck.model.glue import Inventory
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import PathResult
from glue_netcheck.net.tracer import Source

# The connection-level table's key for a path to an address beyond the VPC and its region's
# endpoints: it offers only the ways out through a NAT gateway (and the rule that drops).
BEYOND = "target"


def _through_nat(
    ctx: ConsumerContext, report: ConsumerReport, finding: Finding, path: PathResult, service: str = BEYOND
) -> list[Candidate]:
    """The connection-level table's candidates for the path (`service`: the regional service
    it goes to, whose endpoints the table may also offer; else BEYOND)."""
    first = ctx.connections[0]
    situation = Situation(
        ctx.inventory,
        report.connections[0],
        finding,
        service,
        path,
        first.vpc,
        first.subnet,
        tuple(g.id for g in first.groups),
    )
    return candidates(situation)


def _traced(
    trace: Callable[[ConsumerContext, Finding], PathResult | None],
) -> Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]:
    def build(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
        if not report.connections:
            return []
        ctx = context_of(inventory, report)
        if ctx.connections[0].source is None:
            return []
        path = trace(ctx, finding)
        return _through_nat(ctx, report, finding, path) if path is not None and path.reachable is False else []

    return build


def _public(ctx: ConsumerContext, finding: Finding) -> PathResult | None:
    return public_path(ctx.connections[0], HTTPS)


def _bucket(ctx: ConsumerContext, finding: Finding) -> PathResult | None:
    region = ctx.inventory.bucket_regions.get(finding.resource)
    source = ctx.connections[0].source
    return service_path(ctx.inventory.network, source, Service("s3", region)) if region and source else None


def _key(ctx: ConsumerContext, finding: Finding) -> PathResult | None:
    key = ctx.key(finding.resource)
    source = ctx.connections[0].source
    return service_path(ctx.inventory.network, source, Service("kms", key.region)) if key and source else None


def _image_paths(ctx: ConsumerContext) -> list[tuple[str, PathResult]]:
    """(registry region, path) of each service an image pull needs, for each connection's image."""
    source = ctx.connections[0].source
    regions = dict.fromkeys(r for c in ctx.connections if (r := image_region(c.connection)) is not None)
    if source is None:
        return []
    network = ctx.inventory.network
    return [(r, service_path(network, source, Service(k, r))) for r in regions for k in ("ecr.api", "ecr.dkr", "s3")]


def connector_image_fix(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """A NAT path for the blocked pull; for an image in the job's own region, also the ECR
    interface endpoints (and the S3 gateway endpoint where S3 is blocked too)."""
    if not report.connections:
        return []
    ctx = context_of(inventory, report)
    paths = _image_paths(ctx)
    blocked = [
        (r, p) for r, p in paths if p.reachable is False and p.blocked_at and p.blocked_at.id == finding.resource
    ]
    if not blocked:
        return []
    region, path = blocked[0]
    found = _through_nat(ctx, report, finding, path)
    first = ctx.connections[0]
    if region == ctx.region and first.vpc and first.subnet:
        groups = tuple(g.id for g in first.groups)
        lacking = [p.service for r, p in paths if r == region and p.reachable is not True]
        endpoints: list[CreateInterfaceEndpoint | CreateGatewayEndpoint] = [
            CreateInterfaceEndpoint(first.vpc.id, Service(k, region).endpoint_service_name, (first.subnet.id,), groups)
            for k in ("ecr.api", "ecr.dkr")
            if k in lacking
        ]
        table = inventory.network.route_table_for(first.subnet)
        if "s3" in lacking and table is not None:
            endpoints.append(
                CreateGatewayEndpoint(first.vpc.id, Service("s3", region).endpoint_service_name, (table.id,))
            )
        if endpoints:
            found.append(tuple(endpoints))
    return found


def script_service_fix(inventory: Inventory, report: ConsumerReport, finding: Finding) -> list[Candidate]:
    """The first service the script calls whose path is blocked where the finding says: its
    own region's, so the table offers its interface endpoint too (or the private DNS, the
    rule, the NAT route that cures the drop)."""
    if not report.connections:
        return []
    ctx = context_of(inventory, report)
    first, calls = ctx.connections[0], inventory.script_calls.get(report.consumer.script or "")
    if first.source is None or calls is None:
        return []
    for name in calls.services:
        service = endpoint_service(name, inventory.region)
        if service is None or name in first.paths:
            continue
        path = service_path(inventory.network, first.source, service)
        if path.reachable is False and path.blocked_at is not None and path.blocked_at.id == finding.resource:
            found = _through_nat(ctx, report, finding, path, service.key)
            return _dynamodb(inventory, first.source, service, found) if service.key == "dynamodb" else found
    return []


def _dynamodb(inventory: Inventory, source: Source, service: Service, found: list[Candidate]) -> list[Candidate]:
    """DynamoDB's gateway endpoint (free) first: the table offers gateway endpoints for S3 only.
    Its interface endpoint is left out (whether it takes private DNS, which the script's
    default endpoint name needs, is not in the data)."""
    table = inventory.network.route_table_for(source.subnet)
    if table is None:
        return found
    gateway: Candidate = (CreateGatewayEndpoint(source.vpc.id, service.endpoint_service_name, (table.id,)),)
    if inventory.network.prefix_list_named(service.endpoint_service_name) is None:
        why = (
            f"the data holds no prefix list of {service.endpoint_service_name} (one no route uses is not read), "
            "so the endpoint's route cannot be modelled"
        )
        gateway = (*gateway, Caveat(why))
    rest = [c for c in found if not any(isinstance(e, CreateInterfaceEndpoint) for e in c)]
    return [gateway, *rest]


BUILDERS: dict[str, Callable[[Inventory, ConsumerReport, Finding], list[Candidate]]] = {
    "python-modules-reachable": _traced(_public),
    "sts-global-endpoint": _traced(_public),
    "script-services-reachable": script_service_fix,
    "s3-bucket-region": _traced(_bucket),
    "kms-key-region": _traced(_key),
    "connector-image-reachable": connector_image_fix,
}
