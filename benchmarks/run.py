"""Benchmarks: API calls per analysis (against moto) and a large offline scan.

    python benchmarks/run.py                    # 50 VPCs, 10,000 connections
    python benchmarks/run.py --connections 2000 # quicker

Prints one table; nothing here is a pass/fail test (the API-call bounds are asserted in
tests/test_collector.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def api_calls() -> list[tuple[str, str]]:
    import boto3
    from moto import mock_aws

    from glue_netcheck.collect import aws

    from scenarios import REGION, SCENARIOS, Clients, fleet_vpc

    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    rows = []
    for name in ("healthy-nat", "custom-dns-servers", "missing-subnet"):
        with mock_aws():
            clients = Clients(*(boto3.client(s, region_name=REGION) for s in ("ec2", "glue", "kms")))
            SCENARIOS[name](clients)
            reader = aws.AwsReader(region=REGION)
            aws.collect_connection(reader, "orders-db")
            rows.append((f"connection ({name})", f"{sum(reader.calls.values())} calls (bound 25)"))
    for vpcs, per_vpc in ((1, 20), (5, 20)):
        with mock_aws():
            clients = Clients(*(boto3.client(s, region_name=REGION) for s in ("ec2", "glue", "kms")))
            for v in range(vpcs):
                fleet_vpc(clients, per_vpc, f"c-{v}")
            reader = aws.AwsReader(region=REGION)
            aws.collect_region(reader)
            total = sum(reader.calls.values())
            rows.append(
                (f"scan, {vpcs * per_vpc} connections in {vpcs} VPC(s)", f"{total} calls (bound {5 + 15 * vpcs})")
            )
    return rows


def large_scan(vpcs: int, connections: int) -> list[tuple[str, str]]:
    snapshot = HERE / "out" / f"large-{vpcs}x{connections}.json"
    if not snapshot.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--vpcs",
                str(vpcs),
                "--connections",
                str(connections),
                "--output",
                str(snapshot),
            ],
            check=True,
        )
    output = HERE / "out" / "scan.json"
    script = Path(sys.executable).parent / "glue-netcheck"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "glue_netcheck"]
    started = time.perf_counter()
    proc = subprocess.run(
        [*command, "scan", "--snapshot", str(snapshot), "--format", "json", "--output", str(output)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"scan failed: {proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return [
        (f"scan --snapshot, {connections} connections, {vpcs} VPCs", f"{elapsed:.1f} s wall"),
        ("  peak memory (max RSS)", f"{peak:.0f} MiB"),
        (
            "  snapshot / report size",
            f"{snapshot.stat().st_size / 2**20:.1f} MiB / {output.stat().st_size / 2**20:.1f} MiB",
        ),
    ]


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    rows = [] if args.skip_api else api_calls()
    rows += large_scan(args.vpcs, args.connections)
    print(f"machine: {machine()}")
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
