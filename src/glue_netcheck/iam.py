"""The read-only IAM actions the live collector needs. A test keeps this list equal to the
operations the collector really calls."""

from __future__ import annotations

import json

ACTIONS: tuple[str, ...] = (
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "ec2:GetManagedPrefixListEntries",
    "glue:GetConnection",
    "glue:GetConnections",
    "glue:GetCrawler",
    "glue:GetCrawlers",
    "glue:GetDataCatalogEncryptionSettings",
    "glue:GetJob",
    "glue:GetJobs",
    "glue:GetSecurityConfigurations",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
)


def policy() -> str:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "GlueNetcheckReadOnly", "Effect": "Allow", "Action": list(ACTIONS), "Resource": "*"}],
    }
    return json.dumps(document, indent=2)
