"""VPC endpoint policies (issue 16 item 1), end to end through `glue-netcheck job` against moto:
an S3 gateway endpoint whose policy (create_vpc_endpoint's PolicyDocument, as moto stores and
describes it) allows only another bucket fails the job with endpoint-policy-denied; its healthy
twin allows the job's script and TempDir buckets; the printed fix, applied, makes it pass."""

from __future__ import annotations

import json
import shlex
from typing import Any

from conftest import Aws
from scenarios import CONNECTION, JOB_ROLE, REGION, Layout, glue_resources, glue_security_group, kms_endpoint, vpc

EXIT = {"pass": 0, "warn": 0, "fail": 1, "unknown": 3}
NAME = "with-tempdir"
SCRIPT = "s3://etl-scripts/nightly.py"
TEMP = "s3://etl-temp/nightly/"


def policy(*resources: str) -> str:
    statement = {"Sid": "Buckets", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": list(resources)}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


ONLY_REPORTS = policy("arn:aws:s3:::reports", "arn:aws:s3:::reports/*")
JOB_BUCKETS = policy("arn:aws:s3:::etl-scripts/*", "arn:aws:s3:::etl-temp", "arn:aws:s3:::etl-temp/*")


def build(aws: Aws, document: str | None) -> Layout:
    """healthy-kms-endpoint (S3 gateway and KMS endpoints, no NAT), the S3 endpoint created
    with `document` (None: no PolicyDocument, AWS's full-access default), plus a job with
    --TempDir, which Glue reads, writes, lists and deletes under."""
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    extra = {"PolicyDocument": document} if document is not None else {}
    layout.s3_endpoint = c.ec2.create_vpc_endpoint(
        VpcId=layout.vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[layout.route_table],
        **extra,
    )["VpcEndpoint"]["VpcEndpointId"]
    kms_endpoint(c, layout)
    glue_resources(c, layout)
    c.glue.create_job(
        Name=NAME,
        Role=JOB_ROLE,
        Command={"Name": "glueetl", "ScriptLocation": SCRIPT},
        Connections={"Connections": [CONNECTION]},
        DefaultArguments={"--TempDir": TEMP},
        GlueVersion="4.0",
    )
    return layout


def run(aws: Aws) -> dict[str, Any]:
    result = aws.cli("job", NAME, "--format", "json")
    assert result.stderr == ""
    report: dict[str, Any] = result.json
    assert result.code == EXIT[report["verdict"]]
    return report


def own(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == "endpoint-policy"]


def assert_nothing_fails_but_the_external_target_is_undecided(report: dict[str, Any]) -> None:
    """The scenarios' JDBC host is no resource of the account and the subnet has no way out of
    its VPC: that path alone is undecided; everything else the job needs is reachable."""
    assert (report["verdict"], report["predicted_failures"]) == ("unknown", [])
    for connection in report["connections"]:
        assert {p["service"] for p in connection["paths"] if p["reachable"] is not True} == {"target"}


def test_s3_endpoint_policy_allowing_only_another_bucket_fails_the_job(aws: Aws) -> None:
    layout = build(aws, ONLY_REPORTS)
    report = run(aws)

    assert report["verdict"] == "fail"
    assert report["predicted_failures"] == ["endpoint-policy-denied"]
    found = own(report)
    assert {(f["severity"], f["resource"], tuple(f["predicts"])) for f in found} == {
        ("error", layout.s3_endpoint, ("endpoint-policy-denied",))
    }
    denied = sorted(f["message"].split(" denies ", 1)[1].split(" (", 1)[0] for f in found)
    assert denied == [
        f"s3:DeleteObject on {TEMP}",
        f"s3:GetObject on {SCRIPT}",
        f"s3:GetObject on {TEMP}",
        f"s3:ListBucket on {TEMP}",
        f"s3:PutObject on {TEMP}",
    ]
    messages = "\n".join(f["message"] for f in found)
    assert (
        f"denies s3:GetObject on {SCRIPT} (script): User: {JOB_ROLE} is not authorized to perform: s3:GetObject on "
        "resource: arn:aws:s3:::etl-scripts/nightly.py because no VPC endpoint policy allows the s3:GetObject action"
    ) in messages
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"):
        assert f"denies {action} on {TEMP} (--TempDir)" in messages


def test_the_printed_policy_applied_makes_the_job_pass(aws: Aws) -> None:
    layout = build(aws, ONLY_REPORTS)
    (fix,) = {f["remediation"] for f in own(run(aws))}
    words = shlex.split(fix)
    assert words[:5] == ["aws", "ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", layout.s3_endpoint]
    assert words[5] == "--policy-document"
    document = json.loads(words[6])  # valid JSON, no placeholder left to fill
    assert document["Statement"][0] == json.loads(ONLY_REPORTS)["Statement"][0]  # the old statement kept

    aws.clients.ec2.modify_vpc_endpoint(VpcEndpointId=layout.s3_endpoint, PolicyDocument=words[6])
    report = run(aws)
    assert own(report) == []
    assert_nothing_fails_but_the_external_target_is_undecided(report)
    assert "endpoint-policy-denied" not in report["predicted_failures"]


def test_healthy_twin_policy_allowing_the_job_buckets_gives_the_verdict_of_no_policy(aws: Aws) -> None:
    build(aws, JOB_BUCKETS)
    report = run(aws)

    assert own(report) == []
    assert_nothing_fails_but_the_external_target_is_undecided(report)
    assert report["predicted_failures"] == []


def test_no_policy_document_is_the_full_access_default(aws: Aws) -> None:
    build(aws, None)
    report = run(aws)

    assert own(report) == []
    assert_nothing_fails_but_the_external_target_is_undecided(report)


def test_a_condition_the_tool_cannot_decide_warns_never_passes_silently(aws: Aws) -> None:
    statement = {
        "Sid": "OrgOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    }
    layout = build(aws, json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    report = run(aws)

    found = own(report)
    assert found and {(f["severity"], f["resource"]) for f in found} == {("warning", layout.s3_endpoint)}
    assert all("aws:PrincipalOrgID is not evaluated" in f["message"] for f in found)
    assert "endpoint-policy-denied" not in report["predicted_failures"]
