"""A route naming a customer-managed prefix list whose entries are not known may take any
traffic of its table (its entries may be more specific than every other route): the table's
decisions are undecided, as a group rule naming such a list is (test_prefix_list_unknown.py).
The estate: the healthy-nat fixture (KMS through a NAT gateway, S3 through a gateway endpoint)
with a route pl-… -> tgw-… added to the Glue subnet's table; the twins read the entries."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.model.build import build_inventory

from conftest import FIXTURES

RAW: dict[str, Any] = json.loads((FIXTURES / "healthy-nat.json").read_text())["regions"]["us-east-1"]
GLUE_TABLE = "rtb-c8212b378dcfda6b6"
LIST = "pl-0c0ffee0c0ffee001"
ENTRIES = "ec2:GetManagedPrefixListEntries"


def _report(cidrs: list[str] | None, *, listed: bool = True, name: str = "corporate-ranges") -> ConnectionReport:
    raw = copy.deepcopy(RAW)
    ec2 = raw["ec2"]
    (table,) = [t for t in ec2["RouteTables"] if t["RouteTableId"] == GLUE_TABLE]
    table["Routes"].append(
        {"DestinationPrefixListId": LIST, "TransitGatewayId": "tgw-0c0ffee0c0ffee001", "State": "active"}
    )
    if listed:
        ec2["PrefixLists"].append({"PrefixListId": LIST, "PrefixListName": name, **({"Cidrs": cidrs} if cidrs else {})})
    if cidrs is None:
        ec2["Denied"] = [*ec2.get("Denied", []), ENTRIES]
    return analyse_connection(build_inventory("us-east-1", raw), "orders-db")


def _path(report: ConnectionReport, service: str):  # type: ignore[no-untyped-def]
    return next(p for p in report.paths if p.service == service)


@pytest.mark.parametrize("listed", [True, False])
def test_a_route_to_a_list_with_unknown_entries_leaves_its_table_undecided(listed: bool) -> None:
    report = _report(None, listed=listed)

    for service in ("kms", "s3"):
        path = _path(report, service)
        hop = next(h for h in path.hops if h.type == "route-table")
        assert path.reachable is None and (hop.id, hop.verdict, hop.code) == (GLUE_TABLE, "unknown", "DATA_MISSING")
        assert LIST in hop.text
    assert report.verdict == "unknown" and report.predicted_failures == ()


def test_twin_entries_known_elsewhere_leave_the_nat_path_decided() -> None:
    report = _report(["192.168.0.0/16"])

    assert _path(report, "kms").reachable is True and _path(report, "kms").via == "nat-gateway"
    assert _path(report, "s3").reachable is True


def test_twin_entries_known_that_take_the_traffic_send_it_to_the_transit_gateway() -> None:
    report = _report(["0.0.0.0/1", "128.0.0.0/1"])

    kms = _path(report, "kms")
    assert kms.reachable is None and kms.via == "transit-gateway"
    assert any(h.code == "OPAQUE_TARGET" for h in kms.hops)


def test_twin_an_aws_managed_list_is_decided_without_its_entries() -> None:
    """A `com.amazonaws.` list holds that service's public ranges only: not KMS's addresses."""
    report = _report(None, name="com.amazonaws.us-east-1.dynamodb")

    assert _path(report, "kms").reachable is True
