"""AWS service address ranges are disjoint (issue 13.4), through the CLI against moto: an egress
rule to the S3 managed prefix list admits S3 and never KMS, so KMS is decided (blocked at the
group), not "depends on the exact address"."""

from __future__ import annotations

from typing import Any

from conftest import Aws, Result
from scenarios import CONNECTION, REGION, Layout, glue_resources, glue_security_group, public_nat, s3_gateway, vpc


def _tcp(low: int, high: int, **peer: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, **peer}


def _egress_only(aws: Aws, layout: Layout, permission: dict[str, Any]) -> None:
    """The Glue group's egress: its self-reference (Glue's own traffic) and `permission`."""
    ec2 = aws.clients.ec2
    ec2.revoke_security_group_egress(
        GroupId=layout.glue_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    self_reference = _tcp(0, 65535, UserIdGroupPairs=[{"GroupId": layout.glue_sg}])
    ec2.authorize_security_group_egress(GroupId=layout.glue_sg, IpPermissions=[self_reference, permission])


def _layout(aws: Aws, permission: dict[str, Any]) -> tuple[Layout, Result]:
    c = aws.clients
    layout = Layout()
    vpc(c, layout)
    glue_security_group(c, layout)
    public_nat(c, layout)
    s3_gateway(c, layout)
    _egress_only(aws, layout, permission)
    glue_resources(c, layout)
    return layout, aws.cli("connection", CONNECTION, "--format", "json")


def _s3_prefix_list(aws: Aws) -> str:
    lists = aws.clients.ec2.describe_managed_prefix_lists()["PrefixLists"]
    return next(pl["PrefixListId"] for pl in lists if pl["PrefixListName"] == f"com.amazonaws.{REGION}.s3")


def test_egress_to_the_s3_prefix_list_never_admits_kms(aws: Aws) -> None:
    pl = _s3_prefix_list(aws)
    layout, result = _layout(aws, _tcp(443, 443, PrefixListIds=[{"PrefixListId": pl}]))

    paths = {p["service"]: p for p in result.json["paths"]}
    kms = paths["kms"]
    assert (kms["reachable"], kms["via"]) == (False, None)
    assert (kms["blocked_at"]["type"], kms["blocked_at"]["id"]) == ("security-group", layout.glue_sg)
    assert kms["blocked_at"]["reason"].startswith("ENI_SG_RULES_MISMATCH: ")
    assert not any(h["code"] == "SG_PARTIAL_MATCH" for h in kms["hops"])
    assert (paths["s3"]["reachable"], paths["s3"]["via"]) == (True, "gateway-endpoint")
    assert (result.code, result.json["verdict"]) == (1, "fail")
    assert result.json["predicted_failures"] == ["crawler-internal-service-exception", "kms-timeout"]


def test_twin_egress_to_anywhere_on_443_admits_both(aws: Aws) -> None:
    _, result = _layout(aws, _tcp(443, 443, IpRanges=[{"CidrIp": "0.0.0.0/0"}]))

    paths = {p["service"]: p for p in result.json["paths"]}
    assert (paths["kms"]["reachable"], paths["kms"]["via"]) == (True, "nat-gateway")
    assert (paths["s3"]["reachable"], paths["s3"]["via"]) == (True, "gateway-endpoint")
    assert result.json["predicted_failures"] == []
