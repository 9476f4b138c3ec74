"""Hostile snapshots and secrets: no input may produce anything but a clean SnapshotError, and no
secret survives redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.collect import snapshot as snapshots
from glue_netcheck.collect.inputs import load_snapshot
from glue_netcheck.model.redact import redact_connection, redact_text

from conftest import FIXTURES

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)
BASE: dict[str, Any] = json.loads((FIXTURES / "healthy-nat.json").read_text())
KEYS = sorted(BASE["regions"]["us-east-1"]["ec2"]) + sorted(BASE["regions"]["us-east-1"]["glue"])


def _load(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(document))
    try:
        inventories = load_snapshot(path)
    except snapshots.SnapshotError as exc:
        assert str(exc).startswith(f"snapshot {path}: ")
        return
    for inventory in inventories.values():  # whatever loads must also analyse without crashing
        for name in inventory.connections:
            analyse_connection(inventory, name)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(json_values)
def test_arbitrary_json_is_refused_cleanly(tmp_path: Path, value: Any) -> None:
    _load(tmp_path, value)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.sampled_from(KEYS), st.integers(min_value=0, max_value=5), st.text(max_size=8), json_values)
def test_one_field_replaced_is_refused_or_analysed(
    tmp_path: Path, key: str, index: int, field: str, value: Any
) -> None:
    document = json.loads(json.dumps(BASE))
    region = document["regions"]["us-east-1"]
    section = region["ec2"] if key in region["ec2"] else region["glue"]
    target = section[key]
    if isinstance(target, list) and target:
        item = target[index % len(target)]
        if isinstance(item, dict):
            item[field or next(iter(item), "x")] = value
    else:
        section[key] = value
    _load(tmp_path, document)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("jdbc:postgresql://etl:hunter2@db.internal:5432/app", "hunter2"),
        ("jdbc:sqlserver://db:1433;databaseName=app;user=etl;password=hunter2", "hunter2"),
        ("jdbc:mysql://db:3306/app?user=etl&password=hunter2&ssl=true", "hunter2"),
        ("mongodb://etl:hunter2@cluster0.example.net:27017/app", "hunter2"),
    ],
)
def test_credentials_in_urls_are_masked(text: str, secret: str) -> None:
    masked = redact_text(text)
    assert secret not in masked and "****" in masked
    assert "db" in masked or "cluster0" in masked  # host and port stay


def test_secret_properties_are_dropped() -> None:
    raw = {
        "Name": "c",
        "ConnectionProperties": {
            "USERNAME": "etl",
            "PASSWORD": "p1",
            "ENCRYPTED_PASSWORD": "p2",
            "KAFKA_SASL_SCRAM_PASSWORD": "p3",
            "KAFKA_CLIENT_KEYSTORE_PASSWORD": "p4",
            "SECRET_ID": "prod/db",
            "JDBC_CONNECTION_URL": "jdbc:mysql://h:3306/d",
        },
        "SparkProperties": {"secretId": "x", "password": "p5"},
        "AuthenticationConfiguration": {
            "AuthenticationType": "BASIC",
            "SecretArn": "arn:s",
            "BasicAuthenticationCredentials": {"Password": "p6"},
        },
    }
    text = json.dumps(redact_connection(raw))
    assert not any(f"p{i}" in text for i in range(1, 7))
    assert '"SECRET_ID": "prod/db"' in text and '"USERNAME": "etl"' in text


PLAN: dict[str, Any] = json.loads((FIXTURES / "terraform" / "flat" / "kms-private-dns-off.plan.json").read_text())


def _plan(tmp_path: Path, document: Any) -> None:
    from glue_netcheck.collect import terraform

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    try:
        plan = terraform.load(path)
    except terraform.PlanError as exc:
        assert str(exc).startswith(f"plan {path}: ")
        return
    from glue_netcheck.model.build import build_inventory
    from glue_netcheck.model.raw import ModelError

    base = json.loads((FIXTURES / "healthy-nat.json").read_text())["regions"]["us-east-1"]
    try:
        merged, names = terraform.apply(base, plan, "us-east-1")
        inventory = build_inventory("us-east-1", merged)
    except (terraform.PlanError, ModelError):
        return  # the CLI turns either into one line, exit 2
    for name in names:
        if name in inventory.connections:
            analyse_connection(inventory, name)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(json_values)
def test_arbitrary_json_is_refused_as_a_plan_cleanly(tmp_path: Path, value: Any) -> None:
    _plan(tmp_path, value)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.integers(min_value=0, max_value=40), st.text(max_size=12), json_values)
def test_one_planned_value_replaced(tmp_path: Path, index: int, field: str, value: Any) -> None:
    document = json.loads(json.dumps(PLAN))
    resources = document["planned_values"]["root_module"]["resources"]
    resource = resources[index % len(resources)]
    resource.setdefault("values", {})[field or "vpc_id"] = value  # a real plan omits empty values
    _plan(tmp_path, document)
