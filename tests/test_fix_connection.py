"""Fixes of the Glue connection's own settings (fixes/connection.py): a zone that is not its
subnet's or no zone, a deleted subnet, a deleted group or none, a subnet too small. Each is
proven by the engine (verified, the finding gone), is valid shell without placeholders, and,
run with the real AWS CLI against moto, makes the next analysis pass.

moto 5.2.5 has NO Glue UpdateConnection, and its GetConnection leaves out ConnectionType (AWS
always returns it; MOTO_NOTES.md). The `glue_as_aws` fixture teaches the test server both as
AWS documents them: GetConnection answers ConnectionType; UpdateConnection checks its
parameters against botocore's service model for glue UpdateConnection (the documented API
shape: AWS refuses what the model refuses) and replaces the connection's definition with the
ConnectionInput whole, as UpdateConnection does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.checks.finding import Finding
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.fixes.candidates import situation
from glue_netcheck.fixes.connection import SetPhysicalConnection, other_subnets
from glue_netcheck.fixes.plan import fix_plan
from glue_netcheck.fixes.proof import cure, prove, prove_finding
from glue_netcheck.fixes.render import render_sh
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import Subnet
from test_fix_moto import assert_cured, aws_cli_env, planned_script, run_script

from conftest import Aws
from scenarios import (
    CONNECTION,
    SCENARIOS,
    Layout,
    glue_resources,
    glue_security_group,
    public_nat,
    s3_gateway,
    vpc,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PASSWORD = "canary-Sup3rSecret!"  # the scenarios' connection password
GLUE = botocore.session.get_session().get_service_model("glue")
UPDATE_CONNECTION = GLUE.operation_model("UpdateConnection").input_shape


def inventory_of(name: str) -> Inventory:
    (inventory,) = load_snapshot(FIXTURES / f"{name}.json").values()
    return inventory


def bash_n(text: str) -> str:
    return subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True, check=False).stderr


def invalid(params: dict[str, Any]) -> str:
    """botocore's validation of UpdateConnection parameters: '' when valid."""
    report = ParamValidator().validate(params, UPDATE_CONNECTION)
    return str(report.generate_report()) if report.has_errors() else ""


# --- the test server as AWS ------------------------------------------------------------------


@pytest.fixture
def glue_as_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """GetConnection with ConnectionType; UpdateConnection, validated, replacing the definition.
    Yields the UpdateConnection requests the server received."""
    from moto.core.responses import ActionResult
    from moto.glue.models import FakeConnection
    from moto.glue.responses import GlueResponse

    original = FakeConnection.as_dict
    received: list[dict[str, Any]] = []

    def as_dict(self: Any, hide_password: bool = False) -> dict[str, Any]:
        answer: dict[str, Any] = original(self, hide_password)
        for key in ("ConnectionType", "MatchCriteria"):
            if key in self.connection_input:
                answer[key] = self.connection_input[key]
        return answer

    def update_connection(self: Any) -> ActionResult:
        params = {"Name": self._get_param("Name"), "ConnectionInput": self._get_param("ConnectionInput")}
        received.append(params)
        problem = invalid(params)
        assert problem == "", problem  # a 500 to the CLI: the script fails, and so does the test
        connection = self.glue_backend.get_connection(None, params["Name"], None)
        connection.__init__(self.glue_backend, connection.catalog_id, params["ConnectionInput"], {})
        return ActionResult({})

    monkeypatch.setattr(FakeConnection, "as_dict", as_dict)
    monkeypatch.setattr(GlueResponse, "update_connection", update_connection, raising=False)
    yield received


# --- layouts built here ----------------------------------------------------------------------


def small_subnet_with_room(c: Any) -> Layout:
    """A /28 for a job with 20 workers, and two private /24s on the same route table (NAT and S3
    gateway endpoint) in us-east-1a and us-east-1b: moving there cures it."""
    layout = SCENARIOS["too-few-ips"](c)
    for cidr, zone in (("10.0.2.0/24", "us-east-1a"), ("10.0.3.0/24", "us-east-1b")):
        subnet = c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        c.ec2.associate_route_table(RouteTableId=layout.route_table, SubnetId=subnet)
        layout.extra[zone] = subnet
    return layout


def roomy_subnet(c: Any) -> Layout:
    """The healthy twin: the same job in a /24."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, workers=20)
    return layout


def only_group_missing(c: Any) -> Layout:
    """The connection's only group is deleted, and no group of the VPC admits itself (moto's
    default group has no self-referencing rule): a new group is the cure."""
    layout = Layout()
    vpc(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, groups=["sg-0deadbeef0000000"])
    return layout


LAYOUTS = {
    **{name: SCENARIOS[name] for name in ("az-mismatch", "az-missing", "missing-subnet", "missing-security-group")},
    "small-subnet-with-room": small_subnet_with_room,
    "only-group-missing": only_group_missing,
}
# The check each layout's connection fails, and the change that cures it.
EXPECTED = {
    "az-mismatch": ("availability-zone-match", "set the availability zone of connection orders-db to us-east-1a"),
    "az-missing": ("availability-zone-match", "set the availability zone of connection orders-db to us-east-1a"),
    "missing-subnet": ("network-resources-exist", "move connection orders-db to subnet "),
    "missing-security-group": ("network-resources-exist", "remove sg-0deadbeef0000000 from connection orders-db"),
    "small-subnet-with-room": ("subnet-free-ips", "move connection orders-db to subnet "),
    "only-group-missing": ("network-resources-exist", "create security group glue-orders-db in "),
}


def errors(report: Any) -> list[Finding]:
    return [f for f in report.findings if f.severity == "error"]


# --- the engine proves them ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["az-mismatch", "az-missing", "missing-subnet", "missing-security-group"])
def test_fixture_error_gets_a_verified_connection_fix_that_clears_it(name: str) -> None:
    inventory = inventory_of(name)
    before = analyse_connection(inventory, CONNECTION)
    check, change = EXPECTED[name]
    (finding,) = [f for f in errors(before) if f.check == check]

    outcome = cure(inventory, before, finding)
    proven = prove(inventory, before)

    assert outcome is not None and outcome.verified, outcome
    assert [f for f in errors(outcome.after)] == []  # the finding gone, and no other error
    assert outcome.after.predicted_failures == () and before.predicted_failures != ()
    (fixed,) = [f for f in proven.findings if f.check == check]
    assert fixed.fix is not None and fixed.fix.verified and fixed.fix.effect.startswith(change), fixed.fix
    script = "\n".join(fixed.fix.commands)
    assert bash_n(script) == "" and "<" not in script and ">" not in script, script
    assert "aws glue update-connection --name orders-db --connection-input file:///dev/stdin" in script
    assert "physical_connection_requirements {" in fixed.fix.terraform


def test_healthy_twin_has_no_connection_finding_and_nothing_to_fix() -> None:
    inventory = inventory_of("healthy-nat")
    report = prove(inventory, analyse_connection(inventory, CONNECTION))

    assert [f.check for f in report.findings if f.fix is not None] == []
    assert fix_plan(inventory, CONNECTION).steps == ()


def test_the_zone_fix_sets_the_subnets_zone_and_keeps_subnet_and_groups() -> None:
    inventory = inventory_of("az-mismatch")
    conn = inventory.connections[CONNECTION]
    subnet = inventory.network.subnets[conn.subnet_id or ""]
    report = analyse_connection(inventory, CONNECTION)
    (finding,) = [f for f in errors(report) if f.check == "availability-zone-match"]

    outcome = cure(inventory, report, finding)

    assert outcome is not None
    (edit,) = outcome.candidate
    assert isinstance(edit, SetPhysicalConnection)
    assert (conn.availability_zone, subnet.availability_zone) == ("us-east-1b", "us-east-1a")
    assert (edit.subnet_id, edit.group_ids, edit.availability_zone) == (
        conn.subnet_id,
        conn.security_group_ids,
        "us-east-1a",
    )
    assert outcome.inventory.connections[CONNECTION].availability_zone == "us-east-1a"
    assert inventory.connections[CONNECTION].availability_zone == "us-east-1b"  # pure: the original kept


def test_a_subnet_whose_free_addresses_are_unknown_is_no_move_for_too_few_ips() -> None:
    """A planned subnet (AvailableIpAddressCount unknown) beside the full one: subnet-free-ips is
    silent on it, so a move there would pass as verified without anyone knowing it has room."""
    inventory = inventory_of("too-few-ips")
    subnet = inventory.network.subnets[inventory.connections[CONNECTION].subnet_id or ""]
    planned = Subnet(
        "subnet-0planned000000001", subnet.vpc_id, IPv4Network("10.0.64.0/20"), subnet.availability_zone, None
    )
    subnets = {**inventory.network.subnets, planned.id: planned}
    inventory = replace(inventory, network=replace(inventory.network, subnets=subnets))
    report = analyse_connection(inventory, CONNECTION)

    (proven,) = [f for f in prove(inventory, report).findings if f.check == "subnet-free-ips"]

    assert proven.fix is not None
    assert planned.id not in proven.fix.effect and "update-job" in proven.fix.commands[-1]
    (finding,) = [f for f in report.findings if f.check == "subnet-free-ips"]
    assert all(planned.id not in str(c) for c in other_subnets(situation(inventory, report, finding)))
    # Its twin with the count known (4,091 free) is a candidate move (the re-analysis decides).
    known = {**subnets, planned.id: replace(planned, available_ips=4091)}
    inventory = replace(inventory, network=replace(inventory.network, subnets=known))
    report = analyse_connection(inventory, CONNECTION)
    moves = other_subnets(situation(inventory, report, finding))
    assert [edit.subnet_id for (edit,) in moves if isinstance(edit, SetPhysicalConnection)][:1] == [planned.id]


def test_too_small_subnet_with_no_other_private_subnet_gets_fewer_workers_of_its_job() -> None:
    """too-few-ips' VPC holds only the public subnet besides (Glue's ENIs have no public IP):
    no network change verifies, so the job using the connection gets fewer workers."""
    inventory = inventory_of("too-few-ips")
    report = analyse_connection(inventory, CONNECTION)
    (finding,) = [f for f in report.findings if f.check == "subnet-free-ips"]
    network_fix = prove_finding(inventory, report, finding)
    assert network_fix is not None and not network_fix.verified
    assert "not verified: kms, s3 would stop being reachable" in network_fix.effect

    (proven,) = [f for f in prove(inventory, report).findings if f.check == "subnet-free-ips"]

    assert proven.fix is not None and proven.fix.verified, proven.fix
    assert proven.fix.commands[-1].startswith("aws glue update-job --job-name nightly-etl ")
    assert "NumberOfWorkers" in " ".join(proven.fix.commands)
    plan = fix_plan(inventory, CONNECTION)
    assert plan.exit_code == 0 and [s.fix for s in plan.steps] == [proven.fix]


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("the connection names no security group", "give connection orders-db group sg-"),
        ("the group is in another VPC than the subnet", "create security group glue-orders-db in vpc-"),
    ],
)
def test_case_file_group_errors_get_a_verified_fix(case: str, change: str) -> None:
    sys.path.insert(0, str(Path(__file__).parent / "checks"))
    from test_cases import CASES, apply_patch, load

    from glue_netcheck.model.build import build_inventory

    spec = load(CASES / "network-resources-exist.json")
    (one,) = [c for c in spec["cases"] if c["name"] == case]
    healthy = [c for c in spec["cases"] if not any(f["severity"] == "error" for f in c["findings"])]
    inventory = build_inventory(spec["region"], apply_patch(spec["snapshot"], one["patch"]))
    twin = build_inventory(spec["region"], apply_patch(spec["snapshot"], healthy[0]["patch"]))

    report = prove(inventory, analyse_connection(inventory, CONNECTION))

    (finding,) = [f for f in errors(report) if f.check == "network-resources-exist"]
    assert finding.fix is not None and finding.fix.verified, finding.fix
    assert finding.fix.effect.startswith(change), finding.fix.effect
    assert bash_n("\n".join(finding.fix.commands)) == ""
    assert [f for f in errors(analyse_connection(twin, CONNECTION)) if f.check == "network-resources-exist"] == []


# --- the printed script, run with the real AWS CLI against moto ------------------------------


@pytest.mark.skipif(shutil.which("bash") is None, reason="the fix script is a bash script")
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_printed_connection_fix_run_with_the_aws_cli_makes_the_analysis_pass(
    aws: Aws,
    glue_as_aws: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    LAYOUTS[name](aws.clients)
    check, change = EXPECTED[name]
    before = aws.cli("connection", CONNECTION, "--format", "json").json
    assert check in [f["check"] for f in before["findings"] if f["severity"] == "error"]

    script, code = planned_script(aws, monkeypatch)

    assert code == 0, script
    assert f"for {check} on " in script and change in script, script
    assert PASSWORD not in script and "<" not in script
    ran = run_script(aws, script, tmp_path)
    assert ran.returncode == 0, ran.stderr + "\n" + script
    assert PASSWORD not in ran.stdout + ran.stderr
    (update,) = glue_as_aws
    # The live definition went through whole: the password is kept, only the placement changed.
    assert update["ConnectionInput"]["ConnectionProperties"]["PASSWORD"] == PASSWORD
    assert update["ConnectionInput"]["ConnectionType"] == "JDBC"
    assert_cured(aws)


def test_healthy_twin_of_the_small_subnet_gets_an_empty_script(
    aws: Aws, glue_as_aws: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roomy_subnet(aws.clients)

    script, code = planned_script(aws, monkeypatch)

    assert code == 0 and "nothing to fix" in script
    assert [line for line in script.splitlines() if line and not line.startswith(("#", "set ", "export "))] == []
    assert run_script(aws, script, tmp_path).returncode == 0 and glue_as_aws == []
    assert_cured(aws)


def test_get_connection_half_yields_an_update_connection_input_botocore_accepts(
    aws: Aws, glue_as_aws: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printed get-connection line, run alone with the real CLI against moto: its JSON is
    the ConnectionInput of glue UpdateConnection as botocore's service model defines it."""
    layout = SCENARIOS["az-mismatch"](aws.clients)
    script, _ = planned_script(aws, monkeypatch)
    (line,) = [x for x in script.splitlines() if x.startswith("CONNECTION_INPUT=$(aws glue get-connection ")]

    ran = subprocess.run(
        ["bash", "-c", f'set -euo pipefail\n{line}\nprintf %s "$CONNECTION_INPUT"'],
        capture_output=True,
        text=True,
        env=aws_cli_env(aws),
        timeout=120,
        check=False,
    )

    assert ran.returncode == 0, ran.stderr
    given = json.loads(ran.stdout)
    assert invalid({"Name": CONNECTION, "ConnectionInput": given}) == ""
    assert set(given) <= set(UPDATE_CONNECTION.members["ConnectionInput"].members)
    assert given["PhysicalConnectionRequirements"] == {
        "SubnetId": layout.subnet,
        "SecurityGroupIdList": [layout.glue_sg],
        "AvailabilityZone": "us-east-1a",
    }
    assert given["ConnectionProperties"]["PASSWORD"] == PASSWORD  # kept in the shell, never printed
    assert (given["Name"], given["ConnectionType"]) == (CONNECTION, "JDBC")
    # A null (what a plain `Description:Description` gives for a connection without one) is
    # refused: the query leaves absent members out instead.
    assert "Invalid type for parameter ConnectionInput.Description" in invalid(
        {"Name": CONNECTION, "ConnectionInput": {**given, "Description": None}}
    )
    assert glue_as_aws == []  # only read


def rds_layout(c: Any, aws: Aws, *, rds: bool) -> tuple[Layout, str, str]:
    """A /28 for a job with 20 workers; private subnets on the Glue route table: a /23 in
    us-east-1a (the most free addresses) and a /24 in us-east-1b. With `rds` the connection's
    PostgreSQL instance runs in us-east-1b; else its host is outside the account."""
    from test_targets_rds import rds_instance

    layout = Layout()
    vpc(c, layout, subnet_cidr="10.0.1.0/28")
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    big, near = (
        c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.0.4.0/23", "us-east-1a"), ("10.0.3.0/24", "us-east-1b"))
    )
    for subnet in (big, near):
        c.ec2.associate_route_table(RouteTableId=layout.route_table, SubnetId=subnet)
    host = rds_instance(aws, layout, [big, near], AvailabilityZone="us-east-1b") if rds else "db.example.com"
    c.glue.create_connection(
        ConnectionInput={
            "Name": CONNECTION,
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:postgresql://{host}:5432/orders", "USERNAME": "etl"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    c.glue.create_job(
        Name="wide",
        Role="arn:aws:iam::123456789012:role/glue-etl",
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/nightly.py"},
        Connections={"Connections": [CONNECTION]},
        WorkerType="G.1X",
        NumberOfWorkers=20,
        GlueVersion="4.0",
    )
    return layout, big, near


@pytest.mark.parametrize("rds", [True, False], ids=["rds-in-us-east-1b", "external-host"])
def test_the_move_prefers_the_data_sources_zone_then_the_most_free_addresses(
    aws: Aws, glue_as_aws: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, rds: bool
) -> None:
    from glue_netcheck.collect.inputs import Source, for_connection

    _, big, near = rds_layout(aws.clients, aws, rds=rds)
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)

    plan = fix_plan(for_connection(Source(), CONNECTION), CONNECTION)

    chosen = near if rds else big
    (step,) = plan.steps
    assert step.check == "subnet-free-ips" and step.fix.verified and plan.exit_code == 0
    assert step.fix.effect.startswith(f"move connection {CONNECTION} to subnet {chosen} "), step.fix.effect
    zone = "us-east-1b" if rds else "us-east-1a"
    assert f'SubnetId:`"{chosen}"`' in render_sh(plan) and f'AvailabilityZone:`"{zone}"`' in render_sh(plan)
    assert (f", the data source's zone {zone}" in step.fix.commands[0]) is rds
