"""The read-only IAM actions the live collector needs, per command. A test keeps each list
equal to the operations the collector really calls for that command."""

from __future__ import annotations

import json

from glue_netcheck.errors import AnalysisError

_EC2 = (
    "ec2:DescribeDhcpOptions",  # only for VPCs with a custom DHCP options set
    "ec2:DescribeInternetGateways",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcBlockPublicAccessExclusions",  # these two only when the subnets say Block
    "ec2:DescribeVpcBlockPublicAccessOptions",  # Public Access is on
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "ec2:GetManagedPrefixListEntries",
)
_GLUE = (
    "glue:GetCrawlers",
    "glue:GetDataCatalogEncryptionSettings",
    "glue:GetJobs",
    "glue:GetSecurityConfigurations",
)
_KMS = ("kms:DescribeKey", "kms:GetKeyPolicy")
_ROLE = (
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
)
# Only with --all-regions, --organization and --role-arn (AssumeRole on the target accounts' role).
FLEET_EXTRAS = ("ec2:DescribeRegions", "organizations:ListAccounts", "sts:AssumeRole")
# The data sources: each read only when a connection names one of its hosts (an RDS or
# DocumentDB host, a Redshift host, an MSK broker, an IP literal: the ENI holding it).
_RDS = (
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "redshift:DescribeClusters",
    "redshift:DescribeClusterSubnetGroups",
    "kafka:ListClustersV2",
    "kafka:ListNodes",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcPeeringConnections",  # only for a target in another VPC
)
# Only for jobs with a connection or encrypted bookmarks (their scripts); only for roles with
# inline/attached policies or a permissions boundary; only when a connection names a data
# source of that kind.
CONDITIONAL = (
    "ec2:DescribeVpcBlockPublicAccessExclusions",
    "ec2:DescribeVpcBlockPublicAccessOptions",
    "glue:GetSecurityConfigurations",  # `connection`: only when a job or crawler using it names one
    "s3:GetObject",
    "s3:GetBucketLocation",
    "iam:GetRolePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    *_RDS,
)

_FLEET = tuple(
    sorted(
        (
            *_EC2,
            *_GLUE,
            *_KMS,
            *_ROLE,
            *_RDS,
            *FLEET_EXTRAS,
            "glue:GetConnections",
            "s3:GetObject",
            "s3:GetBucketLocation",
        )
    )
)

BY_COMMAND: dict[str, tuple[str, ...]] = {
    "connection": tuple(sorted((*_EC2, *_GLUE, *_RDS, "glue:GetConnection"))),
    "job": tuple(
        sorted(
            (
                *_EC2,
                *_GLUE,
                *_KMS,
                *_ROLE,
                *_RDS,
                "glue:GetConnection",
                "glue:GetJob",
                "s3:GetObject",
                "s3:GetBucketLocation",
            )
        )
    ),
    "crawler": tuple(sorted((*_EC2, *_GLUE, *_KMS, *_ROLE, *_RDS, "glue:GetConnection", "glue:GetCrawler"))),
    "scan": _FLEET,
    "snapshot": _FLEET,
}
ACTIONS: tuple[str, ...] = tuple(sorted({a for actions in BY_COMMAND.values() for a in actions}))


def policy(command: str | None = None) -> str:
    if command is not None and command not in BY_COMMAND:
        raise AnalysisError(f"--command {command}: choose one of {', '.join(BY_COMMAND)}")
    actions = ACTIONS if command is None else BY_COMMAND[command]
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "GlueNetcheckReadOnly", "Effect": "Allow", "Action": list(actions), "Resource": "*"}],
    }
    return json.dumps(document, indent=2)
