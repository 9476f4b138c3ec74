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
from botocore.parsers import ResponseParserError

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

    def optional(self, service: str, operation: str, **params: Any) -> dict[str, Any] | None:
        """A read of a feature some regions or partitions (and moto) do not have: one attempt,
        and None when it cannot be answered, for the analysis to treat as unknown. A denial
        still raises AccessDenied (`readable` records it)."""
        key = f"{service}@{self.region}/once"
        with self._lock:
            if key not in self._clients:
                config = _config().merge(Config(retries={"mode": "standard", "total_max_attempts": 1}))
                client = self._session.client(service, region_name=self.region, config=config)
                client.meta.events.register("before-call.*.*", self._guard)
                self._clients[key] = client
        try:
            with _translated(f"{service}:{_camel(operation)}"):
                response = dict(getattr(self._clients[key], operation)(**params))
        except AccessDenied:
            raise
        except (AnalysisError, ResponseParserError):  # an unknown action, or a server that has none
            return None
        response.pop("ResponseMetadata", None)
        return response

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


def collect_glue(
    reader: AwsReader, connection_names: list[str] | None, missing_ok: bool = False, configurations: bool = True
) -> dict[str, Any]:
    """Connections (named ones, or all), every job and crawler, security configurations (unless
    the caller reads them later, knowing whether any is named), and the Data Catalog's
    encryption settings: they decide whether KMS is required. One wave."""
    denied: list[str] = []

    def security_configurations() -> list[Any]:
        return _security_configurations(reader, denied) if configurations else []

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
        security_configurations,
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


def _security_configurations(reader: AwsReader, denied: list[str]) -> list[Any]:
    return readable(denied, [], lambda: reader.call("glue", "get_security_configurations", "SecurityConfigurations"))


def collect_connection(reader: AwsReader, name: str) -> dict[str, Any]:
    """One region's raw data for analysing one connection: the Glue reads, the subnets and
    target lookups, the VPCs' describes: three waves of concurrent calls. The security
    configurations matter only when a job or crawler using the connection names one: then
    they are read in the second wave, else not at all (one call fewer)."""
    glue = collect_glue(reader, [name], configurations=False)
    named = any(
        consumer.get(key) and name in _consumer_connections(consumer, kind)
        for kind, key, consumers in (
            ("job", "SecurityConfiguration", glue["Jobs"]),
            ("crawler", "CrawlerSecurityConfiguration", glue["Crawlers"]),
        )
        for consumer in consumers
    )

    def configurations() -> list[Any]:
        return _security_configurations(reader, glue["Denied"]) if named else []

    places = network.collect_places(reader, glue["Connections"], also=configurations)
    glue["SecurityConfigurations"] = places.pop("also")
    return {"glue": glue, **places}


def collect_region(reader: AwsReader, planned_subnets: Iterable[str] = (), vpcs: Iterable[str] = ()) -> dict[str, Any]:
    """One region's raw data for every connection, job and crawler in it (shared describes per
    VPC), and every KMS key a security configuration or the catalog names."""
    glue = collect_glue(reader, None)
    consumers = [("job", j) for j in glue["Jobs"]] + [("crawler", c) for c in glue["Crawlers"]]
    return {
        "glue": glue,
        **network.collect_places(reader, glue["Connections"], planned_subnets, vpcs),
        **_encryption()(reader, glue, glue["SecurityConfigurations"], consumers),
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
        **_encryption()(reader, glue, configs, [(kind, consumer)]),
    }


def _encryption() -> Callable[..., dict[str, Any]]:
    """collect/encryption.py reads the consumers' keys, roles and scripts with this module's reader."""
    from glue_netcheck.collect.encryption import collect_encryption

    return collect_encryption
