"""What links a VPC to addresses and to other networks: network interfaces, peerings, and the
account's VPC Block Public Access settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_netcheck.model.network import (
    BlockPublicAccess,
    NetworkInterface,
    Peering,
)
from glue_netcheck.model.raw import (
    as_str,
)


def build_interface(raw: Mapping[str, Any]) -> NetworkInterface:
    primary = raw.get("PrivateIpAddress")
    others = [a.get("PrivateIpAddress") for a in raw.get("PrivateIpAddresses") or () if isinstance(a, Mapping)]
    return NetworkInterface(
        id=as_str(raw, "NetworkInterfaceId"),
        vpc_id=as_str(raw, "VpcId"),
        subnet_id=as_str(raw, "SubnetId"),
        addresses=tuple(str(a) for a in dict.fromkeys([primary, *others]) if a),
        group_ids=tuple(str(g["GroupId"]) for g in raw.get("Groups") or () if g.get("GroupId")),
        kind=str(raw.get("InterfaceType") or "interface"),
        description=str(raw.get("Description") or ""),
    )


def build_peering(raw: Mapping[str, Any]) -> Peering:
    sides = [raw.get("RequesterVpcInfo") or {}, raw.get("AccepterVpcInfo") or {}]
    options = [side.get("PeeringOptions") for side in sides]
    private_dns = (
        frozenset(
            str(side.get("VpcId", ""))
            for side, o in zip(sides, options, strict=True)
            if isinstance(o, Mapping) and o.get("AllowDnsResolutionFromRemoteVpc")
        )
        if all(isinstance(o, Mapping) for o in options)
        else None
    )
    return Peering(
        id=as_str(raw, "VpcPeeringConnectionId"),
        requester_vpc_id=str(sides[0].get("VpcId", "")),
        accepter_vpc_id=str(sides[1].get("VpcId", "")),
        status=str((raw.get("Status") or {}).get("Code", "")),
        private_dns_for_remote=private_dns,
    )


def build_block_public_access(ec2: Mapping[str, Any]) -> BlockPublicAccess | None:
    """ec2.VpcBlockPublicAccessOptions: DescribeVpcBlockPublicAccessOptions' answer of that name;
    ec2.VpcBlockPublicAccessExclusions: DescribeVpcBlockPublicAccessExclusions' list. Without
    the options, the mode every VPC and subnet states (BlockPublicAccessStates) when they agree;
    else unknown (None). An exclusion is active once created or updated (state *-complete).
    ExclusionsAllowed ("allowed" or "not-allowed", set by a declarative policy) is known only
    from the options: the states do not carry it."""
    options = ec2.get("VpcBlockPublicAccessOptions")
    if not isinstance(options, Mapping):
        states = {
            str(state.get("InternetGatewayBlockMode", ""))
            for r in (*(ec2.get("Vpcs") or ()), *(ec2.get("Subnets") or ()))
            if isinstance(r, Mapping) and isinstance(state := r.get("BlockPublicAccessStates"), Mapping)
        }
        if len(states) != 1 or "" in states:
            return None
        options = {"InternetGatewayBlockMode": states.pop()}
    exclusions: dict[str, str] = {}
    ids: dict[str, str] = {}
    for item in ec2.get("VpcBlockPublicAccessExclusions") or ():
        if not isinstance(item, Mapping) or str(item.get("State", "")) not in ("create-complete", "update-complete"):
            continue
        resource = str(item.get("ResourceArn", "")).rsplit("/", 1)[-1]
        if resource:
            exclusions[resource] = str(item.get("InternetGatewayExclusionMode", ""))
            ids[resource] = str(item.get("ExclusionId", ""))
    mode = str(options.get("InternetGatewayBlockMode", "off"))
    unread = "VpcBlockPublicAccessExclusions" not in ec2 or "ec2:DescribeVpcBlockPublicAccessExclusions" in (
        ec2.get("Denied") or ()
    )
    allowed = {"allowed": True, "not-allowed": False}.get(str(options.get("ExclusionsAllowed", "")))
    known = mode == "off" or not unread
    return BlockPublicAccess(mode, exclusions, known, allowed, {r: i for r, i in ids.items() if i})
