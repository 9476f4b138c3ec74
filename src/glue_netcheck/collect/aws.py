"""The live collector: the only module that talks to AWS.

Read-only by construction (a botocore hook refuses any operation that is not Describe/Get/
List before it is sent), one describe per resource type per VPC filtered by VPC id,
paginated, adaptive retries, short connect timeouts. Returns raw answers in the snapshot's
region shape; `model.build` does the rest.
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

# collect/network.py reads through this module's reader: imported as a module (a cycle).
from glue_netcheck.collect import network
from glue_netcheck.collect.sources import collect_databases as collect_databases
from glue_netcheck.errors import AnalysisError
from glue_netcheck.model.redact import redact_connection

T = TypeVar("T")
# Calls of one wave in flight at once (one run; a fleet scan multiplies it by its own pool).
WAVE_CONCURRENCY = 12
READ_ONLY = re.compile(r"^(Describe|Get|List)")
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "SlowDown",
}


def _config() -> Config:
    # Adaptive retries (client-side rate limiting on throttling); AWS_MAX_ATTEMPTS overrides the count.
    attempts = os.environ.get("AWS_MAX_ATTEMPTS", "")
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": int(attempts) if attempts.isdigit() else 6},
        connect_timeout=5,
        read_timeout=30,
        user_agent_extra="glue-netcheck",
    )


_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"}


class NotFound(AnalysisError):
    pass


class AccessDenied(AnalysisError):
    def __init__(self, action: str) -> None:
        super().__init__(
            f"access denied to {action}: grant it to the identity running glue-netcheck "
            "(`glue-netcheck iam-policy` prints the policy)"
        )
        self.action = action


def readable(denied: list[str], default: Any, read: Callable[[], T]) -> T:
    """Run one read; if IAM denies it, note the action and carry on with `default`: the
    analysis then marks what depends on it as undecidable instead of failing the run."""
    try:
        return read()
    except AccessDenied as exc:
        denied.append(exc.action)
        return cast(T, default)


class ReadOnlyViolation(RuntimeError):
    pass


class AwsReader:
    """boto3 clients for one region, with the read-only guard and a call counter."""

    def __init__(self, region: str | None = None, profile: str | None = None) -> None:
        try:
            session = boto3.Session(profile_name=profile, region_name=region)
        except ProfileNotFound as exc:
            raise AnalysisError(f"AWS profile not found: {exc}; check --profile / AWS_PROFILE") from None
        if session.region_name is None:
            raise AnalysisError("no AWS region: pass --region or set AWS_DEFAULT_REGION")
        self.region: str = session.region_name
        self.calls: Counter[str] = Counter()
        self._session = session
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_session(cls, session: Any) -> AwsReader:
        reader = cls.__new__(cls)
        reader.region, reader.calls, reader._session, reader._clients = session.region_name, Counter(), session, {}
        reader._lock = threading.Lock()
        return reader

    def together(self, *reads: Callable[[], Any]) -> list[Any]:
        """Independent reads as one wave: at once, on a bounded pool; answers in order, the first
        failure raised. Bounded so that one run stays far inside AWS's per-account request rates
        (adaptive retries absorb the rest)."""
        if len(reads) <= 1:
            return [read() for read in reads]
        with ThreadPoolExecutor(max_workers=min(len(reads), WAVE_CONCURRENCY)) as pool:
            futures = [pool.submit(read) for read in reads]
            return [future.result() for future in futures]

    def assume_role(self, role_arn: str) -> dict[str, Any]:
        """Temporary credentials for a read-only role in another account. AssumeRole is the one
        call outside Describe/Get/List the guard lets through: it changes nothing anywhere."""
        response = self.one("sts", "assume_role", RoleArn=role_arn, RoleSessionName="glue-netcheck")
        return dict(response["Credentials"])

    def client(self, service: str, region: str | None = None) -> Any:
        key = f"{service}@{region or self.region}"
        with self._lock:  # made once, whichever thread asks first (a session is not thread-safe)
            if key not in self._clients:
                client = self._session.client(service, region_name=region or self.region, config=_config())
                client.meta.events.register("before-call.*.*", self._guard)
                self._clients[key] = client
            return self._clients[key]

    def _guard(self, model: Any, **_: Any) -> None:
        if not READ_ONLY.match(model.name) and (model.service_model.service_name, model.name) != ("sts", "AssumeRole"):
            raise ReadOnlyViolation(f"glue-netcheck refused to call {model.name}: it only reads")
        with self._lock:
            self.calls[f"{model.service_model.service_name}:{model.name}"] += 1

    def call(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """All items under `key`, through the paginator when there is one."""
        client = self.client(service)
        with _translated(f"{service}:{_camel(operation)}"):
            if client.can_paginate(operation):
                items: list[Any] = []
                for page in client.get_paginator(operation).paginate(**params):
                    items.extend(page.get(key, []))
                return items
            return list(getattr(client, operation)(**params).get(key, []))

    def one(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        with _translated(f"{service}:{_camel(operation)}"):
            response = dict(getattr(self.client(service, region), operation)(**params))
        response.pop("ResponseMetadata", None)
        return response


@contextmanager
def _translated(action: str) -> Iterator[None]:
    """Turn boto errors into one actionable AnalysisError naming the call."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _DENIED or status == 403:  # 403: some error bodies carry no parsable code
            raise AccessDenied(action) from None
        if code in _THROTTLED:
            raise AnalysisError(
                f"{action} was throttled by AWS ({code}) after every retry: try again later, when the account's "
                "API traffic is lower"
            ) from None
        if code == "EntityNotFoundException":
            raise NotFound(str(error.get("Message", code))) from None
        raise AnalysisError(f"{action} failed: {code}: {error.get('Message', '')}") from None
    except (NoCredentialsError, PartialCredentialsError):
        raise AnalysisError(
            "no AWS credentials found: configure a profile (--profile / AWS_PROFILE) or environment credentials"
        ) from None
    except NoRegionError:
        raise AnalysisError("no AWS region: pass --region or set AWS_DEFAULT_REGION") from None
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
        raise AnalysisError(f"cannot reach the AWS endpoint for {action}: {exc}") from None
    except BotoCoreError as exc:
        raise AnalysisError(f"{action} failed: {exc}") from None


def _camel(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def vpc_filter(vpc_ids: Iterable[str], name: str = "vpc-id") -> list[dict[str, Any]]:
    return [{"Name": name, "Values": sorted(vpc_ids)}]


# --- what the analysis needs ------------------------------------------------------------------


def collect_glue(reader: AwsReader, connection_names: list[str] | None, missing_ok: bool = False) -> dict[str, Any]:
    """Connections (named ones, or all), every job and crawler, security configurations, and
    the Data Catalog's encryption settings: they decide whether KMS is required. One wave."""
    denied: list[str] = []

    def named(name: str) -> Callable[[], dict[str, Any] | None]:
        def read() -> dict[str, Any] | None:
            try:
                return dict(reader.one("glue", "get_connection", Name=name, HidePassword=True)["Connection"])
            except NotFound:
                if missing_ok:  # a job naming a deleted connection: the analysis reports it
                    return None
                raise NotFound(
                    f"Glue connection {name!r} not found in {reader.region}: check the name and --region"
                ) from None

        return read

    connections: list[Callable[[], Any]] = (
        [lambda: reader.call("glue", "get_connections", "ConnectionList", HidePassword=True)]
        if connection_names is None
        else [named(n) for n in connection_names]
    )
    *found, jobs, crawlers, configurations, catalog = reader.together(
        *connections,
        lambda: readable(denied, [], lambda: reader.call("glue", "get_jobs", "Jobs")),
        lambda: readable(denied, [], lambda: reader.call("glue", "get_crawlers", "Crawlers")),
        lambda: readable(
            denied, [], lambda: reader.call("glue", "get_security_configurations", "SecurityConfigurations")
        ),
        # None = unreadable: the analysis then assumes the catalog is KMS-encrypted (worst case).
        lambda: readable(
            denied,
            None,
            lambda: reader.one("glue", "get_data_catalog_encryption_settings").get("DataCatalogEncryptionSettings", {}),
        ),
    )
    every = found[0] if connection_names is None else [c for c in found if c is not None]
    return {
        "Connections": [redact_connection(c) for c in every],
        "Jobs": jobs,
        "Crawlers": crawlers,
        "SecurityConfigurations": configurations,
        "DataCatalogEncryptionSettings": catalog,
        "Denied": denied,
    }


def collect_connection(reader: AwsReader, name: str) -> dict[str, Any]:
    """One region's raw data for analysing one connection: the Glue reads, the subnets and
    target lookups, the VPCs' describes: three waves of concurrent calls."""
    glue = collect_glue(reader, [name])
    return {"glue": glue, **network.collect_places(reader, glue["Connections"])}


def collect_region(reader: AwsReader, planned_subnets: Iterable[str] = (), vpcs: Iterable[str] = ()) -> dict[str, Any]:
    """One region's raw data for every connection, job and crawler in it (shared describes per
    VPC), and every KMS key a security configuration or the catalog names."""
    glue = collect_glue(reader, None)
    consumers = [("job", j) for j in glue["Jobs"]] + [("crawler", c) for c in glue["Crawlers"]]
    return {
        "glue": glue,
        **network.collect_places(reader, glue["Connections"], planned_subnets, vpcs),
        **collect_encryption(reader, glue, glue["SecurityConfigurations"], consumers),
    }


def _consumer_connections(raw: dict[str, Any], kind: str) -> list[str]:
    if kind == "job":
        return list((raw.get("Connections") or {}).get("Connections") or [])
    names = [
        t["ConnectionName"]
        for targets in (raw.get("Targets") or {}).values()
        for t in targets or ()
        if isinstance(t, dict) and t.get("ConnectionName")
    ]
    return list(dict.fromkeys(names))


def collect_consumer(reader: AwsReader, kind: str, name: str) -> dict[str, Any]:
    """One region's raw data for a job or crawler: its connections' networks, every security
    configuration, the catalog's encryption settings, and the KMS keys they name."""
    operation, params, key = (
        ("get_job", {"JobName": name}, "Job") if kind == "job" else ("get_crawler", {"Name": name}, "Crawler")
    )
    try:
        consumer = reader.one("glue", operation, **params)[key]
    except NotFound:
        raise NotFound(f"Glue {kind} {name!r} not found in {reader.region}: check the name and --region") from None
    glue = collect_glue(reader, _consumer_connections(consumer, kind), missing_ok=True)
    config_name = consumer.get("SecurityConfiguration" if kind == "job" else "CrawlerSecurityConfiguration")
    configs = [c for c in glue["SecurityConfigurations"] if c.get("Name") == config_name]
    return {
        "glue": glue,
        **network.collect_places(reader, glue["Connections"]),
        **collect_encryption(reader, glue, configs, [(kind, consumer)]),
    }


def collect_encryption(
    reader: AwsReader, glue: dict[str, Any], configs: list[dict[str, Any]], consumers: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """What decides whether encryption works: the KMS keys the configurations and the catalog
    name, the consumers' roles (one read per distinct role), and, for jobs with encrypted
    bookmarks enabled, whether their script calls job.init()."""
    keys = set(_catalog_keys(glue["DataCatalogEncryptionSettings"]))
    for config in configs:
        keys |= set(_configuration_keys(config))
    bookmarked = {
        c.get("Name")
        for c in configs
        if ((c.get("EncryptionConfiguration") or {}).get("JobBookmarksEncryption") or {}).get(
            "JobBookmarksEncryptionMode"
        )
        == "CSE-KMS"
    }
    scripts = {
        location: read_script(reader, location)
        for location in sorted(
            {
                (raw.get("Command") or {}).get("ScriptLocation", "")
                for kind, raw in consumers
                if kind == "job"
                and raw.get("SecurityConfiguration") in bookmarked
                and (raw.get("DefaultArguments") or {}).get("--job-bookmark-option") == "job-bookmark-enable"
            }
            - {""}
        )
    }
    roles = sorted({raw["Role"] for _, raw in consumers if raw.get("Role")})
    buckets = sorted({b for kind, raw in consumers if kind == "job" for b in job_buckets(raw)})
    return {
        "kms": {"Keys": [read_key(reader, k) for k in sorted(keys)]},
        "iam": {"Roles": [read_role(reader, role) for role in roles]},
        "s3": {"Scripts": scripts, "Buckets": {b: bucket_region(reader, b) for b in buckets}},
    }


def job_buckets(raw: dict[str, Any]) -> list[str]:
    """The buckets a job reads at start: its script's and its temporary directory's."""
    locations = [
        (raw.get("Command") or {}).get("ScriptLocation", ""),
        (raw.get("DefaultArguments") or {}).get("--TempDir", ""),
    ]
    return [loc.removeprefix("s3://").split("/")[0] for loc in locations if str(loc).startswith("s3://")]


def bucket_region(reader: AwsReader, bucket: str) -> str | None:
    """The bucket's region (GetBucketLocation), None when it cannot be read."""
    try:
        location = reader.one("s3", "get_bucket_location", Bucket=bucket).get("LocationConstraint")
    except AnalysisError:
        return None
    # AWS answers null for us-east-1 and the legacy "EU" for eu-west-1.
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def read_role(reader: AwsReader, role: str) -> dict[str, Any]:
    """The role's inline and attached policy documents (read-only IAM calls), or the error."""
    name = role.rsplit("/", 1)[-1]
    entry: dict[str, Any] = {"RoleName": name, "Reference": role}
    try:
        described = reader.one("iam", "get_role", RoleName=name)["Role"]
        entry["Arn"] = described.get("Arn")
        entry["PermissionsBoundary"] = bool(described.get("PermissionsBoundary"))
        documents = [
            reader.one("iam", "get_role_policy", RoleName=name, PolicyName=policy)["PolicyDocument"]
            for policy in reader.call("iam", "list_role_policies", "PolicyNames", RoleName=name)
        ]
        for attached in reader.call("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name):
            version = reader.one("iam", "get_policy", PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
            documents.append(
                reader.one("iam", "get_policy_version", PolicyArn=attached["PolicyArn"], VersionId=version)[
                    "PolicyVersion"
                ]["Document"]
            )
        entry["Policies"] = documents
    except AnalysisError as exc:
        missing = "NoSuchEntity" in str(exc)
        entry["Error"] = {
            "Code": "AccessDenied" if isinstance(exc, AccessDenied) else "NoSuchEntity" if missing else "Unreadable",
            "Message": str(exc),
        }
    return entry


def read_script(reader: AwsReader, location: str) -> dict[str, Any]:
    """Whether a job script calls job.init(...): the script itself is never stored."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    try:
        body = reader.one("s3", "get_object", Bucket=bucket, Key=key)["Body"].read(2_000_000)
    except AnalysisError as exc:
        return {"Error": {"Code": "AccessDenied" if isinstance(exc, AccessDenied) else "Unreadable"}}
    text = body.decode("utf-8", errors="replace")
    return {"CallsJobInit": ".init(" in text and "Job(" in text}


def _catalog_keys(settings: dict[str, Any] | None) -> list[str]:
    settings = settings or {}  # None: the settings could not be read
    at_rest = settings.get("EncryptionAtRest") or {}
    passwords = settings.get("ConnectionPasswordEncryption") or {}
    keys = []
    if str(at_rest.get("CatalogEncryptionMode", "")).startswith("SSE-KMS") and at_rest.get("SseAwsKmsKeyId"):
        keys.append(at_rest["SseAwsKmsKeyId"])
    if passwords.get("ReturnConnectionPasswordEncrypted") and passwords.get("AwsKmsKeyId"):
        keys.append(passwords["AwsKmsKeyId"])
    return keys


def _configuration_keys(config: dict[str, Any]) -> list[str]:
    encryption = config.get("EncryptionConfiguration") or {}
    parts = [
        *(encryption.get("S3Encryption") or []),
        encryption.get("CloudWatchEncryption") or {},
        encryption.get("JobBookmarksEncryption") or {},
    ]
    return [p["KmsKeyArn"] for p in parts if p.get("KmsKeyArn")]


def read_key(reader: AwsReader, reference: str) -> dict[str, Any]:
    """DescribeKey and GetKeyPolicy in the key's own region. A key that cannot be read is
    recorded with the error code, never raised: the analysis reports it."""
    from glue_netcheck.model.glue import key_region

    region = key_region(reference, reader.region)
    entry: dict[str, Any] = {"KeyId": reference}
    try:
        entry["KeyMetadata"] = reader.one("kms", "describe_key", region=region, KeyId=reference)["KeyMetadata"]
        entry["Policy"] = reader.one(
            "kms", "get_key_policy", region=region, KeyId=entry["KeyMetadata"]["Arn"], PolicyName="default"
        )["Policy"]
    except AnalysisError as exc:
        entry["Error"] = {
            "Code": "NotFoundException" if "NotFoundException" in str(exc) else "Unreadable",
            "Message": str(exc),
        }
    return entry
