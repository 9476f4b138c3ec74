"""Runnable fixes with real ids. One place writes `aws` commands, so every check says them alike."""

from __future__ import annotations

from glue_netcheck.net.services import Service
from glue_netcheck.net.trace import Hop, Needed, PathResult


def sg_rule(group_id: str, needed: Needed) -> str:
    direction = "egress" if needed.egress else "ingress"
    peer = {
        "cidr": f"IpRanges=[{{CidrIp={needed.peer}}}]",
        "security-group": f"UserIdGroupPairs=[{{GroupId={needed.peer}}}]",
        "prefix-list": f"PrefixListIds=[{{PrefixListId={needed.peer}}}]",
    }[needed.peer_kind]
    return (
        f"aws ec2 authorize-security-group-{direction} --group-id {group_id} "
        f"--ip-permissions 'IpProtocol=tcp,FromPort={needed.low},ToPort={needed.high},{peer}'"
    )


def nacl_entry(acl_id: str, needed: Needed) -> str:
    number = needed.rule_number if needed.rule_number is not None else "<free rule number>"
    return (
        f"aws ec2 create-network-acl-entry --network-acl-id {acl_id} "
        f"{'--egress' if needed.egress else '--ingress'} --rule-number {number} --protocol tcp "
        f"--port-range From={needed.low},To={needed.high} --cidr-block {needed.peer} --rule-action allow"
    )


def self_referencing_rule(group_id: str) -> str:
    return (
        f"aws ec2 authorize-security-group-ingress --group-id {group_id} "
        f"--ip-permissions 'IpProtocol=tcp,FromPort=0,ToPort=65535,UserIdGroupPairs=[{{GroupId={group_id}}}]'"
    )


def all_egress(group_id: str) -> str:
    return (
        f"aws ec2 authorize-security-group-egress --group-id {group_id} "
        "--ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'"
    )


def enable_private_dns(endpoint_id: str) -> str:
    return (
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint_id} --private-dns-enabled "
        "(Terraform: private_dns_enabled = true on aws_vpc_endpoint)"
    )


def enable_vpc_dns(vpc_id: str, attribute: str) -> str:
    flag = "--enable-dns-support" if attribute == "enableDnsSupport" else "--enable-dns-hostnames"
    tf = "enable_dns_support" if attribute == "enableDnsSupport" else "enable_dns_hostnames"
    return (
        f"aws ec2 modify-vpc-attribute --vpc-id {vpc_id} {flag} '{{\"Value\":true}}' "
        f"(Terraform: {tf} = true on aws_vpc)"
    )


def create_endpoint(
    service: Service, vpc_id: str, subnet_id: str, group_ids: tuple[str, ...], route_table_id: str | None
) -> str:
    if service.prefix_list_name and route_table_id:
        return (
            f"aws ec2 create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Gateway "
            f"--service-name {service.endpoint_service_name} --route-table-ids {route_table_id}"
        )
    groups = " ".join(group_ids) or "<security group admitting the Glue ENIs on 443>"
    return (
        f"aws ec2 create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Interface "
        f"--service-name {service.endpoint_service_name} --subnet-ids {subnet_id} "
        f"--security-group-ids {groups} --private-dns-enabled"
    )


def nat_route(route_table_id: str) -> str:
    return (
        "create a NAT gateway in a public subnet (aws ec2 create-nat-gateway --subnet-id "
        "<public subnet> --allocation-id <eip>) and route to it: aws ec2 create-route "
        f"--route-table-id {route_table_id} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-id> "
        f"(or aws ec2 replace-route if {route_table_id} already has a 0.0.0.0/0 route)"
    )


def for_hop(hop: Hop) -> str | None:
    """The fix for a security-group or network-ACL hop that drops traffic, if it is a rule."""
    if hop.needed is None:
        return None
    if hop.type == "security-group":
        return sg_rule(hop.id, hop.needed)
    if hop.type == "network-acl":
        return nacl_entry(hop.id, hop.needed)
    return None


def for_path(
    path: PathResult,
    service: Service,
    vpc_id: str,
    subnet_id: str,
    group_ids: tuple[str, ...],
    gateway_endpoint: str | None = None,
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
        return enable_vpc_dns(blocked.id, "enableDnsHostnames")
    if blocked.type == "vpc":
        return enable_vpc_dns(blocked.id, "enableDnsSupport")
    if drop is not None and (rule := for_hop(drop)):
        return rule
    table = next((h.id for h in path.hops if h.type == "route-table"), None)
    if blocked.type == "route-table" and gateway_endpoint and table == blocked.id:
        return (
            f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {gateway_endpoint} --add-route-table-ids {table} "
            "(Terraform: aws_vpc_endpoint_route_table_association)"
        )
    endpoint = create_endpoint(service, vpc_id, subnet_id, group_ids, table)
    if blocked.type in ("route-table", "internet-gateway", "nat-gateway") and table:
        return f"{endpoint}; or {nat_route(table)}"
    return endpoint
