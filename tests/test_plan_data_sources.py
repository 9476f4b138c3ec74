"""Data sources in real plans (fixtures/terraform/data-sources, generated with Terraform; the
plan=apply pairs are tests/terraform/test_pairs.py): one read at plan time decides like any
value; one Terraform reads only at apply leaves what it decides undecided (exit 3), naming
the address and the attribute — never a guess, never an exit 2 (issue 14, item 3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glue_netcheck.collect import terraform

from conftest import FIXTURES, run_cli

FOLDER = FIXTURES / "terraform" / "data-sources"


def undecided(case: str) -> dict[str, str]:
    plan = terraform.load(FOLDER / f"{case}.plan.json")
    merged = terraform.merge({}, plan, "eu-west-2")
    return dict(merged["ec2"]["KnownAfterApply"])


def report(path: Path, case: str = "healthy", *args: str) -> tuple[int, Any]:
    result = run_cli("plan", str(path), "--snapshot", str(FOLDER / f"{case}.before.json"), *args)
    assert "Traceback" not in result.stderr and result.code != 2, result.stderr
    return result.code, result.json if "json" in args else result.stdout


def test_what_each_data_source_read_at_apply_leaves_undecided() -> None:
    assert undecided("healthy") == {} and undecided("healthy-s3-via-nat") == {}
    # A rule's peer: its group.
    assert undecided("s3-list-read-at-apply") == {
        "sg-aws_security_group.glue": "aws_vpc_security_group_egress_rule.glue_s3.prefix_list_id comes from "
        "data.aws_prefix_list.s3[0].id, known only at apply"
    }
    # A route's target: the route (a stand-in target of the field's kind), not its whole table.
    assert undecided("nat-read-at-apply") == {
        "nat-data.aws_nat_gateway.egress[0].id": "aws_route.glue_default.nat_gateway_id comes from "
        "data.aws_nat_gateway.egress[0].id, known only at apply"
    }
    tables = terraform.merge({}, terraform.load(FOLDER / "nat-read-at-apply.plan.json"), "eu-west-2")["ec2"]
    glue = next(t for t in tables["RouteTables"] if t["RouteTableId"] == "rtb-aws_route_table.glue")
    assert {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-data.aws_nat_gateway.egress[0].id"}.items() <= (
        glue["Routes"][-1].items()
    )
    # The connection's subnet: a stand-in subnet in the VPC the data source searches.
    subnet = "subnet-data.aws_subnet.glue[0].id"
    assert set(undecided("subnet-read-at-apply")) == {subnet}
    merged = terraform.merge({}, terraform.load(FOLDER / "subnet-read-at-apply.plan.json"), "eu-west-2")
    [stand_in] = [s for s in merged["ec2"]["Subnets"] if s["SubnetId"] == subnet]
    assert stand_in["VpcId"] == "vpc-aws_vpc.lake"


def test_a_group_allow_stands_beside_a_rule_known_only_at_apply() -> None:
    # The Glue group's S3 rule is read at apply; its rule to the endpoints' group is known.
    code, result = report(FOLDER / "s3-list-read-at-apply.plan.json", "s3-list-read-at-apply", "--format", "json")
    paths = {p["service"]: p for p in result["results"][0]["paths"]}

    assert code == 3 and result["results"][0]["verdict"] == "unknown"
    assert paths["kms"]["reachable"] is True and paths["kms"]["via"] == "interface-endpoint"
    assert paths["s3"]["reachable"] is None
    [hop] = [h for h in paths["s3"]["hops"] if h["verdict"] == "unknown"]
    assert hop["type"] == "security-group" and hop["id"] == "sg-aws_security_group.glue"


def test_the_text_report_says_what_is_known_only_at_apply() -> None:
    code, text = report(FOLDER / "nat-read-at-apply.plan.json", "nat-read-at-apply", "--no-color")

    said = " ".join(text.split())  # the table wraps its last column
    assert code == 3
    assert "aws_route.glue_default.nat_gateway_id comes from data.aws_nat_gateway.egress[0].id, known only" in said
    assert "s3 s3.eu-west-2.amazonaws.com:443 undecidable" in said


def _edited(tmp_path: Path, edit: Callable[[dict[str, Any]], None], case: str = "s3-list-read-at-apply") -> Path:
    document = json.loads((FOLDER / f"{case}.plan.json").read_text())
    edit(document)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return path


def _read_at_apply(document: dict[str, Any], address: str, attribute: str) -> None:
    """`address`.`attribute` set from data.aws_prefix_list.s3[0] (read at apply in this plan)."""
    planned = next(r for r in document["planned_values"]["root_module"]["resources"] if r["address"] == address)
    change = next(c for c in document["resource_changes"] if c["address"] == address)
    config = next(r for r in document["configuration"]["root_module"]["resources"] if r["address"] == address)
    planned["values"].pop(attribute, None)
    change["change"]["after"].pop(attribute, None)
    change["change"]["after_unknown"][attribute] = True
    config["expressions"][attribute] = {"references": ["data.aws_prefix_list.s3[0].name", "data.aws_prefix_list.s3"]}


def test_a_required_value_read_at_apply_is_undecided_not_exit_2(tmp_path: Path) -> None:
    # Edge forms on the real plan: an endpoint's service name and a subnet's VPC from a data
    # source read at apply (each once refused with exit 2: "known only after apply").
    def service(document: dict[str, Any]) -> None:
        _read_at_apply(document, "aws_vpc_endpoint.kms", "service_name")

    def vpc(document: dict[str, Any]) -> None:
        # The VPC found by a data source: the subnet and the Glue group both take it.
        _read_at_apply(document, "aws_subnet.glue", "vpc_id")
        _read_at_apply(document, "aws_security_group.glue", "vpc_id")

    def cidr(document: dict[str, Any]) -> None:
        _read_at_apply(document, "aws_subnet.glue", "cidr_block")

    # The stand-in VPC names the first resource that took it.
    edits = (
        (service, "aws_vpc_endpoint.kms.service_name"),
        (vpc, "aws_security_group.glue.vpc_id"),
        (cidr, "aws_subnet.glue.cidr_block"),
    )
    for edit, named in edits:
        code, result = report(_edited(tmp_path, edit), "s3-list-read-at-apply", "--format", "json")
        [connection] = result["results"]
        assert code == 3 and connection["verdict"] == "unknown", named
        # Which service the endpoint serves (or where the subnet is) decides every path.
        assert all(p["reachable"] is None for p in connection["paths"]), named
        kms = next(p for p in connection["paths"] if p["service"] == "kms")
        assert f"{named} comes from data.aws_prefix_list.s3[0].name, known only at apply" in kms["hops"][0]["detail"]


def test_its_healthy_twin_read_at_plan_time_passes() -> None:
    code, result = report(FOLDER / "healthy.plan.json", "healthy", "--format", "json")

    assert code == 0 and result["results"][0]["verdict"] == "pass"
    assert all(p["reachable"] is True for p in result["results"][0]["paths"])


def test_a_check_on_a_resource_a_data_source_decides_at_apply_is_not_a_prediction(tmp_path: Path) -> None:
    # The Glue group's self-referencing rule names its source through a data source read at
    # apply: whether Glue accepts the group is undecided, not "security-group-validation-failed".
    def self_rule(document: dict[str, Any]) -> None:
        _read_at_apply(document, "aws_vpc_security_group_ingress_rule.glue_self", "referenced_security_group_id")

    code, result = report(_edited(tmp_path, self_rule), "s3-list-read-at-apply", "--format", "json")
    [connection] = result["results"]
    [finding] = [f for f in connection["findings"] if f["check"] == "self-referencing-rule"]

    assert code == 3 and connection["verdict"] == "unknown" and connection["predicted_failures"] == []
    assert finding["severity"] == "warning" and finding["predicts"] == []
    why = "aws_vpc_security_group_ingress_rule.glue_self.referenced_security_group_id comes from "
    assert why + "data.aws_prefix_list.s3[0].name, known only at apply" in finding["message"]
    # Its twin, the same rule known at plan time, is judged as it is.
    code, healthy = report(FOLDER / "s3-list-read-at-apply.plan.json", "s3-list-read-at-apply", "--format", "json")
    assert "self-referencing-rule" not in {f["check"] for f in healthy["results"][0]["findings"]}


def test_a_connection_zone_read_at_apply_is_undecided_not_a_zone_mismatch(tmp_path: Path) -> None:
    def zone(document: dict[str, Any]) -> None:
        address = "aws_glue_connection.lake"
        planned = next(r for r in document["planned_values"]["root_module"]["resources"] if r["address"] == address)
        change = next(c for c in document["resource_changes"] if c["address"] == address)
        config = next(r for r in document["configuration"]["root_module"]["resources"] if r["address"] == address)
        planned["values"]["physical_connection_requirements"][0].pop("availability_zone")
        change["change"]["after"]["physical_connection_requirements"][0].pop("availability_zone")
        change["change"]["after_unknown"]["physical_connection_requirements"][0]["availability_zone"] = True
        requirements = config["expressions"]["physical_connection_requirements"][0]
        references = ["data.aws_prefix_list.s3[0].name", "data.aws_prefix_list.s3"]
        requirements["availability_zone"] = {"references": references}

    code, result = report(_edited(tmp_path, zone), "s3-list-read-at-apply", "--format", "json")
    [connection] = result["results"]

    assert code == 3 and connection["verdict"] == "unknown" and connection["predicted_failures"] == []
    [finding] = [f for f in connection["findings"] if f["check"] == "availability-zone-match"]
    assert finding["severity"] == "warning" and "known only at apply: undecided" in finding["message"]
    assert all(p["reachable"] is None for p in connection["paths"])


def test_a_rule_naming_an_endpoints_prefix_list_id_decides_like_its_applied_twin(tmp_path: Path) -> None:
    # `prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id` (a managed attribute, not a data
    # source): AWS's list of the endpoint's service, the one its route names. Once a false fail.
    def attribute(document: dict[str, Any]) -> None:
        rule = next(
            r
            for r in document["configuration"]["root_module"]["resources"]
            if r["address"] == "aws_vpc_security_group_egress_rule.glue_s3"
        )
        references = ["aws_vpc_endpoint.s3[0].prefix_list_id", "aws_vpc_endpoint.s3[0]", "aws_vpc_endpoint.s3"]
        rule["expressions"]["prefix_list_id"] = {"references": references}

    code, result = report(_edited(tmp_path, attribute), "s3-list-read-at-apply", "--format", "json")
    after = FOLDER / "s3-list-read-at-apply.after.json"
    applied = run_cli("connection", "lake-db", "--snapshot", str(after), "--format", "json")
    paths = {p["service"]: (p["reachable"], p["via"]) for p in result["results"][0]["paths"]}

    assert code == 0 and result["results"][0]["verdict"] == applied.json["verdict"] == "pass"
    assert paths == {p["service"]: (p["reachable"], p["via"]) for p in applied.json["paths"]}
    assert paths["s3"] == (True, "gateway-endpoint")


def test_a_read_deferred_to_apply_counts_even_where_planned_values_leave_it_out(tmp_path: Path) -> None:
    # Terraform versions differ on listing a deferred read in planned_values; resource_changes
    # (action "read") always has it.
    document = json.loads((FOLDER / "nat-read-at-apply.plan.json").read_text())
    root = document["planned_values"]["root_module"]
    root["resources"] = [r for r in root["resources"] if r["address"] != "data.aws_nat_gateway.egress[0]"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))

    code, result = report(path, "nat-read-at-apply", "--format", "json")
    s3 = next(p for p in result["results"][0]["paths"] if p["service"] == "s3")

    assert code == 3 and s3["reachable"] is None
    assert "comes from data.aws_nat_gateway.egress[0].id, known only at apply" in s3["hops"][-1]["detail"]


def test_an_inline_rule_read_at_apply_leaves_its_group_undecided(tmp_path: Path) -> None:
    # The endpoints' group admits HTTPS through an inline `ingress {}` block whose cidr_blocks
    # come from a data source read at apply (Terraform writes one expression for the block).
    def inline(document: dict[str, Any]) -> None:
        rule = "aws_vpc_security_group_ingress_rule.endpoints_https"
        root = document["planned_values"]["root_module"]
        root["resources"] = [r for r in root["resources"] if r["address"] != rule]
        document["resource_changes"] = [c for c in document["resource_changes"] if c["address"] != rule]
        address = "aws_security_group.endpoints"
        planned = next(r for r in root["resources"] if r["address"] == address)
        change = next(c for c in document["resource_changes"] if c["address"] == address)
        config = next(r for r in document["configuration"]["root_module"]["resources"] if r["address"] == address)
        block = {"from_port": 443, "to_port": 443, "protocol": "tcp", "self": False, "security_groups": []}
        planned["values"]["ingress"] = change["change"]["after"]["ingress"] = [{**block, "prefix_list_ids": []}]
        change["change"]["after_unknown"]["ingress"] = [{"cidr_blocks": True}]
        references = ["data.aws_prefix_list.s3[0].cidr_blocks", "data.aws_prefix_list.s3[0]", "data.aws_prefix_list.s3"]
        config["expressions"]["ingress"] = {"references": references}

    code, result = report(_edited(tmp_path, inline), "s3-list-read-at-apply", "--format", "json")
    kms = next(p for p in result["results"][0]["paths"] if p["service"] == "kms")

    assert code == 3 and kms["reachable"] is None
    last = kms["hops"][-1]
    assert last["type"] == "security-group" and last["id"] == "sg-aws_security_group.endpoints"
    assert (
        "aws_security_group.endpoints.ingress[0].cidr_blocks comes from data.aws_prefix_list.s3[0].cidr_blocks"
        in (last["detail"])
    )


def test_a_value_known_only_at_apply_through_a_local_is_undecided(tmp_path: Path) -> None:
    # `prefix_list_id = local.s3_list` where the local holds a data source read at apply: the
    # plan leaves locals out, so the rule's peer is undecided, not dropped (a false fail).
    def through_local(document: dict[str, Any]) -> None:
        rule = next(
            r
            for r in document["configuration"]["root_module"]["resources"]
            if r["address"] == "aws_vpc_security_group_egress_rule.glue_s3"
        )
        rule["expressions"]["prefix_list_id"] = {"references": ["local.s3_list"]}

    code, result = report(_edited(tmp_path, through_local), "s3-list-read-at-apply", "--format", "json")
    s3 = next(p for p in result["results"][0]["paths"] if p["service"] == "s3")

    assert code == 3 and s3["reachable"] is None
    why = "aws_vpc_security_group_egress_rule.glue_s3.prefix_list_id comes from local.s3_list, known only at apply"
    assert why in s3["hops"][-1]["detail"]


def _add(document: dict[str, Any], address: str, values: dict[str, Any], expressions: dict[str, Any]) -> None:
    """A resource added to the real plan: unknown where its configuration references something;
    a data source (`data.` address) read at apply, every attribute unknown."""
    data = address.startswith("data.")
    kind, name = address.removeprefix("data.").split(".")
    unknown = {"id": True, **{k: True for k, e in expressions.items() if "references" in e}}
    if data:
        unknown = {"id": True, "cidr_block": True}
    base = {"address": address, "mode": "data" if data else "managed", "type": kind, "name": name}
    document["planned_values"]["root_module"]["resources"].append({**base, "values": values})
    change = {"actions": ["read" if data else "create"], "before": None, "after": values, "after_unknown": unknown}
    document["resource_changes"].append({**base, "change": change})
    document["configuration"]["root_module"]["resources"].append({**base, "expressions": expressions})


def test_an_acl_rule_read_at_apply_leaves_its_acl_undecided(tmp_path: Path) -> None:
    # A network ACL on the Glue subnet allowing everything, and a deny rule whose CIDR a data
    # source reads at apply (a VPC found through the one this plan creates): whether S3's
    # traffic leaves the subnet is undecided; KMS, within the subnet, crosses no ACL.
    def acl(document: dict[str, Any]) -> None:
        filters = {"references": ["aws_vpc.lake.tags", "aws_vpc.lake"]}  # by tag, not by id
        _add(document, "data.aws_vpc.peer", {}, {"tags": filters})
        allow = {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0}
        entries = [{**allow, "to_port": 0}]
        refs = {"vpc_id": ["aws_vpc.lake.id", "aws_vpc.lake"], "subnet_ids": ["aws_subnet.glue.id", "aws_subnet.glue"]}
        values = {"ingress": entries, "egress": entries}
        _add(document, "aws_network_acl.glue", values, {k: {"references": v} for k, v in refs.items()})
        rule = {"rule_number": 50, "egress": True, "protocol": "-1", "rule_action": "deny", "from_port": 0}
        expressions: dict[str, Any] = {
            "network_acl_id": {"references": ["aws_network_acl.glue.id", "aws_network_acl.glue"]},
            "cidr_block": {"references": ["data.aws_vpc.peer.cidr_block", "data.aws_vpc.peer"]},
        }
        _add(document, "aws_network_acl_rule.peer", {**rule, "to_port": 0}, expressions)

    code, result = report(_edited(tmp_path, acl, "healthy"), "healthy", "--format", "json")
    paths = {p["service"]: p for p in result["results"][0]["paths"]}
    last = paths["s3"]["hops"][-1]

    assert code == 3 and paths["kms"]["reachable"] is True and paths["s3"]["reachable"] is None
    assert last["type"] == "network-acl" and last["id"] == "acl-aws_network_acl.glue"
    why = "aws_network_acl_rule.peer.cidr_block comes from data.aws_vpc.peer.cidr_block, known only at apply"
    assert why in last["detail"]


def test_an_ipv6_acl_rule_is_not_taken_for_ipv4(tmp_path: Path) -> None:
    # aws_network_acl_rule with ipv6_cidr_block (no cidr_block): once an exit 2 ("invalid IPv4
    # CIDR None"); Glue's traffic is IPv4, so a deny-all IPv6 rule leaves every path open.
    def ipv6(document: dict[str, Any]) -> None:
        allow = {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0}
        entries = [
            {**allow, "to_port": 0},
            {**allow, "rule_no": 10, "action": "deny", "cidr_block": "", "ipv6_cidr_block": "::/0", "to_port": 0},
        ]
        refs = {"vpc_id": ["aws_vpc.lake.id", "aws_vpc.lake"], "subnet_ids": ["aws_subnet.glue.id", "aws_subnet.glue"]}
        values = {"ingress": entries, "egress": entries}
        _add(document, "aws_network_acl.glue", values, {k: {"references": v} for k, v in refs.items()})
        rule = {"rule_number": 5, "egress": True, "protocol": "-1", "rule_action": "deny", "ipv6_cidr_block": "::/0"}
        expressions = {"network_acl_id": {"references": ["aws_network_acl.glue.id", "aws_network_acl.glue"]}}
        _add(document, "aws_network_acl_rule.ipv6", {**rule, "from_port": 0, "to_port": 0}, expressions)

    code, result = report(_edited(tmp_path, ipv6, "healthy"), "healthy", "--format", "json")

    assert code == 0 and result["results"][0]["verdict"] == "pass"
    s3 = next(p for p in result["results"][0]["paths"] if p["service"] == "s3")
    assert "acl-aws_network_acl.glue" in {h["id"] for h in s3["hops"]}  # the ACL was on the way
