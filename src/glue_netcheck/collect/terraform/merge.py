"""The plan applied to what exists: planned resources replace or join the base's (snapshot or
live account) by id, deleted ones leave, and AWS's implicit parts are added."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from glue_netcheck.collect.terraform import account, attach, glue, network
from glue_netcheck.collect.terraform.plan import Plan, PlanError, default_id
from glue_netcheck.collect.terraform.resolve import resolve
from glue_netcheck.collect.terraform.shapes import EC2_SECTIONS, Raw, Translator, Values

# Resources that stand alone first, then the ones that add to them (routes, rules, associations),
# to planned and existing resources alike.
PHASES: tuple[dict[str, Translator], ...] = (
    {**network.TRANSLATORS, **glue.TRANSLATORS, **account.STANDALONE},
    {**attach.TRANSLATORS, **account.ATTACHED},
)


def translate(plan: Plan, region: str, base: Mapping[str, Any] | None = None) -> Raw:
    """The raw region: the base's resources (minus the deleted ones) with the plan's applied."""
    plan.region = region
    plan.undecided.clear()
    raw = Raw(region)
    base_ec2 = (base or {}).get("ec2") or {}
    known = [p for p in base_ec2.get("PrefixLists") or [] if isinstance(p, Mapping)]
    plan.prefix_lists = {
        str(p.get("PrefixListName")): str(p.get("PrefixListId")) for p in [*known, *_read_prefix_lists(plan, known)]
    }
    plan.standin_lists.clear()
    for section, key in EC2_SECTIONS.items():
        for item in base_ec2.get(section) or []:
            if isinstance(item, Mapping) and str(item.get(key)) not in plan.deleted_ids:
                raw.ec2[section][str(item.get(key))] = copy.deepcopy(dict(item))
    for table in PHASES:
        for res in plan.resources:
            if (translator := table.get(res.type)) is not None:
                translator(raw, Values(plan, res))
    subnet_vpc = {s["SubnetId"]: s.get("VpcId") for s in raw.ec2["Subnets"].values()}
    for nat in raw.ec2["NatGateways"].values():
        nat.setdefault("VpcId", subnet_vpc.get(nat["SubnetId"], ""))
    _undecided_within(raw, plan.undecided)
    for subnet in list(raw.ec2["Subnets"].values()):
        vpc_id = subnet["VpcId"]
        if vpc_id in plan.undecided and vpc_id not in raw.ec2["Vpcs"]:
            # A VPC a data source names only at apply: a stand-in, undecided (every path in it).
            association = {"CidrBlock": "0.0.0.0/32", "CidrBlockState": {"State": "associated"}}
            raw.add("Vpcs", {"VpcId": vpc_id, "CidrBlock": "0.0.0.0/32", "CidrBlockAssociationSet": [association]})
    return raw


def _undecided_within(raw: Raw, undecided: dict[str, str]) -> None:
    """What sits in an undecided subnet (a NAT gateway, an endpoint's ENI) is undecided too."""
    for nat in raw.ec2["NatGateways"].values():
        if (why := undecided.get(nat["SubnetId"])) is not None:
            undecided.setdefault(nat["NatGatewayId"], why)
    for endpoint in raw.ec2["VpcEndpoints"].values():
        why = next((undecided[s] for s in endpoint["SubnetIds"] if s in undecided), None)
        if why is not None:
            undecided.setdefault(endpoint["VpcEndpointId"], why)


def apply(base: Mapping[str, Any], plan: Plan, region: str) -> tuple[dict[str, Any], list[str]]:
    """The merged raw region and the connections to analyse; malformed values are a PlanError."""
    try:
        merged = merge(base, plan, region)
        return merged, affected_connections(plan, base, merged)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"{plan.source}: unexpected content ({type(exc).__name__}: {exc})") from None


def _default_acl(vpc_id: str) -> dict[str, Any]:
    entries = [
        {"RuleNumber": 100, "Egress": e, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
        for e in (True, False)
    ]
    return {
        "NetworkAclId": default_id("acl-", vpc_id),
        "VpcId": vpc_id,
        "IsDefault": True,
        "Associations": [],
        "Entries": entries,
    }


def _default_group(vpc_id: str) -> dict[str, Any]:
    # AWS's default group of a new VPC: members reach each other, everything may leave.
    group = default_id("sg-", vpc_id)
    return {
        "GroupId": group,
        "GroupName": "default",
        "VpcId": vpc_id,
        "IpPermissions": [
            {"IpProtocol": "-1", "IpRanges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": group}]}
        ],
        "IpPermissionsEgress": [
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}
        ],
    }


def _implicit(ec2: dict[str, Any], plan: Plan) -> None:
    """What AWS adds without being asked: local routes, a main route table and a default ACL
    per VPC, and the prefix-list route of a gateway endpoint in each table it names."""
    vpc_cidrs = {
        v["VpcId"]: [a["CidrBlock"] for a in v.get("CidrBlockAssociationSet") or []] or [v.get("CidrBlock")]
        for v in ec2["Vpcs"]
    }
    for table in ec2["RouteTables"]:
        local = {r.get("DestinationCidrBlock") for r in table["Routes"] if r.get("GatewayId") == "local"}
        missing = [c for c in vpc_cidrs.get(table["VpcId"], []) if c and c not in local]
        table["Routes"][:0] = [{"DestinationCidrBlock": c, "GatewayId": "local"} for c in missing]
    planned_vpcs = {r.id for r in plan.resources if r.type == "aws_vpc"}
    for vpc_id, cidrs in vpc_cidrs.items():
        if not any(t["VpcId"] == vpc_id and any(a.get("Main") for a in t["Associations"]) for t in ec2["RouteTables"]):
            ec2["RouteTables"].append(
                {
                    "RouteTableId": default_id("rtb-", vpc_id),
                    "VpcId": vpc_id,
                    "Associations": [{"Main": True}],
                    "Routes": [{"DestinationCidrBlock": c, "GatewayId": "local"} for c in cidrs if c],
                }
            )
        if not any(a["VpcId"] == vpc_id and a.get("IsDefault") for a in ec2["NetworkAcls"]):
            ec2["NetworkAcls"].append(_default_acl(vpc_id))
        group = default_id("sg-", vpc_id)
        if vpc_id in planned_vpcs and not any(g["GroupId"] == group for g in ec2["SecurityGroups"]):
            ec2["SecurityGroups"].append(_default_group(vpc_id))
    prefix = {p.get("PrefixListName"): p["PrefixListId"] for p in ec2.get("PrefixLists", [])}
    for endpoint in ec2["VpcEndpoints"]:
        if endpoint["VpcEndpointType"].lower() != "gateway" or endpoint["VpcEndpointId"] not in plan.addresses:
            continue
        pl = prefix.get(endpoint["ServiceName"], f"pl-{endpoint['ServiceName']}")
        for table in ec2["RouteTables"]:
            if table["RouteTableId"] in endpoint["RouteTableIds"]:
                table["Routes"].append({"DestinationPrefixListId": pl, "GatewayId": endpoint["VpcEndpointId"]})


def merge(base: Mapping[str, Any], plan: Plan, region: str) -> dict[str, Any]:
    """The base region's raw data with the plan applied."""
    raw = translate(plan, region, base)
    base_ec2 = base.get("ec2") or {}
    ec2: dict[str, Any] = {k: list(v) for k, v in base_ec2.items() if isinstance(v, list)}
    ec2.update(raw.sections())
    ec2["VpcAttributes"] = {**dict(base_ec2.get("VpcAttributes") or {}), **raw.attributes}
    ec2["KnownAfterApply"] = dict(plan.undecided)
    ec2["PrefixLists"] = [*ec2.get("PrefixLists", []), *_read_prefix_lists(plan, ec2.get("PrefixLists", []))]
    # A list the base does not hold, named by a rule through an endpoint's prefix_list_id: its
    # name is known (what routes and rules match on), its ranges are not.
    for name in sorted(plan.standin_lists):
        ec2["PrefixLists"].append({"PrefixListId": f"pl-{name}", "PrefixListName": name, "Cidrs": []})
    _implicit(ec2, plan)
    glue_sections = dict(base.get("glue") or {})
    for section, items in raw.glue.items():
        names = {i["Name"] for i in items}
        glue_sections[section] = [i for i in glue_sections.get(section, []) if i.get("Name") not in names] + items
    merged = {**base, "ec2": ec2, "glue": glue_sections, "region": region}
    if raw.kms:
        merged["kms"] = {
            **(base.get("kms") or {}),
            "Keys": account.merged((base.get("kms") or {}).get("Keys"), raw.kms, "KeyId"),
        }
    if raw.roles:
        roles = account.merged((base.get("iam") or {}).get("Roles"), raw.roles, "Reference")
        merged["iam"] = {**(base.get("iam") or {}), "Roles": roles}
    if raw.buckets:
        s3 = dict(base.get("s3") or {})
        merged["s3"] = {**s3, "Buckets": {**(s3.get("Buckets") or {}), **raw.buckets}}
    return merged


def _read_prefix_lists(plan: Plan, known: list[Any]) -> list[dict[str, Any]]:
    """The managed prefix lists the plan's data sources read at plan time (AWS's S3 list by
    its name, for example) and the base does not hold: what a rule or route naming them allows."""
    have = {p.get("PrefixListId") for p in known if isinstance(p, Mapping)}
    found: dict[str, dict[str, Any]] = {}
    for data in plan.data:
        values = data.values
        if data.type == "aws_prefix_list":
            cidrs = values.get("cidr_blocks")
        elif data.type == "aws_ec2_managed_prefix_list":
            cidrs = [e.get("cidr") for e in values.get("entries") or [] if isinstance(e, Mapping)]
        else:
            continue
        pl_id = values.get("id")
        if isinstance(pl_id, str) and pl_id not in have and isinstance(cidrs, list) and not data.unknown:
            found[pl_id] = {"PrefixListId": pl_id, "PrefixListName": values.get("name", ""), "Cidrs": cidrs}
    return list(found.values())


def affected_connections(plan: Plan, base: Mapping[str, Any], merged: Mapping[str, Any]) -> list[str]:
    """The plan's connections, and the existing ones in every VPC the plan changes (a plan that
    deletes a KMS endpoint breaks connections it never names)."""
    names = {r.values.get("name") or r.address for r in plan.of_type("aws_glue_connection")}
    touched = changed_vpcs(plan, base)
    subnets = {s["SubnetId"]: s.get("VpcId") for s in (merged.get("ec2") or {}).get("Subnets", [])}
    for connection in (merged.get("glue") or {}).get("Connections", []):
        subnet = (connection.get("PhysicalConnectionRequirements") or {}).get("SubnetId")
        if subnets.get(subnet) in touched:
            names.add(connection["Name"])
    return sorted(names)


def changed_vpcs(plan: Plan, base: Mapping[str, Any]) -> set[str]:
    """The VPCs the plan creates, changes, or deletes something in."""
    base_ec2 = base.get("ec2") or {}
    touched = existing_ids(plan, "vpc-") | {r.id for r in plan.of_type("aws_vpc")}
    touched |= {
        str(item.get("VpcId"))
        for items in base_ec2.values()
        if isinstance(items, list)
        for item in items
        if isinstance(item, Mapping) and set(map(str, item.values())) & plan.deleted_ids
    }
    for res in plan.resources:
        vpc = resolve(plan, res, "vpc_id")
        if isinstance(vpc, str):
            touched.add(vpc)
    return touched


def existing_ids(plan: Plan, prefix: str) -> set[str]:
    """AWS ids of existing resources the plan's values name (e.g. a subnet it does not create)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str) and node.startswith(prefix):
            found.add(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for res in plan.resources:
        walk(res.values)
    return found - set(plan.addresses)
