"""Generate a large synthetic snapshot in the raw AWS shapes the collector records.

    python benchmarks/generate.py --vpcs 50 --connections 10000 --output benchmarks/out/large.json

Per VPC: 6 subnets over 3 AZs (3 private, 3 public), a public and a private route table (plus
one per private subnet with 12 extra routes: peering, TGW, VPN prefixes), 40 security groups
of about 8 rules, a custom network ACL of 14 entries on the private subnets, an S3 gateway
endpoint, KMS/STS/Logs interface endpoints in about half of the VPCs, NAT gateways in the
others. Connections spread over the private subnets; one job per connection, a crawler for
every other one, 20 security configurations. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b", "us-east-1c")


def _id(prefix: str, *parts: int) -> str:
    return f"{prefix}-" + "".join(f"{p:06x}" for p in parts).rjust(17, "0")[:17]


def _vpc(v: int, rng: random.Random) -> dict[str, Any]:
    vpc_id = _id("vpc", v)
    base = f"10.{v}"
    subnets = [
        {
            "SubnetId": _id("subnet", v, s),
            "VpcId": vpc_id,
            "CidrBlock": f"{base}.{s}.0/24",
            "AvailabilityZone": AZS[s % 3],
            "AvailableIpAddressCount": rng.randint(20, 250),
        }
        for s in range(6)
    ]
    private, public = subnets[:3], subnets[3:]
    igw = _id("igw", v)
    with_endpoints = v % 2 == 0
    nat = _id("nat", v)
    local = {"DestinationCidrBlock": f"{base}.0.0/16", "GatewayId": "local", "State": "active"}
    s3_pl = "pl-63a5400a"
    extra_routes = [
        {"DestinationCidrBlock": f"172.{16 + r}.0.0/16", "TransitGatewayId": _id("tgw", 1), "State": "active"}
        for r in range(8)
    ] + [
        {"DestinationCidrBlock": f"192.168.{r}.0/24", "VpcPeeringConnectionId": _id("pcx", v, r), "State": "active"}
        for r in range(4)
    ]
    default_route = (
        [] if with_endpoints else [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "State": "active"}]
    )
    s3_route = {"DestinationPrefixListId": s3_pl, "GatewayId": _id("vpce", v, 0), "State": "active"}
    route_tables = [
        {
            "RouteTableId": _id("rtb", v, 0),
            "VpcId": vpc_id,
            "Associations": [{"Main": True}, *({"SubnetId": s["SubnetId"]} for s in public)],
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": "active"}],
        },
        *(
            {
                "RouteTableId": _id("rtb", v, 1 + i),
                "VpcId": vpc_id,
                "Associations": [{"SubnetId": s["SubnetId"]}],
                "Routes": [local, *extra_routes, *default_route, s3_route],
            }
            for i, s in enumerate(private)
        ),
    ]
    groups = []
    for g in range(40):
        group_id = _id("sg", v, g)
        ingress = [
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": f"{base}.0.0/16"}]}
            for p in rng.sample([22, 80, 443, 3306, 5432, 5439, 9092, 27017], 4)
        ]
        if g % 4 != 3:  # most Glue groups are self-referencing; every fourth is a broken one
            ingress.append({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]})
        egress = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        if g % 10 == 9:
            egress = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3_pl}]}]
        groups.append(
            {
                "GroupId": group_id,
                "GroupName": f"g{g}",
                "VpcId": vpc_id,
                "IpPermissions": ingress,
                "IpPermissionsEgress": egress,
            }
        )
    groups.append(
        {
            "GroupId": _id("sg", v, 999),
            "GroupName": "default",
            "VpcId": vpc_id,
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    nacl_entries = [
        {
            "RuleNumber": 10 + i,
            "Egress": eg,
            "Protocol": "6",
            "RuleAction": "deny",
            "CidrBlock": f"198.51.{i}.0/24",
            "PortRange": {"From": 0, "To": 65535},
        }
        for i in range(5)
        for eg in (True, False)
    ] + [
        {"RuleNumber": 100, "Egress": True, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
        {
            "RuleNumber": 100,
            "Egress": False,
            "Protocol": "6",
            "RuleAction": "allow",
            "CidrBlock": "0.0.0.0/0",
            "PortRange": {"From": 1024, "To": 65535},
        },
        {"RuleNumber": 110, "Egress": False, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": f"{base}.0.0/16"},
        {"RuleNumber": 32767, "Egress": False, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"},
    ]
    nacls = [
        {
            "NetworkAclId": _id("acl", v, 0),
            "VpcId": vpc_id,
            "IsDefault": True,
            "Associations": [{"SubnetId": s["SubnetId"]} for s in public],
            "Entries": [
                {"RuleNumber": 100, "Egress": e, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
                for e in (True, False)
            ],
        },
        {
            "NetworkAclId": _id("acl", v, 1),
            "VpcId": vpc_id,
            "IsDefault": False,
            "Associations": [{"SubnetId": s["SubnetId"]} for s in private],
            "Entries": nacl_entries,
        },
    ]
    endpoints = [
        {
            "VpcEndpointId": _id("vpce", v, 0),
            "VpcId": vpc_id,
            "VpcEndpointType": "Gateway",
            "ServiceName": f"com.amazonaws.{REGION}.s3",
            "State": "available",
            "RouteTableIds": [t["RouteTableId"] for t in route_tables[1:]],
        }
    ]
    if with_endpoints:
        endpoints += [
            {
                "VpcEndpointId": _id("vpce", v, 1 + i),
                "VpcId": vpc_id,
                "VpcEndpointType": "Interface",
                "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                "State": "available",
                "PrivateDnsEnabled": v % 6 != 0,  # every third endpoint VPC has private DNS off
                "SubnetIds": [s["SubnetId"] for s in private],
                "Groups": [{"GroupId": _id("sg", v, 0)}],
            }
            for i, svc in enumerate(("kms", "sts", "logs"))
        ]
    return {
        "vpc": {"VpcId": vpc_id, "CidrBlock": f"{base}.0.0/16", "DhcpOptionsId": "default"},
        "attributes": {"EnableDnsSupport": True, "EnableDnsHostnames": v % 10 != 7},
        "subnets": subnets,
        "private": private,
        "groups": groups[:40],
        "route_tables": route_tables,
        "security_groups": groups,
        "nacls": nacls,
        "endpoints": endpoints,
        "nat": None
        if with_endpoints
        else {
            "NatGatewayId": nat,
            "VpcId": vpc_id,
            "SubnetId": public[0]["SubnetId"],
            "State": "available",
            "ConnectivityType": "public",
        },
        "igw": {"InternetGatewayId": igw, "Attachments": [{"VpcId": vpc_id, "State": "available"}]},
    }


def generate(vpcs: int, connections: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    built = [_vpc(v, rng) for v in range(vpcs)]
    ec2: dict[str, Any] = {
        "Vpcs": [b["vpc"] for b in built],
        "VpcAttributes": {b["vpc"]["VpcId"]: b["attributes"] for b in built},
        "Subnets": [s for b in built for s in b["subnets"]],
        "RouteTables": [t for b in built for t in b["route_tables"]],
        "SecurityGroups": [g for b in built for g in b["security_groups"]],
        "NetworkAcls": [a for b in built for a in b["nacls"]],
        "VpcEndpoints": [e for b in built for e in b["endpoints"]],
        "NatGateways": [b["nat"] for b in built if b["nat"]],
        "InternetGateways": [b["igw"] for b in built],
        "DhcpOptions": [],
        "PrefixLists": [
            {
                "PrefixListId": "pl-63a5400a",
                "PrefixListName": f"com.amazonaws.{REGION}.s3",
                "Cidrs": ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16", "16.182.0.0/16"],
            }
        ],
    }
    configs = [
        {
            "Name": f"sec-{i}",
            "EncryptionConfiguration": {
                "S3Encryption": [
                    {
                        "S3EncryptionMode": "SSE-KMS" if i % 2 else "SSE-S3",
                        "KmsKeyArn": f"arn:aws:kms:{REGION}:123456789012:key/{i}",
                    }
                ]
            },
        }
        for i in range(20)
    ]
    glue_connections, jobs, crawlers = [], [], []
    for c in range(connections):
        b = built[rng.randrange(vpcs)]
        subnet = rng.choice(b["private"])
        group = rng.choice(b["groups"])
        name = f"conn-{c:05d}"
        glue_connections.append(
            {
                "Name": name,
                "ConnectionType": "JDBC",
                "ConnectionProperties": {
                    "JDBC_CONNECTION_URL": f"jdbc:postgresql://db{c}.internal:5432/app",
                    "USERNAME": "etl",
                },
                "PhysicalConnectionRequirements": {
                    "SubnetId": subnet["SubnetId"],
                    "SecurityGroupIdList": [group["GroupId"]],
                    "AvailabilityZone": subnet["AvailabilityZone"],
                },
            }
        )
        jobs.append(
            {
                "Name": f"job-{c:05d}",
                "Role": "arn:aws:iam::123456789012:role/etl",
                "Connections": {"Connections": [name]},
                "NumberOfWorkers": rng.choice([2, 5, 10, 20, 40]),
                "SecurityConfiguration": f"sec-{rng.randrange(20)}",
                "DefaultArguments": {"--enable-glue-datacatalog": "true"},
            }
        )
        if c % 2 == 0:
            crawlers.append(
                {
                    "Name": f"crawler-{c:05d}",
                    "Role": "etl",
                    "CrawlerSecurityConfiguration": f"sec-{rng.randrange(20)}",
                    "Targets": {"JdbcTargets": [{"ConnectionName": name, "Path": "app/%"}]},
                }
            )
    glue = {
        "Connections": glue_connections,
        "Jobs": jobs,
        "Crawlers": crawlers,
        "SecurityConfigurations": configs,
        "DataCatalogEncryptionSettings": {"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"}},
    }
    return {
        "format": "glue-netcheck-snapshot",
        "version": 1,
        "tool": {"name": "benchmarks/generate.py"},
        "created": "2026-11-23T00:00:00+00:00",
        "regions": {REGION: {"ec2": ec2, "glue": glue}},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=Path("benchmarks/out/large.json"))
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(generate(args.vpcs, args.connections, args.seed)))
    print(
        f"wrote {args.output} ({args.output.stat().st_size / 2**20:.1f} MiB): "
        f"{args.vpcs} VPCs, {args.connections} connections",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
