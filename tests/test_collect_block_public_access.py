"""VPC Block Public Access, read live. moto 5.2.5 has neither DescribeVpcBlockPublicAccessOptions
nor ...Exclusions (its server answers HTTP 500): against moto the collector must carry on with
the mode unknown. The reads themselves are tested in the documented response shape through
botocore's Stubber, which checks each answer against the EC2 service model; everything else
of the run is moto's."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.collect import aws as collector
from glue_netcheck.model.build import build_inventory

from conftest import Aws
from scenarios import CONNECTION, REGION, SCENARIOS, Layout


@pytest.fixture
def reader(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> collector.AwsReader:
    for key, value in aws.env.items():
        monkeypatch.setenv(key, value)
    return collector.AwsReader()


def _options(mode: str) -> dict[str, Any]:
    return {
        "VpcBlockPublicAccessOptions": {
            "AwsAccountId": "123456789012",
            "AwsRegion": REGION,
            "State": "update-complete",
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": "allowed",
            "ManagedBy": "account",
        }
    }


def _exclusion(subnet: str) -> dict[str, Any]:
    return {
        "ExclusionId": "exclusion-0a1b2c3d4e5f60718",
        "InternetGatewayExclusionMode": "allow-egress",
        "ResourceArn": f"arn:aws:ec2:{REGION}:123456789012:subnet/{subnet}",
        "State": "create-complete",
    }


def _collected(reader: collector.AwsReader, answers: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    assert reader.optional("ec2", "describe_vpc_block_public_access_options") is None  # moto: no such API
    stub = Stubber(reader._clients[f"ec2@{reader.region}/once"])
    for operation, answer in answers:
        stub.add_response(operation, answer)
    with stub:
        raw = collector.collect_connection(reader, CONNECTION)
    stub.assert_no_pending_responses()
    return raw


def _bpa_findings(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    report = analyse_connection(build_inventory(REGION, raw), CONNECTION)
    return [(f.severity, f.resource, f.check) for f in report.findings if f.check == "vpc-block-public-access"]


def test_against_moto_the_mode_is_unknown_and_the_run_goes_on(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    raw = collector.collect_connection(reader, CONNECTION)

    assert reader.calls["ec2:DescribeVpcBlockPublicAccessOptions"] == 1  # asked once, never retried
    assert "VpcBlockPublicAccessOptions" not in raw["ec2"]
    assert _bpa_findings(raw) == []


def test_block_bidirectional_without_exclusion_blocks_the_nat_path(aws: Aws, reader: collector.AwsReader) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)
    no_exclusions = {"VpcBlockPublicAccessExclusions": []}
    answers = [
        ("describe_vpc_block_public_access_options", _options("block-bidirectional")),
        ("describe_vpc_block_public_access_exclusions", no_exclusions),
    ]

    raw = _collected(reader, answers)

    assert raw["ec2"]["VpcBlockPublicAccessExclusions"] == []
    assert ("error", layout.nat, "vpc-block-public-access") in _bpa_findings(raw)


def test_twin_the_nat_subnet_excluded_for_egress_passes(aws: Aws, reader: collector.AwsReader) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)
    answers = [
        ("describe_vpc_block_public_access_options", _options("block-bidirectional")),
        (
            "describe_vpc_block_public_access_exclusions",
            {"VpcBlockPublicAccessExclusions": [_exclusion(layout.public_subnet)]},
        ),
    ]

    assert _bpa_findings(_collected(reader, answers)) == []


def test_twin_mode_off_reads_no_exclusions(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, [("describe_vpc_block_public_access_options", _options("off"))])

    assert "VpcBlockPublicAccessExclusions" not in raw["ec2"]
    assert "ec2:DescribeVpcBlockPublicAccessExclusions" not in reader.calls
    assert _bpa_findings(raw) == []
