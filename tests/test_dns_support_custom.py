"""enableDnsSupport off with custom DNS servers (net/dns.py): only those servers answer and
they cannot forward to the VPC resolver, so an interface endpoint's private DNS never applies;
the cause to fix is DNS support. DHCP servers that are the resolver's own addresses are the
resolver: with support off nothing resolves. Each case with its twin."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.fixes import prove
from glue_netcheck.model.build import build_inventory

from conftest import FIXTURES


def _raw(fixture: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{fixture}.json").read_text())["regions"]["us-east-1"])


def _proven(raw: dict[str, Any]) -> ConnectionReport:
    inventory = build_inventory("us-east-1", raw)
    return prove(inventory, analyse_connection(inventory, "orders-db"))


def _attributes(raw: dict[str, Any], support: bool, hostnames: bool) -> None:
    for attributes in raw["ec2"]["VpcAttributes"].values():
        attributes.update(EnableDnsSupport=support, EnableDnsHostnames=hostnames)


@pytest.mark.parametrize(
    ("support", "hostnames", "attribute"),
    [(False, True, "--enable-dns-support"), (True, False, "--enable-dns-hostnames")],
)
def test_the_private_dns_finding_fixes_what_is_off(support: bool, hostnames: bool, attribute: str) -> None:
    """custom-dns-servers: a KMS endpoint with private DNS on, custom servers, no NAT."""
    raw = _raw("custom-dns-servers")
    _attributes(raw, support, hostnames)
    report = _proven(raw)

    # One cause, one finding: the endpoint's private-DNS finding folds into the attribute's.
    finding = next(f for f in report.findings if "kms-endpoint-private-dns" in (f.check, *f.folded))
    assert finding.check == "vpc-dns-attributes" and attribute in finding.remediation
    assert finding.fix is not None and finding.fix.verified
    assert any(attribute in command for command in finding.fix.commands)


def test_support_off_names_what_the_custom_servers_cannot_do() -> None:
    raw = _raw("custom-dns-servers")
    _attributes(raw, False, True)
    messages = {f.check: f.message for f in _proven(raw).findings}

    assert "cannot forward to the VPC resolver" in messages["vpc-dns-attributes"]
    assert "with enableDnsSupport off" in messages["dhcp-custom-dns"]


def _resolver_servers(servers: list[str]) -> dict[str, Any]:
    """healthy-nat (KMS through a NAT gateway) with DNS support off and these DNS servers."""
    raw = _raw("healthy-nat")
    _attributes(raw, False, True)
    dhcp = "dopt-0c0ffee0c0ffee001"
    raw["ec2"]["DhcpOptions"] = [
        {
            "DhcpOptionsId": dhcp,
            "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]}],
        }
    ]
    for vpc in raw["ec2"]["Vpcs"]:
        vpc["DhcpOptionsId"] = dhcp
    return raw


@pytest.mark.parametrize("servers", [["169.254.169.253"], ["10.0.0.2"]])
def test_servers_that_are_the_resolver_answer_nothing_with_support_off(servers: list[str]) -> None:
    report = _proven(_resolver_servers(servers))

    kms = next(p for p in report.paths if p.service == "kms")
    assert kms.reachable is False and kms.blocked_at is not None and kms.blocked_at.code == "DNS_SUPPORT_DISABLED"
    assert "kms-timeout" in report.predicted_failures


def test_twin_a_server_of_ones_own_resolves_public_names_through_the_nat() -> None:
    report = _proven(_resolver_servers(["10.0.0.53"]))

    kms = next(p for p in report.paths if p.service == "kms")
    assert kms.reachable is True and kms.via == "nat-gateway"


@pytest.mark.parametrize("support", [False, True])
def test_an_inbound_only_endpoint_beside_the_gateway_endpoint_is_unused_by_design(support: bool) -> None:
    """An S3 interface endpoint answering private DNS for inbound Resolver endpoints only, beside
    the S3 gateway endpoint: no private-DNS finding, support off (custom servers) or on."""
    raw = _raw("custom-dns-servers")
    _attributes(raw, support, True)
    (gateway,) = [e for e in raw["ec2"]["VpcEndpoints"] if e["ServiceName"].endswith(".s3")]
    (kms,) = [e for e in raw["ec2"]["VpcEndpoints"] if e["ServiceName"].endswith(".kms")]
    raw["ec2"]["VpcEndpoints"].append(
        {
            **kms,
            "VpcEndpointId": "vpce-0c0ffee0c0ffee005",
            "ServiceName": gateway["ServiceName"],
            "DnsOptions": {"PrivateDnsOnlyForInboundResolverEndpoint": True},
        }
    )
    report = _proven(raw)

    checks = {c for f in report.findings for c in (f.check, *f.folded)}
    assert "s3-endpoint-private-dns" not in checks
    assert next(p for p in report.paths if p.service == "s3").reachable is True
