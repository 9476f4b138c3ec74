"""Translators of the Glue resources a plan creates: connections, jobs, crawlers and security
configurations, in the shapes Glue's Get* calls answer."""

from __future__ import annotations

from typing import Any

from glue_netcheck.collect.terraform.shapes import Raw, Translator, Values, blocks


def connection(raw: Raw, v: Values) -> None:
    result: dict[str, Any] = {
        "Name": v("name"),
        "ConnectionType": v("connection_type") or "JDBC",
        "ConnectionProperties": dict(v("connection_properties") or {}),
    }
    if blocks(v("physical_connection_requirements")):
        physical = ("physical_connection_requirements", 0)
        result["PhysicalConnectionRequirements"] = {
            "SubnetId": v(*physical, "subnet_id"),
            "SecurityGroupIdList": v.list(*physical, "security_group_id_list"),
            "AvailabilityZone": v.or_later(*physical, "availability_zone"),
        }
    raw.glue["Connections"].append(result)


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
