"""`glue-netcheck connection` end to end: real layouts in a moto server, the installed CLI as a
subprocess with AWS_ENDPOINT_URL, assertions on the contract's JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from conftest import Aws
from scenarios import CONNECTION, SCENARIOS, Layout

KMS_BOTH = ("crawler-internal-service-exception", "kms-timeout")
EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}


@dataclass(frozen=True)
class Expect:
    verdict: str
    failures: tuple[str, ...] = ()
    # service -> (reachable, via, blocked_at.type, Layout attribute holding blocked_at.id)
    paths: dict[str, tuple[bool | None, str | None, str | None, str | None]] = field(default_factory=dict)
    # every finding, whole: (check, severity, Layout attribute holding the resource id)
    findings: frozenset[tuple[str, str, str]] = frozenset()


HEALTHY_S3 = {"s3": (True, "gateway-endpoint", None, None)}

CASES: dict[str, Expect] = {
    "healthy-nat": Expect("pass", paths={"kms": (True, "nat-gateway", None, None), **HEALTHY_S3}),
    "healthy-kms-endpoint": Expect("pass", paths={"kms": (True, "interface-endpoint", None, None), **HEALTHY_S3}),
    "no-route-to-kms": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3},
        frozenset({("kms-reachable", "error", "route_table")})),
    "kms-private-dns-off": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "vpc-endpoint", "kms_endpoint"), **HEALTHY_S3},
        frozenset({("kms-endpoint-private-dns", "error", "kms_endpoint"),
                   ("kms-reachable", "error", "kms_endpoint")})),
    "kms-endpoint-sg-blocks-443": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "security-group", "endpoint_sg"), **HEALTHY_S3},
        frozenset({("kms-endpoint-security-group", "error", "endpoint_sg"),
                   ("kms-reachable", "error", "endpoint_sg")})),
    "no-self-referencing-rule": Expect(
        "fail", ("security-group-validation-failed",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("self-referencing-rule", "error", "glue_sg")})),
    "no-s3-path": Expect(
        "fail", ("s3-endpoint-validation-failed",),
        {"kms": (True, "interface-endpoint", None, None), "s3": (False, None, "route-table", "route_table")},
        frozenset({("s3-reachable", "error", "route_table")})),
    "nacl-blocks-return-traffic": Expect(
        "fail", (*KMS_BOTH, "s3-endpoint-validation-failed"),
        {"kms": (False, None, "network-acl", "nacl"), "s3": (False, None, "network-acl", "nacl")},
        frozenset({("kms-reachable", "error", "nacl"), ("s3-reachable", "error", "nacl")})),
    "igw-route-only": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "internet-gateway", "igw"), **HEALTHY_S3},
        frozenset({("kms-reachable", "error", "igw")})),
    "dns-hostnames-off": Expect(
        "fail", ("crawler-internal-service-exception", "dns-resolution-failure", "kms-timeout"),
        {"kms": (False, None, "vpc", "vpc"), **HEALTHY_S3},
        frozenset({("vpc-dns-attributes", "error", "vpc"), ("kms-reachable", "error", "vpc"),
                   ("kms-endpoint-private-dns", "error", "vpc")})),
    "dns-support-off": Expect(
        "fail", ("crawler-internal-service-exception", "dns-resolution-failure", "kms-timeout",
                 "s3-endpoint-validation-failed"),
        {"kms": (False, None, "vpc", "vpc"), "s3": (False, None, "vpc", "vpc")},
        frozenset({("vpc-dns-attributes", "error", "vpc"), ("kms-reachable", "error", "vpc"),
                   ("s3-reachable", "error", "vpc")})),
    "custom-dns-servers": Expect(
        "warn", (), {"kms": (True, "interface-endpoint", None, None), **HEALTHY_S3},
        frozenset({("dhcp-custom-dns", "warning", "dhcp")})),
    "missing-subnet": Expect(
        "fail", ("invalid-network-configuration",),
        {"kms": (False, None, "subnet", "missing_subnet"), "s3": (False, None, "subnet", "missing_subnet")},
        frozenset({("network-resources-exist", "error", "missing_subnet")})),
    "az-mismatch": Expect(
        "fail", ("invalid-network-configuration",), {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("availability-zone-match", "error", "subnet")})),
    "too-few-ips": Expect(
        "fail", ("insufficient-ip-addresses",), {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("subnet-free-ips", "error", "subnet")})),
    "transit-gateway-egress": Expect(
        "unknown", (), {"kms": (None, "transit-gateway", None, None), **HEALTHY_S3}),
    "nat-without-igw-route": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "route-table", "public_route_table"), **HEALTHY_S3},
        frozenset({("kms-reachable", "error", "public_route_table")})),
    "kms-unused": Expect(
        "warn", (), {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3},
        frozenset({("kms-reachable", "warning", "route_table")})),
    "no-consumers": Expect(
        "fail", KMS_BOTH, {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3},
        frozenset({("kms-reachable", "error", "route_table")})),
    "glue-egress-only-self": Expect(
        "fail", (*KMS_BOTH, "s3-endpoint-validation-failed"),
        {"kms": (False, None, "security-group", "glue_sg"), "s3": (False, None, "security-group", "glue_sg")},
        frozenset({("kms-reachable", "error", "glue_sg"), ("s3-reachable", "error", "glue_sg")})),
}


def _id(layout: Layout, attr: str) -> str:
    value = layout.extra.get(attr) or getattr(layout, attr)
    assert value, f"scenario did not set {attr}"
    return str(value)


def test_every_scenario_has_an_expectation() -> None:
    assert set(CASES) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_connection_through_cli(aws: Aws, name: str) -> None:
    layout = SCENARIOS[name](aws.clients)
    expect = CASES[name]

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert result.stderr == ""
    report = result.json
    assert report["verdict"] == expect.verdict
    assert result.code == EXIT[expect.verdict]
    assert report["predicted_failures"] == sorted(expect.failures)
    paths = {p["service"]: p for p in report["paths"]}
    assert {"kms", "s3"} <= set(paths)
    for service, (reachable, via, blocked_type, blocked_attr) in expect.paths.items():
        path = paths[service]
        assert (path["reachable"], path["via"]) == (reachable, via), path
        if blocked_type is None:
            assert path["blocked_at"] is None
        else:
            assert path["blocked_at"]["type"] == blocked_type
            assert path["blocked_at"]["id"] == _id(layout, blocked_attr or "")
            assert path["blocked_at"]["reason"]
            # The blocking resource appears in the trace, hop types use the same words.
            assert any(h["id"] == path["blocked_at"]["id"] for h in path["hops"])
    got = {(f["check"], f["severity"], f["resource"]) for f in report["findings"]}
    want = {(check, severity, _id(layout, attr)) for check, severity, attr in expect.findings}
    assert got == want
    for finding in report["findings"]:
        assert finding["message"] and (finding["remediation"] or finding["severity"] == "info")
        assert set(finding["predicts"]) <= set(report["predicted_failures"])


def test_report_shape_follows_the_contract(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    assert report["schema_version"] == 1
    assert report["tool"] == {"name": "glue-netcheck", "version": "0.1.0"}
    assert report["region"] == "us-east-1"
    assert report["connection"] == {
        "name": CONNECTION, "type": "JDBC", "vpc_id": layout.vpc, "subnet_id": layout.subnet,
        "availability_zone": "us-east-1a", "security_group_ids": [layout.glue_sg],
    }
    assert sorted((c["kind"], c["name"], c["security_configuration"]) for c in report["consumers"]) == [
        ("crawler", "orders-crawler", "sec-kms"), ("job", "nightly-etl", "sec-kms")]
    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["endpoint"] == "kms.us-east-1.amazonaws.com" and kms["port"] == 443
    assert {h["type"] for h in kms["hops"]} <= {
        "vpc", "vpc-endpoint", "security-group", "route-table", "network-acl", "subnet",
        "nat-gateway", "internet-gateway", "transit-gateway", "vpc-peering",
        "virtual-private-gateway", "network-interface"}
    assert all(h["verdict"] in ("allow", "deny", "unknown", "info") for h in kms["hops"])


def test_remediation_names_real_ids(aws: Aws) -> None:
    layout = SCENARIOS["kms-private-dns-off"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    finding = next(f for f in report["findings"] if f["check"] == "kms-endpoint-private-dns")
    assert f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {layout.kms_endpoint} --private-dns-enabled" in finding["remediation"]


def test_endpoint_security_group_fix_admits_the_glue_group(aws: Aws) -> None:
    layout = SCENARIOS["kms-endpoint-sg-blocks-443"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    finding = next(f for f in report["findings"] if f["check"] == "kms-endpoint-security-group")
    assert finding["remediation"] == (
        f"aws ec2 authorize-security-group-ingress --group-id {layout.endpoint_sg} --ip-permissions "
        f"'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{{GroupId={layout.glue_sg}}}]'"
    )


def test_text_output_leads_with_the_verdict_and_names_the_blocker(aws: Aws) -> None:
    layout = SCENARIOS["igw-route-only"](aws.clients)

    result = aws.cli("connection", CONNECTION)

    assert result.code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("FAIL") and CONNECTION in first
    assert f"BLOCKED at internet-gateway {layout.igw}" in result.stdout
    assert "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour codes


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_password_never_appears(aws: Aws, fmt: str) -> None:
    SCENARIOS["no-route-to-kms"](aws.clients)

    result = aws.cli("connection", CONNECTION, "--format", fmt)

    assert result.code == 1
    assert "canary-Sup3rSecret" not in result.stdout + result.stderr


def test_unknown_connection_is_one_line_and_exit_2(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    result = aws.cli("connection", "no-such-connection", "--format", "json")

    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no-such-connection" in lines[0] and "not found" in lines[0]
