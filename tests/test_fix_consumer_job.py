"""Proven fixes that change the job's own definition (fixes/consumer_job.py): a connection the
job names that does not exist is removed from it; a subnet with too few free addresses, where
no other subnet has room, gets a job with fewer workers.

moto 5.2.5 has no UpdateJob, so the printed `update-job` cannot run against it. What can run
does: the first command (GetJob through jq, with the real AWS CLI and jq) against moto, its
JSON checked against botocore's UpdateJob input shape; the update itself is then made as
UpdateJob would (the job re-created with that definition, CreateJob taking the same fields),
and `glue-netcheck job` run again: the finding is gone. The fix's `verified` is the engine's
proof on the model, as for every fix. Each with its healthy twin.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.checks.finding import Finding
from glue_netcheck.collect.inputs import Source, for_consumer
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.model.build import build_inventory

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from test_cases import CASES, apply_patch, load

from test_e2e_beyond import run
from test_fix_consumer import bash_n, proven
from test_fix_moto import aws_cli_env

from conftest import Aws
from scenarios import CONNECTION, JOB, SCENARIOS, Layout, glue_resources, glue_security_group, kms_endpoint, s3_gateway
from scenarios import vpc as make_vpc

GLUE = botocore.session.get_session().get_service_model("glue")


def test_a_missing_connection_is_removed_from_the_job() -> None:
    (finding,) = proven("consumer-connections", "the job names a connection that does not exist")

    assert finding.fix is not None and finding.fix.verified, finding.fix
    script = "\n".join(finding.fix.commands)
    assert bash_n(script) == "" and "<" not in script
    assert '.Connections.Connections -= ["orders-archive"]' in script
    assert finding.fix.commands[-1] == 'aws glue update-job --job-name nightly-etl --job-update "$JOB_UPDATE"'
    assert "create the connection instead" in finding.fix.effect


def test_the_twin_whose_connection_exists_has_nothing_to_fix() -> None:
    assert proven("consumer-connections", "healthy twin: one connection that exists") == []


def free_ips_of_job(name: str) -> list[Finding]:
    """The subnet-free-ips case file, analysed as its job (the file's subject is the connection)."""
    spec = load(CASES / "subnet-free-ips.json")
    (case,) = [c for c in spec["cases"] if c["name"] == name]
    inventory = build_inventory(spec["region"], apply_patch(spec["snapshot"], case["patch"]))
    report = prove_consumer(inventory, analyse_consumer(inventory, "job", JOB))
    return [f for r in report.connections for f in r.findings if f.check == "subnet-free-ips"]


@pytest.mark.parametrize(
    ("name", "workers"),
    [
        ("fewer free addresses than the job's workers", 5),
        ("more free addresses than workers, fewer than twice as many", 15),
    ],
)
def test_a_subnet_without_room_and_no_other_subnet_gets_fewer_workers(name: str, workers: int) -> None:
    (finding,) = free_ips_of_job(name)

    assert finding.fix is not None and finding.fix.verified, finding.fix
    assert f".NumberOfWorkers = {workers} else .MaxCapacity = {workers} end" in finding.fix.commands[1]
    assert "(was 20)" in finding.fix.effect and bash_n("\n".join(finding.fix.commands)) == ""


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        # Sized in DPUs (Glue 2.0 with MaxCapacity, no WorkerType): its MaxCapacity changes;
        # NumberOfWorkers without WorkerType is refused by UpdateJob (review finding).
        ({"Name": JOB, "GlueVersion": "2.0", "MaxCapacity": 20.0}, {"GlueVersion": "2.0", "MaxCapacity": 5}),
        # Sized in workers: NumberOfWorkers changes, MaxCapacity (GetJob reports it too) goes.
        (
            {"Name": JOB, "WorkerType": "G.1X", "NumberOfWorkers": 20, "MaxCapacity": 20.0},
            {"WorkerType": "G.1X", "NumberOfWorkers": 5},
        ),
    ],
)
def test_the_job_update_changes_the_field_the_job_is_sized_by(
    job: dict[str, object], expected: dict[str, object]
) -> None:
    (finding,) = free_ips_of_job("fewer free addresses than the job's workers")
    assert finding.fix is not None
    expression = shlex.split(finding.fix.commands[1].split("| jq -c ", 1)[1].rstrip(")"))[0]

    ran = subprocess.run(
        ["jq", "-c", expression], input=json.dumps({"Job": job}), capture_output=True, text=True, check=True
    )

    assert json.loads(ran.stdout) == expected
    problems = ParamValidator().validate(
        {"JobName": JOB, "JobUpdate": {"Role": "r", "Command": {}, **expected}},
        GLUE.operation_model("UpdateJob").input_shape,
    )
    assert not problems.has_errors(), problems.generate_report()


def test_the_subnet_with_room_twin_has_no_free_ips_finding() -> None:
    assert free_ips_of_job("healthy twin: 250 free addresses") == []


# --- end to end, the real AWS CLI (GetJob, jq) against moto -----------------------------------


def job_fix(aws: Aws, monkeypatch: pytest.MonkeyPatch, check: str) -> tuple[str, ...]:
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    inventory = for_consumer(Source(), "job", JOB)
    report = prove_consumer(inventory, analyse_consumer(inventory, "job", JOB))
    every = [*report.findings, *(f for r in report.connections for f in r.findings)]
    (finding,) = [f for f in every if f.check == check and f.severity == "error"]
    assert finding.fix is not None and finding.fix.verified, finding.fix
    return finding.fix.commands


def update_as_moto_cannot(aws: Aws, commands: tuple[str, ...]) -> None:
    """Run all but the update-job line with the real CLI, check the JobUpdate it built against
    botocore's model, then make the update by re-creating the job with it."""
    *read, update = commands
    assert update.startswith("aws glue update-job ")
    script = "set -euo pipefail\n" + "\n".join(read) + '\nprintf %s "$JOB_UPDATE"\n'
    ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=aws_cli_env(aws), check=False)
    assert ran.returncode == 0, ran.stderr + script
    job_update = json.loads(ran.stdout)
    request = {"JobName": JOB, "JobUpdate": job_update}
    problems = ParamValidator().validate(request, GLUE.operation_model("UpdateJob").input_shape)
    assert not problems.has_errors(), problems.generate_report()
    aws.clients.glue.delete_job(JobName=JOB)
    aws.clients.glue.create_job(Name=JOB, **job_update)


def test_the_missing_connection_fix_run_against_moto_clears_the_finding(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    job = aws.clients.glue.get_job(JobName=JOB)["Job"]
    aws.clients.glue.delete_job(JobName=JOB)
    job["Connections"] = {"Connections": [CONNECTION, "orders-archive"]}
    aws.clients.glue.create_job(**{k: v for k, v in job.items() if k not in ("CreatedOn", "LastModifiedOn")})
    assert [f["check"] for f in run(aws, JOB)["findings"] if f["severity"] == "error"] == ["consumer-connections"]

    update_as_moto_cannot(aws, job_fix(aws, monkeypatch, "consumer-connections"))

    after = run(aws, JOB)
    assert [f for f in after["findings"] if f["check"] == "consumer-connections"] == []
    assert aws.clients.glue.get_job(JobName=JOB)["Job"]["Connections"] == {"Connections": [CONNECTION]}
    assert after["verdict"] == "pass"


def small_subnet(aws: Aws) -> Layout:
    """A /28 Glue subnet (the KMS endpoint's ENI takes one of its 11 addresses) for a job with
    20 workers, and no other subnet: nothing but fewer workers fits."""
    c, layout = aws.clients, Layout()
    make_vpc(c, layout, subnet_cidr="10.0.1.0/28")
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout, workers=20)
    return layout


def free_ips_errors(report: dict[str, object]) -> list[object]:
    connections = report["connections"]
    assert isinstance(connections, list)
    return [f for c in connections for f in c["findings"] if f["check"] == "subnet-free-ips"]


def test_the_fewer_workers_fix_run_against_moto_clears_the_finding(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    small_subnet(aws)
    assert [f["severity"] for f in free_ips_errors(run(aws, JOB))] == ["error"]

    commands = job_fix(aws, monkeypatch, "subnet-free-ips")
    update_as_moto_cannot(aws, commands)

    assert aws.clients.glue.get_job(JobName=JOB)["Job"]["NumberOfWorkers"] == 5
    assert free_ips_errors(run(aws, JOB)) == []


def test_the_twin_with_workers_that_fit_has_no_free_ips_finding(aws: Aws) -> None:
    c, layout = aws.clients, Layout()
    make_vpc(c, layout, subnet_cidr="10.0.1.0/28")
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    glue_resources(c, layout, workers=5)

    assert free_ips_errors(run(aws, JOB)) == []
