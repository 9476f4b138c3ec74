"""The AWS services a Glue connection's ENIs talk to, and how each is named in a region."""

from __future__ import annotations

from dataclasses import dataclass

HTTPS = 443


@dataclass(frozen=True, slots=True)
class Service:
    key: str  # kms, s3, sts, glue, logs, secretsmanager
    region: str

    @property
    def dns_name(self) -> str:
        return f"{self.key}.{self.region}.amazonaws.com"

    @property
    def endpoint_service_name(self) -> str:
        return f"com.amazonaws.{self.region}.{self.key}"

    @property
    def prefix_list_name(self) -> str | None:
        # Only S3 and DynamoDB are reached through gateway endpoints and managed prefix lists.
        return self.endpoint_service_name if self.key == "s3" else None

    port: int = HTTPS


@dataclass(frozen=True, slots=True)
class External:
    """A destination that is not an AWS service endpoint (the connection's own data source)."""

    host: str
    port: int
    key: str = "target"
    prefix_list_name: None = None

    @property
    def dns_name(self) -> str:
        return self.host

    @property
    def endpoint_service_name(self) -> str:
        return ""  # no VPC endpoint serves it


Destination = Service | External

ALWAYS = ("kms", "s3")
DISPLAY = {
    "kms": "KMS",
    "s3": "S3",
    "sts": "STS",
    "glue": "The Glue API",
    "logs": "CloudWatch Logs",
    "secretsmanager": "Secrets Manager",
}
OPTIONAL = ("sts", "glue", "logs", "secretsmanager")


# How Glue fails when a service cannot be reached, in Glue's own words.
SYMPTOMS: dict[str, str] = {
    "kms": (
        "Jobs hang and die with a KMS timeout (security configurations with SSE-KMS, "
        "CloudWatch Logs or job-bookmark encryption, a KMS-encrypted Data Catalog); crawlers "
        'fail with "Internal Service Exception".'
    ),
    "s3": (
        "With neither a route to an S3 gateway endpoint nor a route to a NAT gateway in the "
        "subnet's table, validation fails at start (predicted `s3-endpoint-validation-failed`): \"VPC "
        "S3 endpoint validation failed for SubnetId … Could not find S3 endpoint or NAT gateway for "
        'subnetId". With such a route, but a security group, network ACL or the NAT path that drops '
        'the traffic, the job starts and times out (predicted `s3-timeout`): "Amazon S3 timeout … '
        'connect timed out".'
    ),
    "sts": (
        "Scripts that call STS (assume role) fail with ConnectTimeout on sts.<region>.amazonaws.com after ~15 minutes."
    ),
    "glue": (
        "Scripts that call the Glue API or Data Catalog fail with ConnectTimeout on "
        "glue.<region>.amazonaws.com after ~15 minutes."
    ),
    "logs": (
        "Continuous logging from the job stops: the CloudWatch Logs agent cannot reach logs.<region>.amazonaws.com."
    ),
    "secretsmanager": (
        "Connections whose credentials are a Secrets Manager secret fail to fetch them: "
        "ConnectTimeout on secretsmanager.<region>.amazonaws.com."
    ),
}
