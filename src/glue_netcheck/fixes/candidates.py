"""Which changes might cure a finding: one TABLE from the cause (what blocks: a check id, or the
blocked path's hop type and code) to the candidate edit lists, best first. Proving them is
fixes/proof.py's job; nothing here decides that a candidate works."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from glue_netcheck.analyse.connection import placement
from glue_netcheck.analyse.results import ConnectionReport
from glue_netcheck.checks import remediation
from glue_netcheck.checks.block_public_access import stopped_by_block_public_access
from glue_netcheck.checks.finding import Finding
from glue_netcheck.fixes import connection, public_access
from glue_netcheck.fixes.create import CreateGatewayEndpoint, CreateInterfaceEndpoint, best_nat_subnet
from glue_netcheck.fixes.edits import (
    AddNetworkAclEntry,
    AddRoute,
    AddSecurityGroupRule,
    AssociateGatewayEndpoint,
    EnablePrivateDns,
    EnableVpcAttribute,
    ReplaceRoute,
)
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import NaclEntry, Network, RouteTable, Subnet, Vpc
from glue_netcheck.net.services import ALWAYS, OPTIONAL, Service
from glue_netcheck.net.trace import PathResult, first_drop


class Edit(Protocol):
    def says(self) -> str: ...
    def apply(self, inventory: Inventory) -> Inventory: ...
    def commands(self) -> tuple[str, ...]: ...
    def terraform(self, addresses: dict[str, str]) -> str: ...


Candidate = tuple[Edit, ...]
SERVICES = (*ALWAYS, *OPTIONAL)
BPA = "vpc-block-public-access"  # the check's id, and the cause of any path it stops


@dataclass(frozen=True)
class Situation:
    """What a candidate is built from: the finding, its path (if it is about one) and where
    the connection's ENIs sit."""

    inventory: Inventory
    report: ConnectionReport
    finding: Finding
    service: str | None  # the path the finding is about: kms, s3, …, target
    path: PathResult | None
    vpc: Vpc | None
    subnet: Subnet | None
    group_ids: tuple[str, ...]

    @property
    def network(self) -> Network:
        return self.inventory.network

    @property
    def table(self) -> RouteTable | None:
        return self.network.route_table_for(self.subnet) if self.subnet else None


def service_of(check: str) -> str | None:
    """The path a check's finding is about, from its id ({key}-reachable, {key}-endpoint-…)."""
    if check == "target-reachable":
        return "target"
    for key in SERVICES:
        if check in (f"{key}-reachable", f"{key}-endpoint-private-dns", f"{key}-endpoint-security-group"):
            return key
    return None


def situation(inventory: Inventory, report: ConnectionReport, finding: Finding) -> Situation:
    vpc, subnet, groups = placement(inventory, report.connection)
    key = service_of(finding.check)
    path = next((p for p in report.paths if p.service == key), None) if key else None
    return Situation(inventory, report, finding, key, path, vpc, subnet, tuple(g.id for g in groups))


# --- causes ---------------------------------------------------------------------------------


def cause(s: Situation) -> str | None:
    """The TABLE key: the check id where the check names the cause itself, else what blocks
    the finding's path."""
    if s.finding.check in BY_CHECK:
        return s.finding.check
    path = s.path
    support_off = path is not None and bool(path.hops) and path.hops[0].code == "DNS_SUPPORT_DISABLED"
    if s.finding.check.endswith("-endpoint-private-dns"):
        if s.finding.resource.startswith("vpce-"):
            return "private-dns"
        return "dns-support" if support_off else "dns-hostnames"
    if path is not None and path.reachable is None and "s3-endpoint-validation-failed" in s.finding.predicts:
        return "no-path"  # S3 undecided beyond a TGW or appliance, and no route Glue's validation accepts
    if path is None or path.blocked_at is None:
        return None
    blocked = path.blocked_at
    if blocked.type == "vpc-endpoint" and path.bypassed_endpoint == blocked.id:
        return "private-dns"
    if blocked.type == "vpc":
        return "dns-support" if blocked.code == "DNS_SUPPORT_DISABLED" or support_off else "dns-hostnames"
    if blocked.code == "BPA_BLOCKED":
        return BPA
    drop = first_drop(path.hops)
    if drop is not None and drop.needed is not None and drop.type in ("security-group", "network-acl"):
        return drop.type
    if remediation.nat_subnet_table(path):
        return "nat-subnet-route"
    if blocked.type in ("route-table", "internet-gateway", "nat-gateway", "vpc-endpoint"):
        return "no-path"
    return None


# --- candidate builders ---------------------------------------------------------------------


def _rule(s: Situation) -> list[Candidate]:
    drop = first_drop(s.path.hops) if s.path else None
    if drop is None or drop.needed is None:
        return []
    n = drop.needed
    if drop.type == "security-group":
        return [tuple(AddSecurityGroupRule(drop.id, n.egress, "6", n.low, n.high, n.peer_kind, p) for p in n.peers)]
    acl = next((a for a in s.network.network_acls if a.id == drop.id), None)
    number = n.rule_number if n.rule_number is not None else _free_rule_number(acl.entries if acl else (), n.egress)
    if number is None or n.peer_kind != "cidr":
        return []
    return [(AddNetworkAclEntry(drop.id, n.egress, number, n.low, n.high, n.peer),)]


def _free_rule_number(entries: Sequence[NaclEntry], egress: bool) -> int | None:
    taken = {e.rule_number for e in entries if e.egress == egress}
    return next((n for n in range(1, 32767) if n not in taken), None)


def _private_dns(s: Situation) -> list[Candidate]:
    endpoint = s.path.bypassed_endpoint if s.path and s.path.bypassed_endpoint else s.finding.resource
    return [(EnablePrivateDns(endpoint),)] if endpoint.startswith("vpce-") or endpoint.startswith("$") else []


def _vpc_attribute(attribute: str) -> Callable[[Situation], list[Candidate]]:
    def build(s: Situation) -> list[Candidate]:
        return [(EnableVpcAttribute(s.vpc.id, attribute),)] if s.vpc else []

    return build


def _vpc_dns_finding(s: Situation) -> list[Candidate]:
    vpc = s.network.vpcs.get(s.finding.resource) or s.vpc
    if vpc is None:
        return []
    off = [
        a
        for a, v in (("enableDnsSupport", vpc.enable_dns_support), ("enableDnsHostnames", vpc.enable_dns_hostnames))
        if v is False
    ]
    singles: list[Candidate] = [(EnableVpcAttribute(vpc.id, a),) for a in off]
    return singles + ([tuple(EnableVpcAttribute(vpc.id, a) for a in off)] if len(off) > 1 else [])


def _self_reference(s: Situation) -> list[Candidate]:
    group = s.finding.resource
    return [(AddSecurityGroupRule(group, False, "6", 0, 65535, "security-group", group),)]


def _egress(s: Situation) -> list[Candidate]:
    return [(AddSecurityGroupRule(s.finding.resource, True, "-1", 0, 65535, "cidr", "0.0.0.0/0"),)]


def _nat_subnet_route(s: Situation) -> list[Candidate]:
    table = remediation.nat_subnet_table(s.path) if s.path else None
    igw = remediation.attached_igw(s.network, s.vpc.id) if s.vpc else None
    first: list[Candidate] = [(AddRoute(table, "0.0.0.0/0", "internet-gateway", igw),)] if table and igw else []
    return first + _no_path(s)


def _public_nats(s: Situation) -> list[str]:
    """Available public NAT gateways in the VPC whose own subnet routes to an attached IGW."""
    if s.vpc is None:
        return []
    public = {
        x.id: x
        for x in remediation.public_subnets(s.network, s.vpc.id, s.subnet.availability_zone if s.subnet else None)
    }
    order = list(public)
    nats = [
        n
        for n in s.network.nat_gateways.values()
        if n.vpc_id == s.vpc.id and n.state == "available" and n.connectivity == "public" and n.subnet_id in public
    ]
    return [n.id for n in sorted(nats, key=lambda n: (order.index(n.subnet_id), n.id))]


def _no_path(s: Situation) -> list[Candidate]:
    table, vpc, subnet = s.table, s.vpc, s.subnet
    if table is None or vpc is None or subnet is None or s.service is None:
        return []
    default = next((r for r in table.routes if str(r.destination) == "0.0.0.0/0"), None)
    route_kind = ReplaceRoute if default is not None else AddRoute
    found: list[Candidate] = []
    if s.service != "target":
        service = Service(s.service, s.inventory.region)
        if service.prefix_list_name:
            gateways = s.network.endpoints_for(vpc.id, service.endpoint_service_name, "Gateway")
            elsewhere = [g for g in gateways if table.id not in g.route_table_ids]
            if elsewhere:
                found.append((AssociateGatewayEndpoint(elsewhere[0].id, table.id),))
            elif not gateways:
                found.append((CreateGatewayEndpoint(vpc.id, service.endpoint_service_name, (table.id,)),))
    for nat in _public_nats(s)[:1]:
        if default is None or default.target_id != nat:
            found.append((route_kind(table.id, "0.0.0.0/0", "nat-gateway", nat),))
    if s.service != "target":
        service = Service(s.service, s.inventory.region)
        found.append((CreateInterfaceEndpoint(vpc.id, service.endpoint_service_name, (subnet.id,), s.group_ids),))
    nat_gateway = best_nat_subnet(s.network, vpc.id, subnet.availability_zone)
    if nat_gateway is not None:
        found.append((nat_gateway, route_kind(table.id, "0.0.0.0/0", "nat-gateway", "$NAT")))
    return found


def _block_public_access(s: Situation) -> list[Candidate]:
    """VPC Block Public Access stops the finding's path (else the paths stopped at the
    finding's resource whose checks are folded into it): the exclusions AWS allows, then
    endpoints for every one of them, which avoid the internet gateway (no NAT candidate: its
    traffic meets the same internet gateway; none for a data source, which has no endpoint)."""
    keys = {service_of(c) for c in s.finding.folded}
    paths = (
        [s.path]
        if s.path
        else [
            p
            for p in s.report.paths
            if (hop := stopped_by_block_public_access(p))
            and hop.id == s.finding.resource
            and (not keys or p.service in keys)
        ]
    )
    found = public_access.exclusions(s, paths)
    kinds = (AssociateGatewayEndpoint, CreateGatewayEndpoint, CreateInterfaceEndpoint)
    each = [
        next((c for c in _no_path(replace(s, service=p.service, path=p)) if isinstance(c[0], kinds)), None)
        if p.service in SERVICES
        else None
        for p in paths
    ]
    if paths and all(each):
        found.append(tuple(edit for candidate in each if candidate for edit in candidate))
    return found


# The table: cause -> candidates, best first (one command before several; free before paid).
BY_CHECK: dict[str, Callable[[Situation], list[Candidate]]] = {
    "self-referencing-rule": _self_reference,
    "security-group-egress": _egress,
    "vpc-dns-attributes": _vpc_dns_finding,
    # The connection's own settings (fixes/connection.py): no network change cures these.
    "availability-zone-match": connection.zone_of_subnet,
    "network-resources-exist": connection.resources,
    "subnet-free-ips": connection.free_ips,
    BPA: _block_public_access,
}
TABLE: dict[str, Callable[[Situation], list[Candidate]]] = {
    **BY_CHECK,
    "private-dns": _private_dns,
    "dns-hostnames": _vpc_attribute("enableDnsHostnames"),
    "dns-support": _vpc_attribute("enableDnsSupport"),
    "security-group": _rule,
    "network-acl": _rule,
    "nat-subnet-route": _nat_subnet_route,
    "no-path": _no_path,
}


def candidates(s: Situation) -> list[Candidate]:
    key = cause(s)
    return TABLE[key](s) if key is not None else []
