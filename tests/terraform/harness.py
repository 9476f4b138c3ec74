"""Real Terraform, offline: plan and apply the configurations in fixtures/terraform/ against a
moto server, and snapshot what the apply built (`python fixtures/terraform/generate.py`
regenerates the committed plans and snapshots; tests/terraform/test_pairs.py uses the same
steps live).

Each case gets its own workspace and its own moto server process, so cases run in parallel
threads (Terraform mostly waits on the provider's pollers) and in parallel test workers.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "fixtures" / "terraform"
PROVIDER = "registry.terraform.io/hashicorp/aws"


@dataclass(frozen=True)
class Case:
    config: str  # folder under fixtures/terraform
    name: str  # a <name>.tfvars file in that folder
    connection: str  # the Glue connection both sides are asked about
    applied: bool = True  # False: plan only (no apply, no `after` snapshot)
    # A data source the plan reads only at apply decides a path: the plan leaves it undecided,
    # naming this (address and attribute), where the applied twin decides it.
    undecided: str = ""

    @property
    def folder(self) -> Path:
        return CONFIGS / self.config

    @property
    def id(self) -> str:
        return f"{self.config}/{self.name}"

    def artifact(self, kind: str) -> Path:
        """`plan` (terraform show -json), `before` (the account the plan was made against),
        `after` (the account after apply), as committed next to the .tf."""
        return self.folder / f"{self.name}.{kind}.json"

    @property
    def region(self) -> str:
        return str(json.loads(self.artifact("plan").read_text())["variables"]["region"]["value"])


def cases() -> list[Case]:
    found = []
    for tfvars in sorted(CONFIGS.glob("*/*.tfvars")):
        meta = json.loads((tfvars.parent / "cases.json").read_text())
        undecided = str((meta.get("undecided") or {}).get(tfvars.stem, ""))
        found.append(Case(tfvars.parent.name, tfvars.stem, meta["connection"], meta.get("apply", True), undecided))
    return found


def mirror() -> Path | None:
    """The folder holding registry.terraform.io/hashicorp/aws, if this machine has one."""
    for base in (os.environ.get("TF_PROVIDER_MIRROR"), "/opt/tf-plugins", str(Path.home() / ".terraform.d/plugins")):
        if base and (Path(base) / PROVIDER).is_dir():
            return Path(base)
    return None


def missing() -> str | None:
    """Why Terraform cannot run here, or None."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    if mirror() is None:
        return f"no local provider mirror holding {PROVIDER} (set TF_PROVIDER_MIRROR)"
    return None


# --- moto, patched where it differs from AWS ------------------------------------------------------


def _serve(port: int) -> None:
    import logging

    from moto.ec2.models.route_tables import RouteBackend
    from moto.server import ThreadedMotoServer

    create_route = RouteBackend.create_route

    def aws_create_route(self: Any, *args: Any, **kwargs: Any) -> Any:
        # AWS accepts a NAT gateway id as GatewayId and stores it as NatGatewayId; moto stores
        # a route with no target (a blackhole) instead.
        gateway = kwargs.get("gateway_id")
        if isinstance(gateway, str) and gateway.startswith("nat-"):
            kwargs["gateway_id"], kwargs["nat_gateway_id"] = None, gateway
        return create_route(self, *args, **kwargs)

    RouteBackend.create_route = aws_create_route  # type: ignore[method-assign]

    from moto.ec2.models.vpcs import VPCBackend

    create_endpoint = VPCBackend.create_vpc_endpoint

    def aws_create_endpoint(self: Any, vpc_id: str, *args: Any, **kwargs: Any) -> Any:
        # AWS gives an interface endpoint created without groups the VPC's default group;
        # moto gives it none.
        kind = str(kwargs.get("endpoint_type") or (args[1] if len(args) > 1 else ""))
        if kind.lower() == "interface" and not kwargs.get("security_group_ids"):
            default = self.get_default_security_group(vpc_id)
            kwargs["security_group_ids"] = [default.id] if default else []
        return create_endpoint(self, vpc_id, *args, **kwargs)

    VPCBackend.create_vpc_endpoint = aws_create_endpoint  # type: ignore[method-assign]

    import inspect

    modify_endpoint = VPCBackend.modify_vpc_endpoint
    signature = inspect.signature(modify_endpoint)

    def aws_modify_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        # AWS routes a gateway endpoint's prefix list through a table associated later
        # (aws_vpc_endpoint_route_table_association); moto changes no route.
        result = modify_endpoint(self, *args, **kwargs)
        call = signature.bind(self, *args, **kwargs).arguments
        endpoint = self.vpc_end_points[call["vpc_id"]]
        prefix_list = getattr(endpoint, "destination_prefix_list_id", None)
        for table in call.get("add_route_tables") or [] if prefix_list else []:
            if table not in endpoint.route_table_ids:
                endpoint.route_table_ids.append(table)
            self.create_route(table, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list)
        return result

    VPCBackend.modify_vpc_endpoint = aws_modify_endpoint  # type: ignore[method-assign]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False).start()
    while True:
        time.sleep(3600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    port = _free_port()
    # Quiet: moto prints a traceback for every action it lacks (the collector asks for some).
    proc = subprocess.Popen(
        [sys.executable, __file__, "serve", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- terraform ------------------------------------------------------------------------------------


def _env(url: str, work: Path) -> dict[str, str]:
    config = work / "cli.tfrc"
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror()}"\n    include = ["{PROVIDER}"]\n  }}\n'
        f'  direct {{ exclude = ["{PROVIDER}"] }}\n'
        "}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    # Every call goes to moto through the SDK's standard variables: the configuration (and so
    # the committed plan) stays exactly as written.
    env.update(
        TF_CLI_CONFIG_FILE=str(config),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        AWS_CONFIG_FILE="",
        AWS_SHARED_CREDENTIALS_FILE="",
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} in {cwd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _snapshot(url: str, region: str, out: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env["AWS_DEFAULT_REGION"] = region
    cli = [sys.executable, "-m", "glue_netcheck"]
    _run([*cli, "snapshot", "--region", region, "--output", str(out)], out.parent, env)


def run_case(case: Case, out: Path) -> dict[str, Path]:
    """Plan (and apply) one case in a scratch copy; the artifacts land in `out`."""
    apply = case.applied
    out.mkdir(parents=True, exist_ok=True)
    work = out / f"work-{case.config}-{case.name}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(case.folder, work, ignore=shutil.ignore_patterns("*.json", ".terraform*", "*.tfstate*"))
    kinds = ("plan", "before", "after") if apply else ("plan", "before")
    artifacts = {k: out / f"{case.config}.{case.name}.{k}.json" for k in kinds}
    with moto_server() as url:
        env = _env(url, work)
        var_file = f"-var-file={case.name}.tfvars"
        _run(["terraform", "init", "-input=false", "-no-color"], work, env)
        _run(["terraform", "plan", "-input=false", "-no-color", var_file, "-out", "tfplan"], work, env)
        plan = json.loads(_run(["terraform", "show", "-json", "tfplan"], work, env).stdout)
        region = str(plan["variables"]["region"]["value"])
        artifacts["plan"].write_text(json.dumps(_stable(plan), indent=1, sort_keys=True) + "\n")
        _snapshot(url, region, artifacts["before"])
        if apply:
            _run(["terraform", "apply", "-input=false", "-no-color", "-auto-approve", "tfplan"], work, env)
            _snapshot(url, region, artifacts["after"])
    shutil.rmtree(work, ignore_errors=True)
    return artifacts


def _stable(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without what changes on every run (when it was made), so regenerating an
    unchanged configuration gives an unchanged file."""
    plan.pop("timestamp", None)
    return plan


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    _serve(int(sys.argv[2]))
