"""A job with several connections, end to end through the CLI against moto: Glue puts the
run's ENIs in the FIRST connection's subnet with its groups, so the second connection's
database must admit those, not the second connection's own group."""

from __future__ import annotations

from typing import Any

from test_target import database, target

from conftest import Aws
from scenarios import AZ, SCENARIOS, Layout

JOB = "two-sources"


def two_connection_job(aws: Aws, layout: Layout, *, admit_first: bool) -> dict[str, str]:
    """`orders-db` (the scenario's, first) and `billing-db` in its own subnet and group; the
    billing database admits the billing group, and the first connection's group if asked."""
    ec2, glue = aws.clients.ec2, aws.clients.glue
    subnet = ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.7.0/24", AvailabilityZone=AZ)["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=layout.route_table, SubnetId=subnet)
    group = ec2.create_security_group(GroupName="glue-billing", Description="billing", VpcId=layout.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}],
    )
    host, db_group, _ = database(aws, layout.vpc, admit=group)
    if admit_first:
        ec2.authorize_security_group_ingress(
            GroupId=db_group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "UserIdGroupPairs": [{"GroupId": layout.glue_sg}],
                }
            ],
        )
    glue.create_connection(
        ConnectionInput={
            "Name": "billing-db",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": f"jdbc:postgresql://{host}:5432/billing",
                "USERNAME": "etl",
            },
            "PhysicalConnectionRequirements": {
                "SubnetId": subnet,
                "SecurityGroupIdList": [group],
                "AvailabilityZone": AZ,
            },
        }
    )
    glue.create_job(
        Name=JOB,
        Role="arn:aws:iam::123456789012:role/glue-etl",
        Command={"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/two.py"},
        Connections={"Connections": ["orders-db", "billing-db"]},
        GlueVersion="4.0",
    )
    return {"db_group": db_group, "host": host}


def run_job(aws: Aws) -> dict[str, Any]:
    result = aws.cli("job", JOB, "--format", "json")
    report: dict[str, Any] = result.json
    report["exit"] = result.code
    return report


def billing(report: dict[str, Any]) -> dict[str, Any]:
    return target(next(c for c in report["connections"] if c["connection"]["name"] == "billing-db"))


def test_second_connections_database_admitting_only_its_own_group_fails_the_job(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    built = two_connection_job(aws, layout, admit_first=False)

    report = run_job(aws)

    path = billing(report)
    assert (path["reachable"], path["blocked_at"]["type"], path["blocked_at"]["id"]) == (
        False,
        "security-group",
        built["db_group"],
    )
    # Traced from the first connection's subnet, with its group, not billing-db's own.
    assert any(layout.subnet in h["detail"] or layout.glue_sg in h["id"] for h in path["hops"])
    assert "target-unreachable" in report["predicted_failures"] and report["exit"] == 1


def test_second_connections_database_admitting_the_first_connections_group_passes(aws: Aws) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    two_connection_job(aws, layout, admit_first=True)

    report = run_job(aws)

    assert (billing(report)["reachable"], billing(report)["via"]) == (True, "local")
    assert "target-unreachable" not in report["predicted_failures"]
