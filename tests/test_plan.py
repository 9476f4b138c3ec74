"""`glue-netcheck plan` on real `terraform show -json` plans (fixtures/terraform/, generated
with Terraform; their pairs with the applied network are tests/terraform/test_pairs.py): every
reference form resolves, errors name the address and attribute, the plan's own region, source
locations, the performance budget; the plan merges with the live account, deletions included."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.collect import inputs, terraform
from plans import document, glue

from conftest import FIXTURES, Aws, run_cli
from scenarios import CONNECTION, SCENARIOS

REAL = FIXTURES / "terraform"  # real `terraform show -json` plans with their .tf (generate.py)
FLAT = REAL / "flat"


def outcome(report: dict) -> tuple[str, list[str]]:  # type: ignore[type-arg]
    return report["verdict"], report["predicted_failures"]


def plan_json(config: str, case: str, *args: str) -> dict:  # type: ignore[type-arg]
    folder = REAL / config
    result = run_cli(
        "plan", str(folder / f"{case}.plan.json"), "--snapshot", str(folder / f"{case}.before.json"), *args
    )
    assert result.stderr == "", result.stderr
    return dict(result.json)


def merged(config: str, case: str = "healthy") -> dict:  # type: ignore[type-arg]
    plan = terraform.load(REAL / config / f"{case}.plan.json")
    region = terraform.plan_region(plan)
    assert region is not None
    return terraform.merge({}, plan, region)


def test_unknown_ids_resolve_through_module_outputs_for_each_and_a_data_source() -> None:
    [report] = plan_json("for-each-module", "healthy", "--format", "json")["results"]

    # subnet_id and availability_zone come from data.aws_subnet.glue, read at apply by the id
    # of a subnet the module creates with for_each and exposes through a for expression.
    assert report["connection"]["subnet_id"] == 'subnet-module.network.aws_subnet.this["glue-a"]'
    assert report["connection"]["availability_zone"] == "eu-central-1a"
    assert report["connection"]["security_group_ids"] == ["sg-aws_security_group.glue"]
    assert "availability-zone-match" not in {f["check"] for f in report["findings"]}


def test_attribute_references_resolve_to_the_attribute_not_the_id() -> None:
    [flat] = plan_json("flat", "healthy", "--format", "json")["results"]
    [counted] = plan_json("count-module", "healthy", "--format", "json")["results"]

    assert flat["connection"]["availability_zone"] == "eu-west-1b"  # aws_subnet.glue.availability_zone
    assert counted["connection"]["availability_zone"] == "us-west-2a"  # module.vpc.azs[0], a splat output
    assert counted["connection"]["subnet_id"] == "subnet-module.vpc.aws_subnet.private[0]"


def test_gateway_id_naming_a_nat_gateway_is_a_nat_route_and_inline_blocks_resolve() -> None:
    tables = {t["RouteTableId"]: t for t in merged("flat")["ec2"]["RouteTables"]}

    glue_routes = tables["rtb-aws_route_table.glue"]["Routes"]
    assert {"NatGatewayId": "nat-aws_nat_gateway.main", "DestinationCidrBlock": "0.0.0.0/0"}.items() <= next(
        r for r in glue_routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"
    ).items()
    # The adopted main table's route is a dynamic block: no expression, one internet gateway used.
    main = tables["rtb-vpc-aws_vpc.main.default"]
    assert any(r.get("GatewayId") == "igw-aws_internet_gateway.main" for r in main["Routes"])
    # Both CIDRs of the VPC (one a secondary association) are local.
    assert {r["DestinationCidrBlock"] for r in main["Routes"] if r.get("GatewayId") == "local"} == {
        "10.0.0.0/16",
        "10.1.0.0/16",
    }


def test_default_network_acl_is_the_vpcs_own() -> None:
    acls = [a for a in merged("flat")["ec2"]["NetworkAcls"] if a["VpcId"] == "vpc-aws_vpc.main"]

    [acl] = acls  # the adopted one, not a second implicit default
    assert acl["NetworkAclId"] == "acl-vpc-aws_vpc.main.default" and acl["IsDefault"]
    assert {a["SubnetId"] for a in acl["Associations"]} == {"subnet-aws_subnet.public", "subnet-aws_subnet.glue"}


def test_count_index_and_splat_pick_the_same_instance() -> None:
    ec2 = merged("count-module")["ec2"]
    tables = {t["RouteTableId"]: t for t in ec2["RouteTables"]}

    for i in (0, 1):
        table = tables[f"rtb-module.vpc.aws_route_table.private[{i}]"]
        assert [a["SubnetId"] for a in table["Associations"]] == [f"subnet-module.vpc.aws_subnet.private[{i}]"]
        assert any(r.get("NatGatewayId") == "nat-module.vpc.aws_nat_gateway.this" for r in table["Routes"])
    [acl] = [a for a in ec2["NetworkAcls"] if a["NetworkAclId"] == "acl-module.vpc.aws_network_acl.private"]
    assert {a["SubnetId"] for a in acl["Associations"]} == {
        f"subnet-module.vpc.aws_subnet.private[{i}]" for i in (0, 1)
    }


def _edited(tmp_path: Path, edit: Any) -> Path:
    document = json.loads((FLAT / "healthy.plan.json").read_text())
    edit(document)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return path


def _subnet(document: dict, address: str) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    planned = next(r for r in document["planned_values"]["root_module"]["resources"] if r["address"] == address)
    change = next(c for c in document["resource_changes"] if c["address"] == address)
    config = next(r for r in document["configuration"]["root_module"]["resources"] if r["address"] == address)
    return planned, change, config


def test_an_unknown_subnet_zone_is_never_taken_as_zone_a(tmp_path: Path) -> None:
    def no_zone(document: dict) -> None:  # type: ignore[type-arg]
        planned, change, config = _subnet(document, "aws_subnet.glue")
        planned["values"].pop("availability_zone")
        change["change"]["after_unknown"]["availability_zone"] = True
        config["expressions"].pop("availability_zone")
        # Terraform then knows the connection's zone (aws_subnet.glue.availability_zone) only at apply.
        planned, change, _ = _subnet(document, "aws_glue_connection.orders")
        planned["values"]["physical_connection_requirements"][0].pop("availability_zone")
        change["change"]["after_unknown"]["physical_connection_requirements"][0]["availability_zone"] = True

    path = _edited(tmp_path, no_zone)
    plan = terraform.load(path)
    subnet = next(s for s in terraform.merge({}, plan, "eu-west-1")["ec2"]["Subnets"] if s["SubnetId"].endswith("glue"))

    assert not subnet["AvailabilityZone"].startswith("eu-west-1")
    result = run_cli("plan", str(path), "--snapshot", str(FLAT / "healthy.before.json"), "--format", "json")
    [report] = result.json["results"]
    # The connection names the subnet's own zone attribute: the same value, whatever AWS picks.
    assert "availability-zone-match" not in {f["check"] for f in report["findings"]}
    assert outcome(report) == ("pass", [])


def test_an_unresolvable_value_names_the_address_and_the_attribute(tmp_path: Path) -> None:
    def dangling(document: dict) -> None:  # type: ignore[type-arg]
        _, _, config = _subnet(document, "aws_subnet.glue")
        config["expressions"]["vpc_id"] = {"references": ["aws_vpc.gone.id", "aws_vpc.gone"]}

    result = run_cli("plan", str(_edited(tmp_path, dangling)), "--snapshot", str(FLAT / "healthy.before.json"))

    assert result.code == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "aws_subnet.glue: vpc_id: known only after apply, through aws_vpc.gone.id" in result.stderr


def test_the_plan_is_analysed_in_its_own_region_and_never_another(tmp_path: Path) -> None:
    regions = {c: terraform.plan_region(terraform.load(REAL / c / "healthy.plan.json")) for c in ("flat", "wide")}
    assert regions == {"flat": "eu-west-1", "wide": "ap-southeast-2"}  # var.region, a default

    assert plan_json("flat", "healthy", "--format", "json")["results"][0]["region"] == "eu-west-1"
    same = plan_json("flat", "healthy", "--region", "eu-west-1", "--format", "json")
    assert same["results"][0]["region"] == "eu-west-1"
    other = run_cli(
        "plan",
        str(FLAT / "healthy.plan.json"),
        "--snapshot",
        str(FLAT / "healthy.before.json"),
        "--region",
        "us-east-1",
    )
    assert other.code == 2 and "the plan is for region eu-west-1" in other.stderr and other.stdout == ""

    def no_region(document: dict) -> None:  # type: ignore[type-arg]
        document["configuration"]["provider_config"]["aws"]["expressions"].pop("region")

    assert terraform.plan_region(terraform.load(_edited(tmp_path, no_region))) is None


def test_no_connection_says_what_was_looked_at(tmp_path: Path) -> None:
    def without_glue(document: dict) -> None:  # type: ignore[type-arg]
        root = document["planned_values"]["root_module"]
        root["resources"] = [r for r in root["resources"] if r["type"] != "aws_glue_connection"]
        document["resource_changes"] = [c for c in document["resource_changes"] if c["type"] != "aws_glue_connection"]

    result = run_cli("plan", str(_edited(tmp_path, without_glue)), "--snapshot", str(FLAT / "healthy.before.json"))

    assert result.code == 0
    assert "no aws_glue_connection in the plan, and none of the account's 0 connection(s) is in a VPC the plan" in (
        result.stderr
    )
    assert "aws_vpc.main" in result.stderr  # the VPC it changes, by address


def test_source_locations_map_addresses_to_tf_file_and_line() -> None:
    flat = terraform.source_locations(terraform.load(FLAT / "healthy.plan.json"), FLAT)
    counted = terraform.source_locations(
        terraform.load(REAL / "count-module" / "healthy.plan.json"), REAL / "count-module"
    )

    assert flat["aws_vpc_endpoint.kms"] == ("main.tf", 180)
    assert flat["aws_subnet.glue"] == ("main.tf", 67)
    assert counted["module.vpc.aws_subnet.private[1]"] == ("modules/vpc/main.tf", 31)
    assert counted["module.vpc.aws_subnet.private"] == ("modules/vpc/main.tf", 31)


def test_source_dir_that_is_not_hcl_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n')
    with pytest.raises(terraform.PlanError, match=r"main.tf: cannot read it as HCL"):
        terraform.source_locations(terraform.load(FLAT / "healthy.plan.json"), tmp_path)


def test_a_100_resource_plan_is_analysed_in_under_2_seconds() -> None:
    folder = REAL / "wide"
    assert len(json.loads((folder / "healthy.plan.json").read_text())["resource_changes"]) >= 100
    started = time.perf_counter()
    planned = inputs.for_plan(folder / "healthy.plan.json", inputs.Source(folder / "healthy.before.json"))
    from glue_netcheck.analyse.connection import analyse_connection

    [report] = [analyse_connection(planned.inventory, n) for n in planned.names]
    assert time.perf_counter() - started < 2.0
    assert report.verdict == "pass"


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
    # orders.internal is a host the account data cannot place: the target is undecided, no failure.
    assert outcome(names["planned-db"]) in (("pass", []), ("unknown", []))


def test_plan_offline_with_a_snapshot(aws: Aws, tmp_path: Path) -> None:
    snapshot = tmp_path / "empty.json"
    assert aws.cli("snapshot", "--region", "eu-west-1", "--output", str(snapshot)).code == 0

    result = run_cli("plan", str(FLAT / "healthy.plan.json"), "--snapshot", str(snapshot))

    assert result.code == 0 and "PASS  Glue connection orders-db (JDBC, eu-west-1)" in result.stdout


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


def test_the_sarif_of_a_plan_points_at_the_tf_block_with_source_dir() -> None:
    folder = FLAT
    args = (
        "plan",
        str(folder / "kms-private-dns-off.plan.json"),
        "--snapshot",
        str(folder / "kms-private-dns-off.before.json"),
    )
    sarif = run_cli(*args, "--format", "sarif", "--source-dir", str(folder)).json
    results = sarif["runs"][0]["results"]
    dns = next(r for r in results if r["ruleId"] == "kms-endpoint-private-dns")

    assert dns["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "aws_vpc_endpoint.kms"
    physical = dns["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("main.tf") and physical["region"]["startLine"] == 180
    # Its healthy twin has no such finding.
    healthy = run_cli(
        "plan",
        str(folder / "healthy.plan.json"),
        "--snapshot",
        str(folder / "healthy.before.json"),
        "--format",
        "sarif",
    )
    assert "kms-endpoint-private-dns" not in {r["ruleId"] for r in healthy.json["runs"][0]["results"]}


def test_a_planned_value_of_the_wrong_type_is_one_line(tmp_path: Path) -> None:
    def wrong(document: dict) -> None:  # type: ignore[type-arg]
        planned, change, _ = _subnet(document, "aws_security_group.glue")
        planned["values"]["name"] = ["not", "a", "name"]
        planned["values"]["vpc_id"] = []
        change["change"]["after_unknown"].pop("vpc_id", None)

    path = _edited(tmp_path, wrong)
    result = run_cli("plan", str(path), "--snapshot", str(FLAT / "healthy.before.json"))

    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"glue-netcheck: error: plan {path}: ") and "wrong type" in result.stderr
