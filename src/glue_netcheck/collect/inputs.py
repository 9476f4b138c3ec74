"""The one input seam: live account, snapshot file, Terraform plan or raw Describe dumps all
end here as built inventories, and this is the only place that builds them.

Commands say what they look for (a connection, a job, every connection of some regions); the
source the user picked (`--snapshot`, a plan, or AWS through the boto3 chain) decides how it
is read. boto3 is imported only when AWS is really called.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glue_netcheck.collect import snapshot as snapshots
from glue_netcheck.errors import AnalysisError

if TYPE_CHECKING:  # the model loads when an input is built, not at start-up (`--help`)
    from glue_netcheck.model.glue import ConsumerKind, Inventory


class InputError(AnalysisError):
    pass


def build(region: str, raw: Mapping[str, Any], where: str, error: type[AnalysisError] = InputError) -> Inventory:
    """Raw AWS answers (live, snapshot, merged plan) -> the model; a bad value is one line."""
    from glue_netcheck.model.build import build_inventory
    from glue_netcheck.model.raw import ModelError

    try:
        return build_inventory(region, raw)
    except (ModelError, RecursionError) as exc:
        raise error(f"{where}: {exc}") from None


@dataclass(frozen=True)
class Source:
    """Where the user asked us to read: a snapshot file, or the live account."""

    snapshot: Path | None = None
    region: str | None = None
    profile: str | None = None

    @property
    def where(self) -> str:
        return f"snapshot {self.snapshot}" if self.snapshot else "AWS"


@dataclass(frozen=True)
class Fleet:
    """`scan`/`snapshot`: which accounts and regions to collect live."""

    regions: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    all_regions: bool = False
    role_arn: str | None = None
    accounts_file: Path | None = None  # account ids, one per line, for role_arn
    organization: bool = False
    on_progress: Callable[[int], Callable[[], None]] | None = field(default=None, compare=False)


def load_snapshot(path: Path) -> dict[str, Inventory]:
    """Every region of a snapshot, keyed as in the file (`region` or `account/region`)."""
    return _built(snapshots.load_raw(path), f"snapshot {path}")


def _built(raw_regions: Mapping[str, tuple[str, Mapping[str, Any]]], where: str) -> dict[str, Inventory]:
    return {key: build(region, raw, where, snapshots.SnapshotError) for key, (region, raw) in raw_regions.items()}


def pick_region(
    inventories: Mapping[str, Inventory],
    region: str | None,
    where: str,
    wanted: Callable[[Inventory], bool] | None = None,
) -> Inventory:
    """One region of a multi-region input: the one asked for, the only one, the only one
    holding what the command looks for, or the configured default region."""
    if region is not None:
        match = [inv for key, inv in inventories.items() if region in (key, inv.region)]
        if not match:
            raise InputError(f"{where} has no region {region} (it has {', '.join(sorted(inventories))})")
        return match[0]
    if len(inventories) == 1:
        return next(iter(inventories.values()))
    matching = [inv for inv in inventories.values() if wanted is None or wanted(inv)]
    if len(matching) == 1:
        return matching[0]
    configured = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if configured is not None and configured in inventories:
        return inventories[configured]
    raise InputError(f"{where} covers several regions ({', '.join(sorted(inventories))}): pass --region")


def for_connection(source: Source, name: str) -> Inventory:
    return _one(source, lambda inv: name in inv.connections, lambda aws, reader: aws.collect_connection(reader, name))


def for_consumer(source: Source, kind: ConsumerKind, name: str) -> Inventory:
    return _one(
        source,
        lambda inv: inv.consumer(kind, name) is not None,
        lambda aws, reader: aws.collect_consumer(reader, kind, name),
    )


def _one(
    source: Source, holds: Callable[[Inventory], bool], collect: Callable[[Any, Any], Mapping[str, Any]]
) -> Inventory:
    """The one region a command about one resource analyses: from the snapshot (the region
    that `holds` it when there are several), or collected live by `collect(aws, reader)`."""
    if source.snapshot is not None:
        return pick_region(load_snapshot(source.snapshot), source.region, source.where, holds)
    from glue_netcheck.collect import aws  # boto3 is imported only when AWS is called

    reader = aws.AwsReader(region=source.region, profile=source.profile)
    return build(reader.region, collect(aws, reader), "unexpected answer from AWS")


def for_scan(snapshot: Path | None, fleet: Fleet) -> list[Inventory]:
    """Every region asked for, sorted by region so live and snapshot runs print alike."""
    if snapshot is not None:
        inventories = load_snapshot(snapshot)
        wanted = set(fleet.regions)
        unknown = wanted - {inv.region for inv in inventories.values()}
        if unknown:
            raise InputError(f"snapshot {snapshot} has no region {', '.join(sorted(unknown))}")
        selected = [inv for inv in inventories.values() if not wanted or inv.region in wanted]
    else:
        raw, _ = collect_fleet(fleet)
        selected = [build(data.get("region", key), data, "unexpected answer from AWS") for key, data in raw.items()]
    return sorted(selected, key=lambda inv: inv.region)


def collect_fleet(fleet: Fleet) -> tuple[dict[str, Any], int]:
    """Raw answers of every (account, region) asked for, collected concurrently; API calls made."""
    from glue_netcheck.collect import aws
    from glue_netcheck.collect import fleet as fleets

    profiles: list[str | None] = list(fleet.profiles) or [None]
    if fleet.all_regions:
        regions = fleets.all_regions(profiles[0], fleet.regions[0] if fleet.regions else None)
    else:
        regions = list(fleet.regions) or [aws.AwsReader(profile=profiles[0]).region]
    accounts: list[str] = []
    if fleet.role_arn and fleet.accounts_file is not None:
        try:
            text = fleet.accounts_file.read_text()
        except OSError as exc:
            raise InputError(f"--accounts {fleet.accounts_file}: {exc.strerror or exc}") from None
        accounts = [line.strip() for line in text.splitlines() if line.strip()]
    elif fleet.role_arn:
        if not fleet.organization:
            raise InputError("--role-arn needs --accounts FILE or --organization")
        accounts = fleets.accounts_from_organizations(profiles[0])
    targets = fleets.plan_targets(regions, list(fleet.profiles), accounts, fleet.role_arn)
    if fleet.on_progress is None:
        return fleets.collect(targets)
    advance = fleet.on_progress(len(targets))
    return fleets.collect(targets, on_done=lambda _: advance())


@dataclass(frozen=True)
class PlanInput:
    inventory: Inventory
    names: tuple[str, ...]  # the connections the plan creates or whose network it changes
    addresses: Mapping[str, str]  # resource id -> Terraform address
    source: str
    note: str = ""  # what was looked at when there is no connection to analyse
    # Terraform address -> (.tf file as given under --source-dir, start line), for SARIF and text.
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict)


def for_plan(plan_file: Path, source: Source, source_dir: Path | None = None) -> PlanInput:
    """A plan merged with what exists: the snapshot's region, or the live account's VPCs the
    plan builds on."""
    from glue_netcheck.collect import terraform

    plan = terraform.load(plan_file)
    source = replace(source, region=terraform.analysis_region(plan, source.region))
    if source.snapshot is not None:
        raw_regions = snapshots.load_raw(source.snapshot)
        inventories = _built(raw_regions, source.where)
        picked = pick_region(inventories, source.region, source.where)
        key = next(k for k, inv in inventories.items() if inv is picked)
        base_region, raw_base = raw_regions[key][0], dict(raw_regions[key][1])
    else:
        from glue_netcheck.collect import aws

        reader = aws.AwsReader(region=source.region, profile=source.profile)
        raw_base = aws.collect_region(
            reader, terraform.existing_ids(plan, "subnet-"), terraform.existing_ids(plan, "vpc-")
        )
        base_region = reader.region
    merged, names = terraform.apply(raw_base, plan, base_region)
    inventory = build(base_region, merged, plan.source)
    found = tuple(n for n in names if n in inventory.connections)
    note = "" if found else terraform.no_connection_message(plan, raw_base, merged)
    # SARIF viewers read paths from the repository root: keep the --source-dir prefix.
    locations = {}
    if source_dir is not None:
        located = terraform.source_locations(plan, source_dir).items()
        locations = {address: ((source_dir / file).as_posix(), line) for address, (file, line) in located}
    return PlanInput(inventory, found, plan.addresses, plan.source, note, locations)


def from_describe(directory: Path, region: str | None) -> tuple[dict[str, Any], list[str]]:
    """Raw Describe dumps -> raw regions for a snapshot, checked by building each region once
    (so a dump the model cannot read fails here, not in the next command), and notes of what
    the dumps do not say."""
    from glue_netcheck.collect import describe

    raw, notes = describe.load_describe_dir(directory, region)
    for key, data in raw.items():
        build(data.get("region", key), data, f"{directory}")
    return raw, notes


__all__: Sequence[str] = (
    "Fleet",
    "InputError",
    "PlanInput",
    "Source",
    "build",
    "collect_fleet",
    "for_connection",
    "for_consumer",
    "for_plan",
    "for_scan",
    "from_describe",
    "load_snapshot",
    "pick_region",
)
