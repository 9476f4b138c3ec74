"""Fixes of the Glue connection itself: its PhysicalConnectionRequirements (subnet, security
groups, availability zone), for the findings no network change cures (a zone that is not the
subnet's, a deleted subnet or group, a subnet too small).

UpdateConnection replaces the whole ConnectionInput, and the connection's password must never
be in our output: the command builds the new input in the shell from the live definition
(`aws glue get-connection --query`), changing only the physical connection requirements, and
hands it to update-connection on stdin (not on the command line, where `ps` shows it).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from glue_netcheck.checks import remediation as cmd
from glue_netcheck.fixes.create import CreateSecurityGroup
from glue_netcheck.fixes.edits import AddSecurityGroupRule, ref
from glue_netcheck.model import targets
from glue_netcheck.model.build_glue import DEFAULT_JOB_WORKERS
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import Subnet
from glue_netcheck.net.security_groups import self_referencing_rule

if TYPE_CHECKING:
    from glue_netcheck.fixes.candidates import Candidate, Situation

# At most this many other subnets are tried (each is one re-analysis), best first.
MAX_SUBNETS = 6
# ConnectionInput members copied from the live answer only when it has them: GetConnection's
# answer leaves absent ones out, and a null (or an empty value) would be sent as one, which the
# CLI rejects. AuthenticationConfiguration's answer shape is a subset of its input shape.
_OPTIONAL = ("Description", "MatchCriteria", "SparkProperties", "AthenaProperties", "PythonProperties")
_OPTIONAL_AUTH = "AuthenticationConfiguration"


def _literal(value: str) -> str:
    """A JMESPath JSON literal of a string, inside the single-quoted --query word; a created
    resource's shell variable ("$GLUE_SG") is spliced in, outside the single quotes."""
    if value.startswith("$"):
        return f'`"\'"{value}"\'"`'
    return "`" + json.dumps(value).replace("`", "\\`").replace("'", "'\\''") + "`"


def connection_query(subnet_id: str, group_ids: tuple[str, ...], availability_zone: str) -> str:
    """The --query of get-connection that yields the UpdateConnection ConnectionInput: the live
    definition with only PhysicalConnectionRequirements replaced (only ConnectionInput keys)."""
    physical = (
        f"{{SubnetId:{_literal(subnet_id)},"
        f"SecurityGroupIdList:[{','.join(_literal(g) for g in group_ids)}],"
        f"AvailabilityZone:{_literal(availability_zone)}}}"
    )
    required = (
        "{Name:Name,ConnectionType:ConnectionType,ConnectionProperties:ConnectionProperties||`{}`,"
        f"PhysicalConnectionRequirements:{physical}}}"
    )
    optional = [f"{key} && {{{key}:{key}}} || `{{}}`" for key in (*_OPTIONAL, _OPTIONAL_AUTH)]
    return f"Connection.merge({','.join([required, *optional])})"


@dataclass(frozen=True)
class SetPhysicalConnection:
    """The connection's subnet, groups and zone become these (the rest of it is kept)."""

    connection: str
    subnet_id: str
    group_ids: tuple[str, ...]
    availability_zone: str
    change: str  # what changes, for says(): "set the availability zone of … to …"
    why: str = ""  # why this choice (which subnet): a comment before the commands

    def says(self) -> str:
        return self.change

    def apply(self, inventory: Inventory) -> Inventory:
        conn = inventory.connections.get(self.connection)
        if conn is None:
            return inventory
        new = replace(
            conn, subnet_id=self.subnet_id, security_group_ids=self.group_ids, availability_zone=self.availability_zone
        )
        return replace(inventory, connections={**inventory.connections, self.connection: new})

    def commands(self) -> tuple[str, ...]:
        name = shlex.quote(self.connection)
        query = "'" + connection_query(self.subnet_id, self.group_ids, self.availability_zone) + "'"
        return (
            *((cmd.comment(self.why),) if self.why else ()),
            cmd.comment("the live definition (password included) stays in the shell, never on a command line"),
            f"CONNECTION_INPUT=$(aws glue get-connection --name {name} --query {query} --output json)",
            f'printf %s "$CONNECTION_INPUT" | aws glue update-connection --name {name} '
            "--connection-input file:///dev/stdin",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = connection_address(self.connection, addresses)
        subnet = ref(self.subnet_id, addresses)
        zone = (
            f"{addresses[self.subnet_id]}.availability_zone"
            if self.subnet_id in addresses
            else json.dumps(self.availability_zone)
        )
        groups = ", ".join(ref(g, addresses) for g in self.group_ids)
        return (
            f"# in {where}:\n"
            "physical_connection_requirements {\n"
            f"  subnet_id = {subnet}\n"
            f"  security_group_id_list = [{groups}]\n"
            f"  availability_zone = {zone}\n"
            "}"
        )


def connection_address(name: str, addresses: Mapping[str, str]) -> str:
    """The aws_glue_connection's address in a plan: its id is `CATALOG:NAME` once applied."""
    for resource_id, address in addresses.items():
        glue = address.startswith("aws_glue_connection.") or ".aws_glue_connection." in address
        if glue and (resource_id == name or resource_id.endswith(f":{name}")):
            return address
    return f"the aws_glue_connection that manages {name}"


@dataclass(frozen=True)
class AdmitNewGroup(AddSecurityGroupRule):
    """An ingress rule whose source is a group created by an earlier step: its id is a shell
    variable, which --ip-permissions' single quotes would not expand."""

    def commands(self) -> tuple[str, ...]:
        return (
            f"aws ec2 authorize-security-group-ingress --group-id {cmd.q(self.group_id)} --protocol tcp "
            f'--port {self.low}-{self.high} --source-group "{self.peer}"',
        )


# --- candidates -------------------------------------------------------------------------------


def _need(s: Situation) -> int:
    """The free addresses the connection's jobs need, as the subnet-free-ips check counts them."""
    jobs = [c for c in s.report.consumers if c.kind == "job"]
    crawlers = [c for c in s.report.consumers if c.kind == "crawler"]
    return max((c.workers or DEFAULT_JOB_WORKERS for c in jobs), default=1 if crawlers else DEFAULT_JOB_WORKERS)


def _target_zone(s: Situation) -> str | None:
    """The zone of the RDS (or other managed) data source's primary: ENIs beside it."""
    for _, placement in targets.places(s.inventory, s.report.connection):
        if placement.kind == "database" and placement.subnet_ids:
            subnet = s.network.subnets.get(placement.subnet_ids[0])
            if subnet is not None:
                return subnet.availability_zone
    return None


def _existing_groups(s: Situation) -> tuple[str, ...]:
    """The connection's groups that exist in the connection's VPC."""
    vpc = s.vpc.id if s.vpc else None
    groups = s.network.security_groups
    return tuple(g for g in s.report.connection.security_group_ids if g in groups and groups[g].vpc_id == vpc)


def _move(s: Situation, subnet: Subnet, zone: str | None, groups: tuple[str, ...]) -> SetPhysicalConnection:
    conn = s.report.connection
    free = str(subnet.available_ips)
    beside = f", the data source's zone {zone}" if zone == subnet.availability_zone else ""
    why = f"{subnet.id}: in {subnet.vpc_id} ({subnet.availability_zone}{beside}), {free} free addresses"
    change = f"move connection {conn.name} to subnet {subnet.id} ({subnet.availability_zone})"
    return SetPhysicalConnection(conn.name, subnet.id, groups, subnet.availability_zone, change, why)


def other_subnets(s: Situation) -> list[Candidate]:
    """Moves to another subnet of the connection's VPC (found via its groups when its subnet is
    gone) with room for the jobs: the data source's zone first, then the most free addresses.
    Which of them works (routes, endpoints, ACLs) only the re-analysis shows. A subnet whose
    free addresses are unknown (a planned one) is no candidate: subnet-free-ips is silent on
    it, so a move there would pass as verified without anyone knowing it has room."""
    if s.vpc is None:
        return []
    need, zone, current = _need(s), _target_zone(s), s.report.connection.subnet_id
    groups = _existing_groups(s) or s.report.connection.security_group_ids
    fits = [
        x
        for x in s.network.subnets.values()
        if x.vpc_id == s.vpc.id and x.id != current and x.available_ips is not None and x.available_ips > need
    ]
    fits.sort(key=lambda x: (x.availability_zone != zone, -(x.available_ips or 0), x.id))
    return [(_move(s, x, zone, groups),) for x in fits[:MAX_SUBNETS]]


def zone_of_subnet(s: Situation) -> list[Candidate]:
    """availability-zone-match: the zone becomes the subnet's."""
    conn, subnet = s.report.connection, s.subnet
    if subnet is None or conn.subnet_id is None:
        return []
    change = f"set the availability zone of connection {conn.name} to {subnet.availability_zone} (its subnet's)"
    edit = SetPhysicalConnection(conn.name, conn.subnet_id, conn.security_group_ids, subnet.availability_zone, change)
    return [(edit,)]


def _with_groups(s: Situation, groups: tuple[str, ...], change: str) -> SetPhysicalConnection | None:
    conn, subnet = s.report.connection, s.subnet
    if subnet is None or conn.subnet_id is None:
        return None
    return SetPhysicalConnection(conn.name, conn.subnet_id, groups, subnet.availability_zone, change)


def _group_name(s: Situation) -> str:
    """A group name not taken in the VPC (CreateSecurityGroup refuses a duplicate)."""
    taken = {g.name for g in s.network.security_groups.values() if s.vpc and g.vpc_id == s.vpc.id}
    base = f"glue-{s.report.connection.name}"[:240]
    return next(n for n in (base, *(f"{base}-{i}" for i in range(2, 100))) if n not in taken)


def some_group(s: Situation) -> list[Candidate]:
    """A group for a connection left with none of its VPC: an existing group of the VPC that
    admits all TCP from itself (those of the VPC's interface endpoints first: an endpoint
    admitting its own group admits the connection's ENIs then), else a new one."""
    conn = s.report.connection
    if s.vpc is None or s.subnet is None:
        return []
    vpc_id = s.vpc.id
    on_endpoints = {g for e in s.network.endpoints if e.vpc_id == vpc_id for g in e.group_ids}
    existing = sorted(
        (g for g in s.network.security_groups.values() if g.vpc_id == vpc_id and self_referencing_rule(g)),
        key=lambda g: (g.id not in on_endpoints, g.id),
    )
    found: list[Candidate] = []
    for group in existing[:MAX_SUBNETS]:
        change = f"give connection {conn.name} group {group.id} ({group.name}, which admits all TCP from itself)"
        use = _with_groups(s, (group.id,), change)
        found += [(use,)] if use else []
    create = CreateSecurityGroup(vpc_id, _group_name(s), f"Glue ENIs of connection {conn.name}")
    use = _with_groups(s, (create.group_id,), f"give connection {conn.name} the new group as its only group")
    if use is None:
        return found
    # The VPC's interface endpoints admit their clients by group: the new group is not one yet.
    admit = tuple(
        AdmitNewGroup(g, False, "6", 443, 443, "security-group", create.group_id)
        for g in sorted(on_endpoints)
        if g in s.network.security_groups
    )
    with_rules: list[Candidate] = [(create, *admit, use)] if admit else []
    return [*found, (create, use), *with_rules]


def resources(s: Situation) -> list[Candidate]:
    """network-resources-exist: a deleted subnet -> another subnet of the VPC; a deleted group,
    or one of another VPC -> drop it when groups of the VPC remain, else a new group."""
    conn, finding = s.report.connection, s.finding
    if finding.resource == conn.subnet_id and s.subnet is None:
        return other_subnets(s)
    if s.subnet is None:  # a group finding while the subnet is gone: the subnet's finding first
        return []
    kept = _existing_groups(s)
    if kept and finding.resource in conn.security_group_ids:
        dropped = ", ".join(g for g in conn.security_group_ids if g not in kept)
        change = f"remove {dropped} from connection {conn.name}'s groups (keeping {', '.join(kept)})"
        use = _with_groups(s, kept, change)
        return [(use,)] if use else []
    return some_group(s)


def free_ips(s: Situation) -> list[Candidate]:
    """subnet-free-ips: a subnet of the same VPC with room (lowering the workers is the job
    owner's choice, not a network fix)."""
    return other_subnets(s)
