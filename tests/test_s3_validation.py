"""Which S3 failure Glue shows (CONTRACT.md): its start-up validation looks for an S3 gateway
endpoint route or a NAT route in the subnet's table and fails without one ("Could not find S3
endpoint or NAT gateway"), whatever lies beyond; with one, a drop further on is an S3 timeout
at run time. Snapshots: fixtures of tests/generate_fixtures.py (moto) with one edit each."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.fixes import prove
from glue_netcheck.model.build import build_inventory

ROOT = Path(__file__).resolve().parent
REGION = "us-east-1"


def _load(path: Path) -> dict[str, Any]:
    region: dict[str, Any] = json.loads(path.read_text())["regions"][REGION]
    return region


def _report(raw: dict[str, Any]) -> ConnectionReport:
    inventory = build_inventory(REGION, raw)
    return prove(inventory, analyse_connection(inventory, "orders-db"))


def test_s3_undecided_beyond_a_transit_gateway_without_an_s3_route_fails_validation() -> None:
    """The transit-gateway-egress layout without its S3 gateway endpoint: the default route
    leaves through the transit gateway (undecided), and no route Glue's validation accepts."""
    report = _report(_load(ROOT / "data" / "s3" / "tgw-no-s3-endpoint.json"))

    assert report.verdict == "fail" and report.predicted_failures == ("s3-endpoint-validation-failed",)
    (finding,) = [f for f in report.findings if f.check == "s3-reachable"]
    assert finding.severity == "error" and "start-up validation" in finding.message
    assert finding.fix is not None and finding.fix.verified, finding.fix
    assert "--vpc-endpoint-type Gateway" in finding.fix.commands[0]


def test_twin_with_its_s3_gateway_endpoint_stays_undecided_not_a_validation_failure() -> None:
    report = _report(_load(ROOT.parent / "fixtures" / "transit-gateway-egress.json"))

    assert "s3-endpoint-validation-failed" not in report.predicted_failures
    assert [f for f in report.findings if f.check == "s3-reachable" and f.severity == "error"] == []


def _interface_blocked(nat_route: bool) -> ConnectionReport:
    """An S3 interface endpoint (private DNS) whose group admits nothing."""
    raw = copy.deepcopy(_load(ROOT / "data" / "s3" / "s3-interface-sg-blocks-with-nat-route.json"))
    if not nat_route:
        for table in raw["ec2"]["RouteTables"]:
            table["Routes"] = [r for r in table["Routes"] if "NatGatewayId" not in r]
    return _report(raw)


def test_s3_blocked_at_an_interface_endpoint_with_a_nat_route_is_a_timeout_only() -> None:
    report = _interface_blocked(nat_route=True)

    assert "s3-timeout" in report.predicted_failures
    assert "s3-endpoint-validation-failed" not in report.predicted_failures


def test_twin_without_the_nat_route_fails_validation() -> None:
    report = _interface_blocked(nat_route=False)

    assert "s3-endpoint-validation-failed" in report.predicted_failures
    assert "s3-timeout" not in report.predicted_failures


GLUE_TABLE = "rtb-c8212b378dcfda6b6"  # healthy-nat: the Glue subnet's table (NAT default, S3 endpoint)


def _s3_with_route(route: dict[str, Any] | None) -> ConnectionReport:
    raw = copy.deepcopy(_load(ROOT.parent / "fixtures" / "healthy-nat.json"))
    (table,) = [t for t in raw["ec2"]["RouteTables"] if t["RouteTableId"] == GLUE_TABLE]
    if route is not None:
        table["Routes"].append(route)
    return _report(raw)


def _s3(report: ConnectionReport) -> tuple[bool | None, str | None]:
    (path,) = [p for p in report.paths if p.service == "s3"]
    return path.reachable, path.blocked_at.id if path.blocked_at else None


def test_a_more_specific_route_inside_an_s3_range_beats_the_gateway_endpoint_route() -> None:
    """Longest prefix first: 52.216.0.0/16 (in the S3 list's 52.216.0.0/15) to a NAT gateway
    that is gone drops that part of S3's traffic (it was taken by the endpoint route: a pass)."""
    gone = {"DestinationCidrBlock": "52.216.0.0/16", "NatGatewayId": "nat-0deadbeef0000000", "State": "blackhole"}

    report = _s3_with_route(gone)

    assert _s3(report) == (False, GLUE_TABLE) and report.predicted_failures == ("s3-timeout",)


def test_the_same_range_to_a_transit_gateway_is_undecided() -> None:
    tgw = {"DestinationCidrBlock": "52.216.0.0/16", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "State": "active"}

    assert _s3(_s3_with_route(tgw))[0] is None


def test_twin_without_the_specific_route_reaches_s3_through_the_endpoint() -> None:
    report = _s3_with_route(None)

    assert _s3(report) == (True, None) and report.verdict == "pass"


def _inbound_only(flag: bool) -> ConnectionReport:
    """healthy-kms-endpoint's S3 gateway endpoint, plus an S3 interface endpoint (private DNS
    on) whose group admits nothing; DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint `flag`."""
    raw = copy.deepcopy(_load(ROOT / "data" / "s3" / "s3-interface-inbound-only-dns.json"))
    for endpoint in raw["ec2"]["VpcEndpoints"]:
        if endpoint["VpcEndpointType"] == "Interface" and endpoint["ServiceName"].endswith(".s3"):
            endpoint["DnsOptions"] = {"PrivateDnsOnlyForInboundResolverEndpoint": flag}
    return _report(raw)


def test_private_dns_for_inbound_resolvers_only_leaves_s3_to_the_gateway_endpoint() -> None:
    report = _inbound_only(True)

    (path,) = [p for p in report.paths if p.service == "s3"]
    assert (path.reachable, path.via) == (True, "gateway-endpoint")
    assert not {"s3-timeout", "s3-endpoint-validation-failed"} & set(report.predicted_failures)


def test_twin_with_private_dns_for_everyone_goes_to_the_interface_endpoint_and_is_blocked() -> None:
    report = _inbound_only(False)

    (path,) = [p for p in report.paths if p.service == "s3"]
    assert path.reachable is False and path.blocked_at is not None and path.blocked_at.type == "security-group"
