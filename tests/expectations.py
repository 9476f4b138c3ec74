"""What each scenario must produce, shared by the live (moto) and the offline (fixture) tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    # The scenarios' JDBC host is no resource of the account: reported as external (info).
    external_target: bool = True
    # check -> the checks folded into its finding (one story per cause: analyse/fold.py)
    folded: dict[str, tuple[str, ...]] = field(default_factory=dict)


TARGET_HOST = "orders.cluster-abc.us-east-1.rds.amazonaws.com"


HEALTHY_S3 = {"s3": (True, "gateway-endpoint", None, None)}
# The scenarios' JDBC host maps to no resource of the account. From a subnet with no way out of
# its VPC (no NAT, transit gateway, VPN or peering) it is reachable only if the name resolves
# inside the VPC, which the API cannot show: the target path is undecided, so is a healthy verdict.
NO_WAY_OUT = {"target": (None, None, None, None)}

CASES: dict[str, Expect] = {
    "healthy-nat": Expect("pass", paths={"kms": (True, "nat-gateway", None, None), **HEALTHY_S3}),
    "healthy-kms-endpoint": Expect(
        "unknown",
        paths={"kms": (True, "interface-endpoint", None, None), **HEALTHY_S3, **NO_WAY_OUT},
        external_target=False,
    ),
    "no-route-to-kms": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "error", "route_table")}),
        external_target=False,
    ),
    "kms-private-dns-off": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "vpc-endpoint", "kms_endpoint"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-endpoint-private-dns", "error", "kms_endpoint")}),
        folded={"kms-endpoint-private-dns": ("kms-reachable",)},
        external_target=False,
    ),
    "kms-endpoint-sg-blocks-443": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "security-group", "endpoint_sg"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-endpoint-security-group", "error", "endpoint_sg")}),
        folded={"kms-endpoint-security-group": ("kms-reachable",)},
        external_target=False,
    ),
    "no-self-referencing-rule": Expect(
        "fail",
        ("security-group-validation-failed",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("self-referencing-rule", "error", "glue_sg")}),
    ),
    "no-s3-path": Expect(
        "fail",
        ("s3-endpoint-validation-failed",),
        {
            "kms": (True, "interface-endpoint", None, None),
            "s3": (False, None, "route-table", "route_table"),
            **NO_WAY_OUT,
        },
        frozenset({("s3-reachable", "error", "route_table")}),
        external_target=False,
    ),
    "nacl-blocks-return-traffic": Expect(
        "fail",
        (*KMS_BOTH, "s3-timeout"),
        {"kms": (False, None, "network-acl", "nacl"), "s3": (False, None, "network-acl", "nacl"), **NO_WAY_OUT},
        # One ACL entry cures both paths: one cause, one finding.
        frozenset({("kms-reachable", "error", "nacl")}),
        folded={"kms-reachable": ("s3-reachable",)},
        external_target=False,
    ),
    "igw-route-only": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "internet-gateway", "igw"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "error", "igw")}),
        external_target=False,
    ),
    "dns-hostnames-off": Expect(
        "fail",
        ("crawler-internal-service-exception", "dns-resolution-failure", "kms-timeout"),
        {"kms": (False, None, "vpc", "vpc"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("vpc-dns-attributes", "error", "vpc")}),
        folded={"vpc-dns-attributes": ("kms-endpoint-private-dns", "kms-reachable")},
        external_target=False,
    ),
    "dns-support-off": Expect(
        "fail",
        (
            "crawler-internal-service-exception",
            "dns-resolution-failure",
            "kms-timeout",
            "s3-timeout",
            "target-unreachable",
        ),
        # No name resolves: the target's host name too (decided, not undecided).
        {"kms": (False, None, "vpc", "vpc"), "s3": (False, None, "vpc", "vpc"), "target": (False, None, "vpc", "vpc")},
        frozenset({("vpc-dns-attributes", "error", "vpc")}),
        folded={"vpc-dns-attributes": ("kms-reachable", "s3-reachable", "target-reachable")},
        external_target=False,
    ),
    "custom-dns-servers": Expect(
        "unknown",
        (),
        {"kms": (True, "interface-endpoint", None, None), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("dhcp-custom-dns", "warning", "dhcp")}),
        external_target=False,
    ),
    "missing-subnet": Expect(
        "fail",
        ("invalid-network-configuration",),
        {"kms": (False, None, "subnet", "missing_subnet"), "s3": (False, None, "subnet", "missing_subnet")},
        frozenset({("network-resources-exist", "error", "missing_subnet")}),
        external_target=False,
    ),
    "az-mismatch": Expect(
        "fail",
        ("invalid-network-configuration",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("availability-zone-match", "error", "subnet")}),
    ),
    "too-few-ips": Expect(
        "fail",
        ("insufficient-ip-addresses",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("subnet-free-ips", "error", "subnet")}),
    ),
    "transit-gateway-egress": Expect(
        "unknown",
        (),
        {"kms": (None, "transit-gateway", None, None), **HEALTHY_S3, **NO_WAY_OUT},
        external_target=False,
    ),
    "nat-without-igw-route": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "route-table", "public_route_table"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "error", "public_route_table")}),
        external_target=False,
    ),
    "kms-unused": Expect(
        "unknown",
        (),
        {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "warning", "route_table")}),
        external_target=False,
    ),
    "no-consumers": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "error", "route_table")}),
        external_target=False,
    ),
    "glue-egress-only-self": Expect(
        "fail",
        (*KMS_BOTH, "s3-timeout"),
        {
            "kms": (False, None, "security-group", "glue_sg"),
            "s3": (False, None, "security-group", "glue_sg"),
            **NO_WAY_OUT,
        },
        frozenset({("kms-reachable", "error", "glue_sg"), ("s3-reachable", "error", "glue_sg")}),
        external_target=False,
    ),
    "no-egress": Expect(
        "fail",
        (*KMS_BOTH, "s3-timeout", "security-group-validation-failed"),
        {
            "kms": (False, None, "security-group", "glue_sg"),
            "s3": (False, None, "security-group", "glue_sg"),
            **NO_WAY_OUT,
        },
        frozenset({("security-group-egress", "error", "glue_sg")}),
        folded={"security-group-egress": ("kms-reachable", "s3-reachable")},
        external_target=False,
    ),
    "missing-security-group": Expect(
        "fail",
        ("invalid-network-configuration",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("network-resources-exist", "error", "missing_sg")}),
        external_target=False,
    ),
    "az-missing": Expect(
        "fail",
        ("invalid-network-configuration",),
        {"kms": (True, "nat-gateway", None, None), **HEALTHY_S3},
        frozenset({("availability-zone-match", "error", "connection")}),
    ),
    "catalog-encrypted": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "route-table", "route_table"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-reachable", "error", "route_table")}),
        external_target=False,
    ),
    "kms-endpoint-default-sg": Expect(
        "fail",
        KMS_BOTH,
        {"kms": (False, None, "security-group", "endpoint_sg"), **HEALTHY_S3, **NO_WAY_OUT},
        frozenset({("kms-endpoint-security-group", "error", "endpoint_sg")}),
        folded={"kms-endpoint-security-group": ("kms-reachable",)},
        external_target=False,
    ),
    "main-route-table": Expect("pass", paths={"kms": (True, "nat-gateway", None, None), **HEALTHY_S3}),
    "s3-endpoint-other-table": Expect(
        "fail",
        ("s3-endpoint-validation-failed",),
        {
            "kms": (True, "interface-endpoint", None, None),
            "s3": (False, None, "route-table", "route_table"),
            **NO_WAY_OUT,
        },
        frozenset({("s3-reachable", "error", "route_table")}),
        external_target=False,
    ),
    "two-groups": Expect("pass", paths={"kms": (True, "nat-gateway", None, None), **HEALTHY_S3}),
}


def assert_report(report: dict[str, Any], code: int, expect: Expect, ids: Callable[[str], str]) -> None:
    """Compare a whole connection report with an expectation; `ids` maps Layout attributes to ids."""
    assert report["verdict"] == expect.verdict
    assert code == EXIT[expect.verdict]
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
            assert path["blocked_at"]["id"] == ids(blocked_attr or "")
            assert path["blocked_at"]["reason"]
            # The blocking resource appears in the trace, hop types use the same words.
            assert any(h["id"] == path["blocked_at"]["id"] for h in path["hops"])
    got = {(f["check"], f["severity"], f["resource"]) for f in report["findings"]}
    want = {(check, severity, ids(attr)) for check, severity, attr in expect.findings}
    if expect.external_target:  # named by its public path's blocker when there is one
        info = {f for f in got if f[0] == "target-reachable" and f[1] == "info"}
        assert len(info) == 1, got
        want |= info
    assert got == want
    # Each cause once: what the path checks saw is folded into the finding that says why.
    assert {f["check"]: tuple(sorted(f["folded"])) for f in report["findings"] if f["folded"]} == expect.folded
    for finding in report["findings"]:
        assert finding["message"] and (finding["remediation"] or finding["severity"] == "info")
        assert set(finding["predicts"]) <= set(report["predicted_failures"])
