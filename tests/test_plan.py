"""`glue-netcheck plan`: each plan fixture gives the verdict and failure codes of the equivalent
layout built live in moto (pair by pair); unknown values resolve through references, a module
and for_each; the plan merges with the live account, deletions included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from plans import PLANS, document, glue, network, s3_gateway

from conftest import FIXTURES, Aws, run_cli
from scenarios import CONNECTION, SCENARIOS

PLAN_DIR = FIXTURES / "plans"


def outcome(report: dict) -> tuple[str, list[str]]:  # type: ignore[type-arg]
    return report["verdict"], report["predicted_failures"]


def test_fixtures_are_current() -> None:
    for name, (build, _) in PLANS.items():
        assert json.loads((PLAN_DIR / f"{name}.json").read_text()) == document(build()), name


@pytest.mark.parametrize("name", sorted(PLANS))
def test_plan_matches_the_live_layout(aws: Aws, name: str) -> None:
    _, scenario = PLANS[name]
    SCENARIOS[scenario](aws.clients)
    live = aws.cli("connection", CONNECTION, "--format", "json")
    requests.post(f"{aws.url}/moto-api/reset", timeout=10)  # an empty account: everything comes from the plan

    planned = aws.cli("plan", str(PLAN_DIR / f"{name}.json"), "--format", "json")

    assert planned.stderr == ""
    [report] = planned.json["results"]
    assert outcome(report) == outcome(live.json)
    assert planned.code == live.code


def test_unknown_ids_resolve_through_module_outputs_and_for_each(aws: Aws) -> None:
    report = aws.cli("plan", str(PLAN_DIR / "private-dns-disabled.json"), "--format", "json").json["results"][0]

    assert report["connection"]["subnet_id"] == 'subnet-module.net.aws_subnet.this["a"]'
    assert report["connection"]["security_group_ids"] == ["sg-aws_security_group.glue"]
    finding = next(f for f in report["findings"] if f["check"] == "kms-endpoint-private-dns")
    assert finding["terraform_address"] == "aws_vpc_endpoint.kms"
    assert "canary-Sup3rSecret" not in json.dumps(report)


def test_sarif_points_at_terraform_addresses(aws: Aws) -> None:
    sarif = aws.cli("plan", str(PLAN_DIR / "no-kms-endpoint.json"), "--format", "sarif").json
    names = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in sarif["runs"][0]["results"]}
    assert "aws_route_table.glue" in names


def test_plan_deleting_an_existing_endpoint_breaks_existing_connections(aws: Aws, tmp_path: Path) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    plan = document([])
    plan["resource_changes"] = [
        {
            "address": "aws_vpc_endpoint.kms",
            "mode": "managed",
            "type": "aws_vpc_endpoint",
            "name": "kms",
            "change": {
                "actions": ["delete"],
                "before": {"id": layout.kms_endpoint, "vpc_id": layout.vpc},
                "after": None,
                "after_unknown": {},
            },
        }
    ]
    path = tmp_path / "delete.json"
    path.write_text(json.dumps(plan))

    result = aws.cli("plan", str(path), "--format", "json")

    [report] = result.json["results"]
    assert report["connection"]["name"] == CONNECTION
    assert outcome(report) == ("fail", ["crawler-internal-service-exception", "kms-timeout"])
    assert result.code == 1


def test_planned_connection_in_an_existing_subnet(aws: Aws, tmp_path: Path) -> None:
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    [_, connection, *_] = glue()
    connection.values["name"] = "planned-db"
    connection.refs = {}
    connection.values["physical_connection_requirements"] = [
        {"subnet_id": layout.subnet, "security_group_id_list": [layout.glue_sg], "availability_zone": "us-east-1a"}
    ]
    path = tmp_path / "existing.json"
    path.write_text(json.dumps(document([connection])))

    result = aws.cli("plan", str(path), "--format", "json")

    names = {r["connection"]["name"]: r for r in result.json["results"]}
    assert outcome(names["planned-db"]) == ("pass", [])


def test_plan_offline_with_a_snapshot(aws: Aws, tmp_path: Path) -> None:
    snapshot = tmp_path / "empty.json"
    assert aws.cli("snapshot", "--output", str(snapshot)).code == 0

    result = run_cli("plan", str(PLAN_DIR / "healthy.json"), "--snapshot", str(snapshot))

    assert result.code == 0 and result.stdout.startswith("1 connection(s): 1 pass")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"planned_values": {}, "format_version": "2.0"}', "format_version"),
        ('{"format_version": "1.2"}', "not a `terraform show -json` plan"),
        (
            '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": 3}]}}}',
            "unexpected content",
        ),
        ('{"format_version": "1.2", "planned_v', "not valid JSON"),
    ],
)
def test_bad_plans_are_one_line_and_exit_2(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)

    result = run_cli("plan", str(path), "--snapshot", str(FIXTURES / "healthy-nat.json"))

    assert result.code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and needle in result.stderr and "Traceback" not in result.stderr


def test_s3_gateway_on_the_wrong_table_names_it(aws: Aws) -> None:
    assert s3_gateway and network  # the layouts' building blocks are shared with the fixtures
    report = aws.cli("plan", str(PLAN_DIR / "s3-endpoint-not-associated.json"), "--format", "json").json["results"][0]
    s3 = next(p for p in report["paths"] if p["service"] == "s3")
    assert s3["blocked_at"]["id"] == "rtb-aws_route_table.glue"


def test_a_planned_value_of_the_wrong_type_is_one_line(tmp_path: Path) -> None:
    # Found by the plan fuzzer: a list where AWS puts a VPC id used to crash the engine.
    document = json.loads((PLAN_DIR / "private-dns-disabled.json").read_text())
    group = next(r for r in document["planned_values"]["root_module"]["resources"] if r["type"] == "aws_security_group")
    group["values"]["vpc_id"] = []
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))

    result = run_cli("plan", str(path), "--snapshot", str(FIXTURES / "healthy-nat.json"))

    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"glue-netcheck: error: plan {path}: ") and "wrong type" in result.stderr
