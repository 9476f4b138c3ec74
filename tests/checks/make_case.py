"""Write or refresh a case file for tests/checks/test_cases.py.

    python tests/checks/make_case.py new FIXTURE CHECK_ID "connection orders-db"
        cut the fixture's region into a fragment (noise such as tags, owner ids and timestamps
        dropped, verified to give the same findings of every check) and start a case file
        with one case, the fixture as it is
    python tests/checks/make_case.py record CHECK_ID
        recompute the findings of every case in the file and print what changed

Recorded findings are a draft: read each against ../shared/GLUE_NETWORKING.md before committing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from test_cases import CASES, apply_patch, findings_of

from glue_netcheck.checks import ALL

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Fields no check reads: dropping them keeps a fragment small enough to review.
NOISE = {
    "Tags",
    "OwnerId",
    "CreateTime",
    "CreationTime",
    "CreationTimestamp",
    "LastUpdatedTime",
    "LastUpdated",
    "LastModifiedOn",
    "CreatedOn",
    "SubnetArn",
    "SecurityGroupArn",
    "AvailabilityZoneId",
    "PrivateDnsNameOptionsOnLaunch",
    "Ipv6CidrBlockAssociationSet",
    "Ipv6Ranges",
    "Ipv6Native",
    "AssignIpv6AddressOnCreation",
    "DefaultForAz",
    "MapPublicIpOnLaunch",
    "InstanceTenancy",
    "Description",
    "Origin",
    "AssociationId",
    "RouteTableAssociationId",
    "NetworkAclAssociationId",
    "CrawlElapsedTime",
    "ExecutionClass",
    "ExecutionProperty",
    "DnsEntries",
}


def slim(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: slim(v) for k, v in node.items() if k not in NOISE}
    if isinstance(node, list):
        return [slim(v) for v in node]
    return node


def all_findings(region: str, raw: dict[str, Any], subject: str) -> list[list[dict[str, Any]]]:
    return [findings_of(c.id, region, raw, subject) for c in ALL]


def new(fixture: str, check_id: str, subject: str) -> None:
    path = CASES / f"{check_id}.json"
    if path.exists():
        sys.exit(f"{path} exists: edit its cases and run `record {check_id}`")
    document = json.loads((FIXTURES / f"{fixture}.json").read_text())
    ((key, raw),) = document["regions"].items()
    region = raw.get("region", key)
    fragment = slim(raw)
    if all_findings(region, fragment, subject) != all_findings(region, raw, subject):
        sys.exit("the slimmed fragment changes some check's findings: narrow NOISE")
    case = {
        "check": check_id,
        "fixture": fixture,
        "region": region,
        "subject": subject,
        "snapshot": fragment,
        "cases": [{"name": f"as in fixture {fixture}", "patch": [], "findings": []}],
    }
    _write(path, case)
    record(check_id)


def record(check_id: str) -> None:
    path = CASES / f"{check_id}.json"
    case = json.loads(path.read_text())
    for one in case["cases"]:
        found = findings_of(check_id, case["region"], apply_patch(case["snapshot"], one["patch"]), case["subject"])
        changed = "" if found == one["findings"] else f" (was {len(one['findings'])}: CHANGED)"
        print(f"== {check_id} / {one['name']}: {len(found)} findings{changed}")
        for finding in found:
            print(json.dumps(finding, indent=1))
        one["findings"] = found
    _write(path, case)


def diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """An RFC 6902 patch from `old` to `new` (lists: appends, same-length edits, else replaced)."""
    if isinstance(old, dict) and isinstance(new, dict):
        ops: list[dict[str, Any]] = [{"op": "remove", "path": f"{path}/{_escape(k)}"} for k in old if k not in new]
        for key, value in new.items():
            where = f"{path}/{_escape(key)}"
            ops += diff(old[key], value, where) if key in old else [{"op": "add", "path": where, "value": value}]
        return ops
    if isinstance(old, list) and isinstance(new, list):
        if len(new) >= len(old) and new[: len(old)] == old:
            return [{"op": "add", "path": f"{path}/-", "value": v} for v in new[len(old) :]]
        if len(new) == len(old):
            return [op for i, (a, b) in enumerate(zip(old, new, strict=True)) for op in diff(a, b, f"{path}/{i}")]
    return [] if old == new else [{"op": "replace", "path": path, "value": new}]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _write(path: Path, case: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(case, indent=1) + "\n")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"new": new, "record": record}[command](*args)
