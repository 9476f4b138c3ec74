"""`glue-netcheck connection` end to end: real layouts in a moto server, the installed CLI as a
subprocess with AWS_ENDPOINT_URL, assertions on the contract's JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import Aws
from expectations import CASES, assert_report
from scenarios import CONNECTION, SCENARIOS, Layout


def _ids(layout: Layout) -> Callable[[str], str]:
    def lookup(attr: str) -> str:
        value = layout.extra.get(attr) or getattr(layout, attr)
        assert value, f"scenario did not set {attr}"
        return str(value)

    return lookup


def test_every_scenario_has_an_expectation() -> None:
    assert set(CASES) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_connection_through_cli(aws: Aws, name: str) -> None:
    layout = SCENARIOS[name](aws.clients)

    result = aws.cli("connection", CONNECTION, "--format", "json")

    assert result.stderr == ""
    assert_report(result.json, result.code, CASES[name], _ids(layout))


def test_report_shape_follows_the_contract(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    assert report["schema_version"] == 1
    assert report["tool"] == {"name": "glue-netcheck", "version": "0.1.0"}
    assert report["region"] == "us-east-1"
    assert report["connection"] == {
        "name": CONNECTION,
        "type": "JDBC",
        "vpc_id": layout.vpc,
        "subnet_id": layout.subnet,
        "availability_zone": "us-east-1a",
        "security_group_ids": [layout.glue_sg],
    }
    assert sorted((c["kind"], c["name"], c["security_configuration"]) for c in report["consumers"]) == [
        ("crawler", "orders-crawler", "sec-kms"),
        ("job", "nightly-etl", "sec-kms"),
    ]
    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["endpoint"] == "kms.us-east-1.amazonaws.com" and kms["port"] == 443
    assert {h["type"] for h in kms["hops"]} <= {
        "vpc",
        "vpc-endpoint",
        "security-group",
        "route-table",
        "network-acl",
        "subnet",
        "nat-gateway",
        "internet-gateway",
        "transit-gateway",
        "vpc-peering",
        "virtual-private-gateway",
        "network-interface",
    }
    assert all(h["verdict"] in ("allow", "deny", "unknown", "info") for h in kms["hops"])


def test_remediation_names_real_ids(aws: Aws) -> None:
    layout = SCENARIOS["kms-private-dns-off"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    finding = next(f for f in report["findings"] if f["check"] == "kms-endpoint-private-dns")
    assert (
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {layout.kms_endpoint} --private-dns-enabled"
        in finding["remediation"]
    )


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


def test_s3_endpoint_on_the_wrong_table_is_fixed_by_associating_it(aws: Aws) -> None:
    layout = SCENARIOS["s3-endpoint-other-table"](aws.clients)

    report = aws.cli("connection", CONNECTION, "--format", "json").json

    finding = next(f for f in report["findings"] if f["check"] == "s3-reachable")
    assert finding["remediation"].startswith(
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {layout.s3_endpoint} --add-route-table-ids {layout.route_table}"
    )


def test_services_a_job_uses_are_traced_and_warn_when_unreachable(aws: Aws) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    aws.clients.glue.create_job(
        Name="logging-job",
        Role="arn:aws:iam::123456789012:role/glue-etl",
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/other.py"},
        Connections={"Connections": [CONNECTION]},
        DefaultArguments={
            "--enable-continuous-cloudwatch-log": "true",
            "--target-role": "arn:aws:iam::123456789012:role/warehouse-writer",
        },
    )

    result = aws.cli("connection", CONNECTION, "--format", "json")

    report = result.json
    # No NAT: the external JDBC host is reachable only if it resolves inside the VPC (undecided).
    assert (report["verdict"], result.code, report["predicted_failures"]) == ("unknown", 3, [])
    paths = {p["service"]: p for p in report["paths"]}
    assert set(paths) == {"kms", "s3", "logs", "sts", "target"}
    assert paths["target"]["reachable"] is None
    for service in ("logs", "sts"):
        assert paths[service]["endpoint"] == f"{service}.us-east-1.amazonaws.com"
        assert paths[service]["blocked_at"] == {
            "type": "route-table",
            "id": layout.route_table,
            "reason": paths[service]["blocked_at"]["reason"],
        }
    got = {(f["check"], f["severity"], f["resource"]) for f in report["findings"]}
    assert got == {
        ("logs-reachable", "warning", layout.route_table),
        ("sts-reachable", "warning", layout.route_table),
    }
