"""S3 failure codes end to end (issue 13.6), through the CLI against moto. Glue's start-up
validation looks for an S3 gateway-endpoint route or a NAT route in the subnet's table: with
neither, `s3-endpoint-validation-failed`; with one whose path a group, ACL or the NAT drops,
the run times out instead, `s3-timeout`."""

from __future__ import annotations

from typing import Any

from conftest import Aws, Result
from scenarios import (
    CONNECTION,
    Layout,
    glue_resources,
    glue_security_group,
    healthy_endpoint,
    kms_endpoint,
    no_s3_path,
    public_nat,
    s3_gateway,
    vpc,
)


def _s3(aws: Aws) -> tuple[Result, dict[str, Any]]:
    # Every layout gives KMS its interface endpoint: only S3's code is predicted.
    result = aws.cli("connection", CONNECTION, "--format", "json")
    return result, next(p for p in result.json["paths"] if p["service"] == "s3")


def test_no_endpoint_route_and_no_nat_fails_glues_validation(aws: Aws) -> None:
    layout = no_s3_path(aws.clients)

    result, s3 = _s3(aws)

    assert (s3["reachable"], s3["blocked_at"]["type"], s3["blocked_at"]["id"]) == (
        False,
        "route-table",
        layout.route_table,
    )
    assert result.json["predicted_failures"] == ["s3-endpoint-validation-failed"]


def test_an_endpoint_route_whose_group_drops_s3_is_a_timeout(aws: Aws) -> None:
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    s3_gateway(c, layout)
    kms_endpoint(c, layout)
    # Egress to the group itself only: KMS's endpoint (same group) is reached, S3 is not.
    c.ec2.revoke_security_group_egress(
        GroupId=layout.glue_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    c.ec2.authorize_security_group_egress(
        GroupId=layout.glue_sg,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": layout.glue_sg}]}],
    )
    glue_resources(c, layout)

    result, s3 = _s3(aws)

    assert (s3["reachable"], s3["blocked_at"]["type"], s3["blocked_at"]["id"]) == (
        False,
        "security-group",
        layout.glue_sg,
    )
    assert result.json["predicted_failures"] == ["s3-timeout"]


def test_a_nat_route_whose_nat_has_no_way_out_is_a_timeout(aws: Aws) -> None:
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    kms_endpoint(c, layout)
    public_nat(c, layout, igw_route=False)  # no S3 endpoint; the NAT's subnet routes nowhere
    glue_resources(c, layout)

    result, s3 = _s3(aws)

    assert (s3["reachable"], s3["blocked_at"]["type"], s3["blocked_at"]["id"]) == (
        False,
        "route-table",
        layout.public_route_table,
    )
    assert result.json["predicted_failures"] == ["s3-timeout"]


def test_healthy_twin_predicts_no_s3_failure(aws: Aws) -> None:
    healthy_endpoint(aws.clients)

    result, s3 = _s3(aws)

    assert (s3["reachable"], s3["via"]) == (True, "gateway-endpoint")
    # (No exit-code assertion: the scenario's external JDBC host is undecided without a NAT.)
    assert result.json["predicted_failures"] == []


def test_explain_says_which_s3_code_is_which() -> None:
    from conftest import run_cli

    page = run_cli("explain", "s3-reachable").stdout

    assert "s3-endpoint-validation-failed" in page and "s3-timeout" in page
