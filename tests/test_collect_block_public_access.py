"""VPC Block Public Access, read live. moto 5.2.5 has neither DescribeVpcBlockPublicAccessOptions
nor ...Exclusions (its server answers HTTP 500), nor the BlockPublicAccessStates field AWS puts
on every VPC and subnet it describes. The collector reads the options, then the exclusions, only
when those states say blocking may be on: against moto it makes neither call and carries on
with the mode unknown. The states are added to moto's real DescribeSubnets/DescribeVpcs answers by
a botocore after-call hook (the documented shape: {"InternetGatewayBlockMode": mode}); the
options and exclusions are answered through botocore's Stubber, which checks each answer
against the EC2 service model; everything else of the run is moto's."""

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


def _options(mode: str, allowed: str = "allowed") -> dict[str, Any]:
    return {
        "VpcBlockPublicAccessOptions": {
            "AwsAccountId": "123456789012",
            "AwsRegion": REGION,
            "State": "update-complete",
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": allowed,
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


def _stating(reader: collector.AwsReader, mode: str, vpcs_mode: str | None = None) -> None:
    """Every VPC and subnet moto describes states the region's mode, as AWS's do (`vpcs_mode`:
    the VPCs say otherwise)."""

    def add(parsed: dict[str, Any], **_: Any) -> None:
        for key, said in (("Subnets", mode), ("Vpcs", vpcs_mode or mode)):
            for resource in parsed.get(key, ()):
                resource["BlockPublicAccessStates"] = {"InternetGatewayBlockMode": said}

    reader._session.events.register("after-call.ec2.DescribeSubnets", add)
    reader._session.events.register("after-call.ec2.DescribeVpcs", add)


def _collected(
    reader: collector.AwsReader,
    answers: list[tuple[str, dict[str, Any]]],
    mode: str = "block-bidirectional",
    vpcs_mode: str | None = None,
) -> dict[str, Any]:
    assert reader.optional("ec2", "describe_vpc_block_public_access_options") is None  # moto: no such API
    reader.calls.clear()
    _stating(reader, mode, vpcs_mode)
    stub = Stubber(reader._clients[f"ec2@{reader.region}/once"])
    for operation, answer in answers:
        stub.add_response(operation, answer)
    with stub:
        raw = collector.collect_connection(reader, CONNECTION)
    stub.assert_no_pending_responses()
    return raw


def _answers(mode: str, *exclusions: dict[str, Any], allowed: str = "allowed") -> list[tuple[str, dict[str, Any]]]:
    """The options first, then the exclusions: the order the collector reads them in."""
    return [
        ("describe_vpc_block_public_access_options", _options(mode, allowed)),
        ("describe_vpc_block_public_access_exclusions", {"VpcBlockPublicAccessExclusions": list(exclusions)}),
    ]


def _bpa_findings(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    report = analyse_connection(build_inventory(REGION, raw), CONNECTION)
    return [(f.severity, f.resource, f.check) for f in report.findings if f.check == "vpc-block-public-access"]


def test_against_moto_the_mode_is_unknown_and_the_run_goes_on(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    raw = collector.collect_connection(reader, CONNECTION)

    # No BlockPublicAccessStates on moto's subnets: neither read is made, the mode is unknown.
    assert "ec2:DescribeVpcBlockPublicAccessOptions" not in reader.calls
    assert "VpcBlockPublicAccessOptions" not in raw["ec2"]
    assert build_inventory(REGION, raw).network.block_public_access is None
    assert _bpa_findings(raw) == []


def test_subnets_saying_blocked_read_options_and_exclusions_once_unanswered_a_warning(
    aws: Aws, reader: collector.AwsReader
) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)
    _stating(reader, "block-bidirectional")

    raw = collector.collect_connection(reader, CONNECTION)  # moto answers with HTTP 500

    # Blocking: the options, then the exclusions, each asked once, never retried. Unanswered,
    # the mode is the states' and the exclusions unknown.
    assert reader.calls["ec2:DescribeVpcBlockPublicAccessOptions"] == 1
    assert reader.calls["ec2:DescribeVpcBlockPublicAccessExclusions"] == 1
    assert sum(reader.calls.values()) == 19 + 2, reader.calls
    bpa = build_inventory(REGION, raw).network.block_public_access
    assert bpa is not None and bpa.mode == "block-bidirectional" and not bpa.exclusions_known
    assert bpa.exclusions_allowed is None
    assert _bpa_findings(raw) == [("warning", layout.nat, "vpc-block-public-access")]


def test_block_bidirectional_without_exclusion_blocks_the_nat_path(aws: Aws, reader: collector.AwsReader) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, _answers("block-bidirectional"))

    assert raw["ec2"]["VpcBlockPublicAccessExclusions"] == []
    assert raw["ec2"]["VpcBlockPublicAccessOptions"]["ExclusionsAllowed"] == "allowed"
    assert ("error", layout.nat, "vpc-block-public-access") in _bpa_findings(raw)
    bpa = build_inventory(REGION, raw).network.block_public_access
    assert bpa is not None and bpa.exclusions_allowed is True


def test_exclusions_not_allowed_are_read_from_the_options(aws: Aws, reader: collector.AwsReader) -> None:
    """A declarative policy's ExclusionsAllowed: not-allowed is only in the options: they are
    read whenever the states say blocking, so the model knows AWS would refuse an exclusion."""
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, _answers("block-bidirectional", allowed="not-allowed"))

    bpa = build_inventory(REGION, raw).network.block_public_access
    assert bpa is not None and bpa.exclusions_allowed is False
    assert ("error", layout.nat, "vpc-block-public-access") in _bpa_findings(raw)


def test_states_that_disagree_read_the_options_first_and_the_options_decide(
    aws: Aws, reader: collector.AwsReader
) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, _answers("block-bidirectional"), mode="block-bidirectional", vpcs_mode="off")

    assert raw["ec2"]["VpcBlockPublicAccessOptions"]["InternetGatewayBlockMode"] == "block-bidirectional"
    assert ("error", layout.nat, "vpc-block-public-access") in _bpa_findings(raw)


def test_twin_states_that_disagree_with_the_options_off_pass_without_reading_exclusions(
    aws: Aws, reader: collector.AwsReader
) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    answers = [("describe_vpc_block_public_access_options", _options("off"))]

    raw = _collected(reader, answers, mode="block-bidirectional", vpcs_mode="off")

    assert "ec2:DescribeVpcBlockPublicAccessExclusions" not in reader.calls
    assert _bpa_findings(raw) == []


def test_twin_the_nat_subnet_excluded_for_egress_passes(aws: Aws, reader: collector.AwsReader) -> None:
    layout: Layout = SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, _answers("block-bidirectional", _exclusion(layout.public_subnet)))

    assert _bpa_findings(raw) == []
    report = analyse_connection(build_inventory(REGION, raw), CONNECTION)
    assert all(p.reachable is True for p in report.paths), report.paths


def test_twin_subnets_saying_off_read_neither_options_nor_exclusions(aws: Aws, reader: collector.AwsReader) -> None:
    SCENARIOS["healthy-nat"](aws.clients)

    raw = _collected(reader, [], mode="off")

    assert "VpcBlockPublicAccessExclusions" not in raw["ec2"]
    assert not {"ec2:DescribeVpcBlockPublicAccessOptions", "ec2:DescribeVpcBlockPublicAccessExclusions"} & set(
        reader.calls
    )
    bpa = build_inventory(REGION, raw).network.block_public_access
    assert bpa is not None and bpa.mode == "off"
    assert _bpa_findings(raw) == []
