"""The four VPCs of the edge estate (see edges_estate.py) and the connections and jobs placed in
them. Each broken connection sits next to its healthy twin in the same VPC."""

from __future__ import annotations

from typing import Any

from edges_estate import ACCOUNT, A, B, Estate, tcp

from scenarios import REGION

ALL = "0.0.0.0/0"


def core(e: Estate) -> None:
    vpc = e.vpc("core", "10.20.0.0/16")
    e.public_tier(vpc, "core", {"pub-a": ("10.20.0.0/24", A)})
    e.subnet(vpc, "core.pub-b", "10.20.1.0/24", B, "core.public")
    nat = {"NatGatewayId": e.ids["nat.core.pub-a"]}
    # The inspection tier: a Gateway Load Balancer endpoint (firewall) in its own subnet.
    e.table(vpc, "core.fw", (ALL, nat))
    fw_subnet = e.subnet(vpc, "core.fw", "10.20.2.0/24", A, "core.fw")
    gwlbe = e.ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.vpce.{REGION}.vpce-svc-0fa1b2c3d4e5f6789",
        VpcEndpointType="GatewayLoadBalancer",
        SubnetIds=[fw_subnet],
    )["VpcEndpoint"]["VpcEndpointId"]
    e.ids["gwlbe"] = gwlbe
    firewall = {"GatewayId": gwlbe}
    # A second NAT in a subnet whose table has the S3 gateway route but no internet gateway.
    e.table(vpc, "core.pub-c")
    e.nat(e.subnet(vpc, "core.pub-c", "10.20.3.0/24", A, "core.pub-c"), "core.pub-c")
    vgw = e.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    e.ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    e.ids["vgw"] = vgw
    analytics = analytics_vpc(e)
    pcx = e.ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=analytics)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    e.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    e.ids["pcx"] = pcx
    e.ec2.create_route(RouteTableId=e.ids["rtb.an.db"], DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx)
    # One app subnet (and table) per routing variant.
    apps: dict[str, tuple[str, str, list[tuple[str, dict[str, str]]]]] = {
        "app-a": ("10.20.10.0/24", A, [(ALL, nat), ("10.30.0.0/16", {"VpcPeeringConnectionId": pcx})]),
        "app-b": ("10.20.11.0/24", B, [(ALL, nat)]),
        "fwglue": ("10.20.12.0/24", A, [(ALL, firewall)]),
        "split": ("10.20.13.0/24", A, [(ALL, nat), ("0.0.0.0/1", firewall), ("128.0.0.0/1", firewall)]),
        "splitnat": ("10.20.14.0/24", A, [(ALL, firewall), ("0.0.0.0/1", nat), ("128.0.0.0/1", nat)]),
        "onprem": ("10.20.15.0/24", A, [(ALL, nat), ("172.16.0.0/12", {"GatewayId": vgw})]),
        "hard": ("10.20.16.0/24", A, [(ALL, nat), ("172.16.0.0/12", {"GatewayId": vgw})]),
        "nats3": ("10.20.17.0/24", A, [(ALL, nat)]),
        "natc": ("10.20.18.0/24", A, [(ALL, {"NatGatewayId": e.ids["nat.core.pub-c"]})]),
        "app-a2": ("10.20.9.0/24", A, [(ALL, nat)]),
        "pin": ("10.20.19.0/24", A, [(ALL, nat)]),
    }
    for name, (cidr, az, routes) in apps.items():
        e.table(vpc, f"core.{name}", *routes)
        e.subnet(vpc, f"core.{name}", cidr, az, f"core.{name}")
    # S3 gateway endpoint on every app table but nats3/natc (whose S3 goes through the NAT) and
    # on the NAT subnets' tables.
    e.s3_gateway(vpc, "core", [f"core.{n}" for n in apps if n not in ("nats3", "natc")] + ["core.public", "core.pub-c"])
    # Hardened Glue-subnet ACL: the VPC both ways, and from anywhere only Linux's ephemeral range.
    e.acl(
        vpc,
        "core.hard",
        [e.ids["subnet.core.hard"]],
        [
            (100, False, "-1", "allow", None, "10.20.0.0/16"),
            (110, False, "6", "allow", (32768, 65535), ALL),
            (100, True, "-1", "allow", None, ALL),
        ],
    )
    # A strict Glue-subnet ACL that names the database host itself (and HTTPS anywhere).
    e.acl(
        vpc,
        "core.pin",
        [e.ids["subnet.core.pin"]],
        [
            (100, True, "6", "allow", (5432, 5432), "10.20.21.50/32"),
            (110, True, "6", "allow", (443, 443), ALL),
            (100, False, "6", "allow", (1024, 65535), ALL),
        ],
    )
    db_tier(e, vpc)


def db_tier(e: Estate, vpc: str) -> None:
    e.table(vpc, "core.db")
    for name, cidr, az in (
        ("db-a", "10.20.20.0/24", A),
        ("db-b", "10.20.21.0/24", B),
        ("db2-a", "10.20.22.0/24", A),
        ("db2-b", "10.20.23.0/24", B),
        ("dbx", "10.20.24.0/24", A),
    ):
        e.subnet(vpc, f"core.{name}", cidr, az, "core.db")
    # East-west inspection: replies from dbfw to app-a go through the firewall endpoint.
    e.table(vpc, "core.dbfw", ("10.20.10.0/24", {"GatewayId": e.ids["gwlbe"]}))
    e.subnet(vpc, "core.dbfw", "10.20.25.0/24", B, "core.dbfw")
    # db2-b's ACL lets replies go only to the legacy app tier 10.20.100.0/24: return traffic
    # to today's app subnets is dropped by the implicit deny.
    e.acl(
        vpc,
        "core.db2-b",
        [e.ids["subnet.core.db2-b"]],
        [
            (100, False, "-1", "allow", None, "10.20.0.0/16"),
            (100, True, "6", "allow", (1024, 65535), "10.20.100.0/24"),
        ],
    )
    # dbx serves app-a2 only (both ways).
    e.acl(
        vpc,
        "core.dbx",
        [e.ids["subnet.core.dbx"]],
        [
            (100, False, "6", "allow", (5432, 5432), "10.20.9.0/24"),
            (100, True, "6", "allow", (1024, 65535), "10.20.9.0/24"),
        ],
    )
    glue = e.glue_group(vpc, "glue")
    # Glue groups whose egress is narrowed; the pg group below admits each of them.
    dbpin = e.glue_group(vpc, "glue-dbpin", [tcp(443, cidr=ALL), tcp(5432, cidr="10.20.21.50/32")])
    s3only = e.glue_group(vpc, "glue-s3only", [tcp(443, prefix_list=e.s3_pl), tcp(5432, cidr="10.20.0.0/16")])
    s3https = e.glue_group(
        vpc, "glue-s3https", [tcp(443, prefix_list=e.s3_pl), tcp(443, cidr=ALL), tcp(5432, cidr="10.20.0.0/16")]
    )
    pg = e.group(vpc, "pg", [tcp(5432, group=g) for g in (glue, dbpin, s3only, s3https)])
    rs = e.group(vpc, "redshift", [tcp(5439, group=glue)])
    kafka = e.group(vpc, "kafka", [tcp(9094, group=glue)])
    legacy = e.group(vpc, "kafka-legacy", [tcp(9092, group=glue)])
    sasl = e.group(vpc, "kafka-sasl", [tcp(9096, group=glue)])
    e.db_subnet_group("core-db", ["core.db-a", "core.db-b"])
    e.db_subnet_group("core-db2", ["core.db2-a", "core.db2-b"])
    e.postgres("orders", "core-db", B, pg)
    e.postgres("ledger", "core-db2", B, pg)
    e.postgres("archive", "core-db2", A, pg)
    e.warehouse("wh-b", "core-db2", B, rs)
    e.warehouse("wh-a", "core-db2", A, rs)
    for subnet, ip, group in (
        ("core.db-b", "10.20.21.50", pg),
        ("core.db-b", "10.20.21.51", pg),
        ("core.db2-b", "10.20.23.50", pg),
        ("core.dbx", "10.20.24.10", pg),
        ("core.db-a", "10.20.20.31", kafka),
        ("core.db-b", "10.20.21.32", kafka),
        ("core.db-a", "10.20.20.33", kafka),
        ("core.db-b", "10.20.21.34", legacy),
        ("core.db-a", "10.20.20.41", sasl),
        ("core.db-b", "10.20.21.42", sasl),
        ("core.db-a", "10.20.20.43", sasl),
        ("core.db-b", "10.20.21.60", pg),
        ("core.dbfw", "10.20.25.10", pg),
    ):
        e.eni(subnet, ip, group)
    e.ec2.assign_private_ip_addresses(NetworkInterfaceId=e.ids["eni.10.20.21.60"], PrivateIpAddresses=["10.20.21.61"])
    e.aurora("au-split", "core-db2", pg)  # writer in db2-a, reader in db2-b (return blocked)
    e.aurora("au-open", "core-db", pg)
    h = e.hosts
    for name, subnet, group, host in (
        ("rds-az-b", "app-a", glue, h["orders"]),
        ("rds-az-b-acl", "app-a", glue, h["ledger"]),
        ("rds-az-a-acl-elsewhere", "app-a", glue, h["archive"]),
        ("ip-db-b", "app-a", glue, "10.20.21.50"),
        ("ip-db-b-vacant", "app-a", glue, "10.20.21.99"),
        ("ip-return-blocked", "app-a", glue, "10.20.23.50"),
        ("ip-egress-32", "app-a", dbpin, "10.20.21.50"),
        ("ip-egress-32-other", "app-a", dbpin, "10.20.21.51"),
        ("s3-pl-only", "app-a", s3only, h["orders"]),
        ("s3-pl-and-https", "app-a", s3https, h["orders"]),
        ("onprem-no-route", "app-a", glue, "172.16.5.5"),
        ("cgnat-no-route", "app-a", glue, "100.64.7.7"),
        ("onprem-vgw", "onprem", glue, "172.16.5.5"),
        ("onprem-vgw-hardened", "hard", glue, "172.16.5.5"),
        ("fw", "fwglue", glue, h["orders"]),
        ("split-appliance", "split", glue, h["orders"]),
        ("split-nat", "splitnat", glue, h["orders"]),
        ("nat-s3", "nats3", glue, h["orders"]),
        ("nat-no-igw", "natc", glue, h["orders"]),
        ("peer-rds", "app-a", glue, h["warehouse"]),
        ("peer-rds-no-return", "app-a", glue, h["warehouse-old"]),
        ("peer-rds-public", "app-a", glue, h["warehouse-pub"]),
        ("ext-host-nat", "app-a", glue, "db.partner.example.com"),
        ("two-a", "app-a", glue, h["orders"]),
        ("two-b", "app-b", glue, h["orders"]),
        ("two-c", "app-a2", glue, "10.20.24.10"),
        ("ip-secondary", "app-a", glue, "10.20.21.61"),
        ("ip-acl-32", "pin", glue, "10.20.21.50"),
        ("ip-acl-32-other", "pin", glue, "10.20.21.51"),
        ("ip-return-via-firewall", "app-a", glue, "10.20.25.10"),
        ("aurora-writer-split", "app-a", glue, h["au-split"]),
        ("aurora-writer-open", "app-a", glue, h["au-open"]),
    ):
        e.jdbc(name, f"core.{subnet}", [group], host)
    for name, host in (("rs-az-b-acl", h["wh-b"]), ("rs-az-a-acl-elsewhere", h["wh-a"])):
        e.jdbc(name, "core.app-a", [glue], host, 5439, "redshift")
    for name, servers, extra in (
        ("kafka-3", "10.20.20.31,10.20.21.32,10.20.20.33", {}),
        ("kafka-3-second-legacy", "10.20.20.31,10.20.21.34,10.20.20.33", {}),
        ("kafka-3-second-gone", "10.20.20.31:9094,10.20.21.35:9094,10.20.20.33:9094", {}),
        ("kafka-scram", "10.20.20.31,10.20.21.32,10.20.20.33", {"KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"}),
        ("kafka-scram-ok", "10.20.20.41,10.20.21.42,10.20.20.43", {"KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"}),
        ("kafka-iam", "10.20.20.41,10.20.21.42,10.20.20.43", {"KAFKA_SASL_MECHANISM": "AWS_MSK_IAM"}),
    ):
        e.connection(name, "core.app-a", [glue], {"KAFKA_BOOTSTRAP_SERVERS": servers, **extra})
    e.job("job-a-first", ["two-a", "two-c"])
    e.job("job-c-first", ["two-c", "two-a"])
    e.job("job-cross-az", ["two-b", "two-a"])
    e.crawler("crawl-a-first", ["two-a", "two-c"])
    e.crawler("crawl-c-first", ["two-c", "two-a"])


def analytics_vpc(e: Estate) -> str:
    """The peered analytics VPC: a warehouse database in its second AZ, admitting the core app
    subnet by CIDR; an older one in subnets whose table has no route back."""
    vpc = e.vpc("analytics", "10.30.0.0/16")
    e.table(vpc, "an.db")
    e.table(vpc, "an.db2")
    for name, cidr, az, table in (
        ("an.db-a", "10.30.20.0/24", A, "an.db"),
        ("an.db-b", "10.30.21.0/24", B, "an.db"),
        ("an.db2-a", "10.30.22.0/24", A, "an.db2"),
        ("an.db2-b", "10.30.23.0/24", B, "an.db2"),
    ):
        e.subnet(vpc, name, cidr, az, table)
    sg = e.group(vpc, "warehouse", [tcp(5432, cidr="10.20.10.0/24")])
    e.db_subnet_group("an-db", ["an.db-a", "an.db-b"])
    e.db_subnet_group("an-db2", ["an.db2-a", "an.db2-b"])
    e.postgres("warehouse", "an-db", B, sg)
    e.postgres("warehouse-old", "an-db2", B, sg)
    # Publicly accessible (the VPC has an internet gateway, as AWS requires for that).
    igw = e.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    e.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    e.postgres("warehouse-pub", "an-db", B, sg, public=True)
    return vpc


def place_endpoint_enis(endpoint: dict[str, Any], addresses: dict[str, str]) -> None:
    """moto gives interface-endpoint ENIs random addresses outside their subnets (AWS never
    does): move each into its subnet (subnet id -> address) in the in-process backend."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][REGION]
    for eni_id in endpoint["NetworkInterfaceIds"]:
        eni = backend.enis[eni_id]
        ip = addresses[eni.subnet.id]
        eni.private_ip_address = ip
        eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": ip}]


def endpoints(e: Estate, name: str, net: str, *, acl_b: bool) -> None:
    """No NAT: S3 gateway endpoint, KMS interface endpoint in ep-a and ep-b (own group admitting
    the VPC on 443). `acl_b`: ep-b's ACL admits only app-b."""
    vpc = e.vpc(name, f"{net}.0.0/16")
    e.table(vpc, f"{name}.app")
    e.table(vpc, f"{name}.bare")
    e.table(vpc, f"{name}.peer")  # S3 gateway here; peering_only adds its peering route
    e.table(vpc, f"{name}.vpn")  # and here its VPN gateway route
    for sub, third, az, table in (
        ("app-a", 10, A, "app"),
        ("app-b", 11, B, "app"),
        ("app-c", 12, A, "bare"),
        ("ep-a", 30, A, "app"),
        ("ep-b", 31, B, "app"),
        ("db-a", 20, A, "app"),
        ("db-b", 21, B, "app"),
    ):
        e.subnet(vpc, f"{name}.{sub}", f"{net}.{third}.0/24", az, f"{name}.{table}")
    e.s3_gateway(vpc, name, [f"{name}.app", f"{name}.peer", f"{name}.vpn"])
    ep_sg = e.group(vpc, f"{name}-kms-ep", [tcp(443, cidr=f"{net}.0.0/16")])
    ep_a, ep_b = e.ids[f"subnet.{name}.ep-a"], e.ids[f"subnet.{name}.ep-b"]
    endpoint = e.ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.kms",
        VpcEndpointType="Interface",
        SubnetIds=[ep_a, ep_b],
        SecurityGroupIds=[ep_sg],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]
    e.ids[f"{name}.kms"] = endpoint["VpcEndpointId"]
    place_endpoint_enis(endpoint, {ep_a: f"{net}.30.10", ep_b: f"{net}.31.10"})
    if acl_b:
        e.acl(
            vpc,
            f"{name}.ep-b",
            [ep_b],
            [(100, False, "6", "allow", (443, 443), f"{net}.11.0/24"), (100, True, "-1", "allow", None, ALL)],
        )
    glue = e.glue_group(vpc, f"{name}-glue")
    pg = e.group(vpc, f"{name}-pg", [tcp(5432, cidr=f"{net}.0.0/16")])
    e.db_subnet_group(f"{name}-db", [f"{name}.db-a", f"{name}.db-b"])
    host = e.postgres(f"{name}-crm", f"{name}-db", B, pg)
    pl = e.s3_pl
    groups = {
        "glue": glue,
        "strict": e.glue_group(
            vpc,
            f"{name}-strict",
            [
                tcp(443, cidr=f"{net}.30.10/32"),
                tcp(443, cidr=f"{net}.31.10/32"),
                tcp(443, prefix_list=pl),
                tcp(5432, group=pg),
            ],
        ),
        "strict-one": e.glue_group(
            vpc, f"{name}-strict-one", [tcp(443, cidr=f"{net}.30.10/32"), tcp(443, prefix_list=pl), tcp(5432, group=pg)]
        ),
        "kms-only": e.glue_group(vpc, f"{name}-kms-only", [tcp(443, group=ep_sg), tcp(5432, group=pg)]),
    }
    wanted = (
        [
            ("kms-eni-32", "app-a", "strict"),
            ("kms-eni-32-one-az", "app-a", "strict-one"),
            ("s3-sg-drop", "app-a", "kms-only"),
            ("s3-no-route", "app-c", "glue"),
        ]
        if not acl_b
        else [("kms-2az-one-acl", "app-a", "glue"), ("kms-2az-acl-admits", "app-b", "glue")]
    )
    for connection, subnet, group in wanted:
        e.jdbc(connection, f"{name}.{subnet}", [groups[group]], host)


def cis(e: Estate) -> None:
    vpc = e.vpc("cis", "10.50.0.0/16")
    e.public_tier(vpc, "cis", {"pub-a": ("10.50.0.0/24", A), "pub-b": ("10.50.1.0/24", B)})
    cis_entries = [
        (100, False, "6", "deny", (22, 22), ALL),
        (110, False, "6", "deny", (3389, 3389), ALL),
        (200, False, "-1", "allow", None, ALL),
        (100, True, "-1", "allow", None, ALL),
    ]
    e.acl(vpc, "cis.pub-a", [e.ids["subnet.cis.pub-a"]], cis_entries)
    # pub-b admits the VPC only: replies from the internet to the NAT never get in.
    e.acl(
        vpc,
        "cis.pub-b",
        [e.ids["subnet.cis.pub-b"]],
        [(100, False, "-1", "allow", None, "10.50.0.0/16"), (100, True, "-1", "allow", None, ALL)],
    )
    for sub, cidr, az, nat in (("app-a", "10.50.10.0/24", A, "pub-a"), ("app-b", "10.50.11.0/24", B, "pub-b")):
        e.table(vpc, f"cis.{sub}", (ALL, {"NatGatewayId": e.ids[f"nat.cis.{nat}"]}))
        e.subnet(vpc, f"cis.{sub}", cidr, az, f"cis.{sub}")
    e.table(vpc, "cis.app-c", (ALL, {"NatGatewayId": e.ids["nat.cis.pub-b"]}))
    e.subnet(vpc, "cis.app-c", "10.50.12.0/24", A, "cis.app-c")
    e.s3_gateway(vpc, "cis", ["cis.app-a", "cis.app-b"])
    e.acl(vpc, "cis.app-a", [e.ids["subnet.cis.app-a"]], cis_entries)
    e.table(vpc, "cis.db")
    e.subnet(vpc, "cis.db-a", "10.50.20.0/24", A, "cis.db")
    e.subnet(vpc, "cis.db-b", "10.50.21.0/24", B, "cis.db")
    glue = e.glue_group(vpc, "cis-glue")
    pg = e.group(vpc, "cis-pg", [tcp(5432, group=glue)])
    e.db_subnet_group("cis-db", ["cis.db-a", "cis.db-b"])
    host = e.postgres("events", "cis-db", B, pg)
    e.jdbc("cis-nat", "cis.app-a", [glue], host)
    e.jdbc("nat-acl-no-ephemeral", "cis.app-b", [glue], host)
    e.jdbc("s3-via-nat-dropped", "cis.app-c", [glue], host)


def peering_only(e: Estate) -> None:
    """ep's app-d: S3 gateway and a peering to analytics, no other way out of the VPC."""
    vpc = e.ids["ep"]
    pcx = e.ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=e.ids["analytics"])["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    e.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    e.ec2.create_route(
        RouteTableId=e.ids["rtb.ep.peer"], DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx
    )
    e.subnet(vpc, "ep.app-d", "10.40.13.0/24", A, "ep.peer")
    # app-e: a VPN gateway to the corporate network 172.16/12, no other way out.
    vgw = e.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    e.ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    e.ids["ep.vgw"] = vgw
    e.ec2.create_route(RouteTableId=e.ids["rtb.ep.vpn"], DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)
    e.subnet(vpc, "ep.app-e", "10.40.14.0/24", A, "ep.vpn")
    glue = e.ids["sg.ep-glue"]
    e.jdbc("ext-host-peering-only", "ep.app-d", [glue], "db.partner.example.com")
    e.jdbc("ext-host-no-way-out", "ep.app-a", [glue], "db.partner.example.com")
    e.jdbc("corp-host-vpn-only", "ep.app-e", [glue], "db01.corp.example.com")


def build(e: Estate) -> None:
    core(e)
    endpoints(e, "ep", "10.40", acl_b=False)
    peering_only(e)
    endpoints(e, "epacl", "10.41", acl_b=True)
    cis(e)
