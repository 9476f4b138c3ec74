"""The live collector's network reads, in waves of concurrent calls.

After the Glue reads (wave 1): the region's VPCs and subnets, the named data sources and the
managed prefix lists, all at once (wave 2); then every VPC-filtered describe of the VPCs found
(the ENIs holding IP-literal targets among them), all at once (wave 3). Only an MSK cluster's
brokers, a subnet that no longer exists, or a customer-managed prefix list referenced by a
route or rule add a wave. Raw answers in the snapshot's region shape; `model.build` does the
rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from glue_netcheck.collect import aws, sources


def collect_places(
    reader: aws.AwsReader,
    connections: list[dict[str, Any]],
    planned_subnets: Iterable[str] = (),
    vpcs: Iterable[str] = (),
    also: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """`also`: one more read of the caller's for the second wave; its answer is under "also".

    The networks the connections live in and reach: their VPCs, their data sources' VPCs
    (a database, a broker, the ENI or the VPC holding an IP literal), and (for a plan) the VPCs
    of existing subnets or VPCs it names — one describe per resource type for all of them."""
    denied: list[str] = []
    hosts = sources.target_hosts(connections)

    def region_vpcs() -> list[Any]:
        return aws.readable(denied, [], lambda: reader.call("ec2", "describe_vpcs", "Vpcs"))

    def prefix_lists() -> list[Any]:
        return aws.readable(denied, [], lambda: reader.call("ec2", "describe_managed_prefix_lists", "PrefixLists"))

    # The region's VPCs and subnets: which VPC holds a subnet or an address is then known
    # without one lookup per resource. Without the subnets nothing can be placed: a denial
    # there stops the run (exit 2).
    found_vpcs, subnets, rds, redshift, kafka, lists, extra = reader.together(
        region_vpcs,
        lambda: reader.call("ec2", "describe_subnets", "Subnets"),
        lambda: sources.collect_databases(reader, connections),
        lambda: sources.collect_redshift(reader, connections),
        lambda: sources.collect_kafka(reader, connections),
        prefix_lists,
        also or (lambda: None),
    )
    raw = {"rds": rds, "redshift": redshift, "kafka": kafka}
    placed = [*connections, *({"PhysicalConnectionRequirements": {"SubnetId": s}} for s in sorted(planned_subnets))]
    every = (
        vpcs_of(reader, placed, subnets)
        | sources.source_vpcs(raw, hosts, {s["SubnetId"]: s["VpcId"] for s in subnets})
        | _address_vpcs(found_vpcs, sources.ip_targets(hosts))
        | set(vpcs)
    )
    bpa = _block_public_access(found_vpcs, subnets)
    ec2 = collect_network(reader, every, found_vpcs, subnets, lists, denied, sources.ip_targets(hosts), bpa)
    return {"ec2": ec2, **{k: v for k, v in raw.items() if v}, **({"also": extra} if also else {})}


def _block_public_access(region_vpcs: list[dict[str, Any]], subnets: list[dict[str, Any]]) -> bool:
    """Whether the region needs the Block Public Access reads. AWS puts the region's mode on
    every VPC and subnet it describes (BlockPublicAccessStates): when they all say "off"
    neither the options nor the exclusions are read (two calls fewer on almost every run);
    when any says blocking, both are (the options carry ExclusionsAllowed, which the states do
    not: whether the exclusion fix is one AWS accepts). Without the field (moto, a region
    without the feature) nothing is read: the mode stays unknown, and nothing is reported."""
    states = {
        str((r.get("BlockPublicAccessStates") or {}).get("InternetGatewayBlockMode", ""))
        for r in (*region_vpcs, *subnets)
    } - {""}
    return bool(states - {"off"})


def vpcs_of(reader: aws.AwsReader, connections: list[dict[str, Any]], subnets: list[dict[str, Any]]) -> set[str]:
    """The VPCs the connections live in: from their subnets, else from their security groups."""
    physical = [c.get("PhysicalConnectionRequirements") or {} for c in connections]
    by_id = {s["SubnetId"]: s["VpcId"] for s in subnets}
    vpcs = {by_id[p["SubnetId"]] for p in physical if p.get("SubnetId") in by_id}
    orphans = [p for p in physical if p.get("SubnetId") not in by_id]
    group_ids = sorted({g for p in orphans for g in p.get("SecurityGroupIdList") or ()})
    if group_ids:
        for group in reader.call(
            "ec2",
            "describe_security_groups",
            "SecurityGroups",
            Filters=[{"Name": "group-id", "Values": group_ids}],
        ):
            vpcs.add(group["VpcId"])
    return vpcs


def _cidrs(vpc: dict[str, Any]) -> list[IPv4Network]:
    blocks = [a.get("CidrBlock") for a in vpc.get("CidrBlockAssociationSet") or ()] or [vpc.get("CidrBlock")]
    return [IPv4Network(c) for c in blocks if c]


def _address_vpcs(region_vpcs: list[dict[str, Any]], ips: Iterable[str]) -> set[str]:
    """The VPCs whose CIDRs hold an IP-literal target: they are read, so an address no ENI
    there holds is known to be vacant, not outside."""
    addresses = [IPv4Address(ip) for ip in ips]
    return {v["VpcId"] for v in region_vpcs if any(a in c for c in _cidrs(v) for a in addresses)}


def collect_network(
    reader: aws.AwsReader,
    vpc_ids: set[str],
    region_vpcs: list[Any],
    subnets: list[Any],
    prefix_lists: list[Any],
    denied: list[str],
    ips: Iterable[str] = (),
    block_public_access: bool = False,
) -> dict[str, Any]:
    """Every EC2 resource type the engine models for these VPCs, one (paginated) describe each,
    all at once; the region-wide answers read before are kept for these VPCs only.

    ENIs: with IP-literal targets, the VPCs' ENIs come in the same wave (one call for every
    address, and the interface endpoints' ENIs with them). Otherwise the endpoints' ENIs are
    read (one more wave) only when their exact addresses can change an answer: a rule or ACL
    entry that covers part of an endpoint's subnet. A subnet-wide answer is decided anyway."""
    if not vpc_ids:
        return {}
    vpc_filter = aws.vpc_filter(vpc_ids)
    vpcs = [v for v in region_vpcs if v["VpcId"] in vpc_ids]

    def described(operation: str, key: str, **params: Any) -> Callable[[], list[Any]]:
        return lambda: aws.readable(denied, [], lambda: reader.call("ec2", operation, key, **params))

    def attribute(vpc_id: str, attr: str) -> Callable[[], bool | None]:
        def read() -> bool | None:
            answer = aws.readable(
                denied, {}, lambda: reader.one("ec2", "describe_vpc_attribute", VpcId=vpc_id, Attribute=attr)
            )
            value = answer.get(attr[0].upper() + attr[1:], {}).get("Value")
            return value if isinstance(value, bool) else None

        return read

    reads: dict[str, Callable[[], Any]] = {
        "RouteTables": described("describe_route_tables", "RouteTables", Filters=vpc_filter),
        "SecurityGroups": described("describe_security_groups", "SecurityGroups", Filters=vpc_filter),
        "NetworkAcls": described("describe_network_acls", "NetworkAcls", Filters=vpc_filter),
        "VpcEndpoints": described("describe_vpc_endpoints", "VpcEndpoints", Filters=vpc_filter),
        "NatGateways": described("describe_nat_gateways", "NatGateways", Filter=vpc_filter),
        "InternetGateways": described(
            "describe_internet_gateways", "InternetGateways", Filters=aws.vpc_filter(vpc_ids, "attachment.vpc-id")
        ),
    }
    if block_public_access:
        reads["BlockPublicAccess"] = _bpa_reader(reader, denied)
    ips = list(ips)
    if ips:
        reads["NetworkInterfaces"] = described("describe_network_interfaces", "NetworkInterfaces", Filters=vpc_filter)
    for vpc in vpcs:
        for attr in ("enableDnsSupport", "enableDnsHostnames"):
            reads[f"{vpc['VpcId']}/{attr}"] = attribute(vpc["VpcId"], attr)
    dhcp_ids = sorted({v["DhcpOptionsId"] for v in vpcs if v.get("DhcpOptionsId") not in (None, "default")})
    if dhcp_ids:
        reads["DhcpOptions"] = described("describe_dhcp_options", "DhcpOptions", DhcpOptionsIds=dhcp_ids)
    if len(vpc_ids) > 1:  # a target in another VPC: is there a peering between them?
        reads["VpcPeeringConnections"] = described("describe_vpc_peering_connections", "VpcPeeringConnections")
    # The region's S3 list is always needed: its entries are read in this wave too.
    s3 = [pl for pl in prefix_lists if pl.get("PrefixListName") == f"com.amazonaws.{reader.region}.s3"]
    for pl in s3:
        reads[f"entries/{pl['PrefixListId']}"] = _entries(reader, pl, denied)
    answers = dict(zip(reads, reader.together(*reads.values()), strict=True))
    ec2: dict[str, Any] = {
        "Vpcs": vpcs,
        "VpcAttributes": {
            vpc["VpcId"]: {
                "EnableDnsSupport": answers[f"{vpc['VpcId']}/enableDnsSupport"],
                "EnableDnsHostnames": answers[f"{vpc['VpcId']}/enableDnsHostnames"],
            }
            for vpc in vpcs
        },
        "Subnets": [s for s in subnets if s["VpcId"] in vpc_ids],
        **{k: v for k, v in answers.items() if "/" not in k and v is not None and k != "BlockPublicAccess"},
        **answers.get("BlockPublicAccess", {}),
        "DhcpOptions": answers.get("DhcpOptions", []),
    }
    if not ips and (eni_ids := _partly_covered(ec2)):
        filters = [{"Name": "network-interface-id", "Values": eni_ids}]
        answers["NetworkInterfaces"] = described("describe_network_interfaces", "NetworkInterfaces", Filters=filters)()
    ec2.update(_interfaces(answers, ips, denied))
    # Lists the VPC's routes or rules reference, beyond S3's: known only now (one more wave).
    referenced = _referenced(ec2) - {pl["PrefixListId"] for pl in s3}
    others = [pl for pl in prefix_lists if pl["PrefixListId"] in referenced]
    read = reader.together(*(_entries(reader, pl, denied) for pl in others))
    ec2["PrefixLists"] = [
        entry for entry in [*(answers[f"entries/{pl['PrefixListId']}"] for pl in s3), *read] if entry is not None
    ]
    ec2["Denied"] = sorted(set(denied))
    return ec2


def _bpa_reader(reader: aws.AwsReader, denied: list[str]) -> Callable[[], dict[str, Any]]:
    """The Block Public Access reads, one after the other: the options (the mode, and whether
    exclusions are allowed), then the exclusions, unless the options say "off" (the states
    disagreed). An unanswered read leaves its key absent: the model then takes the mode from the
    states and calls the exclusions unknown. Exclusions rarely take more than one page
    (MaxResults 1000)."""

    def one(operation: str, **params: Any) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = aws.readable(
            denied, None, functools.partial(reader.optional, "ec2", operation, **params)
        )
        return answer

    def read() -> dict[str, Any]:
        found: dict[str, Any] = {}
        options = one("describe_vpc_block_public_access_options")
        if options is not None and isinstance(options.get("VpcBlockPublicAccessOptions"), dict):
            found["VpcBlockPublicAccessOptions"] = options["VpcBlockPublicAccessOptions"]
            if found["VpcBlockPublicAccessOptions"].get("InternetGatewayBlockMode") == "off":
                return found
        exclusions = one("describe_vpc_block_public_access_exclusions", MaxResults=1000)
        if exclusions is not None:
            found["VpcBlockPublicAccessExclusions"] = list(exclusions.get("VpcBlockPublicAccessExclusions") or [])
        return found

    return read


def _interfaces(answers: dict[str, Any], ips: Iterable[str], denied: list[str]) -> dict[str, Any]:
    """The ENIs kept (sources.kept_interfaces), and the IP-literal targets looked up: only
    those may be called vacant, so none when the read was denied."""
    found = sources.kept_interfaces(answers.get("NetworkInterfaces", []), answers["VpcEndpoints"], ips)
    looked_up = sorted(ips) if ips and "ec2:DescribeNetworkInterfaces" not in denied else []
    return {"NetworkInterfaces": found, "NetworkInterfaceLookups": looked_up}


def _partly_covered(ec2: dict[str, Any]) -> list[str]:
    """The interface endpoints' ENIs, when some security-group rule or ACL entry of the VPCs
    covers part of an endpoint's subnet but not all of it: only then do their addresses decide."""
    subnets = {s["SubnetId"]: IPv4Network(s["CidrBlock"]) for s in ec2["Subnets"] if s.get("CidrBlock")}
    placed = [
        (subnets[s], e)
        for e in ec2["VpcEndpoints"]
        if e.get("VpcEndpointType") == "Interface"
        for s in e.get("SubnetIds") or ()
        if s in subnets
    ]
    rules = {
        IPv4Network(r["CidrIp"], strict=False)
        for g in ec2["SecurityGroups"]
        for perm in (*g.get("IpPermissions", []), *g.get("IpPermissionsEgress", []))
        for r in perm.get("IpRanges", [])
        if r.get("CidrIp")
    } | {
        IPv4Network(e["CidrBlock"], strict=False)
        for a in ec2["NetworkAcls"]
        for e in a.get("Entries", [])
        if e.get("CidrBlock")
    }
    partly = any(c.overlaps(sub) and not sub.subnet_of(c) for c in rules for sub, _ in placed)
    return sorted({i for _, e in placed for i in e.get("NetworkInterfaceIds") or ()}) if partly else []


def _entries(reader: aws.AwsReader, pl: dict[str, Any], denied: list[str]) -> Callable[[], dict[str, Any] | None]:
    def read() -> dict[str, Any] | None:
        entries = aws.readable(
            denied,
            None,
            lambda: reader.call("ec2", "get_managed_prefix_list_entries", "Entries", PrefixListId=pl["PrefixListId"]),
        )
        if entries is None:
            return None
        return {
            "PrefixListId": pl["PrefixListId"],
            "PrefixListName": pl.get("PrefixListName", ""),
            "Cidrs": [e["Cidr"] for e in entries],
        }

    return read


def _referenced(ec2: dict[str, Any]) -> set[str]:
    """The managed prefix lists the VPCs' routes and security-group rules name."""
    referenced = {
        r["DestinationPrefixListId"]
        for t in ec2["RouteTables"]
        for r in t.get("Routes", [])
        if r.get("DestinationPrefixListId")
    }
    return referenced | {
        p["PrefixListId"]
        for g in ec2["SecurityGroups"]
        for perm in (*g.get("IpPermissions", []), *g.get("IpPermissionsEgress", []))
        for p in perm.get("PrefixListIds", [])
    }
