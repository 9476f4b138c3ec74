"""Bad input: one clear stderr line, the contract's exit code, no traceback, no partial file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli

GOOD = FIXTURES / "healthy-nat.json"


def assert_one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("glue-netcheck: error:")
    for needle in needles:
        assert needle in lines[0]


def _mutated(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    document = json.loads(GOOD.read_text())
    mutate(document)
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(document))
    return path


def test_truncated_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    path.write_text(GOOD.read_text()[:2000])
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), str(path), "not valid JSON")


def test_missing_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), "no such file")


def test_not_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"Vpcs": []}')
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), "not a glue-netcheck snapshot")


def test_future_snapshot_version(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d.update(version=99))
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), "version 99")


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (
            lambda d: d["regions"]["us-east-1"]["ec2"]["Subnets"][0].update(CidrBlock="10.0.300.0/24"),
            "invalid IPv4 CIDR",
        ),
        (
            lambda d: d["regions"]["us-east-1"]["ec2"]["NetworkAcls"][0]["Entries"][0].update(RuleNumber=99999),
            "rule number",
        ),
        (lambda d: d["regions"]["us-east-1"]["ec2"].update(RouteTables="oops"), "RouteTables"),
        (
            lambda d: d["regions"]["us-east-1"]["ec2"]["Subnets"][0].update(AvailableIpAddressCount=10**100),
            "out of range",
        ),
        (lambda d: d["regions"]["us-east-1"]["ec2"]["Subnets"][0].pop("SubnetId"), "SubnetId"),
    ],
)
def test_malformed_snapshot_content(tmp_path: Path, mutate, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = _mutated(tmp_path, mutate)
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), needle)


def test_deeply_nested_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    assert_one_line_error(run_cli("connection", "orders-db", "--snapshot", str(path)), str(path))


def test_unknown_connection_in_snapshot() -> None:
    assert_one_line_error(run_cli("connection", "nope", "--snapshot", str(GOOD)), "'nope' not found", "orders-db")


def test_unknown_region_in_snapshot() -> None:
    assert_one_line_error(
        run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--region", "eu-west-9"), "eu-west-9"
    )


def test_failed_run_leaves_no_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("connection", "nope", "--snapshot", str(GOOD), "--output", str(out))
    assert result.code == 2
    assert list(tmp_path.iterdir()) == []


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("connection", "orders-db", "--snapshot", str(GOOD), "--format", "json", "--output", str(out))
    assert result.code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["verdict"] == "pass"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_endpoint_down_fails_fast_with_one_line() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    assert_one_line_error(run_cli("connection", "orders-db", env=env), "cannot reach the AWS endpoint")


def test_missing_credentials() -> None:
    env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    assert_one_line_error(run_cli("connection", "orders-db", env=env), "no AWS credentials")


def test_missing_region() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    assert_one_line_error(run_cli("connection", "orders-db", env=env), "no AWS region")


def test_unknown_check_to_explain() -> None:
    assert_one_line_error(run_cli("explain", "no-such-check"), "no-such-check")


def test_usage_error_exits_2() -> None:
    result = run_cli("connection")
    assert result.code == 2
    assert "Traceback" not in result.stderr
