"""Shared test fixtures: a moto server, clients pointed at it, and the CLI as users run it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from hypothesis import settings

# CI replays the same examples every run (a red CI is then a real, reproducible bug); local
# runs keep exploring new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import REGION, Clients  # noqa: E402 - needs the sys.path entry above

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def cli_command() -> list[str]:
    """The installed console script when there is one (as users run it), else the module."""
    script = Path(sys.executable).parent / "glue-netcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "glue_netcheck"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(
        env
        or {
            "AWS_ACCESS_KEY_ID": "none",
            "AWS_SECRET_ACCESS_KEY": "none",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        }
    )
    proc = subprocess.run(
        [*cli_command(), *args], capture_output=True, text=True, env=base, cwd=cwd, timeout=120, check=False
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Aws:
    url: str
    clients: Clients

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.url,
        }

    def cli(self, *args: str) -> Result:
        return run_cli(*args, env=self.env)

    def client(self, service: str, region: str = REGION) -> Any:
        """A boto3 client of the moto server, for what the scenarios do not build."""
        return boto3.client(service, **_moto_kwargs(self.url, region))


def _moto_kwargs(url: str, region: str) -> dict[str, str]:
    return {
        "endpoint_url": url,
        "region_name": region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def clients_for(url: str, region: str = REGION) -> Clients:
    kw = _moto_kwargs(url, region)
    return Clients(boto3.client("ec2", **kw), boto3.client("glue", **kw), boto3.client("kms", **kw))


@pytest.fixture
def aws(moto_url: str) -> Aws:
    """A clean moto account for one test."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    return Aws(moto_url, clients_for(moto_url))
