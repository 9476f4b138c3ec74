"""Targets no network reaches, and EC2 names only a VPC resolver answers.

On the moto-made estate of tests/data/targets/peered.json (the Glue subnet 10.0.1.0/24 has an
open NAT path, so an external public name passes): an address no connection from a Glue ENI
can reach fails at the VPC with CANNOT_ROUTE whatever the routes say; an EC2 host name of
another region, or a resource-based one (i-….ec2.internal), is undecided, never a pass through
the NAT. Each has a twin that is decided as before (another private-zone name stays external).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.model.build import build_inventory

ESTATE = json.loads((Path(__file__).parent / "data" / "targets" / "peered.json").read_text())
REGION = "us-east-1"


def _report(url_host: str, region: str = REGION) -> ConnectionReport:
    estate = copy.deepcopy(ESTATE)
    raw = estate["regions"][REGION]
    (conn,) = [c for c in raw["glue"]["Connections"] if c["Name"] == "orders-rds"]
    conn["ConnectionProperties"]["JDBC_CONNECTION_URL"] = f"jdbc:postgresql://{url_host}/orders"
    return analyse_connection(build_inventory(region, raw), "orders-rds")


def _target_hops(report: ConnectionReport) -> list[tuple[str, str | None]]:
    return [(h.verdict, h.code) for p in report.paths if p.service == "target" for h in p.hops]


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("127.0.0.1:5432", "loopback"),
        ("169.254.169.254:5432", "link-local"),
        ("0.0.0.0:5432", "unspecified"),
        ("255.255.255.255:5432", "broadcast"),
        ("224.0.0.5:5432", "multicast"),
        ("240.0.0.9:5432", "reserved address"),
        ("10.0.1.0:5432", "AWS reserves in subnet-3e93251492fa92871"),
        ("10.0.1.2:5432", "AWS reserves in subnet-3e93251492fa92871"),
        ("10.0.1.255:5432", "AWS reserves in subnet-3e93251492fa92871"),
        ("[2001:db8::1]:5432", "IPv6"),
        ("10.0.1.256:5432", "no valid host name"),
        (f"{'a' * 64}.example.com:5432", "no valid host name"),
        ("10.0.1.77:99999", "no TCP port"),
    ],
)
def test_an_address_nothing_reaches_fails_at_the_vpc(host: str, why: str) -> None:
    report = _report(host)

    assert report.verdict == "fail" and "target-unreachable" in report.predicted_failures
    assert _target_hops(report) == [("deny", "CANNOT_ROUTE")]
    (hop,) = [h for p in report.paths if p.service == "target" for h in p.hops]
    assert why in hop.text


@pytest.mark.parametrize("host", ["10.0.1.4:5432", "10.0.1.254:5432", "db.example.com:5432", "db_1.example.com:5432"])
def test_twins_just_inside_the_rules_are_traced_as_before(host: str) -> None:
    report = _report(host)

    assert ("deny", "CANNOT_ROUTE") not in _target_hops(report)
    assert "target-unreachable" not in report.predicted_failures


@pytest.mark.parametrize(
    "host",
    ["ip-10-0-1-77.eu-west-1.compute.internal", "i-0123456789abcdef0.ec2.internal"],
)
def test_an_ec2_name_it_cannot_place_is_undecided_though_the_public_path_is_open(host: str) -> None:
    report = _report(f"{host}:5432")

    assert report.verdict == "unknown"
    assert _target_hops(report) == [("unknown", "DATA_MISSING")]
    (hop,) = [h for p in report.paths if p.service == "target" for h in p.hops]
    assert "private DNS name" in hop.text


def test_twin_an_ec2_name_of_the_region_is_placed_at_the_address_it_spells() -> None:
    report = _report("ip-10-0-1-77.ec2.internal:5432")

    # 10.0.1.77 is in the Glue subnet; the estate holds no ENI lookup, so its groups are unknown.
    hops = [(h.type, h.id) for p in report.paths if p.service == "target" for h in p.hops]
    assert ("network-interface", "10.0.1.77") in hops
    assert "private DNS name" not in " ".join(h.text for p in report.paths for h in p.hops)


def test_twin_a_public_name_with_an_open_public_path_passes() -> None:
    report = _report("db.example.com:5432")

    assert report.verdict == "pass"
    assert [f.severity for f in report.findings if f.check == "target-reachable"] == ["info"]


def test_twin_a_private_zone_name_stays_external_and_passes_through_the_open_path() -> None:
    report = _report("orders.prod.internal:5432")

    assert report.verdict == "pass"


@pytest.mark.parametrize(("host", "why"), [("localhost:5432", "localhost"), ("0.1.2.3:5432", "0.0.0.0/8")])
def test_localhost_and_this_network_fail_at_the_vpc(host: str, why: str) -> None:
    report = _report(host)

    assert _target_hops(report) == [("deny", "CANNOT_ROUTE")]
    (finding,) = [f for f in report.findings if f.check == "target-reachable"]
    assert why in finding.message and finding.message.startswith(host.split(":")[0])


@pytest.mark.parametrize(
    "url_host",
    ["db.example.com\\INST01:5432", "db.example.com\\INST01;databaseName=orders"],
)
def test_twin_a_sql_server_instance_name_is_no_part_of_the_host(url_host: str) -> None:
    """jdbc:sqlserver://host\\instance: the instance is no part of the name (it was read as an
    invalid name: a false fail)."""
    report = _report(url_host)

    assert ("deny", "CANNOT_ROUTE") not in _target_hops(report)
    assert [p.endpoint for p in report.paths if p.service == "target"] in ([], ["db.example.com"])
