"""Translators of the Glue resources a plan creates: connections, jobs, crawlers and security
configurations, in the shapes Glue's Get* calls answer."""

from __future__ import annotations

from typing import Any

from glue_netcheck.collect.terraform import resolve
from glue_netcheck.collect.terraform.plan import Resource
from glue_netcheck.collect.terraform.shapes import Raw, Translator, Values, blocks


def connection(raw: Raw, v: Values) -> None:
    result: dict[str, Any] = {
        "Name": v("name"),
        "ConnectionType": v("connection_type") or "JDBC",
        "ConnectionProperties": dict(v("connection_properties") or {}),
    }
    if blocks(v("physical_connection_requirements")):
        physical = ("physical_connection_requirements", 0)
        zone = v.or_later(*physical, "availability_zone")
        subnet = v(*physical, "subnet_id") or _undecided_subnet(raw, v, (*physical, "subnet_id"), zone)
        vpc = (raw.ec2["Subnets"].get(subnet) or {}).get("VpcId") if isinstance(subnet, str) else None
        if isinstance(subnet, str):
            # A zone read only at apply: whether Glue finds the subnet in it is undecided.
            v.decides(subnet, (*physical, "availability_zone"))
        groups = v.list(*physical, "security_group_id_list")
        groups += _undecided_groups(raw, v, (*physical, "security_group_id_list"), vpc)
        result["PhysicalConnectionRequirements"] = {
            "SubnetId": subnet,
            "SecurityGroupIdList": groups,
            "AvailabilityZone": zone,
        }
    raw.glue["Connections"].append(result)


def _data_source(v: Values, what: str) -> Resource | None:
    address = what.rsplit(".", 1)[0]
    return next((d for d in v.plan.data if d.address == address), None)


def _undecided_subnet(raw: Raw, v: Values, path: tuple[Any, ...], zone: Any) -> str | None:
    """A connection subnet a data source finds only at apply: a stand-in subnet, undecided
    (every path from it), in the VPC the data source searches when the plan says which. Its
    zone is the connection's: which zone AWS gives it is not judged either."""
    unknown = v.deferred(*path)
    if unknown is None:
        return None
    standin = f"subnet-{unknown.what}"
    data = _data_source(v, unknown.what)
    vpc = resolve.resolve(v.plan, data, "vpc_id") if data is not None else None
    if not isinstance(vpc, str) or not vpc:
        vpc = f"vpc-{unknown.what.rsplit('.', 1)[0]}.vpc_id"
    raw.add("Subnets", {"SubnetId": standin, "VpcId": vpc, "CidrBlock": "0.0.0.0/32", "AvailabilityZone": zone})
    v.plan.undecide(standin, v.why(path, unknown))
    return standin


def _undecided_groups(raw: Raw, v: Values, path: tuple[Any, ...], vpc: str | None) -> list[str]:
    """Connection groups data sources find only at apply: stand-in groups with no rule known,
    undecided (a hop they would decide is not judged; one a known group allows stands)."""
    value = resolve.resolve(v.plan, v.res, *path)
    standins = []
    for unknown in value if isinstance(value, list) else [value]:
        if isinstance(unknown, resolve.Unknown) and unknown.at_apply:
            standin = f"sg-{unknown.what}"
            group = {"GroupId": standin, "GroupName": unknown.what, "VpcId": vpc or ""}
            raw.add("SecurityGroups", {**group, "IpPermissions": [], "IpPermissionsEgress": []})
            v.plan.undecide(standin, v.why(path, unknown))
            standins.append(standin)
    return standins


def job(raw: Raw, v: Values) -> None:
    raw.glue["Jobs"].append(
        {
            "Name": v("name"),
            "Role": v("role_arn"),
            "Connections": {"Connections": v("connections") or []},
            "SecurityConfiguration": v("security_configuration"),
            "NumberOfWorkers": v("number_of_workers"),
            "MaxCapacity": v("max_capacity"),
            "DefaultArguments": v("default_arguments") or {},
        }
    )


def crawler(raw: Raw, v: Values) -> None:
    targets = {"JdbcTargets": [{"ConnectionName": t.get("connection_name")} for t in blocks(v("jdbc_target"))]}
    raw.glue["Crawlers"].append(
        {
            "Name": v("name"),
            "Role": v("role"),
            "Targets": targets,
            "CrawlerSecurityConfiguration": v("security_configuration"),
        }
    )


def _first(value: Any) -> dict[str, Any]:
    return dict((blocks(value) or [{}])[0])


def security_configuration(raw: Raw, v: Values) -> None:
    conf = _first(v("encryption_configuration"))
    s3, cw, bm = (_first(conf.get(k)) for k in ("s3_encryption", "cloudwatch_encryption", "job_bookmarks_encryption"))
    raw.glue["SecurityConfigurations"].append(
        {
            "Name": v("name"),
            "EncryptionConfiguration": {
                "S3Encryption": [
                    {"S3EncryptionMode": s3.get("s3_encryption_mode", "DISABLED"), "KmsKeyArn": s3.get("kms_key_arn")}
                ],
                "CloudWatchEncryption": {
                    "CloudWatchEncryptionMode": cw.get("cloudwatch_encryption_mode", "DISABLED"),
                    "KmsKeyArn": cw.get("kms_key_arn"),
                },
                "JobBookmarksEncryption": {
                    "JobBookmarksEncryptionMode": bm.get("job_bookmarks_encryption_mode", "DISABLED"),
                    "KmsKeyArn": bm.get("kms_key_arn"),
                },
            },
        }
    )


TRANSLATORS: dict[str, Translator] = {
    "aws_glue_connection": connection,
    "aws_glue_job": job,
    "aws_glue_crawler": crawler,
    "aws_glue_security_configuration": security_configuration,
}
