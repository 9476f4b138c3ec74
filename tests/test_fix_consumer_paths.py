"""Proven fixes of a job's findings about a path beyond its VPC (fixes/consumer_paths.py): PyPI
for --additional-python-modules, a connector image in ECR, a script bucket or a KMS key in
another region. The cure is the connection-level table's for the same blocked path (a route to
the NAT gateway there is, or a new one in the public subnet); an image in the job's own region
may come through ECR interface endpoints instead. Proven on the case files, and end to end:
the layout built in moto, the commands run with the real AWS CLI, `glue-netcheck job` run
again: the finding is gone. Each with its healthy twin.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.collect.inputs import Source, for_consumer
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.model.build import build_inventory
from test_e2e_beyond import connector_job, job, modules_job, own, run
from test_e2e_script_calls import DYNAMODB_SCRIPT, GLOBAL_STS_SCRIPT, upload
from test_fix_consumer import bash_n, errors, fix_and_rerun, proven
from test_fix_moto import aws_cli_env

from conftest import Aws
from scenarios import CONNECTION, JOB, JOB_ROLE, SCENARIOS, Layout, key_policy

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from test_cases import CASES, apply_patch, load

# --- on the case files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "name"),
    [
        ("python-modules-reachable", "modules from PyPI, and the subnet has no NAT path"),
        ("python-modules-reachable", "--extra-index-url still asks PyPI"),
        ("connector-image-reachable", "a Marketplace connector image, and the subnet has no NAT path"),
        ("connector-image-reachable", "a Marketplace connection without CONNECTOR_URL: the us-east-1 registry, no NAT"),
        ("s3-bucket-region", "the script's bucket is in eu-west-1 and the subnet has no NAT path"),
        ("kms-key-region", "the key is in us-west-2 and the subnet has no NAT path"),
    ],
)
def test_a_blocked_path_beyond_the_vpc_gets_the_route_to_the_nat_gateway(check: str, name: str) -> None:
    (finding,) = [f for f in proven(check, name) if f.check == check]

    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    assert command.startswith("aws ec2 create-route --route-table-id rtb-") and "--nat-gateway-id nat-" in command
    assert bash_n(command) == "" and 'resource "aws_route"' in finding.fix.terraform


@pytest.mark.parametrize(
    ("check", "name"),
    [
        ("python-modules-reachable", "healthy twin: modules from PyPI through the NAT gateway"),
        ("connector-image-reachable", "healthy twin: the image is pulled through the NAT gateway"),
        ("s3-bucket-region", "healthy twin: the bucket is in eu-west-1, reached through the NAT gateway"),
        ("kms-key-region", "healthy twin: the key is in us-west-2, reached through the NAT gateway"),
    ],
)
def test_the_twins_through_the_nat_gateway_have_nothing_to_fix(check: str, name: str) -> None:
    assert [f for f in proven(check, name) if f.check == check] == []


# --- end to end, the real AWS CLI against moto -----------------------------------------------


def public_subnet(aws: Aws, layout: Layout, *, nat: bool) -> None:
    """A public subnet (0.0.0.0/0 to an attached internet gateway) beside the Glue subnet, with
    a NAT gateway in it when `nat`, and no route from the Glue subnet's table to either."""
    ec2 = aws.clients.ec2
    layout.public_subnet = ec2.create_subnet(VpcId=layout.vpc, CidrBlock="10.0.0.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]["SubnetId"]
    layout.igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=layout.igw, VpcId=layout.vpc)
    table = ec2.create_route_table(VpcId=layout.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=layout.public_subnet)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=layout.igw)
    if nat:
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        layout.nat = ec2.create_nat_gateway(SubnetId=layout.public_subnet, AllocationId=allocation)["NatGateway"][
            "NatGatewayId"
        ]


def endpoint_layout(aws: Aws, *, nat: bool) -> Layout:
    """healthy-kms-endpoint (S3 gateway and KMS endpoints, no way out of the VPC) plus a public
    subnet the Glue subnet does not route to."""
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    public_subnet(aws, layout, nat=nat)
    return layout


@pytest.mark.parametrize("nat", [True, False], ids=["a NAT gateway unrouted", "no NAT gateway"])
def test_the_pypi_fix_run_with_the_aws_cli_clears_the_finding(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, nat: bool
) -> None:
    layout = endpoint_layout(aws, nat=nat)
    job(aws, "with-modules", [CONNECTION], {"--additional-python-modules": "pyarrow==14.0.1"})
    before = run(aws, "with-modules")
    assert own(before, "python-modules-reachable") != []

    commands, after = fix_and_rerun(aws, "python-modules-reachable", monkeypatch, "with-modules")

    if nat:
        assert commands == [
            f"aws ec2 create-route --route-table-id {layout.route_table} --destination-cidr-block 0.0.0.0/0 "
            f"--nat-gateway-id {layout.nat}"
        ]
    else:
        assert any(f"--subnet-id {layout.public_subnet}" in c for c in commands)
        assert any("--nat-gateway-id" in c and layout.route_table in c for c in commands)
    assert own(after, "python-modules-reachable") == []
    assert not errors(after) - errors(before)


def test_the_pypi_twin_through_the_nat_gateway_has_no_finding(aws: Aws) -> None:
    _, report = modules_job(aws, "healthy-nat")

    assert own(report, "python-modules-reachable") == []


def test_the_connector_image_fix_without_a_public_subnet_is_the_ecr_endpoints(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No public subnet, so no NAT gateway: the image (us-east-1, the job's region) comes through
    the ECR API and Docker interface endpoints; the S3 gateway endpoint serves its layers."""
    layout, before = connector_job(aws, "healthy-kms-endpoint")
    assert own(before, "connector-image-reachable") != []

    commands, after = fix_and_rerun(aws, "connector-image-reachable", monkeypatch, "with-connector")

    assert [c.split("--service-name ")[1].split()[0] for c in commands] == [
        "com.amazonaws.us-east-1.ecr.api",
        "com.amazonaws.us-east-1.ecr.dkr",
    ]
    assert all(f"--vpc-id {layout.vpc}" in c for c in commands)
    assert own(after, "connector-image-reachable") == []
    assert not errors(after) - errors(before)


def test_the_connector_image_twin_through_the_nat_gateway_has_no_finding(aws: Aws) -> None:
    _, report = connector_job(aws, "healthy-nat")

    assert own(report, "connector-image-reachable") == []


def other_region_job(aws: Aws, scenario: str, what: str) -> Layout:
    """A job whose script bucket ("bucket") or security configuration's key ("key") is in
    another region than the job."""
    layout = SCENARIOS[scenario](aws.clients) if scenario != "public-subnet-nat" else endpoint_layout(aws, nat=True)
    glue, script, configuration = aws.clients.glue, "s3://etl-scripts/nightly.py", {}
    if what == "bucket":
        aws.client("s3").create_bucket(
            Bucket="eu-scripts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        script = "s3://eu-scripts/job.py"
    else:
        key = aws.client("kms", "us-west-2").create_key(Policy=key_policy())["KeyMetadata"]["Arn"]
        glue.create_security_configuration(
            Name="sec-west",
            EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}]},
        )
        configuration = {"SecurityConfiguration": "sec-west"}
    glue.create_job(
        Name="elsewhere",
        Role=JOB_ROLE,
        Connections={"Connections": [CONNECTION]},
        Command={"Name": "glueetl", "ScriptLocation": script},
        GlueVersion="4.0",
        **configuration,
    )
    return layout


CHECK = {"bucket": "s3-bucket-region", "key": "kms-key-region"}


@pytest.mark.parametrize("what", ["bucket", "key"])
def test_the_other_region_fix_run_with_the_aws_cli_clears_the_finding(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    layout = other_region_job(aws, "public-subnet-nat", what)
    before = run(aws, "elsewhere")
    assert own(before, CHECK[what]) != []

    commands, after = fix_and_rerun(aws, CHECK[what], monkeypatch, "elsewhere")

    assert commands == [
        f"aws ec2 create-route --route-table-id {layout.route_table} --destination-cidr-block 0.0.0.0/0 "
        f"--nat-gateway-id {layout.nat}"
    ]
    assert own(after, CHECK[what]) == []
    assert not errors(after) - errors(before)


@pytest.mark.parametrize("what", ["bucket", "key"])
def test_the_other_region_twin_through_the_nat_gateway_has_no_finding(aws: Aws, what: str) -> None:
    other_region_job(aws, "healthy-nat", what)

    assert own(run(aws, "elsewhere"), CHECK[what]) == []


# --- what the script calls (warnings: the run may still succeed) -----------------------------


def test_the_dynamodb_fix_is_its_gateway_endpoint_run_with_the_aws_cli(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No way out of the VPC, no DynamoDB endpoint: the free gateway endpoint on the Glue
    subnet's table. Live, the collector reads no prefix list that no route uses, so the fix
    cannot be shown on the model (unverified, and it says why); run, its route makes the
    collector read the list, and the next analysis shows the path."""
    layout = SCENARIOS["healthy-kms-endpoint"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    inventory = for_consumer(Source(), "job", JOB)
    report = prove_consumer(inventory, analyse_consumer(inventory, "job", JOB))
    (finding,) = [f for f in report.findings if f.check == "script-services-reachable"]
    assert finding.fix is not None and not finding.fix.verified
    assert "the data holds no prefix list of com.amazonaws.us-east-1.dynamodb" in finding.fix.effect
    (command,) = finding.fix.commands
    assert "--vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.dynamodb" in command
    assert f"--route-table-ids {layout.route_table}" in command

    ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=aws_cli_env(aws), check=False)

    assert ran.returncode == 0, ran.stderr
    assert own(run(aws, JOB), "script-services-reachable") == []


def test_the_dynamodb_gateway_fix_is_verified_where_the_data_has_its_prefix_list() -> None:
    spec = load(CASES / "script-services-reachable.json")
    cases = {c["name"]: c for c in spec["cases"]}
    prefix_list = [
        op for op in cases["DynamoDB through its gateway endpoint"]["patch"] if op["path"] == "/ec2/PrefixLists/-"
    ]
    patch = cases["DynamoDB without an endpoint, no NAT"]["patch"] + prefix_list
    inventory = build_inventory(spec["region"], apply_patch(spec["snapshot"], patch))

    report = prove_consumer(inventory, analyse_consumer(inventory, "job", JOB))

    (finding,) = [f for f in report.findings if f.check == "script-services-reachable"]
    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    assert "--vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.dynamodb" in command


def test_the_sqs_fix_is_its_interface_endpoint() -> None:
    (finding,) = [
        f
        for f in proven("script-services-reachable", "the script calls SQS: no endpoint and no NAT", "warning")
        if f.check == "script-services-reachable"
    ]

    assert finding.fix is not None and finding.fix.verified, finding.fix
    (command,) = finding.fix.commands
    assert command.startswith("VPCE_SQS=$(aws ec2 create-vpc-endpoint ") and "--private-dns-enabled" in command


def test_the_dynamodb_twin_through_the_nat_gateway_has_no_finding(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    upload(aws, DYNAMODB_SCRIPT)

    assert own(run(aws, JOB), "script-services-reachable") == []


def test_the_global_sts_fix_is_the_route_to_the_nat_gateway_run_with_the_aws_cli(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = endpoint_layout(aws, nat=True)
    upload(aws, GLOBAL_STS_SCRIPT)
    assert own(run(aws, JOB), "sts-global-endpoint") != []

    commands, after = fix_and_rerun(aws, "sts-global-endpoint", monkeypatch, severity="warning")

    assert commands == [
        f"aws ec2 create-route --route-table-id {layout.route_table} --destination-cidr-block 0.0.0.0/0 "
        f"--nat-gateway-id {layout.nat}"
    ]
    assert own(after, "sts-global-endpoint") == []


def test_the_global_sts_twin_through_the_nat_gateway_has_no_finding(aws: Aws) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    upload(aws, GLOBAL_STS_SCRIPT)

    assert own(run(aws, JOB), "sts-global-endpoint") == []
