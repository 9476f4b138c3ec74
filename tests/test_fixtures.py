"""Every fixture under fixtures/ gives the outcome its scenario promises, offline."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from glue_netcheck.cli import app

from conftest import FIXTURES
from expectations import CASES, assert_report

LAYOUTS: dict[str, dict[str, str]] = json.loads((FIXTURES / "layouts.json").read_text())


def test_fixtures_cover_every_scenario() -> None:
    assert set(LAYOUTS) == set(CASES)
    assert {p.stem for p in FIXTURES.glob("*.json")} == {*CASES, "layouts"}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_fixture_outcome(name: str) -> None:
    result = CliRunner().invoke(
        app, ["connection", "orders-db", "--snapshot", str(FIXTURES / f"{name}.json"), "--format", "json"]
    )

    def ids(attr: str) -> str:
        layout = LAYOUTS[name]
        return layout.get(attr) or layout["extra"][attr]  # type: ignore[index]

    assert_report(json.loads(result.stdout), result.exit_code, CASES[name], ids)


def test_fixtures_hold_no_password() -> None:
    for path in FIXTURES.glob("*.json"):
        text = path.read_text()
        assert "canary-Sup3rSecret" not in text and '"PASSWORD"' not in text, path
