"""Real VPC layouts built through the AWS API (moto in tests), healthy and broken.

Each scenario is a function of boto3 clients that builds one layout and returns the ids a
test asserts on. The same functions generate the snapshots under fixtures/ (see
fixtures/generate.py), so fixtures and end-to-end tests cannot drift apart in shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REGION = "us-east-1"
AZ = "us-east-1a"
CONNECTION = "orders-db"
JOB = "nightly-etl"
CRAWLER = "orders-crawler"


@dataclass
class Clients:
    ec2: Any
    glue: Any
    kms: Any


@dataclass
class Layout:
    """Ids of what a scenario built."""

    vpc: str = ""
    subnet: str = ""
    public_subnet: str = ""
    glue_sg: str = ""
    route_table: str = ""
    public_route_table: str = ""
    igw: str = ""
    nat: str = ""
    s3_endpoint: str = ""
    kms_endpoint: str = ""
    endpoint_sg: str = ""
    nacl: str = ""
    tgw: str = ""
    dhcp: str = ""
    extra: dict[str, str] = field(default_factory=dict)


ACCOUNT = "123456789012"
JOB_ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"


def key_policy(*, root: bool = True, logs: bool = True, roles: tuple[str, ...] = (), deny: tuple[str, ...] = ()) -> str:
    """A key policy as AWS documents it for Glue: the account root (IAM decides), and for
    CloudWatch Logs encryption the logs service principal."""
    statements: list[dict[str, Any]] = []
    if root:
        statements.append(
            {
                "Sid": "EnableIAM",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
    if roles:
        statements.append(
            {
                "Sid": "GlueRoles",
                "Effect": "Allow",
                "Principal": {"AWS": list(roles)},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:Encrypt"],
                "Resource": "*",
            }
        )
    if logs:
        statements.append(
            {
                "Sid": "CloudWatchLogs",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
            }
        )
    if deny:
        statements.append(
            {
                "Sid": "NoEtl",
                "Effect": "Deny",
                "Principal": {"AWS": list(deny)},
                "Action": "kms:Decrypt",
                "Resource": "*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


# --- building blocks ------------------------------------------------------------------------


def vpc(
    c: Clients,
    layout: Layout,
    *,
    dns_support: bool = True,
    dns_hostnames: bool = True,
    subnet_cidr: str = "10.0.1.0/24",
    az: str = AZ,
) -> None:
    layout.vpc = c.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    c.ec2.modify_vpc_attribute(VpcId=layout.vpc, EnableDnsSupport={"Value": dns_support})
    c.ec2.modify_vpc_attribute(VpcId=layout.vpc, EnableDnsHostnames={"Value": dns_hostnames})
    layout.subnet = c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock=subnet_cidr, AvailabilityZone=az)["Subnet"][
        "SubnetId"
    ]
    layout.route_table = c.ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    c.ec2.associate_route_table(RouteTableId=layout.route_table, SubnetId=layout.subnet)


def glue_security_group(c: Clients, layout: Layout, *, self_reference: bool = True) -> None:
    layout.glue_sg = c.ec2.create_security_group(
        GroupName="glue-orders", Description="Glue ENIs for orders-db", VpcId=layout.vpc
    )["GroupId"]
    if self_reference:
        c.ec2.authorize_security_group_ingress(
            GroupId=layout.glue_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 0,
                    "ToPort": 65535,
                    "UserIdGroupPairs": [{"GroupId": layout.glue_sg}],
                }
            ],
        )


def public_nat(c: Clients, layout: Layout, *, igw_route: bool = True) -> None:
    """A public subnet with an internet gateway route, a NAT gateway in it, 0.0.0.0/0 → NAT."""
    layout.public_subnet = c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.0.0/24", AvailabilityZone=AZ)[
        "Subnet"
    ]["SubnetId"]
    layout.igw = c.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.ec2.attach_internet_gateway(InternetGatewayId=layout.igw, VpcId=layout.vpc)
    layout.public_route_table = c.ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    c.ec2.associate_route_table(RouteTableId=layout.public_route_table, SubnetId=layout.public_subnet)
    if igw_route:
        c.ec2.create_route(
            RouteTableId=layout.public_route_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=layout.igw
        )
    allocation = c.ec2.allocate_address(Domain="vpc")["AllocationId"]
    layout.nat = c.ec2.create_nat_gateway(SubnetId=layout.public_subnet, AllocationId=allocation)["NatGateway"][
        "NatGatewayId"
    ]
    c.ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=layout.nat)


def s3_gateway(c: Clients, layout: Layout) -> None:
    layout.s3_endpoint = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[layout.route_table],
    )["VpcEndpoint"]["VpcEndpointId"]


def kms_endpoint(
    c: Clients, layout: Layout, *, private_dns: bool = True, own_sg_port: int | None = None, no_groups: bool = False
) -> None:
    """A KMS interface endpoint in the Glue subnet. By default it uses the connection's
    self-referencing group (AWS's recommendation); `own_sg_port` gives it its own group that
    admits the VPC on that port only."""
    groups = [layout.glue_sg]
    if own_sg_port is not None:
        layout.endpoint_sg = c.ec2.create_security_group(
            GroupName="kms-endpoint", Description="KMS endpoint", VpcId=layout.vpc
        )["GroupId"]
        c.ec2.authorize_security_group_ingress(
            GroupId=layout.endpoint_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": own_sg_port,
                    "ToPort": own_sg_port,
                    "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
                }
            ],
        )
        groups = [layout.endpoint_sg]
    extra: dict[str, Any] = {} if no_groups else {"SecurityGroupIds": groups}
    layout.kms_endpoint = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.kms",
        VpcEndpointType="Interface",
        SubnetIds=[layout.subnet],
        PrivateDnsEnabled=private_dns,
        **extra,
    )["VpcEndpoint"]["VpcEndpointId"]
    if no_groups:
        # AWS attaches the VPC's default group to an endpoint created without one.
        layout.endpoint_sg = c.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [layout.vpc]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]["GroupId"]


def glue_resources(
    c: Clients,
    layout: Layout,
    *,
    consumers: bool = True,
    kms_config: bool = True,
    workers: int = 10,
    subnet: str | None = None,
    az: str | None = AZ,
    groups: list[str] | None = None,
) -> None:
    physical: dict[str, Any] = {
        "SubnetId": subnet or layout.subnet,
        "SecurityGroupIdList": groups if groups is not None else [layout.glue_sg],
    }
    if az is not None:
        physical["AvailabilityZone"] = az
    c.glue.create_connection(
        ConnectionInput={
            "Name": CONNECTION,
            "ConnectionType": "JDBC",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": "jdbc:postgresql://orders.cluster-abc.us-east-1.rds.amazonaws.com:5432/orders",
                "USERNAME": "etl",
                "PASSWORD": "canary-Sup3rSecret!",
            },
            "PhysicalConnectionRequirements": physical,
        }
    )
    if not consumers:
        return
    config_name = None
    if kms_config:
        key = c.kms.create_key(Description="glue", Policy=key_policy())["KeyMetadata"]["Arn"]
        layout.extra["key"] = key
        config_name = "sec-kms"
        c.glue.create_security_configuration(
            Name=config_name,
            EncryptionConfiguration={
                "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}],
                "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": key},
                "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"},
            },
        )
    job: dict[str, Any] = {
        "Name": JOB,
        "Role": JOB_ROLE,
        "Command": {"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/nightly.py"},
        "Connections": {"Connections": [CONNECTION]},
        "WorkerType": "G.1X",
        "NumberOfWorkers": workers,
        "GlueVersion": "4.0",
    }
    crawler: dict[str, Any] = {
        "Name": CRAWLER,
        "Role": "arn:aws:iam::123456789012:role/glue-crawler",
        "DatabaseName": "orders",
        "Targets": {"JdbcTargets": [{"ConnectionName": CONNECTION, "Path": "orders/%"}]},
    }
    if config_name:
        job["SecurityConfiguration"] = config_name
        crawler["CrawlerSecurityConfiguration"] = config_name
    c.glue.create_job(**job)
    c.glue.create_crawler(**crawler)


def custom_nacl(
    c: Clients, layout: Layout, entries: list[tuple[int, bool, str, str, tuple[int, int] | None, str]]
) -> None:
    """A custom ACL on the Glue subnet: (number, egress, protocol, action, ports, cidr)."""
    layout.nacl = c.ec2.create_network_acl(VpcId=layout.vpc)["NetworkAcl"]["NetworkAclId"]
    for number, egress, protocol, action, ports, cidr in entries:
        args: dict[str, Any] = {
            "NetworkAclId": layout.nacl,
            "RuleNumber": number,
            "Protocol": protocol,
            "RuleAction": action,
            "Egress": egress,
            "CidrBlock": cidr,
        }
        if ports:
            args["PortRange"] = {"From": ports[0], "To": ports[1]}
        c.ec2.create_network_acl_entry(**args)
    current = c.ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [layout.subnet]}])
    association = next(
        a["NetworkAclAssociationId"]
        for acl in current["NetworkAcls"]
        for a in acl["Associations"]
        if a["SubnetId"] == layout.subnet
    )
    c.ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=layout.nacl)


# --- scenarios --------------------------------------------------------------------------------


def healthy_nat(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def healthy_endpoint(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout)
    return layout


def no_route_to_kms(c: Clients) -> Layout:
    return no_route_to_kms_layout(c, kms_config=True)


def private_dns_off(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout, private_dns=False)
    glue_resources(c, layout)
    return layout


def endpoint_sg_blocks_443(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout, own_sg_port=80)
    glue_resources(c, layout)
    return layout


def no_self_reference(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout, self_reference=False)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def no_s3_path(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout)
    return layout


def nacl_blocks_return(c: Clients) -> Layout:
    """NAT path, but the Glue subnet's ACL admits inbound traffic only from inside the VPC, so
    replies from KMS's and S3's public addresses (ephemeral ports) are dropped."""
    layout = healthy_nat(c)
    custom_nacl(
        c,
        layout,
        [
            (100, True, "-1", "allow", None, "0.0.0.0/0"),
            (100, False, "-1", "allow", None, "10.0.0.0/16"),
        ],
    )
    return layout


def igw_route_only(c: Clients) -> Layout:
    """0.0.0.0/0 → internet gateway from the Glue subnet: Glue's ENIs have no public IP."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    layout.igw = c.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.ec2.attach_internet_gateway(InternetGatewayId=layout.igw, VpcId=layout.vpc)
    c.ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=layout.igw)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def dns_hostnames_off(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout, dns_hostnames=False)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout)
    return layout


def dns_support_off(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout, dns_support=False, dns_hostnames=False)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def custom_dns_servers(c: Clients) -> Layout:
    layout = healthy_endpoint(c)
    layout.dhcp = c.ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["10.0.0.53", "10.0.1.53"]}]
    )["DhcpOptions"]["DhcpOptionsId"]
    c.ec2.associate_dhcp_options(DhcpOptionsId=layout.dhcp, VpcId=layout.vpc)
    return layout


def missing_subnet(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout, subnet="subnet-0deadbeef0000000")
    layout.extra["missing_subnet"] = "subnet-0deadbeef0000000"
    return layout


def az_mismatch(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, az="us-east-1b")
    return layout


def too_few_ips(c: Clients) -> Layout:
    """A /28 subnet (11 free addresses) for a job with 20 workers."""
    layout = Layout()
    vpc(c, layout, subnet_cidr="10.0.1.0/28")
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, workers=20)
    return layout


def transit_gateway_egress(c: Clients) -> Layout:
    """Internet egress through a transit gateway (centralised inspection): undecidable here."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    layout.tgw = c.ec2.create_transit_gateway(Description="egress")["TransitGateway"]["TransitGatewayId"]
    c.ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=layout.tgw, VpcId=layout.vpc, SubnetIds=[layout.subnet]
    )
    c.ec2.create_route(RouteTableId=layout.route_table, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=layout.tgw)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def nat_without_igw_route(c: Clients) -> Layout:
    """A NAT gateway placed in a subnet with no route to an internet gateway."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout, igw_route=False)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def kms_unused(c: Clients) -> Layout:
    """No route to KMS, but no consumer encrypts with KMS: a warning, not a failure."""
    return no_route_to_kms_layout(c, kms_config=False)


def no_consumers(c: Clients) -> Layout:
    """No job or crawler yet: predict for both (pre-deployment assumes the worst)."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, consumers=False)
    return layout


def endpoint_sg_egress_blocked(c: Clients) -> Layout:
    """The Glue group's only egress is to itself: the KMS endpoint (own group) is not reached."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    c.ec2.revoke_security_group_egress(
        GroupId=layout.glue_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    c.ec2.authorize_security_group_egress(
        GroupId=layout.glue_sg,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": layout.glue_sg}]}],
    )
    s3_gateway(c, layout)
    kms_endpoint(c, layout, own_sg_port=443)
    glue_resources(c, layout)
    return layout


def no_egress(c: Clients) -> Layout:
    """The connection's only group has no outbound rule at all."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    c.ec2.revoke_security_group_egress(
        GroupId=layout.glue_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def missing_security_group(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    layout.extra["missing_sg"] = "sg-0deadbeef0000000"
    glue_resources(c, layout, groups=[layout.glue_sg, layout.extra["missing_sg"]])
    return layout


def az_missing(c: Clients) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, az=None)
    layout.extra["connection"] = CONNECTION
    return layout


def catalog_encrypted(c: Clients) -> Layout:
    """No job encrypts with KMS, but the Data Catalog does: KMS is required all the same."""
    layout = no_route_to_kms_layout(c, kms_config=False)
    key = c.kms.create_key(Description="catalog")["KeyMetadata"]["Arn"]
    c.glue.put_data_catalog_encryption_settings(
        DataCatalogEncryptionSettings={"EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": key}}
    )
    return layout


def no_route_to_kms_layout(c: Clients, *, kms_config: bool) -> Layout:
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, kms_config=kms_config)
    return layout


def kms_endpoint_default_sg(c: Clients) -> Layout:
    """A KMS endpoint created without a group gets the VPC's default group, which does not
    admit the connection's group."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout, no_groups=True)
    glue_resources(c, layout)
    return layout


def main_route_table(c: Clients) -> Layout:
    """The Glue subnet has no explicit association: the VPC's main table routes it."""
    layout = Layout()
    layout.vpc = c.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        c.ec2.modify_vpc_attribute(VpcId=layout.vpc, **{attribute: {"Value": True}})
    layout.subnet = c.ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=AZ)["Subnet"][
        "SubnetId"
    ]
    layout.route_table = c.ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [layout.vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]["RouteTableId"]
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout)
    return layout


def s3_endpoint_other_table(c: Clients) -> Layout:
    """The S3 gateway endpoint serves the public subnet's table, not the Glue subnet's."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    kms_endpoint(c, layout)
    layout.public_route_table = c.ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    layout.s3_endpoint = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[layout.public_route_table],
    )["VpcEndpoint"]["VpcEndpointId"]
    glue_resources(c, layout)
    return layout


def two_groups(c: Clients) -> Layout:
    """Only the second of the connection's groups is self-referencing: one is enough."""
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    plain = c.ec2.create_security_group(GroupName="plain", Description="no self rule", VpcId=layout.vpc)["GroupId"]
    public_nat(c, layout)
    s3_gateway(c, layout)
    glue_resources(c, layout, groups=[plain, layout.glue_sg])
    return layout


def fleet_vpc(c: Clients, count: int, prefix: str) -> Layout:
    """A healthy NAT VPC in the clients' region with `count` bare connections (fleet tests and
    benchmarks)."""
    layout = Layout()
    vpc(c, layout, az=f"{c.ec2.meta.region_name}a")
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    for n in range(count):
        c.glue.create_connection(
            ConnectionInput={
                "Name": f"{prefix}-{n}",
                "ConnectionType": "JDBC",
                "ConnectionProperties": {},
                "PhysicalConnectionRequirements": {
                    "SubnetId": layout.subnet,
                    "SecurityGroupIdList": [layout.glue_sg],
                    "AvailabilityZone": f"{c.ec2.meta.region_name}a",
                },
            }
        )
    return layout


SCENARIOS: dict[str, Callable[[Clients], Layout]] = {
    "healthy-nat": healthy_nat,
    "healthy-kms-endpoint": healthy_endpoint,
    "no-route-to-kms": no_route_to_kms,
    "kms-private-dns-off": private_dns_off,
    "kms-endpoint-sg-blocks-443": endpoint_sg_blocks_443,
    "no-self-referencing-rule": no_self_reference,
    "no-s3-path": no_s3_path,
    "nacl-blocks-return-traffic": nacl_blocks_return,
    "igw-route-only": igw_route_only,
    "dns-hostnames-off": dns_hostnames_off,
    "dns-support-off": dns_support_off,
    "custom-dns-servers": custom_dns_servers,
    "missing-subnet": missing_subnet,
    "az-mismatch": az_mismatch,
    "too-few-ips": too_few_ips,
    "transit-gateway-egress": transit_gateway_egress,
    "nat-without-igw-route": nat_without_igw_route,
    "kms-unused": kms_unused,
    "no-consumers": no_consumers,
    "glue-egress-only-self": endpoint_sg_egress_blocked,
    "no-egress": no_egress,
    "missing-security-group": missing_security_group,
    "az-missing": az_missing,
    "catalog-encrypted": catalog_encrypted,
    "kms-endpoint-default-sg": kms_endpoint_default_sg,
    "main-route-table": main_route_table,
    "s3-endpoint-other-table": s3_endpoint_other_table,
    "two-groups": two_groups,
}


def layout_json(layout: Layout) -> str:
    return json.dumps(layout.__dict__, indent=1, sort_keys=True)
