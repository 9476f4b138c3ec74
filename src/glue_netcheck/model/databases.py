"""The data sources a connection can name, built from raw AWS answers: RDS instances, Aurora,
DocumentDB and Neptune clusters (the RDS API answers for all of them), Redshift clusters and
MSK brokers. Pure: no I/O. Each is placed by the zones it really runs in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_netcheck.model.glue import Database
from glue_netcheck.model.raw import ModelError, as_list, as_mapping, as_str


def build_databases(raw: Mapping[str, Any]) -> tuple[Database, ...]:
    return (
        *_rds(as_mapping(raw.get("rds", {}), "rds")),
        *_redshift(as_mapping(raw.get("redshift", {}), "redshift")),
        *_msk(as_mapping(raw.get("kafka", {}), "kafka")),
    )


def _kind(engine: Any) -> str:
    text = str(engine or "").lower()
    if text == "docdb":
        return "docdb"
    if text.startswith("aurora"):
        return "aurora"
    return "neptune" if text == "neptune" else "rds"


def _subnets(group: Any) -> tuple[str, ...]:
    subnets = group.get("Subnets") if isinstance(group, Mapping) else None
    return tuple(str(s["SubnetIdentifier"]) for s in subnets or () if s.get("SubnetIdentifier"))


def _groups(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(g["VpcSecurityGroupId"]) for g in raw.get("VpcSecurityGroups") or () if g.get("VpcSecurityGroupId")
    )


def _rds(rds: Mapping[str, Any]) -> list[Database]:
    named = {g["DBSubnetGroupName"]: g for g in as_list(rds, "DBSubnetGroups") if g.get("DBSubnetGroupName")}
    instances = {as_str(i, "DBInstanceIdentifier"): i for i in as_list(rds, "DBInstances")}

    def group_of(raw: Mapping[str, Any]) -> Mapping[str, Any]:
        group = raw.get("DBSubnetGroup")
        return as_mapping(named.get(group, {}) if isinstance(group, str) else group or {}, "DBSubnetGroup")

    found = []
    for name, raw in instances.items():
        endpoint = as_mapping(raw.get("Endpoint") or {}, "Endpoint")
        group = group_of(raw)
        zones = [raw.get("AvailabilityZone")]
        # A Multi-AZ instance fails over to its standby's zone: it must be reachable there too.
        if raw.get("MultiAZ"):
            zones.append(raw.get("SecondaryAvailabilityZone"))
        found.append(
            Database(
                id=name,
                endpoints=tuple(e for e in [endpoint.get("Address")] if e),
                port=endpoint.get("Port") or raw.get("DbInstancePort"),
                vpc_id=group.get("VpcId"),
                subnet_ids=_subnets(group),
                group_ids=_groups(raw),
                kind=_kind(raw.get("Engine")),
                zones=tuple(str(z) for z in zones if z) if all(zones) else (),
                zone_roles=("primary", "Multi-AZ standby") if raw.get("MultiAZ") else ("instance",),
                publicly_accessible=raw.get("PubliclyAccessible") is True,
            )
        )
    for raw in as_list(rds, "DBClusters"):
        # The cluster's endpoints lead to its members: the writer first, then the readers.
        members = sorted(
            (m for m in raw.get("DBClusterMembers") or () if m.get("DBInstanceIdentifier") in instances),
            key=lambda m: not m.get("IsClusterWriter"),
        )
        zones = [instances[m["DBInstanceIdentifier"]].get("AvailabilityZone") for m in members]
        group = group_of(raw)
        if not group and members:  # the cluster answer names its group; its members carry it whole
            group = group_of(instances[members[0]["DBInstanceIdentifier"]])
        found.append(
            Database(
                id=as_str(raw, "DBClusterIdentifier"),
                endpoints=tuple(e for e in (raw.get("Endpoint"), raw.get("ReaderEndpoint")) if e),
                port=raw.get("Port"),
                vpc_id=group.get("VpcId"),
                subnet_ids=_subnets(group),
                group_ids=_groups(raw),
                kind=_kind(raw.get("Engine")),
                zones=tuple(dict.fromkeys(str(z) for z in zones)) if zones and all(zones) else (),
                zone_roles=tuple("writer" if m.get("IsClusterWriter") else "reader" for m in members),
                publicly_accessible=bool(members)
                and instances[members[0]["DBInstanceIdentifier"]].get("PubliclyAccessible") is True,
            )
        )
    return found


def _redshift(redshift: Mapping[str, Any]) -> list[Database]:
    named = {
        g["ClusterSubnetGroupName"]: g
        for g in as_list(redshift, "ClusterSubnetGroups")
        if g.get("ClusterSubnetGroupName")
    }
    found = []
    for raw in as_list(redshift, "Clusters"):
        endpoint = as_mapping(raw.get("Endpoint") or {}, "Endpoint")
        group = as_mapping(named.get(raw.get("ClusterSubnetGroupName"), {}), "ClusterSubnetGroup")
        secondary = as_mapping(raw.get("MultiAZSecondary") or {}, "MultiAZSecondary").get("AvailabilityZone")
        zones = tuple(str(z) for z in (raw.get("AvailabilityZone"), secondary) if z)
        found.append(
            Database(
                id=as_str(raw, "ClusterIdentifier"),
                endpoints=tuple(e for e in [endpoint.get("Address")] if e),
                port=endpoint.get("Port"),
                vpc_id=raw.get("VpcId") or group.get("VpcId"),
                subnet_ids=_subnets(group),
                group_ids=_groups(raw),
                kind="redshift",
                publicly_accessible=raw.get("PubliclyAccessible") is True,
                zones=zones,
                zone_roles=("cluster", "Multi-AZ secondary"),
            )
        )
    return found


def _msk(kafka: Mapping[str, Any]) -> list[Database]:
    """Each broker of each provisioned MSK cluster (ListClustersV2 and ListNodes answers):
    an ENI in one of the cluster's client subnets, with the cluster's groups."""
    nodes = as_mapping(kafka.get("Nodes") or {}, "Nodes")
    found = []
    for raw in as_list(kafka, "Clusters"):
        arn, name = as_str(raw, "ClusterArn"), str(raw.get("ClusterName") or raw["ClusterArn"])
        info = (raw.get("Provisioned") or {}).get("BrokerNodeGroupInfo") or raw.get("BrokerNodeGroupInfo") or {}
        groups = tuple(str(g) for g in info.get("SecurityGroups") or ())
        for node in nodes.get(arn) or ():
            if not isinstance(node, Mapping) or not isinstance(node.get("BrokerNodeInfo"), Mapping):
                raise ModelError(f"kafka Nodes of {arn}: expected ListNodes NodeInfo objects")
            broker = node["BrokerNodeInfo"]
            number = broker.get("BrokerId")
            found.append(
                Database(
                    id=f"{name} broker {int(number) if isinstance(number, int | float) else number}",
                    endpoints=tuple(str(e) for e in broker.get("Endpoints") or ()),
                    port=None,
                    vpc_id=None,
                    subnet_ids=tuple(str(s) for s in [broker.get("ClientSubnet")] if s),
                    group_ids=groups,
                    kind="msk",
                    zone_roles=("broker",),
                    cluster=name,
                )
            )
    return found
