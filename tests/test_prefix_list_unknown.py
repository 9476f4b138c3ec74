"""A security-group rule naming a prefix list whose entries are not known (GetManagedPrefixListEntries
denied, or a dump without them) may admit the traffic: undecided, never a drop. The estate: the
healthy-kms-endpoint fixture whose Glue group allows 443 out only to the S3 list and to a
customer list pl-0c0ffee0c0ffee000, its entries unread (the action denied)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.model.build import build_inventory

RAW: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "groups" / "sg-egress-unknown-prefix-list.json").read_text()
)["regions"]["us-east-1"]
LIST = "pl-0c0ffee0c0ffee000"


def _kms(cidrs: list[str] | None) -> ConnectionReport:
    raw = copy.deepcopy(RAW)
    (found,) = [p for p in raw["ec2"]["PrefixLists"] if p["PrefixListId"] == LIST]
    if cidrs is not None:  # read after all
        found["Cidrs"] = cidrs
        raw["ec2"]["Denied"] = [d for d in raw["ec2"].get("Denied", []) if d != "ec2:GetManagedPrefixListEntries"]
    return analyse_connection(build_inventory("us-east-1", raw), "orders-db")


def _kms_group_hop(report: ConnectionReport) -> tuple[str, str | None]:
    (path,) = [p for p in report.paths if p.service == "kms"]
    (hop,) = [h for h in path.hops if h.type == "security-group" and h.id != "sg-0e0e0e0e0e0e0e0e0"][:1]
    return hop.verdict, hop.code


def test_a_rule_naming_a_list_with_unknown_entries_is_undecided() -> None:
    report = _kms(None)

    assert _kms_group_hop(report) == ("unknown", "DATA_MISSING")
    assert report.verdict == "unknown" and "kms-timeout" not in report.predicted_failures


@pytest.mark.parametrize(("cidrs", "verdict"), [(["10.0.0.0/16"], "allow"), (["192.168.0.0/16"], "deny")])
def test_twins_with_the_entries_known_are_decided(cidrs: list[str], verdict: str) -> None:
    assert _kms_group_hop(_kms(cidrs))[0] == verdict
