"""A connection's secret, named the old way (ConnectionProperties.SECRET_ID) or the v2 way
(AuthenticationConfiguration.SecretArn): either way the job's ENIs fetch it from Secrets Manager,
so its path is traced. On the healthy-nat fixture (moto), which names none."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.model.build import build_inventory

RAW: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "healthy-nat.json").read_text()
)["regions"]["us-east-1"]
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf"


def _services(change: str | None) -> list[str]:
    raw = copy.deepcopy(RAW)
    (conn,) = raw["glue"]["Connections"]
    if change == "v2":
        conn["AuthenticationConfiguration"] = {"AuthenticationType": "BASIC", "SecretArn": SECRET}
    elif change == "property":
        conn["ConnectionProperties"]["SECRET_ID"] = SECRET
    report = analyse_connection(build_inventory("us-east-1", raw), "orders-db")
    return [p.service for p in report.paths]


@pytest.mark.parametrize("change", ["v2", "property"])
def test_a_named_secret_adds_the_secrets_manager_path(change: str) -> None:
    assert "secretsmanager" in _services(change)


def test_twin_without_a_secret_has_no_secrets_manager_path() -> None:
    assert "secretsmanager" not in _services(None)
