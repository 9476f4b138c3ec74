"""Runnable fixes with real ids. One place writes `aws` commands, so every check (and every
proven fix in glue_netcheck.fixes) says them alike.

Every string returned here is valid shell: each command on its own line, notes and
alternatives as `#` comment lines, ids created by an earlier step held in shell variables
("$NAT"), never a `<placeholder>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from glue_netcheck.model.network import Network, Subnet
from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Hop, Needed, PathResult

# Route target kind -> the `aws ec2 create-route` option naming it.
ROUTE_TARGET_OPTIONS = {
    "internet-gateway": "--gateway-id",
    "nat-gateway": "--nat-gateway-id",
    "transit-gateway": "--transit-gateway-id",
    "vpc-peering": "--vpc-peering-connection-id",
    "network-interface": "--network-interface-id",
    "gateway-load-balancer-endpoint": "--vpc-endpoint-id",
}
_PROTOCOL_NAMES = {"-1": "-1", "6": "tcp", "17": "udp", "1": "icmp"}


def q(value: str) -> str:
    """A shell word: a variable made by an earlier step is quoted, a real id is as is."""
    return f'"{value}"' if value.startswith("$") else value


def lines(*parts: str | Iterable[str]) -> str:
    out: list[str] = []
    for part in parts:
        out.extend([part] if isinstance(part, str) else part)
    return "\n".join(p for p in out if p)


def comment(text: str) -> str:
    return "# " + text.replace("\n", " ")


# --- one command each -----------------------------------------------------------------------


def authorize(group_id: str, egress: bool, protocol: str, low: int, high: int, peer_kind: str, peer: str) -> str:
    peer_text = {
        "cidr": f"IpRanges=[{{CidrIp={peer}}}]",
        "security-group": f"UserIdGroupPairs=[{{GroupId={peer}}}]",
        "prefix-list": f"PrefixListIds=[{{PrefixListId={peer}}}]",
    }[peer_kind]
    proto = _PROTOCOL_NAMES.get(protocol, protocol)
    ports = "" if proto == "-1" else f",FromPort={low},ToPort={high}"
    return (
        f"aws ec2 authorize-security-group-{'egress' if egress else 'ingress'} --group-id {q(group_id)} "
        f"--ip-permissions 'IpProtocol={proto}{ports},{peer_text}'"
    )


def create_nacl_entry(acl_id: str, egress: bool, number: int, low: int, high: int, cidr: str) -> str:
    return (
        f"aws ec2 create-network-acl-entry --network-acl-id {acl_id} "
        f"{'--egress' if egress else '--ingress'} --rule-number {number} --protocol tcp "
        f"--port-range From={low},To={high} --cidr-block {cidr} --rule-action allow"
    )


def create_route(
    table_id: str,
    destination: str,
    target_kind: str,
    target_id: str,
    *,
    replace: bool = False,
    prefix_list: bool = False,
) -> str:
    where = "--destination-prefix-list-id" if prefix_list else "--destination-cidr-block"
    verb = "replace-route" if replace else "create-route"
    return (
        f"aws ec2 {verb} --route-table-id {q(table_id)} {where} {destination} "
        f"{ROUTE_TARGET_OPTIONS[target_kind]} {q(target_id)}"
    )


def modify_vpc_attribute(vpc_id: str, attribute: str) -> str:
    flag = "--enable-dns-support" if attribute == "enableDnsSupport" else "--enable-dns-hostnames"
    return f"aws ec2 modify-vpc-attribute --vpc-id {vpc_id} {flag} '{{\"Value\":true}}'"


def modify_private_dns(endpoint_id: str) -> str:
    return f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {q(endpoint_id)} --private-dns-enabled"


def add_route_tables(endpoint_id: str, table_ids: Sequence[str]) -> str:
    return (
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {q(endpoint_id)} "
        f"--add-route-table-ids {' '.join(q(t) for t in table_ids)}"
    )


def create_gateway_endpoint(variable: str, vpc_id: str, service_name: str, table_ids: Sequence[str]) -> str:
    return (
        f"{variable}=$(aws ec2 create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Gateway "
        f"--service-name {service_name} --route-table-ids {' '.join(q(t) for t in table_ids)} "
        "--query VpcEndpoint.VpcEndpointId --output text)"
    )


def create_interface_endpoint(
    variable: str, vpc_id: str, service_name: str, subnet_ids: Sequence[str], group_ids: Sequence[str]
) -> str:
    # Without --security-group-ids AWS attaches the VPC's default group.
    groups = f" --security-group-ids {' '.join(q(g) for g in group_ids)}" if group_ids else ""
    return (
        f"{variable}=$(aws ec2 create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Interface "
        f"--service-name {service_name} --subnet-ids {' '.join(subnet_ids)}{groups} --private-dns-enabled "
        "--query VpcEndpoint.VpcEndpointId --output text)"
    )


def allocate_address(variable: str) -> str:
    return f"{variable}=$(aws ec2 allocate-address --domain vpc --query AllocationId --output text)"


def create_nat_gateway(variable: str, subnet_id: str, allocation: str) -> str:
    return (
        f"{variable}=$(aws ec2 create-nat-gateway --subnet-id {subnet_id} --allocation-id {q(allocation)} "
        "--query NatGateway.NatGatewayId --output text)"
    )


def wait_nat(variable_or_id: str) -> str:
    return f"aws ec2 wait nat-gateway-available --nat-gateway-ids {q(variable_or_id)}"


# --- choices the data decides ---------------------------------------------------------------


def attached_igw(network: Network, vpc_id: str) -> str | None:
    return next(
        (g.id for g in sorted(network.internet_gateways.values(), key=lambda g: g.id) if vpc_id in g.attached_vpc_ids),
        None,
    )


def public_subnets(network: Network, vpc_id: str, availability_zone: str | None) -> list[Subnet]:
    """Subnets whose route table sends 0.0.0.0/0 to an attached internet gateway, the given
    AZ first (a NAT gateway in the Glue subnet's AZ keeps traffic in the zone)."""
    igws = {g.id for g in network.internet_gateways.values() if vpc_id in g.attached_vpc_ids}
    found = []
    for subnet in network.subnets_in(vpc_id):
        table = network.route_table_for(subnet)
        if table and any(
            r.target == "internet-gateway"
            and r.target_id in igws
            and r.destination is not None
            and r.destination.prefixlen == 0  # 0.0.0.0/0 (str() of every route cost more)
            for r in table.routes
        ):
            found.append(subnet)
    return sorted(found, key=lambda s: (s.availability_zone != availability_zone, s.id))


def nat_steps(network: Network, vpc_id: str, availability_zone: str | None) -> tuple[str, ...] | None:
    """Commands creating a public NAT gateway ("$NAT"), or None when no subnet is public."""
    subnets = public_subnets(network, vpc_id, availability_zone)
    if not subnets:
        return None
    best = subnets[0]
    why = "in the Glue subnet's AZ" if best.availability_zone == availability_zone else f"in {best.availability_zone}"
    return (
        comment(f"{best.id} is public (its route table sends 0.0.0.0/0 to an attached internet gateway), {why}"),
        comment("the data lists no Elastic IPs (DescribeAddresses is not read): allocate one"),
        allocate_address("EIP"),
        create_nat_gateway("NAT", best.id, "$EIP"),
        wait_nat("$NAT"),
    )


# --- what checks call ------------------------------------------------------------------------


def sg_rule(group_id: str, needed: Needed) -> str:
    return "; ".join(
        authorize(group_id, needed.egress, "6", needed.low, needed.high, needed.peer_kind, peer)
        for peer in needed.peers
    )


def nacl_entry(acl_id: str, needed: Needed, number: int | None = None) -> str:
    chosen = needed.rule_number if needed.rule_number is not None else number
    if chosen is None:
        return comment(
            f"{acl_id} needs an allow rule {'outbound' if needed.egress else 'inbound'} tcp "
            f"{needed.low}-{needed.high} {needed.peer} numbered before the rule that drops it"
        )
    return create_nacl_entry(acl_id, needed.egress, chosen, needed.low, needed.high, needed.peer)


def self_referencing_rule(group_id: str) -> str:
    return authorize(group_id, False, "6", 0, 65535, "security-group", group_id)


def all_egress(group_id: str) -> str:
    return authorize(group_id, True, "-1", 0, 65535, "cidr", "0.0.0.0/0")


def enable_private_dns(endpoint_id: str) -> str:
    return lines(modify_private_dns(endpoint_id), comment("Terraform: private_dns_enabled = true on aws_vpc_endpoint"))


def enable_vpc_dns(vpc_id: str, attribute: str) -> str:
    tf = "enable_dns_support" if attribute == "enableDnsSupport" else "enable_dns_hostnames"
    return lines(modify_vpc_attribute(vpc_id, attribute), comment(f"Terraform: {tf} = true on aws_vpc"))


def create_endpoint(
    service: Service, vpc_id: str, subnet_id: str, group_ids: tuple[str, ...], route_table_id: str | None
) -> str:
    if service.prefix_list_name and route_table_id:
        return create_gateway_endpoint("VPCE", vpc_id, service.endpoint_service_name, [route_table_id])
    return create_interface_endpoint("VPCE", vpc_id, service.endpoint_service_name, [subnet_id], group_ids)


def bpa_exclusion(network: Network, nat_id: str) -> str | None:
    """VPC Block Public Access drops the NAT gateway's traffic: exclude its subnet for egress."""
    nat = network.nat_gateways.get(nat_id)
    bpa = network.block_public_access
    if nat is None or (bpa is not None and bpa.exclusions_allowed is False):  # a declarative policy forbids them
        return None
    return (
        f"aws ec2 create-vpc-block-public-access-exclusion --subnet-id {nat.subnet_id} "
        "--internet-gateway-exclusion-mode allow-egress"
    )


def nat_route(
    route_table_id: str, network: Network | None = None, glue_subnet: Subnet | None = None, replace: bool = False
) -> str:
    """A new public NAT gateway and the Glue table's default route to it."""
    steps = nat_steps(network, glue_subnet.vpc_id, glue_subnet.availability_zone) if network and glue_subnet else None
    if steps is None:
        return comment(
            f"route 0.0.0.0/0 from {route_table_id} to a NAT gateway in a public subnet "
            "(none found in the data: a subnet routing 0.0.0.0/0 to an attached internet gateway)"
        )
    return lines(steps, create_route(route_table_id, "0.0.0.0/0", "nat-gateway", "$NAT", replace=replace))


def for_hop(hop: Hop) -> str | None:
    """The fix for a security-group or network-ACL hop that drops traffic, if it is a rule."""
    if hop.needed is None:
        return None
    if hop.type == "security-group":
        return sg_rule(hop.id, hop.needed)
    if hop.type == "network-acl":
        return nacl_entry(hop.id, hop.needed)
    return None


def nat_subnet_table(path: PathResult) -> str | None:
    """The route table of the NAT gateway's own subnet when that is where the path drops."""
    seen_nat = False
    for hop in path.hops:
        if hop.type == "nat-gateway":
            seen_nat = True
        elif seen_nat and hop.type == "route-table" and hop.verdict == "deny":
            return hop.id
    return None


def for_path(
    path: PathResult,
    service: Service,
    vpc_id: str,
    subnet_id: str,
    group_ids: tuple[str, ...],
    gateway_endpoint: str | None = None,
    network: Network | None = None,
) -> str:
    """The fix for a blocked path, chosen by the resource that drops the traffic.
    `gateway_endpoint`: the service's existing gateway endpoint in the VPC, if any."""
    blocked = path.blocked_at
    if blocked is None:
        return ""
    drop = next((h for h in path.hops if h.verdict == "deny"), None)
    if blocked.type == "vpc-endpoint" and path.bypassed_endpoint == blocked.id:
        return enable_private_dns(blocked.id)
    if blocked.type == "vpc" and path.bypassed_endpoint:
        support_off = path.hops[0].code == "DNS_SUPPORT_DISABLED"  # net/dns.py: the cause's hop leads
        return enable_vpc_dns(blocked.id, "enableDnsSupport" if support_off else "enableDnsHostnames")
    if blocked.type == "vpc":
        return enable_vpc_dns(blocked.id, "enableDnsSupport")
    if drop is not None and (rule := for_hop(drop)):
        return rule
    nat_table = nat_subnet_table(path)
    if nat_table and network is not None and (igw := attached_igw(network, vpc_id)):
        return create_route(nat_table, "0.0.0.0/0", "internet-gateway", igw)
    table = next((h.id for h in path.hops if h.type == "route-table"), None)
    if blocked.type == "route-table" and gateway_endpoint and table == blocked.id:
        return lines(
            add_route_tables(gateway_endpoint, [table]), comment("Terraform: aws_vpc_endpoint_route_table_association")
        )
    endpoint = create_endpoint(service, vpc_id, subnet_id, group_ids, table)
    if blocked.type in ("route-table", "internet-gateway", "nat-gateway") and table:
        glue_subnet = network.subnets.get(subnet_id) if network else None
        has_default = blocked.type != "route-table"
        alternative = nat_route(table, network, glue_subnet, replace=has_default).splitlines()
        return lines(
            endpoint,
            comment("or, instead of the endpoint:"),
            [a if a.startswith("#") else comment(a) for a in alternative],
        )
    return endpoint
