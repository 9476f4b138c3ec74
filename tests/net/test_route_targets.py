"""The route-target table covers every target kind the model knows; anything else is refused
loudly. Codes are fields: a hop that drops or cannot decide always carries one."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Network
from typing import Any, cast, get_args

import pytest

from glue_netcheck.model.network import Route, RouteTarget
from glue_netcheck.net.graph import trace_graph
from glue_netcheck.net.route_targets import ROUTE_TARGETS, tracer
from glue_netcheck.net.trace import AWS_CODES, Hop, HopCode
from glue_netcheck.net.tracer import UnknownRouteTarget
from glue_netcheck.report.json_report import path_dict
from test_paths import SOURCE, VPC, network


def test_every_model_target_kind_has_exactly_one_entry() -> None:
    assert set(ROUTE_TARGETS) == set(get_args(RouteTarget))


def test_an_unknown_target_kind_is_refused_loudly() -> None:
    route = Route(IPv4Network("0.0.0.0/0"), None, cast(Any, "teleporter"), "tp-1")
    with pytest.raises(UnknownRouteTarget, match="teleporter"):
        tracer(network(), SOURCE).kind(route)


@pytest.mark.parametrize(
    ("kind", "opaque"),
    [
        ("transit-gateway", "transit-gateway"),
        ("core-network", "transit-gateway"),
        ("virtual-private-gateway", "virtual-private-gateway"),
        ("vpc-peering", "vpc-peering"),
        ("network-interface", "network-interface"),
        ("instance", "network-interface"),
        ("gateway-load-balancer-endpoint", "network-interface"),
        ("local", None),
        ("internet-gateway", None),
        ("nat-gateway", None),
        ("egress-only-internet-gateway", None),
        ("blackhole", None),
    ],
)
def test_which_kinds_are_undecidable_beyond(kind: str, opaque: str | None) -> None:
    assert ROUTE_TARGETS[kind].opaque == opaque


def test_a_dropping_hop_without_a_code_is_refused() -> None:
    with pytest.raises(ValueError, match="carries no code"):
        Hop("route-table", "rtb-1", "deny", "no route")
    with pytest.raises(ValueError, match="carries no code"):
        Hop("route-table", "rtb-1", "unknown", "leaves through tgw-1")
    assert Hop("route-table", "rtb-1", "allow", "route 0.0.0.0/0 -> nat-1").code is None


def test_aws_codes_lead_the_text_our_own_stay_in_the_field() -> None:
    aws: HopCode = "NO_ROUTE_TO_DESTINATION"
    own: HopCode = "PEERING_STATE"
    assert aws in AWS_CODES and own not in AWS_CODES
    assert Hop("route-table", "rtb-1", "deny", "no route", code=aws).detail == "NO_ROUTE_TO_DESTINATION: no route"
    assert Hop("vpc-peering", "pcx-1", "deny", "the peering is pending", code=own).detail == "the peering is pending"


def test_the_diagram_marks_the_drop_with_the_code_field() -> None:
    # DNS support off: our own code, absent from the text, is what the blocked edge shows.
    from glue_netcheck.net.paths import service_path
    from glue_netcheck.net.services import Service

    source = replace(SOURCE, vpc=replace(VPC, enable_dns_support=False))
    path = service_path(network(), source, Service("kms", "us-east-1"))
    graph = trace_graph([path])
    blocked = [data["reason"] for _, _, data in graph.edges(data=True) if data["blocked"]]
    assert blocked == ["DNS_SUPPORT_DISABLED"]
    assert path.blocked_at is not None and path.blocked_at.code == "DNS_SUPPORT_DISABLED"
    hops = path_dict(path)["hops"]
    assert hops[0]["code"] == "DNS_SUPPORT_DISABLED"
