"""Live reads of the connections' data sources: the ENIs holding IP-literal targets (one
DescribeNetworkInterfaces for every address of the run), RDS/Aurora/DocumentDB, Redshift and
MSK. Each service is read only when a connection's properties name one of its hosts, so a
fleet of other connections pays nothing. Raw answers, in the snapshot's shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from glue_netcheck.model.glue import GlueConnection
from glue_netcheck.model.targets import addresses, ec2_name_address, ip_literal

if TYPE_CHECKING:
    from glue_netcheck.collect.aws import AwsReader


def target_hosts(connections: Iterable[dict[str, Any]]) -> list[str]:
    """Every host the connections' properties name (URLs, brokers, HOST), lower case."""
    hosts: dict[str, None] = {}
    for raw in connections:
        conn = GlueConnection(
            str(raw.get("Name", "")),
            raw.get("ConnectionType"),
            None,
            (),
            None,
            {str(k): str(v) for k, v in (raw.get("ConnectionProperties") or {}).items()},
        )
        for target in addresses(conn):
            hosts[target.host.lower().rstrip(".")] = None
    return list(hosts)


def ip_targets(hosts: Iterable[str]) -> list[str]:
    """The addresses to look up: IP literals, and those EC2 IP-based host names spell."""
    found = {str(a) for h in hosts if (a := ip_literal(h) or ec2_name_address(h)) is not None}
    return sorted(found)


def kept_interfaces(
    interfaces: Iterable[dict[str, Any]], endpoints: Iterable[dict[str, Any]], ips: Iterable[str]
) -> list[Any]:
    """Of a VPC's ENIs, the ones the engine uses: the interface endpoints' (private DNS answers
    with their addresses) and those holding an IP-literal target. The rest (an account's VPC
    may hold thousands of Lambda or EKS interfaces) are dropped."""
    wanted = {eni for e in endpoints for eni in e.get("NetworkInterfaceIds") or ()}
    targets = set(ips)

    def held(eni: dict[str, Any]) -> set[Any]:
        return {eni.get("PrivateIpAddress"), *(a.get("PrivateIpAddress") for a in eni.get("PrivateIpAddresses") or ())}

    return [i for i in interfaces if i.get("NetworkInterfaceId") in wanted or targets & held(i)]


def collect_databases(reader: AwsReader, connections: list[dict[str, Any]]) -> dict[str, Any]:
    """RDS instances and clusters (Aurora, DocumentDB), read only when a connection names an
    RDS or DocumentDB host. A cluster's subnets come from its member instances' answers, so
    the subnet groups need no read of their own."""
    from glue_netcheck.collect.aws import readable

    hosts = " ".join(target_hosts(connections))
    docdb = ".docdb.amazonaws.com" in hosts  # DocumentDB clusters answer the RDS cluster API
    if ".rds.amazonaws.com" not in hosts and not docdb:
        return {}
    denied: list[str] = []
    reads = {
        "DBInstances": lambda: readable(denied, [], lambda: reader.call("rds", "describe_db_instances", "DBInstances"))
    }
    if ".cluster-" in hosts or docdb:
        reads["DBClusters"] = lambda: readable(
            denied, [], lambda: reader.call("rds", "describe_db_clusters", "DBClusters")
        )
    rds: dict[str, Any] = dict(zip(reads, reader.together(*reads.values()), strict=True))
    rds["Denied"] = denied
    return rds


def collect_redshift(reader: AwsReader, connections: list[dict[str, Any]]) -> dict[str, Any]:
    """Redshift clusters and their subnet groups, when a connection names a Redshift host."""
    from glue_netcheck.collect.aws import readable

    if ".redshift.amazonaws.com" not in " ".join(target_hosts(connections)):
        return {}
    denied: list[str] = []
    clusters, groups = reader.together(
        lambda: readable(denied, [], lambda: reader.call("redshift", "describe_clusters", "Clusters")),
        lambda: readable(
            denied, [], lambda: reader.call("redshift", "describe_cluster_subnet_groups", "ClusterSubnetGroups")
        ),
    )
    return {"Clusters": clusters, "ClusterSubnetGroups": groups, "Denied": denied}


def collect_kafka(reader: AwsReader, connections: list[dict[str, Any]]) -> dict[str, Any]:
    """MSK clusters, and the brokers (ListNodes) of each cluster a bootstrap host names."""
    from glue_netcheck.collect.aws import readable

    hosts = [h for h in target_hosts(connections) if ".kafka." in h and h.endswith(".amazonaws.com")]
    if not hosts:
        return {}
    denied: list[str] = []
    clusters = readable(denied, [], lambda: reader.call("kafka", "list_clusters_v2", "ClusterInfoList"))
    named = [c for c in clusters if any(f".{str(c.get('ClusterName', '')).lower()}." in h for h in hosts)]

    def brokers(arn: str) -> list[Any]:
        return readable(denied, [], lambda: reader.call("kafka", "list_nodes", "NodeInfoList", ClusterArn=arn))

    # The brokers need the clusters' ARNs: MSK costs one more wave, for the named clusters only.
    nodes = dict(
        zip(
            (c["ClusterArn"] for c in named),
            reader.together(*(lambda c=c: brokers(c["ClusterArn"]) for c in named)),
            strict=True,
        )
    )
    return {"Clusters": named, "Nodes": nodes, "Denied": denied}


def source_vpcs(raw: dict[str, Any], hosts: Iterable[str], subnet_vpcs: dict[str, str]) -> set[str]:
    """The VPCs the named data sources live in (targets in other VPCs need their network)."""
    from glue_netcheck.model.databases import build_databases
    from glue_netcheck.model.glue import Inventory
    from glue_netcheck.model.network import Network

    wanted = set(hosts)
    inventory = Inventory(network=Network(region=""), databases=build_databases(raw))
    vpcs: set[str] = set()
    for host in wanted:
        db = inventory.database_at(host)
        if db is None:
            continue
        siblings = [d for d in inventory.databases if db.cluster and d.cluster == db.cluster] or [db]
        for found in siblings:
            vpc = found.vpc_id or next((subnet_vpcs[s] for s in found.subnet_ids if s in subnet_vpcs), None)
            if vpc:
                vpcs.add(vpc)
    return vpcs
