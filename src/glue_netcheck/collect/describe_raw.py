"""Merged Describe answers of one region -> the live collector's raw region shape, with the
gaps named. What a dump lacks is never read as "none": a missing list answer goes into the
section's `Denied` list (how the live collector records a refused read, which the model turns
into undecidable hops), a value no answer carries stays None, and each gap is one note."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from glue_netcheck.collect.glue_keys import catalog_keys, configuration_keys, job_buckets
from glue_netcheck.collect.sources import ip_targets, kept_interfaces, target_hosts
from glue_netcheck.errors import AnalysisError


class DescribeError(AnalysisError):
    pass


@dataclass(frozen=True)
class Kind:
    """A list answer: the raw section and key it goes to, and the read it stands for."""

    section: str
    key: str
    action: str
    what: str


LISTS = {
    "Vpcs": Kind("ec2", "Vpcs", "ec2:DescribeVpcs", "VPCs"),
    "Subnets": Kind("ec2", "Subnets", "ec2:DescribeSubnets", "subnets"),
    "RouteTables": Kind("ec2", "RouteTables", "ec2:DescribeRouteTables", "route tables"),
    "SecurityGroups": Kind("ec2", "SecurityGroups", "ec2:DescribeSecurityGroups", "security groups"),
    "NetworkAcls": Kind("ec2", "NetworkAcls", "ec2:DescribeNetworkAcls", "network ACLs"),
    "VpcEndpoints": Kind("ec2", "VpcEndpoints", "ec2:DescribeVpcEndpoints", "VPC endpoints"),
    "NatGateways": Kind("ec2", "NatGateways", "ec2:DescribeNatGateways", "NAT gateways"),
    "InternetGateways": Kind("ec2", "InternetGateways", "ec2:DescribeInternetGateways", "internet gateways"),
    "DhcpOptions": Kind("ec2", "DhcpOptions", "ec2:DescribeDhcpOptions", "DHCP options sets"),
    # DescribePrefixLists (with Cidrs) and DescribeManagedPrefixLists (without) share this key.
    "PrefixLists": Kind("ec2", "PrefixLists", "ec2:DescribeManagedPrefixLists", "prefix lists"),
    "ManagedPrefixLists": Kind("ec2", "PrefixLists", "ec2:DescribeManagedPrefixLists", "prefix lists"),
    "NetworkInterfaces": Kind("ec2", "NetworkInterfaces", "ec2:DescribeNetworkInterfaces", "network interfaces"),
    "VpcBlockPublicAccessExclusions": Kind(
        "ec2",
        "VpcBlockPublicAccessExclusions",
        "ec2:DescribeVpcBlockPublicAccessExclusions",
        "Block Public Access exclusions",
    ),
    "VpcPeeringConnections": Kind("ec2", "VpcPeeringConnections", "ec2:DescribeVpcPeeringConnections", "VPC peerings"),
    "DBInstances": Kind("rds", "DBInstances", "rds:DescribeDBInstances", "RDS instances"),
    "DBClusters": Kind("rds", "DBClusters", "rds:DescribeDBClusters", "RDS clusters"),
    "DBSubnetGroups": Kind("rds", "DBSubnetGroups", "rds:DescribeDBSubnetGroups", "DB subnet groups"),
    "Clusters": Kind("redshift", "Clusters", "redshift:DescribeClusters", "Redshift clusters"),
    "ClusterSubnetGroups": Kind(
        "redshift", "ClusterSubnetGroups", "redshift:DescribeClusterSubnetGroups", "Redshift subnet groups"
    ),
    "ConnectionList": Kind("glue", "Connections", "glue:GetConnections", "Glue connections"),
    "Jobs": Kind("glue", "Jobs", "glue:GetJobs", "Glue jobs"),
    "Crawlers": Kind("glue", "Crawlers", "glue:GetCrawlers", "Glue crawlers"),
    "SecurityConfigurations": Kind(
        "glue", "SecurityConfigurations", "glue:GetSecurityConfigurations", "security configurations"
    ),
}
# Get* answers of one resource hold one item of the list answer.
SINGLES = {
    "Connection": "ConnectionList",
    "Job": "Jobs",
    "Crawler": "Crawlers",
    "SecurityConfiguration": "SecurityConfigurations",
}
# The id of an item, by raw key (TransitGateway* answers have none that is always there).
ID_FIELDS = {
    "Vpcs": "VpcId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "SecurityGroups": "GroupId",
    "NetworkAcls": "NetworkAclId",
    "VpcEndpoints": "VpcEndpointId",
    "NatGateways": "NatGatewayId",
    "InternetGateways": "InternetGatewayId",
    "DhcpOptions": "DhcpOptionsId",
    "PrefixLists": "PrefixListId",
    "NetworkInterfaces": "NetworkInterfaceId",
    "VpcBlockPublicAccessExclusions": "ExclusionId",
    "VpcPeeringConnections": "VpcPeeringConnectionId",
    "DBInstances": "DBInstanceIdentifier",
    "DBClusters": "DBClusterIdentifier",
    "DBSubnetGroups": "DBSubnetGroupName",
    "Clusters": "ClusterIdentifier",
    "ClusterSubnetGroups": "ClusterSubnetGroupName",
    "Connections": "Name",
    "Jobs": "Name",
    "Crawlers": "Name",
    "SecurityConfigurations": "Name",
}
_BY_KEY = {kind.key: kind for kind in LISTS.values()}
# What the engine reads from EC2 for every connection, in the live collector's order.
_NETWORK = ("Vpcs", "Subnets", "RouteTables", "SecurityGroups", "NetworkAcls", "VpcEndpoints")
_GATEWAYS = ("NatGateways", "InternetGateways")


@dataclass
class Folder:
    """What the answer files of one region said, merged."""

    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # raw key -> id -> item
    pages: dict[str, list[bool]] = field(default_factory=dict)  # raw key -> "more pages follow", per file
    attributes: dict[str, dict[str, bool | None]] = field(default_factory=dict)  # VPC -> DNS attributes
    entries: dict[str, list[str]] = field(default_factory=dict)  # prefix list id -> CIDRs
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # KMS KeyId -> KeyMetadata
    policies: dict[str, str] = field(default_factory=dict)  # KMS KeyId -> key policy
    catalog: dict[str, Any] | None = None
    block_public_access: dict[str, Any] | None = None  # DescribeVpcBlockPublicAccessOptions' object
    zones: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def answered(self, key: str) -> bool:
        """An answer for `key` is here, and complete: some file of it is a last page."""
        return key in self.pages and not all(self.pages[key])

    def listed(self, key: str) -> list[dict[str, Any]]:
        return list(self.items.get(key, {}).values())


def cli_call(action: str) -> str:
    """ec2:DescribeNetworkAcls -> aws ec2 describe-network-acls (what the user runs to add it)."""
    service, _, operation = action.partition(":")
    return f"aws {service} {re.sub(r'(?<!^)(?=[A-Z])', '-', operation).lower()}"


def assemble(region: str, folder: Folder) -> tuple[dict[str, Any], list[str]]:
    """The raw region (live collector shape) and one line per gap."""
    gaps: list[str] = []
    if not folder.answered("Subnets"):
        # As live: without the subnets nothing can be placed, and a missing subnet would read as
        # "the connection's subnet does not exist" — a verdict the dump cannot support.
        raise DescribeError(f"region {region}: no complete Subnets answer ({cli_call('ec2:DescribeSubnets')})")
    ec2 = _ec2(region, folder, gaps)
    ec2.update(_interfaces(folder, ec2["Denied"], gaps))
    glue = _glue(folder, gaps)
    raw: dict[str, Any] = {"glue": glue, "ec2": ec2}
    rds = _rds(folder, glue["Connections"], gaps)
    if rds:
        raw["rds"] = rds
    redshift = _redshift(folder, glue["Connections"], gaps)
    if redshift:
        raw["redshift"] = redshift
    if any(".kafka." in h and h.endswith(".amazonaws.com") for h in target_hosts(glue["Connections"])):
        gaps.append("MSK clusters and brokers are not read from Describe dumps: Kafka targets count as external")
    raw.update(_encryption(folder, glue, gaps))
    return raw, gaps


def _unread(key: str, denied: set[str], gaps: list[str], folder: Folder, why: str = "") -> list[dict[str, Any]]:
    """The items of an answer, or (absent or incomplete) what they are and a denied read."""
    kind = _BY_KEY[key]
    if folder.answered(key):
        return folder.listed(key)
    denied.add(kind.action)
    state = "is incomplete (a NextToken, and no last page)" if key in folder.pages else "is absent"
    gaps.append(f"the {key} answer ({cli_call(kind.action)}) {state}{why}: {kind.what} are unknown, not absent")
    return folder.listed(key)


def _ec2(region: str, folder: Folder, gaps: list[str]) -> dict[str, Any]:
    denied: set[str] = set()
    ec2: dict[str, Any] = {key: _unread(key, denied, gaps, folder) for key in (*_NETWORK, *_GATEWAYS)}
    vpcs = ec2["Vpcs"]
    ec2["VpcAttributes"] = {}
    for vpc in vpcs:
        known = folder.attributes.get(vpc["VpcId"], {})
        ec2["VpcAttributes"][vpc["VpcId"]] = {a: known.get(a) for a in ("EnableDnsSupport", "EnableDnsHostnames")}
        missing = [a[0].lower() + a[1:] for a in ("EnableDnsSupport", "EnableDnsHostnames") if known.get(a) is None]
        if missing:
            gaps.append(
                f"{vpc['VpcId']}: {' and '.join(missing)} not in the dump "
                f"({cli_call('ec2:DescribeVpcAttribute')}): unknown, not assumed on"
            )
    needed = {v.get("DhcpOptionsId") for v in vpcs} - {None, "default"}
    ec2["DhcpOptions"] = folder.listed("DhcpOptions")
    absent = sorted(needed - {d["DhcpOptionsId"] for d in ec2["DhcpOptions"]})
    if absent:
        denied.add("ec2:DescribeDhcpOptions")
        gaps.append(f"DHCP options {', '.join(absent)} not in the dump: those VPCs' DNS servers are unknown")
    ec2["PrefixLists"] = _prefix_lists(region, folder, ec2, denied, gaps)
    ec2.update(_block_public_access(folder, denied, gaps, ec2))
    peered = any(r.get("VpcPeeringConnectionId") for t in ec2["RouteTables"] for r in t.get("Routes", []))
    if folder.answered("VpcPeeringConnections") or len(vpcs) > 1 or peered:
        ec2["VpcPeeringConnections"] = _unread("VpcPeeringConnections", denied, gaps, folder)
    for key in sorted(k for k in folder.items if k.startswith("TransitGateway")):
        ec2[key] = folder.listed(key)  # kept as recorded; the engine does not read them (yet)
    ec2["Denied"] = sorted(denied)
    return ec2


def _block_public_access(folder: Folder, denied: set[str], gaps: list[str], ec2: dict[str, Any]) -> dict[str, Any]:
    """As live: the options, and the exclusions when blocking is on. Without the options the
    subnets' BlockPublicAccessStates give the mode; without either it is unknown (and nothing is
    reported); blocking without the exclusions is a warning."""
    options = folder.block_public_access
    states = {(s.get("BlockPublicAccessStates") or {}).get("InternetGatewayBlockMode") for s in ec2["Subnets"]}
    if options is None and states - {None}:  # the model reads the mode from the subnets
        blocking = not states <= {"off", None}
        return (
            {"VpcBlockPublicAccessExclusions": _unread("VpcBlockPublicAccessExclusions", denied, gaps, folder)}
            if blocking
            else {}
        )
    if options is None:
        action = "ec2:DescribeVpcBlockPublicAccessOptions"
        gaps.append(f"no VpcBlockPublicAccessOptions answer ({cli_call(action)}): Block Public Access is unknown")
        return {}
    if options.get("InternetGatewayBlockMode", "off") == "off":
        return {"VpcBlockPublicAccessOptions": options}
    return {
        "VpcBlockPublicAccessOptions": options,
        "VpcBlockPublicAccessExclusions": _unread("VpcBlockPublicAccessExclusions", denied, gaps, folder),
    }


def _prefix_lists(
    region: str, folder: Folder, ec2: dict[str, Any], denied: set[str], gaps: list[str]
) -> list[dict[str, Any]]:
    """In the live shape (id, name, CIDRs). A list the routes or groups name, or the region's
    S3 list, whose CIDRs no answer gives is an unknown, not an empty, list."""
    referenced = {
        r["DestinationPrefixListId"]
        for t in ec2["RouteTables"]
        for r in t.get("Routes", [])
        if r.get("DestinationPrefixListId")
    } | {
        p["PrefixListId"]
        for g in ec2["SecurityGroups"]
        for perm in (*g.get("IpPermissions", []), *g.get("IpPermissionsEgress", []))
        for p in perm.get("PrefixListIds", [])
        if p.get("PrefixListId")
    }
    if not folder.answered("PrefixLists"):
        _unread("PrefixLists", denied, gaps, folder)
    lists, unknown = [], set(referenced)
    for pl in folder.listed("PrefixLists"):
        cidrs = pl.get("Cidrs") if isinstance(pl.get("Cidrs"), list) else folder.entries.get(pl["PrefixListId"])
        wanted = pl["PrefixListId"] in referenced or pl.get("PrefixListName") == f"com.amazonaws.{region}.s3"
        if cidrs is not None:
            unknown.discard(pl["PrefixListId"])
        elif wanted:
            unknown.add(pl["PrefixListId"])
        lists.append(
            {"PrefixListId": pl["PrefixListId"], "PrefixListName": pl.get("PrefixListName", ""), "Cidrs": cidrs or []}
        )
    if unknown:
        denied.add("ec2:GetManagedPrefixListEntries")
        gaps.append(
            f"entries of prefix list(s) {', '.join(sorted(unknown))} not in the dump "
            f"({cli_call('ec2:GetManagedPrefixListEntries')} into a file named after the list id): unknown"
        )
    return lists


def _glue(folder: Folder, gaps: list[str]) -> dict[str, Any]:
    denied: set[str] = set()
    glue: dict[str, Any] = {"Connections": folder.listed("Connections")}
    if not folder.items.get("Connections"):
        gaps.append(f"no Glue connections ({cli_call('glue:GetConnections')}): nothing to analyse")
    for key in ("Jobs", "Crawlers", "SecurityConfigurations"):
        glue[key] = _unread(key, denied, gaps, folder)
    glue["DataCatalogEncryptionSettings"] = folder.catalog  # None = unknown: KMS assumed required
    if folder.catalog is None:
        denied.add("glue:GetDataCatalogEncryptionSettings")
        gaps.append(
            f"the catalog's encryption settings ({cli_call('glue:GetDataCatalogEncryptionSettings')}) are absent: "
            "unknown, KMS is assumed required"
        )
    glue["Denied"] = sorted(denied)
    return glue


def _interfaces(folder: Folder, denied: list[str], gaps: list[str]) -> dict[str, Any]:
    """As live: the interface endpoints' ENIs and those holding the connections' IP-literal
    targets, and which addresses were looked up (only those may be called vacant)."""
    ips = ip_targets(target_hosts(folder.listed("Connections")))
    held = kept_interfaces(folder.listed("NetworkInterfaces"), folder.listed("VpcEndpoints"), ips)
    if folder.answered("NetworkInterfaces"):
        return {"NetworkInterfaces": held, "NetworkInterfaceLookups": ips}
    if not ips:
        return {"NetworkInterfaces": held, "NetworkInterfaceLookups": []}
    _unread("NetworkInterfaces", set(), gaps, folder, " (the connections name IP addresses)")
    denied[:] = sorted({*denied, "ec2:DescribeNetworkInterfaces"})
    return {"NetworkInterfaces": held, "NetworkInterfaceLookups": []}


def _redshift(folder: Folder, connections: list[dict[str, Any]], gaps: list[str]) -> dict[str, Any]:
    """As live: read when a connection names a Redshift host, or when the dump has answers."""
    named = ".redshift.amazonaws.com" in " ".join(target_hosts(connections))
    if not named and not folder.items.get("Clusters"):
        return {}
    denied: set[str] = set()
    redshift: dict[str, Any] = {key: _unread(key, denied, gaps, folder) for key in ("Clusters", "ClusterSubnetGroups")}
    redshift["Denied"] = sorted(denied)
    return redshift


def _rds(folder: Folder, connections: list[dict[str, Any]], gaps: list[str]) -> dict[str, Any]:
    """As live: read only when a connection names an RDS host, or when the dump has RDS answers."""
    hosts = " ".join(target_hosts(connections))
    docdb = ".docdb.amazonaws.com" in hosts
    wanted = {
        "DBInstances": ".rds.amazonaws.com" in hosts or docdb,
        "DBClusters": ".cluster-" in hosts or docdb,
    }
    wanted["DBSubnetGroups"] = False  # as live: the instances' answers carry their groups; kept when given
    denied: set[str] = set()
    rds: dict[str, Any] = {
        key: _unread(key, denied, gaps, folder) for key, need in wanted.items() if need or key in folder.pages
    }
    if rds:
        rds["Denied"] = sorted(denied)
    return rds


def _encryption(folder: Folder, glue: dict[str, Any], gaps: list[str]) -> dict[str, Any]:
    """KMS keys the configurations and catalog name, the consumers' roles, the jobs' buckets:
    from DescribeKey/GetKeyPolicy answers where given, else recorded as unreadable."""
    keys = set(catalog_keys(glue["DataCatalogEncryptionSettings"]))
    for config in glue["SecurityConfigurations"]:
        keys |= set(configuration_keys(config))
    entries = [_key(folder, ref, gaps) for ref in sorted(keys)]
    consumers = [*glue["Jobs"], *glue["Crawlers"]]
    roles = sorted({c["Role"] for c in consumers if c.get("Role")})
    if roles:
        gaps.append(f"IAM policies of {len(roles)} role(s) are not in Describe dumps: unknown")
    buckets = sorted({b for job in glue["Jobs"] for b in job_buckets(job)})
    if buckets:
        gaps.append(f"regions of bucket(s) {', '.join(buckets)} are not in Describe dumps: unknown")
    scripts = _bookmark_scripts(glue)
    if scripts:
        gaps.append(f"{len(scripts)} job script(s) with encrypted bookmarks are not in Describe dumps: unknown")
    unread = {"Code": "Unreadable", "Message": "not in the describe dump"}
    return {
        "kms": {"Keys": entries},
        "iam": {"Roles": [{"RoleName": r.rsplit("/", 1)[-1], "Reference": r, "Error": unread} for r in roles]},
        "s3": {"Scripts": {s: {"Error": unread} for s in scripts}, "Buckets": dict.fromkeys(buckets)},
    }


def _key(folder: Folder, reference: str, gaps: list[str]) -> dict[str, Any]:
    metadata = next(
        (m for k, m in folder.keys.items() if reference in (k, m.get("Arn")) or reference.endswith(f"/{k}")), None
    )
    policy = folder.policies.get(metadata["KeyId"]) if metadata else None
    entry: dict[str, Any] = {"KeyId": reference}
    if metadata is not None and (policy is not None or metadata.get("KeyState") != "Enabled"):
        entry["KeyMetadata"] = metadata
        if policy is not None:
            entry["Policy"] = policy
            return entry
    # An Enabled key without its policy is kept unread: a known state with no policy would
    # let the key-policy check pass it unseen.
    missing = "its key policy" if metadata else "DescribeKey and its key policy"
    gaps.append(f"KMS key {reference}: {missing} not in the dump: unknown")
    entry["Error"] = {"Code": "Unreadable", "Message": f"{missing} not in the describe dump"}
    return entry


def _bookmark_scripts(glue: dict[str, Any]) -> list[str]:
    """Scripts the live collector reads: jobs with bookmarks on under a CSE-KMS configuration."""
    bookmarked = {
        c.get("Name")
        for c in glue["SecurityConfigurations"]
        if ((c.get("EncryptionConfiguration") or {}).get("JobBookmarksEncryption") or {}).get(
            "JobBookmarksEncryptionMode"
        )
        == "CSE-KMS"
    }
    return sorted(
        {
            str((job.get("Command") or {}).get("ScriptLocation", ""))
            for job in glue["Jobs"]
            if job.get("SecurityConfiguration") in bookmarked
            and (job.get("DefaultArguments") or {}).get("--job-bookmark-option") == "job-bookmark-enable"
        }
        - {""}
    )
