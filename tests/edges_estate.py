"""A production-shaped estate for the acceptance suite of issue 13 ("the edges of the path"),
built once through the EC2/RDS/Redshift/Glue APIs of one moto server.

Four VPCs, laid out the way platform teams build them (two AZs, public + app + db tiers):
- core 10.20/16: NAT in the public tier, a Gateway Load Balancer (firewall) endpoint in its
  own subnet, one app subnet (route table) per routing variant, two DB subnet groups over two
  AZs, a VPN gateway for on-premises 172.16/12, peering to analytics 10.30/16.
- endpoints 10.40/16 and endpoints-acl 10.41/16: no NAT; KMS interface endpoint in two AZs
  (the second VPC's AZ-b endpoint subnet ACL admits only app-b), S3 gateway endpoint.
- cis 10.50/16: two NAT subnets, one with the CIS deny of 22/3389 before allow-all, one whose
  ACL forgot the ephemeral return range.

`ids` maps a short name ("core.rtb.app-a", "sg.glue-dbpin", …) to the id AWS gave it.
"""

from __future__ import annotations

from typing import Any

from scenarios import REGION

A, B = f"{REGION}a", f"{REGION}b"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/glue-etl"


class Estate:
    def __init__(self, ec2: Any, rds: Any, redshift: Any, glue: Any) -> None:
        self.ec2, self.rds, self.redshift, self.glue = ec2, rds, redshift, glue
        self.ids: dict[str, str] = {}
        self.hosts: dict[str, str] = {}
        self.s3_pl = next(
            p["PrefixListId"]
            for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
            if p["PrefixListName"] == f"com.amazonaws.{REGION}.s3"
        )

    # --- EC2 building blocks ---------------------------------------------------------------

    def vpc(self, name: str, cidr: str) -> str:
        vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            self.ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
        self.ids[name] = vpc
        return vpc

    def subnet(self, vpc: str, name: str, cidr: str, az: str, table: str | None = None) -> str:
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        self.ids[f"subnet.{name}"] = subnet
        if table:
            self.ec2.associate_route_table(RouteTableId=self.ids[f"rtb.{table}"], SubnetId=subnet)
        return subnet

    def table(self, vpc: str, name: str, *routes: tuple[str, dict[str, str]]) -> str:
        rtb = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.ids[f"rtb.{name}"] = rtb
        for cidr, target in routes:
            self.ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=cidr, **target)
        return rtb

    def group(
        self, vpc: str, name: str, ingress: list[dict[str, Any]], egress: list[dict[str, Any]] | None = None
    ) -> str:
        """`egress` None keeps AWS's default allow-all; a list replaces it."""
        sg = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        self.ids[f"sg.{name}"] = sg
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ingress)
        if egress is not None:
            self.ec2.revoke_security_group_egress(
                GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
            )
            if egress:
                self.ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=egress)
        return sg

    def glue_group(self, vpc: str, name: str, egress: list[dict[str, Any]] | None = None) -> str:
        """A Glue group with the self-referencing all-TCP rule (and egress to itself)."""
        sg = self.group(vpc, name, [])
        self_rule = {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [{"GroupId": sg}]}
        self.ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[self_rule])
        if egress is not None:
            self.ec2.revoke_security_group_egress(
                GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
            )
            all_to_self = {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg}]}
            self.ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[all_to_self, *egress])
        return sg

    def acl(self, vpc: str, name: str, subnets: list[str], entries: list[tuple[int, bool, str, str, Any, str]]) -> str:
        """(rule number, egress, protocol, allow|deny, (from, to) | None, cidr) entries."""
        acl = self.ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        self.ids[f"acl.{name}"] = acl
        for number, egress, protocol, action, ports, cidr in entries:
            extra = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
            self.ec2.create_network_acl_entry(
                NetworkAclId=acl,
                RuleNumber=number,
                Protocol=protocol,
                RuleAction=action,
                Egress=egress,
                CidrBlock=cidr,
                **extra,
            )
        current = self.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
        for association in (a for n in current for a in n["Associations"] if a["SubnetId"] in subnets):
            self.ec2.replace_network_acl_association(
                AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl
            )
        return acl

    def eni(self, subnet: str, ip: str, group: str) -> str:
        eni = self.ec2.create_network_interface(
            SubnetId=self.ids[f"subnet.{subnet}"], PrivateIpAddress=ip, Groups=[group]
        )
        self.ids[f"eni.{ip}"] = eni["NetworkInterface"]["NetworkInterfaceId"]
        return self.ids[f"eni.{ip}"]

    def public_tier(self, vpc: str, prefix: str, nats: dict[str, tuple[str, str]]) -> None:
        """An internet gateway and, per NAT name, a public subnet (cidr, az) holding it."""
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        self.ids[f"{prefix}.igw"] = igw
        self.table(vpc, f"{prefix}.public", ("0.0.0.0/0", {"GatewayId": igw}))
        for name, (cidr, az) in nats.items():
            subnet = self.subnet(vpc, f"{prefix}.{name}", cidr, az, f"{prefix}.public")
            self.nat(subnet, f"{prefix}.{name}")

    def nat(self, subnet: str, name: str) -> str:
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = self.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
        self.ids[f"nat.{name}"] = nat
        return nat

    def s3_gateway(self, vpc: str, name: str, tables: list[str]) -> None:
        self.ids[f"{name}.s3"] = self.ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGION}.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=[self.ids[f"rtb.{t}"] for t in tables],
        )["VpcEndpoint"]["VpcEndpointId"]

    # --- data sources ------------------------------------------------------------------------

    def db_subnet_group(self, name: str, subnets: list[str]) -> None:
        self.rds.create_db_subnet_group(
            DBSubnetGroupName=name,
            DBSubnetGroupDescription=name,
            SubnetIds=[self.ids[f"subnet.{s}"] for s in subnets],
        )
        self.redshift.create_cluster_subnet_group(
            ClusterSubnetGroupName=name, Description=name, SubnetIds=[self.ids[f"subnet.{s}"] for s in subnets]
        )

    def postgres(self, name: str, group: str, az: str, sg: str, *, public: bool = False) -> str:
        instance = self.rds.create_db_instance(
            DBInstanceIdentifier=name,
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            DBSubnetGroupName=group,
            AvailabilityZone=az,
            VpcSecurityGroupIds=[sg],
            MasterUsername="etl",
            MasterUserPassword="x" * 12,
            PubliclyAccessible=public,
        )["DBInstance"]
        assert instance["AvailabilityZone"] == az  # the layout depends on it
        self.hosts[name] = instance["Endpoint"]["Address"]
        return self.hosts[name]

    def aurora(self, name: str, group: str, sg: str) -> None:
        """An Aurora PostgreSQL cluster: writer in the group's AZ a, reader in its AZ b."""
        cluster = self.rds.create_db_cluster(
            DBClusterIdentifier=name,
            Engine="aurora-postgresql",
            DBSubnetGroupName=group,
            VpcSecurityGroupIds=[sg],
            MasterUsername="etl",
            MasterUserPassword="x" * 12,
        )["DBCluster"]
        for member, az in ((f"{name}-w", A), (f"{name}-r", B)):
            # AWS shows a member with its cluster's subnet group; moto only when it is passed.
            self.rds.create_db_instance(
                DBInstanceIdentifier=member,
                DBClusterIdentifier=name,
                DBSubnetGroupName=group,
                Engine="aurora-postgresql",
                DBInstanceClass="db.r6g.large",
                AvailabilityZone=az,
            )
        self.hosts[name] = cluster["Endpoint"]
        self.hosts[f"{name}-ro"] = cluster["ReaderEndpoint"]

    def warehouse(self, name: str, group: str, az: str, sg: str) -> str:
        cluster = self.redshift.create_cluster(
            ClusterIdentifier=name,
            NodeType="ra3.xlplus",
            MasterUsername="etl",
            MasterUserPassword="Xx123456789",
            ClusterSubnetGroupName=group,
            AvailabilityZone=az,
            VpcSecurityGroupIds=[sg],
        )["Cluster"]
        self.hosts[name] = cluster["Endpoint"]["Address"]
        return self.hosts[name]

    # --- Glue ------------------------------------------------------------------------------

    def connection(self, name: str, subnet: str, groups: list[str], properties: dict[str, str]) -> None:
        sub = self.ec2.describe_subnets(SubnetIds=[self.ids[f"subnet.{subnet}"]])["Subnets"][0]
        self.glue.create_connection(
            ConnectionInput={
                "Name": name,
                "ConnectionType": "KAFKA" if "KAFKA_BOOTSTRAP_SERVERS" in properties else "JDBC",
                "ConnectionProperties": properties,
                "PhysicalConnectionRequirements": {
                    "SubnetId": sub["SubnetId"],
                    "SecurityGroupIdList": groups,
                    "AvailabilityZone": sub["AvailabilityZone"],
                },
            }
        )

    def jdbc(
        self, name: str, subnet: str, groups: list[str], host: str, port: int = 5432, engine: str = "postgresql"
    ) -> None:
        url = f"jdbc:{engine}://{host}:{port}/app"
        self.connection(name, subnet, groups, {"JDBC_CONNECTION_URL": url, "USERNAME": "etl"})

    def job(self, name: str, connections: list[str]) -> None:
        self.glue.create_job(
            Name=name,
            Role=ROLE,
            Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/job.py"},
            Connections={"Connections": connections},
            GlueVersion="4.0",
            WorkerType="G.1X",
            NumberOfWorkers=2,
        )

    def crawler(self, name: str, connections: list[str]) -> None:
        self.glue.create_crawler(
            Name=name,
            Role=f"arn:aws:iam::{ACCOUNT}:role/glue-crawler",
            DatabaseName="app",
            Targets={"JdbcTargets": [{"ConnectionName": c, "Path": "app/%"} for c in connections]},
        )


def tcp(port: int | tuple[int, int], *, cidr: str = "", group: str = "", prefix_list: str = "") -> dict[str, Any]:
    low, high = (port, port) if isinstance(port, int) else port
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": low, "ToPort": high}
    if cidr:
        rule["IpRanges"] = [{"CidrIp": cidr}]
    if group:
        rule["UserIdGroupPairs"] = [{"GroupId": group}]
    if prefix_list:
        rule["PrefixListIds"] = [{"PrefixListId": prefix_list}]
    return rule
