"""Fleet scale against moto: a scan's API calls grow with VPCs, not connections; several
regions and accounts in one scan or snapshot; --fail-on; the summary; the progress bar."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from glue_netcheck.collect import aws as collector

from conftest import FIXTURES, Aws, cli_command, clients_for, run_cli
from scenarios import REGION, Clients, fleet_vpc


@pytest.mark.parametrize("vpcs", [1, 3])
def test_scan_calls_grow_with_vpcs_not_connections(aws: Aws, monkeypatch: pytest.MonkeyPatch, vpcs: int) -> None:
    for v in range(vpcs):
        fleet_vpc(aws.clients, 10, f"v{v}")
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    reader = collector.AwsReader()

    raw = collector.collect_region(reader)

    assert len(raw["glue"]["Connections"]) == 10 * vpcs
    assert sum(reader.calls.values()) <= 5 + 15 * vpcs, reader.calls


def test_scan_of_two_regions(aws: Aws, tmp_path: Path) -> None:
    fleet_vpc(aws.clients, 2, "east")
    fleet_vpc(clients_for(aws.url, "eu-west-1"), 1, "west")

    live = aws.cli("scan", "--region", REGION, "--region", "eu-west-1", "--format", "json")
    snapshot = tmp_path / "two.json"
    taken = aws.cli("snapshot", "--region", REGION, "--region", "eu-west-1", "--output", str(snapshot))
    offline = run_cli("scan", "--snapshot", str(snapshot), "--format", "json")
    one_region = run_cli("scan", "--snapshot", str(snapshot), "--region", "eu-west-1", "--format", "json")

    assert taken.code == 0 and "eu-west-1" in taken.stderr
    results = {(r["region"], r["connection"]["name"]) for r in live.json["results"]}
    assert results == {(REGION, "east-0"), (REGION, "east-1"), ("eu-west-1", "west-0")}
    assert live.json == offline.json
    assert live.json["summary"] == {"connections": 3, "by_verdict": {"pass": 3}, "by_failure": {}}
    assert [r["connection"]["name"] for r in one_region.json["results"]] == ["west-0"]
    west = json.loads(snapshot.read_text())["regions"]["eu-west-1"]
    assert west["glue"]["Connections"][0]["Name"] == "west-0"
    west_report = next(r for r in live.json["results"] if r["connection"]["name"] == "west-0")
    kms = next(p for p in west_report["paths"] if p["service"] == "kms")
    assert kms["endpoint"] == "kms.eu-west-1.amazonaws.com"


def test_scan_of_two_accounts_through_an_assumed_role(aws: Aws, tmp_path: Path) -> None:
    fleet_vpc(aws.clients, 1, "home")
    sts = aws.client("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/admin", RoleSessionName="setup")["Credentials"]
    other = {
        "endpoint_url": aws.url,
        "region_name": REGION,
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }
    fleet_vpc(Clients(*(boto3.client(s, **other) for s in ("ec2", "glue", "kms"))), 1, "other")
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("123456789012\n222222222222\n")

    result = aws.cli("scan", "--role-arn", "glue-netcheck-read", "--accounts", str(accounts), "--format", "json")

    assert result.code == 0, result.stderr
    assert sorted(r["connection"]["name"] for r in result.json["results"]) == ["home-0", "other-0"]


def test_fail_on_warn_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    # Custom DNS servers (a warning), and no data source named, so nothing is undecided.
    document = json.loads((FIXTURES / "custom-dns-servers.json").read_text())
    for connection in document["regions"]["us-east-1"]["glue"]["Connections"]:
        connection["ConnectionProperties"].pop("JDBC_CONNECTION_URL", None)
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(document))
    snapshot = str(path)
    assert run_cli("scan", "--snapshot", snapshot).code == 0
    assert run_cli("scan", "--snapshot", snapshot, "--fail-on", "warn").code == 1


def test_summary_table_puts_the_worst_first(tmp_path: Path) -> None:
    merged = json.loads((FIXTURES / "healthy-nat.json").read_text())
    broken = json.loads((FIXTURES / "igw-route-only.json").read_text())
    merged["regions"]["eu-west-1"] = {**broken["regions"]["us-east-1"], "region": "us-east-1"}
    path = tmp_path / "two.json"
    path.write_text(json.dumps(merged))

    result = run_cli("scan", "--snapshot", str(path))

    lines = result.stdout.splitlines()
    assert result.code == 1 and lines[0] == "2 connection(s): 1 fail, 1 pass"
    rows = [line.split() for line in lines[2:] if line.startswith("orders-db")]
    assert [row[2] for row in rows] == ["fail", "pass"]
    assert "internet-gateway" in result.stdout


def test_progress_bar_shows_on_a_terminal_only(aws: Aws, tmp_path: Path) -> None:
    fleet_vpc(aws.clients, 1, "tty")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **aws.env, "COLUMNS": "100"}
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [*cli_command(), "snapshot", "--output", str(tmp_path / "s.json")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=60) == 0
    assert b"Collecting accounts and regions" in seen

    piped = aws.cli("snapshot", "--output", str(tmp_path / "t.json"))
    assert "Collecting" not in piped.stderr and piped.stderr.startswith("wrote ")
    assert sys.stdout is not None
