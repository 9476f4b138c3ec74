from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check

ID = "read-permissions"

# What the analysis loses, and assumes, without each read.
_EFFECT = {
    "glue:GetJobs": "the jobs using the connection are unknown: one is assumed to use it with KMS (a job's "
    "failures predicted)",
    "glue:GetCrawlers": "the crawlers using the connection are unknown: one is assumed to use it with KMS (a "
    "crawler's failures predicted)",
    "glue:GetSecurityConfigurations": "security configurations are unknown: KMS is assumed required",
    "glue:GetDataCatalogEncryptionSettings": "the catalog's encryption is unknown: KMS is assumed required",
    "ec2:DescribeVpcAttribute": "the VPC's DNS attributes are unknown",
    "ec2:DescribeDhcpOptions": "the VPC's DNS servers are unknown",
    "ec2:DescribeManagedPrefixLists": "prefix lists are unknown: rules and routes naming them may be misjudged",
    "ec2:GetManagedPrefixListEntries": "prefix lists are unknown: rules and routes naming them may be misjudged",
}


@check(ID, "Every read the analysis needs was allowed", "warning")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    Which read-only calls IAM refused to the identity running glue-netcheck. What such a call
    describes is unknown, not absent: the hops that depend on it are undecidable
    (`reachable: null`, verdict `unknown`, exit code 3) and the others are still reported.

    How Glue fails
    It does not: this is about the analysis, which cannot vouch for what it could not read.

    Remediation
    Grant the missing actions (`glue-netcheck iam-policy` prints the minimal read-only policy)
    and run again.

    References
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html
    """
    for action in sorted(ctx.inventory.denied):
        effect = _EFFECT.get(action, "the paths through what it describes are undecidable")
        yield Issue(
            action,
            f"{action} was denied: {effect}",
            f"grant {action} to the identity running glue-netcheck (glue-netcheck iam-policy)",
        )
