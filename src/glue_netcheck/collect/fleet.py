"""Collect many accounts and regions at once: a bounded thread pool over (account, region),
each with its own read-only reader. Cost grows with regions and VPCs, not connections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3

from glue_netcheck.collect.aws import AwsReader, collect_region
from glue_netcheck.errors import AnalysisError

MAX_WORKERS = 8  # concurrent (account, region) collections; adaptive retries absorb throttling


@dataclass(frozen=True)
class Target:
    """One account and region to collect. `key` names it in the snapshot."""

    region: str
    profile: str | None = None
    account: str | None = None
    role_arn: str | None = None

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}" if self.account else self.region


def role_for(template: str, account: str) -> str:
    """`--role-arn` is an ARN (with `{account}` where the account goes) or a bare role name."""
    if template.startswith("arn:"):
        return template.replace("{account}", account)
    return f"arn:aws:iam::{account}:role/{template}"


def accounts_from_organizations(profile: str | None) -> list[str]:
    reader = AwsReader(profile=profile, region="us-east-1")
    return [a["Id"] for a in reader.call("organizations", "list_accounts", "Accounts") if a.get("Status") == "ACTIVE"]


def all_regions(profile: str | None, region: str | None) -> list[str]:
    reader = AwsReader(profile=profile, region=region)
    return sorted(r["RegionName"] for r in reader.call("ec2", "describe_regions", "Regions"))


def plan_targets(
    regions: Sequence[str], profiles: Sequence[str | None], accounts: Sequence[str], role_arn: str | None
) -> list[Target]:
    if role_arn and accounts:
        profile = profiles[0] if profiles else None
        return [Target(r, profile, a, role_for(role_arn, a)) for a in accounts for r in regions]
    return [Target(r, p, account=p if len(profiles) > 1 else None) for p in (profiles or [None]) for r in regions]


def _reader(target: Target) -> AwsReader:
    if target.role_arn is None:
        return AwsReader(region=target.region, profile=target.profile)
    base = AwsReader(region=target.region, profile=target.profile)
    credentials = base.assume_role(target.role_arn)
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=target.region,
    )
    return AwsReader.from_session(session)


def collect(
    targets: Sequence[Target], on_done: Callable[[Target], None] = lambda _: None
) -> tuple[dict[str, dict[str, Any]], int]:
    """Raw region data per target key, and the number of API calls made."""

    def one(target: Target) -> tuple[Target, dict[str, Any], int]:
        reader = _reader(target)
        raw = collect_region(reader)
        raw["region"] = target.region
        if target.account:
            raw["account"] = target.account
        return target, raw, sum(reader.calls.values())

    results: dict[str, dict[str, Any]] = {}
    calls = 0
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(targets)))) as pool:
        for target, raw, count in pool.map(one, targets):
            results[target.key] = raw
            calls += count
            on_done(target)
    if not results:
        raise AnalysisError("nothing to collect: no region given or found")
    return results, calls
