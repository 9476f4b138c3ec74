"""NACL ephemeral ranges end to end (issue 13.5), through the CLI against moto: return traffic
comes back to the client's ephemeral port (32768-60999 on Glue's workers, 1024-65535 on a NAT
gateway), so a deny of a few ports in that range is a warning about intermittent failures,
and a deny of the range is a drop."""

from __future__ import annotations

from typing import Any

from conftest import Aws, Result
from scenarios import CONNECTION, Layout, custom_nacl, healthy_nat

ALLOW_ALL = [(100, True, "-1", "allow", None, "0.0.0.0/0"), (100, False, "-1", "allow", None, "0.0.0.0/0")]
# CIS AWS Foundations: no inbound SSH or RDP from anywhere, before an allow-all.
CIS = [(50, False, "6", "deny", (22, 22), "0.0.0.0/0"), (60, False, "6", "deny", (3389, 3389), "0.0.0.0/0"), *ALLOW_ALL]


def _nat_subnet_acl(aws: Aws, layout: Layout, entries: list[tuple[Any, ...]]) -> str:
    """`entries` as the ACL of the NAT gateway's subnet (custom_nacl puts one on the Glue subnet)."""
    glue = Layout(vpc=layout.vpc, subnet=layout.public_subnet)
    custom_nacl(aws.clients, glue, entries)
    return glue.nacl


def _report(aws: Aws) -> tuple[Result, dict[str, Any], set[tuple[str, str, str]]]:
    result = aws.cli("connection", CONNECTION, "--format", "json")
    kms = next(p for p in result.json["paths"] if p["service"] == "kms")
    # The scenario's JDBC host is external: its info note says so and is beside the point here.
    findings = {
        (f["check"], f["severity"], f["resource"])
        for f in result.json["findings"]
        if (f["check"], f["severity"]) != ("target-reachable", "info")
    }
    return result, kms, findings


def test_cis_deny_at_the_nat_subnet_is_a_warning_not_a_drop(aws: Aws) -> None:
    layout = healthy_nat(aws.clients)
    acl = _nat_subnet_acl(aws, layout, CIS)

    result, kms, findings = _report(aws)

    assert (result.code, result.json["verdict"], result.json["predicted_failures"]) == (0, "warn", [])
    assert (kms["reachable"], kms["via"], kms["blocked_at"]) == (True, "nat-gateway", None)
    warned = [h for h in kms["hops"] if h["code"] == "EPHEMERAL_PORTS_DENIED"]
    assert [(h["id"], h["verdict"]) for h in warned] == [(acl, "allow")]
    assert "(3389)" in warned[0]["detail"] and "intermittent" in warned[0]["detail"]
    assert findings == {("nacl-ephemeral-ports", "warning", acl)}


def test_twin_a_deny_of_the_whole_return_range_is_a_drop(aws: Aws) -> None:
    layout = healthy_nat(aws.clients)
    acl = _nat_subnet_acl(aws, layout, [(50, False, "6", "deny", (1024, 65535), "0.0.0.0/0"), *ALLOW_ALL])

    result, kms, findings = _report(aws)

    assert (result.code, result.json["verdict"]) == (1, "fail")
    assert (kms["reachable"], kms["blocked_at"]["type"], kms["blocked_at"]["id"]) == (False, "network-acl", acl)
    assert kms["blocked_at"]["reason"].startswith("SUBNET_ACL_RESTRICTION: ")
    assert not any(f[0] == "nacl-ephemeral-ports" for f in findings)


def test_twin_cis_deny_on_the_glue_subnet_is_outside_glues_range(aws: Aws) -> None:
    # Glue's workers pick 32768-60999: return traffic to them never uses 22 or 3389.
    layout = healthy_nat(aws.clients)
    custom_nacl(aws.clients, layout, CIS)

    result, kms, findings = _report(aws)

    assert (result.code, result.json["verdict"], findings) == (0, "pass", set())
    assert not any(h["code"] for h in kms["hops"])


def test_glue_subnet_admitting_only_the_upper_ports_passes(aws: Aws) -> None:
    # An ACL written for Linux clients (inbound 32768-65535 only) covers Glue's return range.
    layout = healthy_nat(aws.clients)
    custom_nacl(
        aws.clients,
        layout,
        [(100, True, "-1", "allow", None, "0.0.0.0/0"), (100, False, "6", "allow", (32768, 65535), "0.0.0.0/0")],
    )

    result, kms, _ = _report(aws)

    assert (result.code, result.json["verdict"]) == (0, "pass")
    assert (kms["reachable"], kms["via"]) == (True, "nat-gateway")
